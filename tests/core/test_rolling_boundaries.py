"""Boundaries of the rolling history (core/rolling.py): the window in which a late
transaction is still recorded, forgetting at the window edge and at the per-account cap, the
totals, what a reload carries over (strictly after the new training end), and a retry's
amount compared to the cent."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import clean_rows
from tests.models.anomaly.test_model import _life, _split
from titans_finance.core.history_state import HistoryState
from titans_finance.core.rolling import RollingHistory, RollingLimits, TransactionIdConflict

DAY0 = pd.Timestamp("2024-01-01")


def _state(last_day: int = 100, account: str = "main") -> HistoryState:
    """A training history whose latest day is ``DAY0 + last_day``."""
    frame = clean_rows([(DAY0 + pd.Timedelta(days=d), "GROCER", None, -40.0)
                        for d in (last_day - 20, last_day)], "debit_card")
    return HistoryState.from_frame(frame.assign(account=account))


def _charge(day: int, amount: float = -12.34, account: str = "main",
            description: str = "CORNER BOOKSHOP") -> pd.DataFrame:
    return pd.DataFrame({"transaction_id": [f"t{day}{account}"],
                         "date": [DAY0 + pd.Timedelta(days=day)], "description": [description],
                         "amount": [amount], "reference": [None], "type": ["expense"],
                         "account": [account]})


@pytest.mark.parametrize("day, recorded", [(89, 0), (90, 1), (91, 1)])
def test_a_late_transaction_is_recorded_back_to_exactly_the_window(day, recorded):
    history = RollingHistory(_state(last_day=100), RollingLimits(window_days=10))
    history.features(_charge(day))
    assert history.stats()["transactions"] == recorded


@pytest.mark.parametrize("later, kept", [(109, 2), (110, 2), (111, 1)])
def test_a_recorded_transaction_is_forgotten_only_past_the_window(later, kept):
    history = RollingHistory(_state(last_day=100), RollingLimits(window_days=10))
    history.features(_charge(100))
    history.features(_charge(later, amount=-5.0))
    stats = history.stats()
    assert stats["transactions"] == kept
    assert stats["forgotten_transactions"] == 2 - kept


@pytest.mark.parametrize("recorded_in_order", [True, False])
@pytest.mark.parametrize("edge, kept", [(104, 1), (105, 2), (106, 2)])
def test_when_old_rows_are_forgotten_a_row_on_the_cutoff_day_itself_stays(
        recorded_in_order, edge, kept):
    """Forgetting that does happen (a row is past the window) keeps the row dated exactly
    window_days before the latest: rows at 100 and ``edge``, then one at 115 (cutoff 105).
    In date order and out of it (a late row makes the account's rows out of order)."""
    history = RollingHistory(_state(last_day=100), RollingLimits(window_days=10))
    days = [100, edge] if recorded_in_order else [edge, 100]
    for day in days:
        history.features(_charge(day, amount=-1.0 - day / 1000))
    history.features(_charge(115, amount=-5.0))
    assert history.stats()["transactions"] == kept


@pytest.mark.parametrize("one_at_a_time", [False, True])
def test_an_account_holds_exactly_max_per_account_then_forgets_its_oldest_quarter(one_at_a_time):
    limits = RollingLimits(max_per_account=8)
    history = RollingHistory(_state(), limits)
    charges = [_charge(101 + k) for k in range(8)]
    for call in (charges if one_at_a_time else [pd.concat(charges, ignore_index=True)]):
        history.features(call)
    assert history.stats()["transactions"] == 8 and history.stats()[
        "forgotten_transactions"] == 0
    history.features(_charge(110))  # the 9th
    # over the cap: keeps the newest 8 - 8 // 4 = 6
    assert history.stats()["transactions"] == 6
    assert history.stats()["forgotten_transactions"] == 3


def test_exactly_max_accounts_are_kept_then_the_least_recent_is_forgotten():
    history = RollingHistory(_state(), RollingLimits(max_accounts=2))
    history.features(_charge(101, account="a"))
    history.features(_charge(101, account="b"))
    assert history.stats()["accounts"] == 2 and history.stats()["forgotten_accounts"] == 0
    history.features(_charge(101, account="c"))
    assert history.stats()["accounts"] == 2 and history.stats()["forgotten_accounts"] == 1


def test_exactly_max_transactions_are_kept_then_an_account_is_forgotten():
    history = RollingHistory(_state(), RollingLimits(max_transactions=3))
    history.features(pd.concat([_charge(101, account="a"), _charge(102, account="a"),
                                _charge(101, account="b")], ignore_index=True))
    assert history.stats()["transactions"] == 3 and history.stats()["forgotten_accounts"] == 0
    history.features(_charge(103, account="b"))
    assert history.stats()["transactions"] == 2 and history.stats()["forgotten_accounts"] == 1


def test_limits_of_one_are_allowed_zero_is_refused():
    assert RollingLimits(window_days=1, max_per_account=1, max_transactions=1,
                         max_accounts=1).window_days == 1
    for name in ("window_days", "max_per_account", "max_transactions", "max_accounts"):
        with pytest.raises(ValueError, match=name):
            RollingLimits(**{name: 0})


@pytest.mark.parametrize("day, carried", [(99, 0), (100, 0), (101, 1)])
def test_a_reload_carries_only_transactions_after_the_new_training_end(day, carried):
    old = RollingHistory(_state(last_day=90), RollingLimits(window_days=30))
    old.features(_charge(day))
    assert old.stats()["transactions"] == 1
    new = RollingHistory(_state(last_day=100), RollingLimits(window_days=30))
    assert new.adopt(old) == carried
    assert new.stats()["transactions"] == carried


@pytest.mark.parametrize("again, conflict", [(-12.34, False), (-12.3401, False),
                                             (-12.35, True), (-12.33, True)])
def test_a_retry_is_the_same_amount_to_the_cent(again, conflict):
    history = RollingHistory(_state(), RollingLimits())
    first = history.features(_charge(101), transaction_ids=["id-1"])
    if conflict:
        with pytest.raises(TransactionIdConflict):
            history.features(_charge(101, amount=again), transaction_ids=["id-1"])
    else:
        retried = history.features(_charge(101, amount=again), transaction_ids=["id-1"])
        pd.testing.assert_frame_equal(retried, first)
        assert history.stats()["transactions"] == 1


@pytest.mark.parametrize("day, conflict", [(101, False), (102, True)])
def test_a_retry_is_the_same_day(day, conflict):
    history = RollingHistory(_state(), RollingLimits())
    history.features(_charge(101), transaction_ids=["id-1"])
    if conflict:
        with pytest.raises(TransactionIdConflict):
            history.features(_charge(day), transaction_ids=["id-1"])
    else:
        history.features(_charge(day), transaction_ids=["id-1"])
        assert history.stats()["transactions"] == 1


@pytest.mark.parametrize("limits", [RollingLimits(max_per_account=8),
                                    RollingLimits(window_days=5)])
def test_one_call_past_a_limit_equals_one_transaction_at_a_time(limits):
    """Twelve charges at one payee in one call, a day apart: the per-account cap (8) or the
    window (5 days) is crossed inside the call; the vectorised runs must stop exactly there."""
    calls = pd.concat([_charge(101 + k, amount=-10.0 - k) for k in range(12)], ignore_index=True)
    one = RollingHistory(_state(), limits)
    expected = pd.concat([one.features(calls.iloc[[k]].reset_index(drop=True))
                          for k in range(len(calls))], ignore_index=True)
    together = RollingHistory(_state(), limits)
    pd.testing.assert_frame_equal(together.features(calls), expected)
    assert together.stats() == one.stats()


@pytest.mark.parametrize("window_days", [1, 5, 12])
def test_a_date_ordered_batch_that_forgets_on_most_days_answers_to_the_bit_as_one_call_a_row(
        window_days):
    """Rows in date order into an account with training history and into a new one, the
    window short enough that most rows forget older ones: a key's sums are recomputed
    when next read, not at each forgetting (`Account.settle`); the batch gives the same
    features to the bit as its rows sent one call each (each call ends settled), and the
    same history after."""
    frame = _life().assign(account="main")
    _, train = _split(frame, test_days=60)
    test = frame[~train].sort_values("date", kind="stable").reset_index(drop=True)
    rows = pd.concat([test, test.assign(account="new")], ignore_index=True)
    state = HistoryState.from_frame(frame[train].reset_index(drop=True))
    limits = RollingLimits(window_days=window_days)
    batch_history, singles = RollingHistory(state, limits), RollingHistory(state, limits)
    batch = batch_history.features(rows)
    one_by_one = pd.concat([singles.features(rows.iloc[[i]]) for i in range(len(rows))])
    pd.testing.assert_frame_equal(batch, one_by_one, check_exact=True)
    assert batch_history.stats() == singles.stats()
    assert batch_history.stats()["forgotten_transactions"] > len(rows) // 2
    for account in ("main", "new"):
        pd.testing.assert_frame_equal(batch_history.state(account).merchant,
                                      singles.state(account).merchant, check_exact=True)


@pytest.mark.parametrize("late", [False, True])
def test_forgetting_keeps_the_retry_ids_of_the_rows_still_remembered_only(late):
    """Rows forgotten from an account in date order, and from one a late row made out of
    order (rebuilt): a retry of a row still remembered is still a retry (its first answer,
    not recorded again); the id of a forgotten row is free (another transaction under it
    is not refused)."""
    history = RollingHistory(_state(last_day=100), RollingLimits(window_days=10))
    days = list(range(110, 120))
    if not late:
        history.features(_charge(109), transaction_ids=["id-109"])
    first = history.features(pd.concat([_charge(d) for d in days], ignore_index=True),
                             transaction_ids=[f"id-{d}" for d in days])
    if late:
        history.features(_charge(109), transaction_ids=["id-109"])  # out of date order
    history.features(_charge(121), transaction_ids=["id-121"])  # forgets 109 and 110
    assert history.stats()["forgotten_transactions"] == 2
    recorded = history.stats()["transactions"]
    retried = history.features(_charge(115), transaction_ids=["id-115"])
    pd.testing.assert_frame_equal(retried.reset_index(drop=True),
                                  first.iloc[[days.index(115)]].reset_index(drop=True))
    assert history.stats()["transactions"] == recorded
    # 109 and 110 were forgotten with their ids: other amounts under them are no conflict
    history.features(pd.concat([_charge(109, amount=-99.0), _charge(110, amount=-98.0)],
                               ignore_index=True), transaction_ids=["id-109", "id-110"])


@pytest.mark.parametrize("in_order", [True, False])
@pytest.mark.parametrize("cap", [5, 10])
def test_a_cap_not_divisible_by_four_keeps_the_cap_less_its_quarter_rounded_down(cap, in_order):
    """max_per_account 5 keeps 4 (5 - 1), 10 keeps 8 (10 - 2) when one more arrives: whole
    rows, in date order and out of it (a late row first)."""
    history = RollingHistory(_state(), RollingLimits(max_per_account=cap))
    days = [101 + k for k in range(cap)]
    if not in_order:
        days = days[1:] + days[:1]  # the oldest sent last: out of date order
    for day in days:
        history.features(_charge(day))
    assert history.stats()["transactions"] == cap
    history.features(_charge(101 + cap))
    assert history.stats()["transactions"] == cap - cap // 4
    assert history.stats()["forgotten_transactions"] == cap + 1 - (cap - cap // 4)
