"""Daily inflow, outflow and net of an export, every calendar day (zeros filled)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def daily_flows(transactions: pd.DataFrame, end: pd.Timestamp | None = None,
                start: pd.Timestamp | None = None) -> pd.DataFrame:
    """Inflow, outflow (positive numbers) and net per calendar day, zeros filled,
    from ``start`` (default: the first transaction) to ``end`` (default: the last)."""
    dates = pd.to_datetime(transactions["date"]).dt.normalize()
    amount = transactions["amount"].to_numpy(dtype="float64")
    frame = pd.DataFrame({"date": dates.to_numpy(), "inflow": np.clip(amount, 0, None),
                          "outflow": np.clip(-amount, 0, None)})
    daily = frame.groupby("date")[["inflow", "outflow"]].sum()
    first = start if start is not None else (dates.min() if len(dates) else end)
    last = end if end is not None else dates.max()
    index = pd.date_range(first, last, freq="D")
    daily = daily.reindex(index, fill_value=0.0)
    daily.index.name = "date"
    daily["net"] = daily["inflow"] - daily["outflow"]
    return daily
