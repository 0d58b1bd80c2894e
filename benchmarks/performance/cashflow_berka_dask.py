"""Every Berka account's cash-flow backtest and forecast on a Dask LocalCluster.

    nice .venv/bin/python -m benchmarks.performance.cashflow_berka_dask             # all accounts, 2 workers
    nice .venv/bin/python -m benchmarks.performance.cashflow_berka_dask --limit 60  # a quick look

The real accounts of ``../shared/data/berka/trans_dev.csv.gz`` (see its README), each one
export, as `benchmarks/evaluation/berka.py` reads them; `models.cashflow.forecast_accounts` (the
pipeline's recipe per account: nested backtest against every baseline, chosen candidate,
forecast) run through `core.scale.run_accounts` on a `LocalCluster` of ``--workers``
single-threaded processes, partitions of whole accounts. Folds end on 1994-03-30 as in
`benchmarks/evaluation/cashflow_berka.py`, so each account's MASE is compared with the pandas run
recorded in ``benchmarks/results/cashflow_berka_accounts.csv`` (written there with 6
significant digits). Writes ``benchmarks/results/cashflow_berka_dask.json``: wall time,
peak memory per worker, the distribution of MASE for the model and every baseline, and the
per-account agreement with the pandas run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from benchmarks.evaluation.berka import BERKA_END, BERKA_PATH, berka_exports  # noqa: E402

from titans_finance.core.scale import dask_session, map_by_account  # noqa: E402
from titans_finance.models.cashflow import BASELINES, forecast_accounts  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results"


def _quartiles(values: pd.Series) -> dict:
    return {"median": round(float(values.median()), 4),
            "q1": round(float(values.quantile(0.25)), 4),
            "q3": round(float(values.quantile(0.75)), 4), "n": int(values.notna().sum())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="first N accounts only")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not BERKA_PATH.is_file():
        sys.exit(f"Berka data not found at {BERKA_PATH}")
    params = yaml.safe_load((ROOT / "conf/base/parameters_cashflow.yml").read_text())["cashflow"]
    frame = berka_exports()
    if args.limit:
        frame = frame[frame["account"].isin(sorted(frame["account"].unique())[:args.limit])]
    scale = {"engine": "dask", "n_workers": args.workers, "threads_per_worker": 1}
    started = time.perf_counter()
    with dask_session(scale) as client:
        ready = time.perf_counter()
        parts = map_by_account(frame, forecast_accounts, params, BERKA_END, scale=scale,
                               client=client)
        worker_peaks = sorted(client.run(
            lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024).values())
    wall = time.perf_counter() - started
    summary = pd.concat([p[1] for p in parts]).sort_values("account").reset_index(drop=True)
    evaluated = summary[summary["evaluated"].astype(bool)]

    pandas_run = pd.read_csv(RESULTS / "cashflow_berka_accounts.csv", dtype={"account": str})
    both = evaluated.merge(pandas_run[["account", "model_mase", "naive_mase"]], on="account",
                           suffixes=("", "_pandas"))
    agree = np.isclose(both["mase"], both["model_mase"], rtol=1e-5, atol=1e-9)
    result = {
        "command": "nice .venv/bin/python -m benchmarks.performance.cashflow_berka_dask"
                   + (f" --limit {args.limit}" if args.limit else "")
                   + (f" --workers {args.workers}" if args.workers != 2 else ""),
        "data": "../shared/data/berka/trans_dev.csv.gz (one export per account)",
        "machine": {"cores": os.cpu_count(), "load_average_at_end": os.getloadavg()},
        "workers": args.workers, "n_accounts": int(frame["account"].nunique()),
        "n_rows": int(len(frame)), "n_accounts_evaluated": int(len(evaluated)),
        "wall_seconds": round(wall, 1), "cluster_start_seconds": round(ready - started, 1),
        "seconds_per_account": round((wall - (ready - started)) / max(len(summary), 1), 3),
        "worker_peak_rss_mb": [round(p, 1) for p in worker_peaks],
        "client_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "mase": {"model": _quartiles(evaluated["mase"]),
                 **{name: _quartiles(evaluated[f"baseline_{name}_mase"]) for name in BASELINES}},
        "share_beating": {name: round(float((evaluated["mase"] < evaluated[
            f"baseline_{name}_mase"] - 1e-12).mean()), 4) for name in BASELINES},
        "share_beating_each_accounts_best_baseline": round(float(
            evaluated["beats_best_baseline"].astype(bool).mean()), 4),
        "agreement_with_pandas_run": {
            "accounts_in_both": int(len(both)), "same_mase": int(agree.sum()),
            "max_abs_difference": float((both["mase"] - both["model_mase"]).abs().max())
            if len(both) else None},
    }
    RESULTS.mkdir(exist_ok=True)
    name = "cashflow_berka_dask" + (f"_first{args.limit}" if args.limit else "")
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
