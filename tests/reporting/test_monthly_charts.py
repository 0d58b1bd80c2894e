"""Monthly charts: one tick per month (or per few months), one legend entry per group."""

import pandas as pd
import pytest

from titans_finance.reporting import charts


def _months(n: int, category=None) -> pd.DataFrame:
    dates = pd.date_range("2021-08-01", periods=n, freq="MS") + pd.Timedelta(days=9)
    return pd.DataFrame({"date": dates, "type": "expense", "amount": -10.0,
                         "category": category})


@pytest.mark.parametrize("months, step", [
    (1, 1), (charts.MAX_MONTH_TICKS, 1), (charts.MAX_MONTH_TICKS + 1, 2),
    (2 * charts.MAX_MONTH_TICKS, 2), (2 * charts.MAX_MONTH_TICKS + 1, 3),
    (12 * charts.MAX_MONTH_TICKS, 12), (12 * charts.MAX_MONTH_TICKS + 1, 24),
])
def test_month_ticks_are_whole_months_and_never_too_many(months, step):
    axis = charts.month_axis(months)
    assert axis["dtick"] == f"M{step}" and axis["tickformat"] == "%b %Y"
    assert -(-months // step) <= charts.MAX_MONTH_TICKS


@pytest.mark.parametrize("chart", [charts.income_vs_expenses, charts.spending_by_category])
def test_monthly_bars_are_labelled_by_month(chart):
    figure = chart(_months(5, "fuel"))
    assert figure.layout.xaxis.dtick == "M1" and figure.layout.xaxis.tickformat == "%b %Y"


def test_an_export_category_called_uncategorised_is_one_legend_entry():
    table = pd.concat([_months(3, "uncategorised"), _months(3, None), _months(3, "fuel"),
                       _months(3, "other categories")], ignore_index=True)
    table.loc[table["category"] == "uncategorised", "amount"] = -1000.0  # among the largest
    figure = charts.spending_by_category(table, top=1)
    names = [trace.name for trace in figure.data if trace.showlegend is not False]
    assert sorted(names) == ["fuel", "other categories", "uncategorised"]
    spent = {trace.name: sum(trace.y) for trace in figure.data}
    assert spent["uncategorised"] == 3 * 1000.0 + 3 * 10.0
