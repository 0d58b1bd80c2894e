"""What the history side of a `/predict/batch` request costs, in-process, per stage.

    nice .venv/bin/python -m benchmarks.performance.history_batch_profile [--repeats 5]

The service's `TenantHistories.features` (serving/tenant_history.py: the rolling history
walk, the vectorised features, the recorded rows written to a SQLite store in a temporary
folder) on batches of 1,000 distinct transactions of the default data made into frames as
the service makes them (`request_frame.transactions_frame`), without the models or the
HTTP layer: the part of `serving_batch_profile` that issue 29's history work changes, in a
few seconds and without a BentoML store. On the history state `make run` trains
(``--history``); the service's memos of request text bound as it bounds them. The four
cases of `serving_batch_profile` (random order or date order into a new account per batch,
random order into the default account where every row is late, date order into one
account that already holds the earlier batches), each run ``--repeats`` times on fresh
histories: CPU ms per batch of the thread (median), per stage. Prints the table and writes
benchmarks/results/history_batch_profile.json with the load average it ran under.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import pickle
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# the same per-thread CPU timer as the end-to-end profile (a nested call counted once)
from benchmarks.performance.serving_batch_profile import _SPENT, _timed  # noqa: E402

# stage → (module, attribute): the function whose thread CPU time is the stage's
STAGES = {
    "history + features, in all": ("titans_finance.serving.tenant_history",
                                   "TenantHistories.features"),
    "row arrays": ("titans_finance.core.rolling", "row_arrays"),
    "history walk (read + record)": ("titans_finance.core.rolling", "RollingHistory._walk_all"),
    "features (vectorised)": ("titans_finance.core.rolling", "build_features"),
    "recorded rows stored": ("titans_finance.serving.tenant_history",
                             "TenantHistories._persist"),
    # the SQLite write (`_append`; before it existed, `append`: the first name present)
    "of which SQLite": ("titans_finance.serving.history_store",
                        "RecordedHistoryStore._append,RecordedHistoryStore.append"),
}
CASES = ("random order, fresh account", "date order, fresh account",
         "random order, default account (rows late)", "date order, existing account")
def _instrument() -> None:
    for stage, (module_name, names) in STAGES.items():
        module = importlib.import_module(module_name)
        for name in names.split(","):
            owner_name, _, attribute = name.rpartition(".")
            owner = getattr(module, owner_name) if owner_name else module
            if hasattr(owner, attribute):
                setattr(owner, attribute, _timed(stage, getattr(owner, attribute)))
                break


def _frames(batches: list[list[dict]], case: str) -> list:
    from titans_finance.serving.request_frame import transactions_frame
    from titans_finance.serving.schemas import Transaction

    frames = []
    for i, items in enumerate(batches):
        rows = sorted(items, key=lambda t: t["date"]) if case.startswith("date") else items
        account = (f"fresh-{CASES.index(case)}-{i}" if "fresh" in case
                   else "existing" if "existing" in case else None)
        frames.append(transactions_frame([Transaction.model_construct(
            **{**t, "date": dt.date.fromisoformat(t["date"])}, account=account, record=True)
            for t in rows]))
    return frames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", default=str(ROOT / "data/06_models/history_state.pkl"))
    parser.add_argument("--repeats", type=int, default=5, help="fresh histories per case")
    parser.add_argument("--batches", type=int, default=4, help="batches of 1,000 per run")
    args = parser.parse_args()
    from benchmarks.performance.serving_load import _transactions
    from titans_finance.core.rolling import RollingLimits
    from titans_finance.serving.history_store import RecordedHistoryStore
    from titans_finance.serving.served_models import bound_text_memos
    from titans_finance.serving.settings import DEFAULT_TEXT_MEMO_BYTES
    from titans_finance.serving.tenant_history import TenantHistories

    with open(args.history, "rb") as handle:
        base = pickle.load(handle)
    bound_text_memos(DEFAULT_TEXT_MEMO_BYTES)
    _instrument()
    batches = [_transactions(1000, seed=10 + i) for i in range(args.batches)]
    load_before = os.getloadavg()[0]
    spent: dict[str, dict[str, list[float]]] = {case: {} for case in CASES}
    with tempfile.TemporaryDirectory() as folder:
        for repeat in range(args.repeats + 1):  # the first: the memos and caches filled
            histories = TenantHistories(base, RollingLimits())
            histories.attach("owner", lambda tenant: {},
                             RecordedHistoryStore(str(Path(folder) / f"h{repeat}.sqlite3")))
            for case in CASES:
                for frame in _frames(batches, case):
                    _SPENT.clear()
                    histories.features(frame, record=[True] * len(frame),
                                       transaction_ids=[None] * len(frame))
                    if repeat:
                        for stage in STAGES:
                            spent[case].setdefault(stage, []).append(
                                1000 * _SPENT.get(stage, 0.0))
            histories.store.close()
    table = {case: {stage: round(statistics.median(values), 2)
                    for stage, values in spent[case].items()} for case in CASES}
    result = {"command": "nice .venv/bin/python -m benchmarks.performance."
                         f"history_batch_profile --repeats {args.repeats}",
              "cpu_ms_per_1000_rows_median": table,
              "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)]}
    (ROOT / "benchmarks" / "results" / "history_batch_profile.json").write_text(
        json.dumps(result, indent=2) + "\n")
    print("| stage | " + " | ".join(CASES) + " |")
    for stage in STAGES:
        print(f"| {stage} | " + " | ".join(f"{table[c][stage]:.2f}" for c in CASES) + " |")
    print(f"load average {result['load_average_1min']}")


if __name__ == "__main__":
    main()
