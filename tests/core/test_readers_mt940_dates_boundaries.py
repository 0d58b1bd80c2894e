"""The date of an MT940 line, rule by rule (core/readers/mt940_dates.py): half a year each way
on its value and on each side, the year order of a tie, and each count of the reading
(test_readers_mt940_dates.py reads the same through both readers)."""

from __future__ import annotations

import pytest

from titans_finance.core.readers.mt940_dates import (
    ENTRY_DATE,
    HALF_YEAR_DAYS,
    VALUE_DATE,
    entry_date,
    line_dates,
)


def test_half_a_year_is_183_days():
    assert HALF_YEAR_DAYS == 183


@pytest.mark.parametrize("value, entry", [
    # 29 February has one year: its distance is the only one
    ("2024-08-30", "2024-02-29"),  # 183 days after it: still its day
    ("2024-08-31", None),          # 184 days: no day of this line
    ("2023-08-30", "2024-02-29"),  # 183 days before it: still its day
    ("2023-08-29", None),          # 184 days before it
])
def test_an_entry_date_half_a_year_away_is_the_lines_and_a_day_further_is_not(value, entry):
    assert entry_date(value, "0229") == entry


def test_the_half_year_counts_days_between_not_their_absolute_order():
    # an entry date after its value date by 183 days, across the new year
    assert entry_date("2023-07-02", "0101") == "2023-01-01"   # 182 back beats 183 ahead
    assert entry_date("2023-07-03", "0101") == "2024-01-01"   # 182 ahead beats 183 back


@pytest.mark.parametrize("value, mmdd, entry", [
    ("2024-06-15", "0615", "2024-06-15"),   # the same day
    ("2024-06-15", "1215", "2024-12-15"),   # 183 days each way: the value date's year
    ("2024-06-15", "1216", "2023-12-16"),   # 184 ahead, 182 back: the year before
    ("2024-12-20", "0101", "2025-01-01"),   # the next year
    ("2025-01-10", "1231", "2024-12-31"),   # the year before
    ("2024-12-31", "1231", "2024-12-31"),
])
def test_the_entry_date_takes_the_nearest_of_three_years(value, mmdd, entry):
    assert entry_date(value, mmdd) == entry


def test_a_tie_keeps_the_value_dates_year_from_either_side():
    # 2024-07-02: 183 days after 2024-01-01 and 183 before 2025-01-01
    assert entry_date("2024-07-02", "0101") == "2024-01-01"
    # 2023-07-02 is 183 days before 2024-01-01 ... and 182 after 2023-01-01: not a tie
    assert entry_date("2023-07-02", "0101") == "2023-01-01"


@pytest.mark.parametrize("value", ["", "2024-13-01", "24-01-02", "not a day"])
def test_a_value_date_that_is_no_day_gives_no_entry_date(value):
    assert entry_date(value, "0102") is None


@pytest.mark.parametrize("mmdd", ["0001", "1301", "0132", "0230", "0431", "0000"])
def test_an_entry_date_that_is_no_day_in_any_year_is_none(mmdd):
    assert entry_date("2024-06-15", mmdd) is None


@pytest.mark.parametrize("mmdd, entry", [("0101", "2024-01-01"), ("1201", "2024-12-01"),
                                         ("0131", "2024-01-31"), ("0630", "2024-06-30")])
def test_the_first_two_digits_are_the_month_and_the_last_two_the_day(mmdd, entry):
    assert entry_date("2024-06-15", mmdd) == entry


def test_every_count_of_the_reading():
    dates, evidence = line_dates(
        ["2024-01-02", "2024-01-03", "2024-01-05", "2024-01-06", "2024-01-08"],
        ["0104", "", "0103", "0106", "0110"])
    assert dates == ["2024-01-04", "2024-01-03", "2024-01-03", "2024-01-06", "2024-01-10"]
    assert evidence == {
        "columns": [ENTRY_DATE, VALUE_DATE],
        "booking_date": ENTRY_DATE,
        "decided_by": "entry_date_when_written",
        "lines": {ENTRY_DATE: 4, VALUE_DATE: 1},
        f"{ENTRY_DATE} before {VALUE_DATE}": 1,   # 0103 booked before its value date 01-05
        f"{VALUE_DATE} before {ENTRY_DATE}": 2}   # 0104 and 0110; 0106 the same day: neither


def test_lines_without_entry_dates_are_dated_by_their_value_dates_and_say_so():
    dates, evidence = line_dates(["2024-01-02", "2024-01-03"], ["", ""])
    assert dates == ["2024-01-02", "2024-01-03"]
    assert evidence == {
        "columns": [ENTRY_DATE, VALUE_DATE], "booking_date": VALUE_DATE,
        "decided_by": "no_entry_date_written", "lines": {ENTRY_DATE: 0, VALUE_DATE: 2},
        f"{ENTRY_DATE} before {VALUE_DATE}": 0, f"{VALUE_DATE} before {ENTRY_DATE}": 0}


def test_no_lines_read_as_no_entry_date():
    assert line_dates([], []) == ([], {
        "columns": [ENTRY_DATE, VALUE_DATE], "booking_date": VALUE_DATE,
        "decided_by": "no_entry_date_written", "lines": {ENTRY_DATE: 0, VALUE_DATE: 0},
        f"{ENTRY_DATE} before {VALUE_DATE}": 0, f"{VALUE_DATE} before {ENTRY_DATE}": 0})


@pytest.mark.parametrize("written", ["010", "01022", "01a2", "1332", "0229"])
def test_an_entry_date_written_but_no_day_leaves_the_value_date_and_the_reading_unsure(written):
    # (four digits exactly: three or five are no MMDD; 0229 is no day near 2023-06-01)
    dates, evidence = line_dates(["2023-06-01", "2023-06-02"], [written, "0603"])
    assert dates == ["2023-06-01", "2023-06-03"]
    assert evidence["lines"] == {ENTRY_DATE: 1, VALUE_DATE: 1}
    assert evidence["unsure"] == ("1 of 2 :61: lines write an entry date that is no day (MMDD): "
                                  "dated by their value date")


def test_a_blank_entry_date_is_none_written_and_leaves_the_reading_sure():
    dates, evidence = line_dates(["2023-06-01"], ["  "])
    assert dates == ["2023-06-01"] and "unsure" not in evidence


def test_lines_of_different_lengths_are_refused():
    with pytest.raises(ValueError):
        line_dates(["2024-01-02", "2024-01-03"], ["0102"])
