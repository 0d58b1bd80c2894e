"""A model beats its baseline only by more than the noise of the hold-out."""

import math

import numpy as np
import pytest

from titans_finance.core.verdict import (
    BEATS,
    BEHIND,
    LEVEL,
    MARGIN_SE,
    bootstrap_comparison,
    paired_comparison,
    scorecard_verdict,
    verdict_of,
)

SE = 0.5
AT = MARGIN_SE * SE  # exactly at the margin (1.0: exact in binary)


@pytest.mark.parametrize("advantage, verdict", [
    (AT + 1e-9, BEATS), (AT, LEVEL), (AT - 1e-9, LEVEL), (0.0, LEVEL),
    (-AT + 1e-9, LEVEL), (-AT, LEVEL), (-AT - 1e-9, BEHIND),
])
def test_the_margin_is_two_standard_errors_and_level_includes_it(advantage, verdict):
    assert verdict_of(advantage, SE) == verdict


@pytest.mark.parametrize("advantage, error, verdict", [
    (0.0, 0.0, LEVEL), (1e-12, 0.0, BEATS), (-1e-12, 0.0, BEHIND),
    (1.0, None, None), (None, 1.0, None), (1.0, math.nan, None), (math.inf, 1.0, None),
    (1.0, -1.0, None),
])
def test_degenerate_noise(advantage, error, verdict):
    assert verdict_of(advantage, error) == verdict


def test_the_issues_amount_model_is_level_with_its_baseline():
    # MAE 71.48 against 72.02 (0.75 %) on 4,000 rows of heavy-tailed errors: inside the noise
    rng = np.random.default_rng(0)
    baseline = rng.exponential(72.02, 4000)
    model = np.abs(baseline + rng.normal(0, 40, 4000))
    model *= 71.48 / model.mean()
    baseline *= 72.02 / baseline.mean()
    result = paired_comparison(model, baseline)
    assert result["advantage"] == pytest.approx(0.54, abs=1e-9)
    assert result["advantage_se"] > 0.54 / MARGIN_SE and result["verdict"] == LEVEL


def test_a_consistent_small_win_on_the_same_rows_beats():
    baseline = np.linspace(10, 100, 500)
    result = paired_comparison(baseline - 0.5, baseline)  # 0.5 better on every row
    assert result["verdict"] == BEATS and result["advantage"] == pytest.approx(0.5)
    assert paired_comparison(baseline + 0.5, baseline)["verdict"] == BEHIND


def test_one_row_has_no_noise_estimate_and_shapes_must_match():
    assert paired_comparison([1.0], [2.0])["verdict"] is None
    with pytest.raises(ValueError, match="same rows"):
        paired_comparison([1.0, 2.0], [1.0])


def test_bootstrap_of_a_ranking_metric():
    from sklearn.metrics import average_precision_score

    rng = np.random.default_rng(1)
    truth = (rng.random(2000) < 0.05).astype(int)
    good = truth + rng.normal(0, 0.3, 2000)
    noise = rng.normal(0, 1, 2000)
    assert bootstrap_comparison(average_precision_score, truth, good, noise)["verdict"] == BEATS
    assert bootstrap_comparison(average_precision_score, truth, noise, good)["verdict"] == BEHIND
    same = bootstrap_comparison(average_precision_score, truth, good, good + 1e-9)
    assert same["verdict"] == LEVEL


def test_a_card_without_a_verdict_has_none():
    assert scorecard_verdict({"beats_best_baseline": True}) is None
    assert scorecard_verdict({"verdict": LEVEL}) == LEVEL
    assert scorecard_verdict(None) is None
