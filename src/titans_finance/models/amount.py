"""Amount regressor with split-conformal prediction intervals.

The model predicts ``log1p(|amount|)`` (money is multiplicative: a 10 % error on
rent and on coffee should weigh the same) as a prior — the median log-amount of the
merchant in this category, else of the merchant, else of the category (`MedianPrior`,
fitted on training rows, out-of-fold for the rows a correction is learnt on) — plus,
for the ridge and LightGBM candidates, a learnt correction (candidate ``prior`` has
none; the pipeline keeps a correction only when it clearly wins on validation),
and the sign comes from the type
(expenses negative). Inputs exclude everything computed from the row's own
amount (the ``amount`` feature group, the same-amount duplicate hint, the
category z-score): only text, merchant, category, type, payment method, time and
*earlier* transactions' amounts.

Intervals: the absolute log-residuals of a model fitted on the earlier part of
the training period, measured on its later part (calibration slice), give the
``coverage`` quantile ``q``; the interval is ``expm1(pred ± q)``, which always
contains the point prediction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from titans_finance.core.features import FEATURE_GROUPS
from titans_finance.core.splits import time_split_mask

# Features that are functions of the row's own amount: never inputs of this model.
OWN_AMOUNT = set(FEATURE_GROUPS["amount"]) | {"days_since_same_amount", "category_amount_z"}
NUMERIC_INPUTS = [c for group in ("time", "categorical", "text", "history", "category_history")
                  for c in FEATURE_GROUPS[group] if c not in OWN_AMOUNT]


def design_frame(transactions: pd.DataFrame, features: pd.DataFrame) -> pd.DataFrame:
    frame = features[NUMERIC_INPUTS].reset_index(drop=True).astype("float64")
    frame["text"] = (transactions["description"].fillna("").astype("str").str.lower().to_numpy()
                     + " | " + features["merchant_key"].astype("str").to_numpy())
    category = transactions["category"].fillna("").astype("str").to_numpy()
    frame["category"] = np.where(category == "", "__" + transactions["type"].astype("str")
                                 .to_numpy() + "__", category)
    return frame


def make_estimator(name: str, params: dict[str, Any]):
    seed = int(params.get("seed", 42))
    if name == "ridge":
        design = ColumnTransformer(
            [("text", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True,
                                      max_features=params.get("max_text_features")), "text"),
             ("category", OneHotEncoder(handle_unknown="ignore"), ["category"]),
             ("numeric", StandardScaler(), NUMERIC_INPUTS)], sparse_threshold=1.0)
        return Pipeline([("design", design),
                         ("regressor", Ridge(alpha=float(params.get("ridge", {}).get("alpha", 1.0)),
                                             random_state=seed))])
    if name == "lightgbm":
        from lightgbm import LGBMRegressor

        lgbm = params.get("lightgbm", {})
        return _LightGBMAmount(LGBMRegressor(
            objective=lgbm.get("objective", "l1"),  # the median in log space: what MAE rewards
            n_estimators=int(lgbm.get("n_estimators", 300)),
            learning_rate=float(lgbm.get("learning_rate", 0.05)),
            num_leaves=int(lgbm.get("num_leaves", 31)),
            min_child_samples=int(lgbm.get("min_child_samples", 20)),
            subsample=0.8, subsample_freq=1, colsample_bytree=0.8,
            n_jobs=int(params.get("n_jobs", 2)), random_state=seed, verbose=-1))
    if name == "prior":
        return _NoCorrection()
    raise ValueError(f"unknown amount candidate {name!r}; use prior, ridge or lightgbm")


class _NoCorrection:
    """The candidate "prior": the hierarchical median alone, no learnt correction. On small
    or noisy exports a correction model adds variance the medians do not have; the
    candidate comparison then keeps the medians."""

    def fit(self, X: pd.DataFrame, y) -> _NoCorrection:
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return np.zeros(len(X))


class _LightGBMAmount:
    """LightGBM on the numeric inputs plus the category as a native categorical feature."""

    def __init__(self, regressor):
        self.regressor = regressor
        self.categories_: list[str] = []

    def _matrix(self, X: pd.DataFrame) -> pd.DataFrame:
        matrix = X[NUMERIC_INPUTS].copy()
        known = X["category"].where(X["category"].isin(self.categories_))  # unseen → missing
        matrix["category"] = pd.Categorical(known, categories=self.categories_)
        return matrix

    def fit(self, X: pd.DataFrame, y) -> _LightGBMAmount:
        self.categories_ = sorted(set(X["category"]))
        self.regressor.fit(self._matrix(X), y, categorical_feature=["category"])
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return self.regressor.predict(self._matrix(X))


def signed(transactions: pd.DataFrame, magnitude: np.ndarray) -> np.ndarray:
    sign = np.where(transactions["type"].to_numpy() == "income", 1.0, -1.0)
    return sign * magnitude


class MedianPrior:
    """Median log-amount of the most specific group seen ``min_count`` times: merchant and
    category together (a merchant selling in several categories has one price level per
    category), else the merchant, else the category (or type), else all rows.

    Fitted on training rows only. For the rows a regressor trains on, `out_of_fold`
    gives each row the prior computed without its own fold, so the correction
    model never learns from a prior that already contains the row's amount.
    """

    def __init__(self, min_count: int = 3):
        self.min_count = min_count
        self.pair = pd.Series(dtype="float64")
        self.merchant = pd.Series(dtype="float64")
        self.group = pd.Series(dtype="float64")
        self.overall = 0.0

    @staticmethod
    def _pair(merchant: np.ndarray, group: np.ndarray) -> np.ndarray:
        return (pd.Series(merchant, dtype="str") + "|" + pd.Series(group, dtype="str")).to_numpy()

    def fit(self, merchant: np.ndarray, group: np.ndarray, y_log: np.ndarray) -> MedianPrior:
        frame = pd.DataFrame({"pair": self._pair(merchant, group), "merchant": merchant,
                              "group": group, "y": y_log})
        for level in ("pair", "merchant"):
            stats = frame.groupby(level)["y"].agg(["median", "size"])
            setattr(self, level, stats.loc[stats["size"] >= self.min_count, "median"])
        self.group = frame.groupby("group")["y"].median()
        self.overall = float(np.median(y_log)) if len(y_log) else 0.0
        return self

    def predict(self, merchant: np.ndarray, group: np.ndarray) -> np.ndarray:
        prior = pd.Series(self._pair(merchant, group)).map(self.pair).to_numpy(dtype="float64")
        for table, keys in ((self.merchant, merchant), (self.group, group)):
            prior = np.where(np.isnan(prior), pd.Series(keys).map(table).to_numpy(
                dtype="float64"), prior)
        return np.where(np.isnan(prior), self.overall, prior)

    def out_of_fold(self, merchant, group, y_log, n_splits: int, seed: int) -> np.ndarray:
        prior = np.empty(len(y_log))
        folds = KFold(min(n_splits, len(y_log)), shuffle=True, random_state=seed)
        for train, test in folds.split(y_log):
            part = MedianPrior(self.min_count).fit(merchant[train], group[train], y_log[train])
            prior[test] = part.predict(merchant[test], group[test])
        return prior


def _keys(X: pd.DataFrame, features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    return features["merchant_key"].astype("str").to_numpy(), X["category"].to_numpy()


class AmountModel:
    """Point prediction and ``coverage`` interval of the signed amount."""

    def __init__(self, estimator_name: str, params: dict[str, Any]):
        self.estimator_name = estimator_name
        self.params = dict(params)
        self.coverage = float(params.get("interval_coverage", 0.8))
        self.q_log = 0.0
        self.prior: MedianPrior | None = None
        self.estimator = None
        self.metadata: dict[str, Any] = {}

    def _fit_once(self, X, features, y_log):
        """Prior (median tables) and correction regressor fitted on these rows only."""
        merchant, group = _keys(X, features)
        seed = int(self.params.get("seed", 42))
        prior = MedianPrior(int(self.params.get("prior_min_count", 2)))
        oof = prior.out_of_fold(merchant, group, y_log, int(self.params.get("prior_folds", 5)), seed)
        prior.fit(merchant, group, y_log)
        regressor = make_estimator(self.estimator_name, self.params).fit(X, y_log - oof)
        return prior, regressor

    def fit(self, transactions: pd.DataFrame, features: pd.DataFrame) -> AmountModel:
        X = design_frame(transactions, features)
        y_log = np.log1p(transactions["amount"].abs().to_numpy())
        calibration = time_split_mask(transactions["date"], float(self.params.get(
            "calibration_fraction", 0.2))).to_numpy()
        if calibration.sum() < 5 or (~calibration).sum() < 5:
            raise ValueError(f"too few rows ({len(y_log)}) to fit the amount model with intervals")
        # interval width: residuals on the calibration slice of a model fitted before it
        prior, regressor = self._fit_once(X[~calibration], features[~calibration],
                                          y_log[~calibration])
        merchant, group = _keys(X[calibration], features[calibration])
        predicted = prior.predict(merchant, group) + regressor.predict(X[calibration])
        residuals = np.abs(y_log[calibration] - predicted)
        n = len(residuals)
        level = min(1.0, np.ceil((n + 1) * self.coverage) / n)
        self.q_log = float(np.quantile(residuals, level, method="higher"))
        # the served model uses every row
        self.prior, self.estimator = self._fit_once(X, features, y_log)
        dates = pd.to_datetime(transactions["date"])
        self.metadata = {"trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                         "n_train": int(len(y_log)), "estimator": self.estimator_name,
                         "interval_log_half_width": self.q_log,
                         "data_start": str(dates.min().date()), "data_end": str(dates.max().date())}
        return self

    def predict(self, transactions: pd.DataFrame, features: pd.DataFrame) -> pd.DataFrame:
        if self.estimator is None:
            raise RuntimeError("AmountModel is not fitted")
        X = design_frame(transactions, features)
        merchant, group = _keys(X, features)
        log_pred = np.clip(self.prior.predict(merchant, group) + self.estimator.predict(X), 0, 25)
        point = signed(transactions, np.expm1(log_pred))
        low = signed(transactions, np.expm1(np.clip(log_pred - self.q_log, 0, None)))
        high = signed(transactions, np.expm1(log_pred + self.q_log))
        return pd.DataFrame({"predicted_amount": point, "lower": np.minimum(low, high),
                             "upper": np.maximum(low, high)}, index=transactions.index)
