"""The simple forecasts every cash-flow forecast is compared with, and the MASE scale."""

from __future__ import annotations

import numpy as np
import pandas as pd

BASELINES = ("naive", "seasonal_naive_7", "same_day_last_month", "mean_28", "mean_90", "zero")
BASELINE_MEANING = {
    "naive": "the last day's net flow, repeated",
    "seasonal_naive_7": "the same weekday of the last week",
    "same_day_last_month": "the same day of the last observed month (month end to month end)",
    "mean_28": "the mean daily net flow of the last 28 days",
    "mean_90": "the mean daily net flow of the last 90 days",
    "zero": "no flow at all",
}


def _month_end(dates: pd.DatetimeIndex) -> np.ndarray:
    return (dates + pd.offsets.MonthEnd(0)).normalize().to_numpy()


def same_day_last_month_reference(future: pd.DatetimeIndex, cutoff: pd.Timestamp,
                                  first: pd.Timestamp) -> np.ndarray:
    """For each future day, the day of the latest month on or before ``cutoff`` it repeats
    (NaT when none): the last day of a month repeats the last day of the other month; a
    day that the other month does not have (the 29th-30th after February, the 31st)
    repeats nothing, so a month-end flow is never predicted twice."""
    out = np.full(len(future), np.datetime64("NaT"), dtype="datetime64[ns]")
    day = future.day.to_numpy()
    is_end = future.is_month_end
    todo = np.ones(len(future), dtype=bool)
    for back in range(1, 5):  # 30-90 day horizons reach back at most 4 months
        month = (future.to_period("M") - back).to_timestamp()
        dim = month.days_in_month.to_numpy()
        same_day = (month + pd.to_timedelta(np.minimum(day, dim) - 1, unit="D")).to_numpy()
        reference = np.where(is_end, _month_end(month), same_day)
        exists = is_end | (day < dim)
        usable = todo & (reference <= np.datetime64(cutoff))
        out[usable & exists] = reference[usable & exists]
        todo &= ~usable
    out[out < np.datetime64(first)] = np.datetime64("NaT")
    return out


def baseline_forecasts(history: pd.Series, steps: int) -> dict[str, np.ndarray]:
    """Every baseline's forecast of the ``steps`` days after the series' last day.

    ``history``: daily net flow on a complete daily DatetimeIndex. Plain numpy (a test
    checks the naive, seasonal and mean ones against sktime's `NaiveForecaster`)."""
    values = history.to_numpy(dtype="float64")
    cutoff, first = history.index[-1], history.index[0]
    future = pd.date_range(cutoff + pd.Timedelta(days=1), periods=steps, freq="D")
    n = len(values)
    lag7 = values[-7:] if n >= 7 else np.resize(values, 7)
    reference = same_day_last_month_reference(future, cutoff, first)
    known = ~pd.isna(reference)
    position = np.full(steps, -1, dtype="int64")
    position[known] = (reference[known] - np.datetime64(first)) // np.timedelta64(1, "D")
    monthly = np.where(position >= 0, values[np.clip(position, 0, n - 1)], 0.0)
    return {
        "naive": np.full(steps, values[-1]),
        "seasonal_naive_7": lag7[np.arange(steps) % 7],
        "same_day_last_month": monthly,
        "mean_28": np.full(steps, values[-28:].mean()),
        "mean_90": np.full(steps, values[-90:].mean()),
        "zero": np.zeros(steps),
    }


def mase_scale(y: pd.Series | np.ndarray, sp: int = 1) -> float:
    """Mean absolute error of the in-sample naive forecast (lag ``sp``) on the training
    series: the MASE denominator (Hyndman & Koehler 2006; sktime's default ``sp=1``).
    One scale per training series, shared by the model and every baseline."""
    values = np.asarray(y, dtype="float64")
    if len(values) <= sp:
        return 1.0
    scale = float(np.mean(np.abs(values[sp:] - values[:-sp])))
    return scale if scale > 0 else 1.0
