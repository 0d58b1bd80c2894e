"""mutation.json keeps each function's latest result (benchmarks/quality/mutation_report.py)."""

from __future__ import annotations

from benchmarks.quality.mutation_report import merged_rows


def _row(function: str, mutants: int, checked: int) -> dict:
    return {"function": function, "mutants": mutants, "checked": checked}


def test_a_part_stopped_early_never_hides_a_longer_run_of_the_same_code():
    previous = [_row("f", 10, 8)]
    assert merged_rows([_row("f", 10, 7)], previous) == (previous, set())
    assert merged_rows([_row("f", 10, 8)], previous) == ([_row("f", 10, 8)], {"f"})


def test_a_row_of_code_since_changed_gives_way_to_the_new_code_s_row():
    # another number of mutants: the code changed, and the old row's mutants are gone
    rows, taken = merged_rows([_row("f", 12, 2), _row("g", 1, 0)],
                              [_row("f", 10, 8), _row("h", 3, 3)])
    assert rows == [_row("f", 12, 2), _row("g", 1, 0), _row("h", 3, 3)] and taken == {"f", "g"}
