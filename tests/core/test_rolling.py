"""The rolling history per account (core/rolling.py), in-process: arrival-order semantics,
the per-account structures against the one-at-a-time definition (tests/core/
rolling_definition.py, `HistoryState` row by row), accounts kept apart, retries, late
transactions, bounds and forgetting, threads, carrying over to new models."""

from __future__ import annotations

import threading
import tracemalloc

import numpy as np
import pandas as pd
import pytest

from tests.core.rolling_definition import RollingHistory as DefinitionHistory
from tests.models.anomaly.test_model import PARAMS, _life, _split
from titans_finance.core.features import build_features
from titans_finance.core.history_state import HistoryState
from titans_finance.core.rolling import RollingHistory, RollingLimits, TransactionIdConflict
from titans_finance.models.anomaly import AnomalyModel, score_with_rolling_history


@pytest.fixture(scope="module")
def two_accounts():
    """Two ordinary accounts trained up to 25 days before their end; the 25 days after,
    in date order with some late arrivals (every 7th row swapped with the one 2 later)."""
    frame = pd.concat([_life().assign(account="main"),
                       _life(seed=1).assign(account="card")], ignore_index=True)
    _, train = _split(frame, test_days=25)
    test = frame[~train].sort_values("date", kind="stable").reset_index(drop=True)
    order = np.arange(len(test))
    for k in range(0, len(order) - 3, 7):
        order[k], order[k + 2] = order[k + 2], order[k]
    return frame[train].reset_index(drop=True), test.iloc[order].reset_index(drop=True)


def _charge(account, day="2024-08-20", amount=-23.45, description="CORNER BOOKSHOP 0412",
            **extra):
    return pd.DataFrame({"transaction_id": ["t"], "date": [pd.Timestamp(day)],
                         "description": [description], "amount": [amount],
                         "reference": [None], "type": ["expense"], "account": [account],
                         **{k: [v] for k, v in extra.items()}})


# the feature columns that are a difference of running sums over the tail: the definition
# takes it over every group's sums at once, the account history over the group's own
WINDOW_SUMS = [f"merchant_sum_{w}d" for w in (7, 30, 90)]


def _assert_as_defined(features: pd.DataFrame, definition: pd.DataFrame,
                       forgetting: bool = False) -> None:
    """The same features as the definition: every column but the window sums to the bit,
    the window sums to 1e-12 relative. After forgetting, the definition re-sums an
    account's remembered rows per merchant in one pandas sum (compensated), the account
    history one row after the other: the sums are ~1e-16 relative apart, and a spread
    of equal amounts (sqrt of a difference of sums, 0 in exact arithmetic) up to 1e-7
    (the tolerance the vectorised runs had against the definition before)."""
    exact = [c for c in definition.columns if c not in WINDOW_SUMS]
    if forgetting:
        pd.testing.assert_frame_equal(features, definition, rtol=1e-9, atol=1e-6)
    else:
        pd.testing.assert_frame_equal(features[exact], definition[exact], check_exact=True)
    pd.testing.assert_frame_equal(features[WINDOW_SUMS], definition[WINDOW_SUMS],
                                  rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("limits", [RollingLimits(),
                                    RollingLimits(window_days=12, max_per_account=16)])
def test_the_account_histories_give_the_definitions_features(two_accounts, limits):
    """The definition (one row at a time, `HistoryState.update` after each) and the
    service's computation give the same features: with late rows, rows not recorded,
    retried ids, and forgetting (small limits); and a call cut into pieces (requests)
    equals the call in one piece (a batch)."""
    train, test = two_accounts
    state = HistoryState.from_frame(train)
    rng = np.random.default_rng(0)
    record = rng.random(len(test)) > 0.1
    ids = [f"id{i}" if i % 3 == 0 else None for i in range(len(test))]
    ids[20] = ids[5] = "sent-twice"  # a retry within the call (same values: row 5 again)
    test = test.copy()
    test.iloc[20] = test.iloc[5]
    definition = DefinitionHistory(state, limits)
    expected = definition.features(test, record, ids, one_at_a_time=True)
    together = RollingHistory(state, limits)
    features = together.features(test, record, ids, date_order=False)
    forgetting = limits != RollingLimits()
    _assert_as_defined(features, expected, forgetting)
    pieces = RollingHistory(state, limits)
    by_request = pd.concat([pieces.features(test.iloc[i:i + 23], record[i:i + 23],
                                            ids[i:i + 23], date_order=False)
                            for i in range(0, len(test), 23)])
    _assert_as_defined(by_request, expected, forgetting)
    assert pieces.stats() == together.stats() == definition.stats()
    assert together.stats()["transactions"] > 0
    if limits.max_per_account == 16:
        assert together.stats()["forgotten_transactions"] > 0  # forgetting was exercised


def _in_date_order(batch: pd.DataFrame) -> pd.DataFrame:
    """The rows as a call takes them: per account, in date order then input order."""
    return batch.iloc[np.lexsort((np.arange(len(batch)), batch["date"].to_numpy(),
                                  batch["account"].to_numpy()))]


@pytest.mark.parametrize("limits", [RollingLimits(),
                                    RollingLimits(window_days=12, max_per_account=16)])
def test_rows_in_any_order_get_the_definitions_features(two_accounts, limits):
    """A batch in random date order, and the same rows sorted by date: each row as the
    definition scores it one at a time with the call's rows of each account in date order
    (then input order), and the later calls see what the earlier ones recorded; a call in
    input order (``date_order=False``) as the definition in that order."""
    train, test = two_accounts
    state = HistoryState.from_frame(train)
    shuffled = test.sample(frac=1.0, random_state=3).reset_index(drop=True)
    in_date_order = test.sort_values("date", kind="stable").reset_index(drop=True)
    definition, history = DefinitionHistory(state, limits), RollingHistory(state, limits)
    for batch in (shuffled, in_date_order, shuffled):
        expected = definition.features(_in_date_order(batch), one_at_a_time=True)
        _assert_as_defined(history.features(batch), expected.loc[batch.index],
                           forgetting=limits != RollingLimits())
    assert history.stats() == definition.stats()
    as_sent = RollingHistory(state, limits)
    _assert_as_defined(as_sent.features(shuffled, date_order=False),
                       DefinitionHistory(state, limits).features(shuffled, one_at_a_time=True),
                       forgetting=limits != RollingLimits())


@pytest.mark.parametrize("limits", [RollingLimits(),
                                    RollingLimits(window_days=12, max_per_account=16)])
def test_a_batch_in_random_order_answers_as_its_rows_sent_one_at_a_time_in_date_order(
        two_accounts, limits):
    """The same rows as one batch in random order and as single calls in date order: the
    same features to the bit (without forgetting), the same history after."""
    train, test = two_accounts
    state = HistoryState.from_frame(train)
    shuffled = test.sample(frac=1.0, random_state=7).reset_index(drop=True)
    batch = RollingHistory(state, limits).features(shuffled)
    singles, one_by_one = RollingHistory(state, limits), []
    ordered = _in_date_order(shuffled)
    for position in range(len(ordered)):
        one_by_one.append(singles.features(ordered.iloc[[position]]))
    expected = pd.concat(one_by_one).loc[shuffled.index]
    _assert_as_defined(batch, expected, forgetting=limits != RollingLimits())


def test_score_with_rolling_history_is_the_service_code_and_catches_the_repeat(two_accounts):
    train, test = two_accounts
    model = AnomalyModel(PARAMS).fit(train, build_features(train))
    main = test[test["account"] == "main"]
    largest = main.loc[[main["amount"].idxmin()]]  # the rent or a large purchase
    doubled = pd.concat([test, largest.assign(transaction_id="dup")], ignore_index=True)
    scored, history = score_with_rolling_history(model, doubled, HistoryState.from_frame(train))
    repeat = scored[(doubled["transaction_id"] == "dup").to_numpy()].iloc[0]
    assert repeat["is_anomaly"] and "same amount to the same payee on" in repeat["reasons"]
    defined = DefinitionHistory(HistoryState.from_frame(train))
    ordered = doubled.iloc[np.lexsort((np.arange(len(doubled)), doubled["date"].to_numpy()))]
    one_by_one = model.score(ordered, defined.features(ordered, one_at_a_time=True))
    np.testing.assert_allclose(scored.loc[ordered.index, "score"], one_by_one["score"],
                               atol=1e-12)
    assert history.stats()["transactions"] == len(doubled)


def test_a_charge_sent_twice_is_a_duplicate_in_its_own_account_only(two_accounts):
    train, _ = two_accounts
    model = AnomalyModel(PARAMS).fit(train, build_features(train))
    history = RollingHistory(HistoryState.from_frame(train))

    def score(frame, record=True):
        return model.score(frame, history.features(frame, record)).iloc[0]

    first = score(_charge("main"))
    assert not any(r.startswith("same amount") for r in first["reasons"].split("; "))
    assert "same amount to the same payee on 2024-08-20" in score(_charge("main"))["reasons"]
    assert "same amount" not in score(_charge("card"))["reasons"]  # the other account's first
    # read without recording: the same answer again and again, nothing kept
    other = _charge("card", description="HARBOUR FERRY", amount=-7.5)
    assert score(other, record=False)["reasons"] == score(other, record=False)["reasons"]
    assert history.stats()["transactions"] == 3


def test_a_retry_is_answered_as_the_first_time_and_not_recorded_twice(two_accounts):
    train, _ = two_accounts
    history = RollingHistory(HistoryState.from_frame(train))
    first = history.features(_charge("main"), transaction_ids=["bank-123"])
    again = history.features(_charge("main"), transaction_ids=["bank-123"])
    pd.testing.assert_frame_equal(again, first)
    assert history.stats()["transactions"] == 1
    # a real second charge (no id, or another id) is recorded and sees the first
    second = history.features(_charge("main"), transaction_ids=["bank-124"])
    assert second["days_since_same_amount"].iloc[0] == 0
    assert history.stats()["transactions"] == 2
    # the same id with another amount is refused, and nothing of the call is kept
    with pytest.raises(TransactionIdConflict, match="bank-123"):
        history.features(pd.concat([_charge("main", description="NEW SHOP"),
                                    _charge("main", amount=-1.0)]), transaction_ids=[
            None, "bank-123"])
    assert history.stats()["transactions"] == 2
    # ids are per account: the same id in another account is another transaction
    history.features(_charge("card"), transaction_ids=["bank-123"])
    assert history.stats()["transactions"] == 3


def test_late_transactions_are_scored_as_the_latest_and_old_ones_are_not_kept(two_accounts):
    train, _ = two_accounts
    history = RollingHistory(HistoryState.from_frame(train), RollingLimits(window_days=30))
    history.features(_charge("main", day="2024-09-10", description="HARBOUR FERRY"))
    late = history.features(_charge("main", day="2024-09-01"))  # 9 days late: kept
    assert late["days_since_merchant"].iloc[0] >= 0
    repeat = history.features(_charge("main", day="2024-09-01"))
    assert repeat["days_since_same_amount"].iloc[0] == 0  # the late one is in the history
    assert history.stats()["transactions"] == 3
    history.features(_charge("main", day="2024-06-01", description="OLD SHOP"))  # > 30 days
    assert history.stats()["transactions"] == 3  # scored, not kept


def test_memory_is_bounded_by_accounts_transactions_and_window():
    """A flood of random account ids keeps at most ``max_accounts`` (least recently used
    forgotten), an account at most ``max_per_account`` transactions, and memory stops
    growing once the caps are reached."""
    base = HistoryState.from_frame(_life(days=60).assign(account="main"))
    history = RollingHistory(base, RollingLimits(max_accounts=20, max_per_account=8,
                                                 max_transactions=100))
    rng = np.random.default_rng(1)

    def flood(n):
        names = [f"acct-{rng.integers(10 ** 12)}" for _ in range(n)]
        history.features(pd.concat([_charge(a, amount=-float(rng.integers(1, 999)))
                                    for a in names], ignore_index=True))

    tracemalloc.start()
    try:
        flood(50)
        after_first = tracemalloc.get_traced_memory()[0]
        for _ in range(3):
            flood(50)
        after_more = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    stats = history.stats()
    assert stats["accounts"] == 20 and stats["forgotten_accounts"] == 200 - 20
    assert after_more - after_first < 2 ** 20, (after_first, after_more)
    # one account: at most max_per_account, the oldest quarter forgotten when full
    rows = pd.concat([_charge("busy", amount=-1.0 - i) for i in range(20)], ignore_index=True)
    history.features(rows)
    assert len(history._accounts["busy"].rows) <= 8
    assert history.stats()["transactions"] <= 100
    # the whole account's state is its training part + what it remembers, nothing else
    assert history.state("busy").global_count == len(history._accounts["busy"].rows)


def test_threads_recording_into_one_account_lose_nothing(two_accounts):
    train, _ = two_accounts
    history = RollingHistory(HistoryState.from_frame(train))
    base_count = history.state("main").global_count

    def send(k):
        for i in range(5):
            history.features(_charge("main", description=f"SHOP {k}", amount=-1.0 - i))

    threads = [threading.Thread(target=send, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert history.state("main").global_count == base_count + 20
    assert history.stats()["transactions"] == 20


def test_new_models_keep_the_recorded_transactions_their_training_does_not_cover(two_accounts):
    train, test = two_accounts
    old = RollingHistory(HistoryState.from_frame(train))
    old.features(_charge("main", day="2024-08-20"), transaction_ids=["a"])
    old.features(_charge("main", day="2024-08-25", description="HARBOUR FERRY"))
    # retrained on data up to 2024-08-22: the first charge is in it, the second is not
    newer = pd.concat([train, test[test["date"] <= "2024-08-22"], _charge("main")],
                      ignore_index=True)
    fresh = RollingHistory(HistoryState.from_frame(newer))
    swapped = []
    assert fresh.adopt(old, lambda: swapped.append(True)) == 1 and swapped
    repeat = fresh.features(_charge("main", day="2024-08-25", description="HARBOUR FERRY"))
    assert repeat["days_since_same_amount"].iloc[0] == 0
    assert fresh.stats()["transactions"] == 2
