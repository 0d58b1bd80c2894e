"""ISO 20022 date-times: a UTC instant is booked on its day in the statement's time zone
(its own offsets, else its period), a local time on the day written; what decided the
zone is reported."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest

from titans_finance.core.readers.camt import read_camt_export
from titans_finance.core.readers.iso_datetimes import booking_day, statement_zone

CAMT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>M</MsgId><CreDtTm>{created}</CreDtTm></GrpHdr>
<Stmt><Id>1</Id><CreDtTm>{created}</CreDtTm>{period}
<Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><DtTm>{booked}</DtTm></BookgDt><AddtlNtryInf>Shop</AddtlNtryInf></Ntry>
</Stmt></BkToCstmrStmt></Document>"""
PERIOD = "<FrToDt><FrDtTm>{start}</FrDtTm><ToDtTm>{end}</ToDtTm></FrToDt>"


def _day(booked: str, created: str = "2014-01-06T16:20:26+01:00", period: str = "") -> tuple:
    export = read_camt_export(CAMT.format(created=created, booked=booked, period=period)
                              .encode(), "x.xml")
    return export.frame["Date"].iloc[0], export.info.get("booking_day_time_zone")


@pytest.mark.parametrize("booked, day", [
    ("2014-01-04T23:00:00.000Z", "2014-01-05"),  # midnight in +01:00: the next day
    ("2014-01-04T22:59:59Z", "2014-01-04"),      # a second before it: still the 4th
    ("2014-01-04T23:30:00", "2014-01-04"),       # no offset: a local time, the day written
    ("2014-01-04T23:30:00-05:00", "2014-01-04"),  # its own offset: the day written
])
def test_a_utc_instant_is_booked_on_its_day_in_the_statements_own_offset(booked, day):
    found, zones = _day(booked)
    assert found == day
    assert zones[0]["decided_by"] == "the statement's own offset (+01:00)"


def test_a_statement_all_in_utc_without_a_period_reads_utc_days_and_says_so():
    found, zones = _day("2014-01-04T23:00:00.000Z", created="2014-01-06T16:20:26.673Z")
    assert found == "2014-01-04"
    assert zones[0]["decided_by"].startswith("assumed UTC")


def test_a_utc_booking_outside_a_utc_period_takes_the_shift_that_brings_it_in():
    period = PERIOD.format(start="2014-01-05T00:00:00.000Z", end="2014-01-05T23:59:59.999Z")
    found, zones = _day("2014-01-04T23:00:00.000Z", created="2014-01-06T16:20:26Z",
                        period=period)
    assert found == "2014-01-05" and zones[0]["decided_by"] == "the statement period (+01:00)"


def test_a_utc_booking_inside_its_utc_period_keeps_its_utc_day():
    period = PERIOD.format(start="2014-01-04T00:00:00Z", end="2014-01-04T23:59:59Z")
    found, zones = _day("2014-01-04T23:00:00Z", created="2014-01-06T16:20:26Z", period=period)
    assert found == "2014-01-04" and zones[0]["decided_by"] == "the statement period (UTC)"


def test_a_statement_with_only_dates_reports_no_zone():
    zone, decided_by = statement_zone(["2014-01-06"], None, [])
    assert zone is None and decided_by == "no UTC date-times to place"
    assert booking_day("2014-01-04", None) == "2014-01-04"


def test_a_value_date_time_is_booked_in_the_statement_zone_which_is_reported():
    # an entry with only a value date-time: both dates are its day in the statement's zone,
    # and the report names the statement, the offset and what decided it
    text = CAMT.format(created="2014-01-06T16:20:26+01:00", booked="X", period="").replace(
        "<BookgDt><DtTm>X</DtTm></BookgDt>", "<ValDt><DtTm>2014-01-04T23:00:00Z</DtTm></ValDt>")
    export = read_camt_export(text.encode(), "x.xml")
    assert export.frame[["Date", "Value Date"]].values.tolist() == [["2014-01-05", "2014-01-05"]]
    assert export.info["booking_day_time_zone"] == [{
        "statement": 1, "offset": "UTC+01:00",
        "decided_by": "the statement's own offset (+01:00)"}]


@pytest.mark.parametrize("offset, booked, day", [
    ("-05:00", "2014-01-05T05:00:00Z", "2014-01-05"),  # midnight in -05:00: the 5th
    ("-05:00", "2014-01-05T04:59:59Z", "2014-01-04"),  # a second before it: the 4th
    ("+05:30", "2014-01-04T18:30:00Z", "2014-01-05"),  # half-hour zones, both sides
    ("+05:30", "2014-01-04T18:29:59Z", "2014-01-04"),
    ("-03:30", "2014-01-05T03:30:00Z", "2014-01-05"),
    ("-03:30", "2014-01-05T03:29:59Z", "2014-01-04"),
])
def test_one_offset_written_once_is_the_zone_west_of_utc_and_in_half_hours(offset, booked,
                                                                             day):
    # the group header in UTC, the statement's own time in its zone: that one offset decides
    zone, decided_by = statement_zone(
        ["2014-01-06T16:20:26Z", f"2014-01-06T16:20:26{offset}"], None, [booked])
    assert decided_by == f"the statement's own offset ({offset})"
    assert booking_day(booked, zone) == day


@pytest.mark.parametrize("booked", [
    "2014-01-04T23:30:00-05:00",  # its own offset: a local time already
    "2014-01-04T23:30:00",        # no offset: a local time
    "not a date-time",
])
def test_only_utc_instants_are_placed_in_a_zone(booked):
    period = ("2014-01-05T00:00:00Z", "2014-01-05T23:59:59Z")
    assert statement_zone(["2014-01-06T16:20:26Z"], period, [booked]) == (
        None, "no UTC date-times to place")
    # the other side: the same time written in UTC is placed (the period's shift)
    assert statement_zone(["2014-01-06T16:20:26Z"], period, ["2014-01-04T23:30:00Z"])[1] == (
        "the statement period (+01:00)")


@pytest.mark.parametrize("start, end", [
    ("2014-01-05T00:00:00Z", ""),  # one bound only
    ("", "2014-01-05T23:59:59Z"),
    ("2014-01-05T00:00:00", "2014-01-05T23:59:59"),  # local times: no instants to shift
    ("2014-01-05T00:00:00Z", "2014-01-05T23:59:59"),
])
def test_a_period_without_both_bounds_as_instants_decides_no_zone(start, end):
    zone, decided_by = statement_zone(["2014-01-06T16:20:26Z"], (start, end),
                                      ["2014-01-04T23:00:00Z"])
    assert zone == timezone.utc and decided_by.startswith("assumed UTC")


@pytest.mark.parametrize("booked, decided_by", [
    ("2014-01-04T22:59:59Z", "the statement period (UTC)"),
    ("2014-01-04T23:00:00Z", "the statement period (UTC)"),    # on the period's end: inside
    ("2014-01-04T23:00:01Z", "the statement period (-01:00)"),  # a second after it: shifted
])
def test_a_booking_on_the_periods_end_is_inside_it(booked, decided_by):
    period = ("2014-01-04T00:00:00Z", "2014-01-04T23:00:00Z")
    assert statement_zone(["2014-01-06T16:20:26Z"], period, [booked])[1] == decided_by


def test_a_date_time_no_clock_can_read_is_booked_on_the_day_it_writes():
    # a leap second (23:59:60) is valid ISO 8601 that datetime refuses: its date still stands
    assert booking_day(" 2016-12-31T23:59:60Z ", timezone.utc) == "2016-12-31"
    assert booking_day("2016-12-31T23:59:59Z", timezone(timedelta(hours=1))) == "2017-01-01"
