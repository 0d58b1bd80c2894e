"""What one recorded account costs the rolling history (core/rolling.py): issue 27's
10,000 accounts of one transaction each took the worker past 500 MB, ~6.1 KB an account
in the history's own structures (tracemalloc), most of it containers an account of one
transaction never reads: a deque's first block, the per-payee and per-category lists of
remembered rows (needed at the first forgetting only), a running maximum equal to the
days, sums and cents of windows read for their days only; then the history itself, which
an account of one row at rest lets go of when its row rebuilds it exactly
(`Account.rest`): the answers stay the same to the bit."""

from __future__ import annotations

import gc
import tracemalloc

import numpy as np
import pandas as pd
import pytest

from titans_finance.core.history_state import HistoryState
from titans_finance.core.rolling import RollingHistory, RollingLimits
from titans_finance.core.rolling_parts import NO_IDS, ROW_COLUMNS, Account

ACCOUNTS = 600
# measured 1,300 here (4,460 while an account at rest kept its history; 6,300 before
# issue 27)
BYTES_PER_ACCOUNT = 1_700


def _charges(names: list[str], day: str = "2026-01-05") -> pd.DataFrame:
    n = len(names)
    return pd.DataFrame({"transaction_id": [None] * n, "date": [pd.Timestamp(day)] * n,
                         "description": [f"CORNER BOOKSHOP {k:04d}" for k in range(n)],
                         "amount": [-23.45 - k for k in range(n)], "reference": [None] * n,
                         "type": ["expense"] * n, "account": names})


def test_an_account_of_one_transaction_holds_under_1700_bytes(monkeypatch):
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
    entry, other = history._accounts["new-0"], history._accounts["new-1"]
    assert entry._history is None  # at rest: its one row, not the history it rebuilds
    assert entry.by_merchant is None and entry.history.tail.values is None
    # no id: the one shared read-only mapping; its row's texts the call's shared ones, its
    # account the account's own name
    assert entry.ids is NO_IDS and other.ids is NO_IDS
    values, others = entry.rows[0].values, other.rows[0].values
    assert values[ROW_COLUMNS.index("account")] is entry.name
    assert values[ROW_COLUMNS.index("type")] is others[ROW_COLUMNS.index("type")]


def test_an_account_given_a_transaction_id_keeps_its_own_ids():
    history = RollingHistory(HistoryState.from_frame(_charges(["main", "main"])))
    history.features(_charges(["a", "b"]), transaction_ids=["t-1", None])
    first, second = history._accounts["a"], history._accounts["b"]
    assert list(first.ids) == ["t-1"] and second.ids is NO_IDS and not NO_IDS
    with pytest.raises(TypeError):  # the shared one cannot be written into by mistake
        NO_IDS["t-2"] = []


def _calls(seed: int, n_calls: int = 40) -> list[tuple[pd.DataFrame, list[bool]]]:
    """Calls of a few rows into a few accounts, days jumping forwards and back (late rows,
    forgetting past the window and at the per-account cap), some rows not recorded, a
    payee and a category that come back, the same amount twice (duplicates)."""
    rng = np.random.default_rng(seed)
    calls, day = [], 0
    for _ in range(n_calls):
        n = int(rng.integers(1, 4))
        day += int(rng.choice([0, 1, 5, 40, -3]))
        names = [f"acct-{int(k)}" for k in rng.integers(0, 6, n)]
        frame = pd.DataFrame({
            "transaction_id": [None] * n,
            "date": [pd.Timestamp("2026-01-05") + pd.Timedelta(days=max(day, 0)
                                                               + int(rng.integers(-2, 2)))
                     for _ in range(n)],
            "description": [f"SHOP {int(k)}" for k in rng.integers(0, 3, n)],
            # sums of these differ in their last bits by the order they are added in
            "amount": [-float(rng.choice([0.1, 0.2, 0.7, 12.34])) for _ in range(n)],
            "reference": [None] * n,
            "type": ["expense"] * n, "account": names})
        calls.append((frame, [bool(r) for r in rng.random(n) > 0.2]))
    return calls


@pytest.mark.parametrize("seed", range(6))
def test_an_account_at_rest_answers_what_it_answered_keeping_its_history(seed, monkeypatch):
    # an account of one row lets go of its history between calls and rebuilds it when next
    # read: every later answer is the one the kept history gives, to the bit
    train = _charges(["main", "main"], day="2025-12-01")
    limits = RollingLimits(window_days=30, max_per_account=3, max_accounts=4)

    def answers() -> tuple[list[pd.DataFrame], int]:
        history = RollingHistory(HistoryState.from_frame(train), limits)
        out, rested = [], 0
        for frame, record in _calls(seed):
            out.append(history.features(frame, record=record))
            rested += sum(e._history is None for e in history._accounts.values())
        return out, rested

    resting, rested = answers()  # (as `rest` would, were it not to check)
    monkeypatch.setattr(Account, "rest", lambda self: None)
    keeping, never = answers()
    assert rested > 0 and never == 0
    for got, expected in zip(resting, keeping, strict=True):
        pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_an_account_whose_window_still_holds_a_forgotten_row_keeps_its_history(monkeypatch):
    # 0.1 on day 0 then 0.2 on day 100 at one payee (30 days kept, a 90-day tail): the first
    # is forgotten but stays in its payee's window before its start, which reads 0.2 as
    # (0.1 + 0.2) - 0.1 = 0.20000000000000004; a rebuilt history reads 0.2: not at rest
    train = _charges(["main", "main"], day="2025-12-01")

    def read_after() -> tuple[pd.DataFrame, bool]:
        history = RollingHistory(HistoryState.from_frame(train), RollingLimits(window_days=30))
        for day, amount in (("2026-01-01", -0.1), ("2026-04-11", -0.2)):
            history.features(_charges(["acct"], day=day).assign(amount=amount))
        entry = history._accounts["acct"]
        assert len(entry.rows) == 1
        return (history.features(_charges(["acct"], day="2026-04-12").assign(amount=-0.2),
                                 record=False), entry._history is None)

    got, rested = read_after()
    monkeypatch.setattr(Account, "rest", lambda self: None)
    expected, _ = read_after()
    assert not rested
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_an_account_of_one_row_carried_over_to_reloaded_models_is_at_rest(monkeypatch):
    # a reload (`adopt`) leaves each account as a call would: 10,000 accounts of one row
    # do not take their histories back at the reload
    def carried() -> tuple[pd.DataFrame, bool]:
        old = RollingHistory(HistoryState.from_frame(_charges(["main", "main"], "2025-12-01")))
        old.features(_charges(["acct"], day="2026-01-05"))
        new = RollingHistory(HistoryState.from_frame(_charges(["main", "main"], "2025-12-02")))
        assert new.adopt(old) == 1
        rested = new._accounts["acct"]._history is None
        return new.features(_charges(["acct"], day="2026-01-06"), record=False), rested

    got, rested = carried()
    monkeypatch.setattr(Account, "rest", lambda self: None)
    expected, _ = carried()
    assert rested
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
