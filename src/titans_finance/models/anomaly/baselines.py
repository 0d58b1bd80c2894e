"""The peers the anomaly model is scored against: a plain isolation forest on amount and
calendar position, and the per-payee robust z-score of the amount."""

from __future__ import annotations

import numpy as np
import pandas as pd

from titans_finance.models.anomaly.model import _MAD_SCALE


def raw_feature_baseline_matrix(transactions: pd.DataFrame) -> np.ndarray:
    """The plain baseline's inputs: amount and calendar position only."""
    dates = pd.to_datetime(transactions["date"])
    return np.column_stack([transactions["amount"].to_numpy(dtype="float64"),
                            dates.dt.dayofweek, dates.dt.day, dates.dt.month]).astype("float64")


def robust_payee_z(train: pd.DataFrame, train_keys, test: pd.DataFrame, test_keys) -> np.ndarray:
    """The per-payee baseline: |log-amount − payee median| / (1.4826·MAD) of the training
    payments to that payee (payees with fewer than 3: the account's overall median/MAD)."""
    log_train = np.log1p(train["amount"].abs().to_numpy(dtype="float64"))
    log_test = np.log1p(test["amount"].abs().to_numpy(dtype="float64"))
    frame = pd.DataFrame({"key": np.asarray(train_keys), "y": log_train})
    median = frame.groupby("key")["y"].median()
    mad = (frame["y"] - frame["key"].map(median)).abs().groupby(frame["key"]).median()
    count = frame.groupby("key").size()
    keys = pd.Series(np.asarray(test_keys))
    known = keys.map(count).fillna(0).to_numpy() >= 3
    overall_median = float(np.median(log_train))
    overall_mad = float(np.median(np.abs(log_train - overall_median)))
    center = np.where(known, keys.map(median).to_numpy(dtype="float64"), overall_median)
    spread = np.where(known, keys.map(mad).to_numpy(dtype="float64"), overall_mad)
    return np.abs(log_test - center) / np.maximum(_MAD_SCALE * np.nan_to_num(spread), 0.05)

