"""One account's history as plain Python structures, updated one transaction at a time.

The service's rolling history (core/rolling.py) reads and records transactions one by one,
in arrival order. A `HistoryState` (core/features.py) is a set of pandas tables, the right
form for a whole export; updating one for each transaction cost milliseconds, mostly fixed
pandas costs on a few rows. `AccountHistory` holds what the same state holds for one
account — running sums and last day per merchant and per category, the tail of the last
``max_window_days`` per merchant, per category and for the account, its transaction count
and latest day — as dicts and lists, so that reading what a transaction's features need
(`read`) and recording it (`record`) take microseconds.

Same rules as `HistoryState.update` on one row, value for value: a sum grows by the row's
own value (``prior + x``, so the running sums are the ones the one-row update gives, to the
bit); a merchant's gap is measured from its latest day (negative for a late transaction);
the tail keeps the rows dated at least ``max_window_days`` before the account's latest day,
in the order they arrived. Window queries follow `_TailWindows.windows`: a transaction
dated before its group's latest tail row counts as the latest; a window's sum is a
difference of the group's running sums (equal to the state's within rounding: the state
takes the difference over all groups' running sums, 1e-12 relative apart).

`rebuilt` is the state after forgetting (`HistoryState.update` of the training part with
the remembered rows, in date order): gaps between consecutive remembered rows of a
merchant, the first one's from the training part's latest day.
"""

from __future__ import annotations

import heapq
import itertools
import math
from bisect import bisect_left
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np

from titans_finance.core.history_state import CATEGORY_SUMS, HistoryState, MERCHANT_SUMS

_NAN = math.nan
_MERCHANT_WIDTH = len(MERCHANT_SUMS)  # the sums, then the last day
_CATEGORY_WIDTH = len(CATEGORY_SUMS)


class Row(NamedTuple):
    """What a recorded transaction adds to its account's history (its account-qualified
    merchant and category keys, day number, absolute amount, its log1p and cents) and its
    arrival sequence (the tie-break of one day's rows). A named tuple: built once per
    recorded row (~0.2 µs; a frozen dataclass took ~1.6 µs, 1.6 ms of a 1,000-row batch)."""

    merchant: str
    category: str
    day: int
    abs_amount: float
    log_amount: float
    cents: int
    sequence: int


class _Window:
    """One group's tail rows in arrival order: day and sequence, with the running maximum
    of the days; with ``sums``, the amounts and their running sum; with ``cents``, the
    cents (what each window is read for: a merchant's all, a category's its sums, the
    account's its days only). Rows before ``start`` are pruned (kept until compaction, so
    the running sums are never recomputed; `trim` lets them go and keeps the sums' bits,
    ``dropped`` counting them for the compaction rule). The running maximum is the days
    themselves while they never decrease (``cummax`` None: most groups, one list fewer
    each)."""

    __slots__ = ("days", "values", "cents", "sequences", "cummax", "prefix", "start",
                 "in_order", "dropped")

    def __init__(self, sums: bool = True, cents: bool = True) -> None:
        self.days: list[int] = []
        self.values: list[float] | None = [] if sums else None
        self.cents: list[int] | None = [] if cents else None
        self.sequences: list[int] = []
        self.cummax: list[int] | None = None  # None: ``days`` (in order)
        self.prefix: list[float] | None = [0.0] if sums else None
        self.start = 0
        self.in_order = True  # days never decrease (pruning drops a prefix)
        self.dropped = 0  # pruned rows let go by `trim` since the lists were last rebuilt

    def __len__(self) -> int:
        return len(self.days) - self.start

    def copy(self) -> _Window:
        other = _Window.__new__(_Window)
        start = self.start
        other.days, other.sequences = self.days[start:], self.sequences[start:]
        other.values = None if self.values is None else self.values[start:]
        other.cents = None if self.cents is None else self.cents[start:]
        other.cummax = None if self.cummax is None else self.cummax[start:]
        other.prefix = None if self.prefix is None else self.prefix[start:]
        other.start, other.in_order, other.dropped = 0, self.in_order, 0
        return other

    def trim(self) -> None:
        """Let go of the pruned rows (before ``start``: never read again) without rebuilding
        the lists: the running sums kept are the same objects, so every window read after
        is the same to the bit. `prune` still counts them (``dropped``) in its rule for
        rebuilding the lists, so it rebuilds them exactly when it would have."""
        start = self.start
        if not start:
            return
        self.days, self.sequences = self.days[start:], self.sequences[start:]
        if self.values is not None:
            self.values, self.prefix = self.values[start:], self.prefix[start:]
        if self.cents is not None:
            self.cents = self.cents[start:]
        if self.cummax is not None:
            self.cummax = self.cummax[start:]
        self.dropped += start
        self.start = 0

    def append(self, day: int, value: float, cents: int, sequence: int) -> None:
        days = self.days
        if days:
            cummax = self.cummax
            top = days[-1] if cummax is None else cummax[-1]
            if day < top:
                self.in_order = False
                if cummax is None:  # the days no longer are their running maximum
                    cummax = self.cummax = days.copy()
            if cummax is not None:
                cummax.append(day if day > top else top)
        days.append(day)
        if self.cents is not None:
            self.cents.append(cents)
        self.sequences.append(sequence)
        if self.values is not None:
            self.values.append(value)
            self.prefix.append(self.prefix[-1] + value)

    def query(self, day: int, windows: tuple[int, ...], out: list) -> None:
        """Count and sum of the rows within each window before ``day`` (appended to
        ``out``); a day before the group's latest counts as the latest."""
        end = len(self.days)
        if end == self.start:
            for _ in windows:
                out += (0.0, 0.0)
            return
        cummax = self.days if self.cummax is None else self.cummax
        top = cummax[-1]
        day = day if day > top else top
        prefix = self.prefix
        total = prefix[end]
        for window in windows:
            low = bisect_left(cummax, day - window, self.start, end)
            out += (float(end - low), total - prefix[low])

    def count(self, day: int, window: int) -> float:
        end = len(self.days)
        if end == self.start:
            return 0.0
        cummax = self.days if self.cummax is None else self.cummax
        top = cummax[-1]
        day = day if day > top else top
        return float(end - bisect_left(cummax, day - window, self.start, end))

    def pair_last(self, cents: int) -> float:
        """Day of the latest-arrived row with these cents (NaN: none)."""
        for k in range(len(self.days) - 1, self.start - 1, -1):
            if self.cents[k] == cents:
                return float(self.days[k])
        return _NAN

    def min_day(self) -> int | None:
        if len(self) == 0:
            return None
        return self.days[self.start] if self.in_order else min(itertools.islice(
            self.days, self.start, None))

    def prune(self, cutoff: int) -> None:
        """Forget the rows dated before ``cutoff``."""
        if self.in_order:
            self.start = bisect_left(self.days, cutoff, self.start)
            pruned = self.start + self.dropped  # trimmed rows count as the lists held them
            if pruned > 32 and pruned * 2 > len(self.days) + self.dropped:
                self._keep(range(self.start, len(self.days)))
        else:
            self._keep([k for k in range(self.start, len(self.days))
                        if self.days[k] >= cutoff])

    def drop(self, sequences: set[int]) -> None:
        self._keep([k for k in range(self.start, len(self.days))
                    if self.sequences[k] not in sequences])

    def _keep(self, positions: Iterable[int]) -> None:
        positions = list(positions)
        self.days = [self.days[k] for k in positions]
        if self.values is not None:
            self.values = [self.values[k] for k in positions]
            self.prefix = [0.0, *itertools.accumulate(self.values)]
        if self.cents is not None:
            self.cents = [self.cents[k] for k in positions]
        self.sequences = [self.sequences[k] for k in positions]
        cummax = list(itertools.accumulate(self.days, max))
        self.start = self.dropped = 0
        self.in_order = cummax == self.days
        self.cummax = None if self.in_order else cummax


class AccountHistory:
    """One account's history (see the module docstring). ``windows``: the feature
    windows (days); ``max_window_days``: how far back the tail reaches."""

    __slots__ = ("merchant", "category", "merchant_tail", "category_tail", "tail", "count",
                 "last_day", "windows", "max_window_days", "tail_days")

    def __init__(self, windows: tuple[int, ...], max_window_days: int) -> None:
        self.merchant: dict[str, list[float]] = {}  # key → MERCHANT_SUMS..., last day
        self.category: dict[str, list[float]] = {}  # key → CATEGORY_SUMS..., last day
        self.merchant_tail: dict[str, _Window] = {}
        self.category_tail: dict[str, _Window] = {}
        self.tail = _Window(sums=False, cents=False)  # read for its days only
        self.count = 0
        self.last_day: int | None = None
        self.windows = tuple(windows)
        self.max_window_days = int(max_window_days)
        # (day, merchant, category) of every tail row, smallest day first: pruning visits
        # the groups whose rows it forgets, not every group (an entry of a row `forget`
        # dropped stays until its day is pruned: the visit then finds nothing)
        self.tail_days: list[tuple[int, str, str]] = []

    @classmethod
    def from_state(cls, state: HistoryState, account: str,
                   windows: tuple[int, ...]) -> AccountHistory:
        """``state``'s part of ``account`` (a `HistoryState.for_account` part, or a state
        of that one account)."""
        history = cls(windows, state.max_window_days)
        for table, target in ((state.merchant, history.merchant),
                              (state.category, history.category)):
            columns = MERCHANT_SUMS if target is history.merchant else CATEGORY_SUMS
            values = np.column_stack([table[list(columns)].fillna(0.0).to_numpy(
                dtype="float64"), table["last_day"].to_numpy(dtype="float64")])
            target.update(zip(table.index.tolist(), values.tolist(), strict=True))
        tail = state.tail
        tail = tail[tail["account"].to_numpy(dtype=object) == account]
        amounts = tail["abs_amount"].to_numpy(dtype="float64")
        cents = np.round(amounts * 100).astype("int64")
        for day, merchant, category, value, cent in zip(
                tail["day"].tolist(), tail["merchant_key"].tolist(),
                tail["category_key"].tolist(), amounts.tolist(), cents.tolist(), strict=True):
            history._append_tail(merchant, category, day, value, cent, 0)
        history.count = int(state.account_count.get(account, 0))
        history.last_day = state.last_day
        return history

    def copy(self) -> AccountHistory:
        other = AccountHistory(self.windows, self.max_window_days)
        other.merchant = {k: v.copy() for k, v in self.merchant.items()}
        other.category = {k: v.copy() for k, v in self.category.items()}
        other.merchant_tail = {k: v.copy() for k, v in self.merchant_tail.items()}
        other.category_tail = {k: v.copy() for k, v in self.category_tail.items()}
        other.tail = self.tail.copy()
        other.count, other.last_day = self.count, self.last_day
        other.tail_days = self.tail_days.copy()
        return other

    # ------------------------------------------------------------------ reading
    def read(self, merchant: str, category: str, day: int, cents: int, out: list) -> None:
        """What this history holds for a transaction (appended to ``out`` in the order of
        `features.lookup_columns`)."""
        sums = self.merchant.get(merchant)
        out += sums if sums is not None else _NO_MERCHANT
        sums = self.category.get(category)
        out += sums if sums is not None else _NO_CATEGORY
        windows = self.windows
        window = self.merchant_tail.get(merchant)
        if window is None:
            out += _no_windows(windows)
        else:
            window.query(day, windows, out)
        group = self.category_tail.get(category)
        if group is None:
            out += _no_windows(windows)
        else:
            group.query(day, windows, out)
        out.append(self.tail.count(day, 7))
        out.append(window.pair_last(cents) if window is not None else _NAN)
        out.append(float(self.count))

    # ------------------------------------------------------------------ recording
    def record(self, row: Row) -> None:
        """This history followed by ``row`` (`HistoryState.update` of one row)."""
        day, value, log = row.day, row.abs_amount, row.log_amount
        sums = self.merchant.get(row.merchant)
        if sums is None:
            sums = self.merchant[row.merchant] = [0.0] * _MERCHANT_WIDTH + [_NAN]
        _add_merchant(sums, day, value, log, sums[_MERCHANT_WIDTH])
        sums = self.category.get(row.category)
        if sums is None:
            sums = self.category[row.category] = [0.0] * _CATEGORY_WIDTH + [_NAN]
        _add_category(sums, day, log)
        self._append_tail(row.merchant, row.category, day, value, row.cents, row.sequence)
        self.count += 1
        self.last_day = day if self.last_day is None or day > self.last_day else self.last_day
        self._prune()

    def _append_tail(self, merchant: str, category: str, day: int, value: float, cents: int,
                     sequence: int) -> None:
        window = self.merchant_tail.get(merchant)
        if window is None:
            window = self.merchant_tail[merchant] = _Window()
        window.append(day, value, cents, sequence)
        window = self.category_tail.get(category)
        if window is None:  # a category's window is read for its sums only
            window = self.category_tail[category] = _Window(cents=False)
        window.append(day, value, cents, sequence)
        self.tail.append(day, value, cents, sequence)
        heapq.heappush(self.tail_days, (day, merchant, category))

    def _prune(self) -> None:
        """Forget tail rows dated more than ``max_window_days`` before the latest day."""
        heap = self.tail_days
        if self.last_day is None or not heap:
            return
        cutoff = self.last_day - self.max_window_days
        if heap[0][0] >= cutoff:
            return
        merchants, categories = set(), set()
        while heap and heap[0][0] < cutoff:
            _, merchant, category = heapq.heappop(heap)
            merchants.add(merchant)
            categories.add(category)
        for groups, keys in ((self.merchant_tail, merchants), (self.category_tail, categories)):
            for key in keys:
                window = groups.get(key)
                if window is None:
                    continue
                low = window.min_day()
                if low is not None and low < cutoff:
                    window.prune(cutoff)
                if len(window) == 0:
                    del groups[key]
        low = self.tail.min_day()
        if low is not None and low < cutoff:
            self.tail.prune(cutoff)

    # ------------------------------------------------------------------ forgetting
    @classmethod
    def rebuilt(cls, base: AccountHistory, kept: list[Row]) -> AccountHistory:
        """``base`` followed by ``kept`` as one `HistoryState.update` (date order, then
        arrival): what the account holds after forgetting the rest."""
        history = base.copy()
        kept = sorted(kept, key=lambda r: (r.day, r.sequence))
        merchants: dict[str, list[Row]] = {}
        categories: dict[str, list[Row]] = {}
        for row in kept:
            merchants.setdefault(row.merchant, []).append(row)
            categories.setdefault(row.category, []).append(row)
            history._append_tail(row.merchant, row.category, row.day, row.abs_amount,
                                 row.cents, row.sequence)
        for key, rows in merchants.items():
            history.merchant[key] = _merchant_sums(base.merchant.get(key), rows)
        for key, rows in categories.items():
            history.category[key] = _category_sums(base.category.get(key), rows)
        history.count += len(kept)
        if kept:
            latest = max(r.day for r in kept)
            history.last_day = (latest if history.last_day is None
                                else max(history.last_day, latest))
        history._prune()
        return history

    def forget(self, base: AccountHistory, forgotten: list[Row],
               merchants: dict[str, list[Row]], categories: dict[str, list[Row]]) -> None:
        """Forget ``forgotten`` when every row recorded since the last `rebuilt` was dated on
        or after the account's latest day, and the remembered rows still hold the latest:
        the same as `rebuilt`, computed for the merchants and categories the forgotten rows
        touched only (the others' sums already are ``base`` followed by their rows in date
        order). ``merchants`` / ``categories``: each touched key's remembered rows, in date
        order."""
        self.resum(base, merchants, categories)
        self.forget_rows(forgotten)

    def resum(self, base: AccountHistory, merchants: dict[str, list[Row]],
              categories: dict[str, list[Row]]) -> None:
        """The sums of the keys of ``merchants`` / ``categories`` anew: ``base``'s followed
        by the key's remembered rows (date order), as `rebuilt` computes them."""
        for key, rows in merchants.items():
            if rows or key in base.merchant:
                self.merchant[key] = _merchant_sums(base.merchant.get(key), rows)
            else:
                self.merchant.pop(key, None)
        for key, rows in categories.items():
            if rows or key in base.category:
                self.category[key] = _category_sums(base.category.get(key), rows)
            else:
                self.category.pop(key, None)

    def forget_rows(self, forgotten: list[Row]) -> None:
        """`forget` but the sums: the forgotten rows out of the tail and the count (the
        sums of their keys are the caller's to `resum` before they are next read)."""
        cutoff = self.last_day - self.max_window_days if self.last_day is not None else None
        in_tail = [r for r in forgotten if cutoff is None or r.day >= cutoff]
        if in_tail:
            gone = {r.sequence for r in forgotten}
            for groups, attribute in ((self.merchant_tail, "merchant"),
                                      (self.category_tail, "category")):
                for key in {getattr(r, attribute) for r in in_tail}:
                    if key in groups:
                        groups[key].drop(gone)
                        if len(groups[key]) == 0:
                            del groups[key]
            self.tail.drop(gone)
        self.count -= len(forgotten)


_NO_MERCHANT = (0.0,) * _MERCHANT_WIDTH + (_NAN,)
_NO_CATEGORY = (0.0,) * _CATEGORY_WIDTH + (_NAN,)


def _no_windows(windows: tuple[int, ...]) -> tuple[float, ...]:
    return (0.0, 0.0) * len(windows)


def _add_merchant(sums: list[float], day: int, value: float, log: float,
                  previous: float) -> None:
    """`HistoryState.update`'s per-merchant sums plus one row (``previous``: the day its gap
    is measured from, NaN: none)."""
    gap = day - previous  # NaN without a previous day
    has_gap = gap == gap
    sums[0] += 1.0
    sums[1] += value
    sums[2] += value * value
    sums[3] += log
    sums[4] += log * log
    if has_gap:
        sums[5] += 1.0
        sums[6] += gap
        sums[7] += gap * gap
    else:
        sums[5] += 0.0
        sums[6] += 0.0
        sums[7] += 0.0
    last = sums[_MERCHANT_WIDTH]
    sums[_MERCHANT_WIDTH] = float(day) if last != last or day > last else last


def _merchant_sums(base: list[float] | None, rows: list[Row]) -> list[float]:
    """``base`` (a merchant's training sums, None: none) followed by ``rows`` (date order) as
    `HistoryState.update` adds several rows: each sum is ``base + sum of the rows' values``
    (pandas sums a group with compensation: `math.fsum` is that sum, correctly rounded);
    each row's gap from the row before it, the first's from ``base``'s last day."""
    sums = list(base) if base is not None else [0.0] * _MERCHANT_WIDTH + [_NAN]
    if not rows:
        return sums
    previous = sums[_MERCHANT_WIDTH]
    gaps = []
    for row in rows:
        if previous == previous:
            gaps.append(row.day - previous)
        previous = float(row.day)
    values = [r.abs_amount for r in rows]
    logs = [r.log_amount for r in rows]
    fsum = math.fsum
    sums[0] += float(len(rows))
    sums[1] += fsum(values)
    sums[2] += fsum([v * v for v in values])
    sums[3] += fsum(logs)
    sums[4] += fsum([v * v for v in logs])
    sums[5] += float(len(gaps))
    sums[6] += fsum(gaps)
    sums[7] += fsum([g * g for g in gaps])
    latest = float(rows[-1].day)  # rows in date order
    last = sums[_MERCHANT_WIDTH]
    sums[_MERCHANT_WIDTH] = latest if last != last or latest > last else last
    return sums


def _category_sums(base: list[float] | None, rows: list[Row]) -> list[float]:
    """Like `_merchant_sums`, for a category (no gaps; ``rows`` in date order)."""
    sums = list(base) if base is not None else [0.0] * _CATEGORY_WIDTH + [_NAN]
    if not rows:
        return sums
    logs = [r.log_amount for r in rows]
    sums[0] += float(len(rows))
    sums[1] += math.fsum(logs)
    sums[2] += math.fsum([v * v for v in logs])
    latest = float(rows[-1].day)  # rows in date order
    last = sums[_CATEGORY_WIDTH]
    sums[_CATEGORY_WIDTH] = latest if last != last or latest > last else last
    return sums


def _add_category(sums: list[float], day: int, log: float) -> None:
    sums[0] += 1.0
    sums[1] += log
    sums[2] += log * log
    last = sums[_CATEGORY_WIDTH]
    sums[_CATEGORY_WIDTH] = float(day) if last != last or day > last else last
