"""The default category model's prior, moved off the knowledge's volume after the fit.

The default model learns from open knowledge: ~9,700 restaurant brand names, ~680 broker
sites, 14 parking words. A one-against-the-rest logistic regression reads each category's
share of the lines it was fitted on as that category's prior odds (its intercept, and the
money-out column every line carries), so adding knowledge to one category moves answers in
every other (docs/evaluation.md, sessions 19 and 20: "capital gains" paid out answered
health; the broker sites of the 2FA Directory lifted it to savings by volume, not by name).
How many chains and words exist is not how often a household pays for each.

The prior correction of a logistic regression fitted on a sample whose class shares differ
from the population's (King and Zeng 2001, "Logistic regression in rare events data"): the
slopes estimate the evidence either way; the intercept moves by the difference of the
shares' log-odds, ``logit(target) - logit(fitted share)``. Each one-against-the-rest model is
such a regression, so each category's intercept moves by its own difference. The target is
the fitted shares raised to ``1 - removed`` and renormalised: ``removed`` 0 keeps the fit's
prior, 1 gives every category the same prior, between keeps part of the volume. Computed
from the weights the fit used (after `personal.class_weights`), once at fit: scoring reads
the same classifier as before, at no cost. Plain module: no Kedro import.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def fitted_shares(y: np.ndarray, weight: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Each of ``classes``' share of the total ``weight`` of the lines ``y`` it was fitted
    on, in ``classes``' order. A class with no weight is an error: the fit could not have
    learnt it."""
    y, weight = np.asarray(y), np.asarray(weight, dtype="float64")
    classes = np.asarray(classes)
    index = np.searchsorted(classes, y)
    if (index >= len(classes)).any() or (classes[np.minimum(index, len(classes) - 1)] != y).any():
        raise ValueError("a line's category is not one of the fitted classes")
    totals = np.bincount(index, weights=weight, minlength=len(classes))
    if (totals <= 0).any():
        raise ValueError(f"categories without weight in the fit: "
                         f"{classes[totals <= 0].tolist()}")
    return totals / totals.sum()


def _checked(removed: float) -> float:
    """``removed``, when between 0 and 1."""
    if not 0.0 <= removed <= 1.0:
        raise ValueError(f"category.default_model.volume_prior_removed must be between 0 and "
                         f"1, got {removed}")
    return removed


def prior_offsets(shares: np.ndarray, removed: float) -> np.ndarray:
    """Each category's intercept change from its fitted share to the target share
    (``shares ** (1 - removed)``, renormalised): ``logit(target) - logit(share)``."""
    _checked(removed)
    shares = np.asarray(shares, dtype="float64")
    if len(shares) < 3:  # two classes: one intercept, not one per category
        raise ValueError(f"a prior per category needs three categories or more, got "
                         f"{len(shares)}")
    target = shares ** (1.0 - removed)
    target = target / target.sum()
    return (np.log(target) - np.log1p(-target)) - (np.log(shares) - np.log1p(-shares))


def without_volume_prior(classifier: Any, y: np.ndarray, weight: np.ndarray,
                         removed: float) -> Any:
    """``classifier`` (a fitted one-against-the-rest linear model, one intercept per class)
    with each intercept moved by `prior_offsets` of the shares of ``y`` and ``weight``, the
    lines and weights it was fitted on. ``removed`` 0: unchanged, to the bit."""
    if _checked(removed) == 0:
        return classifier
    classes = np.asarray(classifier.classes_)
    intercept = np.asarray(classifier.intercept_, dtype="float64")
    if intercept.shape != (len(classes),):
        raise ValueError(f"one intercept per category expected, got {intercept.shape} for "
                         f"{len(classes)} categories")
    offsets = prior_offsets(fitted_shares(y, weight, classes), removed)
    classifier.intercept_ = (intercept + offsets).astype(classifier.intercept_.dtype)
    return classifier
