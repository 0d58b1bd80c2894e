"""A new account's rows in date order, walked in one vectorised step.

`RollingHistory._walk` (core/rolling.py) takes a call's rows of one account one at a time:
what the account's history holds for the row (`AccountHistory.read`), then the row recorded
(`AccountHistory.record`), older rows forgotten (`_forget_old`) and the sums of the keys
they touched recomputed when next read (`Account.settle`): ~17 µs a row, most of a
1,000-row batch into a new account (the common bulk case: an export sent in date order).

For an account with nothing in it yet — no training history, nothing recorded — whose rows
of the call are all recorded, carry no ``transaction_id`` and are in date order, every
quantity of that walk is a function of the rows' positions and days, known in advance:

- row ``k`` forgets, after it is recorded, every row dated before ``day[k] - window_days``
  (a prefix: `F`), and the tail keeps the rows of the last ``max_window_days`` (`T`);
- a key's sums read at a row are its sums recomputed from its remembered rows (`math.fsum`,
  as `AccountHistory.resum`; a category's as differences of exact running sums, the same
  values: core/exact_sums.py) if one of its rows was forgotten since its previous row was
  read, else the sums read at its previous row plus that row, one addition at a time;
- a window's sum is a difference of the group's running sums since its lists were last
  rebuilt (`_Window.prune`: more than 32 rows pruned and over half the list, or emptied);
  the running sums are rebuilt from the same point here.

Sums added one after the other are computed with `numpy.add.accumulate` (one addition after
the other, as Python adds), so every value is the row-by-row walk's to the bit; the
account's structures after the call (rows, sums, windows, tail) are the ones the walk
leaves, but that each window lets go of its pruned rows (`_Window.trim`: about half of a
new account's window entries, never read again; the running sums kept as they are, and
the rule for rebuilding the lists still counts them) and that the per-key indices of the
remembered rows are built when next needed (`Account.indexed`). Anything else (ids, rows
not recorded, late rows, a per-account cap crossed, a window shorter than the tail) is
walked row by row as before.
tests/core/test_fresh_walk.py compares both on every case.
"""

from __future__ import annotations

import heapq
import itertools
import math
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from titans_finance.core.account_history import Row, _Window
from titans_finance.core.exact_sums import ExactPrefix
from titans_finance.core.rolling_parts import Recorded

if TYPE_CHECKING:
    from titans_finance.core.rolling_parts import Account, Call

# below this many rows the row-by-row walk is as fast (numpy's fixed costs)
FRESH_WALK_MIN_ROWS = 16
_NAN = math.nan
# `_Window.prune` rebuilds a window's lists past this many pruned rows (and half the list)
_COMPACT_AFTER = 32


def walk_fresh(entry: Account, positions: list[int], call: Call, matrix: np.ndarray,
               limits, sequences) -> int | None:
    """`RollingHistory._walk` of ``positions`` into ``entry`` in one vectorised step, or
    None (nothing done) when the rows or the account are not the case this covers."""
    n = len(positions)
    history = entry.history
    span, windows = history.max_window_days, history.windows
    if (n < FRESH_WALK_MIN_ROWS or not _empty(entry) or limits.window_days < span
            or max(windows) > span):
        return None
    pos = np.asarray(positions, dtype=np.intp)
    if not call.record[pos].all() or (call.has_ids and any(call.ids[i] is not None
                                                           for i in positions)):
        return None
    source = call.source
    day = source["day"][pos].astype("int64")
    if (np.diff(day) < 0).any():
        return None
    steps = np.arange(n)
    forgot = np.searchsorted(day, day - limits.window_days, side="left")  # after row k
    forgot_before = _before(forgot)
    if ((steps + 1 - forgot_before) > limits.max_per_account).any():
        return None  # the per-account cap would be crossed: its own rule, row by row
    tail = np.searchsorted(day, day - span, side="left")  # the tail's first row after k
    tail_before = _before(tail)
    value = source["abs_amount"][pos].astype("float64")
    log = source["log_abs_amount"][pos].astype("float64")
    cents = call.cents[pos]
    merchants = _Groups(source["merchant_group"].codes[pos], n)
    categories = _Groups(source["category_group"].codes[pos], n)

    out = np.empty((n, matrix.shape[1]), dtype="float64")
    merchant_sums = _Sums(merchants, day, forgot_before,
                          [np.ones(n), value, value * value, log, log * log], gaps=True)
    category_sums = _Sums(categories, day, forgot_before, [np.ones(n), log, log * log],
                          gaps=False)
    merchant_windows = _Windows(merchants, day, tail, value)
    category_windows = _Windows(categories, day, tail, value)
    column = 0
    for part in (merchant_sums.read(), category_sums.read(),
                 merchant_windows.read(day, windows), category_windows.read(day, windows)):
        out[:, column:column + part.shape[1]] = part
        column += part.shape[1]
    recent = np.maximum(np.searchsorted(day, day - 7, side="left"), tail_before)
    out[:, column] = steps - recent  # the account's rows of the last 7 days
    out[:, column + 1] = _pair_last(merchants, cents, day, tail_before)
    out[:, column + 2] = steps - forgot_before  # the account's remembered rows
    if column + 3 != out.shape[1]:
        raise AssertionError("the layout of a row's history changed (history_lookup)")
    matrix[pos] = out

    # the account as the walk leaves it (Row objects for the remembered rows only)
    arrays = call.arrays
    numbers = list(itertools.islice(sequences, n))  # one per recorded row, in walk order
    kept_from = int(forgot[-1])
    kept = positions[kept_from:]
    # a kept row's day, amount and cents: the objects its windows hold (equal values)
    walked = _Walked(day.tolist(), value.tolist(), cents.tolist(), numbers)
    entry.rows = [Recorded(Row(arrays.merchants[i], arrays.categories[i], walked.days[k],
                               walked.values[k], arrays.logs[i], walked.cents[k],
                               numbers[k]), values, None)
                  for k, i, values in zip(range(kept_from, n), kept, call.row_values_at(kept),
                                          strict=True)]
    # the per-key indices of the remembered rows (the row-by-row walk builds them at its
    # first forgetting) are left to be built when next needed (`Account.indexed`: from the
    # remembered rows, the same lists): an account at rest holds none (~4 KB of ~35 payees)
    entry.latest_day = int(day[-1])
    entry.oldest_day = int(day[kept_from])
    entry.forgotten += kept_from
    merchant_names = [arrays.merchants[i] for i in positions]
    category_names = [arrays.categories[i] for i in positions]
    history.merchant = merchant_sums.final(kept_from, merchant_names)
    history.category = category_sums.final(kept_from, category_names)
    history.merchant_tail = merchant_windows.final(walked, True, merchant_names)
    history.category_tail = category_windows.final(walked, False, category_names)
    history.tail = _account_tail(day, tail, walked)
    first_kept = int(tail[-1])
    history.tail_days = list(zip(walked.days[first_kept:], merchant_names[first_kept:],
                                 category_names[first_kept:], strict=True))
    heapq.heapify(history.tail_days)
    history.count = n - kept_from
    history.last_day = int(day[-1])
    return n + _forget_work(forgot, merchants, categories)


def _empty(entry: Account) -> bool:
    """Nothing in the account: no training history, nothing recorded or remembered."""
    history = entry.history
    return (not entry.rows and not entry.ids and entry.latest_day is None
            and entry.part.history.last_day is None and entry.by_merchant is None
            and not entry.stale_merchants and not entry.stale_categories
            and history.count == 0 and history.last_day is None and not history.merchant
            and not history.category and not history.merchant_tail
            and not history.category_tail and not history.tail.days and not history.tail_days)


def _before(after: np.ndarray) -> np.ndarray:
    """The value as it stood before each row (the previous row's; 0 before the first)."""
    return np.concatenate(([0], after[:-1])).astype(np.intp)


class _Groups:
    """The rows' keys (merchant or category) as groups: each row's rank in its group and
    `count`, how many rows of a group come before a position."""

    def __init__(self, codes: np.ndarray, n: int):
        present = np.zeros(int(codes.max()) + 1, dtype=bool)  # the call's codes, compacted
        present[codes] = True
        self.code = (np.cumsum(present) - 1)[codes].astype(np.intp)
        self.n = n
        self.order = np.argsort(self.code, kind="stable")  # group by group, in walk order
        self.size = np.bincount(self.code)
        self.start = np.concatenate(([0], np.cumsum(self.size))).astype(np.intp)
        self._keys = self.code[self.order] * (n + 1) + self.order
        self.rank = np.empty(n, dtype=np.intp)
        self.rank[self.order] = np.arange(n) - self.start[self.code[self.order]]
        self.previous = np.full(n, -1, dtype=np.intp)  # the group's row before (-1: none)
        later = self.rank[self.order] > 0
        self.previous[self.order[later]] = self.order[np.flatnonzero(later) - 1]

    def count(self, group: np.ndarray, position: np.ndarray) -> np.ndarray:
        """Rows of ``group`` before ``position`` (arrays of the same shape)."""
        return (np.searchsorted(self._keys, group * (self.n + 1) + position, side="left")
                - self.start[group])


def _segmented_accumulate(flat: np.ndarray, offsets: np.ndarray, lengths: np.ndarray
                          ) -> np.ndarray:
    """Running sums within each segment (``flat[offsets[s]:offsets[s] + lengths[s]]``, rows
    of ``flat``), one addition after the other: segments of similar length are padded into
    one block and accumulated together (padding after a segment changes none of its sums)."""
    out = np.empty_like(flat)
    bucket = np.ceil(np.log2(np.maximum(lengths, 1))).astype(int)
    for size in np.unique(bucket):
        chosen = np.flatnonzero(bucket == size)
        longest = int(lengths[chosen].max())
        steps = np.arange(longest)
        index = offsets[chosen][:, None] + steps[None, :]
        valid = steps[None, :] < lengths[chosen][:, None]
        block = np.zeros((len(chosen), longest, flat.shape[1]))
        block[valid] = flat[index[valid]]
        np.add.accumulate(block, axis=1, out=block)
        out[index[valid]] = block[valid]
    return out


class _Sums:
    """A key's running sums (`AccountHistory.merchant` / `.category`) at each row: ``adds``
    are what one row adds (`_add_merchant` / `_add_category`); with ``gaps``, the count,
    sum and sum of squares of the days since the key's previous row follow."""

    def __init__(self, groups: _Groups, day: np.ndarray, forgot_before: np.ndarray,
                 adds: list[np.ndarray], gaps: bool):
        self.groups, self.day, self.gaps = groups, day, gaps
        self._columns: list[list[float]] | None = None
        self._exact: list[ExactPrefix | None] | None = None  # (categories: `_summed`)
        n, code, previous, rank = groups.n, groups.code, groups.previous, groups.rank
        # the key's rows forgotten when this row is read, and when its previous row was
        self.gone = groups.count(code, forgot_before)
        gone_then = np.where(previous >= 0, groups.count(code, forgot_before[
            np.maximum(previous, 0)]), 0)
        # the key's sums start afresh: a new key, or recomputed (a row of it was forgotten)
        first = (previous < 0) | (self.gone > gone_then)
        has_last = (previous >= 0) & (self.gone < rank)  # a remembered row of the key
        self.last = np.where(has_last, day[np.maximum(previous, 0)].astype("float64"), _NAN)
        if gaps:  # days since the key's last remembered row (none: adds 0.0, as the walk)
            gap = np.where(has_last, day - self.last, 0.0)
            adds = [*adds, has_last.astype("float64"), gap, np.where(has_last, gap * gap, 0.0)]
        self.adds = np.column_stack(adds)
        # segments: from each row whose sums start afresh to the next one of its key
        starts = groups.order[first[groups.order]]  # group by group, in walk order
        group_of = code[starts]
        next_start = groups.size[group_of].copy()
        same = np.flatnonzero(group_of[1:] == group_of[:-1])
        next_start[same] = rank[starts[same + 1]]
        lengths = next_start - rank[starts] + 1  # the starting sums, then one add per row
        offsets = _offsets(lengths)
        flat = np.zeros((int(lengths.sum()), self.adds.shape[1]))
        flat[offsets] = self._fresh_sums(starts)
        rows = lengths - 1
        segment = np.repeat(np.arange(len(starts)), rows)
        within = np.arange(int(rows.sum())) - np.repeat(_offsets(rows), rows)
        member = groups.order[groups.start[group_of[segment]] + rank[starts[segment]] + within]
        flat[offsets[segment] + 1 + within] = self.adds[member]
        self.running = _segmented_accumulate(flat, offsets, lengths)
        self.offsets, self.starts, self.lengths = offsets, starts, lengths
        self.segment_of = np.empty(n, dtype=np.intp)  # each row's segment
        self.segment_of[groups.order] = np.cumsum(first[groups.order]) - 1

    def _fresh_sums(self, starts: np.ndarray) -> np.ndarray:
        """The sums a key starts from at each start: none, or its remembered rows summed
        anew (`account_history._merchant_sums` / `_category_sums` from no training sums)."""
        out = np.zeros((len(starts), self.adds.shape[1]))
        rank, gone, code = self.groups.rank, self.gone, self.groups.code
        later = np.flatnonzero(gone[starts] < rank[starts])
        if len(later):
            k = starts[later]
            exact = None if self.gaps else self._category_exact()
            if exact is not None:  # every run at once: `_summed`'s values
                first = self.groups.start[code[k]]
                runs = ((first + gone[k]).tolist(), (first + rank[k]).tolist())
                out[later] = np.column_stack([0.0 + (rank[k] - gone[k]).astype("float64"),
                                              0.0 + np.array(exact[0].sums(*runs)),
                                              0.0 + np.array(exact[1].sums(*runs))])
                return out
            out[later] = [self._summed(group, low, high) for group, low, high in zip(
                code[k].tolist(), gone[k].tolist(), rank[k].tolist())]
        return out

    def _category_exact(self) -> list[ExactPrefix] | None:
        """A category's logs and their squares as exact running sums, group by group in
        walk order (None: a value fsum alone sums, `ExactPrefix.of`)."""
        if self._exact is None:
            order = self.groups.order
            self._exact = [ExactPrefix.of(self.adds[order, c]) for c in (1, 2)]
        return None if None in self._exact else self._exact

    def _summed(self, group: int, low: int, high: int) -> list[float]:
        """`_merchant_sums(None, rows)` / `_category_sums(None, rows)` of the key's rows of
        ranks ``low`` to ``high`` (exclusive), in date order."""
        if self._columns is None:  # each add, and each gap, group by group (Python lists)
            order = self.groups.order
            self._columns = [self.adds[order, c].tolist() for c in range(1, 5 if self.gaps
                                                                          else 3)]
            if self.gaps:
                days = self.day[order]
                gaps = np.concatenate(([0.0], days[1:] - days[:-1].astype("float64")))
                self._columns += [gaps.tolist(), (gaps * gaps).tolist()]
        first = int(self.groups.start[group])
        a, b = first + low, first + high
        fsum, columns = math.fsum, self._columns
        if not self.gaps:
            # a category's rows: long runs (all of a type's uncategorised rows of 90 days),
            # summed again after nearly every row: as differences of exact running sums
            exact = self._category_exact()
            if exact is not None:
                return [0.0 + float(high - low), 0.0 + exact[0].sum(a, b),
                        0.0 + exact[1].sum(a, b)]
            return [0.0 + float(high - low), 0.0 + fsum(columns[0][a:b]),
                    0.0 + fsum(columns[1][a:b])]
        # gaps between the rows summed: the first row's is from no earlier row (none)
        return [0.0 + float(high - low), 0.0 + fsum(columns[0][a:b]),
                0.0 + fsum(columns[1][a:b]), 0.0 + fsum(columns[2][a:b]),
                0.0 + fsum(columns[3][a:b]), 0.0 + float(high - low - 1),
                0.0 + fsum(columns[4][a + 1:b]), 0.0 + fsum(columns[5][a + 1:b])]

    def read(self) -> np.ndarray:
        """Each row's sums as read, then the key's last day (NaN: none)."""
        segment = self.segment_of
        at = self.offsets[segment] + self.groups.rank - self.groups.rank[self.starts[segment]]
        return np.column_stack([self.running[at], self.last])

    def final(self, kept_from: int, names: list[str]) -> dict[str, list[float]]:
        """Every key's sums after the call, settled (`Account.settle_all`): recomputed from
        its remembered rows if one was forgotten after its last row was read (no entry when
        none is remembered), else its running sums after its last row."""
        groups = self.groups
        count = len(groups.size)
        lasts = groups.order[groups.start[1:] - 1]
        gone_end = groups.count(np.arange(count), np.full(count, kept_from)).tolist()
        out: dict[str, list[float]] = {}
        for group, last in enumerate(lasts.tolist()):
            size = int(groups.size[group])
            if gone_end[group] > self.gone[last]:  # stale at the end of the walk
                if gone_end[group] == size:
                    continue
                sums = self._summed(group, gone_end[group], size)
            else:
                segment = self.segment_of[last]
                sums = self.running[self.offsets[segment] + self.lengths[segment] - 1].tolist()
            out[names[last]] = [*sums, float(self.day[last])]
        return out


class _Windows:
    """A key's tail window (`_Window` of `AccountHistory.merchant_tail` / `.category_tail`):
    the count and sum of its rows within each feature window at each row, and the windows
    after the call. A window's running sums start at its first row, and again wherever
    pruning rebuilt its lists (`_Window.prune`) or emptied it (a new window next time)."""

    def __init__(self, groups: _Groups, day: np.ndarray, tail: np.ndarray,
                 value: np.ndarray):
        self.groups, self.day, self.tail, self.value = groups, day, tail, value
        n, code = groups.n, groups.code
        # the rows pruned at each step (the tail's first row moved past them)
        pruned = np.arange(int(tail[-1]))
        step = np.searchsorted(tail, pruned, side="right")
        events = np.unique(code[pruned].astype("int64") * (n + 1) + step)
        group_of, step = events // (n + 1), events % (n + 1)
        start = groups.count(group_of, tail[step])
        size = groups.count(group_of, step + 1)
        # a window's lists start anew where pruning empties it (a new window next time) or
        # rebuilds them: the latter needs more than 32 rows pruned, so only groups with as
        # many are followed event by event
        start, size = np.asarray(start), np.asarray(size)
        bases = [(g, -1, 0) for g in range(len(groups.size))]
        followed = np.zeros(len(groups.size), dtype=bool)
        followed[group_of[start > _COMPACT_AFTER]] = True
        emptied = (start == size) & ~followed[group_of]
        bases += zip(group_of[emptied].tolist(), step[emptied].tolist(),
                     start[emptied].tolist(), strict=True)
        base, current = 0, -1
        chosen = np.flatnonzero(followed[group_of])
        for group, at, low, high in zip(group_of[chosen].tolist(), step[chosen].tolist(),
                                        start[chosen].tolist(), size[chosen].tolist(),
                                        strict=True):
            if group != current:
                base, current = 0, group
            pruned_rows = low - base
            if (pruned_rows > _COMPACT_AFTER and 2 * pruned_rows > high - base) or low == high:
                base = low  # lists rebuilt from the first kept row, or a new window
                bases.append((group, at, base))
        bases.sort()
        self.group_of = np.asarray([b[0] for b in bases], dtype=np.intp)
        self.since = np.asarray([b[1] for b in bases], dtype=np.intp)  # the step it began
        self.base = np.asarray([b[2] for b in bases], dtype=np.intp)
        following = np.append(self.group_of[1:] == self.group_of[:-1], False)
        cover = groups.size[self.group_of].copy()  # rows appended while it held
        later = np.flatnonzero(following)
        cover[later] = groups.count(self.group_of[later], self.since[later + 1] + 1)
        lengths = cover - self.base + 1  # 0.0, then the running sums
        self.offsets = _offsets(lengths)
        flat = np.zeros((int(lengths.sum()), 1))
        rows = lengths - 1
        period = np.repeat(np.arange(len(bases)), rows)
        within = np.arange(int(rows.sum())) - np.repeat(_offsets(rows), rows)
        member = groups.order[groups.start[self.group_of[period]] + self.base[period] + within]
        flat[self.offsets[period] + 1 + within, 0] = value[member]
        self.running = _segmented_accumulate(flat, self.offsets, lengths)[:, 0]
        self._keys = self.group_of * (n + 2) + self.since + 1

    def read(self, day: np.ndarray, windows: tuple[int, ...]) -> np.ndarray:
        """(count, sum) per window of each row's key, as `_Window.query` reads them."""
        groups = self.groups
        code, end = groups.code, groups.rank
        period = np.searchsorted(self._keys, code * (groups.n + 2) + np.arange(groups.n) + 1,
                                 side="left") - 1
        origin = self.offsets[period] - self.base[period]
        total = self.running[origin + end]
        out = []
        for window in windows:
            low = groups.count(code, np.searchsorted(day, day - window, side="left"))
            out += [(end - low).astype("float64"), total - self.running[origin + low]]
        return np.column_stack(out)

    def final(self, walked: _Walked, cents_kept: bool, names: list[str]
              ) -> dict[str, _Window]:
        """The windows the walk leaves (one per key with rows in the tail)."""
        groups = self.groups
        count = len(groups.size)
        kept = groups.count(np.arange(count), np.full(count, int(self.tail[-1])))
        last_period = np.flatnonzero(np.append(self.group_of[1:] != self.group_of[:-1], True))
        out: dict[str, _Window] = {}
        for group in np.flatnonzero(kept < groups.size).tolist():
            period = int(last_period[group])
            base, size = int(self.base[period]), int(groups.size[group])
            members = groups.order[groups.start[group] + base:groups.start[group] + size]
            members = members.tolist()
            window = _Window(cents=cents_kept)
            window.days = [walked.days[k] for k in members]
            window.values = [walked.values[k] for k in members]
            if cents_kept:
                window.cents = [walked.cents[k] for k in members]
            window.sequences = [walked.sequences[k] for k in members]
            offset = int(self.offsets[period])
            window.prefix = self.running[offset:offset + size - base + 1].tolist()
            window.start = int(kept[group]) - base
            window.trim()  # the rows pruned before the last rebuild: never read again
            out[names[members[0]]] = window
        return out


def _offsets(lengths: np.ndarray) -> np.ndarray:
    return np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.intp)


class _Walked(NamedTuple):
    """The walked rows' values as the history's lists hold them (walk order)."""

    days: list[int]
    values: list[float]
    cents: list[int]
    sequences: list[int]


def _account_tail(day: np.ndarray, tail: np.ndarray, walked: _Walked) -> _Window:
    """The account's tail (`AccountHistory.tail`: days only) as the walk leaves it: its
    lists rebuilt where pruning passed more than 32 rows and half of them (never emptied:
    the account's tail is kept)."""
    base = 0
    moved = np.flatnonzero(tail > _before(tail))
    for at, low in zip(moved.tolist(), tail[moved].tolist()):
        pruned_rows = low - base
        if pruned_rows > _COMPACT_AFTER and 2 * pruned_rows > at + 1 - base:
            base = low
    window = _Window(sums=False, cents=False)
    window.days = walked.days[base:]
    window.sequences = walked.sequences[base:]
    window.start = int(tail[-1]) - base
    window.trim()
    return window


def _pair_last(merchants: _Groups, cents: np.ndarray, day: np.ndarray,
               tail_before: np.ndarray) -> np.ndarray:
    """Day of the latest earlier row of the same merchant and cents still in the tail
    (`_Window.pair_last`; NaN: none)."""
    n = merchants.n
    order = np.lexsort((np.arange(n), cents, merchants.code))
    previous = np.full(n, -1, dtype=np.intp)
    same = (merchants.code[order[1:]] == merchants.code[order[:-1]]) & (
        cents[order[1:]] == cents[order[:-1]])
    previous[order[1:][same]] = order[:-1][same]
    found = (previous >= 0) & (previous >= tail_before)
    return np.where(found, day[np.maximum(previous, 0)].astype("float64"), _NAN)


def _forget_work(forgot: np.ndarray, merchants: _Groups, categories: _Groups) -> int:
    """What forgetting went through (`RollingHistory._forget_in_order`): each forgotten
    row, and at each forgetting, the remembered rows of every key it touched."""
    gone = int(forgot[-1])
    if not gone:
        return 0
    n = merchants.n
    rows = np.arange(gone)
    step = np.searchsorted(forgot, rows, side="right")  # the row's forgetting
    work = gone
    for groups in (merchants, categories):
        pairs = np.unique(groups.code[rows].astype("int64") * (n + 1) + step)
        group, at = pairs // (n + 1), pairs % (n + 1)
        work += int((groups.count(group, at + 1) - groups.count(group, forgot[at])).sum())
    return work
