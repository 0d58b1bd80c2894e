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
from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from titans_finance.core.features import FEATURE_GROUPS
from titans_finance.core.splits import expanding_window_folds
from titans_finance.models import check_hyper_parameters
from titans_finance.models.amount.intervals import conformal_quantile
from titans_finance.models.amount.prior import MedianPrior

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
    frame["category"] = design_category(transactions)
    return frame


def design_category(transactions: pd.DataFrame) -> np.ndarray:
    """The design's category: the row's, else ``__<type>__`` (the prior's group)."""
    types = transactions["type"].to_numpy(dtype=object)
    if transactions["category"].isna().all() and set(map(type, types)) <= {str}:
        # no category sent (the service's usual rows), every type a str: the groups at
        # once, without the column of empty strings pandas built (~0.2 ms a 1,000-row call)
        return np.array(["__" + kind + "__" for kind in types.tolist()], dtype=object)
    category = transactions["category"].fillna("").astype("str").to_numpy()
    return np.where(category == "", "__" + transactions["type"].astype("str")
                    .to_numpy() + "__", category)


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
    candidate comparison then keeps the medians. It reads no design (`AmountModel.predict`
    builds none for it)."""

    reads_design = False

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


def signs(transactions: pd.DataFrame) -> np.ndarray:
    """+1 for income, -1 for anything else (the sign a magnitude is answered with)."""
    return np.where(transactions["type"].to_numpy() == "income", 1.0, -1.0)


def signed(transactions: pd.DataFrame, magnitude: np.ndarray) -> np.ndarray:
    return signs(transactions) * magnitude


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
        self.q_log = conformal_quantile(residuals, self.coverage,
                                         float(np.max(residuals)) if len(residuals) else 0.0)
        self.spread_floor = floor
        # (the conformal rank ceil((n+1)·coverage) exists from n = 4 on at 80 %: below
        # that the largest score seen)
        self.q_score_known = conformal_quantile(
            scores, self.coverage, float(np.max(scores)) if len(scores) else float("nan"),
            minimum=int(np.ceil(self.coverage / (1 - self.coverage))))
        self.q_log_known = conformal_quantile(residuals[known], self.coverage, self.q_log)
        # a new payee priced from similar ones: the calibration's such payees and every
        # training payee priced from the others (leave one payee out); never more certain
        # than a known payee
        new_residuals = np.concatenate([residuals[similar],
                                        prior_all.leave_one_payee_out_residuals()])
        # (with fewer than 3 such residuals there is no evidence of how well similar names
        # price a payee: as uncertain as any payee of the type, half its payees' log range)
        ranges = prior_all.group_range["high"] - prior_all.group_range["low"]
        unknown_width = max(self.q_log, float(np.nanmedian(ranges)) / 2 if len(ranges) else 0.0)
        self.q_log_new = max(conformal_quantile(new_residuals, self.coverage, unknown_width,
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
        if getattr(self.estimator, "reads_design", True):
            X = design_frame(transactions, features)
            group, correction = X["category"].to_numpy(), self.estimator.predict(X)
        else:  # the medians alone: the design's text and numbers would be read by nothing
            group, correction = design_category(transactions), np.zeros(len(transactions))
        merchant = features["merchant_key"].astype("str").to_numpy()  # as `_keys` reads it
        base, known, similar, low_new, high_new = self.prior.predict_with_level(merchant, group)
        log_pred = np.clip(base + correction, 0, 25)
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
        sign = signs(transactions)  # read once for the three (`signed`)
        point = sign * np.expm1(log_pred)
        low = sign * np.expm1(np.clip(low_log, 0, None))
        high = sign * np.expm1(high_log)
        return pd.DataFrame({"predicted_amount": point, "lower": np.minimum(low, high),
                             "upper": np.maximum(low, high), "known_payee": known},
                            index=transactions.index)
