"""Cash flow per account, and a total without the transfers between the user's accounts."""

import numpy as np
import pandas as pd
import pytest

from tests.parameters import parameters
from titans_finance.models.cashflow import evaluate_cashflow, fit_from_backtest, forecast_accounts
from titans_finance.pipelines.cashflow.nodes import forecast_cashflow_by_account

PARAMS = parameters("cashflow", backtest_folds=1, inner_folds=1, candidates=["exact+zero"])
TRANSFER = 700.0


def _monthly(account, day, amount, description, months):
    dates = pd.date_range("2024-01-01", periods=months, freq="MS") + pd.Timedelta(days=day - 1)
    return pd.DataFrame({"account": account, "date": dates, "amount": amount,
                         "description": description, "reference": description})


@pytest.fixture(scope="module")
def two_accounts():
    """A current account (salary on the 1st, rent on the 3rd, 700 to savings on the 10th)
    and a savings account (the 700 in on the 10th, interest on the 28th); 14 months."""
    rows = pd.concat([
        _monthly("current", 1, 3000.0, "ACME PAYROLL", 14),
        _monthly("current", 3, -1100.0, "RENT", 14),
        _monthly("current", 10, -TRANSFER, "TO SAVINGS", 14),
        _monthly("savings", 10, TRANSFER, "FROM CURRENT", 14),
        _monthly("savings", 28, 4.0, "INTEREST", 14),
    ], ignore_index=True).sort_values(["date", "account"], kind="stable", ignore_index=True)
    rows["is_transfer"] = rows["description"].isin(["TO SAVINGS", "FROM CURRENT"])
    rows["type"] = np.where(rows["amount"] > 0, "income", "expense")
    rows["balance"] = rows.groupby("account")["amount"].cumsum() + 100.0
    rows["transaction_id"] = [f"t{i}" for i in range(len(rows))]
    return rows


def _on_day(forecast, day):
    return forecast.loc[pd.to_datetime(forecast["date"]).dt.day == day]


def test_each_account_forecasts_its_own_flows_transfers_included(two_accounts):
    forecast, summary = forecast_accounts(two_accounts, PARAMS)
    assert summary["account"].tolist() == ["current", "savings"]
    assert summary["evaluated"].all()
    current = forecast[forecast["account"] == "current"]
    savings = forecast[forecast["account"] == "savings"]
    # the transfer moves each account's balance: out of current, into savings
    assert _on_day(current, 10)["point"].tolist() == [-TRANSFER]
    assert _on_day(savings, 10)["point"].tolist() == [TRANSFER]
    assert _on_day(savings, 1)["point"].tolist() == [0.0]  # the salary is not savings'
    assert _on_day(current, 1)["point"].tolist() == [3000.0]
    # each account's balance starts from its own closing balance
    closing = two_accounts.groupby("account")["balance"].last()
    assert summary.set_index("account")["opening_balance"].to_dict() == pytest.approx(
        closing.to_dict())


def test_the_total_leaves_transfers_out(two_accounts):
    table, _, _ = evaluate_cashflow(two_accounts, PARAMS)
    model = fit_from_backtest(two_accounts, table, PARAMS)
    forecast, summary = model.predict(30)
    assert _on_day(forecast, 10)["point"].tolist() == [0.0]  # -700 + 700: not a flow at all
    assert _on_day(forecast, 1)["point"].tolist() == [3000.0]
    assert _on_day(forecast, 3)["point"].tolist() == [-1100.0]
    assert all(s.amount not in (TRANSFER, -TRANSFER) for s in model.recurring)
    # the total balance: both accounts' closing balances together
    assert summary["opening_balance"] == pytest.approx(
        two_accounts.groupby("account")["balance"].last().sum())


def test_a_single_account_export_has_no_separate_per_account_forecast(two_accounts):
    one = two_accounts[two_accounts["account"] == "current"]
    forecast, summary = forecast_cashflow_by_account(one, PARAMS)
    assert forecast.empty and summary.empty
    forecast, summary = forecast_cashflow_by_account(two_accounts, PARAMS)
    assert sorted(forecast["account"].unique()) == ["current", "savings"]
