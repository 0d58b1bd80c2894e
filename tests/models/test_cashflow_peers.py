"""The scorecard's peers: the scheduled payments a budgeting-app user would type in and the
statistical forecasters (ETS, Theta)."""

import numpy as np
import pandas as pd
import pytest

from tests.parameters import parameters
from titans_finance.models.cashflow import evaluate_cashflow, summarise_backtest
from titans_finance.models.cashflow.peers import PEERS
from titans_finance.models.cashflow.schedules import (
    project_schedules,
    scheduled_payments_forecast,
    schedules,
)
from titans_finance.models.cashflow.statistical import (
    ETSWeeklyForecaster,
    ThetaWeeklyForecaster,
    statistical_forecasts,
)


def _rows(*items):
    return pd.DataFrame([{"date": pd.Timestamp(d), "description": name, "reference": name,
                          "amount": amount} for d, name, amount in items])


CUTOFF = pd.Timestamp("2024-04-30")  # windows: (03-30, 04-30], (02-29, 03-30], (01-30, 02-29]


def test_a_payment_on_its_day_in_two_of_three_months_is_a_schedule_one_is_not():
    rows = _rows(("2024-03-05", "Rent", -800.0), ("2024-04-05", "Rent", -850.0),
                 ("2024-04-10", "Gym", -30.0),  # one month only
                 ("2024-02-12", "Salary", 2000.0), ("2024-03-13", "Salary", 2000.0),  # moved
                 ("2024-01-20", "Old", -5.0), ("2024-02-20", "Old", -5.0))  # (01-30 excluded)
    found = schedules(rows, CUTOFF)
    assert list(found["merchant"]) == ["rent"]
    # the latest month's amount, as a user would type it in
    assert found["amount"].iloc[0] == -850.0 and found["day"].iloc[0] == 5


def test_the_windows_edges():
    # window 0 ends on the cutoff, window 1 on 03-30 (included); 01-30 is in no window
    inside = _rows(("2024-03-30", "Tax", -10.0), ("2024-04-30", "Tax", -10.0))
    assert len(schedules(inside, CUTOFF)) == 1
    before = _rows(("2023-12-30", "Fee", -1.0), ("2024-01-30", "Fee", -1.0),
                   ("2024-04-30", "Fee", -1.0))
    assert schedules(before, CUTOFF).empty  # only one of its months is in the windows
    after = _rows(("2024-03-30", "Fee", -1.0), ("2024-05-30", "Fee", -1.0))
    assert schedules(after, CUTOFF).empty  # a day after the cutoff is not known yet


def test_schedule_on_the_31st_falls_on_a_shorter_months_last_day():
    rows = _rows(("2024-01-31", "Loan", -100.0), ("2024-03-31", "Loan", -100.0))
    cutoff = pd.Timestamp("2024-03-31")
    forecast = scheduled_payments_forecast(rows, cutoff, 61)  # April 1 .. May 31
    days = pd.date_range("2024-04-01", periods=61, freq="D")
    assert forecast[days.get_loc(pd.Timestamp("2024-04-30"))] == -100.0
    assert forecast[days.get_loc(pd.Timestamp("2024-05-31"))] == -100.0
    assert forecast.sum() == -200.0


def test_schedule_due_on_the_cutoff_day_is_not_repeated_before_next_month():
    rows = _rows(("2024-03-15", "Rent", -800.0), ("2024-04-15", "Rent", -800.0))
    forecast = scheduled_payments_forecast(rows, pd.Timestamp("2024-04-15"), 30)
    assert forecast[0] == 0.0 and forecast[29] == -800.0 and forecast.sum() == -800.0


def _series(values, start="2024-01-01"):
    return pd.Series(np.asarray(values, dtype="float64"),
                     index=pd.PeriodIndex(pd.date_range(start, periods=len(values), freq="D"),
                                          freq="D"))


@pytest.mark.parametrize("forecaster", [ETSWeeklyForecaster, ThetaWeeklyForecaster])
def test_a_pure_weekly_pattern_is_repeated(forecaster):
    week = np.array([0, 0, -50, 0, 0, 300, -20], dtype="float64")
    y = _series(np.tile(week, 20))
    fitted = forecaster().fit(y)
    predicted = fitted.predict(np.arange(1, 15)).to_numpy()
    # the day after the series continues the week where it stopped
    np.testing.assert_allclose(predicted, np.tile(week, 2), atol=1.0)


@pytest.mark.parametrize("forecaster", [ETSWeeklyForecaster, ThetaWeeklyForecaster])
def test_a_constant_series_forecasts_the_constant(forecaster):
    predicted = forecaster().fit(_series(np.full(60, 12.5))).predict([1, 30]).to_numpy()
    np.testing.assert_allclose(predicted, 12.5, atol=1e-6)


def test_theta_follows_half_the_trend():
    y = _series(np.arange(100, dtype="float64") * 2.0)
    predicted = ThetaWeeklyForecaster().fit(y).predict([1, 11]).to_numpy()
    # SES with drift half the slope: ten steps add about half of 20
    assert 5 < predicted[1] - predicted[0] < 15


def test_statistical_forecasts_give_each_peer_its_horizon():
    history = pd.Series(np.random.default_rng(0).normal(0, 100, 200),
                        index=pd.date_range("2024-01-01", periods=200, freq="D"))
    out = statistical_forecasts(history, 30)
    assert set(out) == {"ets_weekly", "theta_weekly"}
    assert all(len(v) == 30 and np.isfinite(v).all() for v in out.values())


def test_every_peer_is_scored_on_the_reported_folds_beside_the_baselines():
    rng = np.random.default_rng(1)
    rows = []
    for month in pd.date_range("2023-01-01", periods=12, freq="MS"):
        rows += [(month + pd.Timedelta(days=9), "Salary", 2000.0),
                 (month + pd.Timedelta(days=2), "Rent", -800.0)]
    for day in pd.date_range("2023-01-01", "2023-12-31", freq="D"):
        if rng.random() < 0.1:
            rows.append((day, "Shop", -float(rng.integers(5, 80))))
    export = _rows(*rows)
    _, outer, _ = evaluate_cashflow(export, parameters("cashflow"))
    summary = summarise_backtest(outer)
    assert {f"peer_{p}" for p in PEERS} <= set(summary)
    folds = {m: set(outer.loc[outer["method"] == m, "fold"]) for m in ("model", *[
        f"peer_{p}" for p in PEERS])}
    assert all(f == folds["model"] for f in folds.values())
    # rent and salary on fixed days: the schedules peer gets them; the model at least as well
    assert summary["peer_scheduled_payments"]["mase"] < summary["baseline_zero"]["mase"]


def test_a_young_schedule_is_projected_before_it_is_a_stream():
    from titans_finance.models.cashflow.parts import forecast_parts

    params = parameters("cashflow")
    rows = [("2024-01-03", "Rent", -800.0), ("2024-02-03", "Rent", -800.0),
            ("2024-03-03", "Rent", -800.0), ("2024-04-03", "Rent", -800.0),
            # a new loan: on the 20th in 2 of the last 3 months (min_occurrences is 3)
            ("2024-03-20", "Loan", -150.0), ("2024-04-20", "Loan", -150.0),
            # a cash deposit once: no schedule
            ("2024-04-09", "Cash", 50.0)]
    parts = forecast_parts(_rows(*rows), params, pd.Timestamp("2024-04-30"), 30, ("zero",))
    assert [s.merchant for s in parts.streams] == ["rent"]
    days = parts.future
    young = parts.net("exact_young+zero") - parts.net("exact+zero")
    assert young[days.get_loc(pd.Timestamp("2024-05-20"))] == -150.0
    assert np.count_nonzero(young) == 1
    # the rent is a stream: it is not projected twice
    assert parts.net("exact_young+zero")[days.get_loc(pd.Timestamp("2024-05-03"))] == -800.0
    # the young schedule's flow is already in the rest's level: the balance does not
    # count it twice
    np.testing.assert_array_equal(parts.expected("exact_young+zero"),
                                  parts.expected("exact+zero"))


@pytest.mark.parametrize("recent, amount", [
    ([800, 800, 800, 850, 850], 850.0),  # a new rent: the last two agree, not the median
    ([800, 800, 800, 800, 850], 800.0),  # one different month: the median
    ([800, 900, 800, 1200, 800], 800.0),  # the last two differ: the median
    ([800, 800], 800.0)])
def test_stream_amount_follows_a_level_shift_not_a_single_month(recent, amount):
    from titans_finance.models.cashflow.streams import _stream_amount

    assert _stream_amount(np.array(recent, dtype=float)) == amount


def test_a_payment_on_the_months_last_day_is_a_month_end_schedule_the_day_before_is_not():
    # interest on the 31st and on the 29th (February 2024's last day): no day-of-month
    # schedule (the peer's), one month-end schedule (the model's young schedules)
    rows = _rows(("2024-02-29", "Interest", 10.0), ("2024-03-31", "Interest", 12.0),
                 ("2024-03-30", "Fee", -5.0), ("2024-04-29", "Fee", -5.0))  # a day early
    assert schedules(rows, CUTOFF).empty
    found = schedules(rows, CUTOFF, anchors=("day", "month_end"))
    assert list(found["merchant"]) == ["interest"]
    assert found["anchor"].iloc[0] == "month_end" and found["amount"].iloc[0] == 12.0
    future = pd.date_range("2024-05-01", periods=61, freq="D")
    projected = project_schedules(found, future)
    assert projected[future.get_loc(pd.Timestamp("2024-05-31"))] == 12.0
    assert projected[future.get_loc(pd.Timestamp("2024-06-30"))] == 12.0
    assert projected.sum() == 24.0


def test_a_payment_that_is_a_day_schedule_is_not_a_month_end_schedule_again():
    # on the 31st in two windows (01-31, 03-31): a day schedule; those two are not used
    # again, and 04-30 alone makes no month-end schedule (no loan projected twice)
    rows = _rows(("2024-01-31", "Loan", -100.0), ("2024-03-31", "Loan", -100.0),
                 ("2024-04-30", "Loan", -100.0))
    found = schedules(rows, CUTOFF, anchors=("day", "month_end"))
    assert len(found) == 1 and found["anchor"].iloc[0] == "day"
    both = _rows(("2024-03-15", "Loan", -100.0), ("2024-04-15", "Loan", -100.0))
    found = schedules(both, CUTOFF, anchors=("day", "month_end"))
    assert list(found["anchor"]) == ["day"]


@pytest.mark.parametrize("others, kept", [(2, True), (3, False)])
def test_a_counterparty_seen_often_makes_no_schedule_by_chance(others, kept):
    # windows 01-30 .. 04-30: 91 days; at most 2 other transactions of the counterparty
    rows = [("2024-03-05", "Cash", -100.0), ("2024-04-05", "Cash", -100.0)]
    rows += [(f"2024-03-{10 + k}", "Cash", -20.0) for k in range(others)]
    found = schedules(_rows(*rows), CUTOFF, max_chance_matches=2 / 91)
    assert (5 in set(found["day"])) is kept
    # without the test (the peer): always a schedule
    assert 5 in set(schedules(_rows(*rows), CUTOFF)["day"])


@pytest.mark.parametrize("second, kept", [(-200.0, True), (-200.02, False), (-100.0, True)])
def test_a_schedule_whose_months_differ_more_than_the_ratio_is_no_young_schedule(second, kept):
    rows = _rows(("2024-03-05", "Loan", -100.0), ("2024-04-05", "Loan", second))
    found = schedules(rows, CUTOFF, max_amount_ratio=2.0)
    assert (len(found) == 1) is kept
    assert len(schedules(rows, CUTOFF)) == 1  # the peer keeps it whatever the amounts


def test_the_young_schedules_follow_the_parameters():
    from titans_finance.models.cashflow.parts import forecast_parts

    rows = _rows(("2024-01-03", "Rent", -800.0), ("2024-02-03", "Rent", -800.0),
                 ("2024-03-03", "Rent", -800.0), ("2024-04-03", "Rent", -800.0),
                 ("2024-03-20", "Loan", -150.0), ("2024-04-20", "Loan", -450.0))
    future_day = pd.Timestamp("2024-05-20")
    for ratio, expected in ((3.0, -450.0), (2.9, 0.0)):
        params = parameters("cashflow", young_schedule_max_amount_ratio=ratio)
        parts = forecast_parts(rows, params, pd.Timestamp("2024-04-30"), 30, ("zero",))
        assert parts.net("exact_young+zero")[parts.future.get_loc(future_day)] == expected


@pytest.mark.parametrize("cutoff, windows", [
    # a cutoff on a month's last day has ended that month; the day before has not
    ("2023-11-30", [1, 0, -1]), ("2023-11-29", [0, -1, -1]), ("2023-12-01", [1, 0, -1])])
def test_month_end_windows_count_back_from_the_last_month_ended(cutoff, windows):
    from titans_finance.models.cashflow.schedules import month_end_windows

    dates = pd.Series(pd.to_datetime(["2023-10-31", "2023-11-30", "2023-12-01"]))
    found = month_end_windows(dates, pd.Timestamp(cutoff))
    assert list(found[:2]) == windows[:2]
    assert found[2] == -1  # a month that has not ended (or is after the cutoff)


@pytest.mark.parametrize("cutoff, kept", [("2023-12-30", True), ("2023-12-31", True),
                                          ("2023-11-29", False)])
def test_a_month_end_schedule_counts_calendar_months_not_windows_ending_on_the_cutoff(
        cutoff, kept):
    # cutoff 12-30: the month-long windows ending on it put 10-31 and 11-30 both in
    # (10-30, 11-30]; as calendar months they are two months, so interest is a schedule
    # (and comes on 12-31); on 11-29 November has not ended: one month only
    rows = _rows(("2023-10-31", "Interest", 14.0), ("2023-11-30", "Interest", 18.0))
    found = schedules(rows, pd.Timestamp(cutoff), anchors=("day", "month_end"))
    assert (list(found["anchor"]) == ["month_end"]) is kept
    if kept:
        assert found["amount"].iloc[0] == 18.0  # the latest month's
        assert schedules(rows, pd.Timestamp(cutoff)).empty  # the peer: day 31 and day 30


@pytest.mark.parametrize("other, kept", [(None, True), ("2024-03-10", False)])
def test_a_month_end_schedule_alone_on_its_day_keeps_amounts_that_differ(other, kept):
    # interest on a new account: the first month a part month (4.0, then 12.0: 3x); the
    # counterparty has no other transaction, so no chance same-day match: a schedule.
    # One more transaction of it in the windows: chance is possible, the ratio applies
    rows = [("2024-02-29", "Interest", 4.0), ("2024-03-31", "Interest", 12.0)]
    if other:
        rows.append((other, "Interest", 1.0))
    found = schedules(_rows(*rows), CUTOFF, anchors=("day", "month_end"),
                      max_amount_ratio=2.0)
    assert (list(found["anchor"]) == ["month_end"]) is kept


def test_a_day_schedule_alone_on_its_day_still_needs_amounts_that_agree():
    # a cash deposit on the 27th of two months, 500 then 12,700: no schedule (the day of
    # month has no reason to carry amounts that follow a balance)
    rows = _rows(("2024-03-27", "Deposit", 500.0), ("2024-04-27", "Deposit", 12700.0))
    assert schedules(rows, CUTOFF, max_amount_ratio=2.0).empty
    assert len(schedules(rows, CUTOFF)) == 1  # the peer's


def _monthly(anchor, position, period="M"):
    from titans_finance.models.cashflow.streams import RecurringStream

    return RecurringStream(merchant="cash deposit", sign=1, period=period, anchor=anchor,
                           position=position, amount=1600.0, amount_low=800.0,
                           amount_high=8000.0, exact_share=0.67, occurrences=3,
                           last_date=pd.Timestamp("2024-04-14"))


@pytest.mark.parametrize("day, near", [(10, False), (11, True), (17, True), (18, False)])
def test_a_young_schedule_is_its_counterpartys_stream_only_within_the_jitter(day, near):
    from titans_finance.models.cashflow.parts import _near_a_stream

    assert _near_a_stream(day, "day", _monthly("day", 14), 3) is near


@pytest.mark.parametrize("day, anchor, near", [
    # 5 days before the end: the 23rd-26th; within 3 days: the 20th to the 29th
    (19, "day", False), (20, "day", True), (29, "day", True), (30, "day", False),
    (31, "month_end", False)])
def test_near_a_stream_counted_from_the_months_end(day, anchor, near):
    from titans_finance.models.cashflow.parts import _near_a_stream

    assert _near_a_stream(day, anchor, _monthly("end", 5), 3) is near


def test_a_month_end_schedule_is_near_a_stream_on_the_last_days_and_any_weekly_one():
    from titans_finance.models.cashflow.parts import _near_a_stream

    assert _near_a_stream(31, "month_end", _monthly("day", 25), 3)  # the 28th: 3 away
    assert not _near_a_stream(31, "month_end", _monthly("day", 24), 3)
    assert _near_a_stream(31, "month_end", _monthly("end", 3), 3)
    assert _near_a_stream(3, "day", _monthly("day", 0, period="W"), 3)


def test_a_deposit_on_another_day_than_its_counterpartys_stream_is_a_young_schedule():
    from titans_finance.models.cashflow.parts import _young_schedules

    found = pd.DataFrame({"merchant": ["cash deposit", "cash deposit"], "day": [10, 13],
                          "anchor": ["day", "day"], "position": [10, 13],
                          "amount": [6776.0, 1600.0]})
    future = pd.date_range("2024-05-01", periods=31, freq="D")
    projected = _young_schedules(found, [_monthly("day", 14)], future, 3)
    assert projected[future.get_loc(pd.Timestamp("2024-05-10"))] == 6776.0
    assert projected.sum() == 6776.0  # the 13th is the stream on the 14th


# windows of CUTOFF: days with flows 04-30 (the interest), 04-10 (-300), 03-12 (-100):
# the median day 100 in size, so a one-month booking up to 50 (share 0.5) is a schedule
@pytest.mark.parametrize("interest, kept", [(50.0, True), (50.01, False), (12.0, True)])
def test_a_small_month_end_booking_seen_in_the_last_month_only_is_a_young_schedule(
        interest, kept):
    rows = _rows(("2024-04-30", "Interest", interest), ("2024-04-10", "Shop", -300.0),
                 ("2024-03-12", "Shop", -100.0))
    found = schedules(rows, CUTOFF, anchors=("day", "month_end"),
                      month_end_alone_min_months=1, month_end_alone_max_share=0.5)
    assert (list(found["merchant"]) == ["interest"]) is kept
    if kept:
        assert found["anchor"].iloc[0] == "month_end" and found["amount"].iloc[0] == interest
    # the peer (and the rule switched off) need two months
    assert schedules(rows, CUTOFF, anchors=("day", "month_end")).empty
    assert schedules(rows, CUTOFF, anchors=("day", "month_end"),
                     month_end_alone_min_months=2).empty


@pytest.mark.parametrize("extra", [
    ("2024-04-15", "Interest", 5.0),  # the counterparty came on another day too
    # control: another counterparty on March's last day leaves the interest a schedule
    # (and makes none itself: April ended without it)
    ("2024-03-31", "Other", 1.0)])
def test_a_one_month_booking_of_a_counterparty_seen_on_another_day_is_no_schedule(extra):
    rows = _rows(("2024-04-30", "Interest", 20.0), ("2024-04-10", "Shop", -300.0),
                 ("2024-03-12", "Shop", -100.0), extra)
    found = schedules(rows, CUTOFF, anchors=("day", "month_end"),
                      month_end_alone_min_months=1, month_end_alone_max_share=0.5)
    expected = [] if extra[1] == "Interest" else ["interest"]
    assert sorted(found["merchant"]) == expected


def test_a_one_month_booking_needs_the_last_ended_month():
    # seen on March's last day only: April ended without it (it stopped, or was a one-off)
    rows = _rows(("2024-03-31", "Interest", 20.0), ("2024-04-10", "Shop", -300.0),
                 ("2024-03-12", "Shop", -100.0))
    assert schedules(rows, CUTOFF, anchors=("day", "month_end"),
                     month_end_alone_min_months=1, month_end_alone_max_share=0.5).empty


@pytest.mark.parametrize("min_months, expected", [(1, 20.0), (2, 0.0)])
def test_the_model_projects_a_one_month_booking_by_its_parameters(min_months, expected):
    from titans_finance.models.cashflow.parts import forecast_parts

    rows = _rows(("2024-04-30", "Interest", 20.0), ("2024-04-10", "Shop", -300.0),
                 ("2024-03-12", "Shop", -100.0))
    params = parameters("cashflow", young_month_end_min_months=min_months,
                        young_month_end_max_share=0.5)
    parts = forecast_parts(rows, params, CUTOFF, 31, ("zero",))
    assert parts.net("exact_young+zero")[parts.future.get_loc(pd.Timestamp("2024-05-31"))] \
        == expected


def _transfers(*items):
    """Rows with a payment method: (date, counterparty, amount, method)."""
    return pd.DataFrame([{"date": pd.Timestamp(d), "description": name, "reference": name,
                          "amount": amount, "payment_method": method}
                         for d, name, amount, method in items])


@pytest.mark.parametrize("method, kept", [("bank_transfer", True), ("cash", False),
                                          ("debit_card", False), (None, False)])
def test_a_transfer_seen_once_in_the_last_month_is_a_young_schedule(method, kept):
    # 04-10 is in the last window (03-30, 04-30]; the counterparty came on no other day
    rows = _transfers(("2024-04-10", "Salary AB 123", 3161.0, method),
                      ("2024-03-12", "Shop", -100.0, "debit_card"))
    found = schedules(rows, CUTOFF, transfer_alone_min_months=1)
    assert (list(found["day"]) == [10]) is kept
    assert schedules(rows, CUTOFF).empty  # the peer (and the rule off) need two months
    assert schedules(rows, CUTOFF, transfer_alone_min_months=2).empty


@pytest.mark.parametrize("extra, kept", [
    (("2024-03-20", "Salary AB 123", 100.0, "bank_transfer"), False),  # seen on another day
    (("2024-04-20", "Rent CD 456", -800.0, "bank_transfer"), True)])  # another counterparty
def test_a_transfer_seen_once_needs_a_counterparty_seen_on_no_other_day(extra, kept):
    rows = _transfers(("2024-04-10", "Salary AB 123", 3161.0, "bank_transfer"), extra)
    found = schedules(rows, CUTOFF, transfer_alone_min_months=1)
    assert (10 in set(found["day"])) is kept


def test_a_transfer_seen_once_needs_the_last_month():
    # 03-10 is in the window before the last: a month went by without it
    rows = _transfers(("2024-03-10", "Salary AB 123", 3161.0, "bank_transfer"))
    assert schedules(rows, CUTOFF, transfer_alone_min_months=1).empty


@pytest.mark.parametrize("min_months, expected", [(1, 3161.0), (2, 0.0)])
def test_the_model_projects_a_transfer_seen_once_by_its_parameters(min_months, expected):
    from titans_finance.models.cashflow.parts import forecast_parts

    rows = _transfers(("2024-04-10", "Salary AB 123", 3161.0, "bank_transfer"),
                      ("2024-03-12", "Shop", -100.0, "debit_card"))
    params = parameters("cashflow", young_transfer_min_months=min_months)
    parts = forecast_parts(rows, params, CUTOFF, 30, ("zero",))
    assert parts.net("exact_young+zero")[parts.future.get_loc(pd.Timestamp("2024-05-10"))] \
        == expected
