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
    # The generator repeats some lines exactly; inside one file identical lines are
    # separate transactions (docs/data_contract.md), so none is a duplicate by default.
    assert quality["rows_duplicate"] == 0


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
    assert "statement.pdf: not a text export" in str(excinfo.value)
    assert str(tmp_path) not in str(excinfo.value)
    assert not project.path("data/03_primary/clean_transactions.parquet").exists()


README_EXPORT = ("Date,Description,Amount\n2024-01-02,STARBUCKS 1234,-4.50\n"
                 "2024-01-03,PAYROLL ACME LTD,2500.00\n2024-01-05,SHELL OIL 5744,-40.10\n")
UK_EXPORT = ("Date,Description,Money In,Money Out,Balance\n"
             "02/01/2024,TESCO STORES 3297,,12.40,987.60\n03/01/2024,SALARY ACME,2100.00,,3087.60\n"
             "05/01/2024,TFL TRAVEL CH,,2.80,3084.80\n")


@pytest.mark.parametrize(
    "name, text, expected",
    [
        ("minimal.csv", README_EXPORT, [("2024-01-02", -4.50), ("2024-01-03", 2500.00),
                                        ("2024-01-05", -40.10)]),
        ("uk.csv", UK_EXPORT, [("2024-01-02", -12.40), ("2024-01-03", 2100.00),
                               ("2024-01-05", -2.80)]),
        ("header_only.csv", "Date,Description,Amount\n", []),
    ],
)
def test_plain_bank_exports_pass_the_full_ingestion_pipeline(tmp_path, name, text, expected):
    """The README's own minimal export, a UK money-in/money-out export and a header-only
    file: no Category/Type/Status column at all, and the final schema check passes."""
    export = tmp_path / name
    export.write_text(text)
    project = make_project(tmp_path / "project")
    project.run("ingestion", params={"raw_path": str(export)})
    clean = pd.read_parquet(project.path("data/03_primary/clean_transactions.parquet"))
    clean_transactions_schema().validate(clean)
    assert list(zip(clean["date"].dt.strftime("%Y-%m-%d"), clean["amount"])) == expected
    assert (clean["account"] == export.stem).all()
    quality = _quality(project)
    assert quality["rows_read"] == len(expected) == quality["rows_clean"]
    assert str(tmp_path) not in project.path("data/08_reporting/data_quality.json").read_text()


def test_several_accounts_stay_apart_and_transfers_are_marked(tmp_path):
    """A folder with one export per account (CSV and OFX), and a file holding two accounts."""
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "current.csv").write_text(
        "Date,Description,Amount,Balance\n2024-03-01,RENT,-900.00,100.00\n"
        "2024-03-02,TO SAVINGS,-500.00,-400.00\n2024-03-03,SALARY,2500.00,2100.00\n")
    (folder / "savings.csv").write_text(
        "Date,Description,Amount\n2024-03-03,FROM CURRENT,500.00\n2024-03-20,INTEREST,1.25\n")
    (folder / "cards.csv").write_text(
        "Date,Description,Amount,Account\n2024-03-05,COFFEE,-3.20,visa\n"
        "2024-03-05,COFFEE,-3.20,visa\n2024-03-05,COFFEE,-3.20,amex\n")
    project = make_project(tmp_path / "project")
    project.run("ingestion", "features", params={"raw_path": str(folder)})
    clean = pd.read_parquet(project.path("data/03_primary/clean_transactions.parquet"))
    clean_transactions_schema().validate(clean)
    assert sorted(clean["account"].unique()) == ["amex", "current", "savings", "visa"]
    transfers = clean[clean["is_transfer"]].sort_values("amount")
    assert transfers["description"].tolist() == ["TO SAVINGS", "FROM CURRENT"]
    # two identical coffees on one card in one file are two purchases, the third another card's
    assert (clean["description"] == "COFFEE").sum() == 3
    quality = _quality(project)
    assert quality["rows_read"] == 8 == quality["rows_clean"]
    assert quality["accounts"] == {"amex": 1, "current": 3, "savings": 2, "visa": 2}
    assert quality["transfers_marked"] == 2
    assert [f["file"] for f in quality["source"]["files"]] == ["cards.csv", "current.csv",
                                                               "savings.csv"]
    features = pd.read_parquet(project.path("data/04_feature/feature_table.parquet"))
    assert len(features) == len(clean)


def test_overlapping_statements_of_one_account_are_matched_as_multisets(tmp_path):
    """January-February and February-March exports of one account: February once."""
    folder = tmp_path / "exports"
    folder.mkdir()
    header = "Date,Description,Amount,Account\n"
    feb = "2024-02-10,COFFEE,-3.20,DE001\n2024-02-10,COFFEE,-3.20,DE001\n"
    (folder / "jan-feb.csv").write_text(header + "2024-01-15,RENT,-900.00,DE001\n" + feb)
    (folder / "feb-mar.csv").write_text(header + feb + "2024-03-01,COFFEE,-3.20,DE001\n")
    project = make_project(tmp_path / "project")
    project.run("ingestion", params={"raw_path": str(folder)})
    clean = pd.read_parquet(project.path("data/03_primary/clean_transactions.parquet"))
    duplicates = pd.read_csv(project.path("data/02_intermediate/duplicate_transactions.csv"))
    assert len(clean) == 4 and len(duplicates) == 2  # both Feb coffees once, not twice or once
    assert (clean["date"] == "2024-02-10").sum() == 2
    assert set(duplicates["source_file"]) == {"jan-feb.csv"}  # files read in name order
