"""The rolling history's definition, executable: each row scored with
``build_features(row, state, independent=True)`` against its account's `HistoryState`,
then ``state = state.update(row)`` — the implementation core/rolling.py had before it kept
per-account histories as plain structures, kept here verbatim as the reference the new
one is tested against (`features(..., one_at_a_time=True)` is the definition itself;
without it, its runs of in-order rows computed in one vectorised call).
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from titans_finance.core.feature_params import FeatureParams
from titans_finance.core.feature_rows import row_accounts
from titans_finance.core.features import TEXT_RAW, build_features
from titans_finance.core.history_state import HistoryState

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
class _Call:
    """One `RollingHistory.features` call's rows and what was asked of each."""

    rows: pd.DataFrame
    days: np.ndarray
    record: np.ndarray
    ids: list
    fingerprints: list
    one_at_a_time: bool


# a window longer than any date span: the combined state of several accounts prunes no
# tail when updated (each account's is pruned by its own dates when split back)
_NO_PRUNING_DAYS = 10 ** 7


class _SharedUpdate:
    """Several accounts updated together: one state, split into each account's part when
    that account is next used (most accounts of a large batch are not soon, or never)."""

    __slots__ = ("state", "window", "positions")

    def __init__(self, state: HistoryState, window: int):
        self.state, self.window, self.positions = state, window, None

    def part(self, account: str) -> HistoryState:
        if self.positions is None:
            self.positions = self.state.account_positions()
        return self.state.for_account(account, self.positions.get(account), self.window)


class _Account:
    """One account's recorded transactions and the history state they lead to."""

    __slots__ = ("base", "_state", "_shared", "rows", "ids", "latest_day")

    def __init__(self, base: HistoryState):
        self.base = base  # the training history's part of this account
        self._state: HistoryState | None = base
        self._shared: tuple[_SharedUpdate, str] | None = None
        # (arrival sequence, day, row values, transaction_id or None), oldest first
        self.rows: deque[tuple[int, int, tuple, str | None]] = deque()
        # transaction_id → (fingerprint, numeric features, text features)
        self.ids: dict[str, tuple[tuple, np.ndarray, tuple]] = {}
        self.latest_day = base.last_day

    @property
    def state(self) -> HistoryState:
        if self._state is None:
            shared, account = self._shared
            self._state, self._shared = shared.part(account), None
        return self._state

    @state.setter
    def state(self, value: HistoryState | tuple[_SharedUpdate, str]) -> None:
        if isinstance(value, tuple):
            self._state, self._shared = None, value
        else:
            self._state, self._shared = value, None


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
        self._base_parts: OrderedDict[str, HistoryState] = OrderedDict()
        self._empty = HistoryState(max_window_days=base.max_window_days)
        self._accounts: OrderedDict[str, _Account] = OrderedDict()
        self._transactions = 0
        self._sequence = 0
        self._lock = threading.RLock()
        self.forgotten_accounts = 0
        self.forgotten_rows = 0
        self._columns: list[str] | None = None  # numeric feature columns (retries)
        self._layout: list[str] = []  # every feature column, in order

    # ------------------------------------------------------------------ reading
    def _base_part(self, account: str) -> HistoryState:
        """The training history of one account (cached: the state and its lookup tables
        are built once per account, not per request)."""
        if account in self._base_parts:
            self._base_parts.move_to_end(account)
            return self._base_parts[account]
        if self.base.accounts == [account]:
            part = self.base  # a single-account history is its account's part
        else:
            if self._positions is None:
                self._positions = self.base.account_positions()
            positions = self._positions.get(account)
            if positions is None:  # no training history: one shared empty state
                return self._empty
            part = self.base.for_account(account, positions)
        self._base_parts[account] = part
        while len(self._base_parts) > BASE_PART_CACHE:
            self._base_parts.popitem(last=False)
        return part

    def state(self, account: str | None = None) -> HistoryState:
        """An account's history as it stands (training part + recorded transactions)."""
        account = self.default_account if account in (None, "") else str(account)
        with self._lock:
            entry = self._accounts.get(account)
            return entry.state if entry is not None else self._base_part(account)

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {"accounts": len(self._accounts), "transactions": self._transactions,
                    "forgotten_accounts": self.forgotten_accounts,
                    "forgotten_transactions": self.forgotten_rows,
                    "limits": {f.name: getattr(self.limits, f.name)
                               for f in fields(self.limits)}}

    # ------------------------------------------------------------------ scoring
    def features(self, transactions: pd.DataFrame, record: bool | Sequence[bool] = True,
                 transaction_ids: Sequence[str | None] | None = None,
                 one_at_a_time: bool = False) -> pd.DataFrame:
        """Features of each row (input order = arrival order), each against its account's
        history as it stands when the row arrives; rows with ``record`` True are then
        added to it. ``one_at_a_time``: no vectorised runs (the definition itself; tests
        and benchmarks compare both). Raises `TransactionIdConflict` before recording
        anything."""
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
        accounts = rows["account"].to_numpy(dtype=object)
        fingerprints = _fingerprints(rows)
        days = _days(rows["date"])
        pieces: list[pd.DataFrame] = []
        with self._lock:
            self._refuse_conflicts(accounts, ids, fingerprints)
            codes, names = pd.factorize(accounts)
            order = np.argsort(codes, kind="stable")
            bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
            call = _Call(rows, days, record, ids, fingerprints, one_at_a_time)
            # each account's rows in arrival order, from `cursor` on
            pending = {str(name): order[bounds[k]:bounds[k + 1]] for k, name in enumerate(names)}
            cursor = dict.fromkeys(pending, 0)
            while pending:
                # one segment of every account per round, the accounts' segments computed
                # together (an account's features depend on its own rows only)
                reads, runs = [], []
                for account, positions in pending.items():
                    kind, end = self._next_segment(account, positions, cursor[account], call)
                    segment = positions[cursor[account]:end]
                    if kind == "retry":
                        entry = self._accounts[account]
                        pieces.append(self._retry_features(entry, rows.iloc[segment],
                                                           ids[segment[0]]))
                    elif kind == "read":
                        reads.append((account, segment))
                    else:
                        runs.append((account, segment))
                    cursor[account] = end
                pieces.extend(self._read(reads, call))
                pieces.extend(self._run(runs, call))
                pending = {a: p for a, p in pending.items() if cursor[a] < len(p)}
            self._enforce_totals()
        out = pd.concat(pieces).sort_index()
        out.index = transactions.index
        return out

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

    def _retry(self, account: str, position: int, call: _Call) -> bool:
        entry = self._accounts.get(account)
        transaction_id = call.ids[position]
        return transaction_id is not None and entry is not None and transaction_id in entry.ids

    def _recorded(self, account: str, position: int, call: _Call) -> bool:
        """Recorded when it arrives: asked to, and not older than the window before the
        account's latest day (it would be forgotten at once: scored, not recorded)."""
        entry = self._accounts.get(account)
        latest = entry.latest_day if entry is not None else self._base_part(account).last_day
        return bool(call.record[position]) and (
            latest is None or call.days[position] >= latest - self.limits.window_days)

    def _next_segment(self, account: str, positions: np.ndarray, start: int, call: _Call
                      ) -> tuple[str, int]:
        """The kind of the account's next rows from ``start`` and where they end: a retry
        (one row), a run of rows read and not recorded, or a run of recorded rows that one
        vectorised call scores exactly as one row at a time (`_in_order_run`)."""
        position = positions[start]
        if self._retry(account, position, call):
            return "retry", start + 1
        if not self._recorded(account, position, call):
            end = start + 1
            while (end < len(positions) and not self._recorded(account, positions[end], call)
                   and not self._retry(account, positions[end], call)):
                end += 1
            return "read", end
        if account in self._accounts:
            self._accounts.move_to_end(account)
        else:
            self._accounts[account] = _Account(self._base_part(account))
        if call.one_at_a_time:
            return "run", start + 1
        return "run", self._in_order_run(self._accounts[account], call.days, positions, start,
                                         call.record, call.ids)

    def _current(self, account: str) -> HistoryState:
        entry = self._accounts.get(account)
        return entry.state if entry is not None else self._base_part(account)

    def _read(self, reads: list[tuple[str, np.ndarray]], call: _Call) -> list[pd.DataFrame]:
        """Features of rows read without recording, each against its account as it stands."""
        if not reads:
            return []
        if len(reads) == 1:
            (account, segment), = reads
            return [build_features(call.rows.iloc[segment], self._current(account),
                                   self.feature_params, independent=True)]
        state = HistoryState.combined([self._current(a) for a, _ in reads],
                                      self.base.max_window_days)
        frame = call.rows.iloc[np.concatenate([segment for _, segment in reads])]
        return [build_features(frame, state, self.feature_params, independent=True)]

    def _run(self, runs: list[tuple[str, np.ndarray]], call: _Call) -> list[pd.DataFrame]:
        """Features of recorded runs (one call for all accounts), then the accounts updated
        with them (one `HistoryState.update`, split back per account)."""
        if not runs:
            return []
        frame = call.rows.iloc[np.concatenate([segment for _, segment in runs])]
        entries = [self._accounts[account] for account, _ in runs]
        if len(runs) == 1:
            state = entries[0].state
            features = build_features(frame, state, self.feature_params,
                                      independent=len(frame) == 1)
            states = [state.update(frame)]
        else:
            state = HistoryState.combined([e.state for e in entries], _NO_PRUNING_DAYS)
            features = build_features(frame, state, self.feature_params)
            shared = _SharedUpdate(state.update(frame), self.base.max_window_days)
            states = [(shared, account) for account, _ in runs]
        numeric, text = self._feature_arrays(features)
        values = list(frame.reindex(columns=list(ROW_COLUMNS)).itertuples(index=False,
                                                                           name=None))
        start = 0
        for segment, entry, new_state in zip((s for _, s in runs), entries, states,
                                             strict=True):
            part = slice(start, start + len(segment))
            start += len(segment)
            self._record(entry, values[part], new_state, call.days[segment],
                         [call.ids[p] for p in segment],
                         [call.fingerprints[p] for p in segment], numeric[part], text[part])
        return [features]

    def _in_order_run(self, entry: _Account, days: np.ndarray, positions: np.ndarray,
                      start: int, record: np.ndarray, ids: list) -> int:
        """End of the longest run from ``start`` that one vectorised call scores exactly
        as one row at a time: recorded rows, dated on or after the account's latest day
        and in date order, no retry or repeated id, and nothing forgotten until its end."""
        limits = self.limits
        latest = entry.latest_day
        oldest = min(r[1] for r in entry.rows) if entry.rows else None
        held = len(entry.rows)
        run_ids: set[str] = set()
        end = start
        while end < len(positions):
            position = positions[end]
            day = int(days[position])
            transaction_id = ids[position]
            if (not record[position] or (latest is not None and day < latest)
                    or held + 1 > limits.max_per_account
                    or (oldest is not None and oldest < day - limits.window_days)
                    or (transaction_id is not None
                        and (transaction_id in entry.ids or transaction_id in run_ids))):
                break
            if transaction_id is not None:
                run_ids.add(transaction_id)
            latest, held = day, held + 1
            oldest = day if oldest is None else oldest
            end += 1
        return max(end, start + 1)

    # ------------------------------------------------------------------ recording
    def _record(self, entry: _Account, values: list[tuple], new_state: Any,
                days: np.ndarray, ids: list, fingerprints: list, numeric: np.ndarray,
                text: list[tuple]) -> None:
        entry.state = new_state
        for k, (day, row, transaction_id) in enumerate(zip(days.tolist(), values, ids,
                                                           strict=True)):
            self._sequence += 1
            entry.rows.append((self._sequence, day, row, transaction_id))
            if transaction_id is not None:
                entry.ids[transaction_id] = (fingerprints[k], numeric[k].copy(), text[k])
            entry.latest_day = day if entry.latest_day is None else max(entry.latest_day, day)
        self._transactions += len(values)
        self._forget_old(entry)

    def _forget_old(self, entry: _Account) -> None:
        limits = self.limits
        keep = list(entry.rows)
        if len(keep) > limits.max_per_account:
            keep = keep[len(keep) - (limits.max_per_account - limits.max_per_account // 4):]
        cutoff = entry.latest_day - limits.window_days if entry.latest_day is not None else None
        if cutoff is not None:
            keep = [r for r in keep if r[1] >= cutoff]
        if len(keep) < len(entry.rows):
            self._rebuild(entry, keep)

    def _rebuild(self, entry: _Account, keep: list) -> None:
        forgotten = len(entry.rows) - len(keep)
        kept_ids = {r[3] for r in keep if r[3] is not None}
        entry.ids = {k: v for k, v in entry.ids.items() if k in kept_ids}
        entry.rows = deque(keep)
        entry.state = entry.base.update(self._frame(keep)) if keep else entry.base
        self._transactions -= forgotten
        self.forgotten_rows += forgotten

    @staticmethod
    def _frame(kept: list) -> pd.DataFrame:
        """Remembered rows as a frame for `HistoryState.update` (date order, then arrival)."""
        frame = pd.DataFrame([r[2] for r in kept], columns=list(ROW_COLUMNS))
        frame["date"] = pd.to_datetime(frame["date"])
        frame["source_row"] = [r[0] for r in kept]
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

    def _retry_features(self, entry: _Account, row: pd.DataFrame, client_id: str
                        ) -> pd.DataFrame:
        """The features a retried transaction was scored with the first time."""
        _, numeric, text = entry.ids[client_id]
        head = pd.DataFrame({"transaction_id": (row["transaction_id"].to_numpy()
                                                if "transaction_id" in row else ["0"]),
                             "date": pd.to_datetime(row["date"]).dt.normalize().to_numpy(),
                             **{name: [value] for name, value in zip(TEXT_RAW, text,
                                                                     strict=True)}},
                            index=row.index)
        block = pd.DataFrame(numeric[None, :], columns=self._columns, index=row.index)
        return pd.concat([head, block], axis=1)[self._layout]

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
                cutoff = entry.base.last_day
                keep = [r for r in old.rows if cutoff is None or r[1] > cutoff]
                if not keep:
                    continue
                entry.rows = deque(keep)
                entry.ids = {r[3]: old.ids[r[3]] for r in keep
                             if r[3] is not None and r[3] in old.ids}
                entry.latest_day = max([r[1] for r in keep]
                                       + ([cutoff] if cutoff is not None else []))
                entry.state = entry.base.update(self._frame(keep))
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
