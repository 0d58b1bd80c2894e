"""The report's header says what its numbers say: the predicted rows by type, the models the
scorecard shows as trained, and wins only beyond the noise."""

import pandas as pd

from titans_finance.pipelines.reporting.nodes import _header, _predicted_line
from titans_finance.reporting.money import money_of

CLEAN = pd.DataFrame({"date": pd.to_datetime(["2024-01-01"]), "amount": [-1.0]})


def _categorised(types, sources):
    return pd.DataFrame({"type": types, "category_source": sources})


def test_predicted_rows_are_counted_by_type_not_all_called_expenses():
    table = _categorised(["income"] * 1139 + ["expense"] * 20 + ["expense"],
                         ["predicted"] * 1159 + ["export"])
    assert _predicted_line(table) == [
        "1,159 transactions the export left uncategorised are categorised by the category "
        "model (marked as predicted): 20 expenses, 1,139 income."]
    one = _categorised(["expense"], ["predicted"])
    assert _predicted_line(one)[0].startswith("1 transaction the export left uncategorised is")
    assert _predicted_line(one)[0].endswith(": 1 expense.")
    assert _predicted_line(_categorised(["expense"], ["export"])) == []


def _lines(metrics):
    return _header(CLEAN, {}, money_of(CLEAN), None, pd.DataFrame(), metrics,
                   _categorised([], []))


def _card(verdict):
    return {"scorecard": {"metric": "mae", "lower_is_better": True, "model": 1.0,
                          "baselines": {"b": 1.1}, "best_baseline": "b",
                          "beats_best_baseline": verdict == "beats", "verdict": verdict}}


def test_a_model_without_a_scorecard_is_not_listed_as_trained():
    # the card export: the category model was not trained (too few labels), the health page
    # says so; the header must not list it
    metrics = {"category": {"reason": "3 labelled transactions: too few"},
               "amount": _card("level with"), "cashflow": _card("beats")}
    (line,) = [x for x in _lines(metrics) if x.startswith("Models trained")]
    assert line.startswith("Models trained on this data: amount, cash-flow;")
    assert "1 of 2 measured beat their strongest simple baseline by more than the noise" in line
