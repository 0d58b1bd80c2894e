"""Per-tenant rolling histories (serving/tenant_history.py) and the store of recorded
transactions (serving/history_store.py), in-process: quotas on their boundaries,
eviction inside the tenant that overflows, mixed calls, replay after a restart."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.models.anomaly.test_model import _life
from titans_finance.core.features import HistoryState
from titans_finance.core.rolling import RollingLimits, TransactionIdConflict
from titans_finance.serving.history_store import RecordedHistoryStore
from titans_finance.serving.tenant_history import TenantHistories, stored_frame
from titans_finance.serving.tenants import scoped_account

OWNER = "acme"


@pytest.fixture(scope="module")
def base() -> HistoryState:
    return HistoryState.from_frame(_life(days=60).assign(account="main"))


def _rows(tenant: str, accounts: list[str | None], day="2024-03-05", amount=-23.45,
          description="CORNER BOOKSHOP 0412", ids=None, owner=OWNER) -> pd.DataFrame:
    n = len(accounts)
    return pd.DataFrame({
        "transaction_id": [f"req_{i}" for i in range(n)], "source_row": range(1, n + 1),
        "date": pd.to_datetime([day] * n), "type": ["expense"] * n,
        "description": [description] * n, "amount": [amount] * n, "category": [None] * n,
        "payment_method": [None] * n, "status": [None] * n, "reference": [None] * n,
        "receipt_url": [None] * n,
        "account": [scoped_account(tenant, a, owner) for a in accounts]})


def _histories(base, store=None, quotas=None, **limits) -> TenantHistories:
    histories = TenantHistories(base, RollingLimits(**limits))
    histories.attach(OWNER, quotas or (lambda tenant: {}), store)
    return histories


@pytest.mark.parametrize(("accounts", "forgotten"), [(2, 0), (3, 0), (4, 1)])
def test_the_accounts_quota_forgets_inside_the_tenant_only(base, accounts, forgotten):
    """max_accounts=3: below and at it nothing is forgotten; one above, one account of the
    tenant that overflowed — never one of another tenant's."""
    histories = _histories(base, max_accounts=3)
    histories.features(_rows("other", ["a", "b", "c"]))
    histories.features(_rows("flood", [f"n{i}" for i in range(accounts)]))
    assert histories.stats("flood")["accounts"] == min(accounts, 3)
    assert histories.stats("flood")["forgotten_accounts"] == forgotten
    assert histories.stats("other") == {**histories.stats("other"), "accounts": 3,
                                        "transactions": 3, "forgotten_accounts": 0,
                                        "forgotten_transactions": 0}


@pytest.mark.parametrize(("rows", "forgotten"), [(4, 0), (5, 0), (6, 1)])
def test_the_transactions_quota_forgets_inside_the_tenant_only(base, rows, forgotten):
    histories = _histories(base, max_transactions=5)
    histories.features(_rows("other", ["a"] * 5, amount=-1.0))
    histories.features(_rows("flood", [f"n{i}" for i in range(rows)]))
    assert histories.stats("flood")["forgotten_transactions"] == forgotten
    assert histories.stats("flood")["transactions"] == min(rows, 5)
    assert histories.stats("other")["transactions"] == 5
    assert histories.stats("other")["forgotten_transactions"] == 0


def test_a_tenants_own_quotas_win_over_the_defaults(base):
    histories = _histories(base, quotas=lambda t: {"max_accounts": 2} if t == "small" else {},
                           max_accounts=50)
    histories.features(_rows("small", ["a", "b", "c"]))
    histories.features(_rows("large", ["a", "b", "c"]))
    assert histories.stats("small")["limits"]["max_accounts"] == 2
    assert histories.stats("small")["forgotten_accounts"] == 1
    assert histories.stats("large")["forgotten_accounts"] == 0
    assert histories.stats("never-seen")["accounts"] == 0


def test_the_same_account_name_is_another_account_in_another_tenant(base):
    histories = _histories(base)
    first = histories.features(_rows("a", ["card"]))
    histories.features(_rows("a", ["card"]))  # recorded twice in a's card
    seen_by_b = histories.features(_rows("b", ["card"]), record=False)
    pd.testing.assert_frame_equal(seen_by_b, first)


def test_the_owner_keeps_the_training_history_and_nobody_else_sees_it(base):
    histories = _histories(base)
    owner = histories.features(_rows(OWNER, [None], description="METRO FARE", amount=-2.8),
                               record=False)
    other = histories.features(_rows("b", [None], description="METRO FARE", amount=-2.8),
                               record=False)
    fresh = histories.features(_rows("b", ["never-used"], description="METRO FARE",
                                     amount=-2.8), record=False)
    numeric = [c for c in owner.columns if c.startswith("merchant_count")]
    assert numeric and (owner[numeric].to_numpy() > 0).any()
    np.testing.assert_array_equal(other[numeric].to_numpy(), fresh[numeric].to_numpy())


def test_a_mixed_call_answers_as_each_tenant_alone_and_refuses_before_recording(base):
    together, alone = _histories(base), _histories(base)
    rows = pd.concat([_rows("a", ["card"]), _rows("b", ["card"], amount=-5.0),
                      _rows("a", ["card"])], ignore_index=True)
    mixed = together.features(rows)
    first_a = alone.features(_rows("a", ["card"]))
    alone.features(_rows("b", ["card"], amount=-5.0))
    second_a = alone.features(_rows("a", ["card"]))
    pd.testing.assert_frame_equal(mixed.iloc[[2]].reset_index(drop=True),
                                  second_a.reset_index(drop=True), check_dtype=False)
    pd.testing.assert_frame_equal(mixed.iloc[[0]].reset_index(drop=True),
                                  first_a.reset_index(drop=True), check_dtype=False)
    # b's id conflicts (same id, other amount): nothing of the call recorded, a's either
    together.features(_rows("b", ["card"]), transaction_ids=["x"])
    before = {t: together.stats(t)["transactions"] for t in ("a", "b")}
    clash = pd.concat([_rows("a", ["card"]), _rows("b", ["card"], amount=-9.0)],
                      ignore_index=True)
    with pytest.raises(TransactionIdConflict) as refused:
        together.features(clash, transaction_ids=[None, "x"])
    assert refused.value.position == 1 and "'card'" in str(refused.value)
    assert "\x1e" not in str(refused.value) and "'b'" not in str(refused.value)
    assert {t: together.stats(t)["transactions"] for t in ("a", "b")} == before


def test_a_restart_replays_every_tenants_recorded_history(base, tmp_path):
    path = str(tmp_path / "history.sqlite3")
    live = _histories(base, RecordedHistoryStore(path))
    for day, amount in (("2024-03-01", -4.0), ("2024-03-02", -80.0), ("2024-03-03", -4.2)):
        live.features(_rows("a", ["card", None], day=day, amount=amount), transaction_ids=[
            f"a-{day}", None])
        live.features(_rows(OWNER, ["main"], day=day, amount=amount))
        live.features(_rows("b", ["card"], day=day, amount=amount), record=False)
    restarted = _histories(base, RecordedHistoryStore(path))
    replayed = restarted.replay(stored_frame)
    assert replayed == {"a": 6, OWNER: 3}
    for tenant in ("a", "b", OWNER):
        assert restarted.stats(tenant) == live.stats(tenant), tenant
    probe = _rows("a", ["card"], day="2024-03-04", amount=-4.0)
    pd.testing.assert_frame_equal(restarted.features(probe, record=False),
                                  live.features(probe, record=False))
    # a retry after the restart is still a retry (the id was kept), not a new charge
    retry = _rows("a", ["card"], day="2024-03-01", amount=-4.0)
    restarted.features(retry, transaction_ids=["a-2024-03-01"])
    assert restarted.stats("a")["transactions"] == live.stats("a")["transactions"]


def _old_stored(rows: pd.DataFrame, ids: list) -> list[tuple]:
    """The store's rows of ``rows`` as `TenantHistories._persist` built them before it
    converted per distinct day and per str column (issue 29's history work)."""
    from titans_finance.serving.tenants import shown_account

    def texts(name):
        return [None if v is None or v != v else str(v) for v in rows[name].tolist()]

    days = rows["date"].to_numpy().astype("datetime64[D]")
    shown = [None if a is None or a != a else shown_account(a) or None
             for a in rows["account"].tolist()]
    return list(zip(shown, days.astype("int64").tolist(), np.datetime_as_string(days).tolist(),
                    texts("type"), [str(d) for d in rows["description"].tolist()],
                    rows["amount"].astype("float64").tolist(), texts("category"),
                    texts("payment_method"), texts("reference"), ids, strict=True))


@pytest.mark.parametrize("tenant", [OWNER, "a"])
def test_the_rows_stored_are_those_the_per_row_conversion_stored(base, tmp_path, tenant):
    """Str columns with missing values, an object column, several days and accounts (one
    the default), rows not recorded left out: the same tuples, value for value."""
    from titans_finance.serving import history_store

    store = RecordedHistoryStore(str(tmp_path / "h.sqlite3"))
    histories = _histories(base, store)
    rows = pd.concat([_rows(tenant, ["card", None, "cash"], day=day, amount=amount)
                      for day, amount in (("2024-03-07", -4.5), ("2024-03-05", 12.0),
                                          ("2024-03-07", -0.1))], ignore_index=True)
    rows["source_row"] = range(1, len(rows) + 1)
    rows["type"] = pd.Series(["expense", None, "income"] * 3, dtype="str")
    rows["reference"] = pd.Series([None, "Corner Books", ""] * 3, dtype="str")
    rows["payment_method"] = pd.Series(["card", None, "cash"] * 3, dtype="str")
    rows["category"] = ["Books", None, np.nan] * 3
    rows["description"] = rows["description"].astype("str")
    record = [True, True, False] * 3
    ids = [None, "t1", None, "t2", None, None, "t3", None, None]
    histories.features(rows, record=record, transaction_ids=ids)
    kept = [i for i, r in enumerate(record) if r]
    stored = store._db.execute(f"SELECT {', '.join(history_store.COLUMNS)} FROM recorded "
                               "ORDER BY seq").fetchall()
    assert stored == _old_stored(rows.iloc[kept], [ids[i] for i in kept])
    store.close()


@pytest.mark.parametrize(("days_before", "kept"), [(29, 3), (30, 3), (31, 2)])
def test_rows_older_than_the_window_leave_the_store(base, tmp_path, days_before, kept):
    """window_days=30: a row dated 29 or 30 days before its account's latest stays (the
    history keeps it too), 31 days before it goes; another account's rows are its own."""
    store = RecordedHistoryStore(str(tmp_path / "h.sqlite3"))
    histories = _histories(base, store, window_days=30)
    latest = pd.Timestamp("2024-03-01")
    histories.features(_rows("a", ["card"], day=str(latest - pd.Timedelta(days=days_before))))
    histories.features(_rows("a", ["card"], day=str(latest.date())))
    histories.features(_rows("a", ["other"], day=str((latest - pd.Timedelta(days=60)).date())))
    store.prune("a", window_days=30, max_transactions=100)
    assert store.count("a") == kept
    assert store.matching("a", "2024-03-01", 23.45, None, "corner bookshop 0412") == 1


@pytest.mark.parametrize(("rows", "kept"), [(3, 3), (4, 4), (5, 4)])
def test_a_tenant_keeps_at_most_twice_its_transaction_quota_in_the_store(base, tmp_path, rows,
                                                                          kept):
    store = RecordedHistoryStore(str(tmp_path / "h.sqlite3"))
    histories = _histories(base, store, max_transactions=2)
    for i in range(rows):
        histories.features(_rows("a", [f"n{i}"]))
    store.prune("a", window_days=90, max_transactions=2)
    assert store.count("a") == kept
    assert [row.account for chunk in store.rows("a") for row in chunk][-1] == f"n{rows - 1}"


def test_rows_without_an_account_column_are_the_owners_default_account(base):
    """No ``account`` column at all: every row is the owner's (the training history's
    default account), as a column of None says."""
    without, with_none = _histories(base), _histories(base)
    rows = _rows(OWNER, [None, None], description="METRO FARE", amount=-2.8)
    pd.testing.assert_frame_equal(without.features(rows.drop(columns="account")),
                                  with_none.features(rows).drop(columns="account",
                                                                errors="ignore"))
    assert without.stats(OWNER)["transactions"] == with_none.stats(OWNER)["transactions"] == 2


def test_an_empty_call_answers_an_empty_frame_of_the_same_columns(base):
    histories = _histories(base)
    empty = histories.features(_rows("a", []))
    assert len(empty) == 0
    assert list(empty.columns) == list(histories.features(_rows("a", ["card"]),
                                                          record=False).columns)
    assert histories.stats("a")["transactions"] == 0


def test_a_mixed_call_with_an_id_on_every_row_refuses_before_recording_any(base):
    histories = _histories(base)
    histories.features(_rows("b", ["card"]), transaction_ids=["x"])
    clash = pd.concat([_rows("a", ["card"]), _rows("b", ["card"], amount=-9.0)],
                      ignore_index=True)
    with pytest.raises(TransactionIdConflict) as refused:
        histories.features(clash, transaction_ids=["y", "x"])
    assert refused.value.position == 1 and refused.value.transaction_id == "x"
    assert "'x'" in str(refused.value)
    assert histories.stats("a")["transactions"] == 0
    assert histories.stats("b")["transactions"] == 1


def test_a_conflict_in_a_tenants_default_account_is_named_as_the_default(base):
    histories = _histories(base)
    histories.features(_rows("b", [None]), transaction_ids=["x"])
    with pytest.raises(TransactionIdConflict) as refused:
        histories.features(_rows("b", [None], amount=-9.0), transaction_ids=["x"])
    assert refused.value.account == "(default)" and "'(default)'" in str(refused.value)
    assert "\x1e" not in str(refused.value) and "'b'" not in str(refused.value)


@pytest.mark.parametrize("mixed", [False, True])
def test_a_call_past_its_deadline_is_refused_as_late_and_records_nothing(base, mixed):
    """Past the deadline, before anything is read: DeadlineExceeded, even when one of its
    ids would conflict, and no tenant records a row."""
    import time

    from titans_finance.core.rolling import DeadlineExceeded

    histories = _histories(base)
    histories.features(_rows("b", ["card"]), transaction_ids=["x"])
    late = _rows("b", ["card"], amount=-9.0)  # the id "x" with another amount
    if mixed:
        late = pd.concat([_rows("a", ["card"]), late], ignore_index=True)
    with pytest.raises(DeadlineExceeded):
        histories.features(late, transaction_ids=[None] * (len(late) - 1) + ["x"],
                           deadline=time.monotonic() - 1)
    assert {t: histories.stats(t)["transactions"] for t in ("a", "b")} == {"a": 0, "b": 1}
    # within the deadline the same call is read (and its conflicting id refused)
    with pytest.raises(TransactionIdConflict):
        histories.features(late, transaction_ids=[None] * (len(late) - 1) + ["x"],
                           deadline=time.monotonic() + 60)


def test_a_mixed_calls_work_is_the_sum_of_its_tenants_work(base):
    """``history_work``: each tenant's rows plus what its forgetting went through, summed
    over the tenants of the call (here a's account forgets, so the work is above the
    row count)."""
    together, alone = (_histories(base, max_per_account=4) for _ in range(2))
    for histories in (together, alone):
        histories.features(_rows("a", ["card"] * 4))
    mixed = together.features(pd.concat([_rows("a", ["card"]), _rows("b", ["card"])],
                                        ignore_index=True))
    work = (alone.features(_rows("a", ["card"])).attrs["history_work"]
            + alone.features(_rows("b", ["card"])).attrs["history_work"])
    assert mixed.attrs["history_work"] == work > 2
