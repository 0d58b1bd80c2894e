"""The chance of running short in words, and the same figure and date in the report, the
app's overview and the service's answer."""

import pandas as pd
import pytest

from tests.models.test_cashflow import _account, _with_balance
from tests.parameters import parameters
from titans_finance.app import views
from titans_finance.models.cashflow import CashflowModel
from titans_finance.pipelines.cashflow.nodes import forecast_cashflow
from titans_finance.pipelines.reporting.nodes import _header
from titans_finance.reporting import charts
from titans_finance.reporting.money import Money
from titans_finance.reporting.shortfall import percent, shortfall_sentence

MONEY = Money("EUR", "declared", ("EUR",))


@pytest.mark.parametrize("probability, text", [
    (0.0, "0 %"), (0.001, "under 1 %"), (0.0049, "under 1 %"), (0.005, "under 1 %"),
    (0.0051, "1 %"), (0.42, "42 %"), (0.9949, "99 %"), (0.995, "over 99 %"),
    (0.9951, "over 99 %"), (0.996, "over 99 %"), (1.0, "100 %")])
def test_percent_never_rounds_a_possible_shortfall_to_none_or_a_sure_one(probability, text):
    # 0.005 (5 paths of 1,000) and 0.995 round half to even to "0" and "100": a chance
    # that some path did go short is never shown as none, nor one some path escaped as sure
    assert percent(probability) == text


def test_the_sentence_says_chance_date_first_day_and_what_is_due_by_then():
    risk = {"threshold": 0.0, "probability": {"30": 0.05, "60": 0.1, "90": 0.25},
            "horizon_end": {"30": "2024-03-01", "60": "2024-03-31", "90": "2024-04-30"},
            "first_day": "2024-03-05",
            "drivers": [{"date": "2024-03-02", "merchant": "landlord", "amount": -800.0}]}
    text = shortfall_sentence(risk, MONEY)
    assert text.startswith("25 % chance of going below €0 before 2024-04-30")
    assert "(5 % within 30 days, 10 % within 60 days)" in text
    assert "most likely first day 2024-03-05, after landlord -€800 on 2024-03-02" in text
    below = {**risk, "opening_balance": -0.01, "as_of": "2024-01-31"}
    assert shortfall_sentence(below, MONEY).startswith(
        "The balance is already below €0 on 2024-01-31; 25 % chance")
    assert not shortfall_sentence({**risk, "opening_balance": 0.0}, MONEY).startswith("The")
    unknown = {"threshold": 0.0, "probability": {}, "note": "the balance is not known"}
    assert shortfall_sentence(unknown, MONEY) == "the balance is not known"
    assert "No chance" in shortfall_sentence(None, MONEY)


def test_report_app_and_service_show_the_same_chance_and_date():
    params = parameters("cashflow", low_balance_threshold=1000.0)
    tx = _account(14)
    tx = _with_balance(tx, opening=10000.0 - tx["amount"].sum())  # 10,000 at the end
    model = CashflowModel("exact+daytype_median_52w", params).fit(tx)
    # the report reads the pipeline's metrics
    table, metrics = forecast_cashflow(model, {}, params)
    risk = metrics["shortfall"]
    assert risk["balance_source"] == "export_balance_column" and risk["probability"]
    assert 0 < risk["probability"]["90"] < 1, risk  # the example is not a foregone one
    # the rent on the 2nd (8,228) takes the balance of 10,000 down before the salary
    assert risk["first_day"] == "2024-03-02" and risk["drivers"][0]["merchant"] == "landlord"
    sentence = shortfall_sentence(risk, MONEY)
    balance = charts.balance_of(metrics, table)
    header = " ".join(_header(tx, {}, MONEY, balance, table, {"cashflow": metrics},
                              pd.DataFrame({"category_source": [], "type": []})))
    assert sentence in header
    assert shortfall_sentence(metrics["shortfall_threshold"], MONEY) in header
    # the app's overview: the same model's summary, the same words
    _, app_summary, _ = views.projected_balances(model)
    assert app_summary["shortfall"] == risk
    assert app_summary["shortfall_threshold"] == metrics["shortfall_threshold"]
    assert views.shortfall_text(app_summary, MONEY).startswith(
        views.as_text(sentence))
    # the service's /forecast/cashflow: predict(horizon, opening_balance, threshold) as called
    _, served = model.predict(45, None, None)
    assert served["shortfall"] == risk and served["shortfall"]["as_of"] == metrics["as_of"]
    assert served["shortfall_threshold"] == metrics["shortfall_threshold"]
