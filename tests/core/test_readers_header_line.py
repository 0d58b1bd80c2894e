"""The header line of a table located by its values (core/readers/header_line.py): one lone
line of text between a header and its rows (a card holder's name, a title) is skipped and
the header above it kept; never two lines, never a line of two fields or a number."""

from __future__ import annotations

import pytest

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


# -- the header's width as written: a delimiter after its last name adds no column, and rows
# may leave their last empty fields unwritten (a Nordea export: 13 names and a tab, rows of
# 11 to 14 fields)

NORDEA_HEADER = "\t".join(["Bokningsdag", "Valutadag", "Betalningsdag", "Belopp", "Mottagare",
                           "Kontonummer", "BIC", "Kontotransaktion", "Referens",
                           "Betalarens referens", "Meddelande", "Kortets nummer", "Kvitto"])


def _row(fields: int) -> str:
    return "15.04.2019\t15.04.2019\t-2,00\tVFI*KIE" + "\t" * (fields - 4)


@pytest.mark.parametrize("widths, header", [
    ((11, 12, 12), 2),  # the widest first rows, not the first, meet the names written
    ((12, 12, 12), 2),  # boundary: one name more than the rows is tolerated
    ((11, 11, 11), None)])  # two names more: a preamble line, no header
def test_a_header_as_wide_as_the_widest_first_rows_as_written(widths, header):
    # 13 names and a trailing tab (14 fields, 13 written) over rows that leave their last
    # empty fields unwritten
    lines = ["Kontonummer\tFI1234567890123456", "", NORDEA_HEADER + "\t", "",
             *[_row(w) for w in widths]]
    assert locate_table(lines).header == header
