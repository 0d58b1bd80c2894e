"""The peers a user compares the forecast with, beside the simple baselines: the
scheduled payments a budgeting app would project (Actual, Firefly III, YNAB: the user
types in recurring bills and salary as *schedules*), detected from the export itself,
and the standard statistical forecasters (`statistical`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from titans_finance.models.cashflow.statistical import STATISTICAL_PEERS, statistical_forecasts
from titans_finance.models.cashflow.streams import _frame_for_streams

PEERS = ("scheduled_payments", *STATISTICAL_PEERS)
PEER_MEANING = {
    "scheduled_payments": "every payment that recurred in 2 of the last 3 months on its day "
                          "of month, repeated on that day with its last amount (the "
                          "schedules a budgeting app user types in)",
    "ets_weekly": "exponential smoothing with a weekly season, ETS(A,N,A), on the daily net",
    "theta_weekly": "the Theta method (SES with drift) on the weekly-deseasonalised daily net",
}
SCHEDULE_MONTHS = 3  # "in 2 of the last 3 months"
SCHEDULE_MIN_MONTHS = 2


def schedules(transactions: pd.DataFrame, cutoff: pd.Timestamp,
              months: int = SCHEDULE_MONTHS, min_months: int = SCHEDULE_MIN_MONTHS
              ) -> pd.DataFrame:
    """The payments that recurred on the same day of month (same counterparty, same
    direction) in at least ``min_months`` of the ``months`` month-long windows before
    ``cutoff`` (window k: after cutoff − k months, up to cutoff − (k−1) months).

    One row per schedule: merchant, day (1-31), amount (signed: the latest window's total
    of that counterparty on that day, what a user would type in)."""
    cutoff = pd.Timestamp(cutoff).normalize()
    frame = _frame_for_streams(transactions[pd.to_datetime(transactions["date"]) <= cutoff])
    columns = ["merchant", "day", "amount"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    edges = [cutoff - pd.DateOffset(months=k) for k in range(months + 1)]
    window = np.full(len(frame), -1)
    for k in range(months):  # k = 0: the most recent month
        inside = (frame["date"] > edges[k + 1]) & (frame["date"] <= edges[k])
        window[inside.to_numpy()] = k
    frame = frame.assign(window=window, day=frame["date"].dt.day)
    frame = frame[frame["window"] >= 0]
    per_window = frame.groupby(["merchant", "sign", "day", "window"], as_index=False)[
        "amount"].sum()
    counts = per_window.groupby(["merchant", "sign", "day"])["window"].nunique()
    kept = counts[counts >= min_months].index
    if len(kept) == 0:
        return pd.DataFrame(columns=columns)
    latest = (per_window.set_index(["merchant", "sign", "day"]).loc[kept]
              .sort_values("window").groupby(level=[0, 1, 2])["amount"].first())
    return latest.reset_index()[columns]


def scheduled_payments_forecast(transactions: pd.DataFrame, cutoff: pd.Timestamp,
                                steps: int) -> np.ndarray:
    """Daily net flow of the ``steps`` days after ``cutoff`` from the `schedules`: each on
    its day of month (the month's last day when the month is shorter), nothing else."""
    cutoff = pd.Timestamp(cutoff).normalize()
    future = pd.date_range(cutoff + pd.Timedelta(days=1), periods=steps, freq="D")
    out = np.zeros(steps)
    found = schedules(transactions, cutoff)
    if found.empty:
        return out
    day = future.day.to_numpy()
    last_day = future.days_in_month.to_numpy()
    for schedule_day, amount in zip(found["day"].to_numpy(), found["amount"].to_numpy()):
        out[day == np.minimum(int(schedule_day), last_day)] += float(amount)
    return out


def peer_forecasts(transactions: pd.DataFrame, history: pd.Series, cutoff: pd.Timestamp,
                   steps: int) -> dict[str, np.ndarray]:
    """Every peer's forecast of the ``steps`` days after ``cutoff`` (``history``: the
    daily net flow up to the cutoff, complete daily index)."""
    return {"scheduled_payments": scheduled_payments_forecast(transactions, cutoff, steps),
            **statistical_forecasts(history, steps)}
