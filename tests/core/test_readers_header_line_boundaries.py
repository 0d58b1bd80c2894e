"""The header line's rules one by one (core/readers/header_line.py), on records and their
kinds as `csv_rows.locate_table` passes them: each threshold on its value and on each side
(test_readers_header_line.py reads the same rules through whole tables)."""

from __future__ import annotations

import pytest

from titans_finance.core.readers.csv_rows import _kind
from titans_finance.core.readers.header_line import _written_width, header_before, lone_text

ROWS = [["01.02.2024", "Shop", "12,50"], ["02.02.2024", "Bus", "3,00"]]


def _records(*lines: list[str], first: int = 10) -> tuple[list, list]:
    """Records numbered from ``first`` (line numbers are not indexes) and their kinds."""
    records = [(first + n, fields) for n, fields in enumerate(lines)]
    return records, [[_kind(f) for f in fields] for _, fields in records]


def _header(*lines: list[str], width: int | None = None) -> int | None:
    """The header line found for rows starting just after ``lines`` (the rows `ROWS`)."""
    records, kinds = _records(*lines, *ROWS)
    return header_before(records, kinds, len(lines), width or len(ROWS[0]))


@pytest.mark.parametrize("fields, width", [
    ([], 0), ([""], 0), (["", " ", "\t"], 0),   # nothing written
    (["a"], 1), (["a", "b", "", " "], 2),       # trailing empty fields not counted
    (["a", "", "c"], 3), (["", "b"], 2),        # an empty field before a written one counts
])
def test_the_written_width_stops_at_the_last_written_field(fields, width):
    assert _written_width(fields) == width


@pytest.mark.parametrize("fields, kinds, lone", [
    (["Holder E. D. M.", "", ""], ["text", "empty", "empty"], True),
    (["", " Title ", ""], ["empty", "text", "empty"], True),
    (["Card", "Holder", ""], ["text", "text", "empty"], False),   # two written fields
    (["", "", ""], ["empty", "empty", "empty"], False),             # none written
    (["1234.50", "", ""], ["number", "empty", "empty"], False),      # a number
    (["01.02.2024", ""], ["date", "empty"], False),                  # a date
])
def test_a_lone_line_is_one_written_field_of_words(fields, kinds, lone):
    assert lone_text(fields, kinds) is lone


def test_a_line_of_words_just_above_the_rows_is_their_header_by_its_line_number():
    assert _header(["Date", "Text", "Amount"]) == 10
    assert _header(["Konto", "", ""], ["Date", "Text", "Amount"]) == 11


def test_the_first_record_has_no_header_above_it_even_when_the_last_record_is_words():
    # (the record "before" the first is not the last one)
    records, kinds = _records(*ROWS, ["Date", "Text", "Amount"])
    assert header_before(records, kinds, 0, 3) is None


@pytest.mark.parametrize("above, header", [
    ([["Date", "Text", "Amount"], ["Holder E. D. M.", "", ""]], 10),  # one lone line: skipped
    ([["Date", "Text", "Amount"], ["Holder", "", ""], ["E. D. M.", "", ""]], None),  # never two
])
def test_one_lone_line_between_header_and_rows_is_skipped_never_two(above, header):
    assert _header(*above) == header


def test_a_lone_line_just_above_the_rows_at_the_top_is_no_header():
    # (i == 1: nothing above the lone line to skip to; the lone line itself is too narrow)
    assert _header(["Holder E. D. M.", "", ""]) is None


def test_the_header_can_be_the_first_record_two_above_the_rows():
    # i == 2 with the lone line skipped: the header is record 0
    records, kinds = _records(["Date", "Text", "Amount"], ["Holder", "", ""], *ROWS, first=0)
    assert header_before(records, kinds, 2, 3) == 0


def test_a_lone_line_not_of_words_is_not_skipped():
    assert _header(["Date", "Text", "Amount"], ["1234.50", "", ""]) is None
    assert _header(["Date", "Text", "Amount"], ["31.12.2023", "", ""]) is None


@pytest.mark.parametrize("line", [
    # (of more letters than digits: each field would be words)
    ["Date", "Text", "1 January 24"],   # a date
    ["Date", "Text", "EUR 5"],          # a number
])
def test_a_line_holding_a_date_or_a_number_is_no_header(line):
    assert _header(line) is None
    assert _header(line, ["Holder", "", ""]) is None   # nor under a lone line


@pytest.mark.parametrize("fields, header", [
    (["Date", "Text"], 10),                                   # width - 1
    (["Date", "Text", "Amount"], 10),                         # the width
    (["Date", "Text", "Amount", "Note"], 10),                 # width + 1
    (["Date", "Text", "Amount", "Note", "More"], None),       # width + 2
])
def test_a_header_is_the_tables_width_give_or_take_one_field(fields, header):
    assert _header(fields) == header
    # and under the skipped lone line alike
    assert _header(fields, ["Holder", "", ""]) == header


def test_a_line_one_field_narrower_than_width_minus_one_is_no_header():
    records, kinds = _records(["Date", "Text"], *ROWS)
    assert header_before(records, kinds, 1, 4) is None   # width - 2
    assert header_before(records, kinds, 1, 3) == 10     # width - 1


@pytest.mark.parametrize("fields, header", [
    (["Date", "Text", ""], 10),          # two written fields: a header
    (["Date", "", ""], None),            # one: no header
    (["", "Date", ""], None),
    (["Date", "", "Amount"], 10),
])
def test_a_header_writes_at_least_two_fields(fields, header):
    assert _header(fields) == header


def test_two_written_fields_make_a_header_of_a_two_column_table():
    records, kinds = _records(["Date", "Amount"], ["01.02.2024", "12,50"], ["02.02.2024", "3,00"])
    assert header_before(records, kinds, 1, 2) == 10


@pytest.mark.parametrize("field, header", [
    ("A1b2c", 10),     # one letter more than digits: words
    ("A1b2", None),    # as many: not words
    ("A1b2c3", None),
    ("Äöü_1", 10),     # letters of any script; an underscore is no letter
    ("__12", None),
])
def test_each_written_field_of_a_header_has_more_letters_than_digits(field, header):
    assert _header(["Date", field, "Amount"]) == header


def test_an_account_line_is_a_preamble_not_a_header():
    assert _header(["Account", "LT12 1000 0111 0100 1000", ""]) is None
