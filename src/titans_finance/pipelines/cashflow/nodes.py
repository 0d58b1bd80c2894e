"""Cash-flow model: nested backtest against every simple baseline, final fit, forecast."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from titans_finance.models.cashflow import (
    BASELINE_MEANING,
    BASELINES,
    CashflowModel,
    evaluate_cashflow,
    fit_from_backtest,
    forecast_accounts,
    summarise_backtest,
    versus_baseline,
)
from titans_finance.models.cashflow.peers import PEER_MEANING, PEERS
from titans_finance.core.fingerprint import computed_from
from titans_finance.core.scale import run_accounts
from titans_finance.core.verdict import BEATS
from titans_finance.parameters import CashflowSettings, scale_of

logger = logging.getLogger(__name__)

MASE_MEANING = ("MASE: mean absolute error of the daily net flow over 30 days, divided by the "
                "in-sample error of a last-value forecast; below 1 beats that naive forecast")


def scorecard(summary: dict[str, dict[str, float]], outer: pd.DataFrame | None = None,
              metric: str = "mase") -> dict[str, Any]:
    """The contract's scorecard: the model beside every baseline and the strongest one.
    ``outer``: the reported folds' daily errors, for the noise of the comparison (paired
    by fold and day: each day's absolute error over its fold's MASE scale)."""
    baselines = {name: summary[f"baseline_{name}"][metric] for name in BASELINES
                 if f"baseline_{name}" in summary}
    best = min(baselines, key=baselines.get)
    model = summary["model"][metric]
    versus_best = versus_baseline(outer, f"baseline_{best}")
    # the peers a user compares with (schedules typed into a budgeting app, standard
    # statistical forecasters): shown beside the baselines, with the comparison's noise
    peers = {name: {"score": summary[f"peer_{name}"][metric],
                    **versus_baseline(outer, f"peer_{name}"), "meaning": PEER_MEANING[name]}
             for name in PEERS if f"peer_{name}" in summary}
    return {"metric": metric, "lower_is_better": True, "model": model, "baselines": baselines,
            "peers": peers, "best_baseline": best, **versus_best,
            "beats_best_baseline": versus_best["verdict"] == BEATS, "meaning": MASE_MEANING}


def backtest_cashflow(clean_transactions: pd.DataFrame, params: dict[str, Any] | CashflowSettings
                      ) -> tuple[dict[str, Any], pd.DataFrame]:
    """Nested backtest: the last ``backtest_folds`` horizon-long folds are reported; each
    one's candidate is chosen on the ``inner_folds`` folds before it. Every baseline is
    scored on the same reported folds with the same MASE scale.

    Returns the metrics and the backtest table (every fold, candidate and baseline; the
    reported folds' model rows as method ``model``)."""
    settings = CashflowSettings.of(params)
    table, outer, cutoffs = evaluate_cashflow(clean_transactions, settings.model_dump())
    if outer.empty or not (outer["method"] == "model").any():
        raise ValueError(
            f"the cash-flow backtest needs {settings.min_history_days} days of "
            f"history before a {settings.horizon_days}-day fold; the export spans "
            f"{len(pd.to_datetime(clean_transactions['date']).dt.normalize().unique())} day(s)")
    summary = summarise_backtest(outer)
    model = summary["model"]
    card = scorecard(summary, outer)
    if not card["beats_best_baseline"]:
        logger.warning("the cash-flow model (MASE %.3f) does not beat the best baseline %s "
                       "(%.3f) by more than the noise on this export: %s", card["model"],
                       card["best_baseline"], card["baselines"][card["best_baseline"]],
                       card["verdict"])
    chosen = outer.loc[outer["method"] == "model", ["fold", "chosen"]].drop_duplicates()
    metrics: dict[str, Any] = {
        "mase": model["mase"], "mae": model["mae"], "coverage": model.get("coverage"),
        "balance_coverage": model.get("balance_coverage"),
        "cumulative_net_error": model["cumulative_net_error"],
        "scorecard": card,
        "baselines": {name: {**summary[f"baseline_{name}"], "meaning": BASELINE_MEANING[name]}
                      for name in BASELINES},
        "chosen_per_fold": chosen["chosen"].tolist(),
        "backtest_folds": int(outer["fold"].nunique()),
        "inner_folds": settings.inner_folds,
        "horizon_days": settings.horizon_days,
        "n_days_history": int((pd.to_datetime(clean_transactions["date"]).max()
                               - pd.to_datetime(clean_transactions["date"]).min()).days + 1),
        "interval_coverage_nominal": settings.interval_coverage,
        "computed_from": computed_from(clean_transactions),
    }
    for name in BASELINES:  # flat keys for MLflow and older readers
        for key in ("mase", "mae"):
            metrics[f"baseline_{name}_{key}"] = summary[f"baseline_{name}"][key]
    metrics["baseline_last_mase"] = metrics["baseline_naive_mase"]
    metrics["baseline_seasonal7_mase"] = metrics["baseline_seasonal_naive_7_mase"]
    logger.info("cash-flow backtest: model MASE %.3f, best baseline %s %.3f", model["mase"],
                card["best_baseline"], card["baselines"][card["best_baseline"]])
    full = pd.concat([table, outer[outer["method"] == "model"]], ignore_index=True)
    full["cutoff"] = pd.to_datetime(full["cutoff"])
    return metrics, full.drop(columns=[c for c in ("has_interval",) if c in full])


def fit_cashflow_model(clean_transactions: pd.DataFrame, backtest: pd.DataFrame,
                       backtest_metrics: dict[str, Any], params: dict[str, Any] | CashflowSettings
                       ) -> CashflowModel:
    """The served model: its candidate chosen on the last ``inner_folds`` folds (the most
    recent data), its intervals from the chosen candidate's errors on every fold."""
    model = fit_from_backtest(clean_transactions, backtest,
                              CashflowSettings.of(params).model_dump())
    model.metadata["metrics"] = {k: v for k, v in backtest_metrics.items()
                                 if isinstance(v, int | float | str)}
    return model


def forecast_cashflow(model: CashflowModel, backtest_metrics: dict[str, Any],
                      params: dict[str, Any] | CashflowSettings
                      ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The forecast table for the configured horizon and the final metrics."""
    settings = CashflowSettings.of(params)
    table, summary = model.predict(settings.horizon_days,
                                   low_balance_threshold=settings.low_balance_threshold)
    metrics = {**backtest_metrics, **summary, "selected_model": model.candidate,
               "n_recurring_series": len(model.recurring),
               "recurring_series": [f"{s.merchant} ({s.kind}, {s.amount:+.2f})"
                                    for s in model.recurring],
               "recurring_details": [{"merchant": s.merchant, "kind": s.kind,
                                      "day": s.when, "amount": s.amount,
                                      "amount_range": [s.amount_low, s.amount_high],
                                      "last_date": str(s.last_date.date()),
                                      "occurrences": s.occurrences} for s in model.recurring]}
    return table, metrics


def forecast_cashflow_by_account(clean_transactions: pd.DataFrame,
                                 params: dict[str, Any] | CashflowSettings,
                                 scale: dict[str, Any] | None = None
                                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each account's own backtest and forecast (`forecast_accounts`; with
    ``scale.engine: dask`` on partitions of whole accounts). The total forecast of the
    other nodes is that of all accounts together, without the transfers between them.
    An export with one account has no separate per-account forecast: the total is its
    forecast (two empty tables)."""
    params = CashflowSettings.of(params).model_dump()
    accounts = clean_transactions.get("account")
    if accounts is None or accounts.nunique() < 2:
        return forecast_accounts(clean_transactions.iloc[0:0], params)
    forecast, summary = run_accounts(clean_transactions, forecast_accounts, params,
                                     scale=scale_of(scale))
    evaluated = summary[summary["evaluated"]]
    logger.info("cash flow per account: %d of %d accounts forecast, %d beat their strongest "
                "baseline", len(evaluated), len(summary),
                int(evaluated["beats_best_baseline"].astype(bool).sum()))
    return forecast, summary
