"""Boundaries of the cash-flow streams and schedules: the fit sees the as-of day; a calendar
and a cycle stream on the first and last day asked for; a payment exactly `max_day_jitter`
off its day, exactly `min_occurrences` periods, exactly `min_period_share` of them, an
annual stream's other payments up to half its own; weekend postings from 2 %; a
business-day schedule within the horizon's last day."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.models.test_cashflow_boundaries import PARAMS, _every, _monthly_rent
from titans_finance.models.cashflow import detect_streams


def test_the_fit_sees_the_as_of_days_own_transactions():
    """A purchase on the as-of day is in the rest's 28-day mean, and the rent paid that day
    is not forecast again; fitted the day before, neither is known."""
    from titans_finance.models.cashflow.parts import forecast_parts

    frame, as_of = _monthly_rent(0)  # the rent's sixth payment is on as_of, 2024-06-01
    shop = pd.DataFrame({"date": [as_of], "description": "Shop", "reference": "SHOP",
                         "amount": -28.0})
    frame = pd.concat([frame, shop], ignore_index=True)
    parts = forecast_parts(frame, PARAMS, as_of, 5, ("zero", "mean_28"))
    np.testing.assert_array_equal(parts.net("exact+zero"), np.zeros(5))  # rent paid already
    np.testing.assert_allclose(parts.net("exact+mean_28") - parts.net("exact+zero"), -1.0)
    before = forecast_parts(frame, PARAMS, as_of - pd.Timedelta(days=1), 5, ("zero", "mean_28"))
    np.testing.assert_array_equal(before.net("exact+mean_28"), before.net("exact+zero"))
    assert before.net("exact+zero").sum() == -800.0  # June's rent still to come (Monday 3rd)


def test_a_calendar_stream_is_projected_on_the_first_and_the_last_day_asked_for():
    frame, as_of = _monthly_rent(0)  # the 1st of each month, January to June 2024
    (stream,) = detect_streams(frame, PARAMS, as_of=as_of)
    first, last = pd.Timestamp("2024-07-01"), pd.Timestamp("2024-08-01")
    assert list(stream.dates_between(first, last)) == [first, last]
    assert list(stream.dates_between(first + pd.Timedelta(days=1),
                                     last - pd.Timedelta(days=1))) == []
    assert list(stream.dates_between(first, first)) == [first]


def _payments(days: list[str], amount: float = -800.0) -> pd.DataFrame:
    return pd.DataFrame({"date": pd.to_datetime(days), "description": "Rent",
                         "reference": "LANDLORD", "amount": amount})


@pytest.mark.parametrize("april, occurrences", [("2024-04-10", 4), ("2024-04-11", 4),
                                                ("2024-04-12", 3)])
def test_a_payment_exactly_max_day_jitter_from_its_day_is_part_of_the_stream(april,
                                                                          occurrences):
    """On the 10th, and once 0, 1 or 2 days late with a jitter of 1 (the month-end anchor
    cannot explain them: 21, 19, 21, 19-20 days before the end)."""
    frame = _payments(["2024-01-10", "2024-02-10", "2024-03-10", april])
    (stream,) = detect_streams(frame, {**PARAMS, "max_day_jitter": 1},
                               as_of=pd.Timestamp("2024-04-12"))
    assert stream.anchor == "day" and stream.position == 10
    assert stream.occurrences == occurrences


@pytest.mark.parametrize("months, found", [(2, False), (3, True), (4, True)])
def test_a_stream_needs_exactly_min_occurrences_periods(months, found):
    days = [f"2024-{m:02d}-10" for m in range(1, months + 1)]
    streams = detect_streams(_payments(days), PARAMS, as_of=pd.Timestamp(days[-1]))
    assert PARAMS["min_occurrences"] == 3 and (len(streams) == 1) is found


@pytest.mark.parametrize("paid, found", [(6, False), (7, True), (8, True)])
def test_a_stream_seen_in_exactly_min_period_share_of_its_months_is_kept(paid, found):
    """Ten months, January to October, paid in ``paid`` of them (always in October, the
    as-of month): 7 of 10 is exactly the share 0.7."""
    months = [1, 2, 4, 5, 7, 8, 9, 10] if paid == 8 else [1, 2, 4, 5, 7, 8, 10][:paid - 1] + [10]
    days = [f"2024-{m:02d}-10" for m in months]
    assert len(days) == paid
    streams = detect_streams(_payments(days), PARAMS, as_of=pd.Timestamp("2024-10-10"))
    assert PARAMS["min_period_share"] == 0.7 and (len(streams) == 1) is found


@pytest.mark.parametrize("weekend, business_only", [(1, True), (2, False), (3, False)])
def test_postings_on_weekends_from_two_in_a_hundred(weekend, business_only):
    """A hundred postings, ``weekend`` of them on a Saturday: from 2 % the bank books on
    weekends and nothing is moved to the next business day."""
    from titans_finance.models.cashflow.parts import _posts_on_weekends

    monday, saturday = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-06")
    days = [saturday] * weekend + [monday] * (100 - weekend)
    assert _posts_on_weekends(pd.DataFrame({"date": days})) is not business_only


def test_a_cycle_stream_is_projected_on_the_first_and_the_last_day_asked_for():
    frame = _every(30, "2023-09-22", 6)  # next on 2024-03-20 and 2024-04-19
    stream = detect_streams(frame, PARAMS, as_of=pd.Timestamp("2024-02-29"))[0]
    first, last = pd.Timestamp("2024-03-20"), pd.Timestamp("2024-04-19")
    assert list(stream.dates_between(first, last)) == [first, last]
    assert list(stream.dates_between(first + pd.Timedelta(days=1),
                                     last - pd.Timedelta(days=1))) == []


@pytest.mark.parametrize("last_day, expected", [
    ("2024-03-15", ["2024-03-15"]),  # a Friday, the horizon's last day: kept
    ("2024-03-16", []),  # a Saturday: the next business day (Monday 18th) is past the end
    ("2024-03-18", ["2024-03-18"])])  # the Monday itself is the last day: kept
def test_a_schedule_moved_to_the_next_business_day_stays_within_the_horizon(last_day,
                                                                           expected):
    from titans_finance.models.cashflow.schedules import schedule_dates

    future = pd.date_range("2024-03-01", last_day, freq="D")
    day = pd.Timestamp(last_day).day if last_day != "2024-03-18" else 16
    dates = schedule_dates(day, future, business_days_only=True)
    assert [str(d.date()) for d in dates] == expected


@pytest.mark.parametrize("others, annual", [
    ([], True), (["2022-07-05"], True),  # one other payment: exactly half the two annual ones
    (["2022-07-05", "2022-11-12"], False)])
def test_an_annual_stream_allows_other_payments_up_to_half_its_own(others, annual):
    """A premium on 20 March two years running, and other payments to the same insurer."""
    days = sorted(["2022-03-20", "2023-03-20", *others])
    frame = pd.DataFrame({"date": pd.to_datetime(days), "description": "Insurance",
                          "reference": "INSURER", "amount": -560.0})
    streams = detect_streams(frame, PARAMS, as_of=pd.Timestamp("2023-03-20"))
    assert [(s.period, s.occurrences) for s in streams] == ([("Y", 2)] if annual else [])
