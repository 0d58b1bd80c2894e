"""TF-IDF of the category models' text, the same matrix as scikit-learn's, without its
Python loop over every n-gram of every document nor its checks on every call.

`TfidfVectorizer.transform` analyses each document in Python (a slice and a dictionary
look-up per character n-gram: ~150 per bank line with n-grams of 2-5 characters), which
was most of the category model's cost in the service (~50 ms of CPU per 1,000 rows),
and checks its inputs on each call (most of the cost of a one-transaction request's
text). A ``char_wb`` analyser cuts n-grams inside each whitespace-separated word only, so
a document's n-grams are its words' n-grams one after the other: `tfidf_transform` looks
each distinct word's vocabulary columns up once (scikit-learn's own analyser on the word
alone, remembered for the next call within a bound on the bytes held: bank lines repeat
their words, and a client's long distinct words must not grow the memory); other analysers
(words) run scikit-learn's own analyser per document. The columns of each document are
counted in one sparse step, then the vectoriser's own sub-linear tf, idf and norm are
applied as `TfidfTransformer.transform` does (its row normalisation routine itself). The
same numbers to the bit (tests/models/category/test_text_features.py compares them with
the plain transform); a vectoriser with options this path does not reproduce goes
through scikit-learn unchanged.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections.abc import Sequence

import numpy as np
import sklearn
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.sparsefuncs_fast import (
    inplace_csr_row_normalize_l1,
    inplace_csr_row_normalize_l2,
)

from titans_finance.core.bounded_memo import MiB, BoundedMemo

# Bytes of word columns each vectoriser remembers (`core.bounded_memo`: past it, the
# older half is forgotten). Counted in bytes, not words: a word's columns are its n-grams
# (~25 for a bank word, ~2,000 for a 500-character one), so a stream of never-repeated
# long words (references, card numbers, an attacker's) cannot grow it past the cap.
# 16 MiB hold ~35,000 bank words. The service sets its own (`bound_word_memos`).
WORD_MEMO_BYTES = 16 * MiB


class _Columns:
    """A fitted vectoriser's pieces, and (``char_wb``) the columns of the words seen."""

    def __init__(self, vectorizer: TfidfVectorizer):
        self.analyze = vectorizer.build_analyzer()  # scikit-learn's own, per document
        self.by_word = vectorizer.analyzer == "char_wb"
        self.preprocess = vectorizer.build_preprocessor()
        self.decode = vectorizer.decode
        self.white_spaces = vectorizer._white_spaces
        self.ngrams = vectorizer._char_wb_ngrams  # scikit-learn's own, on one word
        # words without stop words: scikit-learn's tokens, their n-grams looked up here
        # (its analyser's layers of calls cost twice the look-ups on a bank line)
        self.tokenize = (vectorizer.build_tokenizer() if vectorizer.analyzer == "word"
                         and vectorizer.get_stop_words() is None else None)
        self.ngram_range = tuple(vectorizer.ngram_range)
        self.vocabulary = vectorizer.vocabulary_
        self.width = len(vectorizer.vocabulary_)
        # the scoring and the batch threads share a model: the memo locks its writes
        self.columns = BoundedMemo(WORD_MEMO_BYTES)

    def _learn(self, word: str) -> np.ndarray:
        vocabulary = self.vocabulary
        found = np.array([vocabulary[g] for g in self.ngrams(word) if g in vocabulary],
                         dtype=np.int64)
        self.columns.put(word, found)
        return found

    def _parts(self, documents: Sequence[str]) -> tuple[list, np.ndarray]:
        """The column arrays of each document (per word for ``char_wb``, else one per
        document) and how many arrays each document has."""
        parts: list = []
        per_document = np.zeros(len(documents), dtype=np.int64)
        if self.by_word:
            known, learn = self.columns.reader(), self._learn
            clean, preprocess, decode = self.white_spaces.sub, self.preprocess, self.decode
            for row, document in enumerate(documents):
                before = len(parts)
                for word in clean(" ", preprocess(decode(document))).split():
                    columns = known(word)
                    parts.append(learn(word) if columns is None else columns)
                per_document[row] = len(parts) - before
        elif self.tokenize is not None:
            parts = [self._word_columns(document) for document in documents]
            per_document[:] = 1
        else:
            analyze, vocabulary = self.analyze, self.vocabulary
            parts = [[vocabulary[f] for f in analyze(document) if f in vocabulary]
                     for document in documents]
            per_document[:] = 1
        return parts, per_document

    def _word_columns(self, document: str) -> list[int]:
        """The columns of a document's word n-grams (`_word_ngrams`'s n-grams: the same
        multiset, the order aside, which counting drops)."""
        tokens = self.tokenize(self.preprocess(self.decode(document)))
        get, (low, high) = self.vocabulary.get, self.ngram_range
        found: list[int] = []
        for n in range(low, min(high, len(tokens)) + 1):
            grams = tokens if n == 1 else [" ".join(tokens[i:i + n])
                                           for i in range(len(tokens) - n + 1)]
            found += [c for c in map(get, grams) if c is not None]
        return found

    def counts(self, documents: Sequence[str]) -> sparse.csr_matrix:
        """Documents × vocabulary counts, as `CountVectorizer._count_vocab` builds them
        (float64, indices sorted, no duplicates)."""
        parts, per_document = self._parts(documents)
        per_part = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
        total = int(per_part.sum())
        if not total:
            columns = np.zeros(0, dtype=np.int64)
        elif self.by_word:  # int64 arrays, one per word: joined in one C loop
            columns = np.concatenate(parts)
        else:  # a list of columns per document
            columns = np.fromiter(itertools.chain.from_iterable(parts), dtype=np.int64,
                                  count=total)
        # the documents' columns follow each other in order: the CSR row pointers are the
        # running count of each document's columns (no row index per column to convert)
        per_row = np.bincount(np.repeat(np.arange(len(documents)), per_document),
                              weights=per_part, minlength=len(documents)).astype(np.int64)
        indptr = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(per_row)])
        counts = sparse.csr_matrix((np.ones(total), columns, indptr),
                                   shape=(len(documents), self.width), dtype=np.float64)
        counts.sum_duplicates()  # sorts each row's columns and sums repeated ones
        return counts


_PREPARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_PREPARING = threading.Lock()


def bound_word_memos(max_bytes: int) -> None:
    """At most ``max_bytes`` of word columns per vectoriser in this process from now on
    (the vectorisers seen so far and those to come)."""
    global WORD_MEMO_BYTES
    with _PREPARING:
        WORD_MEMO_BYTES = max_bytes
        for columns in list(_PREPARED.values()):
            columns.columns.resize(max_bytes)


def _fast_path(vectorizer: TfidfVectorizer) -> _Columns | None:
    """The vectoriser's column memory, or None when its options are not the ones this
    path reproduces (then scikit-learn transforms)."""
    found = _PREPARED.get(vectorizer)
    if found is not None:
        return found
    supported = (type(vectorizer) is TfidfVectorizer
                 and vectorizer.analyzer in ("char_wb", "char", "word")
                 and vectorizer.input == "content" and not vectorizer.binary
                 and vectorizer.dtype in (np.float64, "float64")
                 and vectorizer.norm in (None, "l1", "l2")
                 and getattr(vectorizer, "vocabulary_", None) is not None
                 and hasattr(vectorizer, "idf_"))
    if not supported:
        return None
    with _PREPARING:
        return _PREPARED.setdefault(vectorizer, _Columns(vectorizer))


_NORMALISE = {"l1": inplace_csr_row_normalize_l1, "l2": inplace_csr_row_normalize_l2}


def tfidf_transform(vectorizer: TfidfVectorizer, documents: Sequence[str]) -> sparse.spmatrix:
    """``vectorizer.transform(documents)``, the same matrix to the bit; scikit-learn's
    own transform for a vectoriser with other options."""
    columns = _fast_path(vectorizer)
    if columns is None:
        return vectorizer.transform(documents)
    if isinstance(documents, str):  # as scikit-learn refuses it
        raise ValueError("Iterable over raw text documents expected, string object received.")
    if len(documents) == 0:
        raise ValueError("Found array with 0 sample(s) (shape=(0, "
                         f"{columns.width})) while a minimum of 1 is required.")
    return tfidf_of_counts(vectorizer, columns.counts(documents))


def tfidf_of_counts(vectorizer: TfidfVectorizer, matrix: sparse.csr_matrix) -> sparse.spmatrix:
    """``matrix`` (documents × ``vectorizer``'s vocabulary counts, float64, each row's
    columns sorted; changed in place) as ``vectorizer.transform`` weighs counts."""
    # TfidfTransformer.transform's steps, in its order, with its normalisation routine
    if vectorizer.sublinear_tf:
        np.log(matrix.data, matrix.data)
        matrix.data += 1.0
    matrix.data *= vectorizer.idf_[matrix.indices]
    if vectorizer.norm is not None:
        _NORMALISE[vectorizer.norm](matrix)
    # the sparse interface scikit-learn answers with (its `sparse_interface` setting)
    if sklearn.get_config().get("sparse_interface") == "sparray":
        return sparse.csr_array(matrix)
    return matrix
