"""Rolling history per account: what the service scores sees what it scored before.

The models ship with a `HistoryState`: the training export summarised at its end. Scored
against that state alone, a charge sent twice is never a duplicate (the state never
moves). `RollingHistory` keeps, per account, the training history *followed by the
transactions recorded since*, so the second send of a charge is scored against a
history that holds the first.

Semantics (docs/serving.md, "Rolling history"):

- **Date order within a call, arrival order between calls.** A call's rows of one
  account are taken in date order, then input order (``date_order=False``: input order);
  calls in the order they arrive. Each row is scored against its account's history as it
  stands — ``build_features(row, state, independent=True)`` — and a recorded one is then
  added to it — ``state = state.update(row)``. This is the definition; a batch therefore
  answers the same in any order, as its rows sent one at a time in date order.
  `features` keeps each account's history as plain structures updated row by row in
  microseconds (core/account_history.py): a loop over each account's rows reads what
  each row's history holds and records it, and one vectorised `build_features` call then
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
- **A lock per account.** Reading and recording an account's rows are one critical
  section under the account's own lock; a call takes its accounts' locks in name order
  (no deadlock between calls), checks its ids, then walks and releases one account after
  the other. The table of accounts and the totals have their own lock, held for
  microseconds. No lock is held while features are computed; a call into one account
  never waits for another account's batch.
- **Deadline and work.** ``deadline`` (`time.monotonic`): once past, a call stops before
  reading its accounts (`DeadlineExceeded`, nothing recorded). Each call reports its work
  (``attrs["history_work"]``: one per row, plus the remembered rows forgetting went
  through), so a caller can be charged for what it cost, not for its row count.
- Nothing is persisted: a restart starts again from the training history. `adopt`
  carries recorded transactions over to the history of newly loaded models.

No Kedro import: the service, `models.anomaly.score_with_rolling_history` and the
benchmarks call this same code.
An account's structures and a call's rows are in core/rolling_parts.py; a new account's
rows in date order are walked in one vectorised step, to the same values
(core/fresh_walk.py).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from titans_finance.core.account_history import AccountHistory, Row
from titans_finance.core.feature_params import FeatureParams
from titans_finance.core.feature_rows import row_accounts, row_arrays
from titans_finance.core.features import TEXT_RAW, build_features
from titans_finance.core.fresh_walk import walk_fresh
from titans_finance.core.history_lookup import HistoryLookups, lookup_columns
from titans_finance.core.history_state import HistoryState
from titans_finance.core.rolling_parts import (
    ROW_COLUMNS,
    Account,
    Call,
    Recorded,
    TrainingPart,
    account_groups,
    transaction_fingerprints,
)

BASE_PART_CACHE = 64  # training-history parts of accounts kept ready (read-only accounts)
# how long a retry waits for the first send's features, still being computed by another
# call (that call's models take milliseconds; a failed one sets its event at once)
RETRY_WAIT_SECONDS = 30.0


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


class DeadlineExceeded(TimeoutError):
    """The request's deadline passed before the history was read (nothing recorded)."""


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
        self._base_parts: OrderedDict[str, TrainingPart] = OrderedDict()
        empty = HistoryState(max_window_days=base.max_window_days)
        self._empty = TrainingPart(empty, AccountHistory(self.feature_params.windows,
                                                  base.max_window_days))
        self._accounts: OrderedDict[str, Account] = OrderedDict()
        self._transactions = 0
        self._sequences = itertools.count(1)  # arrival order of recorded rows (atomic)
        self._lock = threading.RLock()
        self.forgotten_accounts = 0
        self.forgotten_rows = 0
        self._columns: list[str] | None = None  # numeric feature columns (retries)
        self._layout: list[str] = []  # every feature column, in order
        self._width = len(lookup_columns(self.feature_params.windows))

    # ------------------------------------------------------------------ reading
    def _base_part(self, account: str) -> TrainingPart:
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
        part = TrainingPart(state, AccountHistory.from_state(state, account,
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
        with entry.lock:
            kept = list(entry.rows)
        if not kept:
            return entry.part.state
        return entry.part.state.update(self._frame(kept))

    def stats(self) -> dict[str, Any]:
        """Counts as they stand, read without the lock (each is one atomic read): /models
        answers at once while a large batch is being recorded."""
        return {"accounts": len(self._accounts), "transactions": self._transactions,
                "forgotten_accounts": self.forgotten_accounts,
                "forgotten_transactions": self.forgotten_rows,
                "limits": {f.name: getattr(self.limits, f.name) for f in fields(self.limits)}}

    # ------------------------------------------------------------------ scoring
    def features(self, transactions: pd.DataFrame, record: bool | Sequence[bool] = True,
                 transaction_ids: Sequence[str | None] | None = None, *,
                 date_order: bool = True, deadline: float | None = None) -> pd.DataFrame:
        """Features of each row (in input order), each against its account's history as
        it stands when the row is taken; rows with ``record`` True are then added to it.
        ``date_order``: a call's rows of one account are taken in date order (then input
        order), so a batch gives the same answers in any order; False: in input order.
        ``deadline`` (`time.monotonic`): past it, `DeadlineExceeded` before anything is
        recorded. Raises `TransactionIdConflict` before recording anything. The frame's
        ``attrs["history_work"]`` is what the call cost the history (`_walk`)."""
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
        # read for the rows sent with an id only (conflicts, retries): none, none computed
        fingerprints = (transaction_fingerprints(rows) if any(i is not None for i in ids)
                        else [None] * n)
        accounts = rows["account"].to_numpy(dtype=object)
        groups = account_groups(accounts, arrays["day"], date_order)
        call = Call(rows, arrays, record, ids, fingerprints, accounts)
        matrix = np.empty((n, self._width), dtype="float64")
        retries: dict[int, Any] = {}
        filled: list = []
        work = self._walk_all(groups, call, matrix, retries, filled, deadline)
        try:
            out = build_features(rows, self.base, self.feature_params, base=arrays,
                                 lookups=HistoryLookups.from_matrix(
                                     matrix, self.feature_params.windows))
            if filled or retries:
                out = self._first_answers(out, retries, filled, call)
        finally:
            call.done.set()
            for entry, transaction_id, position in filled:
                with entry.lock:
                    known = entry.ids.get(transaction_id)
                    if known is None or known[4] is not call:
                        continue
                    if known[1] is None:  # features never computed: the id answers no retry
                        del entry.ids[transaction_id]
                    else:  # the call's rows are not kept alive by the ids it recorded
                        known[4] = None
        out.index = transactions.index
        out.attrs["history_work"] = work
        return out

    def _walk_all(self, groups: list[tuple[str, list[int]]], call: Call, matrix: np.ndarray,
                  retries: dict[int, Any], filled: list, deadline: float | None) -> int:
        """Every account's rows walked (`_walk`), each account under its own lock: the
        accounts of the call are locked in name order (no deadlock between calls), its ids
        checked for conflicts, then each account walked and released in turn. The shared
        structures (the account table, the counts) are held for a few microseconds at the
        start and at the end only. Returns the work done (`_walk`)."""
        parts: dict[str, TrainingPart] = {}
        entries: dict[str, Account | None] = {}
        with self._lock:
            for account, positions in groups:
                entry = self._accounts.get(account)
                if entry is None and call.record[positions].any():
                    entry = self._accounts[account] = Account(account,
                                                               self._base_part(account))
                elif entry is not None and call.record[positions].any():
                    self._accounts.move_to_end(account)
                elif entry is None:
                    parts[account] = self._base_part(account)
                if entry is not None:
                    entry.users += 1
                entries[account] = entry
        held: list[Account] = []  # locked, in name order; the first `done` are released
        done = 0
        work = 0
        try:
            for account, _ in groups:
                entry = entries[account]
                if entry is not None:
                    entry.lock.acquire()
                    held.append(entry)
            if deadline is not None and time.monotonic() > deadline:
                raise DeadlineExceeded("the request's deadline passed before its transactions "
                                       "were read; nothing was recorded")
            self._refuse_conflicts(groups, entries, call)
            for account, positions in groups:
                entry = entries[account]
                if entry is None:  # read only, never recorded: the training part
                    work += self._read_only(parts[account].history, positions, call, matrix)
                    continue
                fresh = walk_fresh(entry, positions, call, matrix, self.limits,
                                   self._sequences)  # a new account in date order: at once
                work += (fresh if fresh is not None
                         else self._walk(entry, positions, call, matrix, retries, filled))
                entry.rest()
                with self._lock:
                    self._commit(entry)
                entry.lock.release()
                done += 1
        finally:
            if done < len(held):  # refused or stopped: the accounts it took are given back
                with self._lock:  # (one it created for nothing is dropped)
                    for entry in held[done:]:
                        self._commit(entry)
                for entry in held[done:]:
                    entry.lock.release()
        with self._lock:
            self._enforce_totals()
        return work

    def _read_only(self, history: AccountHistory, positions: list[int], call: Call,
                   matrix: np.ndarray) -> int:
        arrays = call.arrays
        out: list[float] = []
        for i in positions:
            history.read(arrays.merchants[i], arrays.categories[i], arrays.days[i],
                         arrays.cents[i], out)
        matrix[positions] = np.array(out, dtype="float64").reshape(len(positions), self._width)
        return len(positions)

    def _walk(self, entry: Account, positions: list[int], call: Call, matrix: np.ndarray,
              retries: dict[int, Any], filled: list) -> int:
        """One account's rows in their order: what its history holds for each (a row of
        ``matrix``, `lookup_columns`), then recorded if it is to be. Retries (an id already
        recorded in the account) get the first answer's features (``retries``: position →
        those features, the position in this call of the first send, or the id's entry of
        a call still computing them); rows recorded with an id are listed in ``filled``.
        Returns the work: one per row, plus the remembered rows forgetting went through."""
        arrays = call.arrays
        merchants, categories, days = arrays.merchants, arrays.categories, arrays.days
        cents, amounts, logs = arrays.cents, arrays.amounts, arrays.logs
        record, ids, fingerprints = call.record, call.ids, call.fingerprints
        window_days = self.limits.window_days
        out: list[float] = []
        work = 0
        row_values = None
        for i in positions:
            transaction_id = ids[i]
            day = days[i]
            if entry.stale_merchants or entry.stale_categories:  # (sets made on demand)
                entry.settle(merchants[i], categories[i])
            history = entry.history
            # a retry's values too: its answer if the first send's call fails (`_first_answers`)
            history.read(merchants[i], categories[i], day, cents[i], out)
            work += 1
            if transaction_id is not None and transaction_id in entry.ids:
                known = entry.ids[transaction_id]
                retries[i] = ((known[1], known[2]) if known[1] is not None
                              else known[3] if known[4] is call else (known, known[4]))
                continue
            latest = entry.latest_day
            if not (record[i] and (latest is None or day >= latest - window_days)):
                # scored, not recorded (asked not to, or older than the window: it would be
                # forgotten at once)
                continue
            if row_values is None:
                row_values = call.row_values()
            row = Row(merchants[i], categories[i], day, amounts[i], logs[i], cents[i],
                      next(self._sequences))
            if history.last_day is not None and day < history.last_day:
                entry.in_order = False
            history.record(row)
            entry.append(Recorded(row, row_values[i], transaction_id))
            if transaction_id is not None:
                entry.remember_id(transaction_id, [fingerprints[i], None, None, i, call])
                filled.append((entry, transaction_id, i))
            entry.latest_day = day if latest is None or day > latest else latest
            entry.oldest_day = (day if entry.oldest_day is None or day < entry.oldest_day
                                else entry.oldest_day)
            work += self._forget_old(entry)
        entry.settle_all()
        matrix[positions] = np.array(out, dtype="float64").reshape(len(positions), self._width)
        return work

    def _refuse_conflicts(self, groups: list[tuple[str, list[int]]],
                          entries: dict[str, Account | None], call: Call) -> None:
        for account, positions in groups:
            entry = entries[account]
            seen: dict[str, tuple] = {}
            for position in positions:
                transaction_id = call.ids[position]
                if transaction_id is None:
                    continue
                known = (entry.ids[transaction_id][0] if entry is not None
                         and transaction_id in entry.ids else seen.get(transaction_id))
                if known is not None and known != call.fingerprints[position]:
                    raise TransactionIdConflict(position, transaction_id, account)
                seen.setdefault(transaction_id, call.fingerprints[position])

    def _commit(self, entry: Account) -> None:
        """The account's rows counted in the totals (under the history's lock)."""
        entry.users -= 1
        if not entry.evicted:
            self._transactions += len(entry.rows) - entry.counted
            entry.counted = len(entry.rows)
        self.forgotten_rows += entry.forgotten
        entry.forgotten = 0
        if (entry.users == 0 and not entry.rows and not entry.ids
                and self._accounts.get(entry.name) is entry):
            # taken to record rows that turned out too old to keep: no account
            del self._accounts[entry.name]

    # ------------------------------------------------------------------ forgetting
    def _forget_old(self, entry: Account) -> int:
        """At most ``max_per_account`` remembered (the oldest quarter forgotten when one
        more arrives) and none dated ``window_days`` before the account's latest; what is
        forgotten leaves the history as if it had never been recorded (`_rebuild`).
        Returns the work: the remembered rows gone through (0: nothing forgotten)."""
        limits = self.limits
        over = len(entry.rows) > limits.max_per_account
        cutoff = entry.latest_day - limits.window_days if entry.latest_day is not None else None
        if not over and (cutoff is None or entry.oldest_day >= cutoff):
            return 0
        if entry.in_order:  # date order: what is forgotten is the beginning
            drop = len(entry.rows) - (limits.max_per_account - limits.max_per_account // 4) \
                if over else 0
            count, rows = 0, entry.rows
            while count < len(rows) and (count < drop or (
                    cutoff is not None and rows[count].row.day < cutoff)):
                count += 1
            forgotten = entry.forget_first(count)
            if entry.rows:
                return self._forget_in_order(entry, forgotten)
            rows, keep = forgotten, []
        else:
            rows = list(entry.rows)
            keep = rows[len(rows) - (limits.max_per_account - limits.max_per_account // 4):] \
                if over else rows
            if cutoff is not None:
                keep = [r for r in keep if r.row.day >= cutoff]
        if len(keep) < len(rows):
            self._rebuild(entry, rows, keep)
        return len(rows)

    def _forget_in_order(self, entry: Account, forgotten: list[Recorded]) -> int:
        """Forget the first rows of an in-order account: each touched merchant's and
        category's sums recomputed from its own remembered rows (`AccountHistory.forget`)."""
        kept = entry.indexed()  # else built now, of the remembered rows (without these)
        for recorded in forgotten:
            row = recorded.row
            if kept:
                for index, key in ((entry.by_merchant, row.merchant),
                                   (entry.by_category, row.category)):
                    rows = index[key]
                    del rows[0]
                    if not rows:
                        del index[key]
            if recorded.transaction_id is not None:
                entry.ids.pop(recorded.transaction_id, None)
        rows = [r.row for r in forgotten]
        merchants = {r.merchant for r in rows}
        categories = {r.category for r in rows}
        # their sums are recomputed when next read, or at the end of the walk (`settle`)
        entry.mark_stale(merchants, categories)
        entry.history.forget_rows(rows)
        entry.oldest_day = entry.rows[0].row.day
        entry.forgotten += len(forgotten)
        by_merchant, by_category = entry.by_merchant, entry.by_category
        return len(forgotten) + sum(len(by_merchant.get(k, ())) for k in merchants) + sum(
            len(by_category.get(k, ())) for k in categories)

    def _rebuild(self, entry: Account, rows: list[Recorded], keep: list[Recorded]) -> None:
        kept_ids = {r.transaction_id for r in keep if r.transaction_id is not None}
        entry.ids = {k: v for k, v in entry.ids.items() if k in kept_ids}
        entry.rows = list(keep)
        entry.reindex()
        entry.history = AccountHistory.rebuilt(entry.part.history, [r.row for r in keep])
        days = [r.row.day for r in keep]
        # in order again if the remembered rows are (then the rebuilt history ends with them)
        entry.in_order = all(a <= b for a, b in zip(days, days[1:]))
        entry.oldest_day = min(days, default=None)
        entry.forgotten += len(rows) - len(keep)

    @staticmethod
    def _frame(kept: list[Recorded]) -> pd.DataFrame:
        """Remembered rows as a frame for `HistoryState.update` (date order, then arrival)."""
        frame = pd.DataFrame([r.values for r in kept], columns=list(ROW_COLUMNS))
        frame["date"] = pd.to_datetime(frame["date"])
        frame["source_row"] = [r.row.sequence for r in kept]
        return frame

    def _enforce_totals(self) -> None:
        while self._accounts and (len(self._accounts) > self.limits.max_accounts
                                  or self._transactions > self.limits.max_transactions):
            _, entry = self._accounts.popitem(last=False)
            self._transactions -= entry.counted
            self.forgotten_rows += entry.counted
            self.forgotten_accounts += 1
            entry.evicted = True

    # ------------------------------------------------------------------ retries
    def _feature_arrays(self, features: pd.DataFrame) -> tuple[np.ndarray, list[tuple]]:
        if self._columns is None:
            self._layout = list(features.columns)
            self._columns = [c for c in features.columns
                             if c not in ("transaction_id", "date", *TEXT_RAW)]
        return (features[self._columns].to_numpy(dtype="float64"),
                list(features[TEXT_RAW].itertuples(index=False, name=None)))

    def _first_answers(self, features: pd.DataFrame, retries: dict[int, Any],
                       filled: list, call: Call) -> pd.DataFrame:
        """Keep the features of the rows recorded with an id (for their retries), and give
        each retry the features its transaction was scored with the first time (a first
        send still being scored by another call: once that call has them)."""
        numeric, text = self._feature_arrays(features)
        for entry, transaction_id, position in filled:
            with entry.lock:
                known = entry.ids.get(transaction_id)
                if known is not None and known[1] is None and known[4] is call:
                    known[1], known[2] = numeric[position].copy(), text[position]
        call.done.set()
        if not retries:
            return features
        features = features.copy()
        numeric_at = [features.columns.get_loc(c) for c in self._columns]
        text_at = [features.columns.get_loc(c) for c in TEXT_RAW]
        for position, first in retries.items():
            if isinstance(first, tuple) and isinstance(first[0], list):
                known, other = first  # the id's entry, the call still computing it
                other.done.wait(RETRY_WAIT_SECONDS)
                if known[1] is None:  # that call failed: this send is scored as it stands
                    continue
                first = (known[1], known[2])
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
        with previous._lock:
            accounts = list(previous._accounts.items())
        copies = []
        for account, old in accounts:  # each account under its own lock, as recorded
            with old.lock:
                copies.append((account, list(old.rows), dict(old.ids)))
        with self._lock:
            for account, rows, ids in copies:
                entry = Account(account, self._base_part(account))
                cutoff = entry.part.history.last_day
                keep = [r for r in rows if cutoff is None or r.row.day > cutoff]
                if not keep:
                    continue
                entry.rows = list(keep)
                entry.reindex()
                entry.ids = {r.transaction_id: ids[r.transaction_id] for r in keep
                             if r.transaction_id is not None and r.transaction_id in ids}
                days = [r.row.day for r in keep]
                entry.latest_day = max(days + ([cutoff] if cutoff is not None else []))
                entry.oldest_day = min(days)
                entry.in_order = all(a <= b for a, b in zip(days, days[1:]))
                entry.history = AccountHistory.rebuilt(entry.part.history,
                                                       [r.row for r in keep])
                entry.counted = len(keep)
                entry.rest()  # as a call leaves it
                self._accounts[account] = entry
                self._transactions += len(keep)
                carried += len(keep)
            self._columns, self._layout = previous._columns, previous._layout
            self._sequences = previous._sequences
            self._enforce_totals()
            if then is not None:
                then()
        return carried
