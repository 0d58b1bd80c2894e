
import pandas as pd
import pytest

from tests.parameters import parameters
from titans_finance.core.schema import (
    CLEAN_COLUMNS,
    RAW_COLUMNS,
    READ_COLUMNS,
    clean_transactions_schema,
)
from titans_finance.datasets.raw_export_dataset import parse_export_text
from titans_finance.pipelines.ingestion.nodes import (
    ConservationError,
    deduplicate_transactions,
    normalise_transactions,
    publish_ingestion_outputs,
    summarise_data_quality,
)

PARAMS = parameters("ingestion", reference_date="2025-06-30")

CORRUPTED = """Date,Type,Description,Amount,Category,Payment Method,Status,Reference,Receipt URL
2024-03-01,Expense,Office Rent,-1200.00,rent,bank_transfer,paid,Property Management,
2024-03-02,Expence,  Fuel   for  Vehicle ,89.45,fuel,credit_car,paid,Shell,https://r/1.png
03/04/2024,Income,Client Payment,"$2,850.00",,,received,TechCorp,
2024-03-05,Expense,Coffee,(4.50),meals_entertainment,Credit Card,paid,Starbucks,
2024-13-45,Expense,Broken date,-10.00,other,cash,paid,X,
2024-03-06,Expense,Broken amount,abc,other,cash,paid,X,
,Expense,No date,-10.00,other,cash,paid,X,
2024-03-07,Expense,,-10.00,other,cash,paid,,
2024-03-08,Expense,No amount,,other,cash,paid,X,
2024-03-01,Expense,Office Rent,-1200.00,rent,bank_transfer,paid,Property Management,
2024-03-09,Refund?,Weird type,-3.00,other,cash,paid,X,
2099-01-01,Expense,Far future,-3.00,other,cash,paid,X,
2024-03-10,,Missing type is inferred,-7.25,office_supplies,paypall,paid,Staples,
2024-03-11,Expense,Unknown method kept,-7.25,office_supplies,barter,paid,Staples,
"""


def _raw(text: str) -> pd.DataFrame:
    frame, info = parse_export_text(text, "test.csv")
    frame.attrs["source"] = info
    return frame


def _ingest(text: str, params=PARAMS):
    raw = _raw(text)
    candidates, quarantine, fixes = normalise_transactions(raw, params)
    clean, duplicates = deduplicate_transactions(candidates, params)
    return raw, clean, quarantine, duplicates, fixes


def test_corrupted_export_loses_nothing_and_explains_every_rejection():
    raw, clean, quarantine, duplicates, fixes = _ingest(CORRUPTED)
    report = summarise_data_quality(raw, clean, quarantine, duplicates, fixes)
    assert report["rows_read"] == 14
    assert report["rows_clean"] + report["rows_quarantined"] + report["rows_duplicate"] == 14
    reasons = dict(zip(quarantine["source_row"], quarantine["reasons"]))
    assert reasons == {
        5: "invalid_date",
        6: "invalid_amount",
        7: "missing_date",
        9: "missing_amount",
        12: "implausible_date",
    }
    # a line with no text at all is still money that moved: kept, marked, counted
    assert clean.set_index("source_row").loc[8, "description"] == "(no description)"
    assert fixes["description_missing"] == 1
    # "Refund?" is no direction; -3.00 is written: the written sign decides, "Refund?" counted
    assert clean.set_index("source_row").loc[11, "amount"] == -3.0
    assert fixes["type_not_a_direction"] == 1
    assert fixes["type_disagrees_with_sign"] == 1  # row 2: "Expence" written +89.45
    assert report["quarantine_reasons"]["invalid_date"] == 1
    # quarantined rows are the raw rows exactly as read
    assert quarantine.loc[quarantine["source_row"] == 6, "Amount"].item() == "abc"
    assert list(quarantine.columns) == ["source_row", *READ_COLUMNS, "reasons"]
    # two identical lines in one statement are two transactions (two rents? two coffees)
    assert duplicates.empty and {1, 10} <= set(clean["source_row"])


def test_identical_lines_can_be_declared_exporter_repeats():
    raw, clean, quarantine, duplicates, fixes = _ingest(
        CORRUPTED, {**PARAMS, "identical_lines_in_one_file": "duplicate"})
    assert duplicates["source_row"].tolist() == [10]
    assert duplicates["duplicate_of_source_row"].tolist() == [1]


def test_normalisation_repairs_recoverable_rows():
    _, clean, _, _, fixes = _ingest(CORRUPTED)
    by_row = clean.set_index("source_row")
    fuel = by_row.loc[2]
    # "Expence" with +89.45 in a signed column: the written sign wins, the clash is counted
    assert fuel["type"] == "income" and fuel["amount"] == pytest.approx(89.45)
    assert fuel["payment_method"] == "credit_card"  # credit_car typo
    assert fuel["description"] == "Fuel for Vehicle"  # whitespace collapsed
    client = by_row.loc[3]
    assert client["date"] == pd.Timestamp("2024-03-04") and client["amount"] == 2850.0
    assert pd.isna(client["category"])
    assert by_row.loc[4, "amount"] == -4.5 and by_row.loc[4, "payment_method"] == "credit_card"
    assert by_row.loc[13, "type"] == "expense" and by_row.loc[13, "payment_method"] == "paypal"
    assert by_row.loc[14, "payment_method"] == "other"
    assert fixes["payment_method_unknown_to_other"] == 1


def test_clean_table_satisfies_declared_schema_and_is_sorted():
    _, clean, *_ = _ingest(CORRUPTED)
    assert tuple(clean.columns) == CLEAN_COLUMNS
    clean_transactions_schema().validate(clean)
    assert clean["date"].is_monotonic_increasing
    assert clean["transaction_id"].is_unique


def test_transaction_ids_are_stable_across_runs_and_row_order():
    _, first, *_ = _ingest(CORRUPTED)
    lines = CORRUPTED.strip().split("\n")
    reordered = "\n".join([lines[0], *reversed(lines[1:])]) + "\n"
    _, second, *_ = _ingest(reordered)
    assert set(first["transaction_id"]) == set(second["transaction_id"])


def test_conservation_violation_is_an_error():
    raw, clean, quarantine, duplicates, fixes = _ingest(CORRUPTED)
    with pytest.raises(ConservationError, match="rows_read=14"):
        publish_ingestion_outputs(raw, clean.iloc[1:], quarantine, duplicates, fixes)


def test_every_row_quarantined_still_conserves():
    text = "Date,Description,Amount\nnope,x,1\n2024-01-01,,\n"
    raw, clean, quarantine, duplicates, fixes = _ingest(text)
    report = summarise_data_quality(raw, clean, quarantine, duplicates, fixes)
    assert report["rows_clean"] == 0 and report["rows_quarantined"] == 2


def test_overlong_lines_are_read_when_one_reading_fits_and_quarantined_when_none_does():
    text = CORRUPTED + ("2024-03-12,Expense,Too many,-1,other,cash,paid,X,,extra\n"  # a note
                        "2024-03-13,Expense,Unquoted, comma,-2,other,cash,paid,X,\n"
                        "2024-03-14,Expense,Gift,50,-50,other,cash,paid,X,\n")  # 50 or -50?
    raw, clean, quarantine, duplicates, fixes = _ingest(text)
    kept = clean.set_index("source_row")
    assert kept.loc[15, "amount"] == -1 and kept.loc[15, "description"] == "Too many"
    assert kept.loc[16, "amount"] == -2 and kept.loc[16, "description"] == "Unquoted, comma"
    last = quarantine.iloc[-1]
    assert last["source_row"] == 17 and last["reasons"].startswith("malformed_line")
    assert last["Description"] == "Gift"


def test_short_lines_are_padded_like_trailing_empty_fields():
    text = CORRUPTED + "2024-03-12,Expense,Short line,-5\n"
    _, clean, *_ = _ingest(text)
    row = clean.set_index("source_row").loc[15]
    assert row["amount"] == -5 and pd.isna(row["category"])


def test_header_only_export_gives_empty_tables():
    raw, clean, quarantine, duplicates, fixes = _ingest(",".join(RAW_COLUMNS) + "\n")
    report = summarise_data_quality(raw, clean, quarantine, duplicates, fixes)
    assert report["rows_read"] == 0 and clean.empty and report["clean_date_range"] is None


def test_day_first_parameter_overrides_inference():
    text = "Date,Description,Amount\n03/04/2024,x,-1\n"
    _, clean, *_ = _ingest(text, {**PARAMS, "day_first": True})
    assert clean.loc[0, "date"] == pd.Timestamp("2024-04-03")


def _clean_amounts(text: str, params=PARAMS) -> tuple[list[float], dict]:
    raw, clean, quarantine, duplicates, fixes = _ingest(text, params)
    report = summarise_data_quality(raw, clean, quarantine, duplicates, fixes)
    return clean.sort_values("source_row")["amount"].tolist(), report


def test_the_sign_written_in_the_file_wins():
    # a refund written +100,00 in a signed column stays money in, category or not
    amounts, report = _clean_amounts(
        "Datum;Beschreibung;Betrag;Kategorie;Typ\n01.03.2024;Rückerstattung;+100,00;food;Expense\n"
        "02.03.2024;Einkauf;-12,50;food;Expense\n03.03.2024;Miete;-1.200;rent;Expense\n")
    assert amounts == [100.0, -12.5, -1200.0]  # -1.200 beside -12,50 is minus 1200, not -1.2
    assert report["fixes"]["type_disagrees_with_sign"] == 1
    assert report["source"]["decimal_mark"] == ","


def test_an_unsigned_column_takes_its_sign_from_the_indicator_or_type():
    amounts, report = _clean_amounts(
        "Date,Description,Amount,Dr/Cr\n2024-03-01,RENT,1200.00,DR\n2024-03-02,PAY,2500.00,CR\n"
        "2024-03-03,ODD,5.00,??\n")
    assert amounts == [-1200.0, 2500.0]
    assert report["quarantine_reasons"] == {"invalid_debit_credit_indicator": 1}
    assert report["fixes"]["sign_from_indicator"] == 2
    amounts, report = _clean_amounts(
        "Date,Description,Amount,Type\n2024-03-01,RENT,1200.00,Debit\n2024-03-02,PAY,25.00,Credit\n")
    assert amounts == [-1200.0, 25.0] and report["fixes"]["sign_from_type"] == 2


def test_an_unsigned_column_without_direction_is_read_as_written_and_flagged():
    amounts, report = _clean_amounts("Date,Merchant Name,Amount\n01/10/2019,Mobil,36.33\n")
    assert amounts == [36.33]
    assert report["fixes"]["unsigned_amount_without_direction"] == 1
    assert "sign: negate" in report["source"]["sign_unproven"]["message"]
    assert report["sign_unproven_files"] == [report["source"]["file"]]


def test_split_columns_and_suffixes():
    amounts, _ = _clean_amounts(
        "Date,Description,Paid in,Paid out\n02/01/2024,TESCO,,12.40\n03/01/2024,SALARY,2100.00,\n"
        "04/01/2024,REFUND,,-5.00\n")
    assert amounts == [-12.4, 2100.0, -5.0]  # Paid out is money out, whatever its mark
    amounts, _ = _clean_amounts(
        "Date,Description,Amount\n2024-01-02,A,1200.00 DR\n2024-01-03,B,\u221212.00\n"
        "2024-01-04,C,(3.50)\n2024-01-05,D,4.00-\n2024-01-06,E,\"$1,234,567.89\"\n")
    assert amounts == [-1200.0, -12.0, -3.5, -4.0, 1234567.89]


def test_data_quality_names_no_machine_path(tmp_path):
    path = tmp_path / "statement.csv"
    path.write_text("Date,Description,Amount\n2024-01-02,A,-1\n")
    from titans_finance.datasets.raw_export_dataset import RawExportDataset

    raw = RawExportDataset(str(path), mapping_files=[]).load()
    candidates, quarantine, fixes = normalise_transactions(raw, PARAMS)
    clean, duplicates = deduplicate_transactions(candidates, PARAMS)
    report = summarise_data_quality(raw, clean, quarantine, duplicates, fixes)
    assert str(tmp_path) not in str(report) and report["source"]["file"] == "statement.csv"


def test_html_entities_in_descriptions_are_decoded_and_counted():
    text = ("Date,Description,Amount,Reference\n2024-01-02,A&amp;A GAS,-20,Caf&#233; Nord\n"
            "2024-01-03,AT&T,-50,\n")
    raw, clean, quarantine, duplicates, fixes = _ingest(text)
    assert clean["description"].tolist() == ["A&A GAS", "AT&T"]
    assert clean["reference"].tolist()[0] == "Café Nord"
    assert clean["original_description"].tolist()[0] == "A&amp;A GAS"  # as written
    assert fixes["html_entities_decoded"] == 1
