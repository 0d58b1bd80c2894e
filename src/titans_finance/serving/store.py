"""Saving to and loading from the BentoML model store (plain module, used by packaging and serving)."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

# Store name of each artefact the service needs. The history state is not a model
# but is shipped the same way: history features of new transactions need it.
STORE_NAMES = {
    "category": "titans_category",
    "amount": "titans_amount",
    "anomaly": "titans_anomaly",
    "cashflow": "titans_cashflow",
    "history": "titans_history_state",
    "drift_reference": "titans_drift_reference",
}
FILENAME = "model.pkl"


def save(name: str, obj: Any, metadata: dict[str, Any], labels: dict[str, str] | None = None
         ) -> str:
    """Save ``obj`` as a new version of ``name``; returns the tag (``name:version``)."""
    import bentoml

    with bentoml.models.create(name, metadata=metadata, labels=labels or {}) as model:
        with open(model.path_of(FILENAME), "wb") as handle:
            pickle.dump(obj, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return str(model.tag)


def load(path: str | Path) -> Any:
    """Load an artefact saved by `save` from its model folder."""
    with open(Path(path) / FILENAME, "rb") as handle:
        return pickle.load(handle)  # noqa: S301 - our own store, written by `save`
