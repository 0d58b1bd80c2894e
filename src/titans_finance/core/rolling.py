"""Rolling history per account: what the service scores sees what it scored before.

The models ship with a `HistoryState`: the training export summarised at its end. Scored
against that state alone, a charge sent twice is never a duplicate (the state never
moves). `RollingHistory` keeps, per account, the training history *followed by the
transactions recorded since*, so the second send of a charge is scored against a
history that holds the first.

Semantics (docs/serving.md, "Rolling history"):

- **Arrival order.** Transactions are scored one at a time in the order they arrive
  (a call's rows in their order), each against its account's history as it stands —
  ``build_features(row, state, independent=True)`` — and a recorded one is then added
  to it — ``state = state.update(row)``. This is the definition. `features` keeps each
  account's history as plain structures updated row by row in microseconds
  (core/account_history.py): a loop over the call's rows reads what each row's history
  holds and records it, in any date order, and one vectorised `build_features` call then
  computes every row's features from those values (tested against the definition run
  with `HistoryState`).
- **Per account.** A row's history is its own account's (``account``; none: the
  training's default account). One account's traffic never changes another's answers.
- **Late transactions.** A transaction dated before its account's latest day is scored
  as the latest one (the feature code's rule: no negative gaps, windows end at the latest
  day) and recorded with its own date.
- **Not recorded** (``record`` False): scored against the history as it stands (plus the
  recorded rows before it in the same call), and forgotten.
- **Retries.** A row with a ``transaction_id`` already recorded in its account (with the
  same date, amount, description, payee, category and type) is a client's retry, not a
  second charge: it gets the features it was scored with the first time and is not
  recorded again. The same id with other values is refused (`TransactionIdConflict`),
  before anything of the call is recorded.
- **Bounded memory** (`RollingLimits`). Per account at most ``max_per_account`` recorded
  transactions (when one more arrives, the oldest quarter is forgotten) and none dated
  more than ``window_days`` before the account's latest; in all, at most ``max_transactions``
  recorded transactions and ``max_accounts`` accounts (least recently used forgotten
  first). Forgetting rebuilds the account's history as the training history followed by
  the transactions it still remembers, in date order. Accounts that were only read take
  no memory beyond a small cache of training-history parts.
- **One lock.** Reading and recording are one critical section
  (`threading.RLock`): the service's micro-batch thread and batch thread never see a
  half-updated account.
- Nothing is persisted: a restart starts again from the training history. `adopt`
  carries recorded transactions over to the history of newly loaded models.

No Kedro import: the service, `models.anomaly.score_with_rolling_history` and the
benchmarks call this same code.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from titans_finance.core.account_history import AccountHistory, Row
from titans_finance.core.features import (
    TEXT_RAW,
    FeatureParams,
    HistoryLookups,
    HistoryState,
    build_features,
    lookup_columns,
    row_accounts,
    row_arrays,
)

# what a recorded transaction keeps (all `HistoryState.update` and a retry check need)
ROW_COLUMNS = ("date", "type", "description", "amount", "category", "reference", "account")
# the values that make two sends of one transaction_id the same transaction
_FINGERPRINT = ("date", "type", "description", "amount", "category", "reference")
BASE_PART_CACHE = 64  # training-history parts of accounts kept ready (read-only accounts)


@dataclass(frozen=True)
class RollingLimits:
    """Bounds of the rolling history (docs/serving.md has the memory they imply)."""

    window_days: int = 90
    max_per_account: int = 2_000
    max_transactions: int = 100_000
    max_accounts: int = 10_000

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{item.name} must be a whole number of at least 1, "
                                 f"got {value!r}")


class TransactionIdConflict(ValueError):
    """A transaction_id already recorded in its account, sent again with other values."""

    def __init__(self, position: int, transaction_id: str, account: str):
        super().__init__(f"transaction_id {transaction_id!r} was already recorded in account "
                         f"{account!r} with other values (date, amount, description, payee, "
                         f"category or type); a retry must send the same transaction")
        self.position, self.transaction_id, self.account = position, transaction_id, account


@dataclass(frozen=True)
class _Part:
    """An account's training history: the `HistoryState` part and the same as an
    `AccountHistory` (read-only; recording works on a copy)."""

    state: HistoryState
    history: AccountHistory


@dataclass(slots=True)
class _Recorded:
    """A remembered transaction: what it added to the history, its values (to rebuild a
    `HistoryState`), its transaction_id."""

    row: Row
    values: tuple
    transaction_id: str | None


class _Account:
    """One account's recorded transactions and the history they lead to."""

    __slots__ = ("part", "history", "rows", "ids", "latest_day", "oldest_day", "in_order")

    def __init__(self, part: _Part):
        self.part = part  # the training history's part of this account
        self.history = part.history.copy()
        self.rows: deque[_Recorded] = deque()  # oldest first
        # transaction_id → [fingerprint, numeric features, text features, call position]
        # (the features are filled in once the recording call has computed them)
        self.ids: dict[str, list] = {}
        self.latest_day = part.history.last_day
        self.oldest_day: int | None = None  # of the recorded rows
        # every row recorded since the history was last rebuilt came in date order
        self.in_order = True


class RollingHistory:
    """The per-account rolling history on top of a training `HistoryState` (see the
    module docstring)."""

    def __init__(self, base: HistoryState, limits: RollingLimits | None = None,
                 feature_params: FeatureParams | dict | None = None):
        self.base = base
        self.limits = limits or RollingLimits()
        self.feature_params = FeatureParams.from_any(feature_params)
        self.default_account = base.default_account
        self._positions: dict[str, tuple[np.ndarray, ...]] | None = None
        self._base_parts: OrderedDict[str, _Part] = OrderedDict()
        empty = HistoryState(max_window_days=base.max_window_days)
        self._empty = _Part(empty, AccountHistory(self.feature_params.windows,
                                                  base.max_window_days))
        self._accounts: OrderedDict[str, _Account] = OrderedDict()
        self._transactions = 0
        self._sequence = 0
        self._lock = threading.RLock()
        self.forgotten_accounts = 0
        self.forgotten_rows = 0
        self._columns: list[str] | None = None  # numeric feature columns (retries)
        self._layout: list[str] = []  # every feature column, in order
        self._width = len(lookup_columns(self.feature_params.windows))

    # ------------------------------------------------------------------ reading
    def _base_part(self, account: str) -> _Part:
        """The training history of one account (cached: built once per account, not per
        request)."""
        if account in self._base_parts:
            self._base_parts.move_to_end(account)
            return self._base_parts[account]
        if self.base.accounts == [account]:
            state = self.base  # a single-account history is its account's part
        else:
            if self._positions is None:
                self._positions = self.base.account_positions()
            positions = self._positions.get(account)
            if positions is None:  # no training history: one shared empty part
                return self._empty
            state = self.base.for_account(account, positions)
        part = _Part(state, AccountHistory.from_state(state, account,
                                                      self.feature_params.windows))
        self._base_parts[account] = part
        while len(self._base_parts) > BASE_PART_CACHE:
            self._base_parts.popitem(last=False)
        return part

    def state(self, account: str | None = None) -> HistoryState:
        """An account's history as it stands, as a `HistoryState` (training part followed
        by the recorded transactions it remembers, in date order)."""
        account = self.default_account if account in (None, "") else str(account)
        with self._lock:
            entry = self._accounts.get(account)
            if entry is None:
                return self._base_part(account).state
            if not entry.rows:
                return entry.part.state
            return entry.part.state.update(self._frame(list(entry.rows)))

    def stats(self) -> dict[str, Any]:
        """Counts as they stand, read without the lock (each is one atomic read): /models
        answers at once while a large batch is being recorded."""
        return {"accounts": len(self._accounts), "transactions": self._transactions,
                "forgotten_accounts": self.forgotten_accounts,
                "forgotten_transactions": self.forgotten_rows,
                "limits": {f.name: getattr(self.limits, f.name) for f in fields(self.limits)}}

    # ------------------------------------------------------------------ scoring
    def features(self, transactions: pd.DataFrame, record: bool | Sequence[bool] = True,
                 transaction_ids: Sequence[str | None] | None = None) -> pd.DataFrame:
        """Features of each row (input order = arrival order), each against its account's
        history as it stands when the row arrives; rows with ``record`` True are then
        added to it. Raises `TransactionIdConflict` before recording anything."""
        n = len(transactions)
        if n == 0:
            return build_features(transactions, self.base, self.feature_params,
                                  independent=True)
        record = np.broadcast_to(np.asarray(record, dtype=bool), (n,))
        ids = [None if i in (None, "") else str(i) for i in (transaction_ids or [None] * n)]
        if len(ids) != n:
            raise ValueError(f"{len(ids)} transaction ids for {n} transactions")
        # the arrival position orders a call's rows of the same day (the features' tie-break)
        rows = transactions.reset_index(drop=True).assign(
            account=row_accounts(transactions, self.default_account),
            source_row=np.arange(1, n + 1))
        # a row without a merchant is keyed by the payee its description named in the
        # training history (as the pipeline keyed it), never by another row of the call
        arrays = row_arrays(rows, self.default_account, self.base.payees, learn=False)
        accounts = rows["account"].tolist()
        fingerprints = _fingerprints(rows)
        with self._lock:
            self._refuse_conflicts(accounts, ids, fingerprints)
            values, retries, filled = self._walk(rows, arrays, accounts, record, ids,
                                                 fingerprints)
            self._enforce_totals()
        try:
            out = build_features(rows, self.base, self.feature_params, base=arrays,
                                 lookups=HistoryLookups.from_matrix(
                                     np.array(values, dtype="float64").reshape(n, self._width),
                                     self.feature_params.windows))
        except BaseException:
            with self._lock:  # recorded ids whose features were never computed: no retry
                for entry, transaction_id, position in filled:
                    known = entry.ids.get(transaction_id)
                    if known is not None and known[1] is None and known[3] == position:
                        del entry.ids[transaction_id]
            raise
        if filled or retries:
            out = self._first_answers(out, retries, filled)
        out.index = transactions.index
        return out

    def _walk(self, rows: pd.DataFrame, arrays: dict[str, Any], accounts: list[str],
              record: np.ndarray, ids: list, fingerprints: list
              ) -> tuple[list[float], dict[int, Any], list]:
        """Each row in arrival order: what its account's history holds for it (flat list,
        `lookup_columns` per row), then recorded if it is to be. Returns those values, the
        retries (position → the first answer's features, or the position in this call of
        the row first sent with the id) and the rows recorded with an id."""
        merchants = arrays["merchant_group"].strings().tolist()
        categories = arrays["category_group"].strings().tolist()
        days = arrays["day"].tolist()
        amounts = arrays["abs_amount"]
        logs = arrays["log_abs_amount"].tolist()
        cents = np.round(amounts * 100).astype("int64").tolist()
        amounts = amounts.tolist()
        row_values = None
        window_days = self.limits.window_days
        values: list[float] = []
        retries: dict[int, Any] = {}
        filled: list = []
        no_values = [0.0] * self._width
        for i, account in enumerate(accounts):
            entry = self._accounts.get(account)
            transaction_id = ids[i]
            if transaction_id is not None and entry is not None and transaction_id in entry.ids:
                _, numeric, text, position = entry.ids[transaction_id]
                retries[i] = position if numeric is None else (numeric, text)
                values += no_values
                continue
            day = days[i]
            latest = (entry.latest_day if entry is not None
                      else self._base_part(account).history.last_day)
            if not (record[i] and (latest is None or day >= latest - window_days)):
                # scored, not recorded (asked not to, or older than the window: it would be
                # forgotten at once)
                history = entry.history if entry is not None else self._base_part(
                    account).history
                history.read(merchants[i], categories[i], day, cents[i], values)
                continue
            if entry is None:
                entry = self._accounts[account] = _Account(self._base_part(account))
            else:
                self._accounts.move_to_end(account)
            history = entry.history
            history.read(merchants[i], categories[i], day, cents[i], values)
            if row_values is None:  # the columns as lists (a reindex cost ~0.5 ms a call)
                row_values = list(zip(*(rows[c].tolist() if c in rows else [np.nan] * len(rows)
                                        for c in ROW_COLUMNS), strict=True))
            self._sequence += 1
            row = Row(merchants[i], categories[i], day, amounts[i], logs[i], cents[i],
                      self._sequence)
            if history.last_day is not None and day < history.last_day:
                entry.in_order = False
            history.record(row)
            entry.rows.append(_Recorded(row, row_values[i], transaction_id))
            if transaction_id is not None:
                entry.ids[transaction_id] = [fingerprints[i], None, None, i]
                filled.append((entry, transaction_id, i))
            entry.latest_day = day if entry.latest_day is None else max(entry.latest_day, day)
            entry.oldest_day = day if entry.oldest_day is None else min(entry.oldest_day, day)
            self._transactions += 1
            self._forget_old(entry)
        return values, retries, filled

    def _refuse_conflicts(self, accounts, ids, fingerprints) -> None:
        seen: dict[tuple[str, str], tuple] = {}
        for position, (account, transaction_id) in enumerate(zip(accounts, ids, strict=True)):
            if transaction_id is None:
                continue
            key = (str(account), transaction_id)
            entry = self._accounts.get(key[0])
            known = (entry.ids[transaction_id][0] if entry is not None
                     and transaction_id in entry.ids else seen.get(key))
            if known is not None and known != fingerprints[position]:
                raise TransactionIdConflict(position, transaction_id, key[0])
            seen.setdefault(key, fingerprints[position])

    # ------------------------------------------------------------------ forgetting
    def _forget_old(self, entry: _Account) -> None:
        """At most ``max_per_account`` remembered (the oldest quarter forgotten when one
        more arrives) and none dated ``window_days`` before the account's latest; what is
        forgotten leaves the history as if it had never been recorded (`_rebuild`)."""
        limits = self.limits
        over = len(entry.rows) > limits.max_per_account
        cutoff = entry.latest_day - limits.window_days if entry.latest_day is not None else None
        if not over and (cutoff is None or entry.oldest_day >= cutoff):
            return
        rows = list(entry.rows)
        keep = rows[len(rows) - (limits.max_per_account - limits.max_per_account // 4):] \
            if over else rows
        if cutoff is not None:
            keep = [r for r in keep if r.row.day >= cutoff]
        if len(keep) < len(rows):
            self._rebuild(entry, rows, keep)

    def _rebuild(self, entry: _Account, rows: list[_Recorded], keep: list[_Recorded]) -> None:
        kept = {id(r) for r in keep}
        forgotten = [r for r in rows if id(r) not in kept]
        kept_ids = {r.transaction_id for r in keep if r.transaction_id is not None}
        entry.ids = {k: v for k, v in entry.ids.items() if k in kept_ids}
        entry.rows = deque(keep)
        if entry.in_order and keep:
            entry.history.forget(entry.part.history, [r.row for r in forgotten],
                                 [r.row for r in keep])
        else:
            entry.history = AccountHistory.rebuilt(entry.part.history, [r.row for r in keep])
            entry.in_order = True
        entry.oldest_day = min((r.row.day for r in keep), default=None)
        self._transactions -= len(forgotten)
        self.forgotten_rows += len(forgotten)

    @staticmethod
    def _frame(kept: list[_Recorded]) -> pd.DataFrame:
        """Remembered rows as a frame for `HistoryState.update` (date order, then arrival)."""
        frame = pd.DataFrame([r.values for r in kept], columns=list(ROW_COLUMNS))
        frame["date"] = pd.to_datetime(frame["date"])
        frame["source_row"] = [r.row.sequence for r in kept]
        return frame

    def _enforce_totals(self) -> None:
        while self._accounts and (len(self._accounts) > self.limits.max_accounts
                                  or self._transactions > self.limits.max_transactions):
            _, entry = self._accounts.popitem(last=False)
            self._transactions -= len(entry.rows)
            self.forgotten_rows += len(entry.rows)
            self.forgotten_accounts += 1

    # ------------------------------------------------------------------ retries
    def _feature_arrays(self, features: pd.DataFrame) -> tuple[np.ndarray, list[tuple]]:
        if self._columns is None:
            self._layout = list(features.columns)
            self._columns = [c for c in features.columns
                             if c not in ("transaction_id", "date", *TEXT_RAW)]
        return (features[self._columns].to_numpy(dtype="float64"),
                list(features[TEXT_RAW].itertuples(index=False, name=None)))

    def _first_answers(self, features: pd.DataFrame, retries: dict[int, Any],
                       filled: list) -> pd.DataFrame:
        """Keep the features of the rows recorded with an id (for their retries), and give
        each retry the features its transaction was scored with the first time."""
        numeric, text = self._feature_arrays(features)
        with self._lock:
            for entry, transaction_id, position in filled:
                known = entry.ids.get(transaction_id)
                if known is not None and known[1] is None and known[3] == position:
                    known[1], known[2] = numeric[position].copy(), text[position]
        if not retries:
            return features
        features = features.copy()
        numeric_at = [features.columns.get_loc(c) for c in self._columns]
        text_at = [features.columns.get_loc(c) for c in TEXT_RAW]
        for position, first in retries.items():
            values, words = ((numeric[first], text[first]) if isinstance(first, int)
                             else first)
            features.iloc[position, numeric_at] = values
            features.iloc[position, text_at] = list(words)
        return features

    # ------------------------------------------------------------------ reload
    def adopt(self, previous: RollingHistory, then: Callable[[], None] | None = None) -> int:
        """Carry ``previous``'s recorded transactions over to this (newly loaded) history:
        per account, those dated after this training history's latest day of the account
        (older ones are taken to be in the new training data, and would count twice),
        with their retry ids. ``then`` runs before ``previous`` is unlocked (the service
        swaps the new models in). Returns how many were carried."""
        carried = 0
        with previous._lock, self._lock:
            for account, old in previous._accounts.items():
                entry = _Account(self._base_part(account))
                cutoff = entry.part.history.last_day
                keep = [r for r in old.rows if cutoff is None or r.row.day > cutoff]
                if not keep:
                    continue
                entry.rows = deque(keep)
                entry.ids = {r.transaction_id: old.ids[r.transaction_id] for r in keep
                             if r.transaction_id is not None and r.transaction_id in old.ids}
                entry.latest_day = max([r.row.day for r in keep]
                                       + ([cutoff] if cutoff is not None else []))
                entry.oldest_day = min(r.row.day for r in keep)
                entry.history = AccountHistory.rebuilt(entry.part.history,
                                                       [r.row for r in keep])
                self._accounts[account] = entry
                self._transactions += len(keep)
                carried += len(keep)
            self._columns, self._layout = previous._columns, previous._layout
            self._sequence = previous._sequence
            self._enforce_totals()
            if then is not None:
                then()
        return carried


def _days(dates: pd.Series) -> np.ndarray:
    return pd.to_datetime(dates).to_numpy().astype("datetime64[D]").astype("int64")


def _fingerprints(rows: pd.DataFrame) -> list[tuple]:
    """What makes two sends of one transaction the same: its values as the model reads
    them (day, type, description, amount to the cent, category, payee)."""
    columns = []
    for name in _FINGERPRINT:
        if name == "date":
            columns.append(_days(rows["date"]).tolist())
        elif name == "amount":
            columns.append(np.round(rows["amount"].to_numpy(dtype="float64") * 100).astype(
                "int64").tolist())
        elif name in rows:
            columns.append([None if pd.isna(v) else str(v) for v in rows[name].tolist()])
        else:
            columns.append([None] * len(rows))
    return list(zip(*columns, strict=True))
