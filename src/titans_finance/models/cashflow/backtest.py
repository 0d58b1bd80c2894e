"""Backtest: every candidate and baseline at every fold cutoff, the nested choice of the
candidate and the scores of the reported folds."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from titans_finance.core.verdict import paired_comparison
from titans_finance.models.cashflow.baselines import baseline_forecasts, mase_scale
from titans_finance.models.cashflow.flows import daily_flows
from titans_finance.models.cashflow.intervals import (
    balance_interval,
    daily_interval,
    interval_quantiles,
)
from titans_finance.models.cashflow.parts import candidate_names, forecast_parts
from titans_finance.models.cashflow.peers import peer_forecasts


def fold_cutoffs(daily_index: pd.DatetimeIndex, horizon: int, n_folds: int,
                 min_history_days: int) -> list[pd.Timestamp]:
    """Cutoffs of horizon-long folds ending at the last day, oldest first; a fold needs
    ``min_history_days`` of training history."""
    end = daily_index[-1]
    earliest = daily_index[0] + pd.Timedelta(days=min_history_days - 1)
    cutoffs = [end - pd.Timedelta(days=horizon * k) for k in range(n_folds, 0, -1)]
    return [c for c in cutoffs if c >= earliest]


def backtest_parts(transactions: pd.DataFrame, params: dict[str, Any],
                   end: pd.Timestamp | None = None) -> tuple[pd.DataFrame, list]:
    """Every candidate and baseline forecast at every fold cutoff (outer and inner folds).

    Returns the long table (fold, cutoff, method, date, step, actual, predicted, scale)
    and the cutoffs. ``end``: the last day of the data (default: the last transaction)."""
    horizon = int(params["horizon_days"])
    daily = daily_flows(transactions, end=end)
    n_outer, n_inner = int(params["backtest_folds"]), int(params["inner_folds"])
    cutoffs = fold_cutoffs(daily.index, horizon, n_outer + n_inner,
                           int(params["min_history_days"]))
    names = candidate_names(params)
    rest_names = tuple(sorted({n.split("+")[1] for n in names}))
    rows = []
    for fold, cutoff in enumerate(cutoffs):
        train = daily.loc[:cutoff, "net"]
        actual = daily.loc[cutoff + pd.Timedelta(days=1): cutoff + pd.Timedelta(days=horizon),
                           "net"].to_numpy()
        steps = len(actual)
        parts = forecast_parts(transactions, params, cutoff, steps, rest_names,
                               start=daily.index[0])
        predictions = {name: (parts.net(name), parts.expected(name)) for name in names}
        predictions.update({f"baseline_{k}": (v, v) for k, v in baseline_forecasts(
            train, steps).items()})  # a baseline's balance follows its own forecast
        if fold >= len(cutoffs) - n_outer:  # peers are scored, never chosen: outer folds only
            predictions.update({f"peer_{k}": (v, v) for k, v in peer_forecasts(
                transactions, train, cutoff, steps).items()})
        scale = mase_scale(train.to_numpy())
        nan = np.full(steps, np.nan)
        for method, (predicted, expected) in predictions.items():
            low, high = parts.balance_bands if "+" in method else (nan, nan)
            rows.append((fold, cutoff, method, parts.future, actual, predicted, scale, low, high,
                         expected))
    if not rows:
        return pd.DataFrame(columns=["fold", "cutoff", "method", "date", "step", "actual",
                                     "predicted", "scale", "band_low", "band_high", "expected",
                                     "error", "expected_error"]), cutoffs
    table = pd.DataFrame({
        "fold": np.concatenate([np.full(len(r[4]), r[0]) for r in rows]),
        "cutoff": np.concatenate([np.full(len(r[4]), np.datetime64(r[1])) for r in rows]),
        "method": np.concatenate([np.full(len(r[4]), r[2], dtype=object) for r in rows]),
        "date": np.concatenate([r[3].to_numpy() for r in rows]),
        "step": np.concatenate([np.arange(1, len(r[4]) + 1) for r in rows]),
        "actual": np.concatenate([r[4] for r in rows]),
        "predicted": np.concatenate([r[5] for r in rows]),
        "scale": np.concatenate([np.full(len(r[4]), r[6]) for r in rows]),
        "band_low": np.concatenate([r[7] for r in rows]),
        "band_high": np.concatenate([r[8] for r in rows]),
        "expected": np.concatenate([r[9] for r in rows])})
    table["error"] = table["actual"] - table["predicted"]
    table["expected_error"] = table["actual"] - table["expected"]
    return table, cutoffs


def choose_candidate(table: pd.DataFrame, folds: list[int], names: list[str],
                     default: str, tolerance: float = 0.0) -> str:
    """The first candidate (simplest first) whose mean MASE on ``folds`` is within
    ``tolerance`` (relative) of the best: a more complex candidate must beat the simpler
    ones by more than the folds' noise. ``default`` when there is no fold to choose on."""
    part = table[table["fold"].isin(folds) & table["method"].isin(names)]
    if part.empty:
        return default
    per_fold = (part.assign(abs_error=part["error"].abs()).groupby(["method", "fold"])
                .agg(mae=("abs_error", "mean"), scale=("scale", "first")))
    mase = (per_fold["mae"] / per_fold["scale"]).groupby(level="method").mean()
    best = float(mase.min())
    return next(name for name in names if name in mase.index
                and mase[name] <= best * (1.0 + tolerance) + 1e-12)


def nested_backtest(table: pd.DataFrame, cutoffs: list, params: dict[str, Any]) -> pd.DataFrame:
    """Outer folds (the last ``backtest_folds`` cutoffs): each one's candidate is chosen on
    the ``inner_folds`` folds before it (its own data only), and its intervals come from
    the chosen candidate's errors there. Returns the outer folds' rows of the model
    (method ``model``, with the choice and the intervals), of every baseline and every peer."""
    names = candidate_names(params)
    default = str(params["default_candidate"])
    n_outer, n_inner = int(params["backtest_folds"]), int(params["inner_folds"])
    coverage = float(params["interval_coverage"])
    outer = list(range(max(0, len(cutoffs) - n_outer), len(cutoffs)))
    pieces = []
    for fold in outer:
        inner = list(range(max(0, fold - n_inner), fold))
        chosen = choose_candidate(table, inner, names, default,
                                  float(params["selection_tolerance"]))
        # intervals from every earlier fold (more errors than the choice needs; still nested)
        q = interval_quantiles(table[(table["fold"] < fold) & (table["method"] == chosen)],
                               coverage)
        model = table[(table["fold"] == fold) & (table["method"] == chosen)].copy()
        model["method"], model["chosen"] = "model", chosen
        cumulative = model["expected"].cumsum().to_numpy()
        model["lower"], model["upper"] = daily_interval(model["predicted"].to_numpy(), q)
        model["cumulative_actual"] = model["actual"].cumsum().to_numpy()
        model["cumulative_lower"], model["cumulative_upper"] = balance_interval(
            cumulative, model["band_low"].to_numpy(), model["band_high"].to_numpy(), q)
        model["has_interval"] = q["n_errors"] > 0
        baselines = table[(table["fold"] == fold) & table["method"].str.startswith(("baseline_", "peer_"))]
        pieces += [model, baselines]
    if not pieces:
        return table.iloc[0:0].assign(chosen=pd.Series(dtype=object))
    return pd.concat(pieces, ignore_index=True)


def summarise_backtest(outer: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Per method: MASE (mean over folds of fold MAE / fold scale), MAE, absolute error of
    the horizon's total net flow (the balance at the horizon's end: the model's expected
    net, a baseline's own forecast); for the model also the interval coverage."""
    if outer.empty:
        return {}
    frame = outer.assign(abs_error=outer["error"].abs())
    per_fold = frame.groupby(["method", "fold"]).agg(
        mae=("abs_error", "mean"), scale=("scale", "first"), total=("expected_error", "sum"))
    per_fold["mase"] = per_fold["mae"] / per_fold["scale"]
    per_fold["total_abs"] = per_fold["total"].abs()
    out = {method: {"mase": float(g["mase"].mean()), "mae": float(g["mae"].mean()),
                    "cumulative_net_error": float(g["total_abs"].mean())}
           for method, g in per_fold.groupby(level="method")}
    model = outer[(outer["method"] == "model") & outer.get("has_interval", True)]
    if "model" in out and len(model):
        out["model"]["coverage"] = float(((model["actual"] >= model["lower"])
                                          & (model["actual"] <= model["upper"])).mean())
        out["model"]["balance_coverage"] = float(
            ((model["cumulative_actual"] >= model["cumulative_lower"])
             & (model["cumulative_actual"] <= model["cumulative_upper"])).mean())
    return out


def versus_baseline(outer: pd.DataFrame | None, baseline: str) -> dict[str, Any]:
    """The model against ``baseline`` (a method of ``outer``, the reported folds' daily
    errors) with the noise of the comparison: paired by fold and day, each day's absolute
    error over its fold's MASE scale (their mean is the MASE); see `core.verdict`."""
    if outer is None or outer.empty:
        return {"advantage": None, "advantage_se": None, "compared_on": 0, "verdict": None}
    scaled = outer.assign(loss=outer["error"].abs() / outer["scale"])
    losses = scaled[scaled["method"].isin(["model", baseline])].pivot_table(
        index=["fold", "date"], columns="method", values="loss", aggfunc="first").dropna()
    if "model" not in losses or baseline not in losses:
        return {"advantage": None, "advantage_se": None, "compared_on": 0, "verdict": None}
    return paired_comparison(losses["model"].to_numpy(), losses[baseline].to_numpy())


def evaluate_cashflow(transactions: pd.DataFrame, params: dict[str, Any],
                      end: pd.Timestamp | None = None) -> tuple[pd.DataFrame, pd.DataFrame, list]:
    """Backtest + nested choice on one export: (all folds' table, outer folds' table, cutoffs)."""
    table, cutoffs = backtest_parts(transactions, params, end)
    return table, nested_backtest(table, cutoffs, params), cutoffs
