"""`kedro run` end to end on real exports nobody here wrote, as a user runs it.

The unit and pipeline tests mostly feed the generator's output; these run every model and
the report on (1) the repository's corpus of real bank files read as one folder — 65
files from 21 countries, many accounts and currencies, a few rows each, no categories, some files with
a balance and some without — and (2) the real 127-row reference export with its Category
column removed (skipped when ../shared is absent). Each once crashed a pipeline that the
generator never reached (an empty confusion matrix; a closing balance summed over accounts
of which one had none).
"""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from tests.conftest import PROJECT_ROOT, make_project

pytestmark = pytest.mark.slow

EVERY_MODEL_AND_THE_REPORT = ("ingestion", "features", "category", "amount", "anomaly",
                              "cashflow", "reporting")
CORPUS = PROJECT_ROOT / "tests" / "data" / "exports"


def _outputs(project) -> tuple[dict, pd.DataFrame, pd.DataFrame, str]:
    quality = json.loads(project.path("data/08_reporting/data_quality.json").read_text())
    clean = pd.read_parquet(project.path("data/03_primary/clean_transactions.parquet"))
    table = pd.read_csv(project.path("data/08_reporting/categorised_transactions.csv"),
                        encoding="utf-8-sig")
    page = project.path("data/08_reporting/report.html").read_text(encoding="utf-8")
    return quality, clean, table, page


def test_a_folder_of_real_exports_of_many_accounts_runs_to_the_report(tmp_path):
    project = make_project(tmp_path)
    # the corpus's declared mappings, where a user keeps theirs (two files need one)
    project.path("conf/local").mkdir(exist_ok=True)
    shutil.copy(CORPUS / "export_mappings.yml", project.path("conf/local/export_mappings.yml"))
    project.run(*EVERY_MODEL_AND_THE_REPORT, params={"raw_path": str(CORPUS)})
    quality, clean, table, page = _outputs(project)
    assert quality["rows_read"] == (quality["rows_clean"] + quality["rows_quarantined"]
                                    + quality["rows_duplicate"])
    assert len(clean) == quality["rows_clean"] and len(table) == len(clean)
    assert clean["account"].nunique() >= 20
    # the files' amounts, as written, add up in the categorised table
    assert table["amount"].sum() == pytest.approx(clean["amount"].sum(), abs=0.01)
    cashflow = json.loads(project.path("data/08_reporting/metrics_cashflow.json").read_text())
    # some accounts have a balance column and some do not: the total balance is unknown
    assert cashflow["balance_source"] != "export_balance_column"
    assert "The account balance is not known" in page
    # the owners' categories some files carry (QIF `L` fields, app exports' category columns)
    # are labels: with the Quicken export's there are enough for a time-aware hold-out
    metrics = json.loads(project.path("data/08_reporting/metrics_category.json").read_text())
    assert metrics["n_labelled"] == clean["category"].notna().sum() > 0
    assert "No labelled hold-out in this export" not in page
    assert f"{clean['account'].nunique()} accounts" in page


def test_the_reference_export_without_its_categories_is_categorised_and_reported(
        tmp_path, seed_csv):
    export = pd.read_csv(seed_csv).drop(columns=["Category"])
    path = tmp_path / "unlabelled.csv"
    export.to_csv(path, index=False)
    project = make_project(tmp_path / "project")
    project.run(*EVERY_MODEL_AND_THE_REPORT, params={"raw_path": str(path)})
    quality, clean, table, page = _outputs(project)
    assert quality["rows_read"] == len(export)
    assert clean["category"].isna().all()
    sources = table["category_source"].value_counts()
    # the default model answers most rows and abstains on some: neither all nor nothing
    assert sources.get("predicted", 0) >= len(table) // 2
    assert 0 < sources.get("model unsure", 0) < len(table) // 3
    assert "No labelled hold-out in this export" in page
    for model in ("amount", "anomaly", "cashflow"):
        metrics = json.loads(project.path(f"data/08_reporting/metrics_{model}.json").read_text())
        assert "scorecard" in metrics, model
