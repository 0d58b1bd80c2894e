"""Cash-flow forecaster vs every simple baseline and every peer on all Berka accounts (and the default data).

    nice .venv/bin/python -m benchmarks.evaluation.cashflow_berka            # all 638 accounts + default data
    nice .venv/bin/python -m benchmarks.evaluation.cashflow_berka --limit 40 # a quick look
    nice .venv/bin/python -m benchmarks.evaluation.cashflow_berka --part tuning --no-default-data

The accounts are split by their place in account-id order: every third (0, 3, 6, ...) is
a *tuning* account, the place to choose the model's rules and parameters on; the other
two thirds are *held out* (never looked at while choosing). ``--part`` runs one part
only (while iterating: the tuning part); every run reports the model against the
schedules peer on each part it scored (``by_part``).

Each account is one export. Folds: the last ``backtest_folds`` 30-day windows before
1994-03-30 are reported (outer); each one's model is chosen on the ``inner_folds`` windows
before it (nested); a fold needs ``min_history_days`` of history, so accounts opened late
have fewer folds and an account with none is listed as not evaluable. Parameters are
the pipeline's (``conf/base/parameters_cashflow.yml``), nothing tuned per account.
Writes ``benchmarks/results/cashflow_berka.json`` (and the per-account table as CSV).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from benchmarks.evaluation.berka import BERKA_END, BERKA_PATH, accounts, berka_exports  # noqa: E402

from titans_finance.models.cashflow import BASELINES, evaluate_cashflow, summarise_backtest
from titans_finance.models.cashflow.peers import PEERS

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results"


def load_params() -> dict:
    return yaml.safe_load((ROOT / "conf/base/parameters_cashflow.yml").read_text())["cashflow"]


def calibrated_balance_share(residuals: np.ndarray, n_folds: int, horizon: int,
                             nominal: float, rng: np.random.Generator, n_paths: int = 2000,
                             n_trials: int = 200) -> float:
    """The chance that a *perfectly calibrated* balance band lands within 5 points of
    nominal on one account's hold-out: paths are sums of the account's own daily
    residuals drawn independently; the band is the exact pointwise quantile of such
    paths; the coverage of ``n_folds`` fresh paths of ``horizon`` days is one trial.
    (Real residuals are less independent than this, so the true figure is if anything
    lower: the cumulative path stays out once it is out.)"""
    if len(residuals) == 0:
        return float("nan")
    alpha = (1 - nominal) / 2
    reference = rng.choice(residuals, size=(n_paths, horizon)).cumsum(axis=1)
    low, high = np.quantile(reference, [alpha, 1 - alpha], axis=0)
    paths = rng.choice(residuals, size=(n_trials, n_folds, horizon)).cumsum(axis=2)
    coverage = ((paths >= low) & (paths <= high)).mean(axis=(1, 2))
    return float((np.abs(coverage - nominal) <= 0.05 + 1e-9).mean())


def binomial_share_within(n_days: int, nominal: float, points: float = 0.05) -> float:
    """P(|X/n − nominal| <= points) for X ~ Binomial(n, nominal): the share of accounts a
    perfectly calibrated daily interval lands within ``points`` of nominal on, with
    ``n_days`` independent hold-out days."""
    from math import comb

    k = np.arange(n_days + 1)
    pmf = np.array([comb(n_days, int(i)) for i in k], dtype="float64") * (
        nominal ** k) * ((1 - nominal) ** (n_days - k))
    return float(pmf[np.abs(k / n_days - nominal) <= points + 1e-9].sum())


PARTS = ("tuning", "held_out")
TUNING_EVERY = 3  # every third account (in account-id order) is a tuning account


def account_part(position: int) -> str:
    """The part of the account at ``position`` in account-id order (0: the first)."""
    return "tuning" if position % TUNING_EVERY == 0 else "held_out"


def per_account(frame: pd.DataFrame, params: dict, end: pd.Timestamp | None,
                limit: int | None = None, part: str | None = None
                ) -> tuple[pd.DataFrame, list[str]]:
    rows, skipped = [], []
    nominal = float(params["interval_coverage"])
    rng = np.random.default_rng(42)  # this benchmark's own sampling (not a model parameter)
    for i, (account, export) in enumerate(accounts(frame)):
        if limit is not None and i >= limit:
            break
        if part is not None and account_part(i) != part:
            continue
        _, outer, _ = evaluate_cashflow(export, params, end)
        summary = summarise_backtest(outer)
        if not summary:
            skipped.append(account)
            continue
        row = {"account": account, "part": account_part(i), "n_transactions": len(export),
               "n_folds": int(outer["fold"].nunique()),
               "chosen": ";".join(outer.loc[outer["method"] == "model", "chosen"].unique())}
        model = outer[(outer["method"] == "model") & outer["has_interval"].astype(bool)]
        # any interval that contains its point covers the days the point is exact: on a
        # mostly-zero account (quiet days forecast as zero) that floor is above nominal
        row["daily_coverage_floor"] = float((model["error"].abs() < 1e-9).mean()) if len(
            model) else np.nan
        row["n_interval_days"] = int(len(model))
        row["daily_calibrated_share_within_5"] = (binomial_share_within(len(model), nominal)
                                                  if len(model) else np.nan)
        row["balance_calibrated_share_within_5"] = calibrated_balance_share(
            model["expected_error"].to_numpy(), int(model["fold"].nunique()),
            int(params["horizon_days"]), nominal, rng)
        for method, values in summary.items():
            name = method.removeprefix("baseline_").removeprefix("peer_")
            for key, value in values.items():
                row[f"{name}_{key}"] = value
        rows.append(row)
    return pd.DataFrame(rows), skipped


def distribution(table: pd.DataFrame, metric: str) -> dict:
    names = ["model", *BASELINES, *PEERS]
    out = {}
    for name in names:
        values = table[f"{name}_{metric}"]
        out[name] = {"median": float(values.median()), "q1": float(values.quantile(0.25)),
                     "q3": float(values.quantile(0.75)), "mean": float(values.mean())}
    best = min(BASELINES, key=lambda b: out[b]["median"])
    model = table[f"model_{metric}"]
    out["best_baseline"] = best
    out["share_of_accounts_won"] = {
        b: float((model < table[f"{b}_{metric}"] - 1e-12).mean()) for b in (*BASELINES, *PEERS)}
    out["model_median_over_peer_median"] = {
        p: out["model"]["median"] / out[p]["median"] if out[p]["median"] else None for p in PEERS}
    out["share_of_accounts_won_against_each_accounts_best_baseline"] = float(
        (model < table[[f"{b}_{metric}" for b in BASELINES]].min(axis=1) - 1e-12).mean())
    out["share_of_accounts_tied_with_best"] = float(
        (np.isclose(model, table[f"{best}_{metric}"])).mean())
    return out


def versus_schedules_by_part(table: pd.DataFrame) -> dict:
    """Per part (and all): the model's median MASE over the schedules peer's, and the
    shares of accounts where the model's MASE is lower, equal (the same forecast every
    day, or the same error) and higher."""
    out = {}
    for name, rows in (("all", table), *((p, table[table["part"] == p]) for p in PARTS)):
        if rows.empty:
            continue
        model, peer = rows["model_mase"], rows["scheduled_payments_mase"]
        # equal: the same errors up to the float noise of summing them (the two
        # forecasts agree every day); lower and higher as share_of_accounts_won counts
        tied = (model - peer).abs() <= 1e-12
        won = model < peer - 1e-12
        out[name] = {"n_accounts": int(len(rows)), "model_median": float(model.median()),
                     "peer_median": float(peer.median()),
                     "ratio_of_medians": float(model.median() / peer.median()),
                     "share_lower": float(won.mean()), "share_equal": float(tied.mean()),
                     "share_higher": float((~won & ~tied).mean())}
    return out


def coverage_summary(table: pd.DataFrame, nominal: float) -> dict:
    """Each interval's per-account coverage distribution beside what perfect calibration
    could give on hold-outs of the same size (``expected_share_within_5_points_if_calibrated``:
    binomial for the daily interval, simulated paths for the balance band)."""
    out = {}
    for column, expected in (("model_coverage", "daily_calibrated_share_within_5"),
                             ("model_balance_coverage", "balance_calibrated_share_within_5")):
        values = table[column].dropna()
        out[column.removeprefix("model_")] = {
            "nominal": nominal, "n_accounts": int(len(values)),
            "median": float(values.median()), "q1": float(values.quantile(0.25)),
            "q3": float(values.quantile(0.75)), "mean": float(values.mean()),
            "share_within_5_points": float(((values - nominal).abs() <= 0.05 + 1e-9).mean()),
            "expected_share_within_5_points_if_calibrated": float(table[expected].mean())}
    floor = table["daily_coverage_floor"].dropna()
    attainable = table.loc[floor.index[floor <= nominal + 0.05], "model_coverage"]
    out["coverage"].update({
        "floor_median": float(floor.median()),
        "floor_meaning": "share of hold-out days whose point forecast is exact: every interval "
                         "that contains its point covers at least that share",
        "share_of_accounts_floor_above_nominal_plus_5": float((floor > nominal + 0.05).mean()),
        "accounts_floor_within_reach": {
            "n_accounts": int(len(attainable)), "median": float(attainable.median()),
            "share_within_5_points": float(((attainable - nominal).abs() <= 0.05 + 1e-9)
                                           .mean())}})
    return out


def default_data(params: dict) -> dict:
    """The same evaluation on the project's default generated export (make run's data)."""
    from titans_finance.synthetic.generator import generate_transactions

    export, _ = generate_transactions(rows=20000, seed=42)
    frame = pd.DataFrame({"date": pd.to_datetime(export["Date"], errors="coerce", format="mixed"),
                          "amount": pd.to_numeric(export["Amount"].str.replace(r"[$,()]", "",
                                                                              regex=True),
                                                  errors="coerce"),
                          "description": export["Description"], "reference": export["Reference"]})
    frame = frame.dropna(subset=["date", "amount"]).reset_index(drop=True)
    _, outer, _ = evaluate_cashflow(frame, params)
    return {k.removeprefix("baseline_").removeprefix("peer_"): v
            for k, v in summarise_backtest(outer).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="first N accounts only")
    parser.add_argument("--part", choices=PARTS, default=None,
                        help="one part of the accounts only (tuning: every third)")
    parser.add_argument("--no-default-data", action="store_true")
    args = parser.parse_args()
    if not BERKA_PATH.is_file():
        sys.exit(f"Berka data not found at {BERKA_PATH}")
    params = load_params()
    started = time.perf_counter()
    frame = berka_exports()
    table, skipped = per_account(frame, params, BERKA_END, args.limit, args.part)
    seconds = time.perf_counter() - started
    result = {
        "command": "nice .venv/bin/python -m benchmarks.evaluation.cashflow_berka"
                   + (f" --limit {args.limit}" if args.limit else "")
                   + (f" --part {args.part}" if args.part else ""),
        "data": "../shared/data/berka/trans_dev.csv.gz (one export per account)",
        "n_accounts": int(frame["account"].nunique()) if args.limit is None else args.limit,
        "n_accounts_evaluated": int(len(table)),
        "n_accounts_without_a_fold": len(skipped),
        "folds_per_account": table["n_folds"].value_counts().sort_index().to_dict(),
        "horizon_days": int(params["horizon_days"]),
        "outer_folds": int(params["backtest_folds"]), "inner_folds": int(params["inner_folds"]),
        "mase": distribution(table, "mase"), "mae": distribution(table, "mae"),
        "versus_schedules_peer_by_part": versus_schedules_by_part(table),
        "cumulative_net_error": distribution(table, "cumulative_net_error"),
        "interval_coverage": coverage_summary(table, float(params["interval_coverage"])),
        "chosen_candidates": table["chosen"].str.split(";").explode().value_counts().to_dict(),
        "seconds": round(seconds, 1),
    }
    if not args.no_default_data:
        result["default_data"] = default_data(params)
    RESULTS.mkdir(exist_ok=True)
    name = "cashflow_berka" + (f"_first{args.limit}" if args.limit is not None else "") + (
        f"_{args.part}" if args.part else "")
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    table.to_csv(RESULTS / f"{name}_accounts.csv", index=False, float_format="%.6g")
    print(json.dumps({k: result[k] for k in ("n_accounts_evaluated", "seconds")}, indent=1))
    for metric in ("mase", "mae"):
        d = result[metric]
        print(metric, {k: round(v["median"], 3) for k, v in d.items() if isinstance(v, dict)
                       and "median" in v}, "won vs best:", d["share_of_accounts_won"][
            d["best_baseline"]], "vs each best:", round(
            d["share_of_accounts_won_against_each_accounts_best_baseline"], 3),
              "won vs peers:", {p: round(d["share_of_accounts_won"][p], 3) for p in PEERS})
    print("versus the schedules peer", result["versus_schedules_peer_by_part"])
    print("coverage", result["interval_coverage"])
    print("chosen", result["chosen_candidates"])
    if "default_data" in result:
        print("default", {k: round(v["mase"], 3) for k, v in result["default_data"].items()})


if __name__ == "__main__":
    main()
