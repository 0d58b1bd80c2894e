"""QIF dates as Quicken writes them (core/readers/qif.py): an apostrophe before the year marks
a year of this century, written in one or two digits and space-padded."""

from __future__ import annotations

import pytest

from titans_finance.core.readers.qif import _qif_date, read_qif_export


@pytest.mark.parametrize("written, read", [
    ("5/15' 0", "5/15/2000"),   # the lowest apostrophe year: 2000, not a day or 1900
    ("5/15'0", "5/15/2000"),
    ("5/ 9' 5", "5/9/2005"),    # padded day and one-digit year
    ("1/ 2'24", "1/2/2024"),
    ("12/31'99", "12/31/2099"),  # the highest two-digit apostrophe year
    ("1/2'2024", "1/2/2024"),    # four digits after an apostrophe: as written
    ("1/2/99", "1/2/99"),        # a slash year is left to the date rules (1999)
    ("01/03/2024", "01/03/2024"),
])
def test_an_apostrophe_year_is_this_century_whatever_its_padding(written, read):
    assert _qif_date(written) == read


def test_records_dated_with_apostrophe_years_are_all_read():
    text = ("!Type:Bank\nD5/15' 0\nT-101.00\nPATM\n^\nD5/ 9' 5\nT-20.00\nPCheck\n^\n"
            "D4/15'20\nT2,964.91\nPSalary\n^\n")
    frame = read_qif_export(text, "bank.qif").frame
    assert frame["Date"].tolist() == ["5/15/2000", "5/9/2005", "4/15/2020"]
