"""Boundary of the category model's candidate choice (`best_candidate`): the highest validation
accuracy wins, by however little; an exact tie keeps the first listed candidate (the
strongest regularisation in the shipped YAML), whatever the others' order."""

from __future__ import annotations

import pytest

from titans_finance.models.category.evaluation import best_candidate

C3, C10, C30 = "logistic_regression@C=3", "logistic_regression@C=10", "logistic_regression@C=30"


@pytest.mark.parametrize("c10_accuracy, chosen", [(0.8 - 1 / 250, C3), (0.8, C3),
                                                  (0.8 + 1 / 250, C10)])
def test_one_validation_row_more_wins_and_a_tie_keeps_the_first_listed(c10_accuracy, chosen):
    # 250 validation rows: one row is 0.004 of accuracy
    assert best_candidate({C3: 0.8, C10: c10_accuracy, C30: 0.7}) == chosen


def test_a_tie_keeps_the_first_listed_whichever_it_is():
    assert best_candidate({C30: 0.9, C10: 0.9, C3: 0.9}) == C30
    assert best_candidate({C3: 0.5, C10: 0.9, C30: 0.9}) == C10


def test_no_candidate_scored_is_refused():
    with pytest.raises(ValueError, match="no candidate"):
        best_candidate({})
