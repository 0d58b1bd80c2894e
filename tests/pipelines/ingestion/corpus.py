"""Run the real ingestion pipeline (its Kedro wiring, dataset and nodes) on export files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from tests.parameters import parameters
from titans_finance.datasets.raw_export_dataset import RawExportDataset
from titans_finance.pipelines.ingestion.pipeline import create_pipeline

PROJECT_ROOT = Path(__file__).resolve().parents[3]
EXPORTS = PROJECT_ROOT / "tests" / "data" / "exports"
CORPUS_MAPPINGS = EXPORTS / "export_mappings.yml"
OUTPUTS = ("clean_transactions", "quarantined_transactions", "duplicate_transactions",
           "data_quality")


def ingestion_params(**overrides: Any) -> dict[str, Any]:
    return parameters("ingestion", **overrides)


def run_ingestion(raw_path: str | Path, mapping_files: list[str] | None = None,
                  **params: Any) -> dict[str, Any]:
    """The ingestion pipeline end to end (schema check included) on ``raw_path``."""
    catalog = DataCatalog({
        "raw_transactions": RawExportDataset(str(raw_path), mapping_files=mapping_files or []),
        "params:ingestion": MemoryDataset(ingestion_params(**params)),
        **{name: MemoryDataset() for name in OUTPUTS},
    })
    SequentialRunner().run(create_pipeline(), catalog)
    return {name: catalog.load(name) for name in OUTPUTS}
