"""The reading report says what the lines were read with: data_quality.json's ``source``, and
the app's import page built from it (`reporting.file_reading`), on files run through the real
ingestion pipeline."""

from __future__ import annotations

from tests.core.test_readers_date_columns import DKB_CARD
from tests.pipelines.ingestion.corpus import run_ingestion
from titans_finance.reporting import file_reading


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _source(tmp_path, name: str, text: str) -> dict:
    return run_ingestion(_write(tmp_path, name, text),
                         reference_date="2025-06-30")["data_quality"]["source"]


def test_the_columns_the_date_rule_swapped_show_the_role_they_were_used_in(tmp_path):
    # DKB's card: Wertstellung read first as the value date, Belegdatum as the date; the
    # date rule dates the lines by Wertstellung (data_contract, "The date a line carries")
    source = _source(tmp_path, "dkb.csv", DKB_CARD)
    assert source["columns"]["Date"] == ["Wertstellung"]
    report = source["reading"]["columns"]
    assert report["Wertstellung"]["role"] == "Date"
    assert report["Belegdatum"]["role"] == "Value Date"
    assert report["Wertstellung"]["decided_by"].startswith(
        "the date the lines carry (decided by value_date_beside_purchase_day; first read as "
        "Value Date")
    assert report["Belegdatum"]["decided_by"].startswith("the value date beside 'Wertstellung'")
    # the import page's table of columns, from the same report
    shown = file_reading.column_evidence(source).set_index("column")
    assert shown.loc["Wertstellung", "field"] == "Date"
    assert shown.loc["Belegdatum", "field"] == "Value Date"
    # a column no date rule touched keeps what decided it
    assert report["Umsatzbeschreibung"]["decided_by"] == "free text"


def test_a_second_date_column_the_values_make_the_booking_date_says_so(tmp_path):
    # Started / Completed: Completed never before Started, after it on one line
    text = ("Started Date,Completed Date,Description,Amount\n"
            "2024-01-02,2024-01-04,A,-1.00\n2024-01-05,2024-01-05,B,-2.00\n")
    report = _source(tmp_path, "app.csv", text)["reading"]["columns"]
    assert report["Completed Date"]["role"] == "Date"
    assert report["Started Date"]["role"] == "Value Date"
    assert "never_before_the_other" in report["Completed Date"]["decided_by"]
    # the boundary: the same days on every line move nothing, and the report keeps the first
    text = text.replace("2024-01-02,2024-01-04", "2024-01-04,2024-01-04")
    report = _source(tmp_path, "app.csv", text)["reading"]["columns"]
    assert report["Started Date"]["role"] == "Date"
    assert report["Completed Date"]["role"] == "Value Date"
    assert "first_column" in report["Started Date"]["decided_by"]


REPAIRED = ("Data,Descrizione,Importo,Saldo\n"
            "01/02/2024,A,-1\ufffd000.00,4\ufffd000.00\n"
            "02/02/2024,B,-12.50,3\ufffd987.50\n"
            "03/02/2024,C,2\ufffd500.00,6\ufffd487.50\n")


def test_amounts_read_through_a_repair_are_counted_per_file_and_column(tmp_path):
    run = run_ingestion(_write(tmp_path, "intesa.csv", REPAIRED), reference_date="2025-06-30")
    source, quality = run["data_quality"]["source"], run["data_quality"]
    assert sorted(run["clean_transactions"]["amount"]) == [-1000.0, -12.5, 2500.0]
    assert source["amounts_repaired"] == {
        "unreadable_grouping_mark": {"Amount": 2, "Balance": 3}}
    assert quality["fixes"]["amounts_read_through_repair"] == 5
    shown = file_reading.how_it_was_read(source)[0].loc["amounts repaired"].iloc[0]
    assert shown.startswith("5 (Amount: 2, Balance: 3): an unreadable byte")
    # the boundary: no decimal mark after the groups (2500 or 2.5?) is no repair, the line
    # is quarantined, its amount not counted (its balance, repaired, is)
    unsure = REPAIRED.replace("2\ufffd500.00,6\ufffd487.50", "2\ufffd500,6\ufffd487.50")
    run = run_ingestion(_write(tmp_path, "intesa.csv", unsure), reference_date="2025-06-30")
    source = run["data_quality"]["source"]
    assert source["amounts_repaired"] == {"unreadable_grouping_mark": {"Amount": 1,
                                                                       "Balance": 3}}
    assert run["data_quality"]["quarantine_reasons"] == {"invalid_amount": 1}
    # nothing repaired: nothing said
    plain = REPAIRED.replace("\ufffd", "")
    source = run_ingestion(_write(tmp_path, "intesa.csv", plain),
                           reference_date="2025-06-30")["data_quality"]["source"]
    assert "amounts_repaired" not in source
    assert "amounts repaired" not in file_reading.how_it_was_read(source)[0].index


def test_a_headerless_file_s_unsure_date_column_reaches_the_report_and_the_import_page(
        tmp_path):
    from tests.core.test_readers_date_columns import HEADERLESS
    source = _source(tmp_path, "noheader.csv", HEADERLESS)
    assert "differ on 1 of 3 lines" in source["date_columns"]["unsure"]
    shown = file_reading.how_it_was_read(source)[0].loc["dated by"].iloc[0]
    assert shown.startswith("'column 3' (not 'column 1'; decided by never_before_the_other)"
                            " — UNSURE: the file has no header")
    # the column the date rule made the booking date says so in the reading's columns
    assert source["reading"]["columns"]["column 3"]["role"] == "Date"
