"""Report assembly: every chart as a figure, then one offline HTML page."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from titans_finance.reporting import charts

SECTIONS = [
    ("report_data_quality", "Data quality",
     "Every row of the export is accounted for: clean, quarantined with a reason "
     "(data/02_intermediate/quarantined_transactions.csv), or an exact duplicate line."),
    ("report_income_vs_expenses", "Income and expenses",
     "Money in and out per month; the line is the month's net result."),
    ("report_spending_by_category", "Where the money goes",
     "Expenses per month, by category (the ten largest categories)."),
    ("report_top_merchants", "Top merchants", "Total spent per merchant over the whole period."),
    ("report_recurring_payments", "Recurring payments",
     "Merchants charged at a regular interval with a stable amount: rent, subscriptions, "
     "insurance. They are projected explicitly in the cash-flow forecast."),
    ("report_cashflow_forecast", "Cash-flow forecast",
     "Daily net cash flow of the last 90 days and the forecast with its 80 % interval; the "
     "dotted line is the projected balance (opening balance + every transaction so far)."),
    ("report_anomalies", "Unusual transactions",
     "Transactions the anomaly model flags, with the reasons: amounts far above the merchant's "
     "usual, possible duplicate charges, new merchants at odd times."),
    ("report_model_scorecard", "How good are the models?",
     "Each model's score on the most recent 20 % of the history (never seen in training), next "
     "to a simple baseline on the same data."),
    ("report_confusion_matrix", "Category model errors",
     "Rows: the true category; columns: the predicted one. Off-diagonal cells are mistakes."),
    ("report_drift", "Is new data still like the training data?",
     "The latest drift check (kedro run --pipelines monitoring): how far each feature of the "
     "new batch moved from the training data (PSI; dotted: warn, dashed: drift), the category "
     "mix and the category model's confidence. Details in data/08_reporting/drift.json."),
]


def build_charts(clean_transactions, feature_table, data_quality, anomaly_scores,
                 cashflow_forecast, metrics_category, metrics_amount, metrics_anomaly,
                 metrics_cashflow, drift_report) -> tuple[go.Figure, ...]:
    metrics = {"category": metrics_category, "amount": metrics_amount, "anomaly": metrics_anomaly,
               "cashflow": metrics_cashflow}
    return (
        charts.data_quality(data_quality),
        charts.income_vs_expenses(clean_transactions),
        charts.spending_by_category(clean_transactions),
        charts.top_merchants(clean_transactions, feature_table),
        charts.recurring_payments(metrics_cashflow.get("recurring_details", [])),
        charts.cashflow_forecast(clean_transactions, cashflow_forecast),
        charts.anomalies_table(anomaly_scores),
        charts.model_scorecard(metrics),
        charts.confusion_matrix(metrics_category),
        charts.drift_summary(drift_report),
    )


def assemble_report(data_quality: dict[str, Any], metrics_cashflow: dict[str, Any],
                    *figures: go.Figure) -> str:
    """One self-contained HTML page (plotly.js embedded once: opens offline)."""
    parts = []
    for index, ((_, title, text), figure) in enumerate(zip(SECTIONS, figures, strict=True)):
        chart = pio.to_html(figure, include_plotlyjs=(index == 0), full_html=False,
                            config={"displaylogo": False})
        parts.append(f"<section><h2>{html.escape(title)}</h2><p>{html.escape(text)}</p>"
                     f"{chart}</section>")
    period = data_quality.get("clean_date_range") or ["?", "?"]
    low_day = metrics_cashflow.get("first_low_balance_day")
    headline = (f"The projected balance falls below {metrics_cashflow.get('low_balance_threshold', 0):,.0f}"
                f" on {low_day}." if low_day else
                "The projected balance stays above the alert threshold over the forecast.")
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>titans-finance report</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;
color:#212529}} section{{margin-bottom:2.5em}} h1{{margin-bottom:.2em}} p{{color:#495057}}</style>
</head><body>
<h1>titans-finance report</h1>
<p>Transactions from {html.escape(str(period[0]))} to {html.escape(str(period[1]))}:
{data_quality.get('rows_clean', 0):,} clean of {data_quality.get('rows_read', 0):,} rows read.
{html.escape(headline)} Generated {generated}.</p>
{''.join(parts)}
</body></html>
"""
