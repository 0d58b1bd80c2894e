"""Where the service's memory goes (issues 27 and 29: RSS at most 500 MB), stage by stage.

    nice .venv/bin/python -m benchmarks.performance.serving_memory [--bentoml-home DIR]

Needs packaged models (`make run`, or `kedro run --pipeline package` with ``BENTOML_HOME``
set) and the clean table of the default data. Twice, with the settings of `serving_load`
(one key that owns the training history, budgets lifted, a throw-away recorded-history
store), the same requests in stages:

- ``models``: the service started (models loaded, history replayed);
- ``singles``: ``--singles`` distinct transactions to /predict/category and to
  /predict/anomaly (recorded), ``--threads`` at a time;
- ``batches``: batches of ``--batch-size`` in random order (the default account) and as
  many sorted by date, each in an account of its own (`serving_load`'s bodies), 4 at a time;
- ``accounts``: one batch of ``--accounts`` transactions, each in a new account (the e2e
  test's 10,000 accounts).

**Served**: a real `bentoml serve` (one worker), the RSS of its supervisor, of its worker
and of both (what `serving_load` reports) after each stage, ``--batches`` of each kind: at
once (as the last answer arrives) and settled (``SETTLE_SECONDS`` later, once the service
has handed a large batch's freed memory back: `batch_thread.return_freed_memory_soon`).
**In process**: `TitansFinance.to_asgi()` behind Starlette's test client, as
tests/serving/conftest.py runs it, under `tracemalloc` (one frame), ``--traced-batches``
of each kind, with two stages before: ``python`` (the interpreter) and ``import``
(``import titans_finance.serving.service``: what the supervisor imports); after each stage
its RSS, the Python allocations alive, glibc's heap (in use, free but kept), the heavy
packages imported and the sites that grew most; then what each packaged artefact holds
once unpickled. The allocator variables the worker runs with are recorded (the service sets
``MALLOC_ARENA_MAX`` itself; the environment's own win). Results: ``benchmarks/results/serving_memory.json``
and a section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import ctypes
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEY = "benchmark-key-000000"
MiB = 2**20
# packages whose presence in a process says what it pays for (imported or not)
HEAVY = ("pandas", "pyarrow", "numpy", "scipy", "sklearn", "sktime", "skbase", "statsmodels",
         "lightgbm", "plotly", "matplotlib", "kedro", "mlflow", "dask", "distributed",
         "streamlit", "numba", "bentoml", "_bentoml_sdk", "starlette", "sqlite3")
# the service trims 0.2 s after a large batch (`batch_thread.TRIM_DELAY_SECONDS`)
SETTLE_SECONDS = 1.5
ALLOCATOR_VARIABLES = ("MALLOC_ARENA_MAX", "MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_",
                       "ARROW_DEFAULT_MEMORY_POOL", "TITANS_MALLOC_TRIM_AFTER_ROWS")


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def _heap() -> dict[str, float]:
    """glibc's view of the heap (MiB): in use, free but kept by the allocator, mmapped."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _MallInfo2
        info = libc.mallinfo2()
    except (OSError, AttributeError):
        return {}
    return {"heap_in_use_mib": round(info.uordblks / MiB, 1),
            "heap_free_kept_mib": round(info.fordblks / MiB, 1),
            "mmapped_mib": round(info.hblkhd / MiB, 1)}


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


class Stages:
    """The figures after each stage, with the sites that grew since the last (tracemalloc)."""

    def __init__(self):
        self.results: dict[str, dict] = {}
        tracemalloc.start(1)
        self._snapshot = tracemalloc.take_snapshot()

    def record(self, stage: str, started: float, **extra) -> None:
        figures = {"rss_mib": _rss_mib(), **_heap(),
                   "seconds": round(time.perf_counter() - started, 1),
                   "imported": [name for name in HEAVY if name in sys.modules], **extra}
        # the service's allocations, not the tracing's nor this driver's (its request bodies)
        snapshot = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(False, tracemalloc.__file__),
             tracemalloc.Filter(False, str(Path(__file__).parent / "*"))])
        figures["traced_mib"] = round(tracemalloc.get_traced_memory()[0] / MiB, 1)
        figures["top_growth"] = [
            {"site": f"{_short(stat.traceback[0].filename)}:{stat.traceback[0].lineno}",
             "mib": round(stat.size_diff / MiB, 2), "blocks": stat.count_diff}
            for stat in snapshot.compare_to(self._snapshot, "lineno")[:8]]
        self._snapshot = snapshot
        self.results[stage] = figures
        print(f"{stage}: {figures['rss_mib']} MiB RSS", file=sys.stderr, flush=True)


def _short(filename: str) -> str:
    for marker in ("site-packages/", "/src/", "/lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def _environment(home: str, history_db: str, accounts: int) -> dict[str, str]:
    """`serving_load`'s settings (one key owning the training history, budgets lifted),
    with room for ``accounts`` new accounts besides the batches' own."""
    lifted = "100000000"
    return {"BENTOML_HOME": home, "BENTOML_DO_NOT_TRACK": "true", "TITANS_API_KEYS": KEY,
            "TITANS_RATE_LIMIT_PER_SEC": lifted, "TITANS_RATE_LIMIT_BURST": lifted,
            "TITANS_ROW_LIMIT_PER_SEC": lifted, "TITANS_ROW_LIMIT_BURST": lifted,
            "TITANS_DEFAULT_ACCOUNT_OWNER": "key-" + hashlib.sha256(KEY.encode()).hexdigest()[:12],
            "TITANS_HISTORY_DB": history_db, "TITANS_MAX_PENDING_BATCHES": "8",
            "TITANS_MAX_PENDING_BATCHES_PER_TENANT": "4",
            "TITANS_HISTORY_MAX_ACCOUNTS": str(2 * accounts)}


def _artefact_sizes() -> dict[str, float]:
    """MiB that each packaged artefact holds once unpickled (tracemalloc, loaded alone)."""
    import bentoml

    from titans_finance.registry.store import Manifest, load
    from titans_finance.serving.served_models import manifest_path

    manifest, sizes = Manifest.read(manifest_path()), {}
    for name, tag in manifest.tags.items():
        before = tracemalloc.get_traced_memory()[0]
        artefact = load(bentoml.models.get(tag).path, manifest.sha256[name])
        sizes[name] = round((tracemalloc.get_traced_memory()[0] - before) / MiB, 1)
        del artefact
    return sizes


class Driver:
    """The service's HTTP interface: in this process (`TitansFinance.to_asgi()` behind
    Starlette's test client) or a real server's URL; requests sent by ``threads`` at once."""

    def __init__(self, client, threads: int = 1):
        self.client, self.threads = client, threads

    def post(self, path: str, bodies: list[dict], threads: int | None = None) -> None:
        from concurrent.futures import ThreadPoolExecutor

        def send(body: dict) -> None:
            answer = self.client.post(path, json=body)
            if answer.status_code != 200:
                raise SystemExit(f"{path}: {answer.status_code} {answer.text[:300]}")

        with ThreadPoolExecutor(threads or self.threads) as pool:
            list(pool.map(send, bodies))

    def history(self) -> dict:
        return self.client.get("/models").json()["rolling_history"]


def run_stages(driver: Driver, record, args: argparse.Namespace) -> None:
    """The requests of each stage after ``models``, ``record(stage, started, **extra)``
    after each (the service's own threads score them: one micro-batcher, one batch
    thread; ``--threads`` connections send single requests, 4 send batches, as in
    `serving_load`)."""
    from benchmarks.performance.serving_load import _transactions

    singles = _transactions(args.singles, seed=1)
    batch_rows = _transactions(4 * args.batch_size, seed=2)
    started = time.perf_counter()
    for endpoint in ("/predict/category", "/predict/anomaly"):
        driver.post(endpoint, singles)
    record("singles", started, requests=2 * len(singles))

    started, size = time.perf_counter(), args.batch_size
    batches = []
    for i in range(args.batches):
        first = (i * size) % len(batch_rows)
        rows = (batch_rows + batch_rows)[first:first + size]
        batches.append({"transactions": rows})
        batches.append({"transactions": [{**row, "account": f"memory-{i}"}
                                         for row in sorted(rows, key=lambda r: r["date"])]})
    driver.post("/predict/batch", batches, threads=4)
    record("batches", started, transactions=2 * args.batches * size,
           rolling_history=driver.history())

    started = time.perf_counter()
    row = {"description": "CORNER BOOKSHOP 0412", "amount": -23.45, "date": "2026-01-05",
           "merchant": "Corner Bookshop", "payment_method": "debit_card"}
    driver.post("/predict/batch", [{"transactions": [{**row, "account": f"rss-{i}"}
                                                     for i in range(args.accounts)]}])
    record("accounts", started, rolling_history=driver.history())


def in_process(args: argparse.Namespace) -> dict:
    """The stages in this process under `tracemalloc` (started by `main` with the
    service's environment)."""
    stages = Stages()
    started = time.perf_counter()
    stages.record("python", started)
    started = time.perf_counter()
    import titans_finance.serving.service as service  # first: it sets Arrow's allocator
    stages.record("import", started)

    from starlette.testclient import TestClient

    started = time.perf_counter()
    http = TestClient(service.TitansFinance.to_asgi(), base_url="http://127.0.0.1",
                      client=("127.0.0.1", 50000),
                      headers={"Authorization": f"Bearer {KEY}"})
    http.__enter__()
    stages.record("models", started)
    run_stages(Driver(http), stages.record, args)
    sizes = _artefact_sizes()
    http.__exit__(None, None, None)
    return {"stages": stages.results, "artefacts_mib": sizes}


def _tree_rss(process) -> dict[str, float]:
    """RSS of `bentoml serve`'s supervisor, of its worker and of the whole tree (MiB)."""
    import psutil

    tree = [process, *process.children(recursive=True)]
    rss = {p.pid: p.memory_info().rss / MiB for p in tree if p.is_running()}
    workers = [p.pid for p in tree if "_bentoml_impl.worker" in " ".join(p.cmdline())]
    return {"supervisor_rss_mib": round(rss[process.pid], 1),
            "worker_rss_mib": round(sum(rss[pid] for pid in workers), 1),
            "total_rss_mib": round(sum(rss.values()), 1)}


def _worker_allocator(process) -> dict[str, str]:
    """The allocator variables the worker runs with (the service sets some itself)."""
    found = {}
    for child in process.children(recursive=True):
        if "_bentoml_impl.worker" in " ".join(child.cmdline()):
            found = {k: v for k, v in child.environ().items() if k in ALLOCATOR_VARIABLES}
    return found


def served(args: argparse.Namespace, env: dict[str, str]) -> dict:
    """The stages against a real `bentoml serve` (one worker), RSS of its processes."""
    import httpx
    import psutil

    from benchmarks.performance.serving_load import _serve

    process, url = _serve("titans_finance.serving.service:TitansFinance", ROOT, env)
    results: dict[str, dict] = {}
    try:
        root = psutil.Process(process.pid)

        def record(stage: str, started: float, **extra) -> None:
            results[stage] = {**_tree_rss(root),
                              "seconds": round(time.perf_counter() - started, 1), **extra}
            time.sleep(SETTLE_SECONDS)
            results[stage]["settled"] = _tree_rss(root)
            print(f"served {stage}: {results[stage]}", file=sys.stderr, flush=True)

        record("models", time.perf_counter())
        results["models"]["worker_allocator"] = _worker_allocator(root)
        with httpx.Client(base_url=url, timeout=300,
                          headers={"Authorization": f"Bearer {KEY}"}) as client:
            run_stages(Driver(client, args.threads), record, args)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
    return results


def _environment_for_run(args: argparse.Namespace) -> dict[str, str]:
    folder = Path(tempfile.mkdtemp(prefix="serving-memory-"))
    return {**os.environ, **_environment(args.bentoml_home, str(folder / "history.sqlite3"),
                                         args.accounts),
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}


def _in_a_child(args: argparse.Namespace) -> dict:
    command = [sys.executable, "-m", "benchmarks.performance.serving_memory", "--child",
               "--singles", str(args.singles), "--batches", str(args.traced_batches),
               "--batch-size", str(args.batch_size), "--accounts", str(args.accounts)]
    out = subprocess.run(command, cwd=ROOT, env=_environment_for_run(args),
                         stdout=subprocess.PIPE, check=True, text=True).stdout
    return json.loads(out)


def _import_times(top: int = 10) -> list[dict]:
    """Where ``import titans_finance.serving.service`` spends its time: each top-level
    package's own import time (``python -X importtime``, milliseconds)."""
    err = subprocess.run([sys.executable, "-X", "importtime", "-c",
                          "import titans_finance.serving.service"], cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
                         capture_output=True, text=True, check=True).stderr
    packages: dict[str, int] = {}
    for line in err.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[0].strip().isdigit():
            package = parts[2].strip().split(".")[0]
            packages[package] = packages.get(package, 0) + int(parts[0])
    ranked = sorted(packages.items(), key=lambda item: -item[1])[:top]
    return [{"package": name, "ms": round(us / 1000, 1)} for name, us in ranked]


def _section(results: dict, command: str) -> str:
    real, traced = results["served"], results["in_process"]["stages"]
    settled = {stage: figures.get("settled", {}) for stage, figures in real.items()}
    rows = [f"| {stage} | {real[stage]['supervisor_rss_mib'] if stage in real else ''} | "
            f"{real[stage]['worker_rss_mib'] if stage in real else ''} | "
            f"{real[stage]['total_rss_mib'] if stage in real else ''} | "
            f"{settled.get(stage, {}).get('total_rss_mib', '')} | "
            f"{figures['rss_mib']} | {figures['traced_mib']} | "
            f"{figures.get('heap_in_use_mib', '')} / {figures.get('heap_free_kept_mib', '')} | "
            f"{', '.join(n for n in ('pandas', 'sklearn', 'sktime') if n in figures['imported']) or '-'} |"
            for stage, figures in traced.items()]
    growth = [f"- {stage}: " + "; ".join(f"`{site['site']}` {site['mib']:+}"
                                         for site in traced[stage]["top_growth"][:4])
              for stage in ("import", "models", "batches", "accounts")]
    artefacts = ", ".join(f"{name} {mib}" for name, mib in
                          results["in_process"]["artefacts_mib"].items())
    allocator = ", ".join(f"{k}={v}" for k, v in
                          real["models"].get("worker_allocator", {}).items()) or "glibc defaults"
    history = real["accounts"]["rolling_history"]
    return "\n".join([
        f"Measured {results['machine']['date']} on {results['machine']['cores']} cores; load "
        f"average {results['load_average']}; the worker's allocator variables: {allocator}; "
        f"command: "
        f"`{command}`. Served: a real `bentoml serve` (one worker) driven over HTTP, RSS as "
        f"the stage's last answer arrives and {SETTLE_SECONDS} s later (settled); in "
        "process: `TitansFinance.to_asgi()` under `tracemalloc` (its RSS includes the "
        f"tracing's own memory), {results['traced_batches']} batches of each kind instead of "
        f"{results['batches']}. At the end the history held {history['accounts']:,} accounts "
        f"and {history['transactions']:,} transactions.", "",
        "| after | supervisor RSS | worker RSS | total RSS | total RSS settled | in process: "
        "RSS | Python allocations | glibc heap in use / free kept | imported |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|", *rows, "",
        f"Unpickled artefacts (MiB, tracemalloc): {artefacts}. Sites that grew most "
        "(MiB, tracemalloc):", *growth, "",
        "Import time of the service module by package (ms, `python -X importtime`): "
        + ", ".join(f"{p['package']} {p['ms']}" for p in results["import_ms"]) + "."])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bentoml-home", default=os.environ.get(
        "BENTOML_HOME", str(Path.home() / "bentoml")))
    parser.add_argument("--singles", type=int, default=500)
    parser.add_argument("--threads", type=int, default=8,
                        help="connections sending the single requests to the real server")
    parser.add_argument("--batches", type=int, default=110,
                        help="batches of each kind (the default fills the history's "
                             "100,000-transaction bound, as the load benchmark does)")
    parser.add_argument("--traced-batches", type=int, default=10,
                        help="batches of each kind in the traced in-process run")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(in_process(args)))
        return
    from benchmarks.performance.run_benchmarks import RESULTS, load_average, machine, \
        write_section

    results = {"served": served(args, _environment_for_run(args)),
               "in_process": _in_a_child(args), "import_ms": _import_times(),
               "batches": args.batches, "traced_batches": args.traced_batches,
               "allocator": {k: os.environ[k] for k in ALLOCATOR_VARIABLES if k in os.environ},
               "machine": machine(), "load_average": load_average()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "serving_memory.json").write_text(json.dumps(results, indent=2) + "\n")
    command = "python -m benchmarks.performance.serving_memory"
    write_section("serving_memory", _section(results, command))
    print(json.dumps({stage: [figures["total_rss_mib"], figures["settled"]["total_rss_mib"]]
                      for stage, figures in results["served"].items()}, indent=2))


if __name__ == "__main__":
    main()
