"""Boundaries of the retrain hold-out: a challenger is judged from exactly
``min_holdout_rows`` rows in the hold-out and before it (one fewer either side: the champion
is kept, no decision); the hold-out temperature is fitted from exactly ``min_rows`` labelled
rows of known categories (one fewer: 1.0, no scaling)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from titans_finance.pipelines.retrain.nodes import _too_little_new_data, holdout_temperature

MINIMUM = 30


def _judge(after: int, before: int, data_end: str | None = None):
    test = np.array([False] * before + [True] * after)
    dates = pd.Series(pd.date_range("2024-01-01", periods=len(test), freq="D"))
    return _too_little_new_data("amount", test, "the most recent rows",
                                {"min_holdout_rows": MINIMUM}, "registry", "3", "served",
                                dates, data_end)


@pytest.mark.parametrize("after, before, judged", [
    (MINIMUM, MINIMUM, True), (MINIMUM - 1, MINIMUM, False), (MINIMUM, MINIMUM - 1, False),
    (MINIMUM + 1, MINIMUM + 1, True)])
def test_a_challenger_is_judged_from_exactly_min_holdout_rows_each_side(after, before, judged):
    kept = _judge(after, before)
    assert (kept is None) is judged
    if not judged:
        output, decision, incumbent = kept
        assert decision["promoted"] is False and incumbent == "served"
        assert "retrain.min_holdout_rows" in decision["reasons"][0]


class _Overconfident:
    """An uncalibrated model sure of every answer and right on two rows of three."""

    temperature = 1.0
    personal = "personal"
    classes_ = np.array(["food", "rent"])

    def predict_proba(self, transactions, features):
        return np.tile([0.99, 0.01], (len(transactions), 1))


def _labelled(n: int) -> pd.DataFrame:
    return pd.DataFrame({"category": [("rent" if i % 3 == 2 else "food") for i in range(n)]
                         + ["unknown"] * 5})  # categories the model does not know: not counted


@pytest.mark.parametrize("n, fitted", [(19, False), (20, True), (21, True)])
def test_the_holdout_temperature_needs_min_rows_known_labels(n, fitted):
    rows = _labelled(n)
    temperature = holdout_temperature(_Overconfident(), rows, rows)
    assert (temperature != 1.0) is fitted
    if fitted:
        assert temperature > 1.0  # sure and often wrong: softened
