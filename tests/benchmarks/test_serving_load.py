"""The load benchmark's memory arithmetic (benchmarks/performance/serving_load.py)."""

import pytest

from benchmarks.performance.serving_load import growth_per_unit, rss_target_mib


def test_the_issue_megabytes_are_converted_to_mebibytes():
    assert rss_target_mib(500) == 476.8  # 500 * 10^6 / 2^20 = 476.837...
    assert rss_target_mib(1) == 1.0  # 0.954 → 1.0 at one decimal
    assert rss_target_mib(2**20 / 10**6) == 1.0  # exactly one MiB


@pytest.mark.parametrize("units, expected", [(0, None), (-1, None), (1, 1024.0), (2, 512.0)])
def test_growth_per_unit_of_work(units, expected):
    assert growth_per_unit(100.0, 101.0, units) == expected


def test_growth_per_unit_keeps_a_shrink_negative():
    assert growth_per_unit(101.0, 100.5, 4) == -128.0
