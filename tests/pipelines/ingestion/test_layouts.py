"""Hand-written files in the layouts real exports use (tests/data/layouts, README there) go
through the ingestion pipeline with every transaction at its date and signed amount, and
every line that is not a transaction quarantined with the reason that says why."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.pipelines.ingestion.corpus import PROJECT_ROOT, run_ingestion

LAYOUTS = PROJECT_ROOT / "tests" / "data" / "layouts"

# file -> (every transaction as (date, signed amount) in the file's order,
#          quarantine reason of each line that is not one)
EXPECTED = {
    "multiline-quoted.csv": (
        [("2024-01-02", -12.50), ("2024-01-03", 2500.00), ("2024-01-05", -900.00),
         ("2024-01-08", -3.20)], []),
    "ragged-rows.csv": (
        [("2024-01-02", -12.50), ("2024-01-03", 0.00), ("2024-01-04", 2500.00),
         ("2024-01-05", -100.00), ("2024-01-06", -7.45)], []),
    "lithuanian-preamble-summary.csv": (
        [("2024-01-02", -23.45), ("2024-01-03", 1850.00), ("2024-01-05", -19.99),
         ("2024-01-09", -41.20), ("2024-01-15", -100.00), ("2024-01-20", -12.36)],
        ["summary_line"] * 4),
    "camt053-zoned-dates.xml": (
        [("2017-04-01", -64.75), ("2017-04-03", 500.00), ("2017-04-04", 0.00)], []),
    "mt940-library-refuses.sta": (
        [("2024-01-02", -12.50), ("2024-01-03", 2500.00), ("2024-01-05", -1000.00),
         ("2024-01-06", -45.00)], []),
}
# The Lithuanian header names no column in a language the header words know but "Data":
# until the columns are read from their values, a mapping names the amount.
MAPPINGS = """
mappings:
  - match: "lithuanian-*.csv"
    columns: {amount: "Suma"}
"""


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_transaction_of_each_layout_at_its_date_and_signed_amount(name, tmp_path):
    mappings = tmp_path / "mappings.yml"
    mappings.write_text(MAPPINGS)
    out = run_ingestion(LAYOUTS / name, mapping_files=[str(mappings)],
                        reference_date="2026-01-01")
    transactions, reasons = EXPECTED[name]
    clean = out["clean_transactions"].sort_values("source_row")
    read = list(zip(clean["date"].dt.strftime("%Y-%m-%d"), clean["amount"].round(2),
                    strict=True))
    assert read == [(day, pytest.approx(amount)) for day, amount in transactions]
    quarantine = out["quarantined_transactions"]
    # the first reason says why (a summary line without a date also lacks a date)
    assert quarantine["reasons"].str.split(";").str[0].tolist() == reasons, (
        quarantine.to_dict("records"))
    assert out["data_quality"]["rows_read"] == len(transactions) + len(reasons)


def test_multiline_descriptions_are_one_text():
    out = run_ingestion(LAYOUTS / "multiline-quoted.csv", reference_date="2026-01-01")
    clean = out["clean_transactions"].sort_values("source_row")
    assert clean["description"].tolist() == [
        "CARD PAYMENT TESCO STORES 3297 LONDON GB", "Salary ACME LTD, ref JAN",
        "Standing order Rent, flat 2", "Coffee"]
    assert clean["balance"].tolist() == [987.50, 3487.50, 2587.50, 2584.30]


def test_ragged_rows_keep_their_fields_and_say_what_was_done():
    out = run_ingestion(LAYOUTS / "ragged-rows.csv", reference_date="2026-01-01")
    clean = out["clean_transactions"].sort_values("source_row")
    assert clean["description"].iloc[3] == "Smith; Jones and Partners"
    source = out["data_quality"]["source"]
    assert source["ragged_rows"] == {"rows_with_extra_fields": 2, "rows_aligned": 1}
    assert source["unrecognised_columns"] == ["Column 5", "Column 6", "Column 7"]


def test_the_preamble_is_found_from_the_values_in_any_language(tmp_path):
    mappings = tmp_path / "mappings.yml"
    mappings.write_text(MAPPINGS)
    out = run_ingestion(LAYOUTS / "lithuanian-preamble-summary.csv",
                        mapping_files=[str(mappings)], reference_date="2026-01-01")
    source = out["data_quality"]["source"]
    assert source["header_line"] == 7 and source["preamble_lines"] == 6
    assert set(out["clean_transactions"]["account"]) == {"LT121000011101001000"}
    quarantine = out["quarantined_transactions"]
    # turnover lines (dated), opening and closing balance lines (not dated)
    assert quarantine["Amount"].tolist() == ["197,00", "1 850,00", "500,00", "2 153,00"]
    assert quarantine["reasons"].str.startswith("summary_line").all()


def test_a_statement_the_mt940_library_refuses_is_read_line_by_line_and_reconciles():
    out = run_ingestion(LAYOUTS / "mt940-library-refuses.sta", reference_date="2026-01-01")
    source = out["data_quality"]["source"]
    assert source["reader"].startswith("tolerant")
    assert "object at 0x" not in source["library_refused"]
    assert source["balances"][0]["reconciles"] == "true"
    clean = out["clean_transactions"].sort_values("source_row")
    assert set(clean["account"]) == {"NL12KNAB0123456789"}
    assert clean["reference"].tolist() == [
        "Vattenfall Klantenservice", "Werkgever B.V.", "Verhuur B.V.", "Bol.com"]
    assert pd.Series(clean["bank_transaction_id"]).tolist()[1:3] == ["PAY-0001", "B-77"]
