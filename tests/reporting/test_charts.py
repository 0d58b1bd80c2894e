import numpy as np
import pandas as pd
import pytest

from titans_finance.reporting import charts, scorecards
from titans_finance.reporting.money import Money


def _clean():
    return pd.DataFrame({
        "date": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-02-03", "2024-02-10"]),
        "type": ["expense", "income", "expense", "expense"],
        "amount": [-50.0, 2000.0, -1200.0, -20.0],
        "category": ["fuel", None, "rent", None],
    })


def test_income_vs_expenses_sums_each_month():
    figure = charts.income_vs_expenses(_clean())
    income, expenses, net = figure.data
    assert list(income.y) == [2000.0, 0.0] and list(expenses.y) == [50.0, 1220.0]
    assert list(net.y) == [1950.0, -1220.0]


def test_spending_by_category_keeps_uncategorised_expenses():
    figure = charts.spending_by_category(_clean())
    names = {trace.name for trace in figure.data}
    assert names == {"fuel", "rent", "uncategorised"}


def test_spending_by_category_shows_predicted_categories_hatched():
    categorised = _clean().assign(category=["fuel", None, "rent", "fuel"],
                                  category_source=["export", "none", "export", "predicted"])
    figure = charts.spending_by_category(categorised)
    by_name = {trace.name: trace for trace in figure.data}
    assert "uncategorised" not in by_name
    predicted = by_name["fuel (predicted)"]
    assert predicted.marker.pattern.shape == "/" and list(predicted.y) == [0.0, 20.0]
    assert by_name["fuel"].marker.color == predicted.marker.color
    assert "1 expenses categorised by the model" in figure.layout.title.text


def test_every_category_of_a_big_export_has_its_own_colour():
    categories = [f"category {i:02d}" for i in range(21)]
    colours = charts.category_colours([*categories, "other categories", "uncategorised"])
    assert len({colours[c] for c in categories}) == 21
    assert colours["other categories"] not in {colours[c] for c in categories}


def test_money_axes_use_the_exports_currency_and_never_assume_dollars():
    euro = charts.income_vs_expenses(_clean(), Money("EUR", "export", ("EUR",)))
    assert euro.layout.yaxis.tickprefix == "€" and "(EUR)" in euro.layout.yaxis.title.text
    unknown = charts.income_vs_expenses(_clean())
    assert not unknown.layout.yaxis.tickprefix and "$" not in unknown.to_json()
    assert "currency not stated" in unknown.layout.yaxis.title.text


def test_top_merchants_are_named_as_the_export_writes_them():
    clean = _clean()
    features = pd.DataFrame({"merchant_key": ["shell", "mainclient", "property management",
                                              "shell"]})
    names = {"shell": "SHELL", "property management": "Property Management"}
    figure = charts.top_merchants(clean, features, names=names)
    assert list(figure.data[0].y) == ["SHELL", "Property Management"]


def test_scorecard_shows_the_strongest_baseline_from_the_contract():
    card = {"metric": "mase", "lower_is_better": True, "model": 0.82,
            "baselines": {"seasonal_naive_7": 1.12, "naive": 0.91, "same_day_last_month": 0.80},
            "best_baseline": "same_day_last_month", "beats_best_baseline": False,
            "advantage": -0.02, "advantage_se": 0.005, "verdict": "behind",
            "meaning": "MASE: forecast error relative to a naive forecast"}
    figure = scorecards.model_scorecard({"cashflow": {"scorecard": card}})
    model, _, measured, value, baseline, beats = figure.data[0].cells.values
    assert list(model) == ["cashflow"] and list(value) == ["0.820"]
    assert list(baseline)[0].startswith("0.800") and "same day of the last month" in baseline[0]
    assert list(beats) == ["behind"] and "lower is better" in measured[0]
    (finding,) = scorecards.scorecard_findings({"cashflow": {"scorecard": card}})
    assert "is behind its strongest simple baseline" in finding
    assert "difference 0.020, noise margin 0.010" in finding


def test_scorecard_without_the_contract_picks_the_stronger_of_the_old_baselines():
    # the run the issue saw: seasonal-7 (1.12) was shown, the stronger last value (0.91) hidden
    metrics = {"cashflow": {"mase": 0.95, "baseline_seasonal7_mase": 1.12,
                            "baseline_last_mase": 0.91, "coverage": 0.8}}
    card = scorecards.scorecard_of("cashflow", metrics["cashflow"])
    assert card["best_baseline"] == "naive" and card["beats_best_baseline"] is False
    figure = scorecards.model_scorecard(metrics)
    assert figure.data[0].cells.values[4][0].startswith("0.910")
    # older metrics carry no noise estimate: no verdict either way
    assert figure.data[0].cells.values[5][0] == "no noise estimate"


def test_scorecard_money_metric_in_the_exports_currency():
    figure = scorecards.model_scorecard({"amount": {"holdout_mae": 10.0, "baseline_mae": 12.5}},
                                    Money("GBP", "export", ("GBP",)))
    _, _, measured, value, baseline, beats = figure.data[0].cells.values
    assert list(value) == ["£10.00"] and baseline[0].startswith("£12.50")
    assert list(beats) == ["no noise estimate"]
    assert measured[0].startswith("MAE: the typical size of a miss")


def test_anomaly_scorecard_without_ground_truth_says_not_measured():
    card = {"metric": "pr_auc", "lower_is_better": False, "model": None, "baselines": {},
            "best_baseline": None, "beats_best_baseline": None,
            "meaning": "no labelled anomalies describe this export"}
    figure = scorecards.model_scorecard({"anomaly": {"scorecard": card}})
    assert figure.data[0].cells.values[5][0] == "not measured"
    assert "could not be measured" in scorecards.scorecard_findings({"anomaly": {"scorecard": card}})[0]


def test_confusion_matrix_shows_counts():
    figure = charts.confusion_matrix({"confusion_matrix": {"labels": ["a", "b"],
                                                           "matrix": [[3, 1], [0, 2]]}})
    assert [list(row) for row in figure.data[0].text] == [[3, 1], [0, 2]]


def _forecast(start_balance: float | None) -> pd.DataFrame:
    """A forecast table as `CashflowModel.predict` writes it (balance null when unknown)."""
    point = np.array([10.0, -5.0, 20.0])
    change = point.cumsum()
    band = 3 * np.sqrt(np.arange(1, 4))
    start = np.nan if start_balance is None else start_balance
    return pd.DataFrame({"date": pd.date_range("2025-01-01", periods=3), "point": point,
                         "lower": point - 3, "upper": point + 3, "expected_net": point,
                         "change": change, "change_lower": change - band,
                         "change_upper": change + band, "balance": start + change,
                         "balance_lower": start + change - band,
                         "balance_upper": start + change + band})


@pytest.mark.parametrize("metrics", [{}, {"confusion_matrix": {"labels": [], "matrix": []}},
                                     {"confusion_matrix": None}])
def test_confusion_matrix_of_an_unlabelled_export_says_there_is_no_holdout(metrics):
    figure = charts.confusion_matrix(metrics)
    assert not figure.data
    assert "No labelled hold-out" in figure.layout.annotations[0].text


def test_unknown_balance_is_drawn_as_the_change_since_the_last_day():
    forecast = _forecast(None)
    balance = charts.balance_of({}, forecast, {"opening_balance": 0.0})
    assert not balance.known and balance.as_of == "2024-12-31" and balance.start is None
    assert "not known" in balance.note(Money(None, "unknown"))
    figure = charts.cashflow_forecast(_clean(), forecast, balance=balance)
    line = figure.data[-1]
    assert line.name == "change since 2024-12-31" and list(line.y) == [10.0, 5.0, 25.0]


@pytest.mark.parametrize("source, known", [("export_balance_column", True),
                                           ("declared_opening_balance", True),
                                           ("assumed_zero", False), ("unknown", False)])
def test_balance_basis_follows_the_cashflow_model(source, known):
    forecast = _forecast(500.0 if known else None)
    balance = charts.balance_of({"balance_source": source, "as_of": "2024-12-31"}, forecast)
    assert balance.known is known
    assert balance.start == (pytest.approx(500.0) if known else None)
    figure = charts.cashflow_forecast(_clean(), forecast, Money("EUR", "export"), balance)
    if known:
        assert figure.data[-1].name == "projected balance"
        assert list(figure.data[-1].y) == [510.0, 505.0, 525.0]


def test_a_declared_opening_balance_counts_as_known_for_older_cashflow_metrics():
    assert charts.balance_of({}, _forecast(100.0), {"opening_balance": 2500.0}).known


def test_drift_check_of_an_earlier_training_set_is_not_shown_as_this_runs():
    report = {"verdict": "drift", "batch_period": ["2024-01-01", "2024-02-01"], "features": [
        {"feature": "kw_software", "psi": 0.4, "verdict": "drift"}], "category_mix": {}}
    stale = charts.drift_summary(report, current=False)
    assert "not checked yet" in stale.layout.title.text and not stale.data
    assert "DRIFT" not in stale.layout.title.text
    shown = charts.drift_summary(report, current=True)
    assert shown.layout.title.text.startswith("Drift verdict: DRIFT")
    assert "description mentions software" in shown.data[0].y[0]
    assert "PSI" in shown.layout.xaxis.title.text


def test_tables_are_rendered_with_every_row():
    rows = [{"merchant": f"m{i}", "kind": "monthly", "day": i, "amount": -10.0 * i,
             "last_date": "2025-01-01", "occurrences": 4} for i in range(40)]
    page = charts.table_html(charts.recurring_payments(rows))
    assert page.count("<tr>") == 41 and "m39" in page
    assert charts.table_html(charts.income_vs_expenses(_clean())) is None


def test_the_balance_basis_starts_from_the_models_opening_balance():
    # the model's balance line adds the expected net (streams + rest), not the point: the
    # start is the model's opening balance, not balance[0] - point[0]
    forecast = _forecast(100.0).assign(balance=[90.0, 80.0, 95.0])
    balance = charts.balance_of({"balance_source": "export_balance_column",
                                 "opening_balance": 100.0}, forecast)
    assert balance.start == 100.0 and balance.known
    # a balance the model did not know is not one, whatever number came with it
    unknown = charts.balance_of({"balance_source": "assumed_zero", "opening_balance": 1.3e6},
                                forecast)
    assert unknown.start is None and not unknown.known


def test_top_merchants_leave_out_transfers_on_a_table_as_the_pipeline_loads_it():
    """A table with ``is_transfer`` (every clean table since card payments are marked while
    normalising): pandas hands out read-only arrays, which an in-place mask refused."""
    clean = pd.DataFrame({"type": ["expense", "expense", "expense"],
                          "amount": [-10.0, -500.0, -20.0],
                          "is_transfer": [False, True, False],
                          "description": ["A", "CARD PAYMENT", "B"]})
    features = pd.DataFrame({"merchant_key": ["shop a", "card", "shop b"]})
    figure = charts.top_merchants(clean, features)
    shown = {str(label) for trace in figure.data for label in (trace.y if trace.y is not None
                                                               else [])}
    assert "card" not in " ".join(shown).lower() and shown


@pytest.mark.parametrize("history_days", [1, 7, 90])
def test_the_forecast_shows_exactly_the_last_history_days_of_actuals(history_days):
    last = pd.Timestamp("2024-12-31")
    clean = pd.DataFrame({"date": pd.date_range(end=last, periods=120, freq="D"),
                          "amount": -1.0, "type": "expense", "category": None})
    figure = charts.cashflow_forecast(clean, _forecast(None), history_days=history_days)
    bars = pd.to_datetime(pd.Series(figure.data[0].x))
    assert len(bars) == history_days  # the day history_days before the last is not shown
    assert bars.min() == last - pd.Timedelta(days=history_days - 1) and bars.max() == last
