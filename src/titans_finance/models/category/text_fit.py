"""TF-IDF vectorisers fitted on subsets of one set of documents, the documents read once.

The default category model fits its vectorisers twice (on the lines it trains on before its
temperature is fitted, then on every line) and transforms the same lines again for each fit
and for the held-out lines: `TfidfVectorizer.fit` analyses every document in Python (a
slice and a dictionary look-up per n-gram), and each fit and transform read the same lines
anew. Here the distinct documents are analysed once (``char_wb``: each distinct word once,
a document's n-grams being its words' n-grams one after the other, as `text_features`
reads them) into counts over every n-gram they hold, and each fit and matrix is a choice of
rows and columns of those counts:

- `AnalysedDocuments.fitted(rows)` is ``clone(template).fit(documents[rows])``: scikit-learn's
  vocabulary (its ``max_features`` most frequent n-grams, ties resolved by its own sort of
  the same array) and its own `TfidfTransformer` fitted on the same counts;
- `AnalysedDocuments.matrix(vectorizer, rows)` is ``vectorizer.transform(documents[rows])``
  (`text_features.tfidf_transform`'s steps on the same counts).

The same numbers to the bit (tests/models/category/test_text_fit.py compares them with
scikit-learn's own fit and transform); a template with options this path does not
reproduce is fitted and transformed by scikit-learn itself. Plain module: no Kedro import.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer

from titans_finance.models.category.text_features import tfidf_of_counts, tfidf_transform


def _reproduced(template: TfidfVectorizer) -> bool:
    """Whether a fit of ``template`` is one this module reproduces: n-grams of characters
    inside words or of words, no stop words, no custom analyser, tokenizer or preprocessor,
    no document-frequency cut, counts (not binary) in double precision."""
    analyzer_ok = (template.analyzer == "char_wb"
                   or (template.analyzer == "word" and template.stop_words is None
                       and template.tokenizer is None))
    return (type(template) is TfidfVectorizer and analyzer_ok
            and template.input == "content" and template.preprocessor is None
            and template.vocabulary is None and not template.binary
            and template.min_df == 1 and template.max_df == 1.0
            and template.dtype in (np.float64, "float64")
            and template.norm in (None, "l1", "l2") and template.use_idf)


class AnalysedDocuments:
    """``documents`` read by ``template``'s analyser once: counts over every n-gram they hold
    (columns in the n-grams' sorted order, as scikit-learn sorts its vocabulary)."""

    def __init__(self, template: TfidfVectorizer, documents: Sequence[str]):
        self.template = template
        self.documents = np.asarray(documents, dtype=object)
        self.exact = _reproduced(template)
        if not self.exact:
            return
        odd = [i for i, d in enumerate(self.documents.tolist()) if not isinstance(d, str)]
        if odd:  # scikit-learn refuses them too (np.nan), or reads bytes: neither is a line
            raise ValueError(f"document {odd[0]} is not text: {self.documents[odd[0]]!r} "
                             f"({len(odd)} such of {len(self.documents)})")
        codes, uniques = pd.factorize(self.documents)
        self.codes = codes.astype(np.int64)
        ids: dict[str, int] = {}
        parts = self._char_parts(uniques, ids) if template.analyzer == "char_wb" \
            else self._word_parts(uniques, ids)
        per_document = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
        columns = (np.concatenate(parts) if len(parts) and per_document.sum()
                   else np.zeros(0, dtype=np.int64))
        # first-seen ids renumbered in the n-grams' sorted order (scikit-learn's columns)
        terms = np.array(list(ids), dtype=object)
        order = np.argsort(terms, kind="stable")
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        self.terms = terms[order]
        indptr = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(per_document)])
        counts = sparse.csr_matrix((np.ones(len(columns)), rank[columns], indptr),
                                   shape=(len(uniques), len(ids)), dtype=np.float64)
        counts.sum_duplicates()  # sorts each row's columns and sums repeated n-grams
        self.counts = counts

    def _char_parts(self, documents: Sequence[str], ids: dict[str, int]) -> list:
        """Each document's n-gram ids: its words' n-grams, each distinct word cut once."""
        template = self.template
        preprocess, decode = template.build_preprocessor(), template.decode
        clean, ngrams = template._white_spaces.sub, template._char_wb_ngrams
        of_word: dict[str, np.ndarray] = {}
        empty = np.zeros(0, dtype=np.int64)
        parts = []
        for document in documents:
            words = []
            for word in clean(" ", preprocess(decode(document))).split():
                found = of_word.get(word)
                if found is None:
                    found = of_word[word] = np.fromiter(
                        (ids.setdefault(g, len(ids)) for g in ngrams(word)), dtype=np.int64)
                words.append(found)
            parts.append(np.concatenate(words) if words else empty)
        return parts

    def _word_parts(self, documents: Sequence[str], ids: dict[str, int]) -> list:
        """Each document's n-gram ids: its tokens' n-grams (`_word_ngrams`'s multiset)."""
        template = self.template
        analyze = template.build_analyzer()
        return [np.fromiter((ids.setdefault(g, len(ids)) for g in analyze(document)),
                            dtype=np.int64) for document in documents]

    def _rows(self, rows: np.ndarray | None) -> sparse.csr_matrix:
        """The counts of ``rows`` of the documents (all when None), repeats included."""
        return self.counts[self.codes if rows is None else self.codes[rows]]

    def fitted(self, rows: np.ndarray | None = None) -> TfidfVectorizer:
        """``clone(template).fit(documents[rows])``, the same to the bit (all documents when
        ``rows`` is None)."""
        vectorizer = clone(self.template)
        if not self.exact:
            return vectorizer.fit(self.documents if rows is None else self.documents[rows])
        counts = self._rows(rows)
        vectorizer.build_analyzer()  # as fit builds it (a word analyser notes a check on it)
        # scikit-learn's vocabulary: the n-grams of these rows in sorted order, cut to the
        # max_features most frequent by its own expression (`_limit_features`) on the same
        # array (the same ties broken the same way)
        present = np.flatnonzero(np.bincount(counts.indices, minlength=counts.shape[1]))
        if not len(present):
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        kept = present
        limit = vectorizer.max_features
        if limit is not None and len(present) > limit:
            tfs = np.bincount(counts.indices, weights=counts.data,
                              minlength=counts.shape[1])[present]
            mask = np.zeros(len(present), dtype=bool)
            mask[(-tfs).argsort()[:limit]] = True
            kept = present[mask]
        # its column numbers' type too: numpy's after a max_features cut, else Python's
        numbers = np.arange(len(kept), dtype=np.int64)
        vectorizer.vocabulary_ = dict(zip(self.terms[kept].tolist(), numbers if limit is not None
                                          else numbers.tolist(), strict=True))
        vectorizer.fixed_vocabulary_ = False
        vectorizer._tfidf = TfidfTransformer(
            norm=vectorizer.norm, use_idf=vectorizer.use_idf,
            smooth_idf=vectorizer.smooth_idf, sublinear_tf=vectorizer.sublinear_tf,
        ).fit(sparse.csr_array(counts[:, kept]))
        self.__dict__.setdefault("_kept", {})[id(vectorizer)] = (vectorizer, kept)
        return vectorizer

    def matrix(self, vectorizer: TfidfVectorizer, rows: np.ndarray | None = None
               ) -> sparse.spmatrix:
        """``vectorizer.transform(documents[rows])`` (`text_features.tfidf_transform`), the
        same to the bit, for a vectoriser `fitted` here (any other: transformed)."""
        found = self.__dict__.get("_kept", {}).get(id(vectorizer))
        if not self.exact or found is None or found[0] is not vectorizer:
            return tfidf_transform(vectorizer,
                                   self.documents if rows is None else self.documents[rows])
        # the vocabulary's columns of these rows: a sorted choice of sorted columns keeps
        # each row's columns sorted; an n-gram outside it is dropped, as a transform drops it
        matrix = sparse.csr_matrix(self._rows(rows)[:, found[1]], dtype=np.float64)
        return tfidf_of_counts(vectorizer, matrix)
