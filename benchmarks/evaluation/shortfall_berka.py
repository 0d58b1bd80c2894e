"""Is the chance of running short calibrated? Rolling origins on the Berka accounts, which
carry their real end-of-day balance.

    nice .venv/bin/python -m benchmarks.evaluation.shortfall_berka             # every account
    nice .venv/bin/python -m benchmarks.evaluation.shortfall_berka --limit 40  # a quick look

At each origin (every month's last day with ``min_history_days`` of the account's history
before it and the whole horizon before 1994-03-30), the account's transactions up to the
origin give the forecast (`models.cashflow.shortfall`, the pipeline's parameters) and the
balance at the origin (the export's own balance column); the outcome is whether the real
end-of-day balance (origin balance + the real daily flows) fell below the threshold on any
day of the next 30 / 60 / 90 days. The simulated share of paths that go short is
recalibrated (logistic, two numbers; one map for "below 0", one for a threshold above it;
a balance already below at the origin is certain) with maps fitted on the other half of the accounts
(cross-fitting: an account is never scored by a map fitted on it); the map fitted on every
case is what ``conf/base/parameters_cashflow.yml`` ships. Scores: the Brier score against the climatological one
(the base rate of the cases scored: a forecast that knows the average but nothing about the
account), and a reliability table (predicted probability in ten bins against the observed
frequency). Writes ``benchmarks/results/shortfall_berka.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from benchmarks.evaluation.berka import BERKA_END, BERKA_PATH, accounts, berka_exports
from benchmarks.evaluation.cashflow_berka import load_params
from titans_finance.models.cashflow.flows import daily_flows
from titans_finance.models.cashflow.model import CashflowModel
from titans_finance.models.cashflow.shortfall import recalibrated

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results"
BINS = np.linspace(0, 1, 11)


def origin_cases(export: pd.DataFrame, params: dict, thresholds: list[float],
                 end: pd.Timestamp) -> list[dict]:
    """Every (origin, threshold, horizon) case of one account: predicted and observed."""
    horizons = [int(h) for h in params["shortfall_horizons"]]
    dates = pd.to_datetime(export["date"]).dt.normalize()
    first = dates.min()
    earliest = first + pd.Timedelta(days=int(params["min_history_days"]) - 1)
    origins = [o for o in pd.date_range(first, end, freq="ME")
               if o >= earliest and o + pd.Timedelta(days=horizons[0]) <= end]
    daily = daily_flows(export, end=end)["net"]
    cases = []
    for origin in origins:
        past = export[dates <= origin]
        # the served model, fitted on the account's transactions up to the origin
        model = CashflowModel(str(params["default_candidate"]), params).fit(past, as_of=origin)
        opening = model.closing_balance
        if model.balance_source != "export_balance_column":
            continue
        actual = opening + daily.loc[origin + pd.Timedelta(days=1):].cumsum().to_numpy()
        for spec in thresholds:
            threshold = (float(spec[1:]) * opening if str(spec).startswith("r")
                         else float(spec))
            risk = model.shortfall(threshold)
            for h in horizons:
                if origin + pd.Timedelta(days=h) > end:
                    continue
                cases.append({"origin": str(origin.date()), "threshold": str(spec),
                              "horizon": h, "raw": risk.probability[h],
                              # already below at the origin counts (and is certain)
                              "observed": bool(opening < threshold
                                               or (actual[:h] < threshold).any()),
                              "opening_below": bool(opening < threshold)})
    return cases


def reliability(predicted: np.ndarray, observed: np.ndarray) -> list[dict]:
    """Ten bins of the predicted probability ([0, 0.1), ..., [0.9, 1.0]): cases, mean
    predicted, observed frequency, and the gap in points."""
    index = np.clip(np.digitize(predicted, BINS[1:-1]), 0, 9)
    rows = []
    for k in range(10):
        mask = index == k
        n = int(mask.sum())
        rows.append({"bin": f"{BINS[k]:.1f}-{BINS[k + 1]:.1f}", "n": n,
                     "mean_predicted": float(predicted[mask].mean()) if n else None,
                     "observed": float(observed[mask].mean()) if n else None,
                     "gap_points": (100 * float(observed[mask].mean() - predicted[mask].mean())
                                    if n else None)})
    return rows


def scores(cases: pd.DataFrame) -> dict:
    predicted = cases["predicted"].to_numpy(dtype="float64")
    observed = cases["observed"].to_numpy(dtype="float64")
    base = float(observed.mean())
    brier = float(np.mean((predicted - observed) ** 2))
    climatology = float(np.mean((base - observed) ** 2))
    return {"n_cases": int(len(cases)), "n_accounts": int(cases["account"].nunique()),
            "base_rate": base, "mean_predicted": float(predicted.mean()),
            "brier": brier, "brier_climatology": climatology,
            "brier_skill_score": (1 - brier / climatology) if climatology > 0 else None,
            "reliability": reliability(predicted, observed),
            "bins_with_50_cases_within_5_points": sum(
                1 for row in reliability(predicted, observed)
                if row["n"] >= 50 and abs(row["gap_points"]) <= 5),
            "bins_with_50_cases": sum(1 for row in reliability(predicted, observed)
                                      if row["n"] >= 50)}


def fit_calibration(predicted: np.ndarray, observed: np.ndarray, n_paths: int
                    ) -> tuple[float, float]:
    """Logistic recalibration (intercept, slope on the logit of the simulated share) by
    maximum likelihood."""
    half = 0.5 / n_paths
    p = np.clip(predicted, half, 1 - half)
    x, y = np.log(p / (1 - p)), observed.astype("float64")

    def loss(w: np.ndarray) -> float:
        z = w[0] + w[1] * x
        return float(np.sum(np.logaddexp(0, z) - y * z))

    return tuple(float(v) for v in minimize(loss, x0=np.array([0.0, 1.0]),
                                            method="Nelder-Mead").x)


def calibration_group(cases: pd.DataFrame) -> pd.Series:
    """Which map a case uses: "below_zero" (threshold 0) or "below_threshold"."""
    return pd.Series(np.where(cases["threshold"].astype(str) == "0", "below_zero",
                              "below_threshold"), index=cases.index)


def fitted_maps(cases: pd.DataFrame, n_paths: int) -> dict[str, tuple[float, float]]:
    """Each group's map, fitted on its cases whose balance was not already below (those
    are certain and not recalibrated)."""
    group = calibration_group(cases)
    return {name: fit_calibration(cases.loc[(group == name) & ~cases["opening_below"], "raw"]
                                  .to_numpy(),
                                  cases.loc[(group == name) & ~cases["opening_below"],
                                            "observed"].to_numpy(), n_paths)
            for name in ("below_zero", "below_threshold")}


def cross_fitted(cases: pd.DataFrame, n_paths: int) -> pd.Series:
    """Each case's recalibrated probability from the maps fitted on the *other* half of the
    accounts (accounts alternately in two halves by id): never on the account scored."""
    ids = sorted(cases["account"].unique())
    half = cases["account"].isin(set(ids[::2]))
    group = calibration_group(cases)
    out = cases["raw"].astype("float64").copy()  # 1.0 where already below
    for fit_on in (half, ~half):
        maps = fitted_maps(cases[fit_on], n_paths)
        for name, (intercept, slope) in maps.items():
            scored = ~fit_on & (group == name) & ~cases["opening_below"]
            out[scored] = recalibrated(cases.loc[scored, "raw"].to_numpy(), intercept, slope,
                                       n_paths)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="first N accounts only")
    parser.add_argument("--thresholds", nargs="+", default=["0", "5000", "r0.5"],
                        help="balance thresholds: CZK (0 and a declared cushion), or r<share> "
                             "for a share of the balance at the origin")
    args = parser.parse_args()
    if not BERKA_PATH.is_file():
        sys.exit(f"Berka data not found at {BERKA_PATH}")
    # the simulated shares as they are: the recalibration is fitted here
    params = {**load_params(), "shortfall_calibration_below_zero": [0.0, 1.0],
              "shortfall_calibration_below_threshold": [0.0, 1.0]}
    started = time.perf_counter()
    rows = []
    for i, (account, export) in enumerate(accounts(berka_exports())):
        if args.limit is not None and i >= args.limit:
            break
        rows += [{"account": account, **case}
                 for case in origin_cases(export, params, args.thresholds, BERKA_END)]
    cases = pd.DataFrame(rows)
    n_paths = int(params["shortfall_paths"])
    cases["predicted"] = cross_fitted(cases, n_paths)
    shipped = fitted_maps(cases, n_paths)
    raw = cases.assign(predicted=cases["raw"])
    result = {
        "command": "nice .venv/bin/python -m benchmarks.evaluation.shortfall_berka"
                   + (f" --limit {args.limit}" if args.limit else ""),
        "data": "../shared/data/berka/trans_dev.csv.gz (one export per account, its own "
                "balance column)",
        "origins": "every month's last day with min_history_days before it and the horizon "
                   "inside the data",
        "paths": n_paths, "block_days": int(params["shortfall_block_days"]),
        "calibration": "logistic recalibration of the simulated share (one map for below 0, "
                       "one for the other thresholds), cross-fitted: each account scored "
                       "with the maps fitted on the other half of the accounts",
        "calibration_fitted_on_all_cases": {f"shortfall_calibration_{k}": list(v)
                                            for k, v in shipped.items()},
        "results": {f"below {t}, {h} days": scores(part)
                    for (t, h), part in cases.groupby(["threshold", "horizon"])},
        "pooled": scores(cases),
        "simulated_shares_as_they_are": {
            "results": {f"below {t}, {h} days": scores(part)
                        for (t, h), part in raw.groupby(["threshold", "horizon"])},
            "pooled": scores(raw)},
        "seconds": round(time.perf_counter() - started, 1)}
    RESULTS.mkdir(exist_ok=True)
    name = "shortfall_berka" if args.limit is None else f"shortfall_berka_first{args.limit}"
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    cases.to_csv(RESULTS / f"{name}_cases.csv.gz", index=False, float_format="%.6g")
    print("calibration fitted on all cases", shipped)
    for key, value in {**result["results"], "pooled": result["pooled"]}.items():
        print(f"{key}: n={value['n_cases']} base={value['base_rate']:.3f} "
              f"mean_p={value['mean_predicted']:.3f} BSS={value['brier_skill_score']}")
    for row in result["pooled"]["reliability"]:
        print(row)
    print("seconds", result["seconds"])


if __name__ == "__main__":
    main()
