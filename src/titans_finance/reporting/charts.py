"""Report charts: pure functions from tables/metrics to plotly figures (no I/O)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

MONEY = "$,.0f"
_LAYOUT = {"template": "plotly_white", "height": 460, "margin": {"l": 60, "r": 30, "t": 60, "b": 50},
           "legend": {"orientation": "h", "y": -0.15}}


def _month(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates).dt.to_period("M").dt.to_timestamp()


def spending_by_category(clean: pd.DataFrame, top: int = 10) -> go.Figure:
    """Monthly expenses stacked by category (the ``top`` largest, the rest as "other categories")."""
    expenses = clean[clean["type"] == "expense"]
    category = expenses["category"].fillna("uncategorised")
    largest = expenses["amount"].abs().groupby(category).sum().nlargest(top).index
    category = category.where(category.isin(largest), "other categories")
    table = (expenses.assign(month=_month(expenses["date"]), category=category,
                             spent=expenses["amount"].abs())
             .pivot_table(index="month", columns="category", values="spent", aggfunc="sum",
                          fill_value=0.0))
    figure = go.Figure([go.Bar(x=table.index, y=table[c], name=c) for c in table.columns])
    figure.update_layout(barmode="stack", title="Spending by category per month",
                         yaxis={"title": "spent ($)", "tickformat": MONEY}, **_LAYOUT)
    return figure


def income_vs_expenses(clean: pd.DataFrame) -> go.Figure:
    month = _month(clean["date"]).to_numpy()
    income = clean["amount"].clip(lower=0).groupby(month).sum()
    expenses = (-clean["amount"].clip(upper=0)).groupby(month).sum()
    figure = go.Figure([
        go.Bar(x=income.index, y=income, name="income", marker_color="#2a9d8f"),
        go.Bar(x=expenses.index, y=expenses, name="expenses", marker_color="#e76f51"),
        go.Scatter(x=income.index, y=income - expenses, name="net", mode="lines+markers",
                   line={"color": "#264653"}),
    ])
    figure.update_layout(barmode="group", title="Monthly income vs expenses",
                         yaxis={"title": "$", "tickformat": MONEY}, **_LAYOUT)
    return figure


def top_merchants(clean: pd.DataFrame, features: pd.DataFrame, top: int = 15) -> go.Figure:
    expenses = (clean["type"] == "expense").to_numpy()
    spent = pd.Series(-clean["amount"].to_numpy()[expenses],
                      index=features["merchant_key"].to_numpy()[expenses])
    totals = spent.groupby(level=0).agg(["sum", "size"]).nlargest(top, "sum")[::-1]
    figure = go.Figure(go.Bar(x=totals["sum"], y=totals.index, orientation="h",
                              text=[f"{n} payments" for n in totals["size"]],
                              marker_color="#457b9d"))
    figure.update_layout(title=f"Top {len(totals)} merchants by total spent",
                         xaxis={"title": "spent ($)", "tickformat": MONEY},
                         **{**_LAYOUT, "height": 520})
    return figure


def recurring_payments(recurring_series: list[dict[str, Any]]) -> go.Figure:
    """The recurring series the cash-flow model detected and projects (merchant, period, amount)."""
    rows = sorted(recurring_series, key=lambda r: r["amount"])
    figure = go.Figure(go.Table(
        header={"values": ["merchant", "every", "on day", "latest amount ($)", "last seen", "times"],
                "fill_color": "#e9ecef", "align": "left"},
        cells={"values": [[r["merchant"] for r in rows], [r["kind"] for r in rows],
                          [r["day"] for r in rows], [f"{r['amount']:,.2f}" for r in rows],
                          [r["last_date"] for r in rows], [r["occurrences"] for r in rows]],
               "align": "left"}))
    figure.update_layout(title=f"Recurring payments detected ({len(rows)})",
                         **{**_LAYOUT, "height": 140 + 28 * max(len(rows), 3)})
    return figure


def anomalies_table(scores: pd.DataFrame, top: int = 25) -> go.Figure:
    flagged = scores[scores["is_anomaly"]].sort_values(["date", "score"], ascending=False).head(top)
    figure = go.Figure(go.Table(
        columnwidth=[14, 30, 12, 8, 50],
        header={"values": ["date", "description", "amount ($)", "score", "why"],
                "fill_color": "#e9ecef", "align": "left"},
        cells={"values": [pd.to_datetime(flagged["date"]).dt.strftime("%Y-%m-%d"),
                          flagged["description"], flagged["amount"].map("{:,.2f}".format),
                          flagged["score"].round(2), flagged["reasons"]], "align": "left"}))
    total = int(scores["is_anomaly"].sum())
    figure.update_layout(title=f"Anomalies: {total} flagged, the {len(flagged)} most recent",
                         **{**_LAYOUT, "height": 160 + 34 * max(len(flagged), 3)})
    return figure


def cashflow_forecast(clean: pd.DataFrame, forecast: pd.DataFrame, history_days: int = 90
                      ) -> go.Figure:
    daily = clean.groupby(pd.to_datetime(clean["date"]).dt.normalize())["amount"].sum()
    daily = daily[daily.index > daily.index.max() - pd.Timedelta(days=history_days)]
    dates = pd.to_datetime(forecast["date"])
    figure = go.Figure([
        go.Bar(x=daily.index, y=daily, name="actual daily net", marker_color="#adb5bd"),
        go.Scatter(x=pd.concat([dates, dates[::-1]]),
                   y=pd.concat([forecast["upper"], forecast["lower"][::-1]]), fill="toself",
                   fillcolor="rgba(42,157,143,0.2)", line={"width": 0}, name="80 % interval"),
        go.Scatter(x=dates, y=forecast["point"], name="forecast daily net",
                   line={"color": "#2a9d8f"}),
        go.Scatter(x=dates, y=forecast["balance"], name="projected balance", yaxis="y2",
                   line={"color": "#264653", "dash": "dot"}),
    ])
    figure.update_layout(title=f"Cash flow: last {history_days} days and the "
                               f"{len(forecast)}-day forecast",
                         yaxis={"title": "daily net ($)", "tickformat": MONEY},
                         yaxis2={"title": "balance ($)", "overlaying": "y", "side": "right",
                                 "tickformat": MONEY}, **_LAYOUT)
    return figure


SCORECARD_ROWS = [
    ("category", "hold-out accuracy", "holdout_accuracy", "baseline_accuracy", "higher"),
    ("category", "5-fold CV accuracy", "cv_accuracy", None, "higher"),
    ("category", "coverage at threshold", "coverage_at_threshold", None, "higher"),
    ("category", "accuracy at threshold", "accuracy_at_threshold", None, "higher"),
    ("amount", "hold-out MAE ($)", "holdout_mae", "baseline_mae", "lower"),
    ("amount", "hold-out R²", "holdout_r2", "baseline_r2", "higher"),
    ("amount", "80 % interval coverage", "interval_coverage", None, "near 0.8"),
    ("anomaly", "PR-AUC", "pr_auc", "baseline_pr_auc", "higher"),
    ("anomaly", "precision@k", "precision_at_k", "baseline_precision_at_k", "higher"),
    ("cashflow", "MASE (30 days)", "mase", "baseline_seasonal7_mase", "lower"),
    ("cashflow", "80 % interval coverage", "coverage", None, "near 0.8"),
]


def model_scorecard(metrics: dict[str, dict[str, Any]]) -> go.Figure:
    rows = []
    for model, label, key, baseline_key, better in SCORECARD_ROWS:
        values = metrics.get(model, {})
        if values.get(key) is None:
            continue
        baseline = values.get(baseline_key) if baseline_key else None
        rows.append((model, label, f"{values[key]:,.3f}",
                     "" if baseline is None else f"{baseline:,.3f}", better))
    columns = list(zip(*rows, strict=True)) if rows else [[]] * 5
    figure = go.Figure(go.Table(
        header={"values": ["model", "metric", "model value", "baseline", "better is"],
                "fill_color": "#e9ecef", "align": "left"},
        cells={"values": columns, "align": "left"}))
    figure.update_layout(title="Model scorecard (time-aware hold-out, same split as the baseline)",
                         **{**_LAYOUT, "height": 140 + 30 * max(len(rows), 3)})
    return figure


def confusion_matrix(metrics_category: dict[str, Any]) -> go.Figure:
    matrix = metrics_category.get("confusion_matrix", {"labels": [], "matrix": []})
    labels, values = matrix["labels"], np.array(matrix["matrix"], dtype=float)
    shares = values / np.maximum(values.sum(axis=1, keepdims=True), 1)
    figure = go.Figure(go.Heatmap(z=shares, x=labels, y=labels, colorscale="Blues",
                                  text=values.astype(int), texttemplate="%{text}",
                                  hovertemplate="true %{y}<br>predicted %{x}<br>%{text} rows"))
    figure.update_layout(title="Category model: confusion matrix on the hold-out (rows: true)",
                         xaxis={"title": "predicted"}, yaxis={"title": "true", "autorange": "reversed"},
                         **{**_LAYOUT, "height": 300 + 22 * len(labels)})
    return figure


def data_quality(report: dict[str, Any]) -> go.Figure:
    parts = {"clean": report["rows_clean"], "quarantined": report["rows_quarantined"],
             "duplicate": report["rows_duplicate"]}
    reasons = report.get("quarantine_reasons", {})
    figure = go.Figure([go.Bar(x=list(parts), y=list(parts.values()), name="rows",
                               marker_color=["#2a9d8f", "#e76f51", "#adb5bd"]),
                        go.Bar(x=[f"reason: {k}" for k in reasons], y=list(reasons.values()),
                               name="quarantine reasons", marker_color="#f4a261")])
    figure.update_layout(title=f"Data quality: {report['rows_read']:,} rows read", yaxis={
        "title": "rows", "type": "log"}, **_LAYOUT)
    return figure


VERDICT_COLOURS = {"ok": "#2a9d8f", "warn": "#f4a261", "drift": "#e76f51"}


def drift_summary(report: dict[str, Any]) -> go.Figure:
    """PSI per feature of the latest drift check, coloured by verdict (or how to run one)."""
    figure = go.Figure()
    if not report:
        figure.add_annotation(text="No drift check yet. Compare a new export with the training "
                                   "data:<br><b>kedro run --pipelines monitoring --params "
                                   "raw_path=/path/to/new_export.csv</b>",
                              showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
        figure.update_layout(title="Drift of the latest batch: not checked yet",
                             xaxis={"visible": False}, yaxis={"visible": False},
                             **{**_LAYOUT, "height": 220})
        return figure
    rows = sorted(report.get("features", []), key=lambda f: -(f.get("psi") or 0.0))
    extra = [("category mix", report.get("category_mix", {}))]
    if report.get("category_confidence"):
        extra.append(("category confidence", report["category_confidence"]))
    for label, item in extra:
        rows.append({"feature": label, "psi": item.get("psi"), "verdict": item.get("verdict", "ok"),
                     "ks": item.get("ks")})
    figure.add_bar(x=[r.get("psi") or 0.0 for r in rows], y=[r["feature"] for r in rows],
                   orientation="h", marker_color=[VERDICT_COLOURS[r["verdict"]] for r in rows],
                   customdata=[[r["verdict"], r.get("ks")] for r in rows],
                   hovertemplate="%{y}<br>PSI %{x:.3f}<br>KS %{customdata[1]}<br>"
                                 "%{customdata[0]}<extra></extra>")
    thresholds = report.get("thresholds", {})
    for key, dash in (("psi_warn", "dot"), ("psi_drift", "dash")):
        if key in thresholds:
            figure.add_vline(x=thresholds[key], line_dash=dash, line_color="#6c757d",
                             annotation_text=key.replace("psi_", ""))
    anomaly = report.get("anomaly_rate", {})
    period = report.get("batch_period") or ["?", "?"]
    figure.update_layout(
        title=(f"Drift verdict: {report.get('verdict', '?').upper()} — {report.get('n_batch', 0):,} "
               f"transactions {period[0]} to {period[1]}; anomaly rate "
               f"{anomaly.get('batch', 0):.1%} vs {anomaly.get('reference', 0):.1%} in training"),
        xaxis={"title": "population stability index (PSI)"},
        yaxis={"autorange": "reversed"}, **{**_LAYOUT, "height": 200 + 18 * len(rows)})
    return figure
