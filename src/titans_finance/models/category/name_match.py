"""Lines that name one of the user's own categories.

People's notes and money-manager titles often say the category in words: `Education
Dataquest`, `Furniture Anulação imposto selo`, `Sports Tree2tree`, `Seafood Restaurant` (the
user's *Education*, *Furniture*, *Sports*, *Restaurants*). The personal model learns each
word's weight per category from the rows it has; a category with few rows, or a line whose
other inputs point elsewhere (a reversal of a few cents looks like the small fees of
*Others*), gets little from it. Here the evidence is one number per row and category — the
share of the category name's words the line contains — and one weight shared by every
category, ``log p(c) += weight × share(c)``, fitted like the temperature: by the likelihood
of the out-of-fold answers (`fit`), between 0 (the names say nothing beyond the model) and
``name_match_max_weight`` (0 turns it off). A user whose lines never name their categories
gets a weight near 0.

Words: three letters or more, lowercased, digits and marks apart, a final ``s`` dropped
(``fees`` / ``fee``, ``restaurants`` / ``restaurant``), both in the names and in the lines.
Each name word counts by its rarity in the user's own lines (``log((rows + 1) / (rows with
it + 1))``): a bank's boilerplate (`POS Purchase …` on most lines) names *General
Purchases* on every line and so says nothing; a word on every line counts 0.

The lines of a call are read at once (`_NameWords`): a line in ASCII is split into words
by C calls and its name words found by a set intersection, with no regular expression (the
per-line regular expression this replaced took 2.1-3.6 times as long: docs/benchmarks.md,
*category_batch*); a line in another script is read by `_WORD`."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar

from titans_finance.models.category.row_memo import remembered_rows

_WORD = re.compile(r"[^\W\d_]{3,}")


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def words_of(text: Any) -> set[str]:
    """The words matched: 3 letters or more, lowercased, a final ``s`` dropped."""
    return {_stem(w) for w in _WORD.findall(str(text).lower())}


# a line in ASCII once lowered: its letters are a-z, every other byte separates words
_ASCII_WORDS = bytes(c if 97 <= c <= 122 else 32 for c in range(256))


class _NameWords:
    """Which lines hold which of ``words``: a line's words as `words_of` reads them,
    matched against the words' spellings (each spelling `_stem` maps to a word).

    A line in ASCII once lowered (nearly all of a bank's) is read in three C calls — every
    byte but a-z made a space (``bytes.translate``), then split — and its name spellings
    found by one set intersection: no regular expression, no loop over its words. A line in
    another script is read by `_WORD` (its letters are Unicode's)."""

    def __init__(self, words: list[str]):
        self.words = words
        # each word's spellings: the word plus "s" (always: a word has 3+ letters), and the
        # word itself unless `_stem` cuts its own final "s" ("glass" → "glas"; "glas"
        # itself is not a spelling of it)
        self.column = {spelling: column for column, word in enumerate(words)
                       for spelling in (word + "s", word) if _stem(spelling) == word}
        self.ascii = {spelling.encode("ascii"): column
                      for spelling, column in self.column.items() if spelling.isascii()}

    def spellings(self, lines: list) -> list[set]:
        """Each line's spellings of the words (``bytes`` for a line in ASCII once lowered,
        else ``str``; both keys of `column`'s word, ``bytes`` through `ascii`)."""
        ascii_words, text_words = self.ascii.keys(), self.column.keys()
        return [ascii_words & line.encode("ascii").translate(_ASCII_WORDS).split()
                if line.isascii() else text_words & _WORD.findall(line)
                for line in [str(line).lower() for line in lines]]

    def occurrences(self, lines: list) -> tuple[np.ndarray, np.ndarray]:
        """(line positions, word columns): each line and word of ``words_of(line)`` once,
        ordered by line, then word."""
        found = self.spellings(lines)
        at, which = [], []
        for row, spellings in enumerate(found):
            if spellings:  # a few lines of a batch
                columns = sorted({self.ascii[s] if type(s) is bytes else self.column[s]
                                  for s in spellings})
                at += [row] * len(columns)
                which += columns
        return np.array(at, dtype=np.int64), np.array(which, dtype=np.int64)


class NameMatch:
    """Each category's name words, and the one weight their share in a line carries."""

    def __init__(self, classes: np.ndarray, max_weight: float, lines: np.ndarray):
        """``lines``: the user's labelled lines (each name word's rarity among them)."""
        if float(max_weight) < 0:
            raise ValueError(f"category.name_match_max_weight must be 0 (off) or more, got "
                             f"{max_weight}")
        self.max_weight = float(max_weight)
        self.weight = 0.0
        self.n_classes = len(classes)
        names = ([words_of(name) for name in np.asarray(classes).tolist()]
                 if self.max_weight > 0 else [])  # off: nothing to count
        wanted = sorted(set().union(*names)) if names else []
        codes, distinct = pd.factorize(np.asarray(lines, dtype=object), use_na_sentinel=False)
        repeats = np.bincount(codes, minlength=len(distinct)).astype(np.float64)
        # rows with each word: its distinct lines' repeats summed (integers: exact in float)
        at, which = (_NameWords(wanted).occurrences(distinct.tolist()) if wanted
                     else (np.zeros(0, dtype=np.int64),) * 2)
        rows_with = np.bincount(which, weights=repeats[at], minlength=len(wanted))
        rarity = {w: float(np.log((len(codes) + 1) / (int(n) + 1)))
                  for w, n in zip(wanted, rows_with.tolist(), strict=True)}
        # word → [(category column, its rarity / the rarity of the category's name), ...]
        self.by_word: dict[str, list[tuple[int, float]]] = {}
        for column, words in enumerate(names):
            total = sum(rarity[w] for w in words)
            for word in words:
                if total > 0 and rarity[word] > 0:
                    self.by_word.setdefault(word, []).append((column, rarity[word] / total))
        # each spelling of a name word (`_NameWords`), as the code before the scan read it
        # (`__getstate__`)
        self.spelling = {variant: word for word in self.by_word
                         for variant in (word + "s", word) if _stem(variant) == word}
        self._index()

    def _index(self) -> None:
        """What scoring reads, made from ``by_word``: its words' finder and the words ×
        categories matrix of their shares."""
        words = sorted(self.by_word)
        self._words = _NameWords(words)
        self._share_of = np.zeros((len(words), self.n_classes))
        for row, word in enumerate(words):
            for column, share in self.by_word[word]:
                self._share_of[row, column] += share

    def __getstate__(self) -> dict:
        # pickled without the index (made again on load): the attributes the code before
        # the scan reads, nothing it cannot load — a rollback serves a model packaged now
        return {k: v for k, v in self.__dict__.items() if k not in ("_words", "_share_of")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._index()

    def shares(self, text: np.ndarray) -> np.ndarray:
        """Rows × categories: the share of each category name's words in the row's line."""
        codes, per_line = self._line_shares(text)
        return per_line[codes]

    def _line_shares(self, text: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each row's distinct line (codes) and each distinct line's shares; a line seen in
        an earlier call has them from then (`row_memo`: they read the line alone; reading the
        ~300 lines of a 1,000-row batch from it costs less than scanning them again)."""
        codes, lines = pd.factorize(np.asarray(text, dtype=object), use_na_sentinel=False)
        lines = lines.tolist()
        keys = [line if type(line) is str else None for line in lines]
        return codes, remembered_rows(self, keys, lambda rows: self._computed(
            [lines[i] for i in rows.tolist()]))

    def _computed(self, lines: list) -> np.ndarray:
        """Lines × categories: each line's shares (`shares`): which name words it holds,
        times each word's share of each category's name."""
        found = np.zeros((len(lines), self.n_classes))
        if len(self._share_of) and lines:
            at, which = self._words.occurrences(lines)
            np.add.at(found, at, self._share_of[which])
        return found

    def fit(self, proba: np.ndarray, text: np.ndarray, y_index: np.ndarray) -> NameMatch:
        """The weight maximising the likelihood of held-out answers: ``proba`` (calibrated,
        rows × categories) and the rows' ``text`` and true columns ``y_index``."""
        self.weight = 0.0
        if self.max_weight == 0 or not self.by_word or len(y_index) == 0:
            return self
        shares = self.shares(text)
        if not shares.any():
            return self
        log_proba = np.log(np.clip(proba, 1e-12, 1.0))
        rows = np.arange(len(y_index))

        def loss(weight: float) -> float:
            z = log_proba + weight * shares
            z -= z.max(axis=1, keepdims=True)
            return float(np.mean(np.log(np.exp(z).sum(axis=1)) - z[rows, y_index]))

        best = minimize_scalar(loss, bounds=(0.0, self.max_weight), method="bounded").x
        self.weight = float(best) if loss(best) < loss(0.0) else 0.0
        return self

    def apply(self, proba: np.ndarray, text: np.ndarray) -> np.ndarray:
        """``proba`` with each category multiplied by ``exp(weight × share)``, renormalised
        (unchanged at weight 0)."""
        if self.weight == 0 or not self.by_word:
            return proba
        codes, per_line = self._line_shares(text)
        rows = np.flatnonzero(per_line.any(axis=1)[codes])  # only these change
        if not len(rows):
            return proba
        changed = proba[rows] * np.exp(self.weight * per_line[codes[rows]])
        total = changed.sum(axis=1, keepdims=True)
        out = proba.copy()
        out[rows] = np.divide(changed, total, out=np.zeros_like(changed), where=total > 0)
        return out
