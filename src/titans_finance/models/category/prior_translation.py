"""The default model's answer in the user's own categories: a prior the personal model can
use for a merchant it has never seen.

The personal model reads the default model's probabilities over the taxonomy as inputs, one
weight per (taxonomy category, user category) pair learnt from the user's rows. A taxonomy
category no training row was answered with gets no weight: a first `Best Buy` line the
default model files under *electronics* at 0.65 says nothing to a model that never saw an
electronics answer, and the user's own *Electronics & Software* is not chosen. The
translation carries that knowledge over:

    T[t, c] = how often the rows the default model files under t carry the user's c,

counted with the default model's probabilities (soft), plus the default model's answer on
the user's own category *names* as ``name_rows`` rows each (`Electronics & Software` →
electronics), so a category with few rows — or a taxonomy category with no row — is
translated by what the names say. A row's translated prior is ``P_default(row) @ T`` with
each taxonomy row of T normalised: one column per user category, aligned with the classes.

A training row's own label is left out of the counts it is given (leave one out): a
category seen once would otherwise be its own perfect predictor in training and useless
when scored."""

from __future__ import annotations

from typing import Any

import numpy as np


def category_name_text(category: Any) -> str:
    """A user category as a line the default model reads: ``computer_equipment`` →
    ``computer equipment``, ``Motorcycle accessories/equipment`` → ``motorcycle
    accessories equipment``."""
    text = str(category).lower()
    for mark in "_/-&,;:|()":
        text = text.replace(mark, " ")
    return " ".join(text.split())


class PriorTranslation:
    """``T`` (taxonomy categories × the user's categories), fitted on the default model's
    probabilities of the labelled rows and of the category names."""

    def __init__(self, name_rows: float):
        if float(name_rows) < 0:
            raise ValueError(f"category.prior_name_rows must be 0 or more, got {name_rows}")
        self.name_rows = float(name_rows)

    def fit(self, proba: np.ndarray, y: np.ndarray, classes: np.ndarray,
            name_proba: np.ndarray) -> PriorTranslation:
        """``proba``: the default model's probabilities of the labelled rows (rows ×
        taxonomy); ``y`` their labels, each one of ``classes``; ``name_proba``: its
        probabilities of each class's name (classes × taxonomy)."""
        self.classes = np.asarray(classes)
        self._onehot = (np.asarray(y)[:, None] == self.classes[None, :]).astype("float64")
        self.counts = proba.T @ self._onehot + self.name_rows * name_proba.T
        self.totals = self.counts.sum(axis=1)
        return self

    def carried(self) -> np.ndarray:
        """``T``: taxonomy categories × classes, each row of the counts normalised (a
        taxonomy category with nothing counted carries nothing)."""
        return np.divide(self.counts, self.totals[:, None], out=np.zeros_like(self.counts),
                         where=self.totals[:, None] > 0)

    def translated(self, proba: np.ndarray) -> np.ndarray:
        """Rows × classes: each row's default-model probabilities carried into the user's
        categories, ``proba @ carried()``."""
        return proba @ self.carried()

    def translated_training(self, proba: np.ndarray) -> np.ndarray:
        """`translated` of the labelled rows of `fit` (the same rows, the same order), each
        without its own label in the counts."""
        own = self._onehot
        # leave one out: T's row t less this row's share P[r, t] of its own label
        remaining = self.totals[None, :] - proba
        share = np.divide(proba, remaining, out=np.zeros_like(proba), where=remaining > 1e-12)
        return share @ self.counts - own * (share * proba).sum(axis=1, keepdims=True)
