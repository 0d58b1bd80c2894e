"""The project's outputs as the app reads them: the datasets of ``conf/`` through a Kedro
`DataCatalog`, with every relative path anchored in the project root (the app may be started
from anywhere, and Streamlit runs each session in its own thread, so no ``chdir``).

Only the datasets the app shows are built (not the MLflow ones: the app needs no tracking
server). A dataset that a run has not written yet loads as ``None``; the page says which
command writes it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kedro.io import DataCatalog

# Every dataset a page reads, by its catalog name.
APP_DATASETS = (
    "raw_transactions", "clean_transactions", "quarantined_transactions", "duplicate_transactions",
    "data_quality", "feature_table", "feature_summary", "history_state", "category_predictions",
    "category_corrections", "category_corrections_report", "category_review_queue",
    "category_taxonomy", "category_model", "amount_model", "anomaly_model", "cashflow_model",
    "anomaly_scores", "cashflow_forecast", "metrics_category", "metrics_amount",
    "metrics_anomaly", "metrics_cashflow", "drift_report", "packaged_models", "retrain_report",
)
PATH_KEYS = ("filepath", "path")
# Where the anomaly reviews made in the app are appended (beside the category corrections).
ANOMALY_LABELS = "data/01_raw/anomaly_labels.csv"


def project_root(explicit: str | os.PathLike | None = None) -> Path:
    """``explicit``, else ``$TITANS_PROJECT_ROOT``, else the working directory; it must hold
    ``conf/base`` (a `FileNotFoundError` says where it looked otherwise)."""
    root = Path(explicit or os.environ.get("TITANS_PROJECT_ROOT") or Path.cwd()).resolve()
    if not (root / "conf" / "base").is_dir():
        raise FileNotFoundError(
            f"{root} is not a titans-finance project (no conf/base): start the app from the "
            "project root or give --project / TITANS_PROJECT_ROOT")
    return root


def _anchored(entry: dict[str, Any], root: Path) -> dict[str, Any]:
    """A dataset entry with relative file paths made absolute under ``root``."""
    entry = dict(entry)
    for key in PATH_KEYS:
        if isinstance(entry.get(key), str) and "://" not in entry[key]:
            path = Path(entry[key])
            entry[key] = str(path if path.is_absolute() else root / path)
    if isinstance(entry.get("mapping_files"), list):
        entry["mapping_files"] = [str(root / p) if not Path(p).is_absolute() else p
                                  for p in entry["mapping_files"]]
    return entry


@dataclass
class Project:
    """One project's configuration (``conf/``) and the catalog of the datasets the app reads."""

    root: Path
    runtime_params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # the loader `kedro run` uses (settings.py), without the session's hooks
        from titans_finance.config_loader import CONFIG_LOADER_ARGS, ProjectConfigLoader
        from titans_finance.hooks import check_parameters

        self.root = Path(self.root).resolve()
        loader = ProjectConfigLoader(conf_source=str(self.root / "conf"),
                                     runtime_params=self.runtime_params, **CONFIG_LOADER_ARGS)
        catalog_config = loader["catalog"]
        self.parameters: dict[str, Any] = loader["parameters"]
        # the same check as `kedro run` (titans_finance/hooks.py): a bad key is named at start
        self.settings = check_parameters(self.parameters, self.root / "conf",
                                         [CONFIG_LOADER_ARGS["base_env"],
                                          CONFIG_LOADER_ARGS["default_run_env"]],
                                         self.runtime_params)
        self.entries = {name: _anchored(catalog_config[name], self.root)
                        for name in APP_DATASETS if name in catalog_config}
        self.catalog = DataCatalog.from_config(self.entries)

    def path_of(self, name: str) -> Path:
        """The file of dataset ``name`` (absolute)."""
        return Path(self.entries[name]["filepath"])

    def exists(self, name: str) -> bool:
        return name in self.entries and self.path_of(name).exists()

    def load(self, name: str) -> Any:
        """The dataset's content, or ``None`` when no run has written it yet (an optional
        dataset, such as the corrections file, loads as its own empty value)."""
        optional = "optional" in str(self.entries.get(name, {}).get("type", "")).lower()
        if not optional and not self.exists(name):
            return None
        return self.catalog.load(name)

    def modified(self, names: tuple[str, ...]) -> tuple[float, ...]:
        """Modification times of the datasets' files (0 when absent): a cache key that
        changes whenever a run rewrites them."""
        times = []
        for name in names:
            path = self.path_of(name) if name in self.entries else None
            times.append(path.stat().st_mtime if path is not None and path.exists() else 0.0)
        return tuple(times)

    def latest_version(self, name: str) -> str | None:
        """When the latest version of a versioned dataset (a model) was saved: Kedro names
        each version folder by its UTC save time."""
        if not self.entries.get(name, {}).get("versioned") or not self.exists(name):
            return None
        versions = sorted(p.name for p in self.path_of(name).iterdir() if p.is_dir())
        return versions[-1] if versions else None

    @property
    def corrections_path(self) -> Path:
        """The corrections file the category pipeline reads (and ``POST /feedback`` appends to)."""
        return self.path_of("category_corrections")

    @property
    def anomaly_labels_path(self) -> Path:
        return self.root / ANOMALY_LABELS
