"""Which lines the export's own prior answers: those the knowledge alone leaves unanswered.

The export's prior (`export_prior`) is estimated from every line of the user's export, and
it is right for the lines whose words settle nothing: a local shop, a card field cut short,
a diary's note. Applied to every line, it also outvotes a line's own words: on the
development exports an export that is mostly restaurants turned `JOHN'S GAS STATION` (fuel
0.67 alone) into restaurants, one that holds little clothing turned Bluecoins' `clothes`
(clothing 0.64) into furniture, and a grocer's export left Dis-Chem's pharmacy lines
(health 0.57-0.61) unanswered (docs/evaluation.md, 2026-12-08 sessions 21 and 22). A line
whose best leaf the knowledge gives at the model's own answer threshold or above has been
answered by its words; the prior is a guess about the lines that have not.

So with ``category.export_prior.keep_answered_lines`` a line the knowledge answers keeps the
knowledge's probabilities (the fit's prior: the evidence the threshold was calibrated on),
and only the other lines are answered under the export's prior. The estimate itself still
reads every line: the sure lines are the best evidence of what the export holds. Plain
module: no Kedro import.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from titans_finance.models.category.export_prior import reweighted


def scoped_prior(proba: np.ndarray, weights: np.ndarray | None,
                 answered_at: float | None) -> np.ndarray:
    """Rows of ``proba`` (the knowledge's probabilities, at the fit's prior) under the
    export's prior ``weights`` (`export_prior.reweighted`), except the rows whose best
    category is at least ``answered_at``: those the knowledge answers alone, which keep
    their probabilities. ``answered_at`` None: every row under the prior; ``weights`` None
    (no export prior): ``proba`` itself."""
    moved = reweighted(proba, weights)
    if weights is None or answered_at is None or not len(proba):
        return moved
    answered = proba.max(axis=1) >= answered_at
    return np.where(answered[:, None], proba, moved)


def with_prior_scope(model: Any, params: dict[str, Any]) -> Any:
    """``model`` (a default model carrying its export's prior: `export_prior.
    with_export_prior`, which copied it) answering under that prior only the lines the
    knowledge leaves unanswered, when ``params`` (``category.export_prior``) says
    ``keep_answered_lines``; every line otherwise. Sets the flag on ``model`` itself."""
    if "keep_answered_lines" not in params:
        raise ValueError("export prior: missing keep_answered_lines (the value of "
                         "category.export_prior in conf/base/parameters_category.yml)")
    keep = params["keep_answered_lines"]
    if not isinstance(keep, bool):
        raise ValueError(f"category.export_prior.keep_answered_lines must be true or false, "
                         f"got {keep!r}")
    model.prior_keeps_answered_lines = keep
    return model


def under_scoped_prior(model: Any, proba: np.ndarray) -> np.ndarray:
    """``proba`` (rows of ``model``'s knowledge probabilities) as ``model`` answers them:
    under its export's prior (none: as given), the lines its knowledge answers alone (at its
    answer threshold) excepted when it keeps them (`with_prior_scope`; a model pickled
    before the flag: every line under the prior, as it was)."""
    keep = getattr(model, "prior_keeps_answered_lines", False)
    return scoped_prior(proba, getattr(model, "prior_weights", None),
                        model.threshold if keep else None)
