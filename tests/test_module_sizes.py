"""One job per module: no source module over 500 lines without a stated reason (issue #23).
A module that grows past the limit fails here until it is split along its seams, or its
reason is written below (and still holds)."""

from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "titans_finance"
LIMIT = 500
# module → why it stays whole (each reason says which job the module has)
REASONS = {
    "core/rolling.py": "the rolling history's one critical section: per-account locks, the walk "
                       "of a call's rows, forgetting and adoption share the account's state and "
                       "its lock order; split, the locking would span modules",
}


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("path", sorted(p for p in SOURCE.rglob("*.py")
                                         if "__pycache__" not in p.parts),
                         ids=lambda p: p.relative_to(SOURCE).as_posix())
def test_a_module_over_the_limit_has_a_stated_reason(path):
    where = path.relative_to(SOURCE).as_posix()
    if _lines(path) > LIMIT:
        assert where in REASONS, f"{where}: {_lines(path)} lines (limit {LIMIT}): split it"


@pytest.mark.parametrize("where", sorted(REASONS))
def test_every_stated_reason_is_still_needed(where):
    assert _lines(SOURCE / where) > LIMIT, f"{where} is back under {LIMIT} lines: drop its reason"
