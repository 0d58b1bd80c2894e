"""Why a CSV's table was not found: a date column whose dates are written without a year and
no period above the table to give one (core/readers/table_diagnosis.py)."""

from __future__ import annotations

import pytest

from titans_finance.core.readers.table_diagnosis import (
    SAMPLE_ROWS,
    SEARCH_LINES,
    _dates_below,
    _fields,
    written_without_year,
    yearless_dates,
    yearless_message,
)

HEADER = "Datum;Omschrijving;Bedrag;Saldo"


def _table(*dates: str, header: str = HEADER) -> list[str]:
    return [header] + [f"{d};Shop;-5,00;100,00" for d in dates]


@pytest.mark.parametrize("value, yearless", [
    ("31.12", True), ("32.12", False),          # a day is at most 31, on either number
    ("12.31", True), ("12.32", False),
    ("1 Mrt", True), ("31 Mrt", True), ("32 Mrt", False),
    ("1.2.3", False), ("Mo 1.4.24", False),     # three numbers: one of them a year
    ("12", False), ("Dec", False), ("", False),  # a day alone, a month alone, nothing
    ("Dec 5", True), ("5日", True),
])
def test_a_day_and_a_month_are_two_numbers_to_31_or_one_beside_a_word(value, yearless):
    assert written_without_year(value) is yearless


def test_fields_are_read_as_csv_with_quotes_and_spaces_after_the_delimiter():
    assert _fields('"Datum", "Bedrag; EUR",x', ",") == ["Datum", "Bedrag; EUR", "x"]
    assert _fields("", ",") == []
    # a field over the csv module's limit (131,072 characters) is no header line, no crash
    assert _fields("a," + "x" * 200_000 + '"', ",") == []


def test_the_dates_below_are_the_column_s_written_values_of_the_next_lines():
    lines = ["h", "1 Mrt;a", "", "  ", "2 Mrt", ";b", " 3 Mrt ;c"]
    # a blank line is skipped, a short row has no value, an empty value is no date
    assert _dates_below(lines, 0, ";", 0) == ["1 Mrt", "2 Mrt", "3 Mrt"]
    assert _dates_below(lines, 0, ";", 1) == ["a", "b", "c"]
    assert _dates_below(lines, 1, ";", 0) == ["2 Mrt", "3 Mrt"]  # only below the line


def test_the_dates_below_are_those_of_the_sample_s_lines_blank_lines_included():
    lines = ["h"] + [f"{d} Mrt" for d in range(1, SAMPLE_ROWS + 2)]
    assert _dates_below(lines, 0, ";", 0) == [f"{d} Mrt" for d in range(1, SAMPLE_ROWS + 1)]
    spaced = ["h", ""] + lines[1:]  # the blank line takes one of the sample's lines
    assert _dates_below(spaced, 0, ";", 0) == [f"{d} Mrt" for d in range(1, SAMPLE_ROWS)]


def test_a_year_less_table_is_found_with_its_line_column_examples_and_named_columns():
    lines = ["Rekening;123", "", *_table("01 Mrt", "01 Mrt", "25 Mrt", "28 Mrt", "30 Mrt")]
    assert yearless_dates(lines, (",", ";")) == {
        "line": 3, "column": "Datum", "examples": ["01 Mrt", "25 Mrt", "28 Mrt"],
        "named": {"description": "Omschrijving", "amount": "Bedrag", "balance": "Saldo"},
        "delimiter": ";"}


def test_the_first_column_of_each_named_role_is_named_by_its_first_key():
    header = "Valutadatum;Datum;Betrag;Umsatz;Payee;Reference"
    found = yearless_dates([header, "01 Mrt;02 Mrt;1;2;p;r"], (";",))
    # the first date column is the value date; a payee is named by `reference`, the first key
    assert found["column"] == "Valutadatum"
    assert found["named"] == {"value_date": "Valutadatum", "amount": "Betrag",
                              "reference": "Payee"}


def test_a_value_date_column_is_a_date_column_too():
    found = yearless_dates(["Value Date;Amount", "30.4.;5"], (";",))
    assert found["column"] == "Value Date"
    assert found["named"] == {"value_date": "Value Date", "amount": "Amount"}


@pytest.mark.parametrize("dates", [
    ("01 Mrt", "02.03.2024"),  # one date with its year: no year-less table
    ("01 Mrt", "Dec"),         # a month alone: not every value a day and a month
    (),                        # no line below the header
])
def test_a_date_column_is_year_less_only_when_every_value_below_is(dates):
    assert yearless_dates(_table(*dates), (";",)) is None


def test_a_line_naming_no_date_column_is_passed_over_for_the_next():
    lines = ["Omschrijving;Bedrag", *_table("01 Mrt")]
    assert yearless_dates(lines, (";",))["line"] == 2
    assert yearless_dates(["Omschrijving;Bedrag", "01 Mrt;5"], (";",)) is None


def test_the_header_is_looked_for_in_the_first_lines_only():
    rows = [f"x{n}" for n in range(SEARCH_LINES - 1)]
    assert yearless_dates(rows + _table("01 Mrt"), (";",))["line"] == SEARCH_LINES
    assert yearless_dates(["x"] + rows + _table("01 Mrt"), (";",)) is None


def test_the_delimiter_is_the_one_whose_fields_name_the_date_column():
    # split at ",", the first field names no role; split at ";", the first is the date
    lines = ["Datum;Omschrijving,Bedrag", "01 Mrt;Shop,5"]
    assert yearless_dates(lines, (",", ";"))["delimiter"] == ";"
    assert yearless_dates(lines, (",",)) is None


def test_a_delimiter_with_nothing_below_its_date_column_leaves_the_next_one_to_try():
    # split at "|", the second field names a date column the lines below never reach
    lines = ["Datum;Info|Datum", "01 Mrt;x", "02 Mrt;y"]
    found = yearless_dates(lines, ("|", ";"))
    assert found["delimiter"] == ";" and found["column"] == "Datum"


def test_a_line_without_the_delimiter_is_no_header_line():
    assert yearless_dates(["Datum", "01 Mrt", "02 Mrt"], (";",)) is None


def test_a_date_column_whose_values_read_as_dates_is_no_year_less_table():
    # "1/2" and "3/4" are day and month only, but a value with its year reads as a date
    assert yearless_dates(_table("1/2", "3/4", "5/6/2024"), (";",)) is None
    assert yearless_dates(_table("1/2", "3/4"), (";",))["examples"] == ["1/2", "3/4"]


_FOUND = {"line": 4, "column": "Datum", "examples": ["01 Mrt", "25 Mrt"], "delimiter": ";",
          "named": {"amount": "Bedrag", "balance": "Saldo"}}


def test_the_refusal_names_the_line_the_dates_and_the_mapping_that_settles_them():
    assert yearless_message("in/statement.csv", _FOUND, None) == (
        "statement.csv: line 4 names the date column 'Datum', but its dates ('01 Mrt', "
        "'25 Mrt') are written without a year and no statement period is written above the "
        "table to give them one. Declare it in conf/base/export_mappings.yml (or "
        "conf/local/), e.g.:\n"
        "mappings:\n"
        '  - match: "statement.csv"\n'
        '    period: ["YYYY-MM-DD", "YYYY-MM-DD"]  # the statement\'s first and last day: '
        "each date takes the year that puts it in this period\n"
        "    columns:\n"
        '      date: "Datum"\n'
        '      amount: "Bedrag"\n'
        '      balance: "Saldo"\n')


def test_with_a_period_above_the_table_the_refusal_asks_only_for_the_columns():
    assert yearless_message("s.csv", _FOUND, ("2016-02-28", "2016-03-28")) == (
        "s.csv: line 4 names the date column 'Datum', but its dates ('01 Mrt', '25 Mrt') are "
        "written without a year and the period written above the table (2016-02-28 to "
        "2016-03-28) gives them one. Declare it in conf/base/export_mappings.yml (or "
        "conf/local/), e.g.:\n"
        "mappings:\n"
        '  - match: "s.csv"\n'
        "    columns:\n"
        '      date: "Datum"\n'
        '      amount: "Bedrag"\n'
        '      balance: "Saldo"\n')


@pytest.mark.parametrize("money, asked", [
    ({}, True), ({"balance": "Saldo"}, True), ({"money_in": "Haben"}, False),
    ({"money_out": "Soll"}, False), ({"amount": "Bedrag"}, False)])
def test_without_a_column_of_money_named_the_refusal_asks_for_it(money, asked):
    message = yearless_message("s.csv", {**_FOUND, "named": money}, None)
    assert ("; no header word of that line names the amount column. Declare" in message) is asked
    assert message.endswith(
        '      amount: "<the column of the amounts>"  # or money_in: / money_out:\n') is asked
    assert ("without a year and no statement period is written above the table to give them "
            "one. Declare" in message) is not asked
