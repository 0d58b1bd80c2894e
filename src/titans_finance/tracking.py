"""Helpers shared by the model pipelines for experiment tracking (kedro-mlflow)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

SQLITE_PREFIX = "sqlite:///"


def resolve_sqlite_uri(uri: str | None, project_root: str | Path) -> str | None:
    """A relative SQLite store (``sqlite:///mlflow.db``) as an absolute URI in the project root.

    MLflow resolves a relative SQLite path against the working directory, so a
    notebook started in ``notebooks/`` (or any command run from a subfolder) would
    create and use a second, empty ``mlflow.db`` there. Other URIs (servers,
    absolute paths, ``sqlite:////abs/path``) are returned unchanged.
    """
    if not uri or not uri.startswith(SQLITE_PREFIX):
        return uri
    database = uri[len(SQLITE_PREFIX):]
    path, _, query = database.partition("?")
    if not path or path == ":memory:" or Path(path).is_absolute():
        return uri
    resolved = (Path(project_root) / path).resolve().as_posix()
    return f"{SQLITE_PREFIX}{resolved}" + (f"?{query}" if query else "")


def flatten_numeric(metrics: Mapping[str, Any], prefix: str = "", sep: str = ".") -> dict[str, float]:
    """Flatten nested metric dicts to ``{"a.b": 1.0}``, keeping finite numbers only.

    Booleans count as numbers (0/1); strings, lists and None are left out, since
    MLflow metrics are scalars.
    """
    flat: dict[str, float] = {}
    for key, value in metrics.items():
        name = f"{prefix}{sep}{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            flat.update(flatten_numeric(value, name, sep))
        elif isinstance(value, bool | int | float) and math.isfinite(float(value)):
            flat[name] = float(value)
        elif hasattr(value, "item") and getattr(value, "ndim", 1) == 0:  # numpy scalar
            number = float(value.item())
            if math.isfinite(number):
                flat[name] = number
    return flat


def mlflow_metrics(metrics: Mapping[str, Any], prefix: str = "") -> dict[str, dict[str, float]]:
    """Metrics in the format of kedro-mlflow's ``MlflowMetricsHistoryDataset``.

    MLflow metric names allow letters, digits and ``_ - . / space``; other
    characters (e.g. a category name with ``&``) are replaced by ``_``.
    """
    out = {}
    for name, value in flatten_numeric(metrics, prefix).items():
        safe = "".join(c if c.isalnum() or c in "_-./ " else "_" for c in name)
        out[safe] = {"value": value, "step": 0}
    return out


def model_for_mlflow(model: Any) -> Any:
    """Hand the trained model to a kedro-mlflow artifact dataset.

    The versioned local copy (what serving loads) is a plain Kedro versioned
    dataset: wrapping a versioned dataset in ``MlflowArtifactDataset`` clashes
    with Kedro's single save version per run, so the MLflow copy is a second,
    unversioned dataset fed by this node.
    """
    return model


def mlflow_logging_nodes(name: str) -> list:
    """The two nodes every model pipeline ends with: its metrics and its model to MLflow.

    Reads ``metrics_<name>`` and ``<name>_model``; writes ``<name>_mlflow_metrics``
    and ``<name>_model_mlflow`` (kedro-mlflow datasets declared in catalog_<name>.yml).
    """
    from kedro.pipeline import Node

    return [
        Node(mlflow_metrics, f"metrics_{name}", f"{name}_mlflow_metrics",
             name=f"log_{name}_metrics"),
        Node(model_for_mlflow, f"{name}_model", f"{name}_model_mlflow", name=f"log_{name}_model"),
    ]
