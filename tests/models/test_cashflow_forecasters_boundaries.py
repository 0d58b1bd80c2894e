"""Boundaries of the cash-flow forecasters and baselines: Saturday starts the weekend; the
same day last month (the 29th after a 29-day February repeats nothing, the cutoff's own day,
the history's first day); the weekday mean and the weekly seasons from exactly two weeks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def test_the_weekend_starts_on_saturday_for_the_day_type_median():
    from titans_finance.models.cashflow.forecasters import _rest_forecast

    days = pd.date_range("2024-01-01", "2024-03-28", freq="D")  # ends on a Thursday
    rest = pd.Series(np.where(days.dayofweek >= 5, -50.0, 0.0), index=days)
    forecast = _rest_forecast(rest, "daytype_median_52w", 5)  # Fri, Sat, Sun, Mon, Tue
    np.testing.assert_array_equal(forecast, [0.0, -50.0, -50.0, 0.0, 0.0])


def _days(reference) -> list[str]:
    return [str(pd.Timestamp(r).date()) if not pd.isna(r) else "NaT" for r in reference]


def test_same_day_last_month_repeats_the_other_months_last_day_only_on_a_month_end():
    """After a 29-day February: the 28th repeats the 28th; the 29th repeats nothing (Feb 29
    is February's month end, repeated by March 31 alone: never twice)."""
    from titans_finance.models.cashflow.baselines import same_day_last_month_reference

    future = pd.DatetimeIndex(["2024-03-28", "2024-03-29", "2024-03-31"])
    reference = same_day_last_month_reference(future, pd.Timestamp("2024-03-01"),
                                              pd.Timestamp("2023-01-01"))
    assert _days(reference) == ["2024-02-28", "NaT", "2024-02-29"]


def test_same_day_last_month_reads_up_to_the_cutoff_itself_and_from_the_first_day():
    from titans_finance.models.cashflow.baselines import same_day_last_month_reference

    future = pd.DatetimeIndex(["2024-04-14", "2024-04-15", "2024-04-16"])
    reference = same_day_last_month_reference(future, pd.Timestamp("2024-03-15"),
                                              pd.Timestamp("2023-01-01"))
    # the cutoff's own day is known; the day after it is not, so a month further back
    assert _days(reference) == ["2024-03-14", "2024-03-15", "2024-02-16"]
    future = pd.DatetimeIndex(["2024-03-14", "2024-03-15", "2024-03-16"])
    reference = same_day_last_month_reference(future, pd.Timestamp("2024-03-13"),
                                              pd.Timestamp("2024-02-15"))
    # the history's first day is a reference; the day before it is not
    assert _days(reference) == ["NaT", "2024-02-15", "2024-02-16"]


def _mondays(days: int) -> pd.Series:
    """``days`` days ending on a Sunday: -70 every Monday, nothing else."""
    index = pd.date_range(end="2024-03-31", periods=days, freq="D")
    return pd.Series(np.where(index.dayofweek == 0, -70.0, 0.0), index=index)


@pytest.mark.parametrize("days, weekly", [(13, False), (14, True), (15, True)])
def test_the_weekday_mean_needs_two_weeks_of_history(days, weekly):
    """From two weeks on, each weekday its own mean (Monday -70, the rest 0); before, one
    mean for every day."""
    from titans_finance.models.cashflow.forecasters import _rest_forecast

    forecast = _rest_forecast(_mondays(days), "weekday_mean_8w", 7)  # Monday to Sunday
    if weekly:
        np.testing.assert_allclose(forecast, [-70.0, 0, 0, 0, 0, 0, 0], atol=1e-9)
    else:
        np.testing.assert_allclose(forecast, _mondays(days).mean())


@pytest.mark.parametrize("days, seasonal", [(13, False), (14, True), (15, True)])
def test_the_weekly_season_is_fitted_from_two_full_weeks(days, seasonal):
    from titans_finance.models.cashflow.statistical import (
        ETSWeeklyForecaster,
        ThetaWeeklyForecaster,
    )

    series = _mondays(days)
    series.index = pd.PeriodIndex(series.index, freq="D")
    theta = ThetaWeeklyForecaster().fit(series)
    assert bool(np.any(theta.season_ != 0)) is seasonal
    ets = ETSWeeklyForecaster().fit(series)
    assert bool(np.any(ets.season_ != 0)) is seasonal
