"""The confidence a kind of answer has earned: the one-sided Wilson lower bound of its
share right on labelled exports; the bar of 0.9 crossed between 24 and 25 lines all right
(z 1.645), bad counts named."""

from __future__ import annotations

import math

import numpy as np
import pytest

from titans_finance.models.category.proof import proven_confidence

Z = 1.645


def test_no_line_proves_nothing():
    assert proven_confidence(0, 0, Z) == 0.0


def test_every_line_right_proves_n_over_n_plus_z_squared():
    for lines in (1, 13, 100):
        assert proven_confidence(lines, lines, Z) == pytest.approx(lines / (lines + Z * Z))


def test_no_line_right_proves_zero_and_more_right_prove_more():
    assert proven_confidence(0, 20, Z) == pytest.approx(0.0, abs=1e-12)
    shares = [proven_confidence(right, 20, Z) for right in range(21)]
    assert all(a < b for a, b in zip(shares, shares[1:], strict=False))


def test_a_known_value():
    # 9 of 10 at z 1.96 (the textbook two-sided 95 % Wilson interval's lower end)
    share, n, z = 0.9, 10, 1.96
    expected = (share + z * z / (2 * n) - z * math.sqrt(share * (1 - share) / n
                                                         + z * z / (4 * n * n))) / (1 + z * z / n)
    assert proven_confidence(9, 10, 1.96) == pytest.approx(expected)
    assert proven_confidence(9, 10, 1.96) == pytest.approx(0.5958, abs=1e-4)


@pytest.mark.parametrize("lines, above", [(24, False), (25, True), (26, True)])
def test_the_bar_of_0_9_is_crossed_at_25_lines_all_right(lines, above):
    assert (proven_confidence(lines, lines, Z) > 0.9) is above


def test_a_larger_z_proves_less():
    assert proven_confidence(30, 30, Z + 0.01) < proven_confidence(30, 30, Z)


@pytest.mark.parametrize("right, lines", [(11, 10), (-1, 10), (0, -1)])
def test_impossible_counts_are_named(right, lines):
    with pytest.raises(ValueError, match=r"right \(-?\d+\) must lie between 0 and the lines"):
        proven_confidence(right, lines, Z)


@pytest.mark.parametrize("z", [0.0, -1.0])
def test_z_must_be_above_zero(z):
    with pytest.raises(ValueError, match="z must be above 0"):
        proven_confidence(5, 5, z)
    assert proven_confidence(5, 5, np.nextafter(0.0, 1.0)) == pytest.approx(1.0)
