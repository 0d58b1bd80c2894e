"""The export's own category prior, learnt from its unlabelled lines.

The default model learns from open knowledge, and a one-against-the-rest fit reads each
category's share of the knowledge's weighted lines as its prior (`fitted_shares`): ~9,700
restaurant brand names, ~680 broker sites, 14 parking words — how many chains and words
exist, not how often this household pays for each. Moving that prior to an equal one (each
category's intercept moved by the logistic prior correction) lost on the development exports
(docs/evaluation.md, 2026-12-08): the volume happened to favour food, which a card's unknown
local merchants mostly are. The prior that fits an export is its own: how often its lines
are groceries, restaurants or capital gains.

So the prior is estimated from the export's lines themselves, labels not read, as the
statement wording is (`statement_wording`), and kept with the model the user's lines are
scored by: the maximum a posteriori prior of the lines' category mixture by expectation-
maximisation (Saerens, Latinne and Decaestecker 2002, "Adjusting the outputs of a classifier
to new a priori probabilities"). Each step weighs each line's probabilities by the current
prior over the fit's (`DefaultCategoryModel.fitted_prior_`), renormalised, and takes the
prior as the mean of those answers, with ``pseudo_lines`` lines at the fit's prior added (a
Dirichlet pull: a handful of lines cannot move it far). The model then answers every line
by its probabilities times (export prior / fit's prior), renormalised (`reweighted`): a line
of strong words keeps its answer, a line of weak evidence leans to what the export mostly
is. The personal model's design reads the probabilities at the fit's prior
(`DefaultCategoryModel.knowledge_probabilities`): it learns the user's prior from their labels,
and the export's prior in that block cost it 0.4 points on the development folds. Plain
module: no Kedro import.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from titans_finance.core.distinct_rows import distinct_rows


def fitted_shares(y: np.ndarray, weight: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Each of ``classes``' share of the total ``weight`` of the lines ``y`` a model was
    fitted on, in ``classes``' order: the fit's prior. A class with no weight is an error:
    the fit could not have learnt it."""
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


def reweighted(proba: np.ndarray, weights: np.ndarray | None) -> np.ndarray:
    """Each row of ``proba`` times ``weights`` (one per column), renormalised; a row of
    zeros (every category excluded) stays zero. ``weights`` None: ``proba`` itself."""
    if weights is None:
        return proba
    proba = proba * weights[None, :]
    total = proba.sum(axis=1, keepdims=True)
    return np.divide(proba, total, out=np.zeros_like(proba), where=total > 0)


def export_prior(proba: np.ndarray, fitted: np.ndarray, iterations: int,
                 pseudo_lines: float, lines: np.ndarray | None = None) -> np.ndarray:
    """The categories' prior of the lines whose probabilities under the fit's prior
    ``fitted`` are ``proba`` (rows: lines, columns: ``fitted``'s categories), after
    ``iterations`` expectation-maximisation steps from ``fitted``, with ``pseudo_lines``
    lines at ``fitted`` added to each step's counts. 0 iterations: ``fitted``. ``lines``:
    how many of the export's lines each row stands for (a distinct line and its repeats:
    the same prior as every line given, at a fraction of the cost); None: one each."""
    if iterations < 0:
        raise ValueError(f"category.export_prior.iterations must be 0 or more, got "
                         f"{iterations}")
    if pseudo_lines < 0:
        raise ValueError(f"category.export_prior.pseudo_lines must be 0 or more, got "
                         f"{pseudo_lines}")
    fitted = np.asarray(fitted, dtype="float64")
    if proba.shape[1:] != fitted.shape or (fitted <= 0).any():
        raise ValueError(f"the fit's prior must be positive for each of the "
                         f"{proba.shape[1]} categories, got {fitted.shape} values")
    lines = np.ones(len(proba)) if lines is None else np.asarray(lines, dtype="float64")
    if lines.shape != (len(proba),) or (lines < 0).any():
        raise ValueError(f"export prior: {len(proba)} rows need as many line counts of 0 or "
                         f"more, got {lines.shape}")
    said = proba.sum(axis=1) > 0  # a line with no category allowed says nothing
    counted, weight = proba[said], lines[said]
    prior = fitted
    for _ in range(iterations):
        if not weight.sum() and not pseudo_lines:
            break
        answers = reweighted(counted, prior / fitted)
        prior = (weight @ answers + pseudo_lines * fitted) / (weight.sum() + pseudo_lines)
        # a category no line holds keeps a trace: its weight stays finite and positive
        prior = np.maximum(prior, np.finfo("float64").tiny)
    return prior


def with_export_prior(default_model: Any, text: np.ndarray, sign: np.ndarray,
                      params: dict[str, Any]) -> Any:
    """A copy of ``default_model`` that answers lines under the prior of the user's lines
    ``text`` and ``sign`` (every line of the export, labels not read; read as the model
    reads them, its statement wording included). ``params``: ``category.export_prior``
    (``iterations``, ``pseudo_lines``). Its metadata lists the prior's categories of at least
    1 %."""
    missing = [name for name in ("iterations", "pseudo_lines") if name not in params]
    if missing:
        raise ValueError(f"export prior: missing {', '.join(missing)} (the values of "
                         "category.export_prior in conf/base/parameters_category.yml)")
    fitted = getattr(default_model, "fitted_prior_", None)
    if fitted is None:
        raise ValueError("export prior: the default category model was fitted before its "
                         "prior was kept (no fitted_prior_): fit it again (kedro run)")
    # the probabilities at the fit's own prior, which EM starts from, once per distinct line
    # and direction (all a line's probabilities depend on) with how many lines it stands for
    text, sign = np.asarray(text, dtype=object), np.asarray(sign)
    rows = distinct_rows(text, (sign > 0).astype(np.int64) - (sign < 0).astype(np.int64))
    if rows is None:  # the model reads texts only (`model_inputs` writes every line as one)
        raise ValueError("export prior: every line must be a text (the category models' "
                         "design_text of the export)")
    prior = export_prior(default_model.knowledge_probabilities(rows.take(text), rows.take(sign)),
                         fitted, int(params["iterations"]), float(params["pseudo_lines"]),
                         np.bincount(rows.inverse, minlength=len(rows)))
    model = copy.copy(default_model)
    # the fit's own prior (no step taken): nothing to weigh, the same numbers to the bit
    model.prior_weights = None if np.array_equal(prior, fitted) else prior / fitted
    order = np.argsort(-prior, kind="stable")
    model.metadata = {**default_model.metadata, "export_prior": {
        str(model.classes_[i]): round(float(prior[i]), 4) for i in order if prior[i] >= 0.01}}
    return model
