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
