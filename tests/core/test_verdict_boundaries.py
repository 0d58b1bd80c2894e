"""Boundaries of the verdict: an advantage of exactly ``margin`` standard errors either
way is a tie (level with), one float step beyond wins or loses; a standard error of
exactly 0 is a measurement (identical losses), a negative one is not."""

import numpy as np
import pytest

from titans_finance.core.verdict import BEATS, BEHIND, LEVEL, MARGIN_SE, verdict_of

SE = 0.05
EDGE = MARGIN_SE * SE  # 0.1


@pytest.mark.parametrize("advantage, verdict", [
    (-EDGE, LEVEL), (np.nextafter(-EDGE, -1), BEHIND), (np.nextafter(-EDGE, 0), LEVEL),
    (EDGE, LEVEL), (np.nextafter(EDGE, 1), BEATS), (np.nextafter(EDGE, 0), LEVEL)])
def test_exactly_the_margin_either_way_is_level(advantage, verdict):
    assert verdict_of(advantage, SE) == verdict


@pytest.mark.parametrize("advantage, se, verdict", [
    (0.0, 0.0, LEVEL), (0.01, 0.0, BEATS), (-0.01, 0.0, BEHIND),
    (0.01, -1e-12, None), (0.01, 1e-12, BEATS)])
def test_a_zero_standard_error_is_a_verdict_a_negative_one_is_none(advantage, se, verdict):
    assert verdict_of(advantage, se) == verdict
