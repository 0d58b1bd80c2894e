"""Boundaries of the time-aware splits: the cut-off day itself, the first-day rule, the rank
of the cut-off row, and the edges of each expanding-window fold."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from titans_finance.core.splits import expanding_window_folds, time_cutoff, time_split_mask

START = pd.Timestamp("2024-03-01")


def _days(*offsets: int, hour: int = 0) -> pd.Series:
    return pd.Series([START + pd.Timedelta(days=d, hours=hour) for d in offsets])


def test_rows_on_the_cutoff_day_are_test_rows_the_day_before_are_training():
    dates = _days(*range(10), hour=15)  # times of day must not move a row across the cut
    assert time_cutoff(dates, 0.3) == START + pd.Timedelta(days=7)
    mask = time_split_mask(dates, 0.3)
    assert mask.tolist() == [False] * 7 + [True] * 3  # day 7 (the cut-off) is test


def test_the_cutoff_row_is_the_floor_rank_of_the_training_share():
    dates = _days(*range(10))
    # 10 rows, 25 % test: rank floor(10 * 0.75) = 7 (0-based), the 8th day; not the 9th
    assert time_cutoff(dates, 0.25) == START + pd.Timedelta(days=7)
    assert time_cutoff(dates, 0.2) == START + pd.Timedelta(days=8)  # 8.0 exactly: day 8
    assert time_cutoff(dates, 0.21) == START + pd.Timedelta(days=7)  # 7.9: day 7


def test_a_cutoff_on_the_first_day_moves_to_the_next_day():
    dates = _days(0, 0, 0, 0, 0, 0, 3, 4)  # 6 of 8 rows on the first day
    assert time_cutoff(dates, 0.5) == START + pd.Timedelta(days=3)
    mask = time_split_mask(dates, 0.5)
    assert mask.tolist() == [False] * 6 + [True, True]
    # the cut-off just past the first day stays where it is
    dates = _days(0, 0, 0, 1, 2, 3)
    assert time_cutoff(dates, 0.5) == START + pd.Timedelta(days=1)


@pytest.mark.parametrize("fraction", [0.0, 1.0])
def test_the_test_fraction_must_be_strictly_between_zero_and_one(fraction):
    with pytest.raises(ValueError, match="test_fraction"):
        time_cutoff(_days(0, 1, 2), fraction)
    assert time_split_mask(_days(0, 1, 2), 0.5).sum() >= 1


def test_two_days_are_enough_one_is_not():
    assert time_cutoff(_days(0, 1), 0.5) == START + pd.Timedelta(days=1)
    with pytest.raises(ValueError, match="two different days"):
        time_cutoff(_days(0, 0), 0.5)


def test_each_fold_trains_strictly_before_its_first_test_day_and_tests_through_its_last():
    dates = _days(0, 1, 2, 3, 4, 5, 6, 6, 7, 8, 9)  # two rows on day 6
    folds = expanding_window_folds(dates, n_folds=2, test_fraction=0.4)
    # cut-off: rank floor(11 * 0.6) = 6 → day 6; test days 6..9 in blocks [6, 7], [8, 9]
    (train0, test0), (train1, test1) = folds
    assert train0.tolist() == [0, 1, 2, 3, 4, 5]  # every row before day 6, none on it
    assert test0.tolist() == [6, 7, 8]  # day 6 (both rows) through day 7 inclusive
    assert train1.tolist() == list(range(9))
    assert test1.tolist() == [9, 10]  # through the last day, day 9
    every_test = np.concatenate([test0, test1])
    assert len(set(every_test)) == len(every_test) == 5
