"""Amount model: what the next payment to (or from) this payee will be, with an honest interval.

**What it answers.** Given a transaction's payee/description, type, date and the history
before it — but not its amount — the amount to expect: the point (the median-optimal
magnitude, signed by the type) and an 80 % interval. Uses: a bill or a payment about
to come (what will the next payment to this payee be), the recurring payments of the
cash-flow forecast (their expected size and range), and the anomaly reasons (how far an
amount is from what was expected). The service's ``/predict/amount`` answers the same.

The model predicts ``log1p(|amount|)`` (money is multiplicative: a 10 % error on rent
and on coffee should weigh the same) as a prior — the median log-amount of the payee in
this category, else of the payee, else of the *most similar payees* (character n-gram
similarity of the payee names: a new "METRO FARE 4471" is priced like the metro fares
seen before, a new landlord like rents), else of the category (or type) — plus, for the
ridge and LightGBM candidates, a learnt correction (candidate ``prior`` has none; the
pipeline keeps a correction only when it clearly wins on validation). The sign comes
from the type (expenses negative). Inputs exclude everything computed from the row's
own amount (the ``amount`` feature group, the same-amount duplicate hint, the category
z-score): only text, payee, category, type, payment method, time and *earlier*
transactions' amounts.

Intervals: conformal, separately for known payees and for new ones (a payee the model
has not seen is far less certain), on *rolling-origin* residuals: the last
``calibration_fraction`` of the training timeline is cut into ``calibration_blocks``
blocks, and each block is priced by a model fitted on the rows before it — as the
hold-out and the served requests are priced by a model fitted before them (a single
short slice at the end, the earlier design, left a real account with 5-10 residuals,
too few: its interval collapsed to a point and covered 0.44 on Berka). A known payee's
residual is measured in units of its own spread (median absolute deviation of its log
amounts, + ``interval_spread_floor``): a fixed bill gets a narrow interval, cash
withdrawals a wide one. New payees: the calibration's new payees priced from similar
ones and every training payee priced from the others (leaving it out) give ``q``; the
interval is ``expm1(pred ± q)`` and also spans the 10th-90th percentiles of the similar
payees' amounts (or of the type's payees' amounts when no payee is similar): wide,
because that is what is known.
"""

from __future__ import annotations

import datetime as dt
import warnings
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
from titans_finance.core.splits import expanding_window_folds
from titans_finance.models import check_hyper_parameters

# Features that are functions of the row's own amount: never inputs of this model.
OWN_AMOUNT = set(FEATURE_GROUPS["amount"]) | {"days_since_same_amount", "category_amount_z"}
# The shipped hyper-parameters (conf/base/parameters_amount.yml) a fit reads.
HYPER_PARAMETERS = ("seed", "n_jobs", "max_text_features", "ridge", "lightgbm",
                    "interval_coverage", "prior_min_count", "prior_recent_days",
                    "calibration_blocks", "calibration_fraction", "interval_spread_floor")
# Folds of the out-of-fold priors a correction is learnt on (not a tunable: any 5+ works).
PRIOR_FOLDS = 5
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
    seed = int(params["seed"])
    if name == "ridge":
        design = ColumnTransformer(
            [("text", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True,
                                      max_features=params["max_text_features"]), "text"),
             ("category", OneHotEncoder(handle_unknown="ignore"), ["category"]),
             ("numeric", StandardScaler(), NUMERIC_INPUTS)], sparse_threshold=1.0)
        return Pipeline([("design", design),
                         ("regressor", Ridge(alpha=float(params["ridge"]["alpha"]),
                                             random_state=seed))])
    if name == "lightgbm":
        from lightgbm import LGBMRegressor

        lgbm = params["lightgbm"]
        return _LightGBMAmount(LGBMRegressor(
            objective="l1",  # the median in log space: what MAE rewards
            n_estimators=int(lgbm["n_estimators"]),
            learning_rate=float(lgbm["learning_rate"]),
            num_leaves=int(lgbm["num_leaves"]),
            min_child_samples=int(lgbm["min_child_samples"]),
            subsample=0.8, subsample_freq=1, colsample_bytree=0.8,
            n_jobs=int(params["n_jobs"]), random_state=seed, verbose=-1))
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
    category), else the merchant, else the most similar merchants by name, else the
    category (or type), else all rows.

    Fitted on training rows only. For the rows a regressor trains on, `out_of_fold`
    gives each row the prior computed without its own fold, so the correction
    model never learns from a prior that already contains the row's amount.
    """

    def __init__(self, min_count: int = 3, min_similarity: float = 0.5, neighbours: int = 5,
                 recent_days: int | None = None):
        self.min_count = min_count
        self.recent_days = recent_days
        self.min_similarity = min_similarity
        self.neighbours = neighbours
        self.pair = pd.Series(dtype="float64")
        self.merchant = pd.Series(dtype="float64")
        self.group = pd.Series(dtype="float64")
        self.group_range = pd.DataFrame(columns=["low", "high"])
        self.overall = 0.0
        self.overall_range = (0.0, 0.0)
        self.merchant_spread = pd.Series(dtype="float64")
        self.similar_index = pd.DataFrame(columns=["group", "merchant", "median", "low", "high"])
        self.vectorizer = None
        self.similar_matrix = None

    @staticmethod
    def _pair(merchant: np.ndarray, group: np.ndarray) -> np.ndarray:
        return (pd.Series(merchant, dtype="str") + "|" + pd.Series(group, dtype="str")).to_numpy()

    def fit(self, merchant: np.ndarray, group: np.ndarray, y_log: np.ndarray,
            dates: np.ndarray | None = None) -> MedianPrior:
        """``dates`` (with ``recent_days``): a payee's level is the median of its amounts in
        the last ``recent_days`` before the last date (a bill's price changes, interest
        follows the balance), when it has ``min_count`` of them there; else of all."""
        frame = pd.DataFrame({"pair": self._pair(merchant, group), "merchant": merchant,
                              "group": group, "y": y_log})
        recent = None
        if dates is not None and self.recent_days:
            dates = pd.to_datetime(pd.Series(dates)).to_numpy()
            recent = dates > dates.max() - np.timedelta64(int(self.recent_days), "D")
        for level in ("pair", "merchant"):
            stats = frame.groupby(level)["y"].agg(["median", "size"])
            level_median = stats.loc[stats["size"] >= self.min_count, "median"]
            if recent is not None:
                latest = frame[recent].groupby(level)["y"].agg(["median", "size"])
                latest = latest.loc[latest["size"] >= self.min_count, "median"]
                level_median = latest.combine_first(level_median)
            setattr(self, level, level_median)
        # how much a known payee's amounts vary: the median absolute deviation of its log
        # amounts (0 for a fixed bill; large for cash withdrawals): the interval's unit
        deviation = (frame["y"] - frame["merchant"].map(frame.groupby("merchant")["y"].median())
                     ).abs()
        self.merchant_spread = deviation.groupby(frame["merchant"]).median().reindex(
            self.merchant.index)
        self.group = frame.groupby("group")["y"].median()
        # what a payee like none seen may cost: the spread of the payees' own medians (one
        # vote per payee, not per transaction: daily fares must not make rent look unlikely)
        payees = frame.groupby(["group", "merchant"])["y"].median().groupby(level="group")
        self.group_range = pd.DataFrame({"low": payees.quantile(0.1), "high": payees.quantile(0.9)})
        self.overall = float(np.median(y_log)) if len(y_log) else 0.0
        self.overall_range = (tuple(np.quantile(y_log, [0.1, 0.9])) if len(y_log) else (0.0, 0.0))
        self._fit_similar(frame)
        return self

    def _fit_similar(self, frame: pd.DataFrame) -> None:
        """Every payee seen (even once): its median and 10th-90th percentile log-amounts, and
        its name as character n-grams, to price a payee never seen from similar ones."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        stats = frame.assign(merchant=frame["merchant"].astype(str),
                             group=frame["group"].astype(str)).groupby(["group", "merchant"])[
            "y"].agg(median="median", low=lambda y: np.quantile(y, 0.1),
                     high=lambda y: np.quantile(y, 0.9)).reset_index()
        stats = stats[~stats["merchant"].isin(["", "__none__"])].reset_index(drop=True)
        if stats.empty:
            return
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4))
        self.similar_matrix = self.vectorizer.fit_transform(stats["merchant"].to_list())
        self.similar_index = stats

    def similar(self, merchant: np.ndarray, group: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(median, low, high) log-amount of the payees most similar to each name among the
        payees of the same group (category, else type; NaN when none is similar enough):
        medians of the ``neighbours`` most similar payees' statistics, each at least
        ``min_similarity`` cosine-similar."""
        n = len(merchant)
        out = np.full((3, n), np.nan)
        if self.vectorizer is None or n == 0:
            return out[0], out[1], out[2]
        similarity = (self.vectorizer.transform(pd.Series(merchant, dtype="str").to_list())
                      @ self.similar_matrix.T).toarray()
        same_group = (pd.Series(group, dtype="str").to_numpy()[:, None]
                      == self.similar_index["group"].to_numpy()[None, :])
        similarity = np.where(same_group, similarity, -1.0)
        k = min(self.neighbours, similarity.shape[1])
        top = np.argsort(-similarity, axis=1)[:, :k]
        close = np.take_along_axis(similarity, top, axis=1) >= self.min_similarity
        stats = self.similar_index[["median", "low", "high"]].to_numpy()
        for j in range(3):
            values = np.where(close, stats[top, j], np.nan)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # rows with no similar payee
                out[j] = np.nanmedian(values, axis=1)
        return out[0], out[1], out[2]

    def leave_one_payee_out_residuals(self) -> np.ndarray:
        """|log median − prediction from the *other* similar payees| for every payee seen that
        has one: how wrong pricing a payee from similar ones is, measured without any new
        payee in the data."""
        if self.vectorizer is None or len(self.similar_index) < 2:
            return np.array([])
        similarity = (self.similar_matrix @ self.similar_matrix.T).toarray()
        groups = self.similar_index["group"].to_numpy()
        similarity = np.where(groups[:, None] == groups[None, :], similarity, -1.0)
        np.fill_diagonal(similarity, -1.0)
        k = min(self.neighbours, similarity.shape[1] - 1)
        top = np.argsort(-similarity, axis=1)[:, :k]
        close = np.take_along_axis(similarity, top, axis=1) >= self.min_similarity
        medians = self.similar_index["median"].to_numpy()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            predicted = np.nanmedian(np.where(close, medians[top], np.nan), axis=1)
        found = ~np.isnan(predicted)
        return np.abs(medians[found] - predicted[found])

    def predict_with_level(self, merchant: np.ndarray, group: np.ndarray
                           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Prior; whether the payee is known (pair or merchant level); whether a new payee
        was priced from similar ones; the log range (10th-90th percentile) of what a new
        payee's amount may be (the similar payees', else the type's payees')."""
        prior = pd.Series(self._pair(merchant, group)).map(self.pair).to_numpy(dtype="float64")
        prior = np.where(np.isnan(prior), pd.Series(merchant).map(self.merchant).to_numpy(
            dtype="float64"), prior)
        known = ~np.isnan(prior)
        if self.min_similarity > 0:
            # a known payee's name is not looked up (as the empty name it stood for, it is
            # similar to no payee: NaN), only the new payees' names are
            similar, low, high = (np.full(len(known), np.nan) for _ in range(3))
            new = np.flatnonzero(~known)
            if len(new):
                similar[new], low[new], high[new] = self.similar(
                    np.asarray(merchant, dtype=object)[new], np.asarray(group, dtype=object)[new])
        else:
            similar, low, high = self.similar(np.where(known, "", merchant), group)
        group_range = self.group_range.reindex(group)
        group_median = pd.Series(group).map(self.group).to_numpy(dtype="float64")
        prior = np.where(known, prior, np.where(np.isnan(similar), group_median, similar))
        low = np.where(np.isnan(similar), group_range["low"].to_numpy(dtype="float64"), low)
        high = np.where(np.isnan(similar), group_range["high"].to_numpy(dtype="float64"), high)
        prior = np.where(np.isnan(prior), self.overall, prior)
        low = np.where(np.isnan(low), self.overall_range[0], low)
        high = np.where(np.isnan(high), self.overall_range[1], high)
        return prior, known, ~known & ~np.isnan(similar), low, high

    def predict(self, merchant: np.ndarray, group: np.ndarray) -> np.ndarray:
        return self.predict_with_level(merchant, group)[0]

    def spread(self, merchant: np.ndarray) -> np.ndarray:
        """Each known payee's log-amount spread (NaN for a payee not known)."""
        return pd.Series(merchant).map(self.merchant_spread).to_numpy(dtype="float64")

    def out_of_fold(self, merchant, group, y_log, n_splits: int, seed: int,
                    dates: np.ndarray | None = None) -> np.ndarray:
        prior = np.empty(len(y_log))
        folds = KFold(min(n_splits, len(y_log)), shuffle=True, random_state=seed)
        for train, test in folds.split(y_log):
            part = MedianPrior(self.min_count, self.min_similarity, self.neighbours,
                               self.recent_days).fit(
                merchant[train], group[train], y_log[train],
                None if dates is None else dates[train])
            prior[test] = part.predict(merchant[test], group[test])
        return prior


def _keys(X: pd.DataFrame, features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    return features["merchant_key"].astype("str").to_numpy(), X["category"].to_numpy()


class AmountModel:
    """Point prediction and ``coverage`` interval of the signed amount. ``params``: the
    hyper-parameters of conf/base/parameters_amount.yml (`HYPER_PARAMETERS`), stored as
    given and checked by `fit`."""

    def __init__(self, estimator_name: str, params: dict[str, Any]):
        self.estimator_name = estimator_name
        self.params = dict(params)
        self.coverage: float | None = None  # params["interval_coverage"], set by fit
        self.q_log = 0.0
        self.prior: MedianPrior | None = None
        self.estimator = None
        self.metadata: dict[str, Any] = {}

    def _fit_once(self, X, features, y_log, dates):
        """Prior (median tables) and correction regressor fitted on these rows only."""
        merchant, group = _keys(X, features)
        seed = int(self.params["seed"])
        dates = pd.to_datetime(pd.Series(dates)).to_numpy()
        prior = MedianPrior(int(self.params["prior_min_count"]),
                            recent_days=self.params["prior_recent_days"])
        prior.fit(merchant, group, y_log, dates)
        if self.estimator_name == "prior":  # no correction to learn: no out-of-fold priors
            return prior, _NoCorrection()
        oof = prior.out_of_fold(merchant, group, y_log, PRIOR_FOLDS, seed,
                                dates)
        regressor = make_estimator(self.estimator_name, self.params).fit(X, y_log - oof)
        return prior, regressor

    def _calibration_residuals(self, X: pd.DataFrame, features: pd.DataFrame,
                               y_log: np.ndarray, dates: pd.Series) -> dict[str, np.ndarray]:
        """Rolling-origin residuals: the last ``calibration_fraction`` of the training
        timeline cut into ``calibration_blocks`` blocks; each block's rows are priced by the
        model fitted on every row *before* the block, as the hold-out is priced by a model fitted
        before it — residuals exchangeable with the test rows' (a horizon of weeks, not
        one step; the payee mix of the whole period, not of one short slice). A correction
        candidate is refitted per block (its residuals are those of a correction fitted
        before the block, as the served one is before the rows it prices)."""
        folds = expanding_window_folds(dates, int(self.params["calibration_blocks"]),
                                       float(self.params["calibration_fraction"]))
        if not folds or len(folds[0][0]) < 5 or sum(len(test) for _, test in folds) < 5:
            raise ValueError(f"too few rows ({len(y_log)}) to fit the amount model with intervals")
        parts = []
        for train, test in folds:
            if len(train) < 5 or len(test) == 0:
                continue
            prior, regressor = self._fit_once(X.iloc[train], features.iloc[train], y_log[train],
                                              dates.iloc[train])
            merchant, group = _keys(X.iloc[test], features.iloc[test])
            base, known, similar, _, _ = prior.predict_with_level(merchant, group)
            predicted = base + regressor.predict(X.iloc[test])
            parts.append((y_log[test] - predicted, known, similar, merchant))
        return {name: np.concatenate([p[i] for p in parts])
                for i, name in enumerate(("residual", "known", "similar", "merchant"))}

    def _calibrate(self, calibration: dict[str, np.ndarray]) -> None:
        """The interval widths (see the module docstring), from the rolling-origin
        residuals and the fitted prior."""
        floor = float(self.params["interval_spread_floor"])
        residuals = np.abs(calibration["residual"])
        known, similar = calibration["known"], calibration["similar"]
        prior_all = self.prior
        # a known payee: normalised conformal — |residual| in units of the payee's own
        # spread (+ a floor: a fixed bill still changes now and then), so a fixed bill gets
        # a narrow interval and cash withdrawals a wide one, each at the nominal coverage
        # (each payee's spread over the whole training period, as the served model's:
        # the same unit for the calibration rows and the rows it will price)
        spread = np.nan_to_num(prior_all.spread(calibration["merchant"][known]), nan=0.0)
        scores = residuals[known] / (spread + floor)
        self.q_log = _conformal_quantile(residuals, self.coverage,
                                         float(np.max(residuals)) if len(residuals) else 0.0)
        self.spread_floor = floor
        # (the conformal rank ceil((n+1)·coverage) exists from n = 4 on at 80 %: below
        # that the largest score seen)
        self.q_score_known = _conformal_quantile(
            scores, self.coverage, float(np.max(scores)) if len(scores) else float("nan"),
            minimum=int(np.ceil(self.coverage / (1 - self.coverage))))
        self.q_log_known = _conformal_quantile(residuals[known], self.coverage, self.q_log)
        # a new payee priced from similar ones: the calibration's such payees and every
        # training payee priced from the others (leave one payee out); never more certain
        # than a known payee
        new_residuals = np.concatenate([residuals[similar],
                                        prior_all.leave_one_payee_out_residuals()])
        # (with fewer than 3 such residuals there is no evidence of how well similar names
        # price a payee: as uncertain as any payee of the type, half its payees' log range)
        ranges = prior_all.group_range["high"] - prior_all.group_range["low"]
        unknown_width = max(self.q_log, float(np.nanmedian(ranges)) / 2 if len(ranges) else 0.0)
        self.q_log_new = max(_conformal_quantile(new_residuals, self.coverage, unknown_width,
                                                 minimum=3), self.q_log_known)
        self.n_calibration = (int(known.sum()), int((~known).sum()))

    def fit(self, transactions: pd.DataFrame, features: pd.DataFrame,
            intervals: bool = True) -> AmountModel:
        """Fit on every row; ``intervals=False`` skips the interval calibration (a candidate
        compared on its point predictions only: its lower/upper are NaN)."""
        check_hyper_parameters(self.params, HYPER_PARAMETERS, "AmountModel",
                               "conf/base/parameters_amount.yml")
        self.coverage = float(self.params["interval_coverage"])
        X = design_frame(transactions, features)
        y_log = np.log1p(transactions["amount"].abs().to_numpy())
        calibration = (self._calibration_residuals(X, features, y_log, transactions["date"])
                       if intervals else None)
        # the served model uses every row
        self.prior, self.estimator = self._fit_once(X, features, y_log, transactions["date"])
        if calibration is not None:
            self._calibrate(calibration)
        else:
            self.q_log = self.q_log_known = self.q_log_new = float("nan")
            self.q_score_known = float("nan")
            self.n_calibration = (0, 0)
        dates = pd.to_datetime(transactions["date"])
        self.metadata = {"trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                         "n_train": int(len(y_log)), "estimator": self.estimator_name,
                         "interval_log_half_width": self.q_log,
                         "interval_log_half_width_known_payee": self.q_log_known,
                         "interval_log_half_width_new_payee": self.q_log_new,
                         "interval_spread_score_known_payee": self.q_score_known,
                         "n_calibration_known_payee": self.n_calibration[0],
                         "n_calibration_new_payee": self.n_calibration[1],
                         "data_start": str(dates.min().date()), "data_end": str(dates.max().date())}
        return self

    def predict(self, transactions: pd.DataFrame, features: pd.DataFrame) -> pd.DataFrame:
        """Signed point, 80 % interval, and whether the payee is known to the model."""
        if self.estimator is None:
            raise RuntimeError("AmountModel is not fitted")
        X = design_frame(transactions, features)
        merchant, group = _keys(X, features)
        base, known, similar, low_new, high_new = self.prior.predict_with_level(merchant, group)
        log_pred = np.clip(base + self.estimator.predict(X), 0, 25)
        q_known = getattr(self, "q_log_known", self.q_log)
        # known payee: ± its conformal width; a new payee like known ones: ± the width of
        # pricing payees from similar ones, and at least their range; a payee like none:
        # the range of the type's payees
        q_known_payee = q_known
        if np.isfinite(getattr(self, "q_score_known", float("nan"))):
            # its own spread (median of the payee's spread when a payee has no row-level one)
            spread = self.prior.spread(merchant)
            q_known_payee = self.q_score_known * (np.nan_to_num(spread, nan=float(np.nanmedian(
                self.prior.merchant_spread)) if len(self.prior.merchant_spread) else 0.0)
                + self.spread_floor)
        q = np.where(known, q_known_payee, np.where(
            similar, getattr(self, "q_log_new", self.q_log), q_known))
        low_log = np.where(known, log_pred - q, np.minimum(log_pred - q, low_new))
        high_log = np.where(known, log_pred + q, np.maximum(log_pred + q, high_new))
        point = signed(transactions, np.expm1(log_pred))
        low = signed(transactions, np.expm1(np.clip(low_log, 0, None)))
        high = signed(transactions, np.expm1(high_log))
        return pd.DataFrame({"predicted_amount": point, "lower": np.minimum(low, high),
                             "upper": np.maximum(low, high), "known_payee": known},
                            index=transactions.index)


def _conformal_quantile(residuals: np.ndarray, coverage: float, fallback: float = 0.0,
                        minimum: int = 10) -> float:
    """The split-conformal ``coverage`` quantile of absolute residuals: the
    ``ceil((n+1)·coverage)``-th smallest (the largest when that rank exceeds n); ``fallback``
    when there are fewer than ``minimum`` of them. (Not ``np.quantile`` at rank/n: its
    "higher" method reads position (n-1)·rank/n and returned the next rank up.)"""
    n = len(residuals)
    if n < minimum:
        return float(fallback)
    rank = int(np.ceil((n + 1) * coverage))
    return float(np.sort(np.asarray(residuals, dtype="float64"))[min(rank, n) - 1])
