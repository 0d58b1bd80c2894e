"""Boundary mutants of the ceilings each default-model answer earned (session 22, issue #26:
`models/category/earned_ceiling.py`): the threshold under every ceiling, the pooled proof
behind an answer that proved less, a threshold equal to the one ceiling, and the answer held at
its own ceiling rather than the one. `boundary_mutants.py` runs them with the others (ids
``ec…``):

    .venv/bin/python -m benchmarks.quality.boundary_mutants --only ec1 ec2 ec3 ec4

Each entry: (id, path under src/titans_finance, what, old text (exactly once), new, tests).
"""

from __future__ import annotations

_TESTS = "tests/models/category/test_earned_ceiling.py"

EARNED_CEILING = (
    ("ec1", "models/category/earned_ceiling.py",
     "an answer's earned ceiling may fall under the answering threshold",
     "return min(ceiling, max(floor, pooled, proven))",
     "return min(ceiling, max(pooled, proven))",
     _TESTS),
    ("ec2", "models/category/earned_ceiling.py",
     "an answer that proved less than all answers together held at its own proof",
     "return min(ceiling, max(floor, pooled, proven))",
     "return min(ceiling, max(floor, proven))",
     _TESTS),
    ("ec3", "models/category/earned_ceiling.py",
     "a threshold equal to the one ceiling refused",
     "    if floor > ceiling:",
     "    if floor >= ceiling:",
     _TESTS),
    ("ec4", "models/category/default.py",
     "an uncorroborated answer held at the one ceiling, not at its answer's earned one",
     "confidence[over[~corroborated[codes]]] = ceiling[over[~corroborated[codes]]]",
     "confidence[over[~corroborated[codes]]] = self.ceiling",
     _TESTS),
)
