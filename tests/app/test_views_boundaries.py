"""Boundaries of the app's views: the transaction filters' first and last day and their
amount limits (each inclusive, a day or a cent either side is not), the projected balance's
horizons (a forecast of exactly 90 days has its 90-day row), and the tried transaction's
low-balance day (exactly at the threshold is not low; the payment's own day counts)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from titans_finance.app import views
from titans_finance.app.actions import balance_with


@pytest.fixture
def table() -> pd.DataFrame:
    days = ["2025-01-09", "2025-01-10", "2025-01-10 23:59:59", "2025-01-11",
            "2025-01-31", "2025-02-01", "2025-02-01 23:59:59", "2025-02-02"]
    return pd.DataFrame({"transaction_id": list("abcdefgh"),
                         "date": pd.to_datetime(days, format="ISO8601"),
                         "amount": [-40.01, -40.0, -39.99, -12.0, 99.99, 100.0, 100.01, 0.0],
                         "is_anomaly": False})


def _ids(table, **kwargs):
    return list(views.filter_transactions(table, views.Filters(**kwargs))["transaction_id"])


def test_the_first_day_is_in_the_filter_the_day_before_is_not(table):
    assert _ids(table, start=dt.date(2025, 1, 10)) == list("bcdefgh")
    assert _ids(table, start=dt.date(2025, 1, 11)) == list("defgh")
    assert _ids(table, start=dt.date(2025, 1, 9)) == list("abcdefgh")


def test_the_last_day_is_in_the_filter_to_its_last_second_the_day_after_is_not(table):
    assert _ids(table, end=dt.date(2025, 2, 1)) == list("abcdefg")
    assert _ids(table, end=dt.date(2025, 1, 31)) == list("abcde")
    assert _ids(table, end=dt.date(2025, 2, 2)) == list("abcdefgh")
    # one day both ends: the whole day, both its rows
    assert _ids(table, start=dt.date(2025, 1, 10), end=dt.date(2025, 1, 10)) == ["b", "c"]


@pytest.mark.parametrize("limit, expected", [(-40.0, "bcdefgh"), (-39.99, "cdefgh"),
                                             (-40.01, "abcdefgh")])
def test_the_smallest_amount_is_inclusive_to_the_cent(table, limit, expected):
    assert _ids(table, min_amount=limit) == list(expected)


@pytest.mark.parametrize("limit, expected", [(100.0, "abcdefh"), (99.99, "abcdeh"),
                                             (100.01, "abcdefgh")])
def test_the_largest_amount_is_inclusive_to_the_cent(table, limit, expected):
    assert _ids(table, max_amount=limit) == list(expected)


class _Forecast:
    """A fitted cash-flow model's answer, as `predict` gives it: ``days`` forecast days
    (at most), a change of ``daily`` a day, a known opening balance."""

    def __init__(self, days: int, daily: float = -10.0, opening: float = 100.0,
                 threshold: float = 0.0):
        self.days, self.daily, self.opening, self.threshold = days, daily, opening, threshold

    def predict(self, horizon_days: int):
        n = min(horizon_days, self.days)
        dates = pd.date_range("2024-02-01", periods=n, freq="D")
        change = pd.Series([self.daily * (i + 1) for i in range(n)], dtype="float64")
        forecast = pd.DataFrame({"date": dates, "expected_net": self.daily, "change": change,
                                 "change_lower": change - 5.0, "change_upper": change + 5.0})
        return forecast, {"opening_balance": self.opening, "as_of": "2024-01-31",
                          "balance_source": "export_balance_column",
                          "low_balance_threshold": self.threshold,
                          "first_low_balance_day": None}


@pytest.mark.parametrize("days, horizons", [(89, [30, 60]), (90, [30, 60, 90]),
                                            (91, [30, 60, 90])])
def test_a_horizon_is_shown_when_the_forecast_reaches_its_last_day(days, horizons):
    balances, _, _ = views.projected_balances(_Forecast(days, daily=0.0))
    assert list(balances["days"]) == horizons


@pytest.mark.parametrize("amount, low_day", [(-100.0, None), (-100.01, "2024-02-10"),
                                             (-99.99, None)])
def test_a_tried_payment_that_leaves_exactly_the_threshold_is_not_low(amount, low_day):
    model = _Forecast(90, daily=0.0, opening=100.0)
    answer = balance_with(model, pd.Timestamp("2024-02-10"), amount)
    assert answer["balance_with"] == pytest.approx(100.0 + amount)
    assert answer["first_low_day_with"] == low_day


def test_a_tried_payment_moves_the_balance_from_its_own_day():
    """The first low day is the payment's day itself, not the day after."""
    answer = balance_with(_Forecast(90, daily=0.0, opening=100.0),
                          pd.Timestamp("2024-02-01"), -100.01)
    assert answer["first_low_day_with"] == "2024-02-01"
    answer = balance_with(_Forecast(90, daily=0.0, opening=100.0),
                          pd.Timestamp("2024-04-30"), -100.01)  # the forecast's last day
    assert answer["end_date"] == "2024-04-30" and answer["first_low_day_with"] == "2024-04-30"
