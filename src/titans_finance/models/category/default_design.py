"""The default category model's design (what its classifier reads of a line) and its fit.

A line is read as character n-grams inside its words (2 to 5 characters) and its words and
word pairs (letters only), each as sub-linear tf-idf of at most ``max_text_features``
n-grams, plus the money's direction (out, in). `design` builds it for lines to score (the
service, the held-out lines); `TrainingLines` for the lines the model trains on, read
once for both fits (`text_fit`: the fit before the temperature, on part of the lines, and
the final one, on all, choose rows and columns of the same counts; the same vectorisers
and matrices to the bit as fitting and transforming each time). Plain module: no Kedro.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from threadpoolctl import threadpool_limits

from titans_finance.models.category.text_features import tfidf_transform
from titans_finance.models.category.text_fit import AnalysedDocuments

# the design's and so the coefficients' type in the fit and in scoring (see `fit_classifier`)
SCORING_DTYPE = np.float32


def vectorisers(max_text_features: int) -> tuple[TfidfVectorizer, TfidfVectorizer]:
    """The design's two vectorisers, unfitted: character n-grams inside words, and words
    (two letters or more, no digits) and word pairs."""
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                            max_features=max_text_features)
    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True,
                            max_features=max_text_features,
                            token_pattern=r"(?u)\b[^\W\d_]{2,}\b")
    return chars, words


def _joined(chars: sparse.spmatrix, words: sparse.spmatrix, sign: np.ndarray,
            dtype: Any) -> sparse.csr_matrix:
    direction = sparse.csr_matrix(np.column_stack([sign < 0, sign > 0]).astype("float64"))
    return sparse.hstack([chars, words, direction], format="csr", dtype=dtype)


def design(fitted: tuple, text: np.ndarray, sign: np.ndarray,
           dtype: Any = np.float64) -> sparse.csr_matrix:
    """The design of lines to score: character and word tf-idf of ``fitted`` (the two
    vectorisers), then the direction. ``dtype``: that of the coefficients it is scored
    against (scipy copies coefficients of another type, the whole matrix, on every
    product). Each distinct line is transformed once."""
    codes, uniques = pd.factorize(text)
    chars, words = fitted
    return _joined(tfidf_transform(chars, uniques)[codes], tfidf_transform(words, uniques)[codes],
                   sign, dtype)


class TrainingLines:
    """The lines a model trains on (``text`` as the model reads them, ``sign``), analysed once
    by each vectoriser of `vectorisers` for every fit on a subset of them."""

    def __init__(self, text: np.ndarray, sign: np.ndarray, max_text_features: int):
        self.sign = np.asarray(sign)
        chars, words = vectorisers(max_text_features)
        self.chars = AnalysedDocuments(chars, text)
        self.words = AnalysedDocuments(words, text)

    def fitted(self, rows: np.ndarray | None = None) -> tuple:
        """The two vectorisers fitted on ``rows`` (all lines when None)."""
        return self.chars.fitted(rows), self.words.fitted(rows)

    def design(self, fitted: tuple, rows: np.ndarray | None = None,
               dtype: Any = np.float64) -> sparse.csr_matrix:
        """`design` of ``rows`` (all when None) under ``fitted`` (from `fitted`)."""
        sign = self.sign if rows is None else self.sign[rows]
        return _joined(self.chars.matrix(fitted[0], rows), self.words.matrix(fitted[1], rows),
                       sign, dtype)


def fit_classifier(matrix: sparse.csr_matrix, y: np.ndarray, weight: np.ndarray,
                   alpha: float, max_iter: int, seed: int) -> SGDClassifier:
    """A one-against-the-rest logistic regression by stochastic gradient descent on
    ``matrix`` (`design`, in `SCORING_DTYPE`: scikit-learn then fits in single precision),
    its coefficients in `SCORING_DTYPE` and Fortran order."""
    # stochastic gradient descent on the log loss (lbfgs took minutes): 49 categories ×
    # ~109k lines × 120k columns, ~40 CPU s for the final fit (2026-12-07); temperature
    # scaling calibrates it
    classifier = SGDClassifier(loss="log_loss", alpha=alpha, max_iter=max_iter, tol=None,
                               random_state=seed)
    with threadpool_limits(limits=1, user_api="blas"):  # see PersonalClassifier.fit
        classifier.fit(matrix, y, sample_weight=weight)
    # Single precision: the coefficients (categories × ~120k n-grams) were 45 MiB of the
    # service's 500 MB in double, 22 MiB in single, a score moving by about 1e-6; fitted in
    # single precision too, each epoch reads half the bytes (~15 % less CPU for the SGD,
    # 2026-12-07; docs/testing.md). Fortran order: the transposed view scikit-learn
    # multiplies by is contiguous (see `sparse_dot_ready`).
    classifier.coef_ = np.asfortranarray(classifier.coef_, dtype=SCORING_DTYPE)
    # the intercepts in double, as a double fit left them: a score (single-precision
    # product plus intercept) and its probabilities are then computed in double, as before
    classifier.intercept_ = classifier.intercept_.astype(np.float64)
    return classifier
