"""The served cash-flow model: the forecast of one export from its last day, with its
intervals, running change and balance."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from titans_finance.models.cashflow.balance import closing_balance_from_export
from titans_finance.models.cashflow.horizon import horizon_net_change
from titans_finance.models.cashflow.intervals import (
    balance_interval,
    daily_interval,
    interval_quantiles,
)
from titans_finance.models.cashflow.parts import candidate_names, forecast_parts
from titans_finance.models.cashflow.shortfall import ShortfallRisk, shortfall_risk
from titans_finance.models.cashflow.streams import RecurringStream

MAX_HORIZON = 90


# Where the balance the forecast starts from comes from; "unknown": no balance at all.
KNOWN_BALANCE_SOURCES = ("export_balance_column", "declared_opening_balance", "request")
FORECAST_COLUMNS = ("date", "point", "lower", "upper", "inflow", "outflow", "expected_net",
                    "change", "change_lower", "change_upper", "balance", "balance_lower",
                    "balance_upper")


class CashflowModel:
    """The forecast of one export from its last day (``as_of``), with intervals and balance."""

    def __init__(self, candidate: str, params: dict[str, Any]):
        candidate_names({"candidates": [candidate]})
        self.candidate = candidate
        self.forecaster_name = candidate
        self.params = dict(params)
        self.forecast = pd.DataFrame()
        self.quantiles = interval_quantiles(pd.DataFrame(), 0.8)
        self.recurring: list[RecurringStream] = []
        self.as_of: pd.Timestamp | None = None
        self.closing_balance: float | None = None
        self.balance_source = "unknown"
        self.balance_band = (np.zeros(MAX_HORIZON), np.zeros(MAX_HORIZON))
        self.metadata: dict[str, Any] = {}

    def fit(self, transactions: pd.DataFrame, quantiles: dict[str, float] | None = None,
            as_of: pd.Timestamp | str | None = None) -> CashflowModel:
        """``as_of``: the export's last day (default: its last transaction's date)."""
        last = pd.to_datetime(transactions["date"]).max().normalize()
        self.as_of = pd.Timestamp(as_of).normalize() if as_of is not None else last
        if self.as_of < last:
            raise ValueError(f"as_of {self.as_of.date()} is before the export's last transaction "
                             f"({last.date()})")
        parts = forecast_parts(transactions, self.params, self.as_of, MAX_HORIZON,
                               (self.candidate.split("+")[1],))
        inflow, outflow = parts.flows(self.candidate)
        expected_in, expected_out = parts.expected_flows(self.candidate)
        self.forecast = pd.DataFrame({"inflow": inflow, "outflow": outflow,
                                      "net": inflow - outflow,
                                      "expected": parts.expected(self.candidate),
                                      "expected_inflow": expected_in,
                                      "expected_outflow": expected_out},
                                     index=parts.future)
        low, high = parts.balance_bands
        self.balance_band = (low, high)
        self.forecast.index.name = "date"
        self.recurring = parts.streams
        self.rest_residuals = parts.rest_residuals
        self.schedule = parts.schedule
        self.quantiles = dict(quantiles) if quantiles else interval_quantiles(pd.DataFrame(), 0.8)
        self.closing_balance, self.balance_source = self._balance(transactions)
        dates = pd.to_datetime(transactions["date"])
        self.metadata = {"trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                         "forecaster": self.candidate, "n_recurring_series": len(self.recurring),
                         "data_start": str(dates.min().date()), "data_end": str(dates.max().date()),
                         "as_of": str(self.as_of.date()), "closing_balance": self.closing_balance,
                         "balance_source": self.balance_source}
        return self

    def _balance(self, transactions: pd.DataFrame) -> tuple[float | None, str]:
        """The balance at the end of ``as_of`` and where it comes from; ``(None,
        "unknown")`` when neither the export nor a declaration gives one: the sum of the
        transactions is a change, not money in the account."""
        from_export = closing_balance_from_export(transactions)
        if from_export is not None:
            return from_export, "export_balance_column"
        declared = self.params["opening_balance"]
        if declared is not None:
            return float(declared) + float(transactions["amount"].sum()), \
                "declared_opening_balance"
        return None, "unknown"

    def shortfall(self, threshold: float, opening_balance: float | None = None) -> ShortfallRisk:
        """The chance that the balance falls below ``threshold`` within each of the
        ``shortfall_horizons`` (`shortfall.shortfall_risk`), from the balance at the end of
        ``as_of`` (``opening_balance``, default the export's own; none known: no chance)."""
        source = ("request" if opening_balance is not None
                  else getattr(self, "balance_source", "unknown"))
        start = float(opening_balance) if opening_balance is not None else (
            self.closing_balance if source in KNOWN_BALANCE_SOURCES else None)
        residuals = getattr(self, "rest_residuals", None)
        as_of = getattr(self, "as_of", None) or (self.forecast.index[0] - pd.Timedelta(days=1))
        if residuals is None or "shortfall_paths" not in self.params:
            # a model pickled before the chance of running short existed
            return ShortfallRisk(as_of=str(as_of.date()), threshold=float(threshold),
                                 opening_balance=start, balance_source=source,
                                 note="this model was saved before the chance of running "
                                      "short was computed: retrain to see it")
        return shortfall_risk(start, source, as_of, self.forecast["expected"].to_numpy(),
                              residuals if residuals is not None else np.zeros(0), threshold,
                              list(self.params["shortfall_horizons"]),
                              int(self.params["shortfall_paths"]),
                              int(self.params["shortfall_block_days"]),
                              int(self.params["shortfall_seed"]), getattr(self, "schedule", []),
                              # at 0 the bank's own rules act (cards refused, overdraft
                              # limits): its calibration is not a declared cushion's
                              self.params["shortfall_calibration_below_zero" if threshold == 0
                                          else "shortfall_calibration_below_threshold"])

    def _expected_totals(self, days: int) -> dict[str, float]:
        forecast = self.forecast.iloc[:days]
        if "expected_inflow" not in forecast:  # a model fitted before they were kept
            return {"total_inflow": float(forecast["inflow"].sum()),
                    "total_outflow": float(forecast["outflow"].sum())}
        return {"total_inflow": float(forecast["expected_inflow"].sum()),
                "total_outflow": float(forecast["expected_outflow"].sum())}

    def predict(self, horizon_days: int, opening_balance: float | None = None,
                low_balance_threshold: float | None = None,
                today: pd.Timestamp | str | None = None) -> tuple[pd.DataFrame, dict[str, Any]]:
        """Daily forecast for ``horizon_days`` (1-90) after ``as_of`` and its summary.

        ``change``: the running total of the expected net from ``as_of`` on, with its band;
        ``balance``: the opening balance plus that change — null when no balance is known
        (no balance column, none declared, ``opening_balance`` not given).
        ``opening_balance``: the balance at the end of ``as_of`` (default: the export's own).
        ``today``: when the forecast is asked for; later than ``as_of``, the summary says
        so (the days in between are forecast, not known)."""
        if not 1 <= int(horizon_days) <= MAX_HORIZON:
            raise ValueError(f"horizon_days must be between 1 and {MAX_HORIZON}, got {horizon_days}")
        table = self.forecast.iloc[:int(horizon_days)].copy()
        q = self.quantiles
        table["point"] = table["net"]
        table["lower"], table["upper"] = daily_interval(table["net"].to_numpy(), q)
        # the running total follows the expected net (streams + the other flows' daily
        # mean); its band: the history's band scaled to the backtest's cumulative errors
        table["expected_net"] = table["expected"]
        table["change"] = table["expected_net"].cumsum()
        band_low, band_high = (b[:len(table)] for b in self.balance_band)
        table["change_lower"], table["change_upper"] = balance_interval(
            table["change"].to_numpy(), band_low, band_high, q)
        source = ("request" if opening_balance is not None
                  else getattr(self, "balance_source", "unknown"))
        start = float(opening_balance) if opening_balance is not None else (
            self.closing_balance if source in KNOWN_BALANCE_SOURCES else None)
        for column in ("", "_lower", "_upper"):
            table[f"balance{column}"] = (start + table[f"change{column}"] if start is not None
                                         else np.nan)
        threshold = float(self.params["low_balance_threshold"]
                          if low_balance_threshold is None else low_balance_threshold)
        below = table.index[table["balance"] < threshold]
        at_risk = table.index[table["balance_lower"] < threshold]
        table = table.reset_index()
        as_of = getattr(self, "as_of", None) or (table["date"].iloc[0] - pd.Timedelta(days=1))
        stale = 0 if today is None else max(0, (pd.Timestamp(today).normalize() - as_of).days)
        change = horizon_net_change(table)
        summary = {
            "as_of": str(as_of.date()), "days_after_as_of": stale,
            "note": (f"the export ends on {as_of.date()}, {stale} day(s) before the day asked "
                     "for: the forecast starts the day after the export's last day, and the "
                     "days in between are forecast, not known" if stale else ""),
            # expected totals (they add up to the net change); the daily inflow and outflow
            # columns are the most likely day's, like the point
            **self._expected_totals(len(table)),
            "net": change.expected, "net_lower": change.lower, "net_upper": change.upper,
            "opening_balance": start, "balance_source": source,
            "balance_note": ("" if start is not None else
                             "the balance is not known (the export has no balance column and "
                             "no opening balance is declared or given): balance is null and "
                             "change is the running total from the end of as_of"),
            "closing_balance": float(table["balance"].iloc[-1]) if start is not None else None,
            "low_balance_threshold": threshold,
            "first_low_balance_day": str(below[0].date()) if len(below) else None,
            "first_day_balance_may_be_low": str(at_risk[0].date()) if len(at_risk) else None,
            # the chance of running short within each horizon (one computation for the
            # report, the app and the service): below 0, and below the threshold
            "shortfall": self.shortfall(0.0, opening_balance).as_dict(),
            "shortfall_threshold": self.shortfall(threshold, opening_balance).as_dict(),
        }
        return table[list(FORECAST_COLUMNS)], summary


def fit_from_backtest(transactions: pd.DataFrame, candidates: pd.DataFrame,
                      params: dict[str, Any], as_of: pd.Timestamp | str | None = None
                      ) -> CashflowModel:
    """The served model: its candidate chosen on the last ``inner_folds`` folds of the
    backtest table ``candidates`` (the most recent data), its intervals from the chosen
    candidate's errors on every fold."""
    names = candidate_names(params)
    candidates = candidates[candidates["method"].isin(names)]
    folds = sorted(candidates["fold"].unique())
    recent = folds[-int(params["inner_folds"]):]
    # the backtest (and through it the peers' sktime forecasters) when fitting only
    from titans_finance.models.cashflow.backtest import choose_candidate

    chosen = choose_candidate(candidates, recent, names,
                              str(params["default_candidate"]),
                              float(params["selection_tolerance"]))
    quantiles = interval_quantiles(candidates[candidates["method"] == chosen],
                                   float(params["interval_coverage"]))
    return CashflowModel(chosen, params).fit(transactions, quantiles, as_of)
