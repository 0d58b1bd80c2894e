"""Anomaly detector: four signals, each mapped to [0, 1], combined by a weighted noisy-OR.

- ``isolation``: an IsolationForest on engineered features, its score turned
  into the share of training transactions that looked more normal (0..1).
- ``amount``: robust z-score of the log-amount against the merchant's training
  median / MAD (the category's when the merchant has too few examples).
- ``duplicate``: the same merchant charged the same amount within a few days.
- ``novelty``: a merchant never seen before, weighted up on weekends/holidays
  and for amounts that are large for the category.

Noisy-OR ``1 - Π(1 - wᵢ·sᵢ)`` keeps the score in [0, 1], lets one strong signal
flag a transaction on its own, and lets weak signals add up. Every flagged
transaction carries the reasons of the signals that contributed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import IsolationForest

from titans_finance.models.flat_forest import FlatForest

ISOLATION_INPUTS = ["log_abs_amount", "merchant_amount_z", "category_amount_z", "amount_sign",
                    "days_since_merchant", "days_since_same_amount", "merchant_prior_count",
                    "merchant_count_7d", "merchant_count_30d", "is_weekend", "is_business_day",
                    "payment_method_code", "is_recurring", "is_round_10", "global_count_7d"]
COMPONENTS = ("isolation", "amount", "duplicate", "novelty")
_MAD_SCALE = 1.4826  # MAD → standard deviation for a normal distribution


def _isolation_matrix(features: pd.DataFrame) -> np.ndarray:
    matrix = features[ISOLATION_INPUTS].to_numpy(dtype="float64").copy()
    for column in ("days_since_merchant", "days_since_same_amount", "merchant_prior_count"):
        i = ISOLATION_INPUTS.index(column)
        matrix[:, i] = np.log1p(matrix[:, i])
    return matrix


class AnomalyModel:
    def __init__(self, params: dict[str, Any]):
        self.params = dict(params)
        self.weights = {c: float(params.get("weights", {}).get(c, 1.0)) for c in COMPONENTS}
        self.forest: IsolationForest | None = None
        self._flat_forest: FlatForest | None = None
        self._train_scores = np.array([])
        self.merchant_stats = pd.DataFrame()
        self.category_stats = pd.DataFrame()
        self.threshold = float(params.get("score_threshold", 0.5))
        self.metadata: dict[str, Any] = {}

    # ------------------------------------------------------------------ fit
    def fit(self, transactions: pd.DataFrame, features: pd.DataFrame) -> AnomalyModel:
        if len(transactions) < 10:
            raise ValueError(f"the anomaly model needs at least 10 transactions, got "
                             f"{len(transactions)}")
        forest = self.params.get("isolation_forest", {})
        self.forest = IsolationForest(n_estimators=int(forest.get("n_estimators", 200)),
                                      max_samples=min(int(forest.get("max_samples", 512)),
                                                      len(features)),
                                      random_state=int(self.params.get("seed", 42)),
                                      n_jobs=int(self.params.get("n_jobs", 2)))
        matrix = _isolation_matrix(features)
        self.forest.fit(matrix)
        self._flat_forest = FlatForest.from_forest(self.forest)
        self._train_scores = np.sort(-self._flat_forest.score_samples(matrix))
        log_amount = np.log1p(transactions["amount"].abs().to_numpy())
        frame = pd.DataFrame({"merchant": features["merchant_key"].to_numpy(),
                              "category": transactions["category"].fillna(
                                  "__" + transactions["type"] + "__").to_numpy(),
                              "log_amount": log_amount})
        self.merchant_stats = self._robust_stats(frame, "merchant")
        self.category_stats = self._robust_stats(frame, "category")
        scores = self.score(transactions, features)["score"].to_numpy()
        if self.params.get("contamination") is not None:
            # flag the `contamination` share of training transactions that score highest
            self.threshold = float(np.quantile(scores, 1.0 - float(self.params["contamination"])))
        dates = pd.to_datetime(transactions["date"])
        self.metadata = {"trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                         "n_train": int(len(transactions)), "threshold": self.threshold,
                         "data_start": str(dates.min().date()), "data_end": str(dates.max().date())}
        return self

    @staticmethod
    def _robust_stats(frame: pd.DataFrame, key: str) -> pd.DataFrame:
        grouped = frame.groupby(key)["log_amount"]
        median = grouped.median()
        mad = (frame["log_amount"] - frame[key].map(median)).abs().groupby(frame[key]).median()
        return pd.DataFrame({"median": median, "mad": mad, "count": grouped.size()})

    # ------------------------------------------------------------------ score
    def flat_forest(self) -> FlatForest:
        """The forest as flat arrays (scored the same, far faster on few rows); built here
        for models saved before it existed."""
        if getattr(self, "_flat_forest", None) is None:
            self._flat_forest = FlatForest.from_forest(self.forest)
        return self._flat_forest

    def score(self, transactions: pd.DataFrame, features: pd.DataFrame) -> pd.DataFrame:
        """Components, combined score, flag and reasons for each transaction."""
        if self.forest is None:
            raise RuntimeError("AnomalyModel is not fitted")
        p = self.params
        n = len(transactions)
        raw = -self.flat_forest().score_samples(_isolation_matrix(features))
        isolation = np.searchsorted(self._train_scores, raw, side="right") / max(
            len(self._train_scores), 1)
        # only the far tail of the isolation score is evidence of an anomaly
        isolation_floor = float(p.get("isolation_floor", 0.9))
        isolation = np.clip((isolation - isolation_floor) / (1 - isolation_floor), 0, 1)

        merchants = features["merchant_key"].to_numpy()
        categories = transactions["category"].fillna("__" + transactions["type"] + "__").to_numpy()
        log_amount = np.log1p(transactions["amount"].abs().to_numpy(dtype="float64"))
        m = self.merchant_stats.reindex(merchants)
        c = self.category_stats.reindex(categories)
        min_count = int(p.get("min_group_count", 5))
        use_merchant = (m["count"].fillna(0).to_numpy() >= min_count)
        median = np.where(use_merchant, m["median"].to_numpy(), c["median"].to_numpy())
        mad = np.where(use_merchant, m["mad"].to_numpy(), c["mad"].to_numpy())
        known = ~np.isnan(median)
        spread = np.maximum(_MAD_SCALE * np.nan_to_num(mad), float(p.get("min_log_spread", 0.1)))
        z = np.where(known, (log_amount - np.nan_to_num(median)) / spread, 0.0)
        z_start, z_full = float(p.get("amount_z_start", 3.0)), float(p.get("amount_z_full", 6.0))
        amount = np.clip((np.abs(z) - z_start) / (z_full - z_start), 0, 1) * (z > 0)
        ratio = np.where(known, np.expm1(log_amount) / np.maximum(np.expm1(np.nan_to_num(median)),
                                                                  0.01), 1.0)

        days_same = features["days_since_same_amount"].to_numpy()
        window = float(p.get("duplicate_window_days", 3))
        duplicate = np.where(days_same <= window, 1.0 - days_same / (window + 1), 0.0)
        duplicate = duplicate * (transactions["type"].to_numpy() == "expense")

        new_merchant = features["merchant_prior_count"].to_numpy() == 0
        seen_before = ~pd.isna(m["count"].to_numpy())  # the merchant is in the training history
        unseen = new_merchant & ~seen_before
        odd_time = (features["is_weekend"].to_numpy() > 0) | (features["is_holiday"].to_numpy() > 0)
        category_ratio = np.where(~np.isnan(c["median"].to_numpy()), log_amount - np.nan_to_num(
            c["median"].to_numpy()), 0.0)
        novelty = unseen * np.clip(0.4 + 0.3 * odd_time + 0.3 * (category_ratio > 1.0), 0, 1)

        components = {"isolation": isolation, "amount": amount, "duplicate": duplicate,
                      "novelty": novelty}
        keep = np.ones(n)
        for name, values in components.items():
            keep *= 1.0 - np.clip(self.weights[name] * values, 0, 1)
        score = 1.0 - keep
        flagged = score >= self.threshold

        dates = pd.to_datetime(transactions["date"]).to_numpy()
        earlier = pd.Series(dates - pd.to_timedelta(np.where(days_same <= window, days_same, 0),
                                                    unit="D")).dt.strftime("%Y-%m-%d").to_numpy()
        reason_parts = [
            np.where(amount > 0, [f"amount {r:.1f}× the {'merchant' if um else 'category'}'s "
                                  f"median" for r, um in zip(ratio, use_merchant, strict=True)], ""),
            np.where(duplicate > 0, [f"possible duplicate of the {d} charge" for d in earlier], ""),
            np.where(unseen, "first transaction at this merchant" + np.where(
                odd_time, " (weekend/holiday)", ""), ""),
            np.where(isolation > 0, "unusual combination of amount, timing and history", ""),
        ]
        reasons = pd.Series(["; ".join(r for r in parts if r) for parts in zip(*reason_parts,
                                                                                strict=True)])
        # a flagged row always says why, even when only weak signals added up
        reasons = reasons.where(reasons != "", "several weak signals together")
        return pd.DataFrame({"score": score, "is_anomaly": flagged,
                             "reasons": np.where(flagged | (score > 0), reasons, ""),
                             **{f"{k}_score": v for k, v in components.items()}},
                            index=transactions.index)


def raw_feature_baseline_matrix(transactions: pd.DataFrame) -> np.ndarray:
    """The plain baseline's inputs: amount and calendar position only."""
    dates = pd.to_datetime(transactions["date"])
    return np.column_stack([transactions["amount"].to_numpy(dtype="float64"),
                            dates.dt.dayofweek, dates.dt.day, dates.dt.month]).astype("float64")
