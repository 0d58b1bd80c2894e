"""Each account's own backtest, model and forecast (the pipeline's recipe, account by
account)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from titans_finance.core.verdict import BEATS
from titans_finance.models.cashflow.backtest import (
    evaluate_cashflow,
    summarise_backtest,
    versus_baseline,
)
from titans_finance.models.cashflow.baselines import BASELINES
from titans_finance.models.cashflow.model import FORECAST_COLUMNS, fit_from_backtest


ACCOUNT_FORECAST_COLUMNS = ("account", *FORECAST_COLUMNS)
ACCOUNT_SUMMARY_COLUMNS = ("account", "n_transactions", "evaluated", "n_folds", "candidate",
                           "mase", "best_baseline", "best_baseline_mase", "beats_best_baseline",
                           *(f"baseline_{name}_mase" for name in BASELINES),
                           "opening_balance", "balance_source", "closing_balance", "net",
                           "first_low_balance_day", "shortfall_probability", "shortfall_before",
                           "shortfall_first_day")


def _shortfall_columns(risk: dict[str, Any]) -> dict[str, Any]:
    """The account's chance of going below 0 within the longest horizon, that horizon's
    last day and the most likely first day (None without a known balance)."""
    probability = risk.get("probability") or {}
    if not probability:
        return {"shortfall_probability": None, "shortfall_before": None,
                "shortfall_first_day": None}
    longest = max(probability, key=int)
    return {"shortfall_probability": probability[longest],
            "shortfall_before": risk["horizon_end"][longest],
            "shortfall_first_day": risk.get("first_day")}


def forecast_accounts(transactions: pd.DataFrame, params: dict[str, Any],
                      end: pd.Timestamp | str | None = None
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each account's own backtest, model and ``horizon_days`` forecast (the pipeline's
    recipe, account by account): ``(forecast, summary)``, one forecast row per (account,
    day) and one summary row per account (its backtest MASE beside its strongest baseline;
    ``evaluated`` False and no forecast when the account has too little history).

    A transfer between the user's own accounts moves each account's balance, so here it is
    a flow of both accounts (``is_transfer`` is ignored); only the total forecast of all
    accounts leaves transfers out. ``end``: the last day of the data for every account
    (default: each account's last transaction). Accounts in sorted order; a function of
    each account's rows only, so any split of the table by account gives the same rows."""
    horizon = int(params["horizon_days"])
    threshold = float(params["low_balance_threshold"])
    accounts = (transactions["account"] if "account" in transactions
                else pd.Series("default", index=transactions.index))
    forecasts, summaries = [], []
    for account, rows in transactions.assign(account=accounts).groupby("account", sort=True):
        rows = rows.drop(columns=[c for c in ("is_transfer",) if c in rows]).reset_index(
            drop=True)
        summary: dict[str, Any] = {"account": account, "n_transactions": len(rows),
                                   "evaluated": False}
        table, outer, _ = evaluate_cashflow(rows, params,
                                            pd.Timestamp(end) if end is not None else None)
        if outer.empty or not (outer["method"] == "model").any():
            summaries.append(summary)
            continue
        scores = summarise_backtest(outer)
        baselines = {name: scores[f"baseline_{name}"]["mase"] for name in BASELINES
                     if f"baseline_{name}" in scores}
        best = min(baselines, key=baselines.get)
        model = fit_from_backtest(rows, table, params, end)
        forecast, result = model.predict(horizon, low_balance_threshold=threshold)
        forecasts.append(forecast.assign(account=account))
        summary.update({"evaluated": True, "n_folds": int(outer["fold"].nunique()),
                        "candidate": model.candidate,
                        **{f"baseline_{k}_mase": v for k, v in baselines.items()},
                        "mase": scores["model"]["mase"], "best_baseline": best,
                        "best_baseline_mase": baselines[best],
                        # a win only beyond the noise of the backtest (core.verdict)
                        "beats_best_baseline": versus_baseline(
                            outer, f"baseline_{best}")["verdict"] == BEATS,
                        **{k: result[k] for k in ("opening_balance", "balance_source",
                                                  "closing_balance", "net",
                                                  "first_low_balance_day")},
                        **_shortfall_columns(result["shortfall"])})
        summaries.append(summary)
    forecast = (pd.concat(forecasts, ignore_index=True) if forecasts
                else pd.DataFrame(columns=list(ACCOUNT_FORECAST_COLUMNS)))
    summary = pd.DataFrame(summaries).reindex(columns=list(ACCOUNT_SUMMARY_COLUMNS))
    # fixed dtypes, whatever the accounts: tables of several partitions concatenate alike
    text = ["account", "candidate", "best_baseline", "balance_source", "first_low_balance_day",
            "shortfall_before", "shortfall_first_day"]
    summary[text] = summary[text].astype("str")
    summary["evaluated"] = summary["evaluated"].astype(bool)
    summary["beats_best_baseline"] = summary["beats_best_baseline"].astype("boolean")
    counts = ["n_transactions", "n_folds"]
    summary[counts] = summary[counts].astype("Int64")
    numbers = [c for c in summary if c not in {*text, *counts, "evaluated",
                                               "beats_best_baseline"}]
    summary[numbers] = summary[numbers].astype("float64")
    return forecast[list(ACCOUNT_FORECAST_COLUMNS)], summary
