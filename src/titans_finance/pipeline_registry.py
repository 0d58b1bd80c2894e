"""Project pipelines: one entry per pipeline folder plus ``__default__``."""

from kedro.framework.project import find_pipelines
from kedro.pipeline import Pipeline

# Pipelines that only make sense on demand (not part of a plain `kedro run`):
# monitoring compares a new export with the training reference, retrain runs the
# champion/challenger loop.
ON_DEMAND = {"monitoring", "retrain"}


def register_pipelines() -> dict[str, Pipeline]:
    pipelines = find_pipelines(raise_errors=True)
    pipelines["__default__"] = sum(
        (p for name, p in pipelines.items() if name not in ON_DEMAND), Pipeline([])
    )
    return pipelines
