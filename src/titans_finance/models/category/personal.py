"""The personal model's learner: the design matrix of a user's labelled transactions
(character and word TF-IDF of the text, the scaled amount inputs, the default model's
probabilities as a prior) and the classifier fitted on it. `CategoryModel`
(category.py) wraps it with rules, calibration, the default model and abstention."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from titans_finance.models.category.prior_translation import (
    PriorTranslation,
    category_name_text,
)
from titans_finance.models.category.row_memo import forget_rows, remembered
from titans_finance.models.category.text_features import tfidf_transform

# Numeric inputs taken from the shared feature table (all computed from the amount).
NUMERIC_INPUTS = ["log_abs_amount", "amount_sign", "is_round_1"]


def _parse_candidate(name: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """``logistic_regression`` or ``logistic_regression@C=10`` → (family, settings)."""
    family, _, option = name.partition("@")
    settings = dict(params[family]) if family in ("logistic_regression", "lightgbm") else {}
    if option:
        key, _, value = option.partition("=")
        settings[key] = float(value)
    return family, settings


def make_classifier(name: str, params: dict[str, Any]):
    family, settings = _parse_candidate(name, params)
    if family == "logistic_regression":
        return LogisticRegression(C=float(settings["C"]), max_iter=int(settings["max_iter"]))
    if family == "lightgbm":
        from lightgbm import LGBMClassifier

        return LGBMClassifier(
            n_estimators=int(settings["n_estimators"]),
            learning_rate=float(settings["learning_rate"]),
            num_leaves=int(settings["num_leaves"]),
            min_child_samples=int(settings["min_child_samples"]),
            colsample_bytree=float(settings["colsample_bytree"]),
            n_jobs=int(params["n_jobs"]), random_state=int(params["seed"]),
            verbose=-1)
    raise ValueError(f"unknown category candidate {name!r}; use logistic_regression[@C=<number>] "
                     "or lightgbm")


def candidate_names(params: dict[str, Any]) -> list[str]:
    """The candidates of ``params.candidates`` (``family`` or ``family@C=<value>``)."""
    return list(params["candidates"])


class CategoryDesign:
    """Design matrix of the personal model: character and word TF-IDF of the text, scaled
    numeric inputs, (when given) the default model's probabilities as a prior, and (when
    fitted with labels and ``block_weights.translated`` above 0) the same probabilities
    carried into the user's categories (`prior_translation`), one column per category."""

    def __init__(self, params: dict[str, Any], default_model: Any = None):
        self.params = params
        self.default_model = default_model
        weights = params["block_weights"]
        self.weights = {block: float(weights[block]) for block in
                        ("chars", "words", "numeric", "sign", "default", "translated")}

    def fit(self, text: np.ndarray, numeric: np.ndarray, sign: np.ndarray,
            y: np.ndarray | None = None) -> CategoryDesign:
        """``y``: the rows' labels, for the translated prior (without them the design has
        none)."""
        limit = self.params["max_text_features"]
        # an n-gram of a single distinct text cannot generalise, and the optimiser's cost
        # grows with the number of columns × categories: ~6× faster training on a small
        # export than keeping every n-gram
        min_df = int(self.params["min_text_df"])
        self.chars = TfidfVectorizer(analyzer="char_wb",
                                     ngram_range=tuple(self.params["char_ngram_range"]),
                                     sublinear_tf=True, max_features=limit, min_df=min_df)
        self.words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, max_features=limit,
                                     min_df=min_df,
                                     token_pattern=r"(?u)\b[^\W\d_]{2,}\b")
        uniques = pd.unique(text)
        self.chars.fit(uniques)
        self.words.fit(uniques)
        self.scaler = StandardScaler().fit(numeric)
        self.translation, self.translation_folded = None, False
        if y is not None and self.default_model is not None and self.weights["translated"] > 0:
            self.translation = self._translation(text, sign, np.asarray(y))
        forget_rows(self)  # a design fitted again: no text's columns of its earlier fit
        return self

    def transform(self, text: np.ndarray, numeric: np.ndarray, sign: np.ndarray,
                  prior: np.ndarray | None = None, training: bool = False
                  ) -> sparse.csr_matrix:
        """The design of the rows; ``prior``: the default model's probabilities of the same
        rows, when the caller has them (computed once per request, shared); ``training``:
        the rows are the ones the design was fitted on, in the same order (each row's
        translated prior leaves its own label out, `PriorTranslation.translated_training`)."""
        codes, uniques = pd.factorize(text)  # each distinct text vectorised once
        # weighted before being spread to the rows: the same values, fewer to multiply
        blocks = [self._text_block(uniques)[codes],
                  dense_csr(self.scaler.transform(numeric) * self._numeric_weights())]
        translation = getattr(self, "translation", None)  # (pickled before it: none)
        if self.default_model is not None and (self.weights["default"] > 0
                                               or translation is not None):
            if prior is None:
                prior = self.default_model.knowledge_probabilities(text, sign)
            if self.weights["default"] > 0:
                blocks.append(dense_csr(prior * self.weights["default"]))
            if translation is not None and (training or not self.translation_folded):
                carried = (translation.translated_training(prior) if training
                           else translation.translated(prior))
                blocks.append(dense_csr(carried * self.weights["translated"]))
        return sparse.hstack(blocks, format="csr")

    def _translation(self, text: np.ndarray, sign: np.ndarray, y: np.ndarray
                     ) -> PriorTranslation:
        """The default model's taxonomy carried into the user's categories
        (`prior_translation`): counted on the labelled rows and on the category names, each
        name read in the direction most of its rows go."""
        classes = np.unique(y)
        of_class = y[:, None] == classes[None, :]
        inward = (of_class & (np.asarray(sign)[:, None] > 0)).sum(axis=0)
        name_sign = np.where(2 * inward > of_class.sum(axis=0), 1, -1)
        names = np.array([category_name_text(c) for c in classes.tolist()], dtype=object)
        return PriorTranslation(float(self.params["prior_name_rows"])).fit(
            self.default_model.knowledge_probabilities(text, sign), y, classes,
            self.default_model.knowledge_probabilities(names, name_sign))

    def fold_translation(self, classifier: Any) -> None:
        """Folds the translated block of a fitted linear ``classifier`` into its default
        block: a scored row's translated prior is ``P @ carried()``, a linear function of its
        default-model probabilities ``P``, so its coefficients times ``carried()``'s
        transpose are added to the default block's and its columns dropped — the same scores
        (to rounding), and scoring costs what it cost without the block. Training rows (each
        without its own label) are not a function of ``P`` alone: folded only after the fit.
        Kept as a block for a classifier without coefficients or a design without a default
        block."""
        coef = getattr(classifier, "coef_", None)
        if (self.translation is None or self.translation_folded or self.weights["default"] <= 0
                or not isinstance(coef, np.ndarray)):
            return
        carried = self.translation.carried()  # taxonomy × classes
        end = coef.shape[1] - carried.shape[1]  # the translated block: the last columns
        default = slice(end - carried.shape[0], end)
        coef = np.array(coef[:, :end])
        coef[:, default] += (self.weights["translated"] / self.weights["default"]
                             * classifier.coef_[:, end:] @ carried.T)
        classifier.coef_, classifier.n_features_in_ = coef, end
        self.translation_folded = True

    def _numeric_weights(self) -> np.ndarray:
        """The weight of each numeric input (`NUMERIC_INPUTS`): the amount's direction its
        own (``sign``), the others ``numeric``. A design pickled before the sign had its own
        weight keeps ``numeric`` for it."""
        numeric = self.weights["numeric"]
        sign = self.weights.get("sign", numeric)
        return np.array([sign if name == "amount_sign" else numeric for name in NUMERIC_INPUTS])

    def _text_block(self, uniques: np.ndarray) -> sparse.csr_matrix:
        """The weighted character and word n-gram columns of each distinct text: a text
        seen in an earlier call has its columns then (`row_memo`; a row's TF-IDF is its
        own text's alone), the others are computed here."""
        width = len(self.chars.vocabulary_) + len(self.words.vocabulary_)

        def computed(rows: np.ndarray) -> list[bytes]:
            part = uniques[rows]
            block = sparse.hstack([tfidf_transform(self.chars, part) * self.weights["chars"],
                                   tfidf_transform(self.words, part) * self.weights["words"]],
                                  format="csr")
            packed = np.empty(block.nnz, dtype=_COLUMN)
            packed["column"], packed["value"] = block.indices, block.data
            # each text's (column, value) pairs as bytes: joined for a call in one copy
            # (concatenating ~1,000 small arrays cost ~0.7 ms), ~80 bytes less per text
            # held in the memo than an array
            whole, ends = packed.tobytes(), (block.indptr * _COLUMN.itemsize).tolist()
            return [whole[start:end] for start, end in zip(ends[:-1], ends[1:], strict=True)]

        keys = [t if type(t) is str else None for t in uniques.tolist()]
        rows = remembered(self, keys, computed) if len(keys) else []
        lengths = np.fromiter(map(len, rows), dtype=np.int64,
                              count=len(rows)) // _COLUMN.itemsize
        packed = np.frombuffer(bytearray().join(rows), dtype=_COLUMN)  # writable: its own
        return sparse.csr_matrix(
            (packed["value"], packed["column"], np.concatenate([[0], np.cumsum(lengths)])),
            shape=(len(rows), width))


def dense_csr(values: np.ndarray) -> sparse.csr_matrix:
    """``sparse.csr_matrix(values)`` of a dense 2-D array — its non-zero entries (NaN
    included, -0.0 not), row by row in column order, 32-bit indices — in a few numpy
    steps (scipy's conversion, through a COO copy, cost ~0.4 ms for 1,000 × 50)."""
    values = np.asarray(values)
    if values.ndim != 2 or values.size >= 2**31:  # (32-bit indices and row pointers)
        return sparse.csr_matrix(values)
    nonzero = values != 0
    indptr = np.zeros(len(values) + 1, dtype=np.int32)
    np.cumsum(nonzero.sum(axis=1), out=indptr[1:])
    columns = np.nonzero(nonzero)[1].astype(np.int32)
    return sparse.csr_matrix((values[nonzero], columns, indptr), shape=values.shape)


# one remembered column of a text's weighted n-grams (its index, its value)
_COLUMN = np.dtype([("column", np.int64), ("value", np.float64)])


def sparse_dot_ready(classifier: Any) -> Any:
    """``classifier`` with its coefficients in the layout a sparse design needs.

    scikit-learn scores ``X @ coef_.T``; with ``coef_`` in C order the transposed view is
    not contiguous and scipy copied the whole coefficient matrix (columns × categories) on
    every call: ~1 ms of a one-transaction request. In Fortran order the view is
    contiguous: the same values, the same products to the bit, no copy. Done once, on the
    first prediction of a loaded model."""
    coef = getattr(classifier, "coef_", None)
    if isinstance(coef, np.ndarray) and coef.ndim == 2 and not coef.T.flags.c_contiguous:
        classifier.coef_ = np.asfortranarray(coef)
    return classifier


def class_weights(y: np.ndarray, power: float,
                  weight: np.ndarray | None = None) -> np.ndarray | None:
    """Each row's weight ``(n_c / mean n) ** -power``, ``n_c`` the rows of its category (the
    sum of their ``weight`` where given): 0 is no reweighting, 1 is "balanced" (every
    category weighs the same in total).

    With a few dozen categories of 1 to 300 rows, an unweighted fit lets the big categories
    take the shared n-grams (a title's first word, a card prefix); a partial reweighting
    gives the rare ones a voice without the accuracy cost of full balancing (a rare category
    answered for a common one costs as much as the reverse)."""
    if power < 0:
        raise ValueError(f"category.class_weight_power must be 0 or more, got {power}")
    if power == 0:
        return None
    _, codes, counts = np.unique(y, return_inverse=True, return_counts=True)
    if weight is not None:
        counts = np.bincount(codes, weights=np.asarray(weight, dtype="float64"))
    return ((counts / counts.mean()) ** -power)[codes]


def recency_weights(dates: Any, half_life_days: float) -> np.ndarray | None:
    """Each row's weight ``0.5 ** (days before the latest row / half_life_days)``: 0 is no
    reweighting (None).

    People re-file: a merchant's category changes with a move, a new job, a new habit, and
    the latest labels say more about the next transaction than the oldest. The weight halves
    every ``half_life_days``; the latest day weighs 1."""
    if half_life_days < 0:
        raise ValueError(f"category.recency_half_life_days must be 0 (off) or more, got "
                         f"{half_life_days}")
    if half_life_days == 0 or dates is None:
        return None
    days = pd.to_datetime(pd.Series(np.asarray(dates))).dt.normalize()
    age = (days.max() - days).dt.days.to_numpy(dtype="float64")
    return 0.5 ** (age / float(half_life_days))


def row_weights(y: np.ndarray, dates: Any, params: dict[str, Any]) -> np.ndarray | None:
    """The fit's sample weights: rare categories (`class_weights`) times recent rows
    (`recency_weights`); None when both are off."""
    weights = [w for w in (class_weights(y, float(params["class_weight_power"])),
                           recency_weights(dates, float(params["recency_half_life_days"])))
               if w is not None]
    return np.prod(weights, axis=0) if weights else None


class PersonalClassifier:
    """`CategoryDesign` + a classifier, fitted on the user's labelled rows."""

    def __init__(self, name: str, params: dict[str, Any], default_model: Any = None):
        self.name, self.params, self.default_model = name, params, default_model

    def fit(self, text, numeric, sign, y, dates=None) -> PersonalClassifier:
        """``dates``: each row's date (the recent ones weigh more, `recency_weights`); None
        weighs every date the same."""
        self.design = CategoryDesign(self.params, self.default_model).fit(text, numeric, sign,
                                                                          y)
        matrix = self.design.transform(text, numeric, sign, training=True)
        # one BLAS thread: the optimiser's vector operations are small, and threads fighting
        # over busy cores made a 450-row fit 6× slower (30 s instead of 5 s)
        with threadpool_limits(limits=1, user_api="blas"):
            weights = row_weights(y, dates, self.params)
            self.classifier = make_classifier(self.name, self.params).fit(matrix, y,
                                                                          sample_weight=weights)
        self.design.fold_translation(self.classifier)
        self.classes_ = np.asarray(self.classifier.classes_)
        return self

    def predict_proba(self, text, numeric, sign, prior=None) -> np.ndarray:
        return sparse_dot_ready(self.classifier).predict_proba(
            self.design.transform(text, numeric, sign, prior))

    def predict(self, text, numeric, sign) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(text, numeric, sign), axis=1)]
