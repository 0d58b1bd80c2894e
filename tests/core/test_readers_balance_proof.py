"""A reading proven on fewer balance steps than the moves it leaves without an amount is no
proof (core/readers/balance_proof.py, used by column_roles' `_decide`): each comparison on
its boundary and each side, and the file shape it was written for."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from titans_finance.core.readers.balance_proof import moves_without_amount
from titans_finance.core.readers.column_roles import _RoleInference, infer_roles
from titans_finance.core.readers.mapping import UnsureReading
from titans_finance.core.readers.reconcile import CENT_TOLERANCE

NAN = np.nan


def _inference(columns: dict[str, list]) -> _RoleInference:
    frame = pd.DataFrame({c: pd.Series(v, dtype="object") for c, v in columns.items()})
    return _RoleInference(frame, {}, set(), ".", "in/x.csv", None, True)


def test_a_line_without_an_amount_counts_when_its_balance_moved_by_the_tolerance():
    assert CENT_TOLERANCE == 0.005
    assert moves_without_amount([NAN, 1.0], [0.0, 0.005]) == 1      # on the tolerance: a move
    assert moves_without_amount([NAN, 1.0], [0.0, 0.0049]) == 0     # under it: none
    assert moves_without_amount([1.0, NAN], [0.0, 0.01]) == 1       # the move after the line
    assert moves_without_amount([1.0, NAN, 1.0], [5.0, 5.0, 5.0]) == 0  # a balance line


def test_only_lines_with_a_balance_and_no_amount_count():
    assert moves_without_amount([NAN, NAN], [0.0, NAN]) == 0  # no balance: no move seen
    assert moves_without_amount([NAN, NAN, NAN], [1.0, 2.0, 3.0]) == 3
    assert moves_without_amount([2.0, 1.0, 1.0], [1.0, 2.0, 3.0]) == 0
    assert moves_without_amount([NAN], [1.0]) == 0  # one line: no step


def test_a_move_on_either_side_counts_alone():
    # the balance moved from the line before, not to the line after (and the reverse)
    assert moves_without_amount([5.0, NAN, 3.0], [100.0, 90.0, 90.0]) == 1
    assert moves_without_amount([5.0, NAN, 3.0], [100.0, 100.0, 90.0]) == 1


def test_values_of_a_column_of_objects_read_as_numbers_none_as_missing():
    # a column's values as pandas hands them from text (object dtype, None where empty)
    amounts = np.array([5.0, None, 3.0], dtype=object)
    assert moves_without_amount(amounts, np.array([100.0, 90.0, 90.0], dtype=object)) == 1
    assert moves_without_amount([5.0, NAN, 3.0],
                                np.array([100.0, None, 90.0], dtype=object)) == 0


RUNNING = ["100.00", "95.00", "105.00", "102.50", "110.00"]


def test_a_reading_proves_on_as_many_steps_as_the_moves_it_leaves_out_and_not_fewer():
    # two steps carried (95 -> 105 on 10, 100 -> 95 on -5), two moves left out: proven
    inference = _inference({"A": [None, "-5.00", "10.00", None], "S": RUNNING[:4]})
    decided = inference._decide(inference._readings("A", "S"), "running balance")
    assert decided is not None and decided[0] == "A|S"
    # two steps, three moves left out: no proof
    inference = _inference({"A": [None, "-5.00", "10.00", None, None], "S": RUNNING})
    assert inference._decide(inference._readings("A", "S"), "running balance") is None
    # three steps, one left out: proven
    inference = _inference({"A": [None, "-5.00", "10.00", "-2.50", "7.50"], "S": RUNNING})
    assert inference._decide(inference._readings("A", "S"), "running balance") is not None


def _noise(k: int) -> list[str]:
    return [f"{k}.{d}1" for d in (3, 7, 2, 9)]


def test_one_side_of_a_split_past_the_first_four_is_no_proof_and_the_file_stops():
    # (docs/testing.md, session 22 mutroles' limit): P in on one line, Q out on three, S
    # the balance; Q the fifth column of amounts. Before: "Amount: P, 1 of 1 lines reconcile"
    frame = pd.DataFrame({
        "Date": ["01.03.2026", "02.03.2026", "03.03.2026", "04.03.2026"],
        "N1": _noise(1), "N2": _noise(2), "N3": _noise(3),
        "P": [None, None, "10.00", None], "Q": ["5.00", "5.00", None, "2.50"],
        "S": ["100.00", "95.00", "105.00", "102.50"]}, dtype="object")
    with pytest.raises(UnsureReading, match="money in and money out"):
        infer_roles(frame, {}, name="in/x.csv", headerless=True)
