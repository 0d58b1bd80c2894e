"""Boundaries of the history features: the rolling-window edge (both code paths: a whole
table, and one row against a saved history), the history tail kept for the windows, the
same amount to the cent, the cap of "days since the same amount", and the recurring rule's
count, gap range, gap spread and amount spread."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.conftest import clean_rows
from titans_finance.core.feature_params import FeatureParams
from titans_finance.core.features import build_features
from titans_finance.core.history_state import HistoryState

DAY0 = pd.Timestamp("2024-01-01")


def _rows(*items: tuple[int, float], description: str = "CORNER BOOKSHOP") -> pd.DataFrame:
    """One payee's charges: (day offset, amount)."""
    return clean_rows([(DAY0 + pd.Timedelta(days=d), description, None, a) for d, a in items],
                      "debit_card")


def _last(frame: pd.DataFrame, params=None) -> pd.Series:
    """The features of the last row: computed with the whole table, and as the service
    computes them (that row alone against the history of the others); both must agree."""
    whole = build_features(frame, params=params).iloc[-1]
    state = HistoryState.from_frame(frame.iloc[:-1], params)
    alone = build_features(frame.iloc[[-1]], state, params, independent=True).iloc[0]
    for column in ("merchant_count_7d", "merchant_sum_7d", "global_count_7d",
                   "days_since_same_amount", "merchant_count_30d"):
        assert whole[column] == pytest.approx(alone[column]), column
    return whole


@pytest.mark.parametrize("gap, counted", [(6, 1), (7, 1), (8, 0)])
def test_the_seven_day_window_counts_a_charge_exactly_seven_days_earlier(gap, counted):
    last = _last(_rows((0, -12.0), (gap, -30.0)))
    assert last["merchant_count_7d"] == counted
    assert last["merchant_sum_7d"] == pytest.approx(12.0 * counted)
    assert last["global_count_7d"] == counted


@pytest.mark.parametrize("gap, counted", [(29, 1), (30, 1), (31, 0)])
def test_the_thirty_day_window_edge(gap, counted):
    assert _last(_rows((0, -12.0), (gap, -30.0)))["merchant_count_30d"] == counted


@pytest.mark.parametrize("gap, kept", [(89, 2), (90, 2), (91, 1)])
def test_the_history_tail_keeps_rows_exactly_the_longest_window_old(gap, kept):
    state = HistoryState.from_frame(_rows((0, -12.0), (gap, -30.0)))
    assert len(state.tail) == kept
    assert state.last_day - state.tail["day"].min() <= 90


@pytest.mark.parametrize("gap, kept", [(9, 2), (10, 2), (11, 1)])
def test_one_account_of_a_history_keeps_its_tail_to_the_window_edge(gap, kept):
    frame = pd.concat([_rows((0, -12.0), (gap, -30.0)).assign(account="a"),
                       _rows((0, -5.0), description="OTHER SHOP").assign(account="b")],
                      ignore_index=True)
    state = HistoryState.from_frame(frame)
    assert len(state.for_account("a", max_window_days=10).tail) == kept


@pytest.mark.parametrize("second, same", [(-20.00, True), (-20.004, True), (-20.01, False),
                                          (-19.99, False)])
def test_the_same_amount_means_the_same_to_the_cent(second, same):
    last = _last(_rows((0, -20.00), (5, second)))
    assert last["days_since_same_amount"] == (5 if same else 91)


@pytest.mark.parametrize("gap, expected", [(89, 89), (90, 90), (91, 91), (92, 91)])
def test_days_since_the_same_amount_is_capped_one_past_the_longest_window(gap, expected):
    last = _last(_rows((0, -20.0), (gap, -20.0)))
    assert last["days_since_same_amount"] == expected


def _monthly(gaps: list[int], amounts: list[float] | None = None) -> pd.Series:
    days = np.concatenate([[0], np.cumsum(gaps)]).tolist()
    amounts = amounts or [-9.99] * len(days)
    # one more charge after the last gap: its features see every charge before it
    return build_features(_rows(*zip(days, amounts, strict=True), (days[-1] + 30, -9.99)))


@pytest.mark.parametrize("gap, recurring", [(24, False), (25, True), (35, True), (36, False)])
def test_recurring_gap_range_is_inclusive_at_both_ends(gap, recurring):
    assert bool(_monthly([gap, gap, gap])["is_recurring"].iloc[-1]) is recurring


def test_recurring_needs_exactly_the_minimum_count_of_earlier_charges():
    features = _monthly([30, 30, 30])
    # the 3rd charge has 2 earlier ones, the 4th has 3 (recurring_min_count = 3)
    assert features["is_recurring"].tolist()[1:4] == [False, False, True]
    params = FeatureParams(recurring_min_count=4)
    frame = _rows((0, -9.99), (30, -9.99), (60, -9.99), (90, -9.99), (120, -9.99))
    assert build_features(frame, params=params)["is_recurring"].tolist() == [
        False, False, False, False, True]


@pytest.mark.parametrize("limit, recurring", [(4.01, True), (4.0, True), (3.99, False)])
def test_recurring_gap_spread_limit_is_inclusive(limit, recurring):
    # the last charge sees gaps of 26 and 34 days: mean 30, population std exactly 4
    frame = _rows((0, -9.99), (26, -9.99), (60, -9.99), (90, -9.99))
    features = build_features(frame, params=FeatureParams(recurring_gap_std_max=limit))
    assert features["merchant_gap_std"].iloc[-1] == 4.0
    assert bool(features["is_recurring"].iloc[-1]) is recurring


@pytest.mark.parametrize("high, recurring", [(11.0, True), (11.02, False)])
def test_recurring_amount_spread_limit_is_inclusive(high, recurring):
    # amounts 9 and 11: mean 10, std 1, coefficient of variation 0.1 exactly (the limit)
    frame = _rows((0, -9.0), (30, -high), (60, -9.0), (90, -high), (120, -10.0))
    features = build_features(frame, params=FeatureParams(recurring_amount_cv_max=0.1))
    assert bool(features["is_recurring"].iloc[-1]) is recurring


@pytest.mark.parametrize("first, second, same", [(-0.29, -0.28, False), (-0.29, -0.29, True),
                                                 (-1.15, -1.14, False), (-0.57, -0.56, False)])
def test_cents_are_rounded_not_truncated(first, second, same):
    # 0.29 * 100 is 28.999999999999996 in binary floating point: truncating it makes 0.29
    # and 0.28 "the same amount"
    last = _last(_rows((0, first), (5, second)))
    assert last["days_since_same_amount"] == (5 if same else 91)


@pytest.mark.parametrize("day, weekend, business", [
    ("2024-03-08", False, True),   # Friday
    ("2024-03-09", True, False),   # Saturday: the first weekend day
    ("2024-03-10", True, False),   # Sunday
    ("2024-03-11", False, True),   # Monday: the first business day
    ("2024-07-04", False, False),  # a Thursday holiday
])
def test_the_weekend_starts_on_saturday_and_holidays_are_not_business_days(day, weekend,
                                                                           business):
    row = clean_rows([(pd.Timestamp(day), "SHOP", None, -5.0)], "debit_card")
    features = build_features(row).iloc[0]
    assert bool(features["is_weekend"]) is weekend
    assert bool(features["is_business_day"]) is business


@pytest.mark.parametrize("amount, cents, round_1", [
    (-0.29, 29, False), (-1.15, 15, False), (-0.57, 57, False), (-4.99, 99, False),
    (-5.0, 0, True), (-5.01, 1, False)])
def test_the_cents_part_is_rounded_not_truncated(amount, cents, round_1):
    # 0.29 * 100 is 28.999999999999996 in binary floating point: truncated, 28 cents
    last = _last(_rows((0, amount)))
    assert last["cents"] == cents and bool(last["is_round_1"]) is round_1


@pytest.mark.parametrize("earlier, ratio", [([], 1.0), ([-10.0], 3.0), ([-10.0, -20.0], 2.0)])
def test_the_amount_ratio_to_the_payees_mean_from_its_first_earlier_payment(earlier, ratio):
    rows = [(2 * k, amount) for k, amount in enumerate(earlier)] + [(10, -30.0)]
    assert _last(_rows(*rows))["merchant_amount_ratio"] == pytest.approx(ratio)
