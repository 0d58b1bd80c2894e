"""What a CSV export's own words and marks say: its header's language and its decimal marks
hint the day order (the reader's hints); the mark between the fields, declared or not,
cuts its rows."""

from __future__ import annotations

import pytest

from titans_finance.core.readers import parse_mappings, read_export
from titans_finance.core.readers.csv_reader import read_csv_export

ROWS = "2024-01-02\tShop\t-12.40\n2024-01-03\tPay\t2100.00\n"


@pytest.mark.parametrize("header, day_first", [
    ("Datum\tOmschrijving\tBedrag", True),   # every word Dutch: a European bank
    ("Date\tOmschrijving\tBedrag", False),   # one English word: the header is English
    ("Datum\tDescription\tBedrag", False),
    ("Date\tDescription\tAmount", False),
])
def test_a_header_without_an_english_word_hints_the_day_comes_first(header, day_first):
    # a tab file with points in its amounts and no currency: only the words can tell
    export = read_csv_export(f"{header}\n{ROWS}", "x.csv")
    assert export.info["delimiter"] == "\t" and export.info["hints"]["day_first_hint"] is day_first


@pytest.mark.parametrize("delimiter, day_first", [(";", True), ("\t", False), (",", False),
                                                  ("|", False)])
def test_only_the_semicolon_among_the_marks_hints_the_day_comes_first(delimiter, day_first):
    text = delimiter.join(["Date", "Description", "Amount"]) + "\n" + ROWS.replace(
        "\t", delimiter)
    export = read_csv_export(text, "x.csv")
    assert export.info["delimiter"] == delimiter
    assert export.info["hints"]["day_first_hint"] is day_first


@pytest.mark.parametrize("mark, day_first", [(",", True), (".", False)])
def test_a_decimal_comma_written_only_in_the_balance_hints_the_day_comes_first(mark, day_first):
    # whole amounts say nothing of the decimal mark; the balance with cents says it
    text = ("Date\tDescription\tAmount\tBalance\n"
            f"2024-01-02\tShop\t-12\t988{mark}50\n2024-01-03\tPay\t2100\t3088{mark}50\n"
            f"2024-01-05\tBus\t-2\t3086{mark}50\n")
    export = read_csv_export(text, "x.csv")
    assert export.info["columns"]["Balance"] == ["Balance"]
    assert export.info["hints"]["day_first_hint"] is day_first


@pytest.mark.parametrize("header", ["", "Booked,Amount,Text; Date; Sum; Note\n"])
def test_a_declared_comma_stands_where_texts_cut_at_semicolons_read_as_a_table_too(header):
    # SEPA remittance texts written with "; date; amount; note": cut at the semicolons the
    # values show a table with a date and an amount as well, and undeclared the semicolon
    # (rarer in free text) wins; the declared comma decides, headerless or after a header
    rows = ("2024-01-02,-12.40,Refund; 2024-01-03; 5.00; card 1234\n"
            "2024-01-04,-3.10,Shop; 2024-01-04; 3.10; card 1234\n"
            "2024-01-05,100.00,Salary; 2024-01-05; 100.00; employer\n")
    mapping = parse_mappings({"mappings": [{"match": "x.csv", "delimiter": ","}]}, "t")[0]
    export = read_export((header + rows).encode(), "x.csv", mapping)
    assert export.info["delimiter"] == ","
    assert export.frame["Amount"].tolist() == ["-12.40", "-3.10", "100.00"]
