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

from titans_finance.models.category.name_match import words_of
from titans_finance.models.category.row_memo import forget_rows, remembered

# each memory's look-up table for the classes it last blended into (`RepeatMemory._table`):
# kept beside the memory, never pickled with it
_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


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
        forget_rows(self)  # fitted again: no line's label of an earlier fit
        return self

    def labels(self, lines: np.ndarray) -> list[tuple[str, int] | None]:
        """Each line's (label, rows) when its remembered words name one label, else None.
        Each distinct line is read once, and a line read in an earlier call is not read
        again (`row_memo`: its words cost ~2 µs a line, most of this step's time, and a
        client's lines repeat)."""
        codes, distinct = pd.factorize(np.asarray(lines, dtype=object), use_na_sentinel=False)
        distinct = distinct.tolist()
        keys = [line if type(line) is str else None for line in distinct]
        found = [None if not item else (item[item.index("\x00") + 1:],
                                        int(item[:item.index("\x00")]))
                 for item in remembered(self, keys, lambda rows: [
                     self._named(distinct[i]) for i in rows.tolist()])]
        return [found[code] for code in codes.tolist()]

    def _named(self, line: object) -> str:
        """``"<rows>\\x00<label>"`` of the line's one remembered label, else ``""`` (a text:
        what `row_memo` holds)."""
        words = words_of(line)
        named = [self.label[w] for w in words if w in self.label]
        if not named:  # a memory pickled before `lately` existed: none
            lately = getattr(self, "lately", {})
            named = [lately[w] for w in words if w in lately]
        if not named or len({label for label, _ in named}) != 1:
            return ""
        return f"{max(rows for _, rows in named)}\x00{named[0][0]}"

    def blend(self, lines: np.ndarray, proba: np.ndarray, classes: np.ndarray) -> np.ndarray:
        """``proba`` (rows × ``classes``) with each line's remembered label's odds multiplied
        by its ``rows + 1`` and the row renormalised."""
        if not self.label and not getattr(self, "lately", None):
            return proba
        column = {label: i for i, label in enumerate(classes.tolist())}
        named = [(row, column[item[0]], item[1] + 1.0)
                 for row, item in enumerate(self.labels(lines))
                 if item is not None and item[0] in column]
        if not named:
            return proba
        rows, columns, factors = (np.array(part) for part in zip(*named, strict=True))
        out = proba.copy()
        out[rows, columns] *= factors
        total = out[rows].sum(axis=1, keepdims=True)
        out[rows] = np.divide(out[rows], total, out=np.zeros_like(out[rows]), where=total > 0)
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
