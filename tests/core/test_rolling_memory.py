"""What one recorded account costs the rolling history (core/rolling.py): issue 27's
10,000 accounts of one transaction each took the worker past 500 MB, ~6.1 KB an account
in the history's own structures (tracemalloc), most of it containers an account of one
transaction never reads: a deque's first block, the per-payee and per-category lists of
remembered rows (needed at the first forgetting only), a running maximum equal to the
days, sums and cents of windows read for their days only."""

from __future__ import annotations

import gc
import tracemalloc

import pandas as pd

from titans_finance.core.history_state import HistoryState
from titans_finance.core.rolling import RollingHistory, RollingLimits

ACCOUNTS = 600
BYTES_PER_ACCOUNT = 5_000  # measured 4,460 here (6,300 before issue 27)


def _charges(names: list[str], day: str = "2026-01-05") -> pd.DataFrame:
    n = len(names)
    return pd.DataFrame({"transaction_id": [None] * n, "date": [pd.Timestamp(day)] * n,
                         "description": [f"CORNER BOOKSHOP {k:04d}" for k in range(n)],
                         "amount": [-23.45 - k for k in range(n)], "reference": [None] * n,
                         "type": ["expense"] * n, "account": names})


def test_an_account_of_one_transaction_holds_under_five_kilobytes(monkeypatch):
    # the history's own structures: not the service's memos of request text (each
    # description's keyword flags and text features), which hold what distinct texts cost
    # within their own cap of bytes whatever the number of accounts (tests/serving/
    # test_memory.py), and are on only in a process that started the service (test order)
    from titans_finance.core import feature_text

    monkeypatch.setattr(feature_text, "_KEYWORD_MEMO", None)
    monkeypatch.setattr(feature_text, "_DESCRIPTION_TEXT_MEMO", None)
    train = _charges(["main", "main"], day="2025-12-01")
    history = RollingHistory(HistoryState.from_frame(train), RollingLimits(max_accounts=10**5))
    history.features(_charges([f"warm-{k}" for k in range(10)]))  # lookup tables, caches
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        history.features(_charges([f"new-{k}" for k in range(ACCOUNTS)]))
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert history.stats()["accounts"] == ACCOUNTS + 10
    assert held / ACCOUNTS < BYTES_PER_ACCOUNT, held / ACCOUNTS
    entry = history._accounts["new-0"]
    assert entry.by_merchant is None and entry.history.tail.values is None
