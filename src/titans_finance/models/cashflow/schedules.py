"""Schedules as a budgeting app's user types them in (Actual, Firefly III, YNAB): every
payment that recurred on its day of month in 2 of the last 3 months, with its latest
amount. The scorecard's scheduled-payments peer repeats them; the model adds the *young*
ones (not yet seen often enough to be a stream) to its streams."""

from __future__ import annotations

import numpy as np
import pandas as pd

from titans_finance.models.cashflow.streams import _frame_for_streams

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


def schedule_dates(day_of_month: int, future: pd.DatetimeIndex,
                   business_days_only: bool = False) -> pd.DatetimeIndex:
    """The days of ``future`` a schedule on ``day_of_month`` falls on (the month's last day
    when the month is shorter; the next business day for an account that never posts at
    weekends, when that day is still in ``future``)."""
    day = future.day.to_numpy()
    dates = future[day == np.minimum(int(day_of_month), future.days_in_month.to_numpy())]
    if business_days_only:
        dates = pd.DatetimeIndex([d + pd.offsets.BDay(0) for d in dates])
        dates = dates[dates <= future[-1]]
    return dates


def project_schedules(found: pd.DataFrame, future: pd.DatetimeIndex,
                      business_days_only: bool = False) -> np.ndarray:
    """Daily net flow over ``future`` of the schedules ``found`` (`schedules`' rows)."""
    out = np.zeros(len(future))
    for schedule_day, amount in zip(found["day"].to_numpy(), found["amount"].to_numpy()):
        dates = schedule_dates(int(schedule_day), future, business_days_only)
        np.add.at(out, (dates - future[0]).days.to_numpy(), float(amount))
    return out


def scheduled_payments_forecast(transactions: pd.DataFrame, cutoff: pd.Timestamp,
                                steps: int) -> np.ndarray:
    """Daily net flow of the ``steps`` days after ``cutoff`` from the `schedules`: each on
    its day of month (the month's last day when the month is shorter), nothing else: what
    a budgeting app's user would have typed in (the scorecard's peer)."""
    cutoff = pd.Timestamp(cutoff).normalize()
    future = pd.date_range(cutoff + pd.Timedelta(days=1), periods=steps, freq="D")
    return project_schedules(schedules(transactions, cutoff), future)


