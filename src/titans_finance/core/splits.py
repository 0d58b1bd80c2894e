"""Time-aware evaluation splits shared by every model pipeline.

Transactions of one calendar day never straddle a split: a model evaluated on
day D has only seen days before D, as it would in production.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def time_cutoff(dates: pd.Series, test_fraction: float) -> pd.Timestamp:
    """First date of the test period: the last ``test_fraction`` of rows, rounded to whole days."""
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    days = pd.to_datetime(dates).dt.normalize()
    if days.nunique() < 2:
        raise ValueError("a time-aware split needs transactions on at least two different days")
    ordered = np.sort(days.to_numpy())
    cutoff = pd.Timestamp(ordered[int(np.floor(len(ordered) * (1.0 - test_fraction)))])
    if cutoff <= pd.Timestamp(ordered[0]):  # every row on the first day: move to the next day
        cutoff = pd.Timestamp(ordered[ordered > ordered[0]][0])
    return cutoff


def time_split_mask(dates: pd.Series, test_fraction: float) -> pd.Series:
    """Boolean mask, True for test rows (on or after the cutoff), aligned with ``dates``."""
    return pd.to_datetime(dates).dt.normalize() >= time_cutoff(dates, test_fraction)


def expanding_window_folds(
    dates: pd.Series, n_folds: int, test_fraction: float
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Expanding-window folds: fold k trains on everything before its test block.

    The last ``test_fraction`` of the timeline is cut into ``n_folds`` consecutive
    blocks of whole days; returns ``[(train_index, test_index), ...]`` as
    positional indices into ``dates``.
    """
    days = pd.to_datetime(dates).dt.normalize().to_numpy()
    start = time_cutoff(pd.Series(days), test_fraction)
    test_days = np.unique(days[days >= np.datetime64(start)])
    blocks = [b for b in np.array_split(test_days, n_folds) if len(b)]
    folds = []
    for block in blocks:
        train = np.flatnonzero(days < block[0])
        test = np.flatnonzero((days >= block[0]) & (days <= block[-1]))
        if len(train) and len(test):
            folds.append((train, test))
    return folds
