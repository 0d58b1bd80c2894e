"""Boundaries of the cash-flow model: the conformal rank ceil((n+1)q) (both sides, and the n
where it first falls below n), the band scale's rank and minimum count, the class-size rule
of the interval classes, the fold cut-offs' minimum history, the selection tolerance, the
closing balance's day, a stopped stream, the horizon and the low-balance threshold."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.parameters import parameters
from titans_finance.models.cashflow import (
    MAX_HORIZON,
    MIN_CLASS_ERRORS,
    CashflowModel,
    band_scale,
    choose_candidate,
    closing_balance_from_export,
    conformal_bounds,
    detect_streams,
    fold_cutoffs,
    interval_quantiles,
    rolling_total_quantiles,
)

PARAMS = {**parameters("cashflow"), "horizon_days": 30, "backtest_folds": 3, "inner_folds": 2, "min_history_days": 30,
          "interval_coverage": 0.8, "low_balance_threshold": 0.0, "min_occurrences": 3,
          "min_period_share": 0.7, "max_day_jitter": 3, "amount_window": 6}


# ------------------------------------------------------------------ conformal ranks

def test_the_upper_bound_is_the_ceil_n_plus_one_rank():
    errors = np.array([-5, -4, -3, -2, -1, 1, 2, 3, 4, 5], dtype=float)
    # coverage 0.5: the upper quantile 0.75, rank ceil(11 * 0.75) = 9 → the 9th, 4
    # (rank ceil(10 * 0.75) = 8 would give 3: under-covers)
    assert conformal_bounds(errors, 0.5) == (-4.0, 4.0)


def test_the_lower_bound_is_the_floor_n_plus_one_rank():
    errors = np.array([-6, -5, -4, -3, -2, -1, 1, 2, 3, 4, 5], dtype=float)
    # n = 11, lower quantile 0.25: rank floor(12 * 0.25) = 3 → the 3rd, -4
    # (floor(11 * 0.25) = 2 would give -5)
    low, _ = conformal_bounds(errors, 0.5)
    assert low == -4.0


@pytest.mark.parametrize("n, expected", [(17, 17.0), (18, 18.0), (19, 18.0), (20, 19.0)])
def test_the_upper_rank_first_falls_below_the_largest_error_at_n_19_for_coverage_80(n, expected):
    # coverage 0.8: the upper quantile 0.9; ceil((n + 1) * 0.9) >= n until n = 19 (rank 18)
    errors = np.arange(1, n + 1, dtype=float)
    assert conformal_bounds(errors, 0.8)[1] == expected


def test_bounds_always_hold_zero_and_an_empty_list_gives_zero_width():
    assert conformal_bounds(np.arange(1, 11, dtype=float), 0.8)[0] == 0.0
    assert conformal_bounds(-np.arange(1, 11, dtype=float), 0.8)[1] == 0.0
    assert conformal_bounds(np.array([]), 0.8) == (0.0, 0.0)


@pytest.mark.parametrize("errors, low", [
    ([-3.0, -2.0, -1.0, 1.0], -3.0),  # n = 4, coverage 0.5: rank floor(5 * 0.25) = 1
    ([-3.0, 2.0], -3.0),  # n = 2: rank floor(0.75) = 0, below the first: the smallest
])
def test_a_lower_rank_of_one_or_less_is_the_smallest_error(errors, low):
    assert conformal_bounds(np.array(errors), 0.5)[0] == low


def test_band_scores_divide_each_side_by_its_own_band_and_zero_scores_zero():
    # cumulative errors -2, 0, 0.5, 4, -6, 2, 8, -1, 0, 1 against a band of -2 / +4:
    # below zero / 2, above zero / 4, zero is 0 — every rank read (coverage (k - 0.5) / 11
    # is rank k of 10)
    cumulative = np.array([-2, 0, 0.5, 4, -6, 2, 8, -1, 0, 1])
    errors = pd.DataFrame({"fold": 0, "step": np.arange(1, 11),
                           "expected_error": np.diff(cumulative, prepend=0.0),
                           "error": 100.0,  # the expected error wins where it is given
                           "band_low": -2.0, "band_high": 4.0, "scale": 0.0})
    scores = [band_scale(errors, (k - 0.5) / 11) for k in range(1, 11)]
    assert scores == [0.0, 0.0, 0.125, 0.25, 0.5, 0.5, 1.0, 1.0, 2.0, 3.0]


def _band_errors(n: int) -> pd.DataFrame:
    # one fold, errors of 1 per step against a band of +-1 (no floor): scores 1..n
    return pd.DataFrame({"fold": 0, "step": np.arange(1, n + 1), "error": 1.0,
                         "band_low": -1.0, "band_high": 1.0, "scale": 0.0})


def test_band_scale_needs_ten_scores_and_takes_the_ceil_n_plus_one_rank():
    assert np.isnan(band_scale(_band_errors(9), 0.8))
    assert band_scale(_band_errors(10), 0.8) == 9.0  # rank ceil(11 * 0.8) = 9
    assert band_scale(_band_errors(11), 0.8) == 10.0  # rank ceil(12 * 0.8) = 10


@pytest.mark.parametrize("quiet, own", [(MIN_CLASS_ERRORS - 1, False), (MIN_CLASS_ERRORS, True)])
def test_an_interval_class_uses_its_own_errors_from_min_class_errors_on(quiet, own):
    # quiet days (predicted 0) err by +-1, flow days by +-100
    flow = 60
    errors = pd.DataFrame({
        "fold": 0, "step": np.arange(1, quiet + flow + 1),
        "predicted": np.r_[np.zeros(quiet), np.full(flow, 50.0)],
        "error": np.r_[np.tile([1.0, -1.0], quiet)[:quiet], np.tile([100.0, -100.0], flow // 2)]})
    q = interval_quantiles(errors, 0.8)
    assert (q["daily_quiet_high"] == 1.0) is own
    assert q["daily_flow_high"] == 100.0  # 60 flow errors: always its own


# ------------------------------------------------------------------ folds and selection

@pytest.mark.parametrize("min_history, n_cutoffs", [(69, 3), (70, 3), (71, 2)])
def test_a_fold_needs_exactly_min_history_days_before_its_cutoff(min_history, n_cutoffs):
    index = pd.date_range("2024-01-01", periods=100, freq="D")
    cutoffs = fold_cutoffs(index, horizon=10, n_folds=3, min_history_days=min_history)
    # cut-offs on days 69, 79, 89 (0-based): day 69 closes 70 days of history
    assert len(cutoffs) == n_cutoffs
    assert cutoffs[-1] == index[89]


def _two_methods(mae_a: float, mae_b: float) -> pd.DataFrame:
    return pd.DataFrame({"fold": [0, 0], "method": ["a", "b"], "error": [mae_a, mae_b],
                         "scale": [1.0, 1.0]})


@pytest.mark.parametrize("tolerance, chosen", [(0.11, "a"), (0.1, "a"), (0.09, "b")])
def test_the_simpler_candidate_wins_within_the_tolerance_inclusive(tolerance, chosen):
    # MASE: a 1.1, b 1.0; a is within 10 % of the best
    assert choose_candidate(_two_methods(1.1, 1.0), [0], ["a", "b"], "a", tolerance) == chosen


def test_an_exact_tie_goes_to_the_simpler_candidate():
    assert choose_candidate(_two_methods(1.0, 1.0), [0], ["a", "b"], "b", 0.0) == "a"
    assert choose_candidate(_two_methods(1.0, 0.999), [0], ["a", "b"], "a", 0.0) == "b"


# ------------------------------------------------------------------ balance, streams

def test_the_closing_balance_adds_only_the_days_after_the_last_written_balance():
    frame = pd.DataFrame({
        "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]),
        "amount": [100.0, -30.0, -7.0, -1.0],
        "balance": [100.0, 70.0, np.nan, np.nan]})
    # the last written balance closes the 2nd (70); the 3rd and the 4th are added
    assert closing_balance_from_export(frame) == pytest.approx(62.0)


def _monthly_rent(last_day_offset: int) -> tuple[pd.DataFrame, pd.Timestamp]:
    dates = pd.date_range("2024-01-01", periods=6, freq="MS")
    frame = pd.DataFrame({"date": dates, "description": "Rent", "reference": "LANDLORD",
                          "amount": -800.0})
    return frame, dates[-1] + pd.Timedelta(days=last_day_offset)


@pytest.mark.parametrize("days, projected", [(47, True), (48, True), (49, False)])
def test_a_monthly_stream_stops_after_one_and_a_half_periods_plus_the_jitter(days, projected):
    # 1.5 * 30.44 + 3 = 48.66 days after its last payment
    frame, as_of = _monthly_rent(days)
    streams = detect_streams(frame, PARAMS, as_of=as_of)
    assert (len(streams) == 1) is projected


def test_streams_see_transactions_up_to_and_including_the_as_of_day():
    frame, _ = _monthly_rent(0)
    as_of = frame["date"].iloc[-1]
    assert detect_streams(frame, PARAMS, as_of=as_of)[0].occurrences == 6
    assert detect_streams(frame, PARAMS, as_of=as_of - pd.Timedelta(days=1))[0].occurrences == 5


def _quiet_account() -> pd.DataFrame:
    """Sixty days without money moving; with an opening balance of 500 (below), the
    forecast balance stays exactly 500."""
    dates = pd.date_range("2024-01-01", periods=60, freq="D")
    return pd.DataFrame({"date": dates, "description": "Shop", "reference": None,
                         "amount": 0.0, "type": "income"})


QUIET = {**PARAMS, "opening_balance": 500.0}


def test_the_horizon_is_one_to_max_horizon_days_inclusive():
    model = CashflowModel("exact+zero", PARAMS).fit(_quiet_account())
    assert len(model.predict(1)[0]) == 1
    assert len(model.predict(MAX_HORIZON)[0]) == MAX_HORIZON
    for outside in (0, MAX_HORIZON + 1):
        with pytest.raises(ValueError, match="horizon_days"):
            model.predict(outside)


def test_a_balance_exactly_at_the_low_balance_threshold_is_not_low():
    model = CashflowModel("exact+zero", QUIET).fit(_quiet_account())
    _, at = model.predict(10, low_balance_threshold=500.0)  # flat at 500
    assert at["closing_balance"] == 500.0 and at["first_low_balance_day"] is None
    _, above = model.predict(10, low_balance_threshold=500.01)
    assert above["first_low_balance_day"] == "2024-03-01"
    assert model.predict(10, low_balance_threshold=499.99)[1]["first_low_balance_day"] is None


def test_as_of_may_be_the_last_transaction_day_not_before():
    frame = _quiet_account()
    last = frame["date"].max()
    assert CashflowModel("exact+zero", PARAMS).fit(frame, as_of=last).as_of == last
    with pytest.raises(ValueError, match="before the export's last transaction"):
        CashflowModel("exact+zero", PARAMS).fit(frame, as_of=last - pd.Timedelta(days=1))


@pytest.mark.parametrize("n, measured_to", [(12, 3), (13, 4)])
def test_window_totals_are_measured_while_there_are_min_windows_windows(n, measured_to):
    # a residual of 1 every day: an h-day total is exactly h where measured; past the last
    # measured length h0 it is scaled as h0 * sqrt(h / h0)
    _, high = rolling_total_quantiles(np.ones(n), steps=6, coverage=0.8, min_windows=10)
    assert high[measured_to - 1] == pytest.approx(measured_to)
    assert high[measured_to] == pytest.approx(np.sqrt(measured_to * (measured_to + 1)))
    assert high[measured_to] < measured_to + 1


def _window_total_quantiles(residual: list[float], h: int, coverage: float):
    # every h-day window's total, summed one window at a time
    totals = [sum(residual[i:i + h]) for i in range(len(residual) - h + 1)]
    alpha = (1 - coverage) / 2
    return np.quantile(totals, [alpha, 1 - alpha])


def test_window_total_quantiles_each_side_measured_then_scaled_and_held_around_zero():
    residual = [1.0, -2.0, 3.0, -4.0, 5.0, -6.0, 7.0, -8.0, 9.0, -10.0, 11.0, -12.0]
    low, high = rolling_total_quantiles(np.array(residual), steps=5, coverage=0.5)
    # 12 days: 12, 11 and 10 windows of 1, 2 and 3 days are measured (the default
    # min_windows is 10); 4 and 5 days are the 3-day quantiles times sqrt(h / 3)
    measured = [_window_total_quantiles(residual, h, 0.5) for h in (1, 2, 3)]
    expected_low = [min(q[0], 0.0) for q in measured]
    expected_high = [max(q[1], 0.0) for q in measured]
    for h in (4, 5):
        expected_low.append(min(measured[2][0] * np.sqrt(h / 3), 0.0))
        expected_high.append(max(measured[2][1] * np.sqrt(h / 3), 0.0))
    assert low == pytest.approx(expected_low) and high == pytest.approx(expected_high)
    assert (low < 0).all() and (high > 0).all()


@pytest.mark.parametrize("residual, expected_high", [
    ([5.0], [5.0, 5.0 * np.sqrt(2.0)]),  # one day: measured at h = 1 only, then scaled
    ([-5.0], [0.0, 0.0]),  # a negative total: the high side held at zero
])
def test_one_day_of_residual_measures_one_day_totals_and_holds_zero_inside(residual,
                                                                            expected_high):
    low, high = rolling_total_quantiles(np.array(residual), steps=2, coverage=0.8)
    assert high == pytest.approx(expected_high)
    assert low == pytest.approx([min(residual[0], 0.0), min(residual[0], 0.0) * np.sqrt(2.0)])
    empty_low, empty_high = rolling_total_quantiles(np.array([]), steps=2, coverage=0.8)
    assert empty_low.tolist() == empty_high.tolist() == [0.0, 0.0]


def test_interval_quantiles_report_every_bound_of_the_chosen_errors():
    # 20 quiet days erring by -1..+1 and 20 flow days by -10..+10 (two folds of 20 steps);
    # the balance side from the expected errors where the frame has them
    quiet_errors = np.tile([-1.0, 0.0, 1.0, 0.5], 5)
    flow_errors = np.linspace(-10.0, 10.0, 20)
    errors = pd.DataFrame({
        "fold": np.repeat([0, 1], 20), "step": np.tile(np.arange(1, 21), 2),
        "predicted": np.r_[np.zeros(20), np.full(20, 50.0)],
        "error": np.r_[quiet_errors, flow_errors],
        "expected_error": np.r_[quiet_errors, flow_errors] / 2,
        "band_low": -5.0, "band_high": 5.0, "scale": 4.0})
    q = interval_quantiles(errors, 0.8)
    daily = np.r_[quiet_errors, flow_errors]
    cumulative = (errors.groupby("fold")["expected_error"].cumsum().to_numpy()
                  / np.sqrt(errors["step"].to_numpy()))
    expected = dict(zip(("daily_low", "daily_high"), conformal_bounds(daily, 0.8)))
    expected.update(zip(("daily_quiet_low", "daily_quiet_high"),
                        conformal_bounds(quiet_errors, 0.8)))
    expected.update(zip(("daily_flow_low", "daily_flow_high"),
                        conformal_bounds(flow_errors, 0.8)))
    expected.update(zip(("cumulative_low", "cumulative_high"),
                        conformal_bounds(cumulative, 0.8)))
    expected.update(band_scale=band_scale(errors, 0.8), band_floor=1.0, n_errors=40)
    assert q == expected
    assert q["daily_quiet_low"] == -1.0 and q["daily_flow_low"] < -1.0  # each its own
    assert q["cumulative_low"] < 0 < q["cumulative_high"]
    # no errors: zero-width bounds, no scale, the same keys
    empty = interval_quantiles(errors.iloc[:0], 0.8)
    assert set(empty) == set(q) and empty["n_errors"] == 0 and np.isnan(empty["band_scale"])
    assert all(v == 0.0 for k, v in empty.items() if k not in ("band_scale", "n_errors"))
    # without a predicted column every day is quiet: the quiet bounds are the pooled ones
    pooled = interval_quantiles(errors.drop(columns="predicted"), 0.8)
    assert (pooled["daily_quiet_low"], pooled["daily_quiet_high"]) == (
        pooled["daily_low"], pooled["daily_high"])


@pytest.mark.parametrize("first_day, anchor, position", [
    # the first deposit on the 15th lands within 3 days of "17 before the end" (July: 16)
    # but not of the 11th: one period more for the end anchor, seven exact days fewer
    (15, "day", 11),
    # on the 11th like the others: both anchors see every period, the day is exact in all
    (11, "day", 11)])
def test_a_stream_anchor_counts_exact_days_not_only_periods_within_the_jitter(
        first_day, anchor, position):
    dates = [pd.Timestamp(f"2022-07-{first_day}")] + list(
        pd.date_range("2022-08-01", "2023-02-01", freq="MS") + pd.Timedelta(days=10))
    frame = pd.DataFrame({"date": dates, "description": "Cash deposit",
                          "reference": "cash deposit", "amount": 17308.0})
    streams = detect_streams(frame, PARAMS, as_of=pd.Timestamp("2023-02-28"))
    assert [(s.anchor, s.position) for s in streams] == [(anchor, position)]
    assert streams[0].exact_share == 1.0  # the 11th in each of its periods


def _every(days: int, start: str, n: int, amount: float = -4000.0) -> pd.DataFrame:
    dates = pd.Timestamp(start) + pd.to_timedelta(np.arange(n) * days, unit="D")
    return pd.DataFrame({"date": dates, "description": "Cash withdrawal",
                         "reference": "cash withdrawal", "amount": amount})


def test_a_stream_every_30_days_is_projected_on_its_cycle_not_on_a_calendar_anchor():
    # 09-22, 10-22, 11-21, 12-21, 01-20, 02-19: it drifts a day a month through the month
    frame = _every(30, "2023-09-22", 6)
    stream = detect_streams(frame, PARAMS, as_of=pd.Timestamp("2024-02-29"))[0]
    assert stream.cycle_days == 30 and stream.exact_share == 1.0
    dates = stream.dates_between(pd.Timestamp("2024-03-01"), pd.Timestamp("2024-04-30"))
    assert list(dates) == [pd.Timestamp("2024-03-20"), pd.Timestamp("2024-04-19")]


def test_a_stream_on_its_day_of_month_keeps_its_calendar_anchor():
    # gaps 31, 30, 31, 30, 31 days: the 5th explains every date, a 30- or 31-day cycle
    # three in five at most (a cycle only when it explains more than the anchor)
    dates = pd.date_range("2023-09-05", periods=6, freq="MS") + pd.Timedelta(days=4)
    frame = pd.DataFrame({"date": dates, "description": "Rent", "reference": "landlord",
                          "amount": -800.0})
    stream = detect_streams(frame, PARAMS, as_of=pd.Timestamp("2024-02-29"))[0]
    assert stream.cycle_days == 0 and (stream.anchor, stream.position) == ("day", 5)


@pytest.mark.parametrize("exact_share, expected", [
    (1.0, -2500.0),  # always on its day: the stream's amount (its median)
    # the 1/3 quantile of 1000, 2000, 2500, 3000, 4000 (in size): a third of 2000-2500
    (0.75, -2000.0 - 500.0 / 3),
    (0.5, -1000.0),  # on its day half the time: the smallest (quantile 0)
    (0.4, -1000.0)])  # below a half: no lower than the smallest either
def test_the_likely_amount_shrinks_with_the_chance_of_landing_on_the_day(exact_share,
                                                                           expected):
    from titans_finance.models.cashflow.streams import RecurringStream

    stream = RecurringStream(merchant="cash", sign=-1, period="M", anchor="day", position=5,
                             amount=-2500.0, amount_low=-1000.0, amount_high=-4000.0,
                             exact_share=exact_share, occurrences=5,
                             last_date=pd.Timestamp("2024-02-05"),
                             recent_amounts=(-1000.0, -4000.0, -2500.0, -2000.0, -3000.0))
    assert stream.likely_amount() == pytest.approx(expected)


@pytest.mark.parametrize("exact_share, expected", [
    (1.0, -3000.0),  # always on its day: the stream's amount, moved to the last two's
    (0.999, -2499.0)])  # a hair less: a quantile of the recent amounts (just under half)
def test_a_stream_that_always_lands_is_forecast_at_its_own_amount(exact_share, expected):
    from titans_finance.models.cashflow.streams import RecurringStream

    stream = RecurringStream(merchant="rent", sign=-1, period="M", anchor="day", position=5,
                             amount=-3000.0, amount_low=-1000.0, amount_high=-3000.0,
                             exact_share=exact_share, occurrences=5,
                             last_date=pd.Timestamp("2024-02-05"),
                             recent_amounts=(-1000.0, -2000.0, -2500.0, -3000.0, -3000.0))
    assert stream.likely_amount() == pytest.approx(expected, abs=0.5)


@pytest.mark.parametrize("dates, cycle_days, anchor", [
    # gaps 31 and 31 (December and January): the 5th explains every date as well as the
    # 31-day cycle does: a tie keeps the calendar anchor
    (["2023-12-05", "2024-01-05", "2024-02-05"], 0, ("day", 5)),
    # every 30 days, three times: the cycle explains both gaps, no day of the month all
    # three dates (the fewest dates a cycle is measured on)
    (["2023-12-20", "2024-01-19", "2024-02-18"], 30, None)])
def test_a_cycle_needs_three_dates_and_must_explain_more_than_the_anchor(dates, cycle_days,
                                                                        anchor):
    frame = pd.DataFrame({"date": pd.to_datetime(dates), "description": "Gym",
                          "reference": "gym", "amount": -40.0})
    [stream] = detect_streams(frame, PARAMS, as_of=pd.Timestamp("2024-02-29"))
    assert stream.cycle_days == cycle_days
    if anchor:
        assert (stream.anchor, stream.position) == anchor


def test_when_a_stream_comes_is_its_cycle_when_it_has_one_else_its_anchor():
    frame = _every(30, "2023-09-22", 6)
    stream = detect_streams(frame, PARAMS, as_of=pd.Timestamp("2024-02-29"))[0]
    assert stream.when == "every 30 days"
    frame, as_of = _monthly_rent(0)
    assert detect_streams(frame, PARAMS, as_of=as_of)[0].when == 1  # the 1st of the month


@pytest.mark.parametrize("first, cycle_dates, balance_dates", [
    # last on 03-01: 30 days on is 03-31, a second withdrawal in March (a month it has
    # been seen in): the daily forecast has it, the balance waits for April's anchor
    ("2023-10-03", ["2024-03-31", "2024-04-30"], ["2024-04-01"]),
    # last on 03-02: 30 days on is 04-01, April's: both project it once in April
    ("2023-10-04", ["2024-04-01"], ["2024-04-02"])])
def test_the_balance_projects_a_cycle_stream_once_per_month_on_its_anchor(
        first, cycle_dates, balance_dates):
    from titans_finance.models.cashflow.parts import forecast_parts

    # every 30 days: a month with two (01-01 and 01-31) leaves its
    # second one to the other flows, whose mean level the balance also follows: projecting
    # the cycle in the balance would count that one twice
    frame = _every(30, first, 6)
    as_of = pd.Timestamp("2024-03-05")
    parts = forecast_parts(frame, PARAMS, as_of, 56, ("zero",))  # to 04-30
    [stream] = parts.streams
    assert stream.cycle_days == 30
    days = parts.future

    def outflow_days(outflow: np.ndarray) -> list[str]:
        return [str(d.date()) for d in days[outflow > 0]]

    # the daily forecasts (what MASE scores) keep the cycle
    assert outflow_days(parts.stream_flow["exact"][1]) == cycle_dates
    assert outflow_days(parts.stream_flow["all"][1]) == cycle_dates
    # the balance: the calendar anchor once per month not yet seen, plus the rest's level
    assert outflow_days(parts.stream_flow["balance"][1]) == balance_dates
    rest_in, rest_out = parts.rest_flow_levels
    expected = parts.expected("exact_young+zero")
    assert expected.min() == pytest.approx(-4000.0 - rest_out + rest_in)
    assert (expected <= -4000.0).sum() == len(balance_dates)
    assert [item["date"] for item in parts.schedule] == balance_dates


@pytest.mark.parametrize("amounts, agree", [
    ((-1000.0, -3000.0, -2000.0), True),  # largest exactly 3 x the smallest
    ((-1000.0, -3000.01, -2000.0), False),  # just above
    ((-1000.0, -2999.0), True),
    ((500.0, -1500.0), True),  # sizes: the sign is the stream's, not the ratio's
    ((), False)])
def test_amounts_agree_at_the_ratio_and_not_above(amounts, agree):
    from titans_finance.models.cashflow.streams import amounts_agree

    assert amounts_agree(np.array(amounts), 3.0) is agree


@pytest.mark.parametrize("largest, in_daily_forecast", [
    (-3000.0, True),  # 3 x the smallest: a fixed-enough payment, on its cycle
    (-3001.0, False),  # above: a habit, left to the other flows day by day
    (-2000.0, True)])
def test_a_cycle_stream_is_in_the_daily_forecast_only_when_its_amounts_agree(
        largest, in_daily_forecast):
    from titans_finance.models.cashflow.parts import forecast_parts

    frame = _every(30, "2023-09-22", 6)
    frame["amount"] = [-1000.0, -1500.0, largest, -1200.0, -1000.0, -2000.0]
    params = {**PARAMS, "cycle_max_amount_ratio": 3.0}
    as_of = pd.Timestamp("2024-02-29")
    parts = forecast_parts(frame, params, as_of, 30, ("zero",))
    [stream] = parts.streams
    assert stream.cycle_days == 30  # the stream and its cycle stay either way
    assert stream.exact_share == (1.0 if in_daily_forecast else 0.0)
    days = [str(d.date()) for d in parts.future[parts.stream_flow["exact"][1] > 0]]
    assert days == (["2024-03-20"] if in_daily_forecast else [])
    # the "all" set projects it on its cycle and the balance on its anchor, whatever
    assert [str(d.date()) for d in parts.future[parts.stream_flow["all"][1] > 0]] == [
        "2024-03-20"]
    assert parts.stream_flow["balance"][1].sum() > 0


def test_a_lower_bound_exactly_at_the_threshold_is_no_risk_a_cent_under_is():
    """The quiet account's band is zero: its lower balance is 500 exactly, like its point."""
    model = CashflowModel("exact+zero", QUIET).fit(_quiet_account())
    table, at = model.predict(10, low_balance_threshold=500.0)
    assert (table["balance_lower"] == 500.0).all()
    assert at["first_day_balance_may_be_low"] is None
    _, above = model.predict(10, low_balance_threshold=500.01)
    assert above["first_day_balance_may_be_low"] == "2024-03-01"
    _, below = model.predict(10, low_balance_threshold=499.99)
    assert below["first_day_balance_may_be_low"] is None


def _fold_table(own_error: float) -> pd.DataFrame:
    """Four folds of five days of the default candidate: errors of 1 in folds 0-2, and
    ``own_error`` in fold 3."""
    rows = []
    for fold in range(4):
        error = own_error if fold == 3 else 1.0
        for step in range(1, 6):
            rows.append({"fold": fold, "method": PARAMS["default_candidate"], "step": step,
                         "actual": 10.0 + error, "predicted": 10.0, "expected": 10.0,
                         "scale": 1.0, "band_low": np.nan, "band_high": np.nan})
    table = pd.DataFrame(rows)
    table["error"] = table["actual"] - table["predicted"]
    table["expected_error"] = table["actual"] - table["expected"]
    return table


def test_a_folds_interval_comes_from_the_folds_before_it_never_its_own_errors():
    from titans_finance.models.cashflow.backtest import nested_backtest

    params = {**PARAMS, "backtest_folds": 2, "inner_folds": 2}
    quiet, loud = (nested_backtest(_fold_table(e), [None] * 4, params) for e in (1.0, 500.0))
    for outer in (quiet, loud):
        assert sorted(outer["fold"].unique()) == [2, 3]
        last = outer[outer["fold"] == 3]
        # folds 0-2 erred by exactly +1: the upper daily bound is 1 above the point
        assert np.allclose(last["upper"] - last["predicted"], 1.0)
        assert last["has_interval"].all()
    np.testing.assert_array_equal(quiet.loc[quiet["fold"] == 3, "upper"],
                                  loud.loc[loud["fold"] == 3, "upper"])
