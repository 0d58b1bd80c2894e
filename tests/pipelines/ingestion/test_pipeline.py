"""The ingestion pipeline in a real Kedro session, on generated and on real data."""

import json

import pandas as pd
import pytest

from titans_finance.core.schema import CLEAN_COLUMNS, clean_transactions_schema
from tests.conftest import make_project


def _quality(project) -> dict:
    return json.loads(project.path("data/08_reporting/data_quality.json").read_text())


def test_ingestion_on_generated_export_conserves_rows(kedro_project, generated_data):
    export, _ = generated_data
    kedro_project.run("ingestion")
    quality = _quality(kedro_project)
    assert quality["rows_read"] == len(export)
    assert quality["rows_read"] == (quality["rows_clean"] + quality["rows_quarantined"]
                                    + quality["rows_duplicate"])
    assert sum(quality["quarantine_reasons"].values()) >= quality["rows_quarantined"]
    clean = pd.read_parquet(kedro_project.path("data/03_primary/clean_transactions.parquet"))
    assert tuple(clean.columns) == CLEAN_COLUMNS and len(clean) == quality["rows_clean"]
    clean_transactions_schema().validate(clean)
    quarantine = pd.read_csv(kedro_project.path("data/02_intermediate/quarantined_transactions.csv"),
                             dtype=str, keep_default_na=False)
    assert len(quarantine) == quality["rows_quarantined"]
    assert (quarantine["reasons"] != "").all()
    # the generator's dirty rows are mostly repaired, only a minority rejected
    assert quality["rows_quarantined"] < 0.02 * quality["rows_read"]
    assert quality["rows_duplicate"] > 0


def test_ingestion_on_reference_export(tmp_path, seed_csv):
    project = make_project(tmp_path)
    project.run("ingestion", params={"raw_path": str(seed_csv)})
    quality = _quality(project)
    assert quality["rows_read"] == 127
    assert quality["rows_read"] == (quality["rows_clean"] + quality["rows_quarantined"]
                                    + quality["rows_duplicate"])
    assert quality["rows_clean"] == 127  # the file has dirt, but every row is recoverable
    clean = pd.read_parquet(project.path("data/03_primary/clean_transactions.parquet"))
    assert "credit_car" not in set(clean["payment_method"].dropna())
    assert quality["fixes"]["payment_method_corrected"] == 1
    expenses = clean[clean["type"] == "expense"]
    income = clean[clean["type"] == "income"]
    assert (expenses["amount"] < 0).all() and (income["amount"] > 0).all()
    assert expenses["category"].notna().all() and income["category"].isna().all()
    assert clean["date"].between("2024-08-01", "2024-12-31").all()
    assert expenses["category"].nunique() == 22


def test_unreadable_export_fails_run_without_writing_clean_table(tmp_path):
    project = make_project(tmp_path)
    bad = tmp_path / "statement.pdf"
    bad.write_bytes(b"%PDF-1.4\x00\x01binary")
    with pytest.raises(Exception) as excinfo:
        project.run("ingestion", params={"raw_path": str(bad)})
    assert f"{bad}: not a text CSV file" in str(excinfo.value)
    assert not project.path("data/03_primary/clean_transactions.parquet").exists()
