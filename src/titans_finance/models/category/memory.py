"""Exact repeats: a line the user labelled the same way the last few times keeps that label.

People re-file a merchant (Netflix from "Movies & DVDs" to "Television"); a model trained on a
year of the old label keeps answering it for months. For a line seen before word for word
(description and merchant), the labels of its latest occurrences say more than the model's
average over all of them: when the latest ``min_repeats`` occurrences agree, their label is
blended into the model's probabilities with weight ``run / (run + 1)`` (``run``: how many of
the latest occurrences carry it in a row), so it always comes first and its confidence grows
with the evidence. A line whose latest labels disagree is left to the model.
"""

from __future__ import annotations

import weakref

import numpy as np
import pandas as pd

from titans_finance.models.category.name_match import _NameWords, words_of

# each memory's look-up table for the classes it last blended into (`RepeatMemory._table`),
# and each word memory's index of its words (`WordMemory._index`): kept beside the memory,
# never pickled with it
_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_INDEXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class RepeatMemory:
    """The latest label of each exact line and how many of its latest occurrences carry it."""

    def __init__(self, min_repeats: int):
        if int(min_repeats) < 0:
            raise ValueError(f"category.memory_min_repeats must be 0 (no memory) or more, got "
                             f"{min_repeats}")
        self.min_repeats = int(min_repeats)
        self.latest: dict[str, tuple[str, int]] = {}

    def fit(self, keys: np.ndarray, labels: np.ndarray) -> RepeatMemory:
        """``keys`` and ``labels`` in time order (oldest first)."""
        latest: dict[str, tuple[str, int]] = {}
        if self.min_repeats:
            for key, label in zip(keys.tolist(), labels.tolist(), strict=True):
                previous = latest.get(key)
                run = previous[1] + 1 if previous is not None and previous[0] == label else 1
                latest[key] = (label, run)
        self.latest = {key: item for key, item in latest.items() if item[1] >= self.min_repeats}
        return self

    def blend(self, keys: np.ndarray, proba: np.ndarray, classes: np.ndarray) -> np.ndarray:
        """``proba`` (rows × ``classes``) with each remembered line's label blended in."""
        if not self.latest:
            return proba
        found = list(map(self._table(classes).get, keys.tolist()))  # one C pass
        rows = [row for row, item in enumerate(found) if item is not None]
        if not rows:
            return proba
        columns = [found[row][0] for row in rows]
        weights = [found[row][1] for row in rows]
        # the remembered rows at once: each element's product and sum as row by row
        out, weight = proba.copy(), np.array(weights)
        out[rows] *= (1.0 - weight)[:, None]
        out[rows, columns] += weight
        return out

    def _table(self, classes: np.ndarray) -> dict[str, tuple[int, float]]:
        """Each remembered line whose label is one of ``classes``: (the label's column,
        its weight ``run / (run + 1)``), built once per memory and classes (a look-up per
        row, not a few Python steps: ~0.3 ms of a 1,000-row call)."""
        labels = tuple(classes.tolist())
        entry = _TABLES.get(self)
        if entry is None or entry[0] is not self.latest or entry[1] != labels:
            position = {label: i for i, label in enumerate(labels)}
            entry = _TABLES[self] = (self.latest, labels, {
                key: (position[label], run / (run + 1.0))
                for key, (label, run) in self.latest.items() if label in position})
        return entry[2]

    def __len__(self) -> int:
        return len(self.latest)


class WordMemory:
    """Words the user has always filed one way: a line holding them leans to that label.

    The personal model weighs a user's word against the default model's prior and the
    amount; a word on a few rows of a small category loses to them (two pubs of 18 rows
    filed *Bar*, answered *Restaurants* as the prior has it; `Schedu Airtime Topup -10`
    answered *Bank Charges* for its small amount, every earlier *airtime* row being the
    owner's *Cellular Data Purchase*). A word (`name_match.words_of`: 3+ letters, a final
    *s* dropped) on at least ``min_rows`` training rows, every one of them carrying the same
    label, is evidence for that label: a line whose such words all name one label has that
    label's odds multiplied by ``rows + 1`` (``rows``: the most rows of its words, each row
    a count in the label's favour), then renormalised. Evidence, not an override: a line the
    model is sure of otherwise keeps its answer (`Vacation restaurants`, whose *vacation* was
    always *Accommodation*, stays *Restaurants*). A word filed two ways, a statement's
    boilerplate on lines of many categories, names nothing; words naming different labels
    leave the line to the model. ``min_rows`` 0: no word memory.

    People re-file: a payee's gifts move from one relative's category to another's, a
    word once filed two ways is filed one way lately. A line with no word always filed one
    way reads the words whose latest ``latest_rows`` (or more) rows in a row carry one label
    (``lately``), the same way (odds × (run + 1), ``run``: how many of the word's latest
    rows carry it in a row). Words always filed one way come first: a place word a user
    lately filed one way does not outvote them. ``latest_rows`` 0: only words always filed
    one way."""

    def __init__(self, min_rows: int, latest_rows: int):
        for name, value in (("word_memory_min_rows", min_rows),
                            ("word_memory_latest_rows", latest_rows)):
            if int(value) < 0:
                raise ValueError(f"category.{name} must be 0 (off) or more, got {value}")
        self.min_rows, self.latest_rows = int(min_rows), int(latest_rows)
        self.label: dict[str, tuple[str, int]] = {}
        self.lately: dict[str, tuple[str, int]] = {}

    def fit(self, lines: np.ndarray, labels: np.ndarray) -> WordMemory:
        """The words of ``lines`` (in time order, oldest first) whose rows all carry one of
        ``labels`` (rows counted), and those whose latest rows do (their run counted)."""
        seen: dict[str, tuple[str | None, int]] = {}
        latest: dict[str, tuple[str, int]] = {}
        if self.min_rows or self.latest_rows:
            for line, label in zip(lines.tolist(), labels.tolist(), strict=True):
                for word in words_of(line):
                    known = seen.get(word)
                    seen[word] = ((label, 1) if known is None else
                                  (known[0] if known[0] == label else None, known[1] + 1))
                    last = latest.get(word)
                    latest[word] = (label, last[1] + 1 if last and last[0] == label else 1)
        self.label = {word: (label, rows) for word, (label, rows) in seen.items()
                      if self.min_rows and label is not None and rows >= self.min_rows}
        self.lately = {word: (label, run) for word, (label, run) in latest.items()
                       if self.latest_rows and run >= self.latest_rows}
        return self

    def labels(self, lines: np.ndarray) -> list[tuple[str, int] | None]:
        """Each line's (label, rows) when its remembered words name one label, else None."""
        codes, distinct = pd.factorize(np.asarray(lines, dtype=object), use_na_sentinel=False)
        index = self._index()
        label, rows = index.named(distinct.tolist())
        found = [None if code < 0 else (index.labels[code], count)
                 for code, count in zip(label.tolist(), rows.tolist(), strict=True)]
        return [found[code] for code in codes.tolist()]

    def _index(self) -> _WordIndex:
        """The remembered words' `_WordIndex`, made once per fitted memory (kept beside it,
        never pickled: a memory pickled before loads as it was)."""
        always, lately = self.label, getattr(self, "lately", {})  # pickled before: none
        entry = _INDEXES.get(self)
        if entry is None or entry[0] is not always or entry[1] is not lately:
            entry = _INDEXES[self] = (always, lately, _WordIndex(always, lately))
        return entry[2]

    def blend(self, lines: np.ndarray, proba: np.ndarray, classes: np.ndarray) -> np.ndarray:
        """``proba`` (rows × ``classes``) with each line's remembered label's odds multiplied
        by its ``rows + 1`` and the row renormalised."""
        if not self.label and not getattr(self, "lately", None):
            return proba
        index = self._index()
        column = {label: i for i, label in enumerate(classes.tolist())}
        # each label's column, -1: one the model does not answer (the row is left)
        of_label = np.array([column.get(label, -1) for label in index.labels] + [-1])
        codes, distinct = pd.factorize(np.asarray(lines, dtype=object), use_na_sentinel=False)
        label, line_rows = index.named(distinct.tolist())  # each distinct line's, once
        of_row = of_label[label][codes]  # label -1 (none) reads the appended -1
        rows = np.flatnonzero(of_row >= 0)
        if not len(rows):
            return proba
        columns, factors = of_row[rows], line_rows[codes[rows]] + 1.0
        out = proba.copy()
        out[rows, columns] *= factors
        # every row renormalised in place, then the rows no word names put back as they were:
        # the named rows' numbers as renormalising them alone (the same sums and quotients),
        # without taking them out and back (most rows of a batch are named: ~0.5 ms saved)
        total = out.sum(axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            out /= total
        out[of_row < 0] = proba[of_row < 0]
        out[rows[~(total[rows, 0] > 0)]] = 0.0  # a row of zeros (every category excluded) stays
        return out

    def __len__(self) -> int:
        return len(self.label.keys() | getattr(self, "lately", {}).keys())


def fitted_memories(params: dict, lines: np.ndarray, labels: np.ndarray, dates: np.ndarray
                    ) -> tuple[RepeatMemory, WordMemory]:
    """The repeat and word memories of a user's labelled ``lines`` (``params``: the personal
    model's hyper-parameters), fitted oldest first: their latest labels count."""
    order = np.argsort(dates, kind="stable")
    lines, labels = lines[order], labels[order]
    return (RepeatMemory(int(params["memory_min_repeats"])).fit(lines, labels),
            WordMemory(int(params["word_memory_min_rows"]),
                       int(params["word_memory_latest_rows"])).fit(lines, labels))


class _WordIndex:
    """What `WordMemory` reads of lines, for all of a call's distinct lines at once.

    The remembered words are found by `_NameWords` (`words_of` of each line: no regular
    expression for a line in ASCII), and each line's label is decided on arrays of its
    words' entries, with no Python step per line: reading each line by `words_of` and
    deciding it in Python cost ~2.5 ms of a 1,000-row batch of new lines (~300 distinct),
    remembering the answers in `row_memo` ~0.4 ms more; this ~0.6 ms."""

    def __init__(self, always: dict[str, tuple[str, int]], lately: dict[str, tuple[str, int]]):
        words = sorted(always.keys() | lately.keys())
        self.finder = _NameWords(words)
        # each spelling (str, and bytes for one in ASCII) → its word's position in `words`
        self.column = {**self.finder.column, **self.finder.ascii}
        self.labels = sorted({label for label, _ in [*always.values(), *lately.values()]})
        code = {label: i for i, label in enumerate(self.labels)}
        # per word: its label's code (-1: none in that table) and its rows (or run), for the
        # words always filed one way first, then those lately filed one way
        self.tables = [(np.array([code[table[w][0]] if w in table else -1 for w in words],
                                 dtype=np.int64),
                        np.array([table[w][1] if w in table else 0 for w in words],
                                 dtype=np.int64)) for table in (always, lately)]

    def named(self, lines: list) -> tuple[np.ndarray, np.ndarray]:
        """Each line's one remembered label (its code in `labels`; -1: none) and the most
        rows of its words naming it. A line holding words always filed one way reads those
        alone (one label among them, or none); a line holding none reads the words lately
        filed one way the same way."""
        n = len(lines)
        label, rows = np.full(n, -1, dtype=np.int64), np.zeros(n, dtype=np.int64)
        if not n or not self.finder.words:
            return label, rows
        found = self.finder.spellings(lines)
        count = np.fromiter(map(len, found), dtype=np.int64, count=n)
        at = np.repeat(np.arange(n), count)
        column = self.column
        which = np.fromiter((column[s] for spellings in found for s in spellings),
                            dtype=np.int64, count=int(count.sum()))
        unread = np.ones(n, dtype=bool)  # no word of an earlier table in the line
        for codes, counts in self.tables:
            hit = (codes[which] >= 0) & unread[at]
            line, code, most = at[hit], codes[which[hit]], counts[which[hit]]
            low, high = np.full(n, len(self.labels)), np.full(n, -1)
            best = np.zeros(n, dtype=np.int64)
            np.minimum.at(low, line, code)
            np.maximum.at(high, line, code)
            np.maximum.at(best, line, most)
            spoke = high >= 0
            one = spoke & (low == high)  # its words name one label
            label[one], rows[one] = high[one], best[one]
            unread &= ~spoke
        return label, rows
