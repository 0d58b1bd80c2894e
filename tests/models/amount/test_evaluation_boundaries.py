"""Boundary of the amount model's candidate selection: a more complex candidate must beat the
current one by *more* than the relative tolerance (a gain of exactly the tolerance keeps the
simpler one); the tolerance itself is in [0, 1)."""

from __future__ import annotations

import pytest

from titans_finance.models.amount.evaluation import select_candidate


@pytest.mark.parametrize("challenger_mae, chosen", [(9.01, "prior"), (9.0, "prior"),
                                                    (8.99, "prior+lightgbm")])
def test_a_gain_of_exactly_the_tolerance_keeps_the_simpler_candidate(challenger_mae, chosen):
    # tolerance 10 % of a validation MAE of 10: the challenger must gain more than 1.0
    candidates = {"prior": {"validation_mae": 10.0},
                  "prior+lightgbm": {"validation_mae": challenger_mae}}
    assert select_candidate(candidates, 0.1) == chosen


def test_with_no_tolerance_any_gain_counts_and_a_tie_keeps_the_simpler():
    tie = {"prior": {"validation_mae": 10.0}, "prior+lightgbm": {"validation_mae": 10.0}}
    assert select_candidate(tie, 0.0) == "prior"
    better = {"prior": {"validation_mae": 10.0}, "prior+lightgbm": {"validation_mae": 9.999}}
    assert select_candidate(better, 0.0) == "prior+lightgbm"


@pytest.mark.parametrize("tolerance, allowed", [(0.0, True), (0.999, True), (1.0, False),
                                                (-0.001, False)])
def test_the_tolerance_is_from_zero_inclusive_to_one_exclusive(tolerance, allowed):
    candidates = {"prior": {"validation_mae": 10.0}}
    if allowed:
        assert select_candidate(candidates, tolerance) == "prior"
    else:
        with pytest.raises(ValueError, match="selection_tolerance"):
            select_candidate(candidates, tolerance)
