"""Daily cash-flow forecaster: recurring items projected explicitly + an sktime forecaster.

1. Recurring series (rent, subscriptions, retainers...) are detected from the
   history: the same merchant and type at least ``min_occurrences`` times with a
   regular monthly or weekly gap and a stable amount. They are projected on
   their expected dates with their latest amount.
2. The rest of the daily net flow (the residual) is forecast with an sktime
   forecaster: a LightGBM reduction or a seasonal (day-of-week) mean, chosen by
   the expanding-window backtest.
3. 80 % intervals come from the backtest's forecast errors (empirical quantiles
   of actual − forecast, pooled over folds and horizon steps), so they say how
   wrong the whole procedure was on days it had not seen.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sktime.forecasting.base import ForecastingHorizon
from sktime.forecasting.compose import make_reduction
from sktime.forecasting.naive import NaiveForecaster

from titans_finance.core.features import normalise_merchant

MAX_HORIZON = 90


def daily_flows(transactions: pd.DataFrame, end: pd.Timestamp | None = None) -> pd.DataFrame:
    """Inflow, outflow (positive numbers) and net per calendar day, zeros filled."""
    dates = pd.to_datetime(transactions["date"]).dt.normalize()
    amount = transactions["amount"].to_numpy(dtype="float64")
    frame = pd.DataFrame({"date": dates, "inflow": np.clip(amount, 0, None),
                          "outflow": np.clip(-amount, 0, None)})
    daily = frame.groupby("date")[["inflow", "outflow"]].sum()
    index = pd.date_range(dates.min(), end if end is not None else dates.max(), freq="D")
    daily = daily.reindex(index, fill_value=0.0)
    daily.index.name = "date"
    daily["net"] = daily["inflow"] - daily["outflow"]
    return daily


@dataclass
class RecurringSeries:
    merchant: str
    kind: str  # "monthly" or "weekly"
    day: int  # day of month (monthly) or weekday (weekly)
    amount: float  # signed
    last_date: pd.Timestamp
    occurrences: int

    def dates_between(self, start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
        if self.kind == "weekly":
            days = pd.date_range(start, end, freq="D")
            return days[days.dayofweek == self.day]
        months = pd.date_range(start.to_period("M").to_timestamp(), end, freq="MS")
        dates = months + pd.to_timedelta(np.minimum(self.day, months.days_in_month) - 1, unit="D")
        return dates[(dates >= start) & (dates <= end)]


def detect_recurring(transactions: pd.DataFrame, params: dict[str, Any]) -> list[RecurringSeries]:
    """Regular merchant series with stable amounts (see the module docstring)."""
    if transactions.empty:
        return []
    frame = pd.DataFrame({
        "merchant": normalise_merchant(transactions["description"].reset_index(drop=True),
                                       transactions["reference"].reset_index(drop=True)).to_numpy(),
        "type": transactions["type"].to_numpy(),
        "date": pd.to_datetime(transactions["date"]).dt.normalize().to_numpy(),
        "amount": transactions["amount"].to_numpy(dtype="float64")})
    frame = frame.sort_values("date", kind="stable")
    frame["gap"] = frame.groupby(["merchant", "type"])["date"].diff().dt.days
    stats = frame.groupby(["merchant", "type"]).agg(
        count=("amount", "size"), gap_median=("gap", "median"),
        gap_mad=("gap", lambda g: float((g - g.median()).abs().median()) if g.notna().any()
                 else np.nan),
        amount_mean=("amount", "mean"), amount_std=("amount", "std"),
        last_amount=("amount", "last"), last_date=("date", "max"),
        day_of_month=("date", lambda d: int(d.dt.day.mode().iloc[0])),
        weekday=("date", lambda d: int(d.dt.dayofweek.mode().iloc[0])))
    cv = (stats["amount_std"].fillna(0) / stats["amount_mean"].abs().replace(0, np.nan)).fillna(1)
    regular = (stats["count"] >= int(params.get("min_occurrences", 3))) & (
        cv <= float(params.get("max_amount_cv", 0.15))) & (stats["gap_mad"] <= float(params.get(
            "max_gap_mad_days", 3)))
    monthly = regular & stats["gap_median"].between(26, 35)
    weekly = regular & stats["gap_median"].between(6, 8)
    end = pd.Timestamp(frame["date"].max())
    # a series that stopped (no charge for two periods) is not projected
    alive_monthly = (end - stats["last_date"]).dt.days <= 62
    alive_weekly = (end - stats["last_date"]).dt.days <= 15
    series = []
    for (merchant, _), row in stats[monthly & alive_monthly].iterrows():
        series.append(RecurringSeries(merchant, "monthly", int(row["day_of_month"]),
                                      float(row["last_amount"]), row["last_date"], int(row["count"])))
    for (merchant, _), row in stats[weekly & alive_weekly].iterrows():
        series.append(RecurringSeries(merchant, "weekly", int(row["weekday"]),
                                      float(row["last_amount"]), row["last_date"], int(row["count"])))
    return series


def recurring_flow(series: list[RecurringSeries], index: pd.DatetimeIndex,
                   after: pd.Timestamp | None = None) -> pd.DataFrame:
    """Daily inflow/outflow of the projected recurring items on ``index`` (only after ``after``)."""
    flow = pd.DataFrame({"inflow": 0.0, "outflow": 0.0}, index=index)
    if len(index) == 0:
        return flow
    for item in series:
        start = max(index[0], (after or item.last_date) + pd.Timedelta(days=1))
        dates = item.dates_between(start, index[-1])
        column = "inflow" if item.amount > 0 else "outflow"
        flow.loc[dates, column] += abs(item.amount)
    return flow


def _forecaster(name: str, params: dict[str, Any]):
    if name == "seasonal_mean":
        return NaiveForecaster(strategy="mean", sp=7, window_length=int(params.get(
            "seasonal_mean_weeks", 8)) * 7)
    if name == "reduction_lightgbm":
        from lightgbm import LGBMRegressor

        lgbm = params.get("lightgbm", {})
        regressor = LGBMRegressor(n_estimators=int(lgbm.get("n_estimators", 200)),
                                  learning_rate=float(lgbm.get("learning_rate", 0.05)),
                                  num_leaves=int(lgbm.get("num_leaves", 15)),
                                  min_child_samples=int(lgbm.get("min_child_samples", 20)),
                                  n_jobs=int(params.get("n_jobs", 2)),
                                  random_state=int(params.get("seed", 42)), verbose=-1)
        return make_reduction(regressor, window_length=int(params.get("window_length", 28)),
                              strategy="recursive")
    raise ValueError(f"unknown cash-flow forecaster {name!r}; use seasonal_mean or "
                     "reduction_lightgbm")


def _fit_predict(forecaster, y: pd.Series, steps: int) -> np.ndarray:
    series = pd.Series(y.to_numpy(dtype="float64"), index=pd.PeriodIndex(y.index, freq="D"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        forecaster.set_config(remember_data=False) if hasattr(forecaster, "set_config") else None
        forecaster.fit(series)
        return forecaster.predict(ForecastingHorizon(np.arange(1, steps + 1))).to_numpy()


def point_forecast(transactions: pd.DataFrame, name: str, params: dict[str, Any],
                   steps: int, cutoff: pd.Timestamp | None = None) -> pd.DataFrame:
    """Forecast of inflow/outflow/net for ``steps`` days after ``cutoff`` from transactions ≤ cutoff."""
    if cutoff is not None:
        transactions = transactions[pd.to_datetime(transactions["date"]) <= cutoff]
    daily = daily_flows(transactions, end=cutoff)
    series = detect_recurring(transactions, params)
    history_recurring = _historical_recurring(transactions, series, daily.index, params)
    future = pd.date_range(daily.index[-1] + pd.Timedelta(days=1), periods=steps, freq="D")
    projected = recurring_flow(series, future, after=daily.index[-1])
    forecasts = {}
    for column in ("inflow", "outflow"):
        residual = daily[column] - history_recurring[column]
        forecasts[column] = np.clip(_fit_predict(_forecaster(name, params), residual, steps), 0, None
                                    ) + projected[column].to_numpy()
    out = pd.DataFrame({"inflow": forecasts["inflow"], "outflow": forecasts["outflow"]},
                       index=future)
    out["net"] = out["inflow"] - out["outflow"]
    out.index.name = "date"
    return out


def _historical_recurring(transactions, series, index, params) -> pd.DataFrame:
    """The recurring series' actual past flows (their transactions on their real dates)."""
    flow = pd.DataFrame({"inflow": 0.0, "outflow": 0.0}, index=index)
    if not series:
        return flow
    merchants = normalise_merchant(transactions["description"].reset_index(drop=True),
                                   transactions["reference"].reset_index(drop=True)).to_numpy()
    keys = {f"{s.merchant}|{'income' if s.amount > 0 else 'expense'}" for s in series}
    row_keys = pd.Series(merchants) + "|" + transactions["type"].astype("str").to_numpy()
    recurring = transactions[row_keys.isin(keys).to_numpy()]
    daily = daily_flows(recurring, end=index[-1]).reindex(index, fill_value=0.0) if len(
        recurring) else flow
    return daily[["inflow", "outflow"]]


def mase_scale(y: pd.Series, sp: int = 7) -> float:
    """Mean absolute seasonal-naive (lag ``sp``) error in the training series (MASE denominator)."""
    values = y.to_numpy(dtype="float64")
    if len(values) <= sp:
        return float(np.mean(np.abs(np.diff(values)))) if len(values) > 1 else 1.0
    scale = float(np.mean(np.abs(values[sp:] - values[:-sp])))
    return scale if scale > 0 else 1.0


class CashflowModel:
    """Stores a 90-day forecast from the end of the training data, with intervals."""

    def __init__(self, forecaster_name: str, params: dict[str, Any]):
        self.forecaster_name = forecaster_name
        self.params = dict(params)
        self.forecast = pd.DataFrame()
        self.residual_quantiles = (0.0, 0.0)
        self.recurring: list[RecurringSeries] = []
        self.closing_balance = 0.0
        self.metadata: dict[str, Any] = {}

    def fit(self, transactions: pd.DataFrame, residuals: np.ndarray) -> CashflowModel:
        coverage = float(self.params.get("interval_coverage", 0.8))
        alpha = (1 - coverage) / 2
        if len(residuals):
            self.residual_quantiles = (float(np.quantile(residuals, alpha)),
                                       float(np.quantile(residuals, 1 - alpha)))
        self.forecast = point_forecast(transactions, self.forecaster_name, self.params, MAX_HORIZON)
        self.recurring = detect_recurring(transactions, self.params)
        self.closing_balance = float(self.params.get("opening_balance", 0.0)) + float(
            transactions["amount"].sum())
        dates = pd.to_datetime(transactions["date"])
        self.metadata = {"trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                         "forecaster": self.forecaster_name, "n_recurring_series": len(self.recurring),
                         "data_start": str(dates.min().date()), "data_end": str(dates.max().date()),
                         "closing_balance": self.closing_balance}
        return self

    def predict(self, horizon_days: int, opening_balance: float | None = None,
                low_balance_threshold: float | None = None) -> tuple[pd.DataFrame, dict[str, Any]]:
        """Daily forecast table for ``horizon_days`` (1-90) and its summary."""
        if not 1 <= int(horizon_days) <= MAX_HORIZON:
            raise ValueError(f"horizon_days must be between 1 and {MAX_HORIZON}, got {horizon_days}")
        table = self.forecast.iloc[:int(horizon_days)].copy()
        low, high = self.residual_quantiles
        table["point"] = table["net"]
        table["lower"] = table["net"] + min(low, 0.0)
        table["upper"] = table["net"] + max(high, 0.0)
        start = self.closing_balance if opening_balance is None else float(opening_balance)
        table["balance"] = start + table["point"].cumsum()
        threshold = float(self.params.get("low_balance_threshold", 0.0)
                          if low_balance_threshold is None else low_balance_threshold)
        below = table.index[table["balance"] < threshold]
        table = table.reset_index()
        summary = {
            "total_inflow": float(table["inflow"].sum()), "total_outflow": float(table["outflow"].sum()),
            "net": float(table["point"].sum()), "opening_balance": start,
            "closing_balance": float(table["balance"].iloc[-1]),
            "low_balance_threshold": threshold,
            "first_low_balance_day": str(below[0].date()) if len(below) else None,
        }
        return table[["date", "point", "lower", "upper", "inflow", "outflow", "balance"]], summary
