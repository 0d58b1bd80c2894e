"""`AnalysedDocuments` fits and transforms as scikit-learn does, to the bit: the same
vocabulary (its max_features cut and ties), the same idf, the same matrices, for any rows."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer

from titans_finance.models.category.text_fit import AnalysedDocuments

# the awkward cases of test_text_features (accents, case, white space of every kind, short
# and one-letter words, no word at all) and repeated lines, which count in the frequencies
LINES = np.array([
    "CARTE 12/03 CAFÉ DU COIN | cafe du coin",
    "  tesco   stores\t3297 \n london | tesco",
    "a b c | x",
    "",
    "ПЯТЁРОЧКА 1234 | пятёрочка",
    "uber\u00a0trip\u2003help.uber.com | uber",
    "amazon amazon amazon | amazon",
    "zzqx ☃☃ 9 | ",
    "SEPA DD VODAFONE LTD REF 000123 | vodafone",
    "tesco stores london | tesco",
    "amazon amazon amazon | amazon",
    "uber trip | uber",
], dtype=object)

CHARS = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
WORDS = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True,
                        token_pattern=r"(?u)\b[^\W\d_]{2,}\b")
SUBSETS = [None, np.array([0, 1, 2, 3, 5, 6, 9, 10]), np.array([6, 10, 11, 1])]


def _same_matrix(mine, plain) -> None:
    assert type(mine) is type(plain) and mine.shape == plain.shape
    mine, plain = sparse.csr_matrix(mine), sparse.csr_matrix(plain)
    assert np.array_equal(mine.indptr, plain.indptr)
    assert np.array_equal(mine.indices, plain.indices)
    assert mine.data.dtype == plain.data.dtype
    assert np.array_equal(mine.data.view(np.uint64), plain.data.view(np.uint64))  # bits


def _same_fit(mine: TfidfVectorizer, plain: TfidfVectorizer) -> None:
    assert mine.vocabulary_ == plain.vocabulary_
    # the column numbers' own type (numpy's after a max_features cut, Python's otherwise)
    assert {type(v) for v in mine.vocabulary_.values()} == \
        {type(v) for v in plain.vocabulary_.values()}
    assert mine.idf_.dtype == plain.idf_.dtype
    assert np.array_equal(mine.idf_.view(np.uint64), plain.idf_.view(np.uint64))
    assert set(vars(mine)) == set(vars(plain))
    assert mine.get_params() == plain.get_params()


def _check(template: TfidfVectorizer, lines: np.ndarray = LINES) -> None:
    analysed = AnalysedDocuments(template, lines)
    for rows in SUBSETS:
        plain = clone(template).fit(lines if rows is None else lines[rows])
        mine = analysed.fitted(rows)
        _same_fit(mine, plain)
        for scored in SUBSETS:  # the rows it was fitted on, others, all
            _same_matrix(analysed.matrix(mine, scored),
                         plain.transform(lines if scored is None else lines[scored]))


@pytest.mark.parametrize("template", [CHARS, WORDS], ids=["char_wb", "word"])
def test_fit_and_matrices_are_scikit_learns(template):
    _check(template)


@pytest.mark.parametrize("template", [CHARS, WORDS], ids=["char_wb", "word"])
def test_max_features_at_the_vocabulary_size_cuts_nothing_and_one_below_cuts_one(template):
    size = len(clone(template).fit(LINES).vocabulary_)
    for limit in (size + 1, size, size - 1, 7, 1):  # 7 and 1: ties among the most frequent
        fitted = AnalysedDocuments(clone(template).set_params(max_features=limit),
                                   LINES).fitted()
        assert len(fitted.vocabulary_) == min(limit, size)
        _check(clone(template).set_params(max_features=limit))


def test_other_options_are_fitted_by_scikit_learn_itself():
    for template in (TfidfVectorizer(analyzer="char", ngram_range=(1, 3)),
                     TfidfVectorizer(min_df=2), TfidfVectorizer(stop_words="english"),
                     TfidfVectorizer(binary=True)):
        analysed = AnalysedDocuments(template, LINES)
        assert not analysed.exact
        _check(template)


def test_lines_without_any_n_gram_are_refused_as_scikit_learn_refuses_them():
    lines = np.array(["", "12 34", "a b"], dtype=object)
    with pytest.raises(ValueError, match="empty vocabulary"):
        clone(WORDS).fit(lines)
    with pytest.raises(ValueError, match="empty vocabulary"):
        AnalysedDocuments(WORDS, lines).fitted()


def test_a_missing_line_is_refused_and_named():
    lines = np.array(["tesco", np.nan, "uber"], dtype=object)
    with pytest.raises(ValueError, match="np.nan is an invalid document"):
        clone(CHARS).fit(lines)  # scikit-learn refuses it too
    with pytest.raises(ValueError, match=r"document 1 is not text: nan \(1 such of 3\)"):
        AnalysedDocuments(CHARS, lines)
