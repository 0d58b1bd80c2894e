"""What the service's rolling history costs (core/rolling.py), in-process.

    nice .venv/bin/python -m benchmarks.performance.rolling_history   # after `make run`

On the history state `make run` trains (``--history``, default
data/06_models/history_state.pkl): the features of one transaction read without recording
(``record: false``; what /predict/category and /predict/amount do) and recorded (what
/predict/anomaly does), each repeated ``--repeat`` times (median wall and CPU ms); a
batch of 1,000 transactions of one account and of 1,000 new accounts, recorded (wall and
CPU s); memory held per
new account (tracemalloc, after a flood of new accounts) and per recorded transaction of
one account, with and without a transaction_id.
Writes ``benchmarks/results/rolling_history.json`` with the load average it ran under.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from titans_finance.core.rolling import RollingHistory, RollingLimits

ROOT = Path(__file__).resolve().parents[2]


def _rows(n: int, accounts: list[str | None], start: str, rng) -> pd.DataFrame:
    days = pd.Timestamp(start) + pd.to_timedelta(np.arange(n) // 20, unit="D")
    return pd.DataFrame({
        "transaction_id": [f"b{i}" for i in range(n)], "date": days,
        "description": [f"SHOP {rng.integers(200)} 0412" for _ in range(n)],
        "amount": -np.round(rng.uniform(1, 300, n), 2), "reference": [None] * n,
        "type": ["expense"] * n, "account": accounts})


def _median_ms(function, repeat: int) -> dict[str, float]:
    """Median wall and CPU milliseconds of ``function(i)`` (CPU: what load disturbs least)."""
    wall, cpu = [], []
    for i in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        function(i)
        wall.append(1000 * (time.perf_counter() - started))
        cpu.append(1000 * (time.process_time() - cpu_started))
    return {"wall_ms": round(statistics.median(wall), 1),
            "cpu_ms": round(statistics.median(cpu), 1)}


def _timed(function) -> dict[str, float]:
    started, cpu_started = time.perf_counter(), time.process_time()
    function()
    return {"wall_s": round(time.perf_counter() - started, 2),
            "cpu_s": round(time.process_time() - cpu_started, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", default=str(ROOT / "data/06_models/history_state.pkl"))
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with open(args.history, "rb") as handle:
        base = pickle.load(handle)
    rng = np.random.default_rng(0)
    start = str((pd.Timestamp(np.datetime64(base.last_day, "D")) + pd.Timedelta(days=1)).date())
    load_before = os.getloadavg()
    cpu_before = time.process_time()

    history = RollingHistory(base)
    one = _rows(args.repeat, [None] * args.repeat, start, rng)
    history.features(one.iloc[[0]], record=False)  # the training part's lookup tables
    read = _median_ms(lambda i: history.features(one.iloc[[i]], record=False), args.repeat)
    recorded = _median_ms(lambda i: history.features(one.iloc[[i]]), args.repeat)

    batch = _rows(1000, [None] * 1000, start, rng)
    one_account = _timed(lambda: RollingHistory(base).features(batch))
    many = _rows(1000, [f"acct-{i}" for i in range(1000)], start, rng)
    many_accounts = _timed(lambda: RollingHistory(base).features(many))

    flood = RollingHistory(base, RollingLimits(max_accounts=100_000))
    tracemalloc.start()
    held_before = tracemalloc.get_traced_memory()[0]
    for k in range(4):
        flood.features(_rows(500, [f"new-{k}-{i}" for i in range(500)], start, rng),
                       transaction_ids=[None] * 500)
    held = tracemalloc.get_traced_memory()[0] - held_before
    # one account's recorded transactions, without and with a transaction_id (whose
    # features are kept for a retry)
    per_transaction = {}
    for with_ids in (False, True):
        busy = RollingHistory(base)
        rows = _rows(1500, ["busy"] * 1500, start, rng)
        ids = [f"id-{i}" for i in range(1500)] if with_ids else None
        busy.features(rows.iloc[:500], transaction_ids=ids and ids[:500])
        before = tracemalloc.get_traced_memory()[0]
        busy.features(rows.iloc[500:], transaction_ids=ids and ids[500:])
        per_transaction["with_id" if with_ids else "without_id"] = int(
            (tracemalloc.get_traced_memory()[0] - before) / 1000)
    tracemalloc.stop()
    result = {
        "command": "nice .venv/bin/python -m benchmarks.performance.rolling_history",
        "history": {"accounts": len(base.accounts), "payees": len(base.merchant),
                    "tail_rows": len(base.tail)},
        "one_transaction_read_median": read,
        "one_transaction_recorded_median": recorded,
        "batch_1000_one_account_recorded": one_account,
        "batch_1000_new_accounts_recorded": many_accounts,
        "memory_per_new_account_with_one_transaction_bytes": int(held / 2000),
        "memory_per_recorded_transaction_in_one_account_bytes": per_transaction,
        "cpu_seconds": round(time.process_time() - cpu_before, 1),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
    out = ROOT / "benchmarks" / "results" / "rolling_history.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
