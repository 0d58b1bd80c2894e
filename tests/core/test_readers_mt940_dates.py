"""An MT940 line carries its entry (booking) date when it writes one, else its value date, and
the reading says which dated how many lines (readers/mt940_dates)."""

from __future__ import annotations

import pytest

from titans_finance.reporting import file_reading
from titans_finance.core.readers.mt940 import read_mt940_export
from titans_finance.core.readers.mt940_dates import (
    ENTRY_DATE,
    VALUE_DATE,
    entry_date,
    line_dates,
)
from titans_finance.core.readers.mt940_lines import read_mt940_lines

STATEMENT = """:20:X
:25:NL12BANK0123456789 EUR
:28C:1
:60F:C231229EUR100,00
{lines}
:62F:C240105EUR{closing}
-"""


@pytest.mark.parametrize("value, mmdd, entry", [
    ("2023-12-31", "0101", "2024-01-01"),  # booked after New Year: the next year
    ("2024-01-01", "1231", "2023-12-31"),  # booked before it: the year before
    ("2024-01-02", "0104", "2024-01-04"),
    ("2024-01-05", "0102", "2024-01-02"),  # an entry date before the value date
    # half a year each way: the nearest year, the value date's own on a tie
    ("2023-07-02", "0101", "2023-01-01"),  # 182 days before / 183 after
    ("2024-07-02", "0101", "2024-01-01"),  # 183 days each way (2024 is a leap year): a tie
    ("2023-07-03", "0101", "2024-01-01"),  # 183 days before / 182 after
    ("2024-03-01", "0229", "2024-02-29"),
    ("2023-03-01", "0229", None),          # no 29 February within half a year
    ("2024-01-02", "1332", None), ("2024-01-02", "0100", None),  # no day
    ("2024-02-31", "0101", None),          # a value date that is no day
])
def test_the_entry_date_takes_the_year_nearest_the_value_date(value, mmdd, entry):
    assert entry_date(value, mmdd) == entry


def test_each_line_is_dated_by_its_entry_date_where_written():
    dates, evidence = line_dates(["2024-01-02", "2024-01-03", "2024-01-05"], ["0104", "", "0105"])
    assert dates == ["2024-01-04", "2024-01-03", "2024-01-05"]
    assert evidence["booking_date"] == ENTRY_DATE
    assert evidence["decided_by"] == "entry_date_when_written"
    assert evidence["lines"] == {ENTRY_DATE: 2, VALUE_DATE: 1}
    assert evidence[f"{VALUE_DATE} before {ENTRY_DATE}"] == 1
    assert evidence[f"{ENTRY_DATE} before {VALUE_DATE}"] == 0 and "unsure" not in evidence
    # no entry date anywhere: the value date dates every line, and the reading says so
    dates, evidence = line_dates(["2024-01-02"], [""])
    assert dates == ["2024-01-02"] and evidence["booking_date"] == VALUE_DATE
    assert evidence["decided_by"] == "no_entry_date_written"
    # an entry date that is no day: the value date, and the reading is unsure
    dates, evidence = line_dates(["2024-01-02", "2024-01-03"], ["1332", "0103"])
    assert dates == ["2024-01-02", "2024-01-03"]
    assert evidence["unsure"].startswith("1 of 2 :61: lines write an entry date that is no day")


LINES = (":61:2312310102D10,00NTRFNONREF\n:86:booked after New Year\n"
         ":61:240103C5,00NTRFNONREF\n:86:no entry date\n"
         ":61:2401040103D1,00NTRFNONREF\n:86:booked the day before its value date")


@pytest.mark.parametrize("reader", [read_mt940_export, read_mt940_lines])
def test_both_readers_date_lines_alike_and_report_it(reader):
    export = reader(STATEMENT.format(lines=LINES, closing="94,00"), "bank.sta")
    assert export.frame["Date"].tolist() == ["2024-01-02", "2024-01-03", "2024-01-03"]
    assert export.frame["Value Date"].tolist() == ["2023-12-31", "2024-01-03", "2024-01-04"]
    evidence = export.info["date_columns"]
    assert evidence["lines"] == {ENTRY_DATE: 2, VALUE_DATE: 1}
    shown = file_reading.dated_by(evidence)
    assert shown == (f"'{ENTRY_DATE}' (not '{VALUE_DATE}'; decided by entry_date_when_written)"
                     f"; lines dated by {ENTRY_DATE}: 2, {VALUE_DATE}: 1")


def test_a_line_without_an_entry_date_beside_others_is_booked_not_pending():
    # every line has a date (its entry date or its value date): none is set aside as
    # not_booked, as a CSV line with an empty booking-date column would be
    from tests.core.test_readers_column_roles import PARAMS
    from titans_finance.pipelines.ingestion.nodes import normalise_transactions

    export = read_mt940_export(STATEMENT.format(lines=LINES, closing="94,00"), "bank.sta")
    raw = export.frame.assign(**{"Source File": "bank.sta"})
    raw.attrs["source"] = {**export.info, "name": "bank.sta"}
    clean, quarantine, _ = normalise_transactions(raw, PARAMS)
    assert quarantine.empty
    assert clean["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-01-02", "2024-01-03", "2024-01-03"]
