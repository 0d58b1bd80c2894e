"""A line undoing the one line the net of the lines above comes from (readers/mirror_line)."""

from __future__ import annotations

import numpy as np
import pytest

from titans_finance.core.readers.mirror_line import undoes_one_row

ABOVE = np.array([-500.0, 500.0, -20.0, np.nan])  # the net, -20, is the third line's own


@pytest.mark.parametrize("amount, expected", [
    (20.0, True),                     # the opposite of the line the net comes from
    (20.004, True), (19.996, True),   # within the tolerance, both sides
    (20.006, False), (19.994, False),  # beyond it
    (-20.0, False),                   # the same amount: no pair (a repeated line or a total)
    (500.0, False),                   # the opposite of a line, but the rest does not cancel
    (np.nan, False),
])
def test_a_pair_needs_the_opposite_of_the_line_the_net_comes_from(amount, expected):
    assert undoes_one_row(ABOVE, amount, 0.005) is expected


def test_no_line_above_undoes_nothing():
    assert undoes_one_row(np.array([np.nan]), 20.0, 0.005) is False
    assert undoes_one_row(np.array([]), 20.0, 0.005) is False


# tolerances and amounts of exact binary fractions: the comparison meets its bound exactly
@pytest.mark.parametrize("amount, expected", [(20.25, True), (20.375, False), (19.75, True)])
def test_the_opposite_within_the_tolerance_counts_on_the_bound_itself(amount, expected):
    # |−20 + amount| and the net's |−20 + amount| are both 0.25 at 20.25 and 19.75
    assert undoes_one_row(ABOVE, amount, 0.25) is expected


@pytest.mark.parametrize("last, expected", [(500.25, True), (500.375, False)])
def test_the_rest_cancelling_within_the_tolerance_counts_on_the_bound_itself(last, expected):
    # the third line's opposite is exact; the rest (−500 + last) is off by 0.25, then 0.375
    assert undoes_one_row(np.array([-500.0, last, -20.0]), 20.0, 0.25) is expected
