import pandas as pd

from titans_finance.reporting import charts


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


def test_scorecard_puts_each_metric_next_to_its_baseline():
    figure = charts.model_scorecard({"amount": {"holdout_mae": 10.0, "baseline_mae": 12.5}})
    model, metric, value, baseline, better = figure.data[0].cells.values
    assert list(metric) == ["hold-out MAE ($)"] and list(value) == ["10.000"]
    assert list(baseline) == ["12.500"] and list(better) == ["lower"]


def test_confusion_matrix_shows_counts():
    figure = charts.confusion_matrix({"confusion_matrix": {"labels": ["a", "b"],
                                                           "matrix": [[3, 1], [0, 2]]}})
    assert [list(row) for row in figure.data[0].text] == [[3, 1], [0, 2]]
