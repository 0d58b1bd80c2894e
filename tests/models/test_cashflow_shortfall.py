"""The chance of running short: boundaries of "below", of the horizons, of the first day,
and no chance without a known balance."""

import numpy as np
import pandas as pd
import pytest

from tests.models.test_cashflow import _account
from tests.parameters import parameters
from titans_finance.models.cashflow import CashflowModel
from titans_finance.models.cashflow.shortfall import (
    block_bootstrap,
    first_days_below,
    recalibrated,
    shortfall_risk,
)

AS_OF = pd.Timestamp("2024-01-31")


def _risk(opening, expected, residuals=(0.0,), threshold=0.0, horizons=(30, 60, 90),
          schedule=None):
    return shortfall_risk(opening, "export_balance_column", AS_OF, np.asarray(expected, float),
                          np.asarray(residuals, float), threshold, horizons, 200, 7, 0,
                          schedule)


def test_a_balance_exactly_at_the_threshold_is_not_short_a_cent_below_is():
    paths = np.array([[10.0, 0.0, 5.0], [10.0, -0.01, 5.0], [1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(first_days_below(paths, 0.0), [-1, 1, -1])
    np.testing.assert_array_equal(first_days_below(paths, 1.0), [1, 1, -1])


def test_below_on_the_first_day_and_on_the_horizons_last_day():
    expected = np.zeros(90)
    expected[0] = -101.0  # day 1: 100 - 101 < 0
    risk = _risk(100.0, expected)
    assert risk.probability == {30: 1.0, 60: 1.0, 90: 1.0}
    assert risk.first_day == "2024-02-01" and risk.first_day_probability == 1.0
    last = np.zeros(90)
    last[29] = -100.0  # day 30 lands exactly on 0: not below
    assert _risk(100.0, last).probability[30] == 0.0
    last[29] = -100.01  # a cent below on the horizon's last day: within 30 days
    risk = _risk(100.0, last)
    assert risk.probability == {30: 1.0, 60: 1.0, 90: 1.0}
    assert risk.first_day == "2024-03-01" and risk.horizon_end[30] == "2024-03-01"
    day31 = np.zeros(90)
    day31[30] = -100.01  # the day after the 30-day horizon: only the longer ones
    assert _risk(100.0, day31).probability == {30: 0.0, 60: 1.0, 90: 1.0}


def test_an_opening_balance_already_below_is_short_already_whatever_comes():
    salary = np.zeros(90)
    salary[0] = 10_000.0
    risk = _risk(-0.01, salary)
    assert risk.probability == {30: 1.0, 60: 1.0, 90: 1.0}
    assert risk.first_day == "2024-01-31" and "already below" in risk.note
    # exactly at the threshold is not below: the salary keeps it above
    assert _risk(0.0, salary).probability[90] == 0.0


def test_the_threshold_is_declared_not_zero():
    expected = np.full(90, -10.0)  # 1000 → 700 after 30 days
    assert _risk(1000.0, expected, threshold=700.0).probability[30] == 0.0
    assert _risk(1000.0, expected, threshold=700.01).probability[30] == 1.0


def test_no_known_balance_no_probability():
    risk = _risk(None, np.full(90, -10.0))
    assert risk.probability == {} and risk.first_day is None and "not known" in risk.note
    assert risk.opening_balance is None


def test_probability_grows_with_the_horizon_and_is_reproducible():
    rng = np.random.default_rng(0)
    residuals = rng.normal(0, 50, 365)
    one = _risk(300.0, np.full(90, -2.0), residuals)
    two = _risk(300.0, np.full(90, -2.0), residuals)
    assert one == two
    p = one.probability
    assert 0 < p[30] <= p[60] <= p[90] < 1


def test_blocks_keep_consecutive_days_together():
    residuals = np.arange(100, dtype=float)
    draws = block_bootstrap(residuals, 20, 50, 7, np.random.default_rng(1))
    assert draws.shape == (50, 20)
    # inside a block each day follows the one before it
    np.testing.assert_array_equal(np.diff(draws[:, :7], axis=1), 1.0)
    short = block_bootstrap(np.array([1.0, 2.0]), 5, 3, 7, np.random.default_rng(1))
    np.testing.assert_array_equal(short, np.tile([1.0, 2.0, 1.0, 2.0, 1.0], (3, 1)))


def test_drivers_are_the_scheduled_outflows_up_to_the_first_day():
    expected = np.zeros(90)
    expected[4] = -200.0
    schedule = [{"date": "2024-02-05", "merchant": "rent", "amount": -200.0},
                {"date": "2024-02-03", "merchant": "salary", "amount": 500.0},
                {"date": "2024-02-20", "merchant": "gym", "amount": -30.0}]
    risk = _risk(100.0, expected, schedule=schedule)
    assert risk.first_day == "2024-02-05"
    assert [d["merchant"] for d in risk.drivers] == ["rent"]


def test_the_model_gives_the_same_chance_in_its_summary_as_asked_directly():
    account = _account(14)
    account["balance"] = 3000.0 + account["amount"].cumsum()
    model = CashflowModel("exact+daytype_median_52w", parameters("cashflow")).fit(account)
    _, summary = model.predict(30)
    direct = model.shortfall(0.0).as_dict()
    assert summary["shortfall"] == direct
    # the declared threshold's own calibration: below 0 and below a cushion are not alike
    identity = {**parameters("cashflow"), "shortfall_calibration_below_zero": [0.0, 1.0],
                "shortfall_calibration_below_threshold": [0.0, 1.0]}
    model.params = identity
    zero, cushion = model.shortfall(0.0).probability, model.shortfall(500.0).probability
    model.params = {**identity, "shortfall_calibration_below_threshold": [-1.0, 0.5]}
    assert model.shortfall(0.0).probability == zero  # the cushion's map leaves 0 alone
    assert model.shortfall(500.0).probability != cushion
    assert summary["shortfall"]["balance_source"] == "export_balance_column"
    assert set(summary["shortfall"]["probability"]) == {"30", "60", "90"}
    # no balance column, none declared: no chance, said so
    unknown = CashflowModel("exact+daytype_median_52w", parameters("cashflow")).fit(
        _account(14))
    _, summary = unknown.predict(30)
    assert summary["shortfall"]["probability"] == {} and summary["shortfall"]["note"]
    # a balance given with the request is used, and said so
    _, given = unknown.predict(30, opening_balance=-1.0)
    assert given["shortfall"]["balance_source"] == "request"
    assert given["shortfall"]["first_day"] == given["as_of"]
    assert given["shortfall"]["probability"]["30"] == 1.0


def test_recalibration_identity_monotone_and_never_certain_from_a_finite_simulation():
    shares = np.array([0.0, 0.001, 0.2, 0.5, 0.999, 1.0])
    np.testing.assert_array_equal(recalibrated(shares, 0.0, 1.0, 1000), shares)
    mapped = recalibrated(shares, -1.5, 0.45, 1000)
    assert (np.diff(mapped) > 0).all() and 0 < mapped[0] and mapped[-1] < 1
    # 0 of 1,000 paths reads as half a path: the same as a share of 0.0005
    assert mapped[0] == pytest.approx(recalibrated(0.0005, -1.5, 0.45, 1000))
    # slope 1 and intercept 0 is the identity on the logit scale too
    assert recalibrated(0.3, 0.0, 1.0 + 1e-12, 1000) == pytest.approx(0.3)


def test_each_accounts_summary_row_gives_its_longest_horizons_chance():
    from titans_finance.models.cashflow.accounts import _shortfall_columns

    risk = _risk(100.0, np.full(90, -2.0), np.random.default_rng(0).normal(0, 30, 200))
    row = _shortfall_columns(risk.as_dict())
    assert row == {"shortfall_probability": risk.probability[90],
                   "shortfall_before": risk.horizon_end[90],
                   "shortfall_first_day": risk.first_day}
    assert _shortfall_columns(_risk(None, np.zeros(90)).as_dict()) == {
        "shortfall_probability": None, "shortfall_before": None, "shortfall_first_day": None}
