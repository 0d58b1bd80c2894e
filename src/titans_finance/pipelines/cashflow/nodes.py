"""Cash-flow model: expanding-window backtest against naive baselines, final fit, forecast."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
from sktime.forecasting.naive import NaiveForecaster

from titans_finance.models.cashflow import (
    CashflowModel,
    _fit_predict,
    daily_flows,
    mase_scale,
    point_forecast,
)

logger = logging.getLogger(__name__)


def _cutoffs(daily: pd.DataFrame, params: dict[str, Any]) -> list[pd.Timestamp]:
    horizon = int(params["horizon_days"])
    end = daily.index[-1]
    cutoffs = [end - pd.Timedelta(days=horizon * k) for k in range(int(params["backtest_folds"]), 0, -1)]
    earliest = daily.index[0] + pd.Timedelta(days=int(params.get("min_history_days", 90)))
    return [c for c in cutoffs if c >= earliest]


def backtest_cashflow(clean_transactions: pd.DataFrame, params: dict[str, Any]
                      ) -> tuple[dict[str, Any], pd.DataFrame]:
    """Expanding-window backtest: each fold trains on days ≤ cutoff, forecasts the next horizon.

    Returns the backtest metrics (model candidates and naive baselines on the
    same folds, MASE scaled by the in-sample seasonal-naive error of each
    fold's training series) and the per-day backtest table.
    """
    daily = daily_flows(clean_transactions)
    horizon = int(params["horizon_days"])
    cutoffs = _cutoffs(daily, params)
    if not cutoffs:
        raise ValueError(f"cash-flow backtest needs at least {params.get('min_history_days', 90)} "
                         f"+ {horizon} days of history, got {len(daily)}")
    rows = []
    for fold, cutoff in enumerate(cutoffs):
        train_net = daily.loc[:cutoff, "net"]
        actual = daily.loc[cutoff + pd.Timedelta(days=1): cutoff + pd.Timedelta(days=horizon), "net"]
        steps = len(actual)
        scale = mase_scale(train_net)
        predictions = {name: point_forecast(clean_transactions, name, params, steps, cutoff)["net"]
                       .to_numpy() for name in params["candidates"]}
        predictions["baseline_last"] = _fit_predict(NaiveForecaster("last"), train_net, steps)
        predictions["baseline_seasonal7"] = _fit_predict(NaiveForecaster("last", sp=7), train_net,
                                                         steps)
        for name, predicted in predictions.items():
            rows.append(pd.DataFrame({"fold": fold, "cutoff": cutoff, "method": name,
                                      "date": actual.index, "step": np.arange(1, steps + 1),
                                      "actual": actual.to_numpy(), "predicted": predicted,
                                      "scale": scale}))
    table = pd.concat(rows, ignore_index=True)
    table["error"] = table["actual"] - table["predicted"]

    def summary(method: str) -> dict[str, float]:
        part = table[table["method"] == method]
        per_fold = part.groupby("fold").apply(lambda f: pd.Series({
            "mae": f["error"].abs().mean(), "mase": f["error"].abs().mean() / f["scale"].iloc[0],
            "cumulative_error": abs(f["error"].sum())}), include_groups=False)
        return {k: float(v) for k, v in per_fold.mean().items()}

    candidates = {name: summary(name) for name in params["candidates"]}
    selected = min(candidates, key=lambda n: candidates[n]["mase"])
    chosen = table[table["method"] == selected]
    # Interval coverage, leave-one-fold-out: fold k's interval comes from the other folds' errors.
    coverage = float(params.get("interval_coverage", 0.8))
    alpha = (1 - coverage) / 2
    inside = []
    for fold in chosen["fold"].unique():
        others = chosen.loc[chosen["fold"] != fold, "error"].to_numpy()
        if len(others) == 0:
            continue
        low, high = np.quantile(others, [alpha, 1 - alpha])
        error = chosen.loc[chosen["fold"] == fold, "error"].to_numpy()
        inside.append((error >= low) & (error <= high))
    last = summary("baseline_last")
    seasonal = summary("baseline_seasonal7")
    metrics = {
        "mase": candidates[selected]["mase"], "mae": candidates[selected]["mae"],
        "coverage": float(np.concatenate(inside).mean()) if inside else None,
        "cumulative_net_error": candidates[selected]["cumulative_error"],
        "baseline_last_mase": last["mase"], "baseline_last_mae": last["mae"],
        "baseline_last_cumulative_net_error": last["cumulative_error"],
        "baseline_seasonal7_mase": seasonal["mase"], "baseline_seasonal7_mae": seasonal["mae"],
        "baseline_seasonal7_cumulative_net_error": seasonal["cumulative_error"],
        "selected_model": selected, "candidates": candidates, "backtest_folds": len(cutoffs),
        "horizon_days": horizon, "n_days_history": int(len(daily)),
    }
    logger.info("cash-flow backtest: %s", metrics)
    return metrics, table


def fit_cashflow_model(clean_transactions: pd.DataFrame, backtest: pd.DataFrame,
                       backtest_metrics: dict[str, Any], params: dict[str, Any]) -> CashflowModel:
    selected = backtest_metrics["selected_model"]
    residuals = backtest.loc[backtest["method"] == selected, "error"].to_numpy()
    model = CashflowModel(selected, params).fit(clean_transactions, residuals)
    model.metadata["metrics"] = {k: v for k, v in backtest_metrics.items()
                                 if isinstance(v, int | float | str)}
    return model


def forecast_cashflow(model: CashflowModel, backtest_metrics: dict[str, Any],
                      params: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The forecast table for the configured horizon and the final metrics."""
    table, summary = model.predict(int(params["horizon_days"]),
                                   low_balance_threshold=float(params["low_balance_threshold"]))
    metrics = {**backtest_metrics, **summary,
               "n_recurring_series": len(model.recurring),
               "recurring_series": [f"{s.merchant} ({s.kind}, {s.amount:+.2f})"
                                    for s in model.recurring],
               "recurring_details": [{"merchant": s.merchant, "kind": s.kind, "day": s.day,
                                      "amount": s.amount, "last_date": str(s.last_date.date()),
                                      "occurrences": s.occurrences} for s in model.recurring]}
    return table, metrics
