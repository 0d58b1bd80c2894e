import numpy as np
import pandas as pd
import pytest

from titans_finance.models.cashflow import (
    CashflowModel,
    daily_flows,
    detect_recurring,
    recurring_flow,
)

PARAMS = {"min_occurrences": 3, "max_gap_mad_days": 3, "max_amount_cv": 0.15,
          "seasonal_mean_weeks": 4, "interval_coverage": 0.8, "low_balance_threshold": 0.0}


def _transactions(months=8, seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for m in range(months):
        first = pd.Timestamp("2024-01-01") + pd.DateOffset(months=m)
        rows.append((first, "Office Rent", "Property Management", -1200.0, "expense"))
        rows.append((first + pd.Timedelta(days=14), "Retainer", "MainClient", 2000.0, "income"))
    for day in pd.date_range("2024-01-01", periods=months * 30, freq="D"):
        if rng.random() < 0.6:
            rows.append((day, "Coffee", f"Cafe {rng.integers(0, 50)}", -float(rng.uniform(3, 30)),
                         "expense"))
    frame = pd.DataFrame(rows, columns=["date", "description", "reference", "amount", "type"])
    return frame.sort_values("date", kind="stable").reset_index(drop=True)


def test_daily_flows_fill_every_calendar_day():
    daily = daily_flows(_transactions(2))
    assert daily.index.is_monotonic_increasing
    assert len(daily) == (daily.index[-1] - daily.index[0]).days + 1
    np.testing.assert_allclose(daily["net"], daily["inflow"] - daily["outflow"])


def test_monthly_rent_and_retainer_are_detected_and_projected():
    series = detect_recurring(_transactions(), PARAMS)
    found = {(s.merchant, s.kind, s.day) for s in series}
    assert ("property management", "monthly", 1) in found
    assert ("mainclient", "monthly", 15) in found
    assert not any(s.merchant.startswith("cafe") for s in series)
    future = pd.date_range("2024-09-01", "2024-10-31", freq="D")
    flow = recurring_flow(series, future, after=pd.Timestamp("2024-08-31"))
    assert flow.loc["2024-09-01", "outflow"] == 1200 and flow.loc["2024-10-15", "inflow"] == 2000


def test_forecast_covers_the_horizon_with_ordered_intervals():
    tx = _transactions()
    model = CashflowModel("seasonal_mean", PARAMS).fit(tx, residuals=np.linspace(-300, 300, 61))
    table, summary = model.predict(30)
    assert len(table) == 30
    assert table["date"].iloc[0] == pd.Timestamp(tx["date"].max()) + pd.Timedelta(days=1)
    assert (table["lower"] <= table["point"]).all() and (table["point"] <= table["upper"]).all()
    assert summary["total_inflow"] >= 2000  # the retainer falls in the next 30 days
    with pytest.raises(ValueError, match="between 1 and 90"):
        model.predict(91)


def test_first_low_balance_day():
    tx = _transactions()
    model = CashflowModel("seasonal_mean", PARAMS).fit(tx, residuals=np.zeros(10))
    _, summary = model.predict(30, opening_balance=100.0, low_balance_threshold=0.0)
    table, _ = model.predict(30, opening_balance=100.0)
    expected = table.loc[table["balance"] < 0, "date"]
    assert summary["first_low_balance_day"] == (str(expected.iloc[0].date()) if len(expected)
                                                else None)
    _, rich = model.predict(30, opening_balance=1e7)
    assert rich["first_low_balance_day"] is None
