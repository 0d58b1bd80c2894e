"""Fair work in the rolling history (core/rolling.py): one account's lock never stops
another account's call, a call past its deadline records nothing, a call reports the work
it cost (rows plus the remembered rows forgetting went through), and a batch costs the
same in any order."""

from __future__ import annotations

import threading
import time

import numpy as np
import pandas as pd
import pytest

from tests.core.test_rolling_boundaries import DAY0, _state
from titans_finance.core.rolling import DeadlineExceeded, RollingHistory, RollingLimits


def _charges(days: list[int], account: str = "main") -> pd.DataFrame:
    return pd.DataFrame({"date": [DAY0 + pd.Timedelta(days=d) for d in days],
                         "description": [f"SHOP {d % 7}" for d in days],
                         "amount": [-10.0 - d % 13 for d in days], "reference": None,
                         "type": "expense", "account": account})


def _first_send_held_then_retried(monkeypatch, history: RollingHistory, first_fails: bool
                                  ) -> dict[str, object]:
    """Send ``bank-1`` (a charge on day 101) from two threads: the first send's features
    are held until the retry has computed its own and waited 0.3 s (then computed, or raising when
    ``first_fails``); each thread's answer, or the error it raised, by name."""
    from titans_finance.core import rolling

    real, entered, release = rolling.build_features, threading.Event(), threading.Event()
    # the retry's own features are being computed: it is past its start and will wait for
    # the first send (on a loaded machine a thread may take longer than any fixed sleep to
    # get there, and a retry arriving after the first send ended tests something else)
    retry_computing = threading.Event()

    def first_one_held(*args, **kwargs):
        if not entered.is_set():
            entered.set()
            release.wait(5.0)
            if first_fails:
                raise RuntimeError("the models failed")
        else:
            retry_computing.set()
        return real(*args, **kwargs)

    monkeypatch.setattr(rolling, "build_features", first_one_held)
    answers: dict[str, object] = {}

    def send(name: str) -> threading.Thread:
        def call():
            try:
                answers[name] = history.features(_charges([101]), transaction_ids=["bank-1"])
            except RuntimeError as exc:
                answers[name] = exc
        thread = threading.Thread(target=call)
        thread.start()
        return thread

    first = send("first")
    assert entered.wait(5.0)
    retry = send("retry")
    assert retry_computing.wait(5.0)
    time.sleep(0.3)
    assert "retry" not in answers  # waiting for the first send's features
    release.set()
    first.join(5.0)
    retry.join(5.0)
    return answers


def test_a_call_into_one_account_goes_on_while_another_account_is_locked():
    history = RollingHistory(_state(last_day=100))
    history.features(_charges([101], account="busy"))
    done = threading.Event()
    with history._accounts["busy"].lock:  # as while a long batch walks "busy"
        worker = threading.Thread(target=lambda: (history.features(
            _charges([102, 103], account="other")), done.set()))
        worker.start()
        assert done.wait(5.0), "a call into another account waited for the busy one"
    worker.join()
    assert history.stats()["transactions"] == 3


@pytest.mark.parametrize("seconds, recorded", [(-0.001, 0), (60.0, 2)])
def test_a_call_past_its_deadline_stops_before_recording_anything(seconds, recorded):
    history = RollingHistory(_state(last_day=100))
    deadline = time.monotonic() + seconds
    if recorded:
        history.features(_charges([101, 102]), deadline=deadline)
    else:
        with pytest.raises(DeadlineExceeded):
            history.features(_charges([101, 102]), deadline=deadline)
    assert history.stats()["transactions"] == recorded
    assert history.stats()["accounts"] == (1 if recorded else 0)


def test_a_refused_call_leaves_no_account_behind():
    """A call refused for a conflicting transaction_id takes no account: 1,000 new account
    names in it would otherwise evict other accounts' histories."""
    from titans_finance.core.rolling import TransactionIdConflict

    history = RollingHistory(_state(last_day=100), RollingLimits(max_accounts=500))
    history.features(_charges([101], account="kept"), transaction_ids=["bank-1"])
    flood = pd.concat([_charges([102], account=f"new-{k}") for k in range(1_000)]
                      + [_charges([103], account="kept")], ignore_index=True)
    with pytest.raises(TransactionIdConflict):
        history.features(flood, transaction_ids=[None] * 1_000 + ["bank-1"])
    stats = history.stats()
    assert (stats["accounts"], stats["transactions"], stats["forgotten_accounts"]) == (1, 1, 0)


def test_the_work_of_a_call_counts_what_forgetting_went_through():
    """Without forgetting, a call costs one unit per row; rows that make the account forget
    cost the remembered rows gone through as well; an account whose remembered rows are
    out of date order (a late call) is rebuilt, and costs every one of them."""
    limits = RollingLimits(window_days=10)
    history = RollingHistory(_state(last_day=100), limits)
    assert history.features(_charges([101, 102, 103])).attrs["history_work"] == 3
    # days 115 and 116: 101-103 are more than 10 days before: forgotten
    assert history.features(_charges([115, 116])).attrs["history_work"] > 2
    late = RollingHistory(_state(last_day=100), limits)
    late.features(_charges(list(range(110, 120))))
    late.features(_charges([109]))  # a day late: the account is out of date order
    # 121 forgets 109 and 110: the account is rebuilt from all 12 remembered rows
    assert late.features(_charges([121])).attrs["history_work"] == 1 + 12
    in_order = RollingHistory(_state(last_day=100), limits)
    in_order.features(_charges(list(range(109, 120))))
    # in date order, only the merchants and the category the forgotten rows touched
    assert 1 + 2 < in_order.features(_charges([121])).attrs["history_work"]


def test_a_batch_costs_the_same_work_in_any_order():
    days = list(range(101, 401, 3))
    works = []
    for order in (days, days[::-1], list(np.random.default_rng(0).permutation(days))):
        history = RollingHistory(_state(last_day=100), RollingLimits(window_days=30))
        works.append(history.features(_charges(order)).attrs["history_work"])
        assert history.stats()["transactions"] == len([d for d in days if d >= days[-1] - 30])
    assert works[0] == works[1] == works[2]


def test_a_retry_sent_while_the_first_send_is_still_scored_gets_the_first_answer(monkeypatch):
    """No lock is held while features are computed: a retry of a transaction_id whose
    first send is still being scored by another call waits for that call's features, and
    is answered with them (not recorded twice)."""
    history = RollingHistory(_state(last_day=100))
    answers = _first_send_held_then_retried(monkeypatch, history, first_fails=False)
    pd.testing.assert_frame_equal(answers["retry"], answers["first"])
    assert history.stats()["transactions"] == 1


@pytest.mark.parametrize("same_day", [False, True])
def test_a_rebuilt_account_whose_rows_are_in_order_again_forgets_as_an_in_order_one(same_day):
    """A late row makes an account out of date order; once forgetting has dropped it (the
    account rebuilt), the rows it remembers are in date order again (two on one day are in
    order) and the next forgetting costs exactly what it costs an account that was never
    out of order (the touched merchants' and categories' rows), not a rebuild's cost (every
    remembered row)."""
    limits = RollingLimits(window_days=10)
    days = list(range(110, 120)) + ([115] if same_day else [])
    late = RollingHistory(_state(last_day=100), limits)
    late.features(_charges(days))
    late.features(_charges([109]))  # a day late: out of date order
    late.features(_charges([121]))  # forgets 109 and 110: rebuilt, in order again
    never_late = RollingHistory(_state(last_day=100), limits)
    never_late.features(_charges(sorted(days + [109])))
    never_late.features(_charges([121]))
    assert late.stats() == never_late.stats()
    rebuild = 1 + late.stats()["transactions"] + 1  # the row, every remembered row with it
    work = late.features(_charges([122])).attrs["history_work"]  # forgets 111
    assert work == never_late.features(_charges([122])).attrs["history_work"] != rebuild


def test_rows_recorded_by_a_call_that_failed_are_forgotten_like_any_other(monkeypatch):
    """A call whose features failed after its rows were recorded keeps the rows but frees
    their ids (they answer no retry); forgetting those rows later finds no id to free and
    goes on (in date order and rebuilt)."""
    from titans_finance.core import rolling

    history = RollingHistory(_state(last_day=100), RollingLimits(window_days=10))
    real = rolling.build_features

    def failing(*args, **kwargs):
        raise RuntimeError("the models failed")

    monkeypatch.setattr(rolling, "build_features", failing)
    with pytest.raises(RuntimeError):
        history.features(_charges([101, 102]), transaction_ids=["bank-1", "bank-2"])
    monkeypatch.setattr(rolling, "build_features", real)
    assert history.stats()["transactions"] == 2
    history.features(_charges([110]))
    history.features(_charges([113]))  # 101 and 102 forgotten (in date order)
    assert history.stats()["forgotten_transactions"] == 2
    late = RollingHistory(_state(last_day=100), RollingLimits(window_days=10))
    late.features(_charges([105]))
    monkeypatch.setattr(rolling, "build_features", failing)
    with pytest.raises(RuntimeError):
        late.features(_charges([101]), transaction_ids=["bank-1"])  # late: out of order
    monkeypatch.setattr(rolling, "build_features", real)
    late.features(_charges([116]))  # 101 and 105 forgotten: rebuilt
    assert late.stats()["forgotten_transactions"] == 2


def test_forgetting_in_date_order_costs_the_rows_of_the_keys_it_touched():
    """Exactly: the row, the rows forgotten, and the remembered rows of each merchant and
    category a forgotten row had (what `AccountHistory.forget` recomputes)."""
    history = RollingHistory(_state(last_day=100), RollingLimits(window_days=10))
    history.features(_charges(list(range(109, 120))))
    remembered = list(range(111, 120)) + [121]  # 121 forgets 109 and 110 (cutoff 111)
    merchants = sum(1 for d in remembered if d % 7 in (109 % 7, 110 % 7))
    category = len(remembered)  # one category (none given): every remembered row
    assert history.features(_charges([121])).attrs["history_work"] == \
        1 + 2 + merchants + category


@pytest.mark.parametrize("day, work", [(114, 1), (115, 1), (116, 1 + 3)])
def test_an_out_of_order_account_costs_one_a_row_until_its_oldest_row_is_past_the_window(
        day, work):
    """window_days=10, rows 112 then 105 (late: out of date order). A row at 114 or 115
    (the cutoff is the oldest row's day itself) forgets nothing and costs 1; at 116 the
    row at 105 is forgotten and the account rebuilt from its 3 rows."""
    history = RollingHistory(_state(last_day=100), RollingLimits(window_days=10))
    history.features(_charges([112]))
    history.features(_charges([105]))
    assert history.features(_charges([day])).attrs["history_work"] == work
    assert history.stats()["forgotten_transactions"] == (work > 1)


def test_a_retry_whose_first_send_failed_is_scored_against_the_history_as_it_stands(
        monkeypatch):
    """A retry that waited for a first send whose features then failed has no first answer
    to take: it is scored against its account's history as it stands (which holds the
    first send's recorded row), as a call that records nothing would be, never against an
    empty history."""
    history = RollingHistory(_state(last_day=100))
    history.features(_charges([95, 97, 99]))
    answers = _first_send_held_then_retried(monkeypatch, history, first_fails=True)
    assert isinstance(answers["first"], RuntimeError)
    as_it_stands = history.features(_charges([101]), record=False)
    pd.testing.assert_frame_equal(answers["retry"], as_it_stands)
    assert history.stats()["transactions"] == 4  # the first send's row, recorded once


def test_a_row_on_the_accounts_last_day_keeps_it_in_date_order():
    """Rows recorded one call at a time, the second on the same day as the first (a tie is
    in date order): forgetting then costs the in-order price, not a rebuild's."""
    history = RollingHistory(_state(last_day=100), RollingLimits(window_days=10))
    history.features(_charges(list(range(109, 115))))
    for day in (115, 115, 116, 117, 118, 119):
        history.features(_charges([day]))
    remembered = list(range(111, 120)) + [115, 121]  # 121 forgets 109 and 110
    merchants = sum(1 for d in remembered if d % 7 in (109 % 7, 110 % 7))
    assert history.features(_charges([121])).attrs["history_work"] == \
        1 + 2 + merchants + len(remembered)


def test_forgotten_accounts_add_up_their_rows():
    history = RollingHistory(_state(last_day=100), RollingLimits(max_accounts=1))
    history.features(_charges([101, 102], account="a"))
    history.features(_charges([101], account="b"))  # a (2 rows) forgotten
    history.features(_charges([101, 102, 103], account="c"))  # b (1 row) forgotten
    stats = history.stats()
    assert (stats["forgotten_accounts"], stats["forgotten_transactions"]) == (2, 3)
    assert (stats["accounts"], stats["transactions"]) == (1, 3)


def test_an_account_forgotten_while_a_call_walks_it_is_not_counted_after(monkeypatch):
    """max_accounts=1: a call into "b" forgets "a" while another call is still walking
    "a"; when that call ends, its rows are not counted in the totals (the account is gone)."""
    from titans_finance.core import rolling

    history = RollingHistory(_state(last_day=100), RollingLimits(max_accounts=1))
    real, entered, release = rolling.walk_fresh, threading.Event(), threading.Event()

    def a_waits(entry, *args, **kwargs):
        if entry.name == "a":
            entered.set()
            release.wait(5.0)
        return real(entry, *args, **kwargs)

    monkeypatch.setattr(rolling, "walk_fresh", a_waits)
    walking = threading.Thread(target=lambda: history.features(_charges([101, 102],
                                                                        account="a")))
    walking.start()
    assert entered.wait(5.0)
    history.features(_charges([101], account="b"))  # two accounts: "a" is forgotten
    release.set()
    walking.join(5.0)
    stats = history.stats()
    assert (stats["accounts"], stats["transactions"]) == (1, 1)
    assert stats["forgotten_accounts"] == 1
