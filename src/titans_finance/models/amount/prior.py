"""The amount model's prior: the median log-amount of the most specific group of earlier
payments (payee in its category, payee, similar payees by name, category or type, all)."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import KFold

from titans_finance.core.distinct_rows import distinct_rows
from titans_finance.models.category.text_features import tfidf_transform


def group_quantiles(codes: np.ndarray, values: np.ndarray, q: float,
                    n_groups: int) -> np.ndarray:
    """``np.quantile(values[codes == g], q)`` for every group ``g`` in ``range(n_groups)``
    (each with at least one value), equal to the bit, in one pass instead of one numpy
    call per group (a payee each: thousands per fit): numpy's default ("linear") rule,
    the virtual index ``(n - 1) * q`` and its interpolation ``a + (b - a) * t``, taken from
    the other end (``b - (b - a) * (1 - t)``) when ``t >= 0.5``, as numpy does."""
    order = np.lexsort((values, codes))
    ordered = values[order]
    counts = np.bincount(codes, minlength=n_groups)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    virtual = (counts - 1) * q
    below = np.floor(virtual)
    t = virtual - below
    a = ordered[starts + below.astype(np.intp)]
    b = ordered[starts + np.minimum(below.astype(np.intp) + 1, counts - 1)]
    difference = b - a
    return np.where(t >= 0.5, b - difference * (1 - t), a + difference * t)


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

        grouped = frame.assign(merchant=frame["merchant"].astype(str),
                               group=frame["group"].astype(str)).groupby(["group", "merchant"])[
            "y"]
        stats = grouped.median().rename("median").to_frame()
        codes, y = grouped.ngroup().to_numpy(), frame["y"].to_numpy(dtype="float64")
        stats["low"] = group_quantiles(codes, y, 0.1, len(stats))
        stats["high"] = group_quantiles(codes, y, 0.9, len(stats))
        stats = stats.reset_index()
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
        similarity = (tfidf_transform(self.vectorizer, pd.Series(merchant, dtype="str")
                                      .to_list()) @ self.similar_matrix.T).toarray()
        groups, stats = self._similar_arrays()
        same_group = pd.Series(group, dtype="str").to_numpy()[:, None] == groups[None, :]
        similarity = np.where(same_group, similarity, -1.0)
        k = min(self.neighbours, similarity.shape[1])
        top = np.argsort(-similarity, axis=1)[:, :k]
        close = np.take_along_axis(similarity, top, axis=1) >= self.min_similarity
        values = np.where(close[None], np.moveaxis(stats[top], 2, 0), np.nan)  # 3 × rows × k
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # rows with no similar payee
            out = np.nanmedian(values, axis=2)  # each row's own, the three at once
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
        payee's amount may be (the similar payees', else the type's payees').

        A row's answer depends on its (merchant, group) pair alone (every step is row by
        row), so each distinct pair is priced once and its answer taken back to its rows:
        the same numbers to the bit (a batch of 1,000 bank lines has ~100 pairs)."""
        distinct = distinct_rows(merchant, group)
        if distinct is None or not distinct.repeated:
            return self._predict_with_level(merchant, group)
        answers = self._predict_with_level(distinct.take(merchant), distinct.take(group))
        return tuple(distinct.spread(values) for values in answers)

    def _predict_with_level(self, merchant: np.ndarray, group: np.ndarray
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                       np.ndarray]:
        prior = self._paired(merchant, group)
        prior = np.where(np.isnan(prior), self._reindexed("merchant", merchant), prior)
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
        group_range = self._reindexed("group_range", group)  # low, high
        group_median = self._reindexed("group", group)
        prior = np.where(known, prior, np.where(np.isnan(similar), group_median, similar))
        low = np.where(np.isnan(similar), group_range[:, 0], low)
        high = np.where(np.isnan(similar), group_range[:, 1], high)
        prior = np.where(np.isnan(prior), self.overall, prior)
        low = np.where(np.isnan(low), self.overall_range[0], low)
        high = np.where(np.isnan(high), self.overall_range[1], high)
        return prior, known, ~known & ~np.isnan(similar), low, high

    def predict(self, merchant: np.ndarray, group: np.ndarray) -> np.ndarray:
        return self.predict_with_level(merchant, group)[0]

    # what prediction reads of the fitted statistics as plain arrays and dicts, built on
    # the first prediction and kept beside them (never pickled): a pandas reindex, map or
    # column selection cost ~0.1-0.3 ms each on a request's ~100 distinct payees
    _DERIVED = ("_lookup_tables", "_similar_cache")

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k not in self._DERIVED}

    def _similar_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The similar payees' groups, and their (median, low, high) as a float matrix."""
        entry = self.__dict__.get("_similar_cache")
        if entry is None or entry[0] is not self.similar_index:
            index = self.similar_index
            entry = self.__dict__["_similar_cache"] = (
                index, index["group"].to_numpy(), index[["median", "low", "high"]].to_numpy())
        return entry[1], entry[2]

    def _paired(self, merchant: np.ndarray, group: np.ndarray) -> np.ndarray:
        """``pd.Series(self._pair(merchant, group)).map(self.pair)`` as floats: when every
        merchant and group is a str (the service's rows), ``merchant|group`` looked up by
        dict; anything else (None, NaN, numbers: pandas spells them) through pandas."""
        merchants, groups = list(merchant), list(group)
        if set(map(type, merchants)) <= {str} and set(map(type, groups)) <= {str}:
            return self._reindexed("pair", [m + "|" + g for m, g in zip(
                merchants, groups, strict=True)])
        return pd.Series(self._pair(merchant, group)).map(self.pair).to_numpy(dtype="float64")

    def _reindexed(self, name: str, keys: np.ndarray) -> np.ndarray:
        """``getattr(self, name).reindex(keys)`` (a Series or a frame of floats) as a float
        array (a frame: its columns in order), NaN for a key it does not hold: by a dict
        look-up per key."""
        source, tables = getattr(self, name), self.__dict__.setdefault("_lookup_tables", {})
        entry = tables.get(name)
        if entry is None or entry[0] is not source:
            entry = tables[name] = (source, {k: i for i, k in enumerate(source.index.tolist())},
                                    source.to_numpy(dtype="float64"))
        positions, values = entry[1], entry[2]
        keys = keys.tolist() if isinstance(keys, np.ndarray) else list(keys)
        at = np.fromiter(map(positions.get, keys, itertools.repeat(-1)), dtype=np.int64,
                         count=len(keys))
        if not len(values):
            return np.full((len(keys), *values.shape[1:]), np.nan)
        out = values[np.maximum(at, 0)]  # a copy
        out[at < 0] = np.nan
        return out

    def spread(self, merchant: np.ndarray) -> np.ndarray:
        """Each known payee's log-amount spread (NaN for a payee not known): the Series
        map of ``merchant_spread``, by dict (`_reindexed`)."""
        return self._reindexed("merchant_spread", merchant)

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
