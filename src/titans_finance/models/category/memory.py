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
