"""Boundaries of the promotion rule: a challenger worse by exactly the allowed margin (absolute
or relative) is promoted, a hair more is not; "worse everywhere" only beyond ties; and the
hold-out starts the day after the champion's training end."""

from __future__ import annotations

import types

import numpy as np
import pandas as pd
import pytest

from titans_finance.pipelines.retrain.nodes import TIE, _holdout, decide_promotion

HIGHER = {"accuracy": {"direction": "higher", "margin": 0.02, "relative_margin": 0.0}}
LOWER = {"mae": {"direction": "lower", "margin": 0.0, "relative_margin": 0.1}}


@pytest.mark.parametrize("challenger, promote", [(0.785, True), (0.78, True),
                                                 (0.78 - 1e-9, False)])
def test_worse_by_exactly_the_margin_is_promoted(challenger, promote):
    # margin 0.02 below a champion at 0.80; accuracy is the only metric, so "worse on every
    # metric" would also reject: give it a second, better metric
    rules = {**HIGHER, "macro_f1": {"direction": "higher", "margin": 0.0, "relative_margin": 0.0}}
    decided, _ = decide_promotion({"accuracy": 0.80, "macro_f1": 0.5},
                                  {"accuracy": challenger, "macro_f1": 0.6}, rules)
    assert decided is promote


@pytest.mark.parametrize("challenger, promote", [(21.9, True), (22.0, True), (22.0 + 1e-9, False)])
def test_worse_by_exactly_the_relative_margin_is_promoted(challenger, promote):
    # relative margin 10 % of a champion MAE of 20: up to 22 allowed
    rules = {**LOWER, "coverage_gap": {"direction": "lower", "margin": 0.0,
                                       "relative_margin": 0.0}}
    decided, _ = decide_promotion({"mae": 20.0, "coverage_gap": 0.1},
                                  {"mae": challenger, "coverage_gap": 0.05}, rules)
    assert decided is promote


def test_the_larger_of_the_two_margins_applies():
    rules = {"mae": {"direction": "lower", "margin": 3.0, "relative_margin": 0.1},
             "gap": {"direction": "lower", "margin": 0.0, "relative_margin": 0.0}}
    assert decide_promotion({"mae": 20.0, "gap": 0.1}, {"mae": 23.0, "gap": 0.0}, rules)[0]
    assert not decide_promotion({"mae": 20.0, "gap": 0.1}, {"mae": 23.001, "gap": 0.0}, rules)[0]


@pytest.mark.parametrize("delta, promote", [(0.0, True), (TIE / 2, True), (1e-6, False)])
def test_worse_everywhere_means_worse_beyond_a_tie_on_every_metric(delta, promote):
    # both metrics within their margins; equal (or noise-equal) is a tie: promoted
    rules = {"accuracy": {"direction": "higher", "margin": 0.05, "relative_margin": 0.0},
             "macro_f1": {"direction": "higher", "margin": 0.05, "relative_margin": 0.0}}
    champion = {"accuracy": 0.8, "macro_f1": 0.6}
    challenger = {"accuracy": 0.8 - delta, "macro_f1": 0.6 - delta}
    assert decide_promotion(champion, challenger, rules)[0] is promote


def test_no_champion_promotes():
    assert decide_promotion(None, {"accuracy": 0.0}, HIGHER)[0]


def test_the_hold_out_is_strictly_after_the_champions_training_end():
    champion = types.SimpleNamespace(metadata={"data_end": "2024-03-31"})
    dates = pd.Series(pd.to_datetime(["2024-03-30 00:00", "2024-03-31 18:00", "2024-04-01 00:00",
                                      "2024-04-02 00:00"]))
    test, basis = _holdout(dates, champion, {"holdout_fraction": 0.2})
    assert test.tolist() == [False, False, True, True]
    assert "2024-03-31" in basis and isinstance(test, np.ndarray)
