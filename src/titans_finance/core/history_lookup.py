"""What a row's history holds for its features (`HistoryLookups`), read from a
`HistoryState` as arrays (`_StateLookup`: rows scored against the state alone, the service)
or given by the service's rolling history (`lookup_columns`, `HistoryLookups.from_matrix`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from titans_finance.core.history_state import CATEGORY_SUMS, MERCHANT_SUMS

if TYPE_CHECKING:
    from titans_finance.core.feature_text import _Coded
    from titans_finance.core.history_state import HistoryState

_DAY_OFFSET = 2 ** 31  # keeps the day part of a (group, day) key non-negative
_GROUP_STRIDE = 2 ** 32  # (group code, day) → one sortable int64: code * stride + day + offset


def _positions(index: pd.Index, table: dict, keys: np.ndarray) -> np.ndarray:
    """Position of each key in ``index`` (unique; ``table``: key → position), -1 if absent."""
    if len(keys) <= 64:  # a hash lookup per key beats get_indexer's fixed cost on few rows
        return np.fromiter((table.get(k, -1) for k in keys), dtype="int64", count=len(keys))
    return index.get_indexer(keys)


def _table(index: pd.Index) -> dict:
    return {key: position for position, key in enumerate(index.tolist())}


@dataclass(frozen=True)
class _TailWindows:
    """The history tail of one grouping sorted by (group, day), for window sums of new rows
    that each see the tail only."""

    index: pd.Index  # group key → code
    table: dict  # the same as a dict
    keys: np.ndarray  # code * stride + day + offset, ascending
    end: np.ndarray  # per code: one past the group's last row
    last_day: np.ndarray  # per code: the group's latest day
    cumulative: np.ndarray  # running sum of the values, with a leading 0

    @classmethod
    def build(cls, group: np.ndarray, day: np.ndarray, value: np.ndarray) -> _TailWindows:
        codes, uniques = pd.factorize(group)
        order = np.lexsort((np.arange(len(codes)), codes))  # by group, chronological inside
        g, d, v = codes[order], day[order].astype("int64"), value[order]
        d = pd.Series(d, dtype="int64").groupby(g).cummax().to_numpy()
        end = np.searchsorted(g, np.arange(len(uniques)), side="right")
        index = pd.Index(uniques, dtype=object)
        return cls(index=index, table=_table(index),
                   keys=g.astype("int64") * _GROUP_STRIDE + d + _DAY_OFFSET, end=end,
                   last_day=d[end - 1] if len(end) else np.zeros(0, dtype="int64"),
                   cumulative=np.concatenate([[0.0], np.cumsum(v)]))

    def windows(self, group: np.ndarray, day: np.ndarray, windows: tuple[int, ...]
                ) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """Count and sum over the group's tail rows within each window before ``day``; a
        new row dated before its group's last tail row counts as the latest."""
        n = len(group)
        if len(self.index) == 0:
            return {w: (np.zeros(n, dtype="int64"), np.zeros(n)) for w in windows}
        code = _positions(self.index, self.table, group)
        known = code >= 0
        safe = np.where(known, code, 0)
        end = np.where(known, self.end[safe], 0)
        day = np.where(known, np.maximum(day, self.last_day[safe]), day)
        out = {}
        for window in windows:
            low = np.searchsorted(self.keys, safe * _GROUP_STRIDE + day - window + _DAY_OFFSET,
                                  side="left")
            low = np.minimum(low, end)
            out[window] = ((end - low).astype("int64"),
                           self.cumulative[end] - self.cumulative[low])
        return out


def _pair_keys(merchant: np.ndarray, abs_amount: np.ndarray) -> np.ndarray:
    """``merchant|cents``: the same merchant charging the same amount."""
    cents = np.round(abs_amount * 100).astype("int64")
    return np.array([f"{m}|{c}" for m, c in zip(merchant, cents.tolist(), strict=True)],
                    dtype=object)


@dataclass(frozen=True)
class _Sums:
    """Per-key running sums of a state as arrays (``last_day`` NaN for an unseen key)."""

    index: pd.Index
    table: dict
    sums: np.ndarray
    columns: tuple[str, ...]
    last_day: np.ndarray

    @classmethod
    def build(cls, stats: pd.DataFrame, columns: tuple[str, ...]) -> _Sums:
        index = pd.Index(stats.index.to_numpy(dtype=object), dtype=object)
        return cls(index=index, table=_table(index),
                   sums=stats[list(columns)].fillna(0.0).to_numpy(dtype="float64"),
                   columns=columns, last_day=stats["last_day"].to_numpy(dtype="float64"))

    def lookup(self, keys: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
        n = len(keys)
        if len(self.index) == 0:
            return {c: np.zeros(n) for c in self.columns}, np.full(n, np.nan)
        position = _positions(self.index, self.table, keys)
        known = position >= 0
        safe = np.where(known, position, 0)
        rows = np.where(known[:, None], self.sums[safe], 0.0)
        return ({c: rows[:, j] for j, c in enumerate(self.columns)},
                np.where(known, self.last_day[safe], np.nan))


@dataclass(frozen=True)
class _StateLookup:
    """A `HistoryState` as arrays for rows scored against the state alone (serving)."""

    merchant: _Sums
    category: _Sums
    merchant_windows: _TailWindows
    category_windows: _TailWindows
    global_windows: _TailWindows
    pair_index: pd.Index  # merchant|cents → its last day in the tail
    pair_table: dict
    pair_last_day: np.ndarray

    @classmethod
    def build(cls, state: HistoryState) -> _StateLookup:
        tail = state.tail
        day = tail["day"].to_numpy(dtype="int64")
        value = tail["abs_amount"].to_numpy(dtype="float64")
        merchant = tail["merchant_key"].to_numpy(dtype=object)
        last = pd.Series(day.astype("float64")).groupby(_pair_keys(merchant, value),
                                                        sort=False).last()
        pair_index = pd.Index(last.index.to_numpy(dtype=object), dtype=object)
        return cls(merchant=_Sums.build(state.merchant, MERCHANT_SUMS),
                   category=_Sums.build(state.category, CATEGORY_SUMS),
                   merchant_windows=_TailWindows.build(merchant, day, value),
                   category_windows=_TailWindows.build(
                       tail["category_key"].to_numpy(dtype=object), day, value),
                   global_windows=_TailWindows.build(tail["account"].to_numpy(dtype=object),
                                                     day, value),
                   pair_index=pair_index, pair_table=_table(pair_index),
                   pair_last_day=last.to_numpy(dtype="float64"))

    def pair_last(self, pairs: np.ndarray) -> np.ndarray:
        if len(self.pair_index) == 0:
            return np.full(len(pairs), np.nan)
        position = _positions(self.pair_index, self.pair_table, pairs)
        return np.where(position >= 0, self.pair_last_day[np.maximum(position, 0)], np.nan)

    def rows(self, merchant_keys: np.ndarray, category_keys: np.ndarray, account: _Coded,
             day: np.ndarray, abs_amount: np.ndarray, windows: tuple[int, ...],
             account_count: pd.Series) -> HistoryLookups:
        """What the state holds for each row (account-qualified history keys)."""
        merchant, merchant_last = self.merchant.lookup(merchant_keys)
        category, category_last = self.category.lookup(category_keys)
        return HistoryLookups(
            merchant=merchant, merchant_last=merchant_last, category=category,
            category_last=category_last,
            merchant_windows=self.merchant_windows.windows(merchant_keys, day, windows),
            category_windows=self.category_windows.windows(category_keys, day, windows),
            account_count_7d=self.global_windows.windows(account.strings(), day, (7,))[7][0],
            pair_last=self.pair_last(_pair_keys(merchant_keys, abs_amount)),
            account_count=account_count.reindex(account.distinct).fillna(0).to_numpy(
                dtype="float64")[account.codes])


def lookup_columns(windows: tuple[int, ...]) -> list[str]:
    """The layout of `HistoryLookups.from_matrix`: one column per value a row's history
    gives its features."""
    return [*(f"merchant_{c}" for c in MERCHANT_SUMS), "merchant_last",
            *(f"category_{c}" for c in CATEGORY_SUMS), "category_last",
            *(f"merchant_{kind}_{w}d" for w in windows for kind in ("count", "sum")),
            *(f"category_{kind}_{w}d" for w in windows for kind in ("count", "sum")),
            "account_count_7d", "pair_last", "account_count"]


@dataclass(frozen=True)
class HistoryLookups:
    """What each row's history holds, one value per row: the merchant's and category's
    running sums and last day (NaN: never seen), the window counts and sums, the account's
    transactions in the last 7 days, the last day of the same (merchant, cents) pair (NaN:
    none in the tail) and the account's transaction count. `build_features` turns them
    into the history features; `_StateLookup.rows` reads them from a `HistoryState`, the
    service's rolling history from its own per-account structures."""

    merchant: dict[str, np.ndarray]
    merchant_last: np.ndarray
    category: dict[str, np.ndarray]
    category_last: np.ndarray
    merchant_windows: dict[int, tuple[np.ndarray, np.ndarray]]
    category_windows: dict[int, tuple[np.ndarray, np.ndarray]]
    account_count_7d: np.ndarray
    pair_last: np.ndarray
    account_count: np.ndarray

    @classmethod
    def from_matrix(cls, values: np.ndarray, windows: tuple[int, ...]) -> HistoryLookups:
        """From a (rows, `lookup_columns`) float array."""
        column = {name: values[:, j] for j, name in enumerate(lookup_columns(windows))}
        return cls(merchant={c: column[f"merchant_{c}"] for c in MERCHANT_SUMS},
                   merchant_last=column["merchant_last"],
                   category={c: column[f"category_{c}"] for c in CATEGORY_SUMS},
                   category_last=column["category_last"],
                   merchant_windows={w: (column[f"merchant_count_{w}d"],
                                         column[f"merchant_sum_{w}d"]) for w in windows},
                   category_windows={w: (column[f"category_count_{w}d"],
                                         column[f"category_sum_{w}d"]) for w in windows},
                   account_count_7d=column["account_count_7d"], pair_last=column["pair_last"],
                   account_count=column["account_count"])

    def take(self, order: np.ndarray | slice) -> HistoryLookups:
        if isinstance(order, slice) and order == slice(None):
            return self
        return HistoryLookups(
            merchant={k: v[order] for k, v in self.merchant.items()},
            merchant_last=self.merchant_last[order],
            category={k: v[order] for k, v in self.category.items()},
            category_last=self.category_last[order],
            merchant_windows={w: (c[order], t[order]) for w, (c, t) in
                              self.merchant_windows.items()},
            category_windows={w: (c[order], t[order]) for w, (c, t) in
                              self.category_windows.items()},
            account_count_7d=self.account_count_7d[order], pair_last=self.pair_last[order],
            account_count=self.account_count[order])
