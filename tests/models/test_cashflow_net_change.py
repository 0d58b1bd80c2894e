"""One forecast, one figure: the report's headline, its chart, the app's overview and the
service's `/forecast/cashflow` give the horizon's net change of `horizon_net_change` (the
sum of the daily *expected* net, with the running total's range), with and without a
known balance. It used to be the sum of the daily medians in the headline (+17,848) and
the expected net elsewhere (+36,081)."""

import numpy as np
import pandas as pd
import pytest

from tests.models.test_cashflow import PARAMS, _account, _with_balance
from titans_finance.app import views
from titans_finance.models.cashflow import CashflowModel, horizon_net_change
from titans_finance.pipelines.reporting.nodes import _header
from titans_finance.reporting import charts
from titans_finance.reporting.money import Money
from titans_finance.serving.schemas import forecast_days

MONEY = Money("EUR", "declared", ("EUR",))


@pytest.fixture(scope="module", params=["unknown", "export_balance_column"])
def fitted(request):
    tx = _account(8)
    if request.param == "export_balance_column":
        tx = _with_balance(tx, opening=2500.0)
    model = CashflowModel("exact+zero", PARAMS).fit(tx)
    table, summary = model.predict(30)
    return tx, model, table, summary


def test_the_horizon_net_change_is_the_expected_net_and_the_running_totals_range(fitted):
    _, _, table, summary = fitted
    change = horizon_net_change(table)
    assert change.days == 30 and change.last_day == str(table["date"].iloc[-1].date())
    assert change.expected == pytest.approx(table["expected_net"].sum())
    # the boundary this is about: the daily medians add up to something else here
    assert abs(table["point"].sum() - change.expected) > 100.0
    assert change.lower == pytest.approx(table["change_lower"].iloc[-1])
    assert change.upper == pytest.approx(table["change_upper"].iloc[-1])
    assert change.lower < change.expected < change.upper
    # a shorter horizon of the same table is the running total on that day
    assert horizon_net_change(table, 10).expected == pytest.approx(table["change"].iloc[9])
    assert (summary["net"], summary["net_lower"], summary["net_upper"]) == pytest.approx(
        (change.expected, change.lower, change.upper))


def test_report_headline_chart_app_and_api_give_the_same_net_change(fitted):
    tx, model, table, summary = fitted
    change = horizon_net_change(table)
    known = summary["balance_source"] == "export_balance_column"
    start = summary["opening_balance"] if known else 0.0
    end = start + change.expected
    sentence = charts.net_change_sentence(change, MONEY)

    # the report's headline
    balance = charts.balance_of(summary, table)
    assert balance.known is known
    header = " ".join(_header(tx, {}, MONEY, balance, table, {"cashflow": summary},
                              pd.DataFrame({"category_source": [], "type": []})))
    assert f"net change of {sentence}" in header
    assert charts.net_change_sentence(
        change.__class__(**{**change.__dict__, "expected": float(table["point"].sum())}),
        MONEY) not in header
    if known:
        assert f"Projected balance on {change.last_day}: {MONEY.format(end)}" in header
    else:
        assert "Projected balance" not in header and "not known" in header

    # the report's (and the app's) chart: the running total ends on it, the title says it
    figure = charts.cashflow_forecast(tx, table, MONEY, balance)
    line = figure.data[-1]
    assert line.y[-1] == pytest.approx(end)
    assert sentence in figure.layout.title.text

    # the app's overview
    projected, app_summary, _ = views.projected_balances(model)
    day30 = projected[projected["days"] == 30].iloc[0]
    assert day30["net_change"] == pytest.approx(change.expected)
    assert (day30["balance"], day30["lower"], day30["upper"]) == pytest.approx(
        (end, start + change.lower, start + change.upper))

    # the service's /forecast/cashflow: its days and its summary
    days = forecast_days(table)
    assert days[-1]["change"] == round(change.expected, 2)
    assert summary["net"] == pytest.approx(change.expected)
    assert days[-1]["balance"] == (round(end, 2) if known else None)


def test_the_chart_lets_plotly_choose_round_ticks_on_both_axes(fitted):
    tx, _, table, summary = fitted
    figure = charts.cashflow_forecast(tx, table, MONEY, charts.balance_of(summary, table))
    for axis in (figure.layout.yaxis, figure.layout.yaxis2):
        assert axis.tickmode == "auto" and axis.tickvals is None and axis.dtick is None
    # the running total's range on the chart is the model's, never narrowing
    band = figure.data[-2]
    upper, lower = np.asarray(band.y[:30]), np.asarray(band.y[30:])[::-1]
    assert (np.diff(upper - lower) >= -1e-9).all()


def test_the_summary_totals_add_up_to_the_net_change(fitted):
    # the inflow and outflow totals were the most likely days' (+23,076 - 5,229 = +17,848)
    # beside a net of +36,081
    _, _, table, summary = fitted
    assert summary["total_inflow"] - summary["total_outflow"] == pytest.approx(summary["net"])
    # the cash withdrawals (no stream) are expected outflow, not netted into the inflow
    assert summary["total_outflow"] > table["outflow"].sum() > 0
    assert summary["total_inflow"] - summary["total_outflow"] != pytest.approx(
        table["point"].sum())


def test_expected_outflow_is_kept_when_the_other_flows_net_to_an_inflow():
    # irregular client payments outweigh the cash withdrawals: the withdrawals are still
    # expected outflow (netting them into the inflow said "outflow 0" on a real export)
    tx = _account(8)
    rng = np.random.default_rng(4)
    days = pd.date_range(tx["date"].min(), tx["date"].max(), freq="D")
    paid = days[rng.random(len(days)) < 0.15]
    clients = pd.DataFrame({"date": paid, "description": "Client payment",
                            "reference": [f"client {i}" for i in rng.integers(0, 50, len(paid))],
                            "amount": 9000.0, "type": "income"})
    tx = pd.concat([tx, clients]).sort_values("date", kind="stable").reset_index(drop=True)
    model = CashflowModel("exact+zero", PARAMS).fit(tx)
    table, summary = model.predict(30)
    streams_out = table["outflow"].sum()  # exact+zero: the projected streams alone
    withdrawals = -tx.loc[tx["description"] == "Cash withdrawal", "amount"]
    window = tx["date"] > tx["date"].max() - pd.Timedelta(days=90)
    mean_out = withdrawals[window].sum() / 90
    assert summary["total_outflow"] >= streams_out + 30 * mean_out * 0.99
    assert summary["total_inflow"] - summary["total_outflow"] == pytest.approx(summary["net"])
