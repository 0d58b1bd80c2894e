"""The planted boundary bugs of `benchmarks.quality.boundary_mutants` still apply to the code:
each mutant's original text occurs exactly once in its module (code that moved or changed
would otherwise make the benchmark report nothing for it, or crash)."""

import pytest

from benchmarks.quality.boundary_mutants import EQUIVALENT, MUTANTS, SOURCE


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.id for m in MUTANTS])
def test_each_mutant_applies_once_to_its_module(mutant):
    path = SOURCE / mutant.path
    assert path.is_file(), f"{mutant.id}: {mutant.path} does not exist (moved?)"
    count = path.read_text(encoding="utf-8").count(mutant.old)
    assert count == 1, f"{mutant.id}: its original text occurs {count} times in {mutant.path}"
    assert mutant.new != mutant.old


def test_mutant_ids_are_unique_and_equivalents_are_mutants():
    ids = [m.id for m in MUTANTS]
    assert len(ids) == len(set(ids))
    assert set(EQUIVALENT) <= set(ids)
