"""A new account's rows in date order walked at once (core/fresh_walk.py) against the same
rows walked one at a time (core/rolling.py `_walk`): the same features to the bit, the
same work, and the account left with the same structures (rows, indices, sums, windows
and their running sums, tail), so every later call answers the same too."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import titans_finance.core.fresh_walk as fresh_walk
from tests.models.anomaly.test_model import _life
from titans_finance.core.history_state import HistoryState
from titans_finance.core.rolling import RollingHistory, RollingLimits

ROW_BY_ROW = 10**9  # FRESH_WALK_MIN_ROWS that sends every call row by row


@pytest.fixture(scope="module")
def state() -> HistoryState:
    return HistoryState.from_frame(_life(seed=5).assign(account="main"))


def _new_account(days: int, seed: int, account: str = "new") -> pd.DataFrame:
    """An ordinary life in an account the training history does not hold: categories of
    its own, a fifth of the rows without a payee (keyed by description), in random order."""
    frame = _life(days=days, seed=seed).assign(account=account)
    rng = np.random.default_rng(seed)
    frame["category"] = rng.choice(["groceries", "transport", "dining", None, "rent"],
                                   len(frame))
    frame.loc[rng.random(len(frame)) < 0.2, "reference"] = None
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def _snapshot(history: RollingHistory, account: str) -> dict:
    """Every structure an account holds, as exact text (repr of floats round-trips)."""
    entry = history._accounts[account]
    held = entry.history

    def window(w):
        """What a window holds from ``start`` on (the rows pruned before it are never read;
        the at-once walk lets them go: `_Window.trim`), with the running sums from there,
        and how many rows its lists have pruned since they were rebuilt (trimmed or not:
        the rule for rebuilding them counts both)."""
        start = w.start
        tail = (lambda values: None if values is None else values[start:])
        return (tail(w.days), tail(w.values), tail(w.cents), tail(w.sequences),
                tail(w.cummax), tail(w.prefix), start + w.dropped, w.in_order)

    def index(keys, key):
        """A per-key index of the remembered rows; one not built yet (`Account.indexed`
        builds it when needed) as it would be built: each key's rows in order."""
        if keys is None:
            keys = {}
            for recorded in entry.rows:
                keys.setdefault(getattr(recorded.row, key), []).append(recorded.row)
        return sorted(keys.items())

    return {
        "rows": repr([(r.row, r.values, r.transaction_id) for r in entry.rows]),
        "account": repr((entry.ids, entry.latest_day, entry.oldest_day, entry.in_order,
                         entry.stale_merchants, entry.stale_categories, entry.forgotten,
                         entry.counted)),
        "indices": repr((index(entry.by_merchant, "merchant"),
                         index(entry.by_category, "category"))),
        "sums": repr((sorted(held.merchant.items()), sorted(held.category.items()))),
        "windows": repr((sorted((k, window(v)) for k, v in held.merchant_tail.items()),
                         sorted((k, window(v)) for k, v in held.category_tail.items()))),
        "tail": repr((window(held.tail), held.count, held.last_day, sorted(held.tail_days))),
    }


def _walked(monkeypatch, state, limits, calls, minimum):
    monkeypatch.setattr(fresh_walk, "FRESH_WALK_MIN_ROWS", minimum)
    history = RollingHistory(state, limits)
    return history, [history.features(frame) for frame in calls]


@pytest.mark.parametrize("days, seed, limits", [
    (400, 1, RollingLimits()),  # forgets on most days; windows rebuilt (the fares)
    (700, 4, RollingLimits()),
    (100, 3, RollingLimits()),  # nothing forgotten
    (400, 2, RollingLimits(window_days=120)),  # remembered longer than the tail
    (400, 1, RollingLimits(window_days=30)),  # shorter than the tail: row by row
    (400, 1, RollingLimits(max_per_account=40)),  # the cap crossed: row by row
])
def test_a_new_account_walked_at_once_is_the_row_by_row_walk_to_the_bit(
        monkeypatch, state, days, seed, limits):
    first = _new_account(days, seed)
    after = _life(days=40, seed=seed + 10, start=str(
        (first["date"].max() + pd.Timedelta(days=1)).date())).assign(account="new")
    calls = [first, after, _new_account(60, seed + 1, account="other")]
    at_once, answers = _walked(monkeypatch, state, limits, calls[:1], 16)
    row_by_row, expected = _walked(monkeypatch, state, limits, calls[:1], ROW_BY_ROW)
    pd.testing.assert_frame_equal(answers[0], expected[0], check_exact=True)
    assert answers[0].attrs == expected[0].attrs  # the same work
    assert _snapshot(at_once, "new") == _snapshot(row_by_row, "new")
    # the later calls (into the same account, and another new one) answer the same
    monkeypatch.setattr(fresh_walk, "FRESH_WALK_MIN_ROWS", 16)
    later = [at_once.features(frame) for frame in calls[1:]]
    monkeypatch.setattr(fresh_walk, "FRESH_WALK_MIN_ROWS", ROW_BY_ROW)
    for got, frame in zip(later, calls[1:], strict=True):
        expected = row_by_row.features(frame)
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
        assert got.attrs == expected.attrs  # the same work (forgetting builds the indices)
    assert at_once.stats() == row_by_row.stats()
    assert _snapshot(at_once, "new") == _snapshot(row_by_row, "new")


def test_the_cases_it_does_not_cover_are_walked_row_by_row(monkeypatch, state):
    """Rows with ids, rows not recorded, a call in input order with late rows, an account
    that already holds rows: the at-once walk declines (and the answers stay the walk's)."""
    taken = []
    original = fresh_walk.walk_fresh

    def spy(*args, **kwargs):
        work = original(*args, **kwargs)
        taken.append(work is not None)
        return work

    import titans_finance.core.rolling as rolling

    monkeypatch.setattr(rolling, "walk_fresh", spy)
    frame = _new_account(120, 7)
    history = RollingHistory(state)
    history.features(frame.assign(account="ids"), transaction_ids=[f"t{i}" for i in
                                                                   range(len(frame))])
    history.features(frame.assign(account="unrecorded"),
                     record=[i % 2 == 0 for i in range(len(frame))])
    history.features(frame.assign(account="as-sent"), date_order=False)
    history.features(frame.assign(account="walked"))
    history.features(frame.assign(account="walked"))  # not new any more
    assert taken == [False, False, False, True, False]


def test_a_batch_into_a_new_account_answers_as_its_rows_sent_one_at_a_time(state):
    """The service's promise, with the at-once walk on: a date-ordered batch into a new
    account gives each row what it gets sent alone, in date order, to the bit."""
    frame = _new_account(300, 11)
    batch = RollingHistory(state).features(frame)
    singles = RollingHistory(state)
    ordered = frame.iloc[np.lexsort((np.arange(len(frame)), frame["date"].to_numpy()))]
    one_by_one = pd.concat([singles.features(ordered.iloc[[k]])
                            for k in range(len(ordered))]).loc[frame.index]
    pd.testing.assert_frame_equal(batch, one_by_one, check_exact=True)


def test_a_kept_row_and_its_window_hold_one_object_per_value(monkeypatch, state):
    """After the at-once walk, a remembered row's day, amount and cents are the objects
    its payee's window holds (one each, not two equal ones), and its window holds no
    row pruned before (`_Window.trim`)."""
    monkeypatch.setattr(fresh_walk, "FRESH_WALK_MIN_ROWS", 16)
    history = RollingHistory(state)
    frame = _new_account(400, 1)
    history.features(frame)
    entry = history._accounts["new"]
    assert 0 < len(entry.rows) < len(frame)  # some forgotten, some kept
    for recorded in entry.rows:
        row = recorded.row
        window = entry.history.merchant_tail[row.merchant]
        at = window.sequences.index(row.sequence)
        assert window.days[at] is row.day
        assert window.values[at] is row.abs_amount
        assert window.cents[at] is row.cents
    windows = [*entry.history.merchant_tail.values(), *entry.history.category_tail.values(),
               entry.history.tail]
    assert all(w.start == 0 for w in windows)
    assert any(w.dropped > 0 for w in windows)
