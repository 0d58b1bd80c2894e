"""Whether a model beats its baseline, given the noise of the hold-out.

A hold-out is a sample: a model 0.5 % ahead of its baseline on 4,000 rows may be behind on
the next 4,000. Every scorecard compares the model with its strongest baseline on the *same*
rows (or folds), so the comparison is paired: the advantage is the mean of the per-row
differences of their losses, and its standard error is that of a mean. The verdict is

- ``beats``: the advantage exceeds `MARGIN_SE` standard errors (about a 95 % two-sided
  test; a paired t-test or Wilcoxon would say much the same on hold-outs of this size),
- ``behind``: the baseline's advantage does,
- ``level with``: the difference is inside the noise (exactly at the margin included).

A metric that is not a mean over rows (PR-AUC) gets the standard error of the difference
from a paired bootstrap over the hold-out rows. No standard error (fewer than two rows or
folds, or metrics written before the margin existed): no verdict (None).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

BEATS, LEVEL, BEHIND = "beats", "level with", "behind"
VERDICTS = (BEATS, LEVEL, BEHIND)
# standard errors the advantage must exceed to be called a win (or a loss): a statistical
# convention (two-sided ~95 %), not a knob to tune per export
MARGIN_SE = 2.0


def verdict_of(advantage: float | None, standard_error: float | None,
               margin: float = MARGIN_SE) -> str | None:
    """``beats`` / ``level with`` / ``behind`` for the model's ``advantage`` over its
    baseline (positive: the model is better) and the advantage's standard error."""
    if advantage is None or standard_error is None:
        return None
    advantage, standard_error = float(advantage), float(standard_error)
    if not (math.isfinite(advantage) and math.isfinite(standard_error)) or standard_error < 0:
        return None
    if advantage > margin * standard_error:
        return BEATS
    if -advantage > margin * standard_error:
        return BEHIND
    return LEVEL


def paired_comparison(model_loss: Any, baseline_loss: Any) -> dict[str, Any]:
    """The model against a baseline from per-row (or per-fold) losses on the same rows,
    lower is better (for a score such as accuracy pass ``1 - correct``)."""
    model_loss = np.asarray(model_loss, dtype="float64")
    baseline_loss = np.asarray(baseline_loss, dtype="float64")
    if model_loss.ndim != 1 or model_loss.shape != baseline_loss.shape:
        raise ValueError("model and baseline losses must be two 1-d arrays of the same rows, "
                         f"got shapes {model_loss.shape} and {baseline_loss.shape}")
    difference = baseline_loss - model_loss
    difference = difference[np.isfinite(difference)]
    n = len(difference)
    advantage = float(difference.mean()) if n else float("nan")
    error = float(difference.std(ddof=1) / math.sqrt(n)) if n > 1 else float("nan")
    return _result(advantage, error, n)


def bootstrap_comparison(metric: Callable[[np.ndarray, np.ndarray], float], truth: Any,
                         model_score: Any, baseline_score: Any, higher_is_better: bool = True,
                         rounds: int = 200, seed: int = 0) -> dict[str, Any]:
    """The same for a metric of the whole hold-out (``metric(truth, score)``, e.g. PR-AUC):
    the advantage on the hold-out, its standard error from ``rounds`` paired resamples of the
    rows (the same rows for model and baseline)."""
    truth = np.asarray(truth)
    model_score, baseline_score = np.asarray(model_score), np.asarray(baseline_score)
    sign = 1.0 if higher_is_better else -1.0
    advantage = sign * (metric(truth, model_score) - metric(truth, baseline_score))
    rng = np.random.default_rng(seed)
    samples = []
    for _ in range(rounds):
        rows = rng.integers(0, len(truth), len(truth))
        if truth[rows].min() == truth[rows].max():
            continue  # a resample without both classes has no ranking metric
        samples.append(sign * (metric(truth[rows], model_score[rows])
                               - metric(truth[rows], baseline_score[rows])))
    error = float(np.std(samples, ddof=1)) if len(samples) > 1 else float("nan")
    return _result(float(advantage), error, len(truth))


def _result(advantage: float, error: float, n: int) -> dict[str, Any]:
    return {"advantage": advantage, "advantage_se": error, "compared_on": n,
            "verdict": verdict_of(advantage, error)}


def scorecard_verdict(card: dict[str, Any] | None) -> str | None:
    """A scorecard's verdict (None: not measured, or written before the noise margin)."""
    if not card:
        return None
    verdict = card.get("verdict")
    return verdict if verdict in VERDICTS else None
