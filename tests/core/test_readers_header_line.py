"""The header line of a table located by its values (core/readers/header_line.py): one lone
line of text between a header and its rows (a card holder's name, a title) is skipped and
the header above it kept; never two lines, never a line of two fields or a number."""

from __future__ import annotations

from titans_finance.core.readers.csv_rows import locate_table


# ------------------------------------- a lone line of text between a header and its rows

CARD_HEADER = "Data di transazione,Descrizione,Importo,Addebito CHF,Accredito CHF,Data di registrazione"
CARD_ROWS = ["21.08.2019,Mensa,,14.80,,22.08.2019", "20.08.2019,Piazza,,12.50,,21.08.2019"]


def test_a_card_holders_line_between_the_header_and_the_rows_keeps_the_header():
    lines = ["Esportato in data 29.08.2019", CARD_HEADER, "3776 6050 - Bonviva - E. D. M. ,,,",
             *CARD_ROWS]
    assert locate_table(lines) == (1, 3, ",")


def test_a_header_just_above_the_rows_is_found_as_before():
    assert locate_table(["Esportato in data 29.08.2019", CARD_HEADER, *CARD_ROWS]) == (1, 2, ",")


def test_two_lines_of_text_between_leave_the_table_without_a_header():
    # boundary: one line is skipped, never two (the header is then a preamble away)
    lines = [CARD_HEADER, "Card 3776 ,,,", "Holder E. D. M. ,,,", *CARD_ROWS]
    assert locate_table(lines) == (None, 3, ",")


def test_a_line_of_two_fields_between_is_no_lone_line():
    # boundary: two written fields are no lone line, so nothing is skipped (and the line,
    # too narrow for the table, is no header either)
    lines = [CARD_HEADER, "Card 3776,E. D. M.,,", *CARD_ROWS]
    assert locate_table(lines) == (None, 2, ",")


def test_a_lone_number_is_no_title_and_is_not_skipped():
    # (a lone field of words, "Saldo 1234.50", is text and is skipped like a title)
    lines = [CARD_HEADER, "1234.50,,,", *CARD_ROWS]
    assert locate_table(lines) == (None, 2, ",")
