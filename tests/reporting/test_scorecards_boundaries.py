"""Boundary of an older run's scorecard: a model that only ties its strongest baseline
does not beat it (lower-is-better and higher-is-better metrics); one step better does."""

import numpy as np
import pytest

from titans_finance.reporting.scorecards import scorecard_of

MAE = 12.5
ACCURACY = 0.8


@pytest.mark.parametrize("model, beats", [(MAE, False), (np.nextafter(MAE, 0), True),
                                          (np.nextafter(MAE, 99), False)])
def test_a_lower_is_better_model_tying_its_baseline_does_not_beat_it(model, beats):
    card = scorecard_of("amount", {"holdout_mae": model, "baseline_mae": MAE})
    assert card["beats_best_baseline"] is beats


@pytest.mark.parametrize("model, beats", [(ACCURACY, False), (np.nextafter(ACCURACY, 1), True),
                                          (np.nextafter(ACCURACY, 0), False)])
def test_a_higher_is_better_model_tying_its_baseline_does_not_beat_it(model, beats):
    card = scorecard_of("category", {"holdout_accuracy": model, "baseline_accuracy": ACCURACY})
    assert card["beats_best_baseline"] is beats


def test_the_strongest_baseline_is_the_one_to_beat():
    # cash flow, lower is better: the smaller of the two baselines' MASE is the bar
    card = scorecard_of("cashflow", {"mase": 0.9, "baseline_last_mase": 1.2,
                                     "baseline_seasonal7_mase": 0.9})
    assert card["best_baseline"] == "seasonal_naive_7" and card["beats_best_baseline"] is False
    card = scorecard_of("cashflow", {"mase": 0.9, "baseline_last_mase": 0.9,
                                     "baseline_seasonal7_mase": 1.2})
    assert card["best_baseline"] == "naive" and card["beats_best_baseline"] is False
