"""Many accounts, pandas in one process vs Dask: ingestion of many export files, features,
batch scoring by the anomaly, category and amount models, per-account 30-day forecasts.

    nice -n 10 .venv/bin/python -m benchmarks.performance.accounts_dask --accounts 1000   # 1M rows
    nice -n 10 .venv/bin/python -m benchmarks.performance.accounts_dask --accounts 10000 \\
        --pandas-accounts 2000 --forecast-accounts 100     # the issue's 10M rows

Data: ``--accounts`` generated accounts (`generate_accounts`: users with a current account
and a card, ``--rows-per-account`` lines each), written as raw CSV exports of
``--accounts-per-file`` whole accounts each (file ``i`` drawn from ``SeedSequence([seed,
i])``: deterministic per seed): the "many export files" of a bank. The models are trained
once, in the parent, on the first ``--train-accounts`` accounts (a stated row budget: a
global model is fitted on one machine): the anomaly model, the category model (personal
logistic regression on the generator's labels) and the amount model (``--amount-estimator``;
``prior`` is what the amount pipeline selects on the default data). Then each engine runs
in its own process:

- ``pandas``: every export file read and normalised (`parse_export_text`,
  `normalise_transactions`) into one frame, written as the clean table and loaded back (as
  the Kedro run does between ingestion and features); `build_features`
  on it; every row scored by the three models; `forecast_accounts` on the forecast sample;
  outputs written as parquet. ``--pandas-accounts`` runs it on the first files only (how
  far one process goes); it is stopped if its RSS passes ``--pandas-memory-limit-gib``.
- ``dask``: a `LocalCluster` of ``--workers`` single-threaded worker processes
  (`core.scale.dask_session`). `core.scale.read_files` reads and normalises each export file
  on a worker with the same function and the workers write the clean partitions (one per
  file: whole accounts); `core.scale.map_by_account` then calls the *same* feature and
  scoring function on each partition (written by its worker: the client never holds the
  table), and the same forecast function on each partition's sampled accounts.

Per step: wall time (monotonic clock), CPU seconds of the workers (their rusage before and
after) and their utilisation (CPU / (wall x workers)), the task stream (seconds computing,
transferring, deserialising). Peak RSS of the pandas process and of each worker (kernel
rusage). The forecast sample is every k-th account (``--forecast-accounts`` of them,
spread over the files); the per-account cost is its CPU seconds / accounts.

The outputs are compared row for row (the Dask rows of the accounts pandas ran on):
features, every model's output and the forecasts exactly. Results:
``benchmarks/results/accounts_dask_<accounts>.json`` (docs/benchmarks.md from it by hand).
``--malloc-trim-threshold 65536`` starts the workers as distributed does by default (see
`core.scale.local_worker_config`), to measure what that setting costs.
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
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results"


def _params(name: str) -> dict:
    return yaml.safe_load((ROOT / f"conf/base/parameters_{name}.yml").read_text())[name]


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ----------------------------------------------------------------------------- the data

def write_export(index: int, first: int, count: int, rows_per_account: int, seed: int,
                 folder: str) -> int:
    """Export file ``index``: accounts ``first``.. ``first + count`` as a bank's CSV."""
    from titans_finance.synthetic.accounts import generate_accounts

    export, _ = generate_accounts(count, count * rows_per_account,
                                  np.random.SeedSequence([seed, index]), first=first)
    export.to_csv(Path(folder) / f"export_{index:05d}.csv", index=False, lineterminator="\n")
    return len(export)


def ingest_file(path: str) -> pd.DataFrame:
    """One export file through the ingestion's reader and normaliser: its clean rows."""
    from titans_finance.datasets.raw_export_dataset import parse_export_text
    from titans_finance.pipelines.ingestion.nodes import normalise_transactions

    raw, _ = parse_export_text(Path(path).read_text(encoding="utf-8"), Path(path).name)
    clean, _, _ = normalise_transactions(raw, _params("ingestion"))
    # not used past ingestion; dropped by both engines alike
    return clean.drop(columns=["original_description"]).reset_index(drop=True)


def prepare(args, work: Path) -> dict:
    """Write the export files (``--workers`` processes) and train the three models."""
    from titans_finance.core.features import build_features
    from titans_finance.models.amount import AmountModel
    from titans_finance.models.anomaly import AnomalyModel
    from titans_finance.models.category import CategoryModel

    started = time.perf_counter()
    folder = work / "exports"
    folder.mkdir()
    jobs = [(i, first, min(args.accounts_per_file, args.accounts - first))
            for i, first in enumerate(range(0, args.accounts, args.accounts_per_file))]
    with ProcessPoolExecutor(args.workers) as pool:
        rows = sum(pool.map(write_export, *zip(*jobs), [args.rows_per_account] * len(jobs),
                            [args.seed] * len(jobs), [str(folder)] * len(jobs)))
    generated = time.perf_counter() - started
    files = sorted(folder.glob("*.csv"))
    train = pd.concat([ingest_file(str(f)) for f in files[:max(
        1, -(-args.train_accounts // args.accounts_per_file))]], ignore_index=True)
    (work / "clean_meta.pkl").write_bytes(pickle.dumps(train.iloc[:0]))
    train = train[train["account"].isin(sorted(train["account"].unique())[:args.train_accounts])
                  ].reset_index(drop=True)
    features = build_features(train)
    labelled = train["category"].notna().to_numpy()
    models = {
        "anomaly": AnomalyModel({**_params("anomaly"), "contamination": None, "n_jobs": 1}
                                ).fit(train, features),
        "category": CategoryModel("logistic_regression", _params("category")).fit(
            train[labelled].reset_index(drop=True),
            features[labelled].reset_index(drop=True), calibrate=False),
        "amount": AmountModel(args.amount_estimator, _params("amount")).fit(train, features),
    }
    (work / "models.pkl").write_bytes(pickle.dumps(models))
    return {"rows": int(rows), "files": len(files), "train_rows": int(len(train)),
            "generate_seconds": round(generated, 1),
            "prepare_seconds": round(time.perf_counter() - started, 1)}


# ----------------------------------------------------------------------------- the work

def score_partition(part: pd.DataFrame, models: dict, out: str) -> dict:
    """Whole accounts: features, then every row scored by the anomaly, category and amount
    models; written to ``out``. Returns the rows and this call's CPU seconds."""
    from titans_finance.core.features import build_features

    cpu = time.process_time()
    part = part.reset_index(drop=True)
    features = build_features(part).reset_index(drop=True)
    anomaly = models["anomaly"].score(part, features).reset_index(drop=True)
    category = models["category"].predict(part, features).reset_index(drop=True)
    category["top_k"] = category["top_k"].map(repr)  # a list per row: compared as text
    amount = models["amount"].predict(part, features).reset_index(drop=True)
    table = pd.concat([part[["account"]], features,
                       anomaly.drop(columns=["account"], errors="ignore").add_prefix("anomaly_"),
                       category.add_prefix("category_"), amount.add_prefix("amount_")], axis=1)
    table.to_parquet(f"{out}/part_{part['account'].iloc[0]}.parquet")  # an account: 1 part
    return {"rows": len(part), "cpu_seconds": time.process_time() - cpu}


def forecast_sample(part: pd.DataFrame, chosen: list, params: dict) -> tuple:
    from titans_finance.models.cashflow import forecast_accounts

    sample = part[part["account"].isin(set(chosen))]
    # a partition without a sampled account: nothing (an empty table's dtypes would change
    # the concatenated table's)
    return forecast_accounts(sample, params) if len(sample) else None


def ingest_file_recorded(path: str, out: str) -> pd.DataFrame:
    """`ingest_file`, its CPU seconds written beside the outputs (``--one-pass``)."""
    cpu = time.process_time()
    clean = ingest_file(path)
    Path(f"{out}/ingest_{Path(path).stem}.json").write_text(json.dumps(
        {"rows": len(clean), "cpu_seconds": time.process_time() - cpu, "finished": time.time()}))
    return clean


def one_pass(part: pd.DataFrame, models: dict, out: str, chosen: list, params: dict) -> dict:
    """``--one-pass``: one file's whole accounts, as read on this worker: features and
    scores written, its sampled accounts forecast. Its figures are written beside the
    outputs as it finishes (a run stopped part way keeps them)."""
    scored = score_partition(part, models, out)
    cpu = time.process_time()
    tables = forecast_sample(part, chosen, params)
    record = {"rows": scored["rows"], "cpu_seconds": scored["cpu_seconds"],
              "forecast_cpu_seconds": time.process_time() - cpu,
              "forecast_accounts": 0 if tables is None else int(len(tables[1])),
              "finished": time.time(), "worker_peak_rss_mb": _peak_rss_mb(), "pid": os.getpid()}
    Path(f"{out}/stats_{part['account'].iloc[0]}.json").write_text(json.dumps(record))
    return {**record, "tables": tables}


def chosen_accounts(args) -> list[str]:
    """Every k-th account (spread over the files), by the generator's names."""
    from titans_finance.synthetic.accounts import account_names

    names = list(account_names(args.accounts))
    step = max(1, len(names) // max(1, args.forecast_accounts))
    return names[::step][:args.forecast_accounts]


def _watch_memory(limit_mb: float, report: Path) -> None:
    def watch():
        while True:
            with open("/proc/self/statm") as statm:
                rss = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
            if rss > limit_mb:
                report.write_text(json.dumps({"stopped_at_rss_mb": round(rss, 1)}))
                os._exit(3)
            time.sleep(0.2)

    threading.Thread(target=watch, daemon=True).start()


def run_pandas(args, work: Path, files: list[Path], models: dict, chosen: list,
               params: dict) -> dict:
    out = work / "out_pandas"
    out.mkdir()
    steps: dict[str, dict] = {}

    def step(name: str, started: float, cpu: float) -> None:
        steps[name] = {"wall_seconds": round(time.perf_counter() - started, 1),
                       "cpu_seconds": round(_cpu_seconds() - cpu, 1),
                       "peak_rss_mb": round(_peak_rss_mb(), 1)}

    started, cpu = time.perf_counter(), _cpu_seconds()
    frame = pd.concat([ingest_file(str(f)) for f in files], ignore_index=True)
    # saved and loaded back as the Kedro run does between ingestion and features (and as
    # the Dask run does): the same dtypes on both sides (dates come back in microseconds)
    frame.to_parquet(work / "clean_pandas.parquet")
    del frame
    frame = pd.read_parquet(work / "clean_pandas.parquet")
    step("ingest", started, cpu)
    started, cpu = time.perf_counter(), _cpu_seconds()
    score_partition(frame, models, str(out))
    step("features_and_scores", started, cpu)
    started, cpu = time.perf_counter(), _cpu_seconds()
    forecast, summary = forecast_sample(frame, chosen, params)
    step("forecasts", started, cpu)
    steps["forecasts"]["accounts"] = int(len(summary))
    forecast.to_parquet(out / "forecast.parquet")
    summary.to_parquet(out / "forecast_summary.parquet")
    return {"steps": steps, "peak_rss_mb": round(_peak_rss_mb(), 1)}


def _task_stream_summary(tasks: list[dict]) -> dict:
    seconds: dict[str, float] = {}
    for task in tasks:
        for span in task.get("startstops", ()):
            seconds[span["action"]] = seconds.get(span["action"], 0.0) + span["stop"] - span[
                "start"]
    return {"tasks": len(tasks), **{f"{k}_seconds": round(v, 1) for k, v in seconds.items()}}


def run_dask(args, work: Path, files: list[Path], models: dict, chosen: list,
             params: dict) -> dict:
    import dask.dataframe as dd
    from distributed import get_task_stream

    from titans_finance.core.scale import dask_session, map_by_account, read_files

    out = work / "out_dask"
    out.mkdir()
    scale = {"engine": "dask", "n_workers": args.workers, "threads_per_worker": 1,
             "malloc_trim_threshold": args.malloc_trim_threshold}
    meta = pickle.loads((work / "clean_meta.pkl").read_bytes())
    steps: dict[str, dict] = {}
    started = time.perf_counter()
    with dask_session(scale) as client:
        cluster_start = time.perf_counter() - started

        def worker_cpu() -> dict:
            return client.run(_cpu_seconds)

        def measured(name: str, work_function):
            before, cpu, begun = worker_cpu(), _cpu_seconds(), time.perf_counter()
            with get_task_stream(client) as stream:
                result = work_function()
            wall = time.perf_counter() - begun
            after = worker_cpu()
            busy = sum(after[w] - before[w] for w in after)
            tasks = _task_stream_summary(stream.data)
            steps[name] = {"wall_seconds": round(wall, 1),
                           "worker_cpu_seconds": round(busy, 1),
                           "client_cpu_seconds": round(_cpu_seconds() - cpu, 1),
                           "worker_cpu_utilisation": round(busy / (wall * len(after)), 3),
                           "task_stream": tasks,
                           # share of the wall time the workers had a task computing (both
                           # busy: 1.0), whatever CPU share the machine's load left them
                           "worker_busy_share": round(tasks.get("compute_seconds", 0.0)
                                                      / (wall * len(after)), 3),
                           "worker_peak_rss_mb": sorted(round(v, 1) for v in client.run(
                               _peak_rss_mb).values())}
            return result

        if args.one_pass:  # each file read, scored and its sample forecast in one task
            frame = read_files(files, ingest_file_recorded, str(out), meta=meta)
            scored = measured("one_pass", lambda: map_by_account(
                frame, one_pass, models, str(out), chosen, params, scale=scale,
                client=client, whole_accounts=True))
            parts = [s.pop("tables") for s in scored]
            parts = [p for p in parts if p is not None]
            steps["forecasts"] = {"cpu_seconds": round(sum(
                s["forecast_cpu_seconds"] for s in scored), 1)}
            steps["one_pass"]["ingest_cpu_seconds"] = round(sum(
                json.loads(f.read_text())["cpu_seconds"] for f in out.glob("ingest_*.json")), 1)
            steps["one_pass"]["features_and_scores_cpu_seconds"] = round(sum(
                s["cpu_seconds"] for s in scored), 1)
        else:
            measured("ingest", lambda: read_files(files, ingest_file, meta=meta).to_parquet(
                str(work / "clean_dask"), write_index=False))
            frame = dd.read_parquet(str(work / "clean_dask"))
            scored = measured("features_and_scores", lambda: map_by_account(
                frame, score_partition, models, str(out), scale=scale, client=client,
                whole_accounts=True))
            # only the sampled accounts' rows are read (the filter goes into the parquet read)
            sample = frame[frame["account"].isin(chosen)]
            parts = [p for p in measured("forecasts", lambda: map_by_account(
                sample, forecast_sample, chosen, params, scale=scale, client=client,
                whole_accounts=True)) if p is not None]
        worker_peaks = sorted(client.run(_peak_rss_mb).values())
        worker_total = sum(worker_cpu().values())
    forecast = pd.concat([p[0] for p in parts]).sort_values(["account", "date"], kind="stable")
    summary = pd.concat([p[1] for p in parts]).sort_values("account", kind="stable")
    steps["forecasts"]["accounts"] = int(len(summary))
    forecast.reset_index(drop=True).to_parquet(out / "forecast.parquet")
    summary.reset_index(drop=True).to_parquet(out / "forecast_summary.parquet")
    return {"steps": steps, "cluster_start_seconds": round(cluster_start, 1),
            "partition_cpu_seconds": {
                "median": round(float(np.median([s["cpu_seconds"] for s in scored])), 2),
                "max": round(max(s["cpu_seconds"] for s in scored), 2),
                "rows_per_partition": int(np.median([s["rows"] for s in scored]))},
            "worker_peak_rss_mb": [round(p, 1) for p in worker_peaks],
            "worker_cpu_seconds_total": round(worker_total, 1),
            "client_peak_rss_mb": round(_peak_rss_mb(), 1)}


def run(args, work: Path) -> dict:
    models = pickle.loads((work / "models.pkl").read_bytes())
    files = sorted((work / "exports").glob("*.csv"))
    chosen, params = chosen_accounts(args), _params("cashflow")
    load_before = os.getloadavg()
    started = time.perf_counter()
    if args.run == "pandas":
        files = files[:-(-args.pandas_accounts // args.accounts_per_file)]
        _watch_memory(args.pandas_memory_limit_gib * 1024, work / "pandas_stopped.json")
        result = run_pandas(args, work, files, models, chosen, params)
    else:
        result = run_dask(args, work, files, models, chosen, params)
    return {"engine": args.run, "files": len(files),
            "wall_seconds": round(time.perf_counter() - started, 1),
            "cpu_seconds_this_process": round(_cpu_seconds(), 1),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()], **result}


# ----------------------------------------------------------------------------- comparison

def compare(work: Path) -> dict:
    """The Dask rows of the accounts pandas ran on, row for row; the forecasts of the
    sample accounts pandas ran on, exactly."""
    def table(engine: str) -> pd.DataFrame:
        frame = pd.concat([pd.read_parquet(f) for f in sorted(
            (work / f"out_{engine}").glob("part_*"))])
        return frame.sort_values(["account", "transaction_id"], kind="stable").reset_index(
            drop=True)

    pandas_rows, dask_rows = table("pandas"), table("dask")
    accounts = set(pandas_rows["account"])
    dask_rows = dask_rows[dask_rows["account"].isin(accounts)].reset_index(drop=True)
    pd.testing.assert_frame_equal(dask_rows, pandas_rows, check_exact=True)
    for name in ("forecast", "forecast_summary"):
        dask_table = pd.read_parquet(work / "out_dask" / f"{name}.parquet")
        dask_table = dask_table[dask_table["account"].isin(accounts)].reset_index(drop=True)
        pd.testing.assert_frame_equal(
            dask_table, pd.read_parquet(work / "out_pandas" / f"{name}.parquet"),
            check_exact=True)
    return {"rows_compared": int(len(pandas_rows)), "accounts_compared": len(accounts),
            "equal": True}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--rows-per-account", type=int, default=1000)
    parser.add_argument("--accounts-per-file", type=int, default=50)
    parser.add_argument("--forecast-accounts", type=int, default=20)
    parser.add_argument("--train-accounts", type=int, default=50)
    parser.add_argument("--amount-estimator", default="prior",
                        choices=("prior", "ridge", "lightgbm"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--pandas-accounts", type=int, default=None,
                        help="pandas on the first files holding this many accounts (default: "
                             "all; 0: no pandas run)")
    parser.add_argument("--pandas-memory-limit-gib", type=float, default=14.0)
    parser.add_argument("--malloc-trim-threshold", type=int, default=None,
                        help="the workers' MALLOC_TRIM_THRESHOLD_ (distributed's default: "
                             "65536); default: unset")
    parser.add_argument("--one-pass", action="store_true",
                        help="Dask: read, score and forecast each file in one task (no clean "
                             "table written between the steps; per-file figures written as "
                             "each finishes)")
    parser.add_argument("--run", choices=("pandas", "dask"), help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pandas_accounts is None:
        args.pandas_accounts = args.accounts
    if args.run:  # a child: one engine, its figures on stdout
        print(json.dumps(run(args, Path(args.work))))
        return
    options = list(sys.argv[1:])
    RESULTS.mkdir(exist_ok=True)
    suffix = "_malloc_trim" if args.malloc_trim_threshold is not None else ""
    path = RESULTS / f"accounts_dask_{args.accounts}{suffix}.json"
    work = Path(tempfile.mkdtemp(prefix="accounts_dask_"))
    result = {
        "command": "nice -n 10 .venv/bin/python -m benchmarks.performance.accounts_dask " + " ".join(options),
        "arguments": {k: v for k, v in vars(args).items() if k not in ("run", "work")},
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                    "load_average_at_start": [round(x, 2) for x in os.getloadavg()]},
        "accounts": args.accounts, "forecast_accounts": len(chosen_accounts(args)),
        "runs": {}, "comparison": {"equal": None}, "complete": False}
    try:
        result.update(prepare(args, work))
        print(json.dumps(result), flush=True)
        # Dask first (the figures at every size), then pandas on what it can hold; the file
        # is rewritten after each run, so a run stopped part way keeps what was measured
        for engine in ("dask", "pandas") if args.pandas_accounts else ("dask",):
            command = [sys.executable, "-m", __spec__.name, *options, "--run", engine, "--work", str(work)]
            child = subprocess.run(command, capture_output=True, text=True, check=False)
            stopped = work / "pandas_stopped.json"
            if engine == "pandas" and child.returncode == 3 and stopped.exists():
                result["runs"][engine] = {"engine": engine, "stopped": "memory limit",
                                          "limit_gib": args.pandas_memory_limit_gib,
                                          **json.loads(stopped.read_text())}
            elif child.returncode:
                sys.exit(f"{engine} run failed:\n{child.stderr[-3000:]}")
            else:
                result["runs"][engine] = json.loads(child.stdout.strip().splitlines()[-1])
            print(json.dumps(result["runs"][engine]), flush=True)
            path.write_text(json.dumps(result, indent=2) + "\n")
        if "stopped" not in result["runs"].get("pandas", {"stopped": True}):
            result["comparison"] = compare(work)
        result["complete"] = True
    finally:
        shutil.rmtree(work, ignore_errors=True)
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=1))

if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
