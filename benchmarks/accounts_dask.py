"""Many accounts: features, batch anomaly scoring and per-account forecasts, pandas vs Dask.

    nice .venv/bin/python benchmarks/accounts_dask.py --accounts 200 --rows-per-account 1000 \\
        --forecast-accounts 20
    nice .venv/bin/python benchmarks/accounts_dask.py --accounts 10000 --rows-per-account 1000 \\
        --forecast-accounts 200          # the issue's 10M rows (hours on a shared 2-core box)

Data: `generate_accounts` (users with a current account and a card), run through the
ingestion's `normalise_transactions` and written as parquet files of whole accounts
(``--accounts-per-file`` each): the "many export files" a bank would have. Then, each in its
own process (wall time from a monotonic clock, peak RSS from the kernel's rusage):

- ``pandas``: every file read into one frame; `build_features` on it; the anomaly model's
  ``score`` on every row; `forecast_accounts` on the first ``--forecast-accounts`` accounts;
  outputs written as parquet.
- ``dask``: a `LocalCluster` of ``--workers`` single-threaded worker processes;
  `dd.read_parquet` of the files (one partition per file: whole accounts, so no shuffle;
  ``--shuffle`` forces the general path, a shuffle on ``account``), then
  `titans_finance.core.scale.map_by_account` calls the *same* functions on each partition,
  and each partition's output is written by its worker (the client never holds the table).

The anomaly model is trained once, in the parent, on the first ``--train-accounts`` accounts
(a stated row budget: a global model stays on one machine) and pickled for both runs. The
outputs of both runs are compared row for row (features and scores exactly, forecasts
exactly). Results: ``benchmarks/results/accounts_dask.json`` (and docs/benchmarks.md by
hand, from that file only).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def _params(name: str) -> dict:
    return yaml.safe_load((ROOT / f"conf/base/parameters_{name}.yml").read_text())[name]


def prepare(args, work: Path) -> dict:
    """Generate, ingest and write the account files; train the anomaly model."""
    from titans_finance.core.features import build_features
    from titans_finance.datasets.raw_export_dataset import parse_export_text
    from titans_finance.generator_accounts import generate_accounts
    from titans_finance.models.anomaly import AnomalyModel
    from titans_finance.pipelines.ingestion.nodes import normalise_transactions

    started = time.perf_counter()
    export, _ = generate_accounts(args.accounts, args.accounts * args.rows_per_account, args.seed)
    generated = time.perf_counter() - started
    files = work / "accounts"
    files.mkdir()
    names = export["Account"].unique()
    n_files = 0
    for first in range(0, len(names), args.accounts_per_file):
        chunk = export[export["Account"].isin(names[first:first + args.accounts_per_file])]
        raw, _ = parse_export_text(chunk.to_csv(index=False), f"accounts_{first}.csv")
        clean, _, _ = normalise_transactions(raw, {})
        clean = clean.drop(columns=["original_description"])  # not used past ingestion
        clean.to_parquet(files / f"part_{n_files:05d}.parquet", index=False)
        n_files += 1
    del export
    train = pd.concat([pd.read_parquet(f) for f in sorted(files.glob("*.parquet"))[:max(
        1, args.train_accounts // args.accounts_per_file)]], ignore_index=True)
    train = train[train["account"].isin(sorted(train["account"].unique())[:args.train_accounts])]
    params = {**_params("anomaly"), "contamination": None, "n_jobs": 1}
    model = AnomalyModel(params).fit(train, build_features(train))
    (work / "anomaly_model.pkl").write_bytes(pickle.dumps(model))
    return {"generate_seconds": round(generated, 1), "files": n_files,
            "train_rows": int(len(train)), "prepare_seconds": round(time.perf_counter()
                                                                   - started, 1)}


# ----------------------------------------------------------------------------- the two runs

def features_and_scores(part: pd.DataFrame, model, out: str) -> int:
    """One partition of whole accounts: features, anomaly scores, written to ``out``."""
    from titans_finance.core.features import build_features

    features = build_features(part)
    scores = model.score(part, features)
    name = f"{out}/part_{part['account'].iloc[0]}.parquet"  # an account is in one partition
    pd.concat([part[["account"]], features, scores.add_prefix("anomaly_")], axis=1).to_parquet(
        name)
    return len(part)


def _forecast_subset(part: pd.DataFrame, chosen: set, params: dict) -> tuple:
    from titans_finance.models.cashflow import forecast_accounts

    return forecast_accounts(part[part["account"].isin(chosen)], params)


def run(engine: str, work: Path, workers: int, forecast_accounts_n: int, shuffle: bool) -> dict:
    model = pickle.loads((work / "anomaly_model.pkl").read_bytes())
    params = _params("cashflow")
    out = work / f"out_{engine}"
    out.mkdir()
    files = sorted((work / "accounts").glob("*.parquet"))
    timings: dict[str, float] = {}
    started = time.perf_counter()
    if engine == "pandas":
        frame = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
        timings["read"] = time.perf_counter() - started
        chosen = set(sorted(frame["account"].unique())[:forecast_accounts_n])
        step = time.perf_counter()
        features_and_scores(frame, model, str(out))
        timings["features_and_scores"] = time.perf_counter() - step
        step = time.perf_counter()
        forecast, summary = _forecast_subset(frame, chosen, params)
        timings["forecasts"] = time.perf_counter() - step
        worker_peaks, worker_cpu = [], []
    else:
        import dask.dataframe as dd

        from titans_finance.core.scale import dask_session, map_by_account

        scale = {"engine": "dask", "n_workers": workers, "threads_per_worker": 1,
                 "partitions": 4 * workers * max(1, len(files) // (4 * workers))}
        with dask_session(scale) as client:
            timings["cluster_start"] = time.perf_counter() - started
            step = time.perf_counter()
            frame = dd.read_parquet([str(f) for f in files])
            accounts = sorted(frame["account"].unique().compute())
            chosen = set(accounts[:forecast_accounts_n])
            timings["read_account_list"] = time.perf_counter() - step
            step = time.perf_counter()
            map_by_account(frame, features_and_scores, model, str(out), scale=scale,
                           client=client, whole_accounts=not shuffle)
            timings["features_and_scores"] = time.perf_counter() - step
            step = time.perf_counter()
            parts = map_by_account(frame[frame["account"].isin(list(chosen))], _forecast_subset,
                                   chosen, params, scale={**scale, "partitions": 2 * workers},
                                   client=client)
            forecast = pd.concat([p[0] for p in parts]).sort_values(["account", "date"],
                                                                    kind="stable")
            summary = pd.concat([p[1] for p in parts]).sort_values("account", kind="stable")
            timings["forecasts"] = time.perf_counter() - step
            worker_peaks = sorted(client.run(
                lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024).values())
            worker_cpu = sorted(client.run(
                lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])).values())
    forecast.reset_index(drop=True).to_parquet(out / "forecast.parquet")
    summary.reset_index(drop=True).to_parquet(out / "forecast_summary.parquet")
    return {"engine": engine, "wall_seconds": round(time.perf_counter() - started, 1),
            "steps_seconds": {k: round(v, 1) for k, v in timings.items()},
            "client_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                                        / 1024, 1),
            "worker_peak_rss_mb": [round(p, 1) for p in worker_peaks],
            "worker_cpu_seconds": [round(c, 1) for c in worker_cpu],
            "cpu_seconds_client": round(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), 1)}


def compare(work: Path) -> dict:
    """Both runs' outputs, row for row."""
    def table(engine: str) -> pd.DataFrame:
        parts = [pd.read_parquet(f) for f in sorted((work / f"out_{engine}").glob("part_*"))]
        frame = pd.concat(parts)
        return frame.sort_values(["account", "transaction_id"], kind="stable").reset_index(
            drop=True)

    pandas_rows, dask_rows = table("pandas"), table("dask")
    pd.testing.assert_frame_equal(dask_rows, pandas_rows, check_exact=True)
    for name in ("forecast", "forecast_summary"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(work / "out_dask" / f"{name}.parquet"),
            pd.read_parquet(work / "out_pandas" / f"{name}.parquet"), check_exact=True)
    return {"rows_compared": int(len(pandas_rows)), "equal": True}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--rows-per-account", type=int, default=1000)
    parser.add_argument("--accounts-per-file", type=int, default=50)
    parser.add_argument("--forecast-accounts", type=int, default=20)
    parser.add_argument("--train-accounts", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--shuffle", action="store_true",
                        help="shuffle on account even though each file holds whole accounts "
                             "(the general path; by default the files are the partitions)")
    parser.add_argument("--run", choices=("pandas", "dask"), help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:  # a child: one engine, its figures on stdout
        print(json.dumps(run(args.run, Path(args.work), args.workers, args.forecast_accounts,
                             args.shuffle)))
        return
    work = Path(tempfile.mkdtemp(prefix="accounts_dask_"))
    try:
        prepared = prepare(args, work)
        runs = {}
        for engine in ("pandas", "dask"):
            command = [sys.executable, __file__, "--run", engine, "--work", str(work),
                       "--workers", str(args.workers), "--forecast-accounts",
                       str(args.forecast_accounts)] + (["--shuffle"] if args.shuffle else [])
            started = time.perf_counter()
            child = subprocess.run(command, capture_output=True, text=True, check=False)
            if child.returncode:
                sys.exit(f"{engine} run failed:\n{child.stderr[-3000:]}")
            runs[engine] = json.loads(child.stdout.strip().splitlines()[-1])
            runs[engine]["process_seconds"] = round(time.perf_counter() - started, 1)
        result = {
            "command": "nice .venv/bin/python benchmarks/accounts_dask.py " + " ".join(
                f"--{k.replace('_', '-')} {v}" for k, v in vars(args).items()
                if k not in ("run", "work", "shuffle") and v is not None)
                + (" --shuffle" if args.shuffle else ""),
            "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                        "load_average_at_start": os.getloadavg()},
            "accounts": args.accounts, "rows": args.accounts * args.rows_per_account,
            "forecast_accounts": args.forecast_accounts, **prepared, "runs": runs,
            "comparison": compare(work),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    RESULTS.mkdir(exist_ok=True)
    name = "accounts_dask_shuffle" if args.shuffle else "accounts_dask"
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
