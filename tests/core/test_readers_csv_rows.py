"""CSV rows read by their values (core/readers/csv_rows.py): kinds of values, where the
table starts, ragged rows, and totals under a statement."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from titans_finance.core.readers.base import PARSE_ERROR_COLUMN
from titans_finance.core.readers.csv_rows import (
    locate_table,
    parse_rows,
    repeated_totals,
    trailing_summary_rows,
    value_kinds,
)


@pytest.mark.parametrize("value, kind", [
    ("2024-01-02", "date"), ("02.01.2024", "date"), ("1/2/24", "date"), ("20240102", "date"),
    ("12 Mar 2024", "date"), ("Mar 12, 2024", "date"), ("2017-04-01+02:00", "date"),
    ("2024-01-02 14:05:00", "date"), ("20241399", "number"),  # no month 13: a number
    ("-12,50", "number"), ("1 234,56", "number"), ("(12.00)", "number"), ("12.00 DR", "number"),
    ("$-5.00", "number"), ("USD -5", "number"), ("1.234.567,89", "number"),
    ("4111 1111 1111", "text"),  # digits apart by spaces in fours: a card number
    ("LT12 1000 0111", "text"), ("EUR", "text"), ("5%", "text"),
    ("2024-01-01 - 2024-01-31", "text"),
    ("", "empty"), ("   ", "empty"),
])
def test_value_kinds(value, kind):
    assert value_kinds(pd.Series([value])).tolist() == [kind]


PREAMBLE = ["Statement of account", "Account holder;Jonas", "IBAN;LT12 1000 0111 0100 1000",
            "Period;2024-01-01 - 2024-01-31", "Opening balance;2024-01-01;500,00", "",
            "Data;Gavėjas;Suma", "2024-01-02;Maxima;-1,00", "2024-01-03;Lidl;-2,00",
            "2024-01-04;Telia;-3,00"]


def test_the_table_starts_at_the_first_run_of_dated_rows_after_any_preamble():
    # the opening-balance line holds a date and a number too, but starts no run of rows
    assert locate_table(PREAMBLE) == (6, 7, ";")
    assert locate_table(PREAMBLE[7:]) == (None, 0, ";")  # no header line
    assert locate_table(["just text", "more text"]) is None


def test_a_table_shorter_than_the_run_is_still_found():
    assert locate_table(["Date,Text,Amount", "2024-01-02,A,-1"]) == (0, 1, ",")
    # a header row holding a date (a title with the period) is no header
    assert locate_table(["2024-01-31,Statement,of January", "2024-01-02,A,-1"]) == (None, 1, ",")


def _rows(text, names=None):
    frame, counts = parse_rows(text, ",", names)
    return frame, counts


def test_regular_files_are_read_as_written():
    frame, counts = _rows("Date,Text,Amount\n2024-01-02, spaced ,-1\n")
    assert frame["Text"].tolist() == [" spaced "] and counts == {}


def test_a_space_before_a_quote_after_the_delimiter_still_opens_a_quoted_field():
    frame, _ = _rows('Date, Text, Amount\n2024-01-02, "A\nB, C", -1\n')
    assert frame["Text"].tolist() == ["A\nB, C"] and frame["Amount"].tolist() == ["-1"]


def test_most_rows_longer_than_the_header_get_unnamed_columns():
    frame, counts = _rows("Date,Text,Amount\n2024-01-02,A,-1,10\n2024-01-03,B,-2,8\n"
                          "2024-01-04,C,-3\n")
    assert list(frame.columns[:4]) == ["Date", "Text", "Amount", "Column 4"]
    assert frame["Column 4"].tolist() == ["10", "8", ""]
    assert counts == {"columns_without_header": 1}
    assert (frame[PARSE_ERROR_COLUMN] == "").all()


def test_half_the_rows_longer_is_not_most():
    frame, counts = _rows("Date,Text,Amount\n2024-01-02,A,-1,x\n2024-01-03,B,-2\n")
    assert "columns_without_header" not in counts


def test_an_unquoted_delimiter_in_a_text_is_joined_back_when_only_that_reading_fits():
    frame, counts = _rows("Date,Text,Amount,Balance\n2024-01-02,ACME, INC,-1,9\n"
                          "2024-01-03,B,-2,7\n2024-01-04,C,-3,4\n")
    assert frame.loc[0, "Text"] == "ACME, INC" and frame.loc[0, "Amount"] == "-1"
    assert counts == {"rows_with_extra_fields": 1, "rows_aligned": 1}


def test_two_readings_that_disagree_on_an_amount_are_malformed():
    frame, _ = _rows("Date,Text,Amount,Balance\n2024-01-02,GIFT,50,-50,9\n"
                     "2024-01-03,B,-2,7\n2024-01-04,C,-3,4\n")
    assert frame.loc[0, PARSE_ERROR_COLUMN].startswith("malformed_line: 5 fields, 4 columns")


# a reference column of numbers, one in four written with letters (OP's Arkistointitunnus),
# after a message column (OP's Viesti)
_REFERENCED = ("Date,Text,Amount,Note,Ref\n2024-01-02,A,-1,Viesti: x,991\n"
               "2024-01-03,B,-2,Viesti: y,20140709/1 XX12\n2024-01-04,C,-3,,778\n"
               "2024-01-05,D,-4,Viesti: z,123\n")


def test_an_extra_field_after_a_column_holding_text_keeps_the_row_and_its_fields():
    # its value may be a field of its own, or the reference may end the message and the
    # extra field be the reference: the readings differ only in text, never in a date or
    # an amount, so the row is read (the first reading: the fields as written) and kept
    frame, counts = _rows(_REFERENCED + "2024-01-06,E,-5,Viesti: w,20140728/1 123,4444 9999\n")
    assert frame.loc[4, PARSE_ERROR_COLUMN] == ""
    assert frame.loc[4, ["Date", "Amount"]].tolist() == ["2024-01-06", "-5"]
    assert frame.loc[4, ["Ref", "Column 6"]].tolist() == ["20140728/1 123", "4444 9999"]
    assert counts["rows_with_extra_fields"] == 1


def test_an_empty_extra_field_is_no_field():
    frame, counts = _rows(_REFERENCED + "2024-01-06,E,-5,Viesti: w,123,\n")
    assert frame.loc[4, PARSE_ERROR_COLUMN] == "" and "Column 6" not in frame.columns
    assert "rows_with_extra_fields" not in counts


def test_an_extra_field_that_shifts_the_amount_is_joined_back_beside_a_text_column():
    frame, _ = _rows(_REFERENCED + "2024-01-06,ACME, INC,-5,Viesti: w,123\n")
    assert frame.loc[4, ["Text", "Amount", "Ref"]].tolist() == ["ACME, INC", "-5", "123"]
    assert frame.loc[4, PARSE_ERROR_COLUMN] == ""


def test_readings_that_disagree_on_an_amount_beside_a_text_column_are_still_malformed():
    # the amount is 50 (the note "-50", one more field) or -50 (a text "GIFT,50")
    frame, _ = _rows(_REFERENCED + "2024-01-06,GIFT,50,-50,Viesti: w,R1\n")
    assert frame.loc[4, PARSE_ERROR_COLUMN].startswith("malformed_line: 6 fields, 5 columns")


def test_a_delimiter_after_every_row_is_no_extra_field_but_one_more_is():
    frame, counts = _rows("Date,Text,Amount\n2024-01-02,A,-1,\n2024-01-03,B,-2,\n"
                          "2024-01-04,C,7,-7,\n")
    assert frame[PARSE_ERROR_COLUMN].tolist()[:2] == ["", ""]
    assert frame.loc[2, PARSE_ERROR_COLUMN].startswith("malformed_line")


def test_rows_under_the_table_without_a_date_but_with_a_number_are_summaries():
    frame = pd.DataFrame({"Date": ["2024-01-02", "", "2024-01-03", "", "", ""],
                          "Text": ["A", "mid", "B", "Total", "note only", ""],
                          "Amount": ["-1", "5", "-2", "-3", "", "4"]})
    found = trailing_summary_rows(frame, "Date")
    # a dateless row in the middle is not under the table; a row without a number is not
    # a total (it is quarantined for what it lacks)
    assert found.tolist() == [False, False, False, True, False, True]


def _amounts(*values):
    return pd.Series(values, dtype="float64")


@pytest.mark.parametrize("values, expected", [
    ((-5, -3, -2, 10, -7, -1, -18), [False] * 6 + [True]),    # money out of six rows
    ((-5, -3, -2, 10, -7, -1, 10), [False] * 6 + [True]),     # money in
    ((-5, -3, -2, 10, -7, -1, -8), [False] * 6 + [True]),     # net
    ((-5, -3, -2, 10, -7, -1, -17.99), [False] * 7),          # a cent off: a transaction
    ((-5, -3, -2, -10), [False] * 4),                         # a sum of three rows: too few
    ((-5, -3, -2, 10, -7, -1, 18, 10), [False] * 6 + [True, True]),  # out and in turnovers
    # an opening line with a date reads as a first deposit; the closing line repeats the net
    ((500, -5, -3, -2, 10, -7, -1, 492), [False] * 7 + [True]),
])
def test_dated_rows_at_the_end_repeating_a_total(values, expected):
    assert repeated_totals(_amounts(*values)).tolist() == expected


@pytest.mark.parametrize("last, expected", [
    (-2750.00, False),  # a minus on the net above zero: the transfer that empties the account
    (2750.00, True),    # the same net written as it is: the closing line
    (-2749.99, False), (-2750.01, False),  # a cent either side: a transaction either way
    (2749.99, False), (2750.01, False),
])
def test_a_minus_repeats_no_total_above_zero(last, expected):
    # in, out, in, out, in (ASB-like transfers): the net of the five is +2750
    rows = _amounts(1300, -1300, 4400, -4400, 2750, last)
    assert repeated_totals(rows).tolist() == [False] * 5 + [expected]


@pytest.mark.parametrize("last, expected", [
    (-18, True), (18, True),     # the money out, with its minus or unsigned
    (-10, False), (10, True),    # the money in: unsigned only
    (-28, False), (28, True),    # the turnover (absolute amounts): unsigned only
    (-8, True), (8, True),       # a net below zero: either way
])
def test_a_total_written_with_a_minus_repeats_only_money_out(last, expected):
    rows = _amounts(-5, -3, -2, 10, -7, -1, last)
    assert repeated_totals(rows).tolist() == [False] * 6 + [expected]


def test_a_closing_balance_line_and_a_last_withdrawal_of_everything():
    balances = _amounts(100, 90, 70, 65, np.nan)
    assert repeated_totals(_amounts(100, -10, -20, -5, 65), balances).tolist() == [
        False, False, False, False, True]
    # taking the whole balance out carries the running balance on: a transaction
    balances = _amounts(100, 90, 70, 65, 0)
    assert not repeated_totals(_amounts(100, -10, -20, -5, -65), balances).any()


def test_a_word_header_with_data_soon_after_it_wins_over_a_total_line_that_looks_like_one():
    from titans_finance.core.readers import read_export

    text = ("Date,Description,Amount\n2024-03-05,COFFEE,\n2024-03-06,RENT,1.00\n"
            ",Total,999.99\n2024-03-07,TEA,2.00\n")
    export = read_export(text.encode(), "x.csv")
    assert export.info["header_line"] == 1 and len(export.frame) == 4
    # a line holding a number is no header, even just before the last rows
    assert locate_table(text.splitlines()[3:]) == (None, 1, ",")


# -- a row with more fields among the first rows: the rows before it are the table's too

WIDER_FIRST = ("02.01.2024;BILLA 1;-12,40;EUR;note;more\n03.01.2024;GEHALT;2.100,00;EUR\n"
               "05.01.2024;WIENER LINIEN;-2,40;EUR\n06.01.2024;SPAR;-3,40;EUR\n")
WIDER_THIRD = ("Datum;Text;Betrag;Whg\n02.01.2024;BILLA 1;-12,40;EUR\n03.01.2024;GEHALT;2.100,00;EUR\n"
               "05.01.2024;WIENER LINIEN;-2,40;EUR;note;more\n06.01.2024;SPAR;-3,40;EUR\n")


@pytest.mark.parametrize("text, header_line", [(WIDER_FIRST, None), (WIDER_THIRD, 1)])
def test_a_wider_row_among_the_first_rows_loses_no_row(text, header_line):
    from titans_finance.core.readers import read_export
    export = read_export(text.encode(), "x.csv")
    assert export.frame["Amount"].tolist() == ["-12,40", "2.100,00", "-2,40", "-3,40"]
    assert export.info["header_line"] == header_line and export.info["preamble_lines"] == 0


def test_a_dated_line_apart_from_the_table_by_a_blank_line_stays_preamble():
    # the rows run line after line; a blank line between ends the table's reach
    from titans_finance.core.readers.csv_rows import locate_table
    lines = ["31.12.2023;Saldo;1.000,00;EUR;x;y", "", "02.01.2024;A;-1,00;EUR",
             "03.01.2024;B;-2,00;EUR", "04.01.2024;C;-3,00;EUR"]
    assert locate_table(lines, ";").first_row == 2
    lines[1] = "01.01.2024;Z;-9,00;EUR;note;more"  # no blank line: a row of the table
    assert locate_table(lines, ";").first_row == 0


def test_a_first_row_of_just_a_date_and_a_number_is_a_row_of_the_table():
    # two fields (the fewest a transaction row has) before rows of four: it starts the table
    rows = ["2024-01-02,5.00", "2024-01-03,Shop,-1.00,R1", "2024-01-04,Bus,-2.00,R2",
            "2024-01-05,Cafe,-3.00,R3"]
    assert locate_table(rows) == (None, 0, ",")
    # a line between them: not a row run on from the table, so the table starts after it
    assert locate_table([rows[0], "", *rows[1:]]) == (None, 2, ",")


def test_a_wider_first_row_whose_text_runs_over_two_lines_still_runs_on_to_the_table():
    # its record takes two lines (a quoted text with a line break): the next row follows it
    rows = ['2024-01-02,"Standing order', 'Rent",-500.00,x,y', "2024-01-03,Shop,-1.00",
            "2024-01-04,Bus,-2.00", "2024-01-05,Cafe,-3.00"]
    assert locate_table(rows) == (None, 0, ",")


CONTINUED = ["IBAN;Booked At;Text;Amount;Balance", "CH93;2026-07-02;Supplier;-1145.00;2078.76",
             ";;Muster AG, 8000 Zurich;;", "CH93;2026-07-03;Customer;10.00;2088.76",
             "CH93;2026-07-05;ATM;-40.70;2048.06"]


def test_a_line_continuing_the_text_of_the_first_row_breaks_no_run():
    # text only, as wide, on the next line: the run of dated rows goes on past it
    assert locate_table(CONTINUED, ";") == (0, 1, ";")
    from titans_finance.core.readers import read_export
    export = read_export("\n".join(CONTINUED).encode(), "x.csv")
    assert export.frame["Amount"].tolist() == ["-1145.00", "10.00", "-40.70"]
    assert export.frame["Description"].iloc[0] == "Supplier Muster AG, 8000 Zurich"


@pytest.mark.parametrize("line, first_row", [
    (";;Muster AG;-1145.00;", 3),        # a number: a total, not a text run on
    (";;Muster AG;;;;", 3),              # two fields wider than the row above
    (";;Muster AG;;;", 1),               # one wider: a trailing delimiter, still run on
])
def test_a_line_under_the_first_row_breaks_the_run_unless_it_only_continues_its_text(
        line, first_row):
    assert locate_table([*CONTINUED[:2], line, *CONTINUED[3:]], ";").first_row == first_row


@pytest.mark.parametrize("last, expected", [
    (2389.28, False),   # the reinvestment's dividend: it undoes the one line the net comes from
    (-2389.28, True),   # the net as it is: a total (no line above is its opposite)
    (2389.27, False), (2389.29, False),  # a cent either side repeats nothing: a transaction
])
def test_a_line_undoing_the_one_line_the_net_comes_from_is_no_total(last, expected):
    # Fidelity: an exchange's three buys and three sells cancel, the reinvestment is the net
    rows = _amounts(-86000, -85729, -71900, 71900, 85729, 86000, -2389.28, last)
    assert repeated_totals(rows).tolist() == [False] * 7 + [expected]


def test_a_net_the_other_lines_make_too_is_still_a_total():
    # no single line is the net's opposite when the others leave a cent: the unsigned total
    rows = _amounts(-86000, -85729, -71900, 71900, 85729, 86000.01, -2389.29, 2389.28)
    assert repeated_totals(rows).tolist() == [False] * 7 + [True]

