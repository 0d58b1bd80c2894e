"""The horizon's net change of a forecast table: the one figure every view gives."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class NetChange:
    """The expected net change of the balance over the first ``days`` days of a forecast,
    with the range the running total falls in (``coverage``, e.g. 8 times in 10)."""

    days: int
    first_day: str
    last_day: str
    expected: float
    lower: float
    upper: float


def horizon_net_change(forecast: pd.DataFrame, days: int | None = None) -> NetChange:
    """The horizon's net change, the one figure the report's headline, its chart, the app
    and the service's ``/forecast/cashflow`` give.

    ``expected``: the sum of the daily *expected* net (what the balance follows), never of
    the daily ``point`` (a most likely day: zero on a quiet day, so a sum of them leaves
    out every flow that surely comes on *some* day). The range is the running total's band
    at the horizon's last day (``change_lower``/``change_upper``: calibrated on the
    backtest's cumulative errors), not a sum of daily ranges (those would add up
    8-in-10 ranges of single days into a range far too wide or narrow for their sum).
    Older forecast tables without the change columns: the balance band minus the opening
    balance it starts from."""
    rows = forecast.iloc[:days] if days is not None else forecast
    if rows.empty:
        raise ValueError("the forecast has no day to sum")
    expected = float(rows["expected_net"].sum())
    last = with_change_columns(rows).iloc[-1]
    lower, upper = float(last["change_lower"]), float(last["change_upper"])
    dates = pd.to_datetime(rows["date"])
    return NetChange(days=len(rows), first_day=str(dates.iloc[0].date()),
                     last_day=str(dates.iloc[-1].date()), expected=expected, lower=lower,
                     upper=upper)


def with_change_columns(forecast: pd.DataFrame) -> pd.DataFrame:
    """The forecast table with its running change (``change``, ``change_lower``,
    ``change_upper``): as it is, or for a table of an older run (balance columns only)
    the balance path minus the opening balance it started from."""
    if {"change", "change_lower", "change_upper"} <= set(forecast.columns):
        return forecast
    change = forecast["expected_net"].cumsum()
    opening = forecast["balance"] - change
    return forecast.assign(change=change, change_lower=forecast["balance_lower"] - opening,
                           change_upper=forecast["balance_upper"] - opening)
