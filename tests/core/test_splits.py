import numpy as np
import pandas as pd
import pytest

from titans_finance.core.splits import expanding_window_folds, time_cutoff, time_split_mask


def _dates(n=200, seed=0):
    rng = np.random.default_rng(seed)
    return pd.Series(pd.Timestamp("2024-01-01") + pd.to_timedelta(np.sort(rng.integers(0, 120, n)),
                                                                    unit="D"))


def test_test_rows_are_strictly_later_than_train_rows():
    dates = _dates()
    test = time_split_mask(dates, 0.2)
    assert dates[~test].max() < dates[test].min()
    assert 0.1 < test.mean() < 0.3


def test_a_day_never_straddles_the_split():
    dates = pd.Series(pd.to_datetime(["2024-01-01"] * 5 + ["2024-01-02"] * 5))
    test = time_split_mask(dates, 0.3)
    assert test.groupby(dates).nunique().max() == 1


def test_split_needs_two_days():
    with pytest.raises(ValueError, match="two different days"):
        time_cutoff(pd.Series(pd.to_datetime(["2024-01-01"] * 3)), 0.2)
    with pytest.raises(ValueError, match="test_fraction"):
        time_cutoff(_dates(), 1.5)


def test_expanding_folds_train_only_on_the_past():
    dates = _dates(500)
    folds = expanding_window_folds(dates, 4, 0.4)
    assert len(folds) == 4
    previous_train = 0
    for train, test in folds:
        assert dates.iloc[train].max() < dates.iloc[test].min()
        assert len(train) > previous_train
        previous_train = len(train)
