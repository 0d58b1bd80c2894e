"""Fair work between tenants (issue 27): one key floods, another key's requests still answer.

    .venv/bin/python -m benchmarks.performance.serving_tenants_flood --bentoml-home ~/bentoml \
        [--duration 25] [--connections 3] [--batch-size 1000] [--rate 5] [--accounts 10000]

Needs trained models (`make run`: the BentoML store and data/03_primary's clean table;
``--manifest`` / ``--clean`` point at another checkout's). Serves the service on loopback
(one worker) with two keys of two tenants, A and B (B owns the training history), every
per-key budget lifted (the flood is limited by the server's work only, the worst case for
B). Then, while key B sends one ``/predict/category`` request every 1/``--rate`` s and
its latency is recorded:

1. ``alone``: nothing else (B's baseline);
2. ``flood``: key A posts ``/predict/batch`` from ``--connections`` connections back to
   back for ``--duration`` s, each batch ``--batch-size`` rows of the clean table sorted by
   date in an account of its own (A's throughput: rows answered per second);
3. ``reverse_batch``: key A sends one batch of 2,000 rows of one account in reverse date
   order (each row dated before the account's latest day: the slow path).

Finally key A records one batch of ``--accounts`` new account names (on top of the
flood's, one account per batch) and the worker's RSS is read (issue 27: under 500 MB with
10,000 accounts recorded). Results: benchmarks/results/serving_tenants_flood.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[2]
from benchmarks.performance.run_benchmarks import RESULTS, machine  # noqa: E402
from benchmarks.performance.serving_load import _serve  # noqa: E402

KEY_A = "tenants-flood-key-a-0123456789"
KEY_B = "tenants-flood-key-b-0123456789"
ACCOUNT = "__ACCOUNT__"
REVERSE_ROWS = 2_000


def sorted_batches(clean: Path, size: int, count: int = 4) -> list[bytes]:
    """``count`` request bodies of ``size`` distinct rows of the clean table, each sorted by
    date, their account a placeholder (`ACCOUNT`) replaced per request."""
    import pandas as pd

    if not clean.exists():
        raise SystemExit(f"{clean} is missing: run `make run` first (or pass --clean)")
    table = pd.read_parquet(clean)
    bodies = []
    for seed in range(count):
        rows = table.sample(size, random_state=seed, replace=len(table) < size)
        rows = rows.sort_values("date", kind="stable")
        bodies.append(json.dumps({"transactions": [
            {"description": r.description, "amount": float(r.amount),
             "date": str(r.date.date()), "type": r.type,
             "payment_method": None if pd.isna(r.payment_method) else r.payment_method,
             "merchant": None if pd.isna(r.reference) else r.reference, "account": ACCOUNT}
            for r in rows.itertuples()]}).encode())
    return bodies


def reverse_batch(account: str, rows: int = REVERSE_ROWS, per_day: int = 10) -> dict:
    """``rows`` charges of one account, newest first (``per_day`` a day)."""
    start = dt.date(2026, 1, 1)
    return {"transactions": [
        {"description": f"SHOP {i % 60}", "merchant": f"Shop {i % 60}",
         "amount": -1.0 - (i * 7) % 97, "account": account, "payment_method": "debit_card",
         "date": (start + dt.timedelta(days=(rows - i) // per_day)).isoformat()}
        for i in range(rows)]}


class SteadyProbe(threading.Thread):
    """``key``'s ``/predict/category``, one request every ``1 / rate`` s (open loop: a late
    answer does not delay the next send's schedule); latencies in seconds, per phase."""

    def __init__(self, url: str, key: str, rate: float):
        super().__init__(daemon=True)
        self.url, self.key, self.interval = url, key, 1.0 / rate
        self.phase = "alone"
        self.latencies: dict[str, list[float]] = {}
        self.statuses: dict[str, dict[int, int]] = {}
        self.stopped = threading.Event()

    def run(self) -> None:
        body = {"description": "CORNER BOOKSHOP 0412", "amount": -23.45,
                "date": "2026-01-05", "merchant": "Corner Bookshop",
                "payment_method": "debit_card"}
        with httpx.Client(base_url=self.url, timeout=120,
                          headers={"Authorization": f"Bearer {self.key}"}) as http:
            due = time.monotonic()
            while not self.stopped.is_set():
                phase, started = self.phase, time.monotonic()
                status = http.post("/predict/category", json=body).status_code
                self.latencies.setdefault(phase, []).append(time.monotonic() - started)
                counts = self.statuses.setdefault(phase, {})
                counts[status] = counts.get(status, 0) + 1
                due += self.interval
                self.stopped.wait(max(0.0, due - time.monotonic()))


def summary(latencies: list[float]) -> dict:
    if not latencies:
        return {"requests": 0}
    ordered = sorted(latencies)

    def pct(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e3, 1)

    return {"requests": len(ordered), "p50_ms": round(statistics.median(ordered) * 1e3, 1),
            "p90_ms": pct(0.90), "p99_ms": pct(0.99), "max_ms": round(ordered[-1] * 1e3, 1)}


def flood(url: str, key: str, bodies: list[bytes], connections: int, seconds: float) -> dict:
    """``key``'s batches (`sorted_batches`, each in an account of its own) from
    ``connections`` connections, back to back, for ``seconds``."""
    answered, statuses, seconds_each, lock = [0], {}, [], threading.Lock()
    until = time.monotonic() + seconds

    def sender(index: int) -> None:
        with httpx.Client(base_url=url, timeout=120, headers={
                "Authorization": f"Bearer {key}",
                "Content-Type": "application/json"}) as http:
            count = 0
            while time.monotonic() < until:
                body = bodies[count % len(bodies)]
                account = f"flood-{index}-{count}".encode()
                sent = time.monotonic()
                answer = http.post("/predict/batch", content=body.replace(
                    ACCOUNT.encode(), account))
                count += 1
                with lock:
                    seconds_each.append(time.monotonic() - sent)
                    statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
                    if answer.status_code == 200:
                        answered[0] += len(answer.json()["results"])

    started = time.monotonic()
    threads = [threading.Thread(target=sender, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {"seconds": round(elapsed, 1), "rows_answered": answered[0],
            "rows_per_s": round(answered[0] / elapsed, 1), "statuses": statuses,
            "batch_seconds": summary(seconds_each)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bentoml-home", default=os.environ.get("BENTOML_HOME",
                                                                 str(Path.home() / "bentoml")))
    parser.add_argument("--manifest", help="the packaged-models manifest (TITANS_PACKAGED_MODELS)")
    parser.add_argument("--clean", default=str(ROOT / "data/03_primary/clean_transactions.parquet"))
    parser.add_argument("--duration", type=float, default=25.0)
    parser.add_argument("--connections", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=5.0, help="key B's requests per second")
    parser.add_argument("--accounts", type=int, default=10_000)
    args = parser.parse_args()
    load_before = os.getloadavg()
    bodies = sorted_batches(Path(args.clean), args.batch_size)
    lifted = "100000000"
    env = {**os.environ, "BENTOML_HOME": args.bentoml_home, "BENTOML_DO_NOT_TRACK": "true",
           "TITANS_API_KEYS": f"{KEY_A},{KEY_B}", "TITANS_RATE_LIMIT_PER_SEC": lifted,
           "TITANS_RATE_LIMIT_BURST": lifted, "TITANS_ROW_LIMIT_PER_SEC": lifted,
           "TITANS_ROW_LIMIT_BURST": lifted,
           "TITANS_MAX_PENDING_BATCHES": str(args.connections + 1),
           # every connection of A's admitted: the flood measures fair work, not the slot cap
           "TITANS_MAX_PENDING_BATCHES_PER_TENANT": str(args.connections),
           # room for the flood's accounts and the RSS step's: nothing forgotten
           "TITANS_HISTORY_MAX_ACCOUNTS": str(2 * args.accounts + 10_000),
           "TITANS_HISTORY_DB": str(Path(tempfile.mkdtemp()) / "history.sqlite3")}
    from titans_finance.serving.security import key_id

    env["TITANS_DEFAULT_ACCOUNT_OWNER"] = key_id(KEY_B)
    if args.manifest:
        env["TITANS_PACKAGED_MODELS"] = args.manifest
    server, url = _serve("titans_finance.serving.service:TitansFinance", ROOT, env)
    results: dict = {}
    try:
        worker = max(psutil.Process(server.pid).children(recursive=True),
                     key=lambda p: p.memory_info().rss)
        rss_at_start = worker.memory_info().rss
        probe = SteadyProbe(url, KEY_B, args.rate)
        probe.start()
        time.sleep(5)
        probe.phase = "flood"
        results["flood_a"] = flood(url, KEY_A, bodies, args.connections, args.duration)
        probe.phase = "after_flood"
        time.sleep(2)
        probe.phase = "reverse_batch"
        started = time.monotonic()
        with httpx.Client(base_url=url, timeout=300,
                          headers={"Authorization": f"Bearer {KEY_A}"}) as http:
            status = http.post("/predict/batch", json=reverse_batch("reverse-1")).status_code
        results["reverse_batch_a"] = {"rows": REVERSE_ROWS, "status": status,
                                      "seconds": round(time.monotonic() - started, 2)}
        probe.phase = "done"
        time.sleep(1)
        probe.stopped.set()
        probe.join()
        results["category_b"] = {phase: {**summary(probe.latencies.get(phase, [])),
                                         "statuses": probe.statuses.get(phase, {})}
                                 for phase in ("alone", "flood", "reverse_batch")}
        results["rss"] = {"worker_rss_at_start_mib": round(rss_at_start / 2**20, 1),
                          **recorded_accounts_rss(url, worker, args.accounts)}
    finally:
        for process in psutil.Process(server.pid).children(recursive=True):
            process.send_signal(signal.SIGTERM)
        os.killpg(server.pid, signal.SIGTERM)
    results.update({
        "settings": {"duration_s": args.duration, "connections": args.connections,
                     "batch_size": args.batch_size, "category_rate_per_s": args.rate},
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "machine": machine(),
        "command": "python -m benchmarks.performance.serving_tenants_flood "
                   + " ".join(sys.argv[1:])})
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "serving_tenants_flood.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


def recorded_accounts_rss(url: str, worker: psutil.Process, accounts: int) -> dict:
    """The worker's RSS before and after key A records one batch of ``accounts`` new
    account names (on top of the flood's), and the counts ``/models`` shows each tenant."""
    before = worker.memory_info().rss
    row = {"description": "CORNER BOOKSHOP 0412", "amount": -23.45, "date": "2026-01-05",
           "merchant": "Corner Bookshop", "payment_method": "debit_card"}
    with httpx.Client(base_url=url, timeout=300,
                      headers={"Authorization": f"Bearer {KEY_A}"}) as http:
        answer = http.post("/predict/batch", json={"transactions": [
            {**row, "account": f"rss-{i}"} for i in range(accounts)]})
        answer.raise_for_status()
    counts = {}
    for name, key in (("a", KEY_A), ("b", KEY_B)):
        with httpx.Client(base_url=url, timeout=60,
                          headers={"Authorization": f"Bearer {key}"}) as http:
            counts[name] = http.get("/models").json()["rolling_history"]
    after = worker.memory_info().rss
    return {"accounts_in_one_batch": accounts,
            "worker_rss_before_mib": round(before / 2**20, 1),
            "worker_rss_after_mib": round(after / 2**20, 1),
            "worker_rss_after_mb": round(after / 1e6, 1),
            "rolling_history": counts}

if __name__ == "__main__":
    main()
