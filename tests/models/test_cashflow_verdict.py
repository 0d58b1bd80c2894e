"""The cash-flow model beats a baseline only beyond the noise of its backtest days."""

import numpy as np
import pandas as pd

from titans_finance.models.cashflow import versus_baseline


def _outer(model_errors, baseline_errors, scale=10.0):
    days = pd.date_range("2025-01-01", periods=len(model_errors), freq="D")
    rows = [{"fold": i // 30, "date": d, "method": method, "error": e, "scale": scale}
            for method, errors in (("model", model_errors), ("baseline_zero", baseline_errors))
            for i, (d, e) in enumerate(zip(days, errors, strict=True))]
    return pd.DataFrame(rows)


def test_a_consistent_win_beats_and_a_noisy_one_is_level():
    rng = np.random.default_rng(0)
    base = rng.normal(0, 50, 90)
    assert versus_baseline(_outer(base * 0.5, base), "baseline_zero")["verdict"] == "beats"
    # two forecasts as good as each other, one a little luckier on these 90 days
    noisy = versus_baseline(_outer(rng.normal(0, 49, 90), rng.normal(0, 50, 90)),
                            "baseline_zero")
    assert noisy["verdict"] == "level with" and noisy["compared_on"] == 90


def test_no_backtest_no_verdict():
    assert versus_baseline(pd.DataFrame(), "baseline_zero")["verdict"] is None
    assert versus_baseline(_outer([1.0], [2.0]), "baseline_naive")["verdict"] is None
