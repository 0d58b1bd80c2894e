"""`tfidf_transform` gives scikit-learn's own TF-IDF matrix, to the bit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sklearn
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from titans_finance.models.category import text_features
from titans_finance.models.category.text_features import tfidf_transform

SEED = Path(__file__).resolve().parents[4] / "shared" / "data" / "seed_transactions.csv"

# the awkward cases: accents, upper case, runs of mixed whitespace, a word shorter than
# the smallest n-gram, one-letter words, unknown characters, digits, an empty line, a
# line of spaces only, unicode whitespace, a word repeated in one line
LINES = [
    "CARTE 12/03 CAFÉ DU COIN | cafe du coin",
    "  tesco   stores\t3297 \n london | tesco",
    "a b c | x",
    "",
    "   ",
    "ПЯТЁРОЧКА 1234 | пятёрочка",
    "uber\u00a0trip\u2003help.uber.com | uber",
    "amazon amazon amazon | amazon",
    "zzqx ☃☃ 9 | ",
    "SEPA DD VODAFONE LTD REF 000123 | vodafone",
]


def _fitted(**options) -> TfidfVectorizer:
    training = [line for line in LINES[:6] if line.strip()] + [
        "cafe coffee tesco stores london uber trip amazon vodafone ltd"]
    return TfidfVectorizer(analyzer="char_wb", **options).fit(training)


def _same(fast, plain) -> None:
    assert type(fast) is type(plain)
    assert fast.shape == plain.shape
    fast, plain = sparse.csr_matrix(fast), sparse.csr_matrix(plain)
    assert np.array_equal(fast.indptr, plain.indptr)
    assert np.array_equal(fast.indices, plain.indices)
    assert fast.data.dtype == plain.data.dtype
    assert np.array_equal(fast.data.view(np.uint64), plain.data.view(np.uint64))  # bits


@pytest.mark.parametrize("options", [
    {"ngram_range": (2, 5), "sublinear_tf": True},
    {"ngram_range": (1, 3), "sublinear_tf": False},
    {"ngram_range": (3, 3), "sublinear_tf": True, "norm": "l1"},
    {"ngram_range": (2, 4), "sublinear_tf": True, "norm": None, "max_features": 40},
    {"ngram_range": (2, 5), "lowercase": False, "strip_accents": "unicode"},
])
def test_same_matrix_as_scikit_learn(options):
    vectorizer = _fitted(**options)
    _same(tfidf_transform(vectorizer, LINES), vectorizer.transform(LINES))
    # a second call reads the remembered words: still the same
    _same(tfidf_transform(vectorizer, LINES[::-1]), vectorizer.transform(LINES[::-1]))


def test_no_documents_and_no_known_ngram():
    vectorizer = _fitted(ngram_range=(2, 5))
    for transform in (vectorizer.transform, lambda d: tfidf_transform(vectorizer, d)):
        with pytest.raises(ValueError, match="0 sample"):
            transform([])
    _same(tfidf_transform(vectorizer, ["ǂǂǂ"]), vectorizer.transform(["ǂǂǂ"]))


def test_sparse_array_interface_follows_scikit_learn_setting():
    vectorizer = _fitted(ngram_range=(2, 5))
    if "sparse_interface" not in sklearn.get_config():
        pytest.skip("this scikit-learn has no sparse_interface setting")
    with sklearn.config_context(sparse_interface="sparray"):
        _same(tfidf_transform(vectorizer, LINES), vectorizer.transform(LINES))


@pytest.mark.parametrize("options", [
    {"ngram_range": (1, 2), "sublinear_tf": True, "token_pattern": r"(?u)\b[^\W\d_]{2,}\b"},
    {"ngram_range": (1, 3), "stop_words": ["du", "ltd"], "norm": "l1"},
    {"analyzer": "char", "ngram_range": (2, 3), "norm": None},
    # words without stop words: the n-grams looked up without scikit-learn's analyser
    {"ngram_range": (2, 3), "lowercase": False}, {"ngram_range": (1, 1)},
    {"ngram_range": (1, 4), "strip_accents": "unicode"},
])
def test_words_and_plain_characters_same_matrix_as_scikit_learn(options):
    vectorizer = TfidfVectorizer(**options).fit(LINES)
    assert text_features._fast_path(vectorizer) is not None
    _same(tfidf_transform(vectorizer, LINES), vectorizer.transform(LINES))
    _same(tfidf_transform(vectorizer, LINES[:1]), vectorizer.transform(LINES[:1]))


@pytest.mark.parametrize("options", [{"binary": True}, {"norm": "l2", "use_idf": False},
                                     {"dtype": np.float32}])
def test_other_options_are_scikit_learns_own(options):
    vectorizer = TfidfVectorizer(analyzer="char_wb", **options).fit(LINES)
    assert text_features._fast_path(vectorizer) is None
    _same(tfidf_transform(vectorizer, LINES), vectorizer.transform(LINES))


def test_a_string_is_not_a_list_of_documents():
    vectorizer = _fitted(ngram_range=(2, 5))
    for transform in (vectorizer.transform, lambda d: tfidf_transform(vectorizer, d)):
        with pytest.raises(ValueError, match="string object received"):
            transform("tesco")


def test_a_bad_document_fails_as_in_scikit_learn():
    vectorizer = _fitted(ngram_range=(2, 5))
    with pytest.raises(ValueError, match="np.nan is an invalid document"):
        vectorizer.transform([np.nan])
    with pytest.raises(ValueError, match="np.nan is an invalid document"):
        tfidf_transform(vectorizer, [np.nan])


def test_remembered_words_are_bounded_by_their_bytes(monkeypatch):
    cap = 4_000
    monkeypatch.setattr(text_features, "WORD_MEMO_BYTES", cap)
    vectorizer = _fitted(ngram_range=(2, 5))
    # long distinct words: each one's columns are hundreds of n-grams
    lines = [f"w{i}{'tescostores' * (i % 7 + 1)} tesco" for i in range(40)]
    _same(tfidf_transform(vectorizer, lines), vectorizer.transform(lines))
    memo = text_features._fast_path(vectorizer).columns
    assert 0 < len(memo) < 40 + 1 and memo.nbytes <= cap
    # the same answers from a memo that forgot, and after a smaller cap is set
    text_features.bound_word_memos(1_000)
    assert memo.max_bytes == 1_000 and memo.nbytes <= 1_000
    _same(tfidf_transform(vectorizer, lines), vectorizer.transform(lines))
    assert text_features.WORD_MEMO_BYTES == 1_000  # vectorisers to come too


@pytest.mark.skipif(not SEED.exists(), reason="shared seed export absent")
def test_real_export_lines():
    seed = pd.read_csv(SEED)
    text = seed.fillna("").astype(str).agg(" | ".join, axis=1).tolist()
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                 max_features=5000).fit(text[::2])
    _same(tfidf_transform(vectorizer, text), vectorizer.transform(text))
