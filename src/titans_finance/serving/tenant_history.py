"""One rolling history per tenant, behind the interface the service scores through.

`TenantHistories.features` takes the rows of a call — whose ``account`` the service has
scoped to their tenant (`tenants.scoped_account`) — splits them by tenant and scores each
tenant's rows with that tenant's own `RollingHistory` (core/rolling.py, unchanged and
tenant-agnostic). So each tenant has its own quotas (``max_accounts``,
``max_transactions``...: the ``TITANS_HISTORY_*`` settings or the tenant's own in the
tenants file) and forgetting happens *inside the tenant that overflows*: another tenant
sending 10,000 new account names cannot evict one of yours. The counts ``/models``
shows are the caller's tenant's (`stats`).

A call that mixes tenants (concurrent single requests scored together) keeps the
history's promise that a refused ``transaction_id`` leaves nothing recorded: the tenants'
rows are checked (not recorded) before any is recorded, under the tenants' locks.
A conflict is reported with the row's position in the call and the account as its
tenant named it.

With a `RecordedHistoryStore`, the rows each call recorded are written to it, and
`replay` feeds them back at start (serving/history_store.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd

from titans_finance.core.rolling import RollingHistory, RollingLimits, TransactionIdConflict
from titans_finance.serving.history_store import (
    HistoryStoreError,
    RecordedHistoryStore,
    StoredRow,
)
from titans_finance.serving.tenants import (
    scoped_account,
    shown_account,
    tenant_of_account,
)

logger = logging.getLogger(__name__)

REPLAY_CHUNK = 5000


class TenantHistories:
    """Per-tenant `RollingHistory` objects on one training history ``base``.

    ``limits``: the default quotas; ``quotas(tenant)``: a tenant's own (a dict of
    `RollingLimits` fields); ``owner``: the tenant that owns the training history (its
    rows carry plain account names); ``store``: where recorded rows are kept."""

    def __init__(self, base: Any, limits: RollingLimits | None = None,
                 quotas: Callable[[str], dict[str, int]] | None = None,
                 owner: str | None = None, store: RecordedHistoryStore | None = None,
                 feature_params: Any = None):
        self.base = base
        self.limits = limits or RollingLimits()
        self.quotas = quotas or (lambda tenant: {})
        self.owner = owner
        self.store = store
        self.feature_params = feature_params
        self._histories: dict[str, RollingHistory] = {}
        self._locks: dict[str, threading.RLock] = {}
        self._create = threading.Lock()

    def attach(self, owner: str | None, quotas: Callable[[str], dict[str, int]],
               store: RecordedHistoryStore | None) -> None:
        """Who owns the training history, each tenant's quotas, where recorded rows go
        (set once, before the first request)."""
        self.owner, self.quotas, self.store = owner, quotas, store

    def keep_recorded(self, owner: str | None, quotas: Callable[[str], dict[str, int]],
                      path: Any) -> dict[str, int]:
        """`attach` with the SQLite store at ``path``, then `replay` what it holds: the
        service's start (rows replayed per tenant; `HistoryStoreError` if the store is
        unusable)."""
        self.attach(owner, quotas, RecordedHistoryStore(path))
        return self.replay(stored_frame)

    # ------------------------------------------------------------------ tenants
    def _tenant(self, account: Any) -> str:
        """The tenant of a row's (scoped) account; plain names: the owner's."""
        tenant = tenant_of_account(None if account is None or account != account else account)
        return tenant if tenant is not None else (self.owner or "")

    def history(self, tenant: str) -> RollingHistory:
        """``tenant``'s history (created on its first row, with its quotas)."""
        found = self._histories.get(tenant)
        if found is not None:
            return found
        with self._create:
            if tenant not in self._histories:
                limits = RollingLimits(**{**asdict(self.limits), **self.quotas(tenant)})
                self._locks[tenant] = threading.RLock()
                self._histories[tenant] = RollingHistory(self.base, limits, self.feature_params)
            return self._histories[tenant]

    def scoped(self, tenant: str, account: str | None) -> str | None:
        return scoped_account(tenant, account, self.owner)

    def stats(self, tenant: str) -> dict[str, Any]:
        """``tenant``'s counts and quotas (a tenant that recorded nothing: zeros)."""
        history = self._histories.get(tenant)
        if history is None:
            limits = RollingLimits(**{**asdict(self.limits), **self.quotas(tenant)})
            return {"accounts": 0, "transactions": 0, "forgotten_accounts": 0,
                    "forgotten_transactions": 0, "limits": asdict(limits)}
        return history.stats()

    # ------------------------------------------------------------------ scoring
    def features(self, transactions: pd.DataFrame, record: bool | Sequence[bool] = True,
                 transaction_ids: Sequence[str | None] | None = None,
                 persist: bool = True, deadline: float | None = None) -> pd.DataFrame:
        """As `RollingHistory.features`, each row against its tenant's history (``deadline``
        and ``attrs["history_work"]`` as there, the work summed over the tenants)."""
        n = len(transactions)
        record = np.broadcast_to(np.asarray(record, dtype=bool), (n,))
        ids = list(transaction_ids) if transaction_ids is not None else [None] * n
        accounts = (transactions["account"].tolist() if "account" in transactions
                    else [None] * n)
        tenant_of = {a: self._tenant(a) for a in set(accounts)}  # once per account named
        groups: dict[str, list[int]] = {}
        if len(set(tenant_of.values())) == 1:  # one tenant (a batch's usual case): every row
            groups[next(iter(tenant_of.values()))] = list(range(n))
        else:
            for position, account in enumerate(accounts):
                groups.setdefault(tenant_of[account], []).append(position)
        if n == 0:
            return self.history(self.owner or "").features(transactions, record, ids,
                                                           deadline=deadline)
        with ExitStack() as held:
            for tenant in sorted(groups):
                self.history(tenant)
                held.enter_context(self._locks[tenant])
            if len(groups) > 1 and any(i is not None for i in ids):
                for tenant, positions in groups.items():  # refuse before recording any
                    self._call(tenant, transactions, positions, np.zeros(len(positions), bool),
                               ids, persist=False, deadline=deadline)
            parts = [(positions, self._call(tenant, transactions, positions, record[positions],
                                            ids, persist, deadline))
                     for tenant, positions in groups.items()]
        if len(parts) == 1:
            return parts[0][1]
        work = sum(frame.attrs.get("history_work", len(frame)) for _, frame in parts)
        order = np.argsort(np.concatenate([np.asarray(p) for p, _ in parts]), kind="stable")
        out = pd.concat([frame for _, frame in parts]).iloc[order]
        out.index = transactions.index
        out.attrs["history_work"] = work
        return out

    def _call(self, tenant: str, transactions: pd.DataFrame, positions: list[int],
              record: np.ndarray, ids: list, persist: bool,
              deadline: float | None = None) -> pd.DataFrame:
        whole = len(positions) == len(transactions)
        rows = transactions if whole else transactions.iloc[positions]
        tenant_ids = ids if whole else [ids[p] for p in positions]
        try:
            out = self._histories[tenant].features(rows, record=record,
                                                   transaction_ids=tenant_ids, deadline=deadline)
        except TransactionIdConflict as exc:
            conflict = TransactionIdConflict(positions[exc.position], exc.transaction_id,
                                             shown_account(exc.account) or "(default)")
            raise conflict from None
        if persist and self.store is not None and record.any():
            self._persist(tenant, rows, record, tenant_ids)
        return out

    def _persist(self, tenant: str, rows: pd.DataFrame, record: np.ndarray, ids: list) -> None:
        picked = np.flatnonzero(record)
        frame = rows if len(picked) == len(rows) else rows.iloc[picked]
        columns = stored_columns(frame, ids if len(picked) == len(ids)
                                 else [ids[i] for i in picked.tolist()])
        limits = self._histories[tenant].limits
        try:
            self.store.append_columns(tenant, columns, limits.window_days,
                                      limits.max_transactions)
        except HistoryStoreError as exc:  # the answer stands; the operator must know
            logger.error("%d recorded transactions not kept on disk: %s", len(picked), exc)

    # ------------------------------------------------------------------ restart, reload
    def replay(self, frame_of: Callable[[list[StoredRow]], pd.DataFrame]) -> dict[str, int]:
        """Feed every tenant's stored rows back, in arrival order (``frame_of``: stored rows
        → the frame the service scores, accounts as the tenant named them). Returns rows
        replayed per tenant. A row refused now (an id reused after it was forgotten, split
        into its own call) is skipped with a warning."""
        replayed: dict[str, int] = {}
        if self.store is None:
            return replayed
        for tenant in self.store.tenants():
            count = 0
            for chunk in self.store.rows(tenant, REPLAY_CHUNK):
                count += self._replay(tenant, chunk, frame_of)
            replayed[tenant] = count
        return replayed

    def _replay(self, tenant: str, chunk: list[StoredRow], frame_of) -> int:
        done = 0
        while chunk:
            frame = frame_of(chunk)
            frame["account"] = [self.scoped(tenant, row.account) for row in chunk]
            try:
                self.features(frame, record=True,
                              transaction_ids=[r.transaction_id for r in chunk], persist=False)
                return done + len(chunk)
            except TransactionIdConflict as exc:
                if exc.position == 0:
                    logger.warning("replay: tenant %s: transaction_id %r refused, skipped",
                                   tenant, exc.transaction_id)
                    chunk = chunk[1:]
                    continue
                done += self._replay(tenant, chunk[:exc.position], frame_of)
                chunk = chunk[exc.position:]
        return done

    def adopt(self, previous: TenantHistories, then: Callable[[], None] | None = None) -> int:
        """Carry every tenant's recorded transactions over from ``previous`` (newly loaded
        models; `RollingHistory.adopt` per tenant). Every previous tenant history stays
        locked until ``then`` (the swap) has run: nothing recorded in between is lost."""
        self.limits, self.quotas = previous.limits, previous.quotas
        self.owner, self.store = previous.owner, previous.store
        self.feature_params = previous.feature_params
        tenants = list(previous._histories)
        carried = 0

        def chain(index: int) -> None:
            nonlocal carried
            if index == len(tenants):
                if then is not None:
                    then()
                return
            tenant = tenants[index]
            carried += self.history(tenant).adopt(previous._histories[tenant],
                                                  lambda: chain(index + 1))

        chain(0)
        return carried


def stored_frame(rows: list[StoredRow]) -> pd.DataFrame:
    """Stored rows as the frame the service scores (`schemas.transactions_frame`: the one
    place requests become frames), accounts as their tenant named them."""
    import datetime as dt

    from titans_finance.serving.schemas import Transaction, transactions_frame

    return transactions_frame([Transaction.model_construct(
        description=r.description, amount=r.amount, date=dt.date.fromisoformat(r.date),
        type=r.type, payment_method=r.payment_method, merchant=r.merchant,
        category=r.category, account=r.account, transaction_id=r.transaction_id, record=True)
        for r in rows])


def stored_columns(frame: pd.DataFrame, ids: list) -> list[list]:
    """The recorded rows of ``frame`` as the store keeps them: one list per column
    (`COLUMNS` order). What repeats across a batch's rows (its accounts, its few hundred
    days) is converted once per distinct value, by a dict."""
    day_numbers = frame["date"].to_numpy().astype("datetime64[D]").astype("int64").tolist()
    distinct_days = list(dict.fromkeys(day_numbers))
    iso = dict(zip(distinct_days, np.datetime_as_string(
        np.array(distinct_days, dtype="int64").astype("datetime64[D]")).tolist(), strict=True))
    accounts = _column(frame, "account")
    shown = {a: None if pd.isna(a) else (shown_account(a) or None)  # missing: None
             for a in dict.fromkeys(accounts)}
    amounts = frame["amount"]
    return [[shown[a] for a in accounts], day_numbers, [iso[d] for d in day_numbers],
            _texts(frame, "type"), _descriptions(frame),
            (amounts.to_numpy() if amounts.dtype == np.float64  # as it is: no copy
             else amounts.astype("float64")).tolist(),
            _texts(frame, "category"), _texts(frame, "payment_method"),
            _texts(frame, "reference"), list(ids)]


# (each column read from the frame once: a frame's ``[]`` cost ~10 µs a time)
def _column(frame: pd.DataFrame, name: str, column: pd.Series | None = None) -> list:
    column = frame.get(name) if column is None else column
    return column.tolist() if column is not None else [None] * len(frame)


def _descriptions(frame: pd.DataFrame) -> list[str]:
    """Each description as str (a missing one as pandas prints it, as before)."""
    column = frame.get("description")
    if column is not None and isinstance(column.dtype, pd.StringDtype) \
            and not column.isna().any():
        return column.to_numpy(dtype=object).tolist()
    return [str(d) for d in _column(frame, "description", column)]


def _texts(frame: pd.DataFrame, name: str) -> list[str | None]:
    """The column's values as str, missing ones None (a str column: at once)."""
    column = frame.get(name)
    if column is not None and isinstance(column.dtype, pd.StringDtype):
        return column.to_numpy(dtype=object, na_value=None).tolist()
    return [None if v is None or v != v else str(v) for v in _column(frame, name, column)]

