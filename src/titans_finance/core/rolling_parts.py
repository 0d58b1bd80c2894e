"""The rolling history's parts (core/rolling.py): an account's recorded rows, the history
they lead to, its per-payee and per-category indices, its lock and counts (`Account`); a
call's rows as the walk reads them (`Call`), grouped per account in the order they are
taken (`account_groups`); what makes two sends of one transaction the same
(`transaction_fingerprints`)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from titans_finance.core.account_history import AccountHistory, Row
from titans_finance.core.history_state import HistoryState

# what a recorded transaction keeps (all `HistoryState.update` and a retry check need)
ROW_COLUMNS = ("date", "type", "description", "amount", "category", "reference", "account")
# the values that make two sends of one transaction_id the same transaction
FINGERPRINT = ("date", "type", "description", "amount", "category", "reference")


@dataclass(frozen=True)
class TrainingPart:
    """An account's training history: the `HistoryState` part and the same as an
    `AccountHistory` (read-only; recording works on a copy)."""

    state: HistoryState
    history: AccountHistory


@dataclass(slots=True)
class Recorded:
    """A remembered transaction: what it added to the history, its values (to rebuild a
    `HistoryState`; its date a `datetime`, which the cyclic garbage collector does not
    track, not a `Timestamp`, which it does: `Call.row_values`), its transaction_id."""

    row: Row
    values: tuple
    transaction_id: str | None


_NONE: dict = {}  # no stale key (read only)
# an account with no stale key holds this one empty set, not a set of its own (an empty
# set is 216 bytes: two per account, ~0.4 KB of a one-transaction account's ~4.9 KB)
NOTHING_STALE: frozenset = frozenset()


# an account with no transaction_id holds this one empty mapping, not a dict of its own (64
# bytes of a one-transaction account); read-only, so that a write is an error, not a leak
# into every account (`Account.remember_id` makes the account's own)
NO_IDS: Mapping = MappingProxyType({})


def _with_keys(stale: set[str] | frozenset, keys: set[str]) -> set[str] | frozenset:
    """``stale`` with ``keys`` added: in place once it is a set of the account's own; the
    shared empty one stays as it is while there is nothing to add."""
    if not keys:
        return stale
    if stale is NOTHING_STALE:
        return set(keys)
    stale.update(keys)
    return stale


class Account:
    """One account's recorded transactions and the history they lead to, with the lock
    that guards them (`RollingHistory._walk_all`)."""

    __slots__ = ("name", "part", "_history", "rows", "ids", "latest_day", "oldest_day",
                 "in_order", "by_merchant", "by_category", "lock", "counted", "forgotten",
                 "users", "evicted", "stale_merchants", "stale_categories")

    def __init__(self, name: str, part: TrainingPart):
        self.name = name
        self.part = part  # the training history's part of this account
        # the history its rows lead to; None while the account is at rest holding what
        # its rows alone rebuild (`rest`), built again when next read (`history`)
        self._history: AccountHistory | None = part.history.copy()
        # in the order recorded (a list: a deque's first block alone is ~760 bytes, and most
        # accounts hold a few rows; forgetting drops a prefix at once, `forget_first`)
        self.rows: list[Recorded] = []
        # transaction_id → [fingerprint, numeric features, text features, call position,
        # call] (the features are filled in once the recording call has computed them)
        self.ids: dict[str, list] | Mapping = NO_IDS
        self.latest_day = part.history.last_day
        self.oldest_day: int | None = None  # of the recorded rows
        # every row recorded since the history was last rebuilt was dated on or after the
        # account's latest day: ``rows`` (and each merchant's and category's rows) are in
        # date order, and what is forgotten is their beginning
        self.in_order = True
        # each key's remembered rows, in date order while ``in_order``: built when first
        # needed (`indexed`: the first forgetting of an in-order account), then kept up;
        # None until then (an account of a few rows never needs them)
        self.by_merchant: dict[str, list[Row]] | None = None
        self.by_category: dict[str, list[Row]] | None = None
        # keys whose rows were forgotten and whose sums in ``history`` are not recomputed
        # yet (`settle`): a key is recomputed once before it is next read, not once per
        # forgetting (a date-ordered batch into a new account forgets rows on most days)
        self.stale_merchants: set[str] | frozenset = NOTHING_STALE  # a set: `mark_stale`
        self.stale_categories: set[str] | frozenset = NOTHING_STALE
        self.lock = threading.Lock()
        self.counted = 0  # rows counted in the history's total (changed under its lock)
        self.forgotten = 0  # rows forgotten since the last count
        self.users = 0  # calls between taking this entry and counting their rows
        self.evicted = False

    @property
    def history(self) -> AccountHistory:
        """The history the account's rows lead to (under its lock)."""
        if self._history is None:
            self._history = AccountHistory.rebuilt(self.part.history,
                                                   [r.row for r in self.rows])
        return self._history

    @history.setter
    def history(self, history: AccountHistory) -> None:
        self._history = history

    def rest(self) -> None:
        """At the end of a call (under its lock): an account of one remembered row and no
        training history lets go of its history when `AccountHistory.rebuilt` gives it
        back exactly (`_rebuilds_exactly`): ~2.6 KB of an account of one transaction
        (~4.4 KB; issue 27's 10,000 new accounts), rebuilt in ~10 µs when next read."""
        if (self._history is not None and len(self.rows) == 1
                and self.part.history.last_day is None and self.in_order
                and not self.stale_merchants and not self.stale_categories
                and _rebuilds_exactly(self._history, self.rows[0].row)):
            self._history = None

    def remember_id(self, transaction_id: str, known: list) -> None:
        if self.ids is NO_IDS:
            self.ids = {}
        self.ids[transaction_id] = known

    def append(self, recorded: Recorded) -> None:
        self.rows.append(recorded)
        if self.by_merchant is not None:
            self._index(recorded.row)

    def _index(self, row: Row) -> None:
        for index, key in ((self.by_merchant, row.merchant), (self.by_category, row.category)):
            rows = index.get(key)
            if rows is None:
                index[key] = [row]
            else:
                rows.append(row)

    def indexed(self) -> bool:
        """Build the per-key indices of the remembered rows if they are not kept yet;
        True if they were kept already."""
        if self.by_merchant is not None:
            return True
        self.by_merchant, self.by_category = {}, {}
        for recorded in self.rows:
            self._index(recorded.row)
        return False

    def reindex(self) -> None:
        """The remembered rows changed wholesale: the indices are built when next needed
        (the history is built anew with them: nothing is stale)."""
        self.by_merchant = self.by_category = None
        self.stale_merchants = self.stale_categories = NOTHING_STALE

    def mark_stale(self, merchants: set[str], categories: set[str]) -> None:
        """These keys' sums are to be recomputed before they are next read (`settle`)."""
        self.stale_merchants = _with_keys(self.stale_merchants, merchants)
        self.stale_categories = _with_keys(self.stale_categories, categories)

    def settle(self, merchant: str, category: str) -> None:
        """The sums of ``merchant`` and ``category`` recomputed if they are stale (before
        either is read or recorded)."""
        merchants = categories = _NONE
        if merchant in self.stale_merchants:
            self.stale_merchants.discard(merchant)
            merchants = {merchant: self.by_merchant.get(merchant, [])}
        if category in self.stale_categories:
            self.stale_categories.discard(category)
            categories = {category: self.by_category.get(category, [])}
        if merchants is not _NONE or categories is not _NONE:
            self.history.resum(self.part.history, merchants, categories)

    def settle_all(self) -> None:
        """Every stale key's sums recomputed (the history exact again)."""
        if self.stale_merchants or self.stale_categories:
            self.history.resum(
                self.part.history,
                {k: self.by_merchant.get(k, []) for k in self.stale_merchants},
                {k: self.by_category.get(k, []) for k in self.stale_categories})
            self.stale_merchants = self.stale_categories = NOTHING_STALE

    def forget_first(self, count: int) -> list[Recorded]:
        """Take the ``count`` first remembered rows out (their keys' indices unchanged)."""
        forgotten = self.rows[:count]
        del self.rows[:count]
        return forgotten


def _rebuilds_exactly(history: AccountHistory, row: Row) -> bool:
    """True if ``history`` is exactly `AccountHistory.rebuilt` of no training history and
    ``row``: that row alone in every structure, each window's lists started at it (nothing
    pruned or trimmed before it, so its running sums are the rebuilt ones to the bit; sums
    recomputed after forgetting are `rebuilt`'s own, `AccountHistory.resum`)."""
    if not (history.count == 1 and history.last_day == row.day and len(history.merchant) == 1
            and len(history.category) == 1 and len(history.tail_days) == 1
            and len(history.merchant_tail) == 1 and len(history.category_tail) == 1
            and row.merchant in history.merchant and row.category in history.category):
        return False
    return all(window is not None and len(window.days) == 1 and window.start == 0
               and window.dropped == 0 and window.cummax is None
               and window.sequences[0] == row.sequence
               for window in (history.merchant_tail.get(row.merchant),
                              history.category_tail.get(row.category), history.tail))


@dataclass(frozen=True)
class CallArrays:
    """The values of a call's rows the walk reads, as Python lists."""

    merchants: list
    categories: list
    days: list
    cents: list
    amounts: list
    logs: list


class Call:
    """One `RollingHistory.features` call: its rows and what was asked of each. ``done``
    is set once the features of the rows it recorded with an id are kept (or failed): a
    retry of one of them in another call waits for it."""

    def __init__(self, rows: pd.DataFrame, arrays: dict[str, Any], record: np.ndarray,
                 ids: list, fingerprints: list, accounts: np.ndarray | None = None):
        amounts = arrays["abs_amount"]
        self.rows, self.record, self.ids, self.fingerprints = rows, record, ids, fingerprints
        # the rows' accounts as the walk names their accounts (`account_groups`): a kept
        # row's account is the account's own name object, not an equal copy
        self.accounts = accounts
        self.source = arrays  # the same values as arrays (core/fresh_walk.py)
        self.has_ids = any(i is not None for i in ids)
        self.cents = np.round(amounts * 100).astype("int64")
        self.arrays = CallArrays(arrays["merchant_group"].strings().tolist(),
                              arrays["category_group"].strings().tolist(),
                              arrays["day"].tolist(), self.cents.tolist(),
                              amounts.tolist(), arrays["log_abs_amount"].tolist())
        self.done = threading.Event()
        self._values: list[tuple] | None = None

    def row_values(self) -> list[tuple]:
        """The rows' `ROW_COLUMNS` (a reindex cost ~0.5 ms a call: only when recording)."""
        if self._values is None:
            self._values = list(zip(*(self._column(c) for c in ROW_COLUMNS), strict=True))
        return self._values

    def _column(self, name: str, taken: np.ndarray | None = None) -> list:
        """One `ROW_COLUMNS` column's values (``taken``: at these positions), its texts
        `_shared`."""
        rows = self.rows
        if name not in rows:
            return [np.nan] * (len(rows) if taken is None else len(taken))
        if name == "account" and self.accounts is not None:
            accounts = self.accounts
            values = (accounts if taken is None else accounts[taken]).tolist()
        else:
            values = _untracked(rows[name], taken)
        return _shared(values) if name in SHARED_COLUMNS else values

    def row_values_at(self, positions: list[int]) -> list[tuple]:
        """`row_values` of these rows only (the rows a walk keeps)."""
        if self._values is not None:
            return [self._values[i] for i in positions]
        taken = np.asarray(positions, dtype=np.intp)
        return list(zip(*(self._column(c, taken) for c in ROW_COLUMNS), strict=True))


# text columns whose values a call's kept rows repeat (one account; a few types; payees)
SHARED_COLUMNS = ("type", "description", "category", "reference", "account")


def _shared(values: list) -> list:
    """``values`` with equal ones as one object: read from Arrow, each row's text is an
    object of its own, and an account's remembered rows repeat their account and type
    on every row, a call's rows their few types and categories (~110 bytes a row kept;
    ~10 µs for a new account's few dozen kept rows, ~0.3 ms a 1,000-row call). The
    first of equal values is kept (an account's: its name, `Call.accounts`). Equal
    values only: what each row holds is unchanged."""
    seen: dict = {}
    return [seen.setdefault(value, value) for value in values]


def _untracked(column: pd.Series, taken: np.ndarray | None = None) -> list:
    """A column's values (``taken``: at these positions only); dates as
    `datetime.datetime` (a pandas `Timestamp` is an object the garbage collector tracks, a
    `datetime` is not; `pd.to_datetime` reads both). Numpy and str columns are read as
    arrays (``Series.take`` and ``tolist`` cost ~50 µs a column, most of a walk's few kept
    rows); dates by numpy's ``datetime64[us]`` (~10x ``dt.to_pydatetime``); any other
    column, and dates with NaT, as pandas gives them."""
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "fiubOM":
        values = column.to_numpy()
        values = values if taken is None else values[taken]
        if dtype.kind != "M":
            return values.tolist()
        if not np.isnat(values).any():
            return values.astype("datetime64[us]").tolist()
    elif isinstance(dtype, pd.StringDtype):
        values = column.to_numpy(dtype=object)
        return (values if taken is None else values[taken]).tolist()
    column = column if taken is None else column.take(taken)
    if column.dtype.kind == "M" and column.dt.tz is None:
        return list(column.dt.to_pydatetime())
    return column.tolist()


def account_groups(accounts: np.ndarray, days: np.ndarray, date_order: bool
                    ) -> list[tuple[str, list[int]]]:
    """Each account's row positions, accounts in name order (the order their locks are
    taken in), rows in date order then input order (``date_order``) or input order."""
    codes, names = pd.factorize(accounts)
    n = len(accounts)
    order = (np.lexsort((np.arange(n), days, codes)) if date_order
             else np.argsort(codes, kind="stable"))
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    groups = [(str(name), order[bounds[k]:bounds[k + 1]].tolist())
              for k, name in enumerate(names)]
    groups.sort(key=lambda group: group[0])
    return groups


def day_numbers(dates: pd.Series) -> np.ndarray:
    return pd.to_datetime(dates).to_numpy().astype("datetime64[D]").astype("int64")


def transaction_fingerprints(rows: pd.DataFrame) -> list[tuple]:
    """What makes two sends of one transaction the same: its values as the model reads
    them (day, type, description, amount to the cent, category, payee)."""
    columns = []
    for name in FINGERPRINT:
        if name == "date":
            columns.append(day_numbers(rows["date"]).tolist())
        elif name == "amount":
            columns.append(np.round(rows["amount"].to_numpy(dtype="float64") * 100).astype(
                "int64").tolist())
        elif name in rows:
            columns.append([None if pd.isna(v) else str(v) for v in rows[name].tolist()])
        else:
            columns.append([None] * len(rows))
    return list(zip(*columns, strict=True))
