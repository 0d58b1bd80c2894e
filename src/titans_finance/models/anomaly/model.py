"""Anomaly detector: signals a person would call anomalies, each in [0, 1], combined by a
weighted noisy-OR, with a threshold whose flag rate is measured on scores it was not fitted on.

- ``amount``: robust z-score of the log-amount above the payee's own history (median /
  MAD of at least ``min_group_count`` earlier payments), else above the category's when
  the transaction has a category. Only "more than usual" counts.
- ``new_payee``: a first payment to a payee never seen before *and* large for this
  account (above the 90th percentile of its own payments of the same sign) or far
  below its usual smallest payments (under the 10th percentile: how stolen card
  details are tested). A new payee
  alone, or a weekend, is not an anomaly.
- ``duplicate``: the same payee charged the same amount within a few days, weighted by how
  unusual such a repeat is for that payee: ``1 - b``, where ``b`` is the share of the
  payee's training payments that repeated an earlier one to the cent within the window
  (its base rate of innocent repeats: two teas a day at the café repeat, rent does not),
  shrunk towards the rate of the account's payments of the same size (amounts within a
  factor of two), itself shrunk towards that size band's rate over every account, with
  ``min_group_count`` payments of weight each. A habitual payee charged the same price
  every few days (a fare) is no duplicate at all.
- ``burst``: several charges within a week at a payee first seen that week (the shape of
  card testing).
- ``isolation``: an IsolationForest's far tail, a weak supporting signal.

Noisy-OR ``1 - Π(1 - wᵢ·sᵢ)`` keeps the score in [0, 1]. Every reason names its
reference ("the median of the 14 payments to this payee in the training data", "this account's
payments"), never a category's median when no category was sent.

Per account: every statistic (payee, category, the account's payments of one sign) is the
account's own (keys qualified by the ``account`` column); a transaction without an account
belongs to the training's most frequent account (a single-account export: its only one).
The IsolationForest is one for all accounts, on features that are already per account.

Threshold: with ``contamination`` set, the model is fitted on the earlier part of the
training period and the later part is scored as the service scores it (each transaction
against the history before it); the threshold is the ``1 - contamination`` quantile of
those out-of-sample scores. With fewer than ``min_calibration_rows`` such scores (a
short export) the fixed ``score_threshold`` is used, and the metadata says so.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from titans_finance.core.feature_params import DEFAULT_ACCOUNT
from titans_finance.core.feature_rows import account_keys, row_accounts
from titans_finance.core.splits import time_split_mask
from titans_finance.models import check_hyper_parameters
from titans_finance.models.anomaly.flat_forest import FlatForest

if TYPE_CHECKING:  # fitting only: a fitted model is scored by its flat forest
    from sklearn.ensemble import IsolationForest

ISOLATION_INPUTS = ["log_abs_amount", "merchant_amount_z", "category_amount_z", "amount_sign",
                    "days_since_merchant", "days_since_same_amount", "merchant_prior_count",
                    "merchant_count_7d", "merchant_count_30d", "is_weekend", "is_business_day",
                    "payment_method_code", "is_recurring", "is_round_10", "global_count_7d"]
COMPONENTS = ("isolation", "amount", "duplicate", "new_payee", "burst")
# The shipped hyper-parameters (conf/base/parameters_anomaly.yml) a fit and a score read.
HYPER_PARAMETERS = ("weights", "score_threshold", "contamination", "calibration_fraction",
                    "min_calibration_rows", "isolation_forest", "seed", "n_jobs",
                    "min_log_spread", "isolation_floor", "min_group_count", "amount_z_start",
                    "amount_z_full", "new_payee_ratio_full", "duplicate_window_days",
                    "burst_min_earlier")
# A payee whose log amounts vary less than this is "fixed price" (a fare, a top-up): the
# same amount again within days is its habit, not a duplicate.
FIXED_PRICE_LOG_SPREAD = 0.02
_MAD_SCALE = 1.4826  # MAD → standard deviation for a normal distribution


def _size_band(amount: np.ndarray) -> np.ndarray:
    """Payments within a factor of two of each other share a band (scale-free: the same
    bands for any currency's amounts, relative to one unit)."""
    return np.floor(np.log2(np.abs(amount) + 1.0)).astype("int64")


def _isolation_matrix(features: pd.DataFrame) -> np.ndarray:
    matrix = features[ISOLATION_INPUTS].to_numpy(dtype="float64").copy()
    for column in ("days_since_merchant", "days_since_same_amount", "merchant_prior_count"):
        i = ISOLATION_INPUTS.index(column)
        matrix[:, i] = np.log1p(matrix[:, i])
    return matrix


class AnomalyModel:
    """``params``: the hyper-parameters of conf/base/parameters_anomaly.yml
    (`HYPER_PARAMETERS`), stored as given and checked by `fit`."""

    def __init__(self, params: dict[str, Any]):
        self.params = dict(params)
        self.weights: dict[str, float] = {}  # params["weights"], set by fit
        self.forest: IsolationForest | None = None
        self._flat_forest: FlatForest | None = None
        self._train_scores = np.array([])
        self.merchant_stats = pd.DataFrame()
        self.category_stats = pd.DataFrame()
        self.sign_stats = pd.DataFrame()
        self.threshold: float | None = None  # params["score_threshold"] or calibrated by fit
        self.threshold_source = "score_threshold"
        self.metadata: dict[str, Any] = {}
        self.default_account = DEFAULT_ACCOUNT
        self.stats_by_account = True  # False only in models pickled before per-account stats
        self.repeat_rates: dict[str, pd.Series] = {}

    # ------------------------------------------------------------------ fit
    def fit(self, transactions: pd.DataFrame, features: pd.DataFrame) -> AnomalyModel:
        check_hyper_parameters(self.params, HYPER_PARAMETERS, "AnomalyModel",
                               "conf/base/parameters_anomaly.yml")
        self.weights = {c: float(self.params["weights"][c]) for c in COMPONENTS}
        self.threshold = float(self.params["score_threshold"])
        if len(transactions) < 10:
            raise ValueError(f"the anomaly model needs at least 10 transactions, got "
                             f"{len(transactions)}")
        transactions = transactions.reset_index(drop=True)
        features = features.reset_index(drop=True)
        accounts = pd.Series(row_accounts(transactions))
        counts = accounts.value_counts().sort_index(kind="stable")
        self.default_account = str(counts.index[int(np.argmax(counts.to_numpy()))])
        contamination = self.params["contamination"]
        if contamination is not None:
            self.threshold, self.threshold_source = self._calibrated_threshold(
                transactions, features, float(contamination))
        self._fit_components(transactions, features)
        dates = pd.to_datetime(transactions["date"])
        self.metadata = {"trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                         "n_train": int(len(transactions)), "threshold": self.threshold,
                         "threshold_source": self.threshold_source,
                         "data_start": str(dates.min().date()), "data_end": str(dates.max().date())}
        return self

    def _calibrated_threshold(self, transactions, features, contamination) -> tuple[float, str]:
        """The 1 - contamination quantile of out-of-sample scores (see the module docstring)."""
        fraction = float(self.params["calibration_fraction"])
        minimum = int(self.params["min_calibration_rows"])
        later = time_split_mask(transactions["date"], fraction).to_numpy()
        if later.sum() < minimum or (~later).sum() < 10:
            return (float(self.params["score_threshold"]),
                    "score_threshold (too few rows to calibrate the contamination)")
        early = AnomalyModel({**self.params, "contamination": None})
        early.weights, early.threshold = self.weights, float(self.params["score_threshold"])
        early._fit_components(transactions[~later], features[~later])
        scores = early.score(transactions[later], features[later])["score"].to_numpy()
        return float(np.quantile(scores, 1.0 - contamination)), "contamination (out-of-sample)"

    def _fit_components(self, transactions: pd.DataFrame, features: pd.DataFrame) -> None:
        from sklearn.ensemble import IsolationForest

        forest = self.params["isolation_forest"]
        self.forest = IsolationForest(n_estimators=int(forest["n_estimators"]),
                                      max_samples=min(int(forest["max_samples"]), len(features)),
                                      random_state=int(self.params["seed"]),
                                      n_jobs=int(self.params["n_jobs"]))
        matrix = _isolation_matrix(features)
        self.forest.fit(matrix)
        self._flat_forest = FlatForest.from_forest(self.forest)
        self._train_scores = np.sort(-self._flat_forest.score_samples(matrix))
        log_amount = np.log1p(transactions["amount"].abs().to_numpy(dtype="float64"))
        category = transactions["category"] if "category" in transactions else pd.Series(
            None, index=transactions.index, dtype=object)
        frame = pd.DataFrame({"merchant": self._keys(transactions,
                                                     features["merchant_key"].to_numpy()),
                              "category": self._category_keys(transactions,
                                                              category.to_numpy(dtype=object)),
                              "sign": self._keys(transactions, _sign_key(transactions)),
                              "log_amount": log_amount})
        self.merchant_stats = self._robust_stats(frame, "merchant")
        self.category_stats = self._robust_stats(frame.dropna(subset=["category"]), "category")
        self.sign_stats = self._robust_stats(frame, "sign")
        self.repeat_rates = self._repeat_rates(transactions, features, frame["merchant"])

    def _repeat_rates(self, transactions: pd.DataFrame, features: pd.DataFrame,
                      merchants: pd.Series) -> dict[str, pd.Series]:
        """The base rate of innocent same-amount repeats (see the module docstring): per
        payee, per account and size band, per size band, over all payments; expenses only
        (only they are checked for duplicates). Each level: ``(repeats + m·rate of the
        level above) / (payments + m)``, ``m`` = ``min_group_count``."""
        amount = transactions["amount"].to_numpy(dtype="float64")
        expense = amount < 0
        window = float(self.params["duplicate_window_days"])
        repeat = (features["days_since_same_amount"].to_numpy() <= window)[expense].astype(float)
        weight = float(self.params["min_group_count"])
        band = _size_band(amount[expense])
        account_band = self._keys(transactions[expense], band.astype(str).astype(object))
        overall = float(repeat.mean()) if len(repeat) else 0.0
        rates: dict[str, pd.Series] = {}
        prior = pd.Series(overall, index=pd.Index(np.unique(band)))
        for level, keys, above in (("band", band, band),
                                   ("account_band", account_band, band),
                                   ("payee", merchants.to_numpy()[expense], account_band)):
            grouped = pd.Series(repeat).groupby(keys)
            first_above = pd.Series(above).groupby(keys).first()
            base = prior.reindex(first_above.to_numpy()).to_numpy()
            rate = (grouped.sum() + weight * base) / (grouped.size() + weight)
            rates[level] = prior = rate
        rates["overall"] = pd.Series([overall])
        return rates

    def _repeat_rate(self, transactions: pd.DataFrame, merchants: np.ndarray,
                     accounts: np.ndarray | None = None) -> np.ndarray:
        """Each row's base rate of innocent repeats: its payee's, else its account's size
        band's, else the size band's, else 0 (a model saved before base rates)."""
        rates = getattr(self, "repeat_rates", None)
        if not rates:
            return np.zeros(len(transactions))
        amount = transactions["amount"].to_numpy(dtype="float64")
        band = _size_band(amount)
        account_band = self._keys(transactions, band.astype(str).astype(object), accounts)
        overall = float(rates["overall"].iloc[0])
        rate = self._looked_up(rates["band"], band)
        rate = np.where(np.isnan(rate), overall, rate)
        for level, keys in (("account_band", account_band), ("payee", merchants)):
            found = self._looked_up(rates[level], keys)
            rate = np.where(np.isnan(found), rate, found)
        return rate

    @staticmethod
    def _robust_stats(frame: pd.DataFrame, key: str) -> pd.DataFrame:
        grouped = frame.groupby(key)["log_amount"]
        median = grouped.median()
        mad = (frame["log_amount"] - frame[key].map(median)).abs().groupby(frame[key]).median()
        return pd.DataFrame({"median": median, "mad": mad, "count": grouped.size(),
                             "p10": grouped.quantile(0.1), "p90": grouped.quantile(0.9)})

    def _accounts(self, transactions: pd.DataFrame) -> np.ndarray:
        return row_accounts(transactions, getattr(self, "default_account", DEFAULT_ACCOUNT))

    def _keys(self, transactions: pd.DataFrame, keys: np.ndarray,
              accounts: np.ndarray | None = None) -> np.ndarray:
        """Statistic keys of the rows: qualified by account (models saved before
        per-account statistics: the plain keys). ``accounts``: the rows' `_accounts`,
        when the caller has them."""
        if not getattr(self, "stats_by_account", False):
            return keys
        return account_keys(self._accounts(transactions) if accounts is None else accounts,
                            keys)

    def _category_keys(self, transactions: pd.DataFrame, category: np.ndarray,
                       accounts: np.ndarray | None = None) -> np.ndarray:
        """Category statistic keys; None where the transaction has no category."""
        missing = pd.isna(category)
        if missing.all():  # no category sent (the service's usual request): no key at all
            return np.full(len(category), None, dtype=object)
        text = pd.Series(category, dtype=object).where(~missing, "").astype(str).to_numpy(
            dtype=object)
        return np.where(missing, None, self._keys(transactions, text, accounts))

    # ------------------------------------------------------------------ score
    def flat_forest(self) -> FlatForest:
        """The forest as flat arrays (scored the same, far faster on few rows); built here
        for models saved before it existed or before its present layout (the trees are
        kept by those: the same forest, flattened again)."""
        flat = getattr(self, "_flat_forest", None)
        if flat is None or "left" not in vars(flat):
            if self.forest is None:  # saved without its trees (`__getstate__`)
                raise RuntimeError("AnomalyModel's flat forest is of an earlier layout and "
                                   "its trees were not saved: retrain it")
            self._flat_forest = FlatForest.from_forest(self.forest)
        return self._flat_forest

    def _rows(self, stats: pd.DataFrame, keys) -> dict[str, np.ndarray]:
        """``stats.reindex(keys)`` as float arrays per column (NaN: a key not in it), by a
        dict look-up per key (a reindex cost ~0.3 ms a request): the table of each
        statistics frame is built once and kept beside it (never pickled)."""
        tables = self.__dict__.setdefault("_stats_tables", {})
        entry = tables.get(id(stats))
        if entry is None or entry[0] is not stats:
            entry = tables[id(stats)] = (
                stats, {k: i for i, k in enumerate(stats.index.tolist())},
                {c: stats[c].to_numpy(dtype="float64") for c in stats.columns})
        _, positions, columns = entry
        at = np.fromiter(map(positions.get, keys, itertools.repeat(-1)), dtype="int64",
                         count=len(keys))
        found, at = at >= 0, np.maximum(at, 0)
        return {c: (np.where(found, values[at], np.nan) if len(values)
                    else np.full(len(keys), np.nan)) for c, values in columns.items()}

    def _looked_up(self, values: pd.Series, keys) -> np.ndarray:
        """``values.reindex(keys)`` as a float array (NaN: a key not in it), by a dict
        look-up per key (three reindexes cost ~0.5 ms a 1,000-row request): the table of
        each series is built once and kept beside it (never pickled), as `_rows` keeps
        the statistics frames'."""
        tables = self.__dict__.setdefault("_stats_tables", {})
        entry = tables.get(id(values))
        if entry is None or entry[0] is not values:
            entry = tables[id(values)] = (values, dict(zip(
                values.index.tolist(), values.to_numpy(dtype="float64").tolist(), strict=True)))
        found = entry[1].get
        keys = keys.tolist() if isinstance(keys, np.ndarray) else list(keys)
        return np.fromiter(map(found, keys, itertools.repeat(np.nan)), dtype="float64",
                           count=len(keys))

    def __getstate__(self) -> dict[str, Any]:
        """Without the tables kept beside the statistics, nor scikit-learn's forest once flat
        (a second copy; loading it imported scikit-learn's forests: ~8 MiB served)."""
        state = {k: v for k, v in self.__dict__.items() if k != "_stats_tables"}
        flat = state.get("_flat_forest")
        if flat is not None and "left" in vars(flat):
            state["forest"] = None
        return state

    def _z(self, stats: pd.DataFrame, keys, log_amount, rows: dict | None = None
           ) -> tuple[np.ndarray, ...]:
        """z-score, ratio to the median and count of each row's statistics (``rows``:
        ``self._rows(stats, keys)``, when the caller has them)."""
        s = self._rows(stats, keys) if rows is None else rows
        count = np.nan_to_num(s["count"], nan=0.0)
        median = s["median"]
        spread = np.maximum(_MAD_SCALE * np.nan_to_num(s["mad"]),
                            float(self.params["min_log_spread"]))
        z = np.where(np.isnan(median), 0.0, (log_amount - np.nan_to_num(median)) / spread)
        ratio = np.where(np.isnan(median), 1.0, np.expm1(log_amount) / np.maximum(
            np.expm1(np.nan_to_num(median)), 0.01))
        return z, ratio, count

    def score(self, transactions: pd.DataFrame, features: pd.DataFrame) -> pd.DataFrame:
        """Components, combined score, flag and reasons for each transaction."""
        if self.forest is None and getattr(self, "_flat_forest", None) is None:
            raise RuntimeError("AnomalyModel is not fitted")
        p = self.params
        n = len(transactions)
        raw = -self.flat_forest().score_samples(_isolation_matrix(features))
        isolation = np.searchsorted(self._train_scores, raw, side="right") / max(
            len(self._train_scores), 1)
        isolation_floor = float(p["isolation_floor"])
        isolation = np.clip((isolation - isolation_floor) / (1 - isolation_floor), 0, 1)

        log_amount = np.log1p(np.abs(transactions["amount"].to_numpy(dtype="float64")))
        # the rows' accounts, read once for every statistic key below
        accounts = (self._accounts(transactions) if getattr(self, "stats_by_account", False)
                    else None)
        merchants = self._keys(transactions, features["merchant_key"].to_numpy(), accounts)
        category = (transactions["category"].to_numpy(dtype=object) if "category" in transactions
                    else np.full(n, None, dtype=object))
        category = self._category_keys(transactions, category, accounts)
        min_count = int(p["min_group_count"])
        merchant_rows = self._rows(self.merchant_stats, merchants)  # read once, used twice
        z_m, ratio_m, count_m = self._z(self.merchant_stats, merchants, log_amount,
                                        merchant_rows)
        z_c, ratio_c, count_c = self._z(getattr(self, "category_stats", _NO_CATEGORY_STATS),
                                        category, log_amount)
        # a payee too new for the training statistics: its payments before this one in the
        # history the features saw (the service's rolling history), mean/std of log-amounts
        prior_count = features["merchant_prior_count"].to_numpy()
        by_history = (count_m < min_count) & (prior_count >= min_count)
        prior_spread = np.maximum(features["merchant_prior_std_log"].to_numpy(),
                                  float(p["min_log_spread"]))
        prior_mean = features["merchant_prior_mean_log"].to_numpy()
        z_m = np.where(by_history, (log_amount - prior_mean) / prior_spread, z_m)
        ratio_m = np.where(by_history, np.expm1(log_amount) / np.maximum(np.expm1(prior_mean),
                                                                        0.01), ratio_m)
        count_m_reference = np.where(by_history, prior_count, count_m)
        by_merchant = (count_m >= min_count) | by_history
        by_category = ~by_merchant & (count_c >= min_count) & ~pd.isna(category)
        z = np.where(by_merchant, z_m, np.where(by_category, z_c, 0.0))
        z_start, z_full = float(p["amount_z_start"]), float(p["amount_z_full"])
        amount = np.clip((z - z_start) / (z_full - z_start), 0, 1)

        is_expense = np.asarray(transactions["amount"].to_numpy(dtype="float64") < 0)
        # new: never paid before training, and at most this week's charges since (a burst of
        # charges at a new shop is new all week long, not just at its first charge)
        week = features["merchant_count_7d"].to_numpy()
        unseen = (prior_count == week) & (count_m == 0)
        # large for this account: above its usual largest payments (90th percentile of the
        # same sign), full evidence at new_payee_ratio_full times that
        # or far below its usual smallest ones (10th percentile): a tiny first charge is
        # how stolen card details are tested
        sign_stats = self._rows(getattr(self, "sign_stats", _NO_SIGN_STATS),
                                self._keys(transactions, _sign_key(transactions), accounts))
        p90 = sign_stats["p90"]
        p10 = sign_stats.get("p10", p90 * np.nan)
        above = np.where(np.isnan(p90), 0.0, log_amount - np.nan_to_num(p90))
        below = np.where(np.isnan(p10), 0.0, np.nan_to_num(p10) - log_amount)
        full = np.log(float(p["new_payee_ratio_full"]))
        large, tiny = np.clip(above / full, 0, 1), np.clip(below / full, 0, 1) * is_expense
        new_payee = unseen * np.maximum(large, tiny)
        ratio_s = np.where(np.isnan(p90), 1.0, np.expm1(log_amount) / np.maximum(
            np.expm1(np.nan_to_num(p90)), 0.01))

        days_same = features["days_since_same_amount"].to_numpy()
        window = float(p["duplicate_window_days"])
        usual_gap = features["merchant_gap_mean"].to_numpy()
        # a payee charged every few days the same price (a fare, a subscription top-up):
        # the same amount again is its normal; a payee with varying prices charged the
        # same amount to the cent within days is not
        # (the training MAD: robust to one odd payment; the rolling std for a newer payee)
        spread_limit = FIXED_PRICE_LOG_SPREAD
        training_mad = merchant_rows["mad"]
        fixed_price = np.where(count_m >= min_count, np.nan_to_num(training_mad, nan=1.0)
                               < spread_limit / 2,
                               features["merchant_prior_std_log"].to_numpy() < spread_limit)
        habitual = (prior_count >= min_count) & (usual_gap <= 2 * window) & fixed_price
        # evidence only as far as such a repeat is unusual for this payee (its base rate)
        unusual = 1.0 - self._repeat_rate(transactions, merchants, accounts)
        duplicate = np.where((days_same <= window) & ~habitual & is_expense,
                             (1.0 - days_same / (window + 1)) * unusual, 0.0)

        first_seen_this_week = (prior_count > 0) & (prior_count == week) & (count_m == 0)
        burst_start = float(p["burst_min_earlier"])
        burst = first_seen_this_week * is_expense * np.clip((week - burst_start + 1) / 3, 0, 1)

        components = {"isolation": isolation, "amount": amount, "duplicate": duplicate,
                      "new_payee": new_payee, "burst": burst}
        keep = np.ones(n)
        for name, values in components.items():
            keep *= 1.0 - np.clip(self.weights[name] * values, 0, 1)
        score = 1.0 - keep
        # a score of 0 is no evidence at all: never flagged, whatever the threshold
        flagged = (score >= self.threshold) & (score > 0)

        # the day of the earlier same charge, as YYYY-MM-DD (days_same: whole days)
        dates = transactions["date"]  # a datetime column as it is (no conversion to make)
        days = (dates if pd.api.types.is_datetime64_dtype(dates) else pd.to_datetime(dates)
                ).to_numpy().astype("datetime64[D]")
        earlier = np.full(n, "", dtype=object)
        repeated = np.flatnonzero(duplicate > 0)  # the rows whose reason names that day
        earlier[repeated] = np.datetime_as_string(
            days[repeated] - days_same[repeated].astype("int64").astype("timedelta64[D]"),
            unit="D")
        # the training statistics count every training payment to the payee (a training row
        # scored in the report is among them): only the history's count is of earlier ones
        ratio = np.where(by_merchant, ratio_m, ratio_c)

        def reference(i: int) -> str:
            if not by_merchant[i]:
                return "the median of its category"
            return (f"the median of the {int(count_m_reference[i])} earlier payments to this "
                    "payee" if by_history[i] else f"the median of the "
                    f"{int(count_m_reference[i])} payments to this payee in the training data")

        def first_payment(i: int) -> str:
            w = "payments" if is_expense[i] else "credits"
            # a payee is new all the week it was first paid (`unseen`): only the first of
            # those payments is the first
            new = ("first payment to this payee" if prior_count[i] == 0
                   else "payee first seen this week")
            return (f"{new}, {ratio_s[i]:.1f}× this account's usual largest {w}"
                    if large[i] >= tiny[i] else
                    f"{new}, far below this account's usual smallest {w}")

        # each reason written for the rows it applies to only (most rows have none)
        reason_parts = [
            _texts_where(amount > 0, lambda i: f"amount {ratio[i]:.1f}× {reference(i)}"),
            _texts_where(new_payee > 0, first_payment),
            _texts_where(duplicate > 0, lambda i: f"same amount to the same payee on "
                                                  f"{earlier[i]}"),
            _texts_where(burst > 0, lambda i: f"{int(week[i]) + 1} charges within 7 days at a "
                                              "payee first seen this week"),
            _texts_where(isolation > 0,
                         lambda i: "unusual combination of amount, timing and history"),
        ]
        reasons = np.array(["; ".join([r for r in parts if r]) or "several weak signals together"
                            for parts in zip(*reason_parts, strict=True)], dtype=object)
        return pd.DataFrame({"score": score, "is_anomaly": flagged,
                             "reasons": np.where(flagged | (score > 0), reasons, ""),
                             **{f"{k}_score": v for k, v in components.items()}},
                            index=transactions.index)


# the statistics of models saved before they kept them (none: every key unknown)
_NO_CATEGORY_STATS = pd.DataFrame(columns=["median", "mad", "count"], dtype="float64")
_NO_SIGN_STATS = pd.DataFrame(columns=["p10", "p90"], dtype="float64")


def _texts_where(rows: np.ndarray, text: Callable[[int], str]) -> list[str]:
    """``text(i)`` for each row ``i`` where ``rows`` is true, "" elsewhere."""
    out = [""] * len(rows)
    for i in np.flatnonzero(rows).tolist():
        out[i] = text(i)
    return out


def _sign_key(transactions: pd.DataFrame) -> np.ndarray:
    return np.where(transactions["amount"].to_numpy(dtype="float64") < 0, "out", "in")
