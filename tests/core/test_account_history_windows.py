"""One group's tail window (core/account_history.py `_Window`) against its definition: the
rows it keeps, in arrival order, each window's count and sum from the first row whose
running maximum of the days reaches ``day - window`` (a day before the latest counts as
the latest), the day of the latest row with some cents. The window keeps only what it is
read for (no running maximum while the days are in order; sums and cents when asked):
the answers are the same in order, out of order, after pruning and after dropping rows."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from titans_finance.core.account_history import _Window

WINDOWS = (7, 30, 90)


class _Definition:
    def __init__(self):
        self.rows: list[tuple[int, float, int, int]] = []  # day, value, cents, sequence

    def query(self, day: int) -> list[float]:
        if not self.rows:
            return [0.0] * (2 * len(WINDOWS))
        cummax = list(itertools.accumulate((r[0] for r in self.rows), max))
        day = max(day, cummax[-1])
        out = []
        for window in WINDOWS:
            low = next((k for k, top in enumerate(cummax) if top >= day - window),
                       len(cummax))
            out += [float(len(self.rows) - low), math.fsum(r[1] for r in self.rows[low:])]
        return out

    def pair_last(self, cents: int) -> float:
        days = [r[0] for r in self.rows if r[2] == cents]
        return float(days[-1]) if days else math.nan


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("late_share", [0.0, 0.2])  # 0: days never decrease
def test_a_window_answers_as_defined_in_and_out_of_order(seed, late_share):
    rng = random.Random(seed)
    window, sums_only, days_only = _Window(), _Window(cents=False), _Window(sums=False,
                                                                            cents=False)
    definition = _Definition()
    day, sequence = 20_000, 0
    for _ in range(300):
        step = rng.random()
        if step < 0.75:
            late = rng.random() < late_share
            row_day = day - rng.randint(1, 40) if late else day + rng.randint(0, 3)
            day = max(day, row_day)
            sequence += 1
            row = (row_day, round(rng.uniform(1, 300), 2), rng.randint(1, 5) * 100, sequence)
            for each in (window, sums_only, days_only):
                each.append(*row)
            definition.rows.append(row)
        elif step < 0.9:
            cutoff = day - rng.randint(20, 120)
            for each in (window, sums_only, days_only):
                each.prune(cutoff)
            definition.rows = [r for r in definition.rows if r[0] >= cutoff]
        else:
            gone = {r[3] for r in definition.rows if rng.random() < 0.2}
            for each in (window, sums_only, days_only):
                each.drop(gone)
            definition.rows = [r for r in definition.rows if r[3] not in gone]
        asked = day - rng.randint(-5, 60)
        expected = definition.query(asked)
        for each in (window, sums_only):
            got: list = []
            each.query(asked, WINDOWS, got)
            assert got[0::2] == expected[0::2]  # counts: exact
            assert got[1::2] == pytest.approx(expected[1::2], rel=1e-9, abs=1e-9)
        assert [days_only.count(asked, w) for w in WINDOWS] == expected[0::2]
        cents = rng.randint(1, 5) * 100
        assert window.pair_last(cents) == pytest.approx(definition.pair_last(cents),
                                                        nan_ok=True)
        assert len(window) == len(days_only) == len(definition.rows)
        assert window.min_day() == min((r[0] for r in definition.rows), default=None)
        # a copy answers the same
        assert (window.copy().count(asked, 30), len(window.copy())) == (
            expected[2], len(definition.rows))
    if late_share == 0.0:
        assert window.cummax is None  # in order: the days are their running maximum


def test_the_running_maximum_appears_with_the_first_late_row_only():
    window = _Window()
    for day in (10, 12, 12):
        window.append(day, 1.0, 100, day)
    assert window.cummax is None and window.in_order
    window.append(11, 1.0, 100, 99)  # one day before the latest
    assert window.cummax == [10, 12, 12, 12] and not window.in_order
    window.append(13, 1.0, 100, 100)
    assert window.cummax == [10, 12, 12, 12, 13]
    window.drop({99})  # the late row gone: in order again, no running maximum kept
    assert window.cummax is None and window.in_order and window.days == [10, 12, 12, 13]


def _state(window: _Window) -> tuple:
    """What a window holds from ``start`` on, with the rows pruned since its lists were
    last rebuilt (trimmed or not)."""
    start = window.start

    def tail(values):
        return None if values is None else list(values[start:])

    return (tail(window.days), tail(window.values), tail(window.cents),
            tail(window.sequences), tail(window.cummax), tail(window.prefix),
            start + window.dropped, window.in_order)


@pytest.mark.parametrize("seed", range(6))
def test_a_trimmed_window_answers_and_rebuilds_as_the_untrimmed_one(seed):
    """`_Window.trim` lets the pruned rows go: every read after it is the same to the bit
    (the running sums are kept, not recomputed), and the lists are rebuilt at the same
    prune as without trimming (the rule counts the trimmed rows)."""
    rng = random.Random(seed)
    kept, trimmed = _Window(), _Window()
    day = 0
    for sequence in range(600):
        day += rng.choice([0, 0, 1, 1, 2, 5]) if rng.random() > 0.05 else -rng.randint(1, 9)
        value = round(rng.uniform(0.01, 900.0), 2)
        for window in (kept, trimmed):
            window.append(day, value, round(value * 100), sequence)
        if rng.random() < 0.3:
            cutoff = day - rng.choice([10, 30, 90])
            for window in (kept, trimmed):
                window.prune(cutoff)
        if rng.random() < 0.2:
            trimmed.trim()
        assert _state(trimmed) == _state(kept)
        probe = day + rng.randint(-20, 3)
        got, expected = [], []
        trimmed.query(probe, WINDOWS, got)
        kept.query(probe, WINDOWS, expected)
        assert got == expected
        assert trimmed.count(probe, 7) == kept.count(probe, 7)
        cents = round(value * 100)
        assert repr(trimmed.pair_last(cents)) == repr(kept.pair_last(cents))  # NaN: none
        assert trimmed.min_day() == kept.min_day()


@pytest.mark.parametrize("appended, rebuilt", [(65, True), (66, False), (67, False)])
def test_trimmed_rows_count_in_the_rebuild_rule_at_its_boundary(appended, rebuilt):
    """33 rows pruned, trimmed 20 at a time: the lists are rebuilt once more than 32 rows
    are pruned and they are more than half of what the lists held (33 of 65: yes; 33 of 66
    or 67: no), as without trimming."""
    window = _Window()
    for sequence in range(appended):
        window.append(sequence, 1.0 + sequence, sequence, sequence)
    window.prune(20)
    window.trim()
    assert (window.start, window.dropped, len(window.days)) == (0, 20, appended - 20)
    window.prune(33)
    assert window.dropped == (0 if rebuilt else 20)
    assert window.start == (0 if rebuilt else 13)
    assert len(window.days) == (appended - 33 if rebuilt else appended - 20)
    assert len(window) == appended - 33
