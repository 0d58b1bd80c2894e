"""What the app's tables show: dates as dates, the date order a file really has."""

import datetime as dt

import pandas as pd
import pytest

from titans_finance.app import views
from titans_finance.reporting import file_reading
from titans_finance.core.normalise import read_dates


def test_dates_at_midnight_are_shown_as_dates_and_times_are_kept():
    frame = pd.DataFrame({"date": pd.to_datetime(["2021-09-03", None]),
                          "booked": pd.to_datetime(["2021-09-03 14:05:00", "2021-09-04 00:00:00"]),
                          "amount": [1.0, 2.0]})
    shown = views.dates_as_days(frame)
    assert shown["date"].iloc[0] == dt.date(2021, 9, 3) and pd.isna(shown["date"].iloc[1])
    assert str(shown["booked"].iloc[0]) == "2021-09-03 14:05:00"
    assert frame["date"].dtype.kind == "M"  # the input is not changed


def test_the_transactions_table_shows_days_and_confidence_as_a_percentage():
    rows = pd.DataFrame({"date": pd.to_datetime(["2025-01-03"]), "description": ["x"],
                         "model_confidence": [0.4679]})
    assert views.for_display(rows)["date"].iloc[0] == dt.date(2025, 1, 3)
    assert "model_confidence" in views.PERCENT_COLUMNS


def _order(values: list[str]) -> str:
    parsed = read_dates(pd.Series(values))
    info = {"format": "csv", "day_first": parsed.day_first,
            "date_order_ambiguous": parsed.ambiguous, "date_order_evidence": parsed.evidence}
    return file_reading.how_it_was_read(info)[0].loc["date order"].iloc[0]


def test_iso_dates_are_called_iso_not_month_first():
    assert _order(["2021-09-03", "2021-09-13", "2021-10-01"]) == "year-month-day (ISO)"
    assert _order(["2021-09-03 00:00:00", "20211013"]) == "year-month-day (ISO)"


@pytest.mark.parametrize("values, start", [
    (["31/01/2024", "15/02/2024"], "day first (31/01)"),
    (["01/31/2024", "02/15/2024"], "month first (01/31)"),
])
def test_numeric_dates_keep_their_order(values, start):
    assert _order(values).startswith(start) and "ISO" not in _order(values)


def test_a_mix_says_both():
    text = _order(["31/01/2024", "2024-02-15"])
    assert text.startswith("day first (31/01)") and text.endswith(
        "1 other dates year-month-day (ISO)")


def test_the_import_page_says_when_the_signs_are_unproven():
    info = {"format": "csv", "sign_unproven": {"message": "5 of 6 lines read as money in"}}
    assert file_reading.how_it_was_read(info)[0].loc["sign unproven"].iloc[0] == (
        "5 of 6 lines read as money in")
    assert "sign unproven" not in file_reading.how_it_was_read({"format": "csv"})[0].index


def test_the_import_page_says_how_many_lines_have_no_booking_date():
    table = file_reading.how_it_was_read({"format": "csv", "lines_without_booking_date": 2})[0]
    assert table.loc["lines without a booking date"].iloc[0].startswith("2 (not booked yet")


def test_the_import_page_says_which_of_two_date_columns_dates_the_lines():
    evidence = {"columns": ["Belegdatum", "Wertstellung"], "booking_date": "Wertstellung",
                "decided_by": "value_date_beside_purchase_day"}
    table = file_reading.how_it_was_read({"format": "csv", "date_columns": evidence})[0]
    assert table.loc["dated by"].iloc[0] == (
        "'Wertstellung' (not 'Belegdatum'; decided by value_date_beside_purchase_day)")
    unsure = {**evidence, "unsure": "'Wertstellung' (value date) is before ... on 1 of 3 lines"}
    shown = file_reading.how_it_was_read({"format": "csv", "date_columns": unsure})[0]
    assert shown.loc["dated by"].iloc[0].endswith("UNSURE: " + unsure["unsure"])
    assert "dated by" not in file_reading.how_it_was_read({"format": "csv"})[0].index
