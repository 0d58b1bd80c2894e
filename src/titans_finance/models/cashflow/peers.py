"""The peers a user compares the forecast with, beside the simple baselines: the
scheduled payments a budgeting app would project (Actual, Firefly III, YNAB: the user
types in recurring bills and salary as *schedules*), detected from the export itself,
and the standard statistical forecasters (`statistical`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from titans_finance.models.cashflow.schedules import scheduled_payments_forecast
from titans_finance.models.cashflow.statistical import STATISTICAL_PEERS, statistical_forecasts

PEERS = ("scheduled_payments", *STATISTICAL_PEERS)
__all__ = ["PEERS", "PEER_MEANING", "peer_forecasts", "scheduled_payments_forecast"]
PEER_MEANING = {
    "scheduled_payments": "every payment that recurred in 2 of the last 3 months on its day "
                          "of month, repeated on that day with its last amount (the "
                          "schedules a budgeting app user types in)",
    "ets_weekly": "exponential smoothing with a weekly season, ETS(A,N,A), on the daily net",
    "theta_weekly": "the Theta method (SES with drift) on the weekly-deseasonalised daily net",
}


def peer_forecasts(transactions: pd.DataFrame, history: pd.Series, cutoff: pd.Timestamp,
                   steps: int) -> dict[str, np.ndarray]:
    """Every peer's forecast of the ``steps`` days after ``cutoff`` (``history``: the
    daily net flow up to the cutoff, complete daily index)."""
    return {"scheduled_payments": scheduled_payments_forecast(transactions, cutoff, steps),
            **statistical_forecasts(history, steps)}
