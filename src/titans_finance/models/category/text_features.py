"""TF-IDF of the category models' text, the same matrix as scikit-learn's, without its
Python loop over every n-gram of every document.

`TfidfVectorizer.transform` analyses each document in Python (a slice and a dictionary
look-up per character n-gram: ~150 per bank line with n-grams of 2-5 characters), which
was most of the category model's cost in the service (~50 ms of CPU per 1,000 rows).
A ``char_wb`` analyser cuts n-grams inside each whitespace-separated word only, so a
document's n-grams are its words' n-grams one after the other: `tfidf_transform` looks
each distinct word's vocabulary columns up once (scikit-learn's own analyser on the word
alone, remembered for the next call: bank lines repeat their words), counts the columns
of each document in one sparse step, then applies the vectoriser's own sub-linear tf,
idf and norm as `TfidfTransformer.transform` does. The same numbers to the bit
(tests/models/category/test_text_features.py compares them with the plain transform);
any other analyser or option goes through scikit-learn unchanged.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence

import numpy as np
import sklearn
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

# Distinct words whose columns a vectoriser remembers; past it the memory starts again
# (a stream of never-repeated words — references, card numbers — cannot grow it without
# bound). ~20,000 words hold a few MB.
MAX_REMEMBERED_WORDS = 20_000


class _WordColumns:
    """A fitted ``char_wb`` vectoriser's pieces, and the columns of the words seen."""

    def __init__(self, vectorizer: TfidfVectorizer):
        self.preprocess = vectorizer.build_preprocessor()
        self.decode = vectorizer.decode
        self.white_spaces = vectorizer._white_spaces
        self.ngrams = vectorizer._char_wb_ngrams  # scikit-learn's own, on one word
        self.vocabulary = vectorizer.vocabulary_
        self.width = len(vectorizer.vocabulary_)
        self.columns: dict[str, np.ndarray] = {}
        self.lock = threading.Lock()  # the scoring and the batch threads share a model

    def _learn(self, word: str) -> np.ndarray:
        vocabulary = self.vocabulary
        found = np.array([vocabulary[g] for g in self.ngrams(word) if g in vocabulary],
                         dtype=np.int64)
        with self.lock:
            if len(self.columns) >= MAX_REMEMBERED_WORDS:
                self.columns = {}
            self.columns[word] = found
        return found

    def counts(self, documents: Sequence[str]) -> sparse.csr_matrix:
        """Documents × vocabulary counts, as `CountVectorizer._count_vocab` builds them
        (float64, indices sorted, no duplicates)."""
        parts: list[np.ndarray] = []
        words_per_document = np.zeros(len(documents), dtype=np.int64)
        known, learn = self.columns.get, self._learn
        clean, preprocess, decode = self.white_spaces.sub, self.preprocess, self.decode
        for row, document in enumerate(documents):
            before = len(parts)
            for word in clean(" ", preprocess(decode(document))).split():
                columns = known(word)
                parts.append(learn(word) if columns is None else columns)
            words_per_document[row] = len(parts) - before
        if parts:
            columns = np.concatenate(parts)
            per_word = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
            rows = np.repeat(np.repeat(np.arange(len(documents), dtype=np.int64),
                                       words_per_document), per_word)
        else:
            columns = rows = np.zeros(0, dtype=np.int64)
        counts = sparse.csr_matrix((np.ones(len(columns)), (rows, columns)),
                                   shape=(len(documents), self.width), dtype=np.float64)
        counts.sum_duplicates()  # sorts each row's columns too
        return counts


_PREPARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_PREPARING = threading.Lock()


def _fast_path(vectorizer: TfidfVectorizer) -> _WordColumns | None:
    """The vectoriser's word-column memory, or None when its options are not the ones
    this path reproduces (then scikit-learn transforms)."""
    found = _PREPARED.get(vectorizer)
    if found is not None:
        return found
    supported = (type(vectorizer) is TfidfVectorizer and vectorizer.analyzer == "char_wb"
                 and vectorizer.input == "content" and not vectorizer.binary
                 and vectorizer.dtype in (np.float64, "float64")
                 and getattr(vectorizer, "vocabulary_", None) is not None
                 and hasattr(vectorizer, "idf_"))
    if not supported:
        return None
    with _PREPARING:
        return _PREPARED.setdefault(vectorizer, _WordColumns(vectorizer))


def tfidf_transform(vectorizer: TfidfVectorizer, documents: Sequence[str]) -> sparse.spmatrix:
    """``vectorizer.transform(documents)``, the same matrix to the bit; fast for a fitted
    ``char_wb`` vectoriser, scikit-learn's own transform for anything else."""
    words = _fast_path(vectorizer)
    if words is None:
        return vectorizer.transform(documents)
    matrix = words.counts(documents)
    # TfidfTransformer.transform's steps, in its order
    if vectorizer.sublinear_tf:
        np.log(matrix.data, matrix.data)
        matrix.data += 1.0
    if vectorizer.use_idf:
        matrix.data *= vectorizer.idf_[matrix.indices]
    if vectorizer.norm is not None:
        matrix = normalize(matrix, norm=vectorizer.norm, copy=False)
    # the sparse interface scikit-learn answers with (its `sparse_interface` setting)
    if sklearn.get_config().get("sparse_interface") == "sparray":
        return sparse.csr_array(matrix)
    return matrix
