"""Where a `/predict/batch` request's CPU goes, end to end, in-process through the ASGI app.

    .venv/bin/python -m benchmarks.performance.serving_batch_profile --bentoml-home ~/bentoml \
        [--repeats 5] [--cycle 0] [--label before] [--top 0]

Needs the packaged models of `make run` (the BentoML store and the manifest
data/08_reporting/packaged_models.json). Starts the service's ASGI app in this process
(BentoML's own request parsing and its input model, the security middleware, the batch
thread: everything `bentoml serve` runs but the socket and the HTTP parser), sends
batches of 1,000 distinct transactions of the default data and profiles every thread that
works on them: each stage's function timed by the CPU clock of the thread that calls it;
``--top N`` adds a cProfile of the batch thread, its N costliest functions). Four cases:
rows in random order or sorted by date, into a fresh account per request or into one
account that already holds recorded rows (random order: the default
account, where every row is late). Per stage: the CPU milliseconds (median over
``--repeats`` requests) of the functions named in `STAGES`; "total" is the process's CPU
time for the request (`time.process_time`). ``--cycle N``: the requests cycle through N
distinct batches, each sent once before the measure (as `serving_load` cycles 4: the
service's memos of request text know every line then; the accounts are still new per
request in the "fresh" cases); 0 (default): every request a batch of its own. Writes
benchmarks/results/serving_batch_profile.json and the table between the ``bench:serving_batch_profile`` markers of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import os
import pstats
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
from benchmarks.performance.run_benchmarks import RESULTS, machine, write_section  # noqa: E402
from benchmarks.performance.serving_load import KEY, _transactions  # noqa: E402

# stage → (module, attribute) of the function whose CPU it is (summed over its calls):
# the service's own names, wrapped with a timer on the thread that calls them
STAGES = {
    "request body read (security middleware)": ("titans_finance.serving.security",
                                                "read_body"),
    "BentoML input model (JSON parse, list check)": ("_bentoml_impl.serde",
                                                     "JSONSerde.deserialize_model"),
    # item by item (`validated_transactions`), or column by column into the request frame
    # (`validated_rows`, serving/batch_rows.py, since issue 29's batch work)
    "items validated": ("titans_finance.serving.service",
                        "validated_transactions,validated_rows"),
    "request frame": ("titans_finance.serving.service", "transactions_frame"),
    "history walk (read + record)": ("titans_finance.core.rolling",
                                     "RollingHistory._walk_all"),
    "features (vectorised)": ("titans_finance.core.rolling", "build_features"),
    "history + features, in all": ("titans_finance.serving.tenant_history",
                                   "TenantHistories.features"),
    "of which recorded rows stored (SQLite)": ("titans_finance.serving.tenant_history",
                                               "TenantHistories._persist"),
    "category": ("titans_finance.serving.service", "TRANSACTION_SCORERS[category]"),
    "amount": ("titans_finance.serving.service", "TRANSACTION_SCORERS[amount]"),
    "anomaly": ("titans_finance.serving.service", "TRANSACTION_SCORERS[anomaly]"),
    "corrections applied": ("titans_finance.serving.corrections_live", "LiveCorrections.apply"),
    "result objects": ("titans_finance.serving.service",
                       "category_items,amount_items,anomaly_items"),
    "json answer": ("titans_finance.serving.service", "json_answer"),
    "batch thread, in all": ("titans_finance.serving.service",
                             "TitansFinanceService._score_batch"),
}
CASES = ("random order, fresh account", "date order, fresh account",
         "random order, default account (rows late)", "date order, existing account")


def _app(bentoml_home: str):
    env = {"BENTOML_HOME": bentoml_home, "BENTOML_DO_NOT_TRACK": "true",
           "TITANS_API_KEYS": KEY, "TITANS_RATE_LIMIT_PER_SEC": "1000000",
           "TITANS_RATE_LIMIT_BURST": "1000000", "TITANS_ROW_LIMIT_PER_SEC": "100000000",
           "TITANS_ROW_LIMIT_BURST": "100000000",
           "TITANS_DEFAULT_ACCOUNT_OWNER": "key-" + hashlib.sha256(KEY.encode()).hexdigest()[:12],
           "TITANS_HISTORY_DB": str(Path(tempfile.mkdtemp()) / "history.sqlite3"),
           "TITANS_CORRECTIONS_PATH": str(Path(tempfile.mkdtemp()) / "corrections.csv")}
    os.environ.update(env)
    os.chdir(ROOT)
    from starlette.testclient import TestClient

    from titans_finance.serving.service import TitansFinance

    client = TestClient(TitansFinance.to_asgi(), base_url="http://127.0.0.1",
                        client=("127.0.0.1", 50000))
    client.__enter__()
    return client


_SPENT: dict[str, float] = {}


def _timed(stage: str, func):
    """``func``, adding the CPU time of its calling thread during each call to `_SPENT`
    (a call within another of the same stage is not counted twice)."""
    import functools
    import inspect

    active = set()

    if inspect.iscoroutinefunction(func):  # a coroutine: its thread's CPU while it runs
        @functools.wraps(func)
        async def wrapped(*args, **kwargs):
            start = time.thread_time()
            try:
                return await func(*args, **kwargs)
            finally:  # read_body awaits the body: the loop's other work is tiny here
                _SPENT[stage] = _SPENT.get(stage, 0.0) + time.thread_time() - start
        return wrapped

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        import threading

        me = threading.get_ident()
        if me in active:
            return func(*args, **kwargs)
        active.add(me)
        start = time.thread_time()
        try:
            return func(*args, **kwargs)
        finally:
            active.discard(me)
            _SPENT[stage] = _SPENT.get(stage, 0.0) + time.thread_time() - start
    return wrapped


def _instrument() -> None:
    """Every stage's functions wrapped (a name the code being measured does not have, an
    earlier or later version's, is skipped)."""
    import importlib

    for stage, (module_name, names) in STAGES.items():
        module = importlib.import_module(module_name)
        for name in names.split(","):
            if name.startswith("TRANSACTION_SCORERS["):
                table, key = module.TRANSACTION_SCORERS, name[len("TRANSACTION_SCORERS["):-1]
                table[key] = _timed(stage, table[key])
                continue
            owner, _, attribute = name.rpartition(".")
            target = getattr(module, owner) if owner else module
            if hasattr(target, attribute):
                setattr(target, attribute, _timed(stage, getattr(target, attribute)))


def _bodies(batches: list[list[dict]], case: str, run: str) -> list[bytes]:
    out = []
    for i, items in enumerate(batches):
        rows = sorted(items, key=lambda t: t["date"]) if case.startswith("date") else items
        if "fresh" in case:  # an account no earlier request (of any case) named
            rows = [{**t, "account": f"profile-{run}-{CASES.index(case)}-{i}"} for t in rows]
        elif "existing" in case:  # one account for every request of the case
            rows = [{**t, "account": f"profile-{run}-existing"} for t in rows]
        out.append(json.dumps({"transactions": rows}).encode())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bentoml-home", default=os.environ.get(
        "BENTOML_HOME", str(Path.home() / "bentoml")))
    parser.add_argument("--repeats", type=int, default=5, help="batches of 1,000 per case")
    parser.add_argument("--cycle", type=int, default=0,
                        help="requests cycle through this many distinct batches (0: none)")
    parser.add_argument("--label", default="", help="stored in the results file")
    parser.add_argument("--sort", default="tottime", help="the order of --top (pstats)")
    parser.add_argument("--top", type=int, default=0,
                        help="also print each case's N costliest functions (own CPU)")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    client = _app(args.bentoml_home)
    _instrument()
    from titans_finance.serving.batch_thread import BULK_EXECUTOR

    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    distinct = args.cycle or args.repeats
    batches = [_transactions(1000, seed=10 + i) for i in range(distinct + 1)]
    run = str(int(time.time()))
    for warm in _bodies(batches[:1] + (batches[1:] if args.cycle else []), CASES[0],
                        run + "-warm"):  # (cycling: every batch seen once before)
        assert client.post("/predict/batch", content=warm, headers=headers).status_code == 200
    measured = [batches[1 + i % distinct] for i in range(args.repeats)]
    result = {"machine": machine(), "label": args.label, "wall_ms": {}, "cpu_ms": {},
              "stages_cpu_ms": {}}
    for case in CASES:
        runs, walls, cpus = [], [], []
        for body in _bodies(measured, case, run):
            profile = cProfile.Profile(time.thread_time) if args.top else None
            if profile:  # the batch thread's functions (the rest is in the stages)
                BULK_EXECUTOR.submit(profile.enable).result()
            _SPENT.clear()
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.post("/predict/batch", content=body, headers=headers)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            if response.status_code != 200:
                raise SystemExit(f"{case}: {response.status_code} {response.text[:300]}")
            runs.append({stage: _SPENT.get(stage, 0.0) * 1e3 for stage in STAGES})
            walls.append(wall * 1e3)
            cpus.append(cpu * 1e3)
            if profile:
                BULK_EXECUTOR.submit(profile.disable).result()
                print(f"\n=== {case}")
                pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)
        result["wall_ms"][case] = round(statistics.median(walls), 1)
        result["cpu_ms"][case] = round(statistics.median(cpus), 1)
        result["stages_cpu_ms"][case] = {
            stage: round(statistics.median(r[stage] for r in runs), 1) for stage in STAGES}
    result["load_average_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    client.__exit__(None, None, None)
    # one results file, the latest run (a label names its docs section: history in docs)
    suffix = f"_{args.label}" if args.label else ""
    (RESULTS / "serving_batch_profile.json").write_text(
        json.dumps(result, indent=2) + "\n")
    header = "| stage | " + " | ".join(CASES) + " |\n|---|" + "---:|" * len(CASES) + "\n"
    rows = [f"| {stage} | " + " | ".join(f"{result['stages_cpu_ms'][c][stage]:.1f}"
                                         for c in CASES) + " |" for stage in STAGES]
    rows.append("| **request, process CPU** | " + " | ".join(
        f"**{result['cpu_ms'][c]:.1f}**" for c in CASES) + " |")
    rows.append("| request, wall | " + " | ".join(f"{result['wall_ms'][c]:.1f}"
                                                  for c in CASES) + " |")
    m = result["machine"]
    write_section(f"serving_batch_profile{suffix}", (
        f"Measured {m['date']} on {m['cores']} cores ({m['cpu']}); command: "
        f"`.venv/bin/python -m benchmarks.performance.serving_batch_profile --repeats "
        f"{args.repeats}{f' --cycle {args.cycle}' if args.cycle else ''}"
        f"{' --label ' + args.label if args.label else ''}` (packaged models "
        "of `make run`; in-process through the service's ASGI app: BentoML's input parsing, "
        "the security middleware, the batch thread; batches of 1,000 distinct transactions "
        "of the default data"
        + (f", the requests cycling through {args.cycle} batches each sent once before"
           if args.cycle else "") + "). Load average "
        f"{result['load_average_1min'][0]:g} before, {result['load_average_1min'][1]:g} "
        "after. CPU ms per request (median), per stage: the CPU time of the thread that ran "
        "the stage's function, during its calls (the history walk, the vectorised features "
        "and the SQLite row are parts of \"history + features, in all\"; \"batch thread, "
        "in all\" holds every stage from the validation on); the last rows: the whole "
        "process's CPU time and the wall time of the request.\n\n" + header + "\n".join(rows)))
    print(json.dumps({k: result[k] for k in ("cpu_ms", "wall_ms", "stages_cpu_ms")}, indent=2))


if __name__ == "__main__":
    main()
