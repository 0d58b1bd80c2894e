"""How high an answer no second word corroborates may go: the ceiling each answer earned.

The default model's confidence is calibrated on held-out knowledge, where one word names one
category; an owner files by their own habits (a bank's "monthly service fee" as a
subscription, a "foreign transaction fee" with the purchase it came with, "parking" as
travel), and the export's prior (`export_prior`) lifts many more answers to the top of the
scale. How often an answer at the top matches an owner's label depends on what it answers
far more than on its confidence (docs/evaluation.md, 2026-12-08 session 22: answers of 0.9 or
more were right on 15 % to 99 % of an export's rows; a calibration map learnt on the other
development exports did not transfer to the one left out).

So the ceiling is earned per answer (a taxonomy leaf, or a group when the model answers a
group): an uncorroborated answer may reach `uncorroborated_max_confidence` only as far as the
answers of that category that reached it were proven right on owners' labels — the one-sided
Wilson lower bound of their share right (`proof.proven_confidence`), counted on distinct
lines (one line repeated is one piece of evidence). An answer with little proof of its own
takes the proof of all answers together, if that proves more. Counted on the development
exports by `python -m benchmarks.evaluation.default_category_cold_start --set dev`
(``uncorroborated_proof``). Plain module: no Kedro import.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from titans_finance.models.category.proof import proven_confidence


def earned_ceilings(proof: Mapping[str, Mapping[str, int]], z: float, ceiling: float,
                    floor: float, answers: set[str]) -> tuple[dict[str, float], float]:
    """(each proven answer's ceiling, the ceiling of an answer without proof of its own).

    ``proof``: for an answer (a leaf or group of ``answers``), the distinct lines its
    uncorroborated answers at ``ceiling`` or above stood for on owners' labels and how many
    were right. An answer's ceiling: the larger of its own proof and the pooled proof (every
    answer's lines together) at ``z``, between ``floor`` (the model's answering threshold:
    the calibrated confidence decided that it answers; the proof only says how far above it
    may go) and ``ceiling``. No proof at all: every answer at ``floor`` at most."""
    unknown = sorted(set(proof) - answers)
    if unknown:
        raise ValueError(f"uncorroborated_proof: {', '.join(unknown)} not a category or group "
                         "of the taxonomy (category.default_model in "
                         "conf/base/parameters_category.yml)")
    counts = {answer: (int(c["lines"]), int(c["right"])) for answer, c in proof.items()}
    pooled = proven_confidence(sum(r for _, r in counts.values()),
                               sum(n for n, _ in counts.values()), z)
    if floor > ceiling:
        raise ValueError(f"earned ceilings: the floor ({floor}, confidence_threshold) is above "
                         f"the ceiling ({ceiling}, uncorroborated_max_confidence)")

    def bounded(proven: float) -> float:
        return min(ceiling, max(floor, pooled, proven))

    return ({answer: bounded(proven_confidence(right, lines, z))
             for answer, (lines, right) in counts.items()}, bounded(0.0))


def answer_ceilings(answers: np.ndarray, ceilings: Mapping[str, float],
                    unproven: float) -> np.ndarray:
    """The ceiling of each of ``answers`` (`earned_ceilings`), ``unproven`` for one not
    proven; each distinct answer looked up once."""
    distinct, inverse = np.unique(np.asarray(answers, dtype=object).astype(str),
                                  return_inverse=True)
    return np.array([ceilings.get(a, unproven) for a in distinct.tolist()],
                    dtype="float64")[inverse.reshape(-1)]


def fitted_ceilings(params: Mapping[str, Any], taxonomy: Any) -> tuple[dict[str, float], float]:
    """`earned_ceilings` of ``category.default_model``'s settings (``uncorroborated_proof``,
    ``proof_z``, ``uncorroborated_max_confidence``, ``confidence_threshold``) over the leaves
    and groups of ``taxonomy``."""
    categories = taxonomy.categories
    return earned_ceilings(params["uncorroborated_proof"], float(params["proof_z"]),
                           float(params["uncorroborated_max_confidence"]),
                           float(params["confidence_threshold"]),
                           set(categories.index) | set(categories["group"]))
