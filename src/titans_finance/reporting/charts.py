"""Report charts: pure functions from tables/metrics to plotly figures (no I/O).

Money is labelled with the export's currency (`money.Money`), never an assumed one;
merchants are named as the export writes them (`merchants.merchant_names`); every
category keeps one distinct colour across charts; metric and feature names come with
their meaning (`glossary`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.colors
import plotly.graph_objects as go

from titans_finance.core.movements import without_transfers
from titans_finance.models.cashflow import NetChange, horizon_net_change, with_change_columns
from titans_finance.reporting.glossary import feature_meaning
from titans_finance.reporting.money import Money

UNKNOWN_MONEY = Money(None, "unknown")
_LAYOUT = {"template": "plotly_white", "height": 460, "margin": {"l": 60, "r": 30, "t": 60, "b": 50},
           "legend": {"orientation": "h", "y": -0.15}}
# 24 clearly different colours; grey is kept for "other" and "uncategorised".
PALETTE = plotly.colors.qualitative.Dark24
OTHER_COLOURS = {"other categories": "#868e96", "uncategorised": "#ced4da"}


def _month(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates).dt.to_period("M").dt.to_timestamp()


# ticks of a monthly chart: every month, or every 2nd, 3rd, 6th or 12th when there are more
# months than fit side by side (a tick per bar, labelled with its month, never a date
# between two bars)
MONTH_TICK_STEPS = (1, 2, 3, 6, 12)
MAX_MONTH_TICKS = 18


def month_axis(months: int) -> dict[str, Any]:
    """The x axis of a chart with one bar (group) per month, ``months`` of them."""
    step = next((s for s in MONTH_TICK_STEPS if -(-months // s) <= MAX_MONTH_TICKS),
                MONTH_TICK_STEPS[-1] * -(-months // (MONTH_TICK_STEPS[-1] * MAX_MONTH_TICKS)))
    return {"dtick": f"M{step}", "tickformat": "%b %Y"}


def category_colours(categories) -> dict[str, str]:
    """One distinct colour per category (alphabetical order, so stable between charts)."""
    named = sorted(c for c in set(categories) if c not in OTHER_COLOURS)
    colours = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(named)}
    return {**colours, **OTHER_COLOURS}


def spending_by_category(categorised: pd.DataFrame, money: Money = UNKNOWN_MONEY,
                         top: int = 10) -> go.Figure:
    """Monthly expenses stacked by category (the ``top`` largest, the rest as "other
    categories"); the share the category model predicted is hatched."""
    expenses = without_transfers(categorised)
    expenses = expenses[expenses["type"] == "expense"]
    category = expenses["category"].astype("object").where(expenses["category"].notna(),
                                                           "uncategorised")
    # the grey groups are never among the named largest: a category the export itself calls
    # "uncategorised" joins the uncategorised rows (one legend entry each)
    named = category[~category.isin(OTHER_COLOURS)]
    largest = expenses["amount"].abs().groupby(named).sum().nlargest(top).index
    category = category.where(category.isin(largest) | category.isin(OTHER_COLOURS),
                              "other categories")
    predicted = (expenses.get("category_source", pd.Series("export", index=expenses.index))
                 == "predicted")
    table = (expenses.assign(month=_month(expenses["date"]), category=category,
                             predicted=predicted.to_numpy(), spent=expenses["amount"].abs())
             .pivot_table(index="month", columns=["category", "predicted"], values="spent",
                          aggfunc="sum", fill_value=0.0))
    order = [c for c in largest if c in table.columns.get_level_values(0)]
    order += [c for c in ("other categories", "uncategorised")
              if c in table.columns.get_level_values(0)]
    colours = category_colours(order)
    traces = []
    for name in order:
        for is_predicted in (False, True):
            if (name, is_predicted) not in table.columns:
                continue
            traces.append(go.Bar(
                x=table.index, y=table[(name, is_predicted)],
                name=f"{name} (predicted)" if is_predicted else name, legendgroup=name,
                showlegend=not is_predicted or (name, False) not in table.columns,
                marker={"color": colours[name],
                        "pattern": {"shape": "/" if is_predicted else "", "fillmode": "overlay",
                                    "fgcolor": "white"}},
                hovertemplate=(f"{name}{' (predicted by the category model)' if is_predicted else ''}"
                               "<br>%{x|%b %Y}: %{y:,.0f}<extra></extra>")))
    n_predicted = int(predicted.sum())
    title = "Spending by category per month"
    if n_predicted:
        title += f" (hatched: {n_predicted:,} expenses categorised by the model)"
    figure = go.Figure(traces)
    figure.update_layout(barmode="stack", title=title, yaxis=money.axis("spent"),
                         xaxis=month_axis(len(table.index)), **{**_LAYOUT, "height": 520})
    return figure


def income_vs_expenses(clean: pd.DataFrame, money: Money = UNKNOWN_MONEY) -> go.Figure:
    clean = without_transfers(clean)  # moving money between own accounts is neither
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
                         yaxis=money.axis("per month"), xaxis=month_axis(len(income)),
                         **_LAYOUT)
    return figure


def top_merchants(clean: pd.DataFrame, features: pd.DataFrame, money: Money = UNKNOWN_MONEY,
                  names: dict[str, str] | None = None, top: int = 15) -> go.Figure:
    expenses = (clean["type"] == "expense").to_numpy()
    if "is_transfer" in clean:
        # (a new array: pandas hands out read-only views of its columns)
        expenses = expenses & ~clean["is_transfer"].fillna(False).to_numpy(dtype=bool)
    spent = pd.Series(-clean["amount"].to_numpy()[expenses],
                      index=features["merchant_key"].to_numpy()[expenses])
    totals = spent.groupby(level=0).agg(["sum", "size"]).nlargest(top, "sum")[::-1]
    labels = [(names or {}).get(key, key) for key in totals.index]
    figure = go.Figure(go.Bar(x=totals["sum"], y=labels, orientation="h",
                              text=[f"{n:,} payments" for n in totals["size"]],
                              marker_color="#457b9d"))
    figure.update_layout(title=f"Top {len(totals)} merchants by total spent",
                         xaxis=money.axis("spent"), **{**_LAYOUT, "height": 520})
    return figure


def _table(header: list[str], columns: list[list], title: str, widths: list[int] | None = None
           ) -> go.Figure:
    """A table figure (kedro-viz previews it; the HTML report renders it as a real table).
    The height grows with the rows, a line and a half each, so a preview clips nothing."""
    rows = len(columns[0]) if columns else 0
    figure = go.Figure(go.Table(columnwidth=widths, header={"values": header,
                                                            "fill_color": "#e9ecef",
                                                            "align": "left"},
                                cells={"values": columns, "align": "left"}))
    figure.update_layout(title=title, **{**_LAYOUT, "height": 160 + 45 * max(rows, 3)})
    return figure


def recurring_payments(recurring_series: list[dict[str, Any]], money: Money = UNKNOWN_MONEY,
                       names: dict[str, str] | None = None) -> go.Figure:
    """The recurring series the cash-flow model detected and projects (merchant, period, amount)."""
    rows = sorted(recurring_series, key=lambda r: r["amount"])
    return _table(
        ["merchant", "every", "on day", f"latest amount ({money.label})", "last seen", "times"],
        [[(names or {}).get(r["merchant"], r["merchant"]) for r in rows],
         [r["kind"] for r in rows], [str(r["day"]) for r in rows],
         [money.format(r["amount"], 2) for r in rows], [r["last_date"] for r in rows],
         [r["occurrences"] for r in rows]],
        f"Recurring payments detected ({len(rows)})")


def anomalies_table(scores: pd.DataFrame, money: Money = UNKNOWN_MONEY, top: int = 25
                    ) -> go.Figure:
    flagged = scores[scores["is_anomaly"]].sort_values(["date", "score"], ascending=False).head(top)
    total = int(scores["is_anomaly"].sum())
    return _table(
        ["date", "description", f"amount ({money.label})", "score (0-1)", "why"],
        [list(pd.to_datetime(flagged["date"]).dt.strftime("%Y-%m-%d")),
         list(flagged["description"]), [money.format(v, 2) for v in flagged["amount"]],
         [f"{v:.2f}" for v in flagged["score"]], list(flagged["reasons"])],
        f"Anomalies: {total} flagged, the {len(flagged)} most recent", [14, 30, 12, 8, 50])


@dataclass(frozen=True)
class Balance:
    """What the forecast's running total starts from, and whether it is the real balance."""

    known: bool
    source: str  # export_balance_column, declared_opening_balance or unknown
    start: float | None  # balance at the end of as_of (None when unknown)
    as_of: str

    def note(self, money: Money) -> str:
        start = money.format(self.start) if self.start is not None else "?"
        if self.source == "export_balance_column":
            return (f"The balance is the export's own: {start} at the end of {self.as_of} (from "
                    "its balance column).")
        if self.source == "declared_opening_balance":
            return (f"The balance is the declared opening balance (cashflow.opening_balance in "
                    f"conf/base/parameters_cashflow.yml) plus every transaction: {start} at the "
                    f"end of {self.as_of}.")
        return ("The account balance is not known: the export has no balance column and no "
                "opening balance is declared (cashflow.opening_balance in "
                "conf/base/parameters_cashflow.yml). The forecast shows the change from "
                f"{self.as_of} on, not the money in the account.")


_KNOWN_SOURCES = ("export_balance_column", "declared_opening_balance")


def balance_of(metrics_cashflow: dict[str, Any], forecast: pd.DataFrame,
               cashflow_params: dict[str, Any] | None = None) -> Balance:
    """The balance basis of the forecast: the model's ``balance_source`` when it reports
    one; otherwise (older metrics) a non-zero declared ``opening_balance`` or unknown. An
    unknown balance has no start: nothing is drawn or written as a balance."""
    first = forecast.iloc[0] if len(forecast) else None
    as_of = metrics_cashflow.get("as_of") or (
        str((pd.Timestamp(first["date"]) - pd.Timedelta(days=1)).date()) if first is not None
        else "?")
    source = metrics_cashflow.get("balance_source")
    if source is None:
        declared = (cashflow_params or {}).get("opening_balance")
        source = "declared_opening_balance" if declared not in (None, 0, 0.0) else "unknown"
    if source not in _KNOWN_SOURCES:
        return Balance(False, "unknown", None, as_of)
    # the model's own starting balance: its balance line adds the expected net flow, not
    # the table's point, so "balance minus the first point" is off by their difference
    start = metrics_cashflow.get("opening_balance")
    if start is None or pd.isna(start):  # older metrics: from the table's first day
        flow = "expected_net" if "expected_net" in forecast else "point"
        start = float(first["balance"] - first[flow]) if first is not None else None
        start = None if start is None or np.isnan(start) else start
    return Balance(start is not None, source if start is not None else "unknown",
                   None if start is None else float(start), as_of)


def _signed(money: Money, value: float) -> str:
    return ("+" if value > 0 else "") + money.format(value)


def share_label(coverage: float) -> str:
    """``80 %`` for 0.8."""
    return f"{100 * coverage:.0f} %"


def net_change_sentence(change: NetChange, money: Money, coverage: float = 0.8) -> str:
    """``+36,081 (80 % range +20,000 to +51,000)``: the horizon's net change as every
    view writes it."""
    return (f"{_signed(money, change.expected)} ({share_label(coverage)} range "
            f"{_signed(money, change.lower)} to {_signed(money, change.upper)})")


def cashflow_forecast(clean: pd.DataFrame, forecast: pd.DataFrame, money: Money = UNKNOWN_MONEY,
                      balance: Balance | None = None, history_days: int = 90,
                      coverage: float = 0.8) -> go.Figure:
    """The last ``history_days`` of daily net flow, the daily forecast with its range, and
    the running total (the balance when it is known, else the change since ``as_of``) with
    the range of that running total; the title gives the horizon's net change
    (`horizon_net_change`, the figure of the report's headline, the app and the API)."""
    balance = balance or balance_of({}, forecast)
    forecast = with_change_columns(forecast)
    daily = clean.groupby(pd.to_datetime(clean["date"]).dt.normalize())["amount"].sum()
    daily = daily[daily.index > daily.index.max() - pd.Timedelta(days=history_days)]
    dates = pd.to_datetime(forecast["date"])
    # unknown balance: the line is the change since the export's last day, not a balance
    offset = balance.start if balance.known else 0.0
    line_name = "projected balance" if balance.known else f"change since {balance.as_of}"
    share = share_label(coverage)
    traces = [
        go.Bar(x=daily.index, y=daily, name="actual daily net", marker_color="#adb5bd"),
        go.Scatter(x=pd.concat([dates, dates[::-1]]),
                   y=pd.concat([forecast["upper"], forecast["lower"][::-1]]), fill="toself",
                   fillcolor="rgba(42,157,143,0.2)", line={"width": 0},
                   name=f"{share} range (daily)"),
        go.Scatter(x=dates, y=forecast["point"], name="forecast daily net",
                   line={"color": "#2a9d8f"}),
    ]
    if len(forecast):
        traces.append(go.Scatter(
            x=pd.concat([dates, dates[::-1]]),
            y=pd.concat([forecast["change_upper"], forecast["change_lower"][::-1]]) + offset,
            fill="toself", fillcolor="rgba(38,70,83,0.12)", line={"width": 0}, yaxis="y2",
            name=f"{share} range ({line_name})"))
    traces.append(go.Scatter(x=dates, y=forecast["change"] + offset, name=line_name,
                             yaxis="y2", line={"color": "#264653", "dash": "dot"}))
    figure = go.Figure(traces)
    title = f"Cash flow: last {history_days} days and the {len(forecast)}-day forecast from " \
            f"{balance.as_of}"
    if len(forecast):
        title += (f"<br><sub>expected net change over {len(forecast)} days: "
                  f"{net_change_sentence(horizon_net_change(forecast), money, coverage)}</sub>")
    # tickmode auto on both axes: round ticks on each (an overlaying axis synchronised to
    # the other's grid gets ticks like 3,633 / 1,488 / -657)
    figure.update_layout(title=title,
                         yaxis={**money.axis("daily net"), "tickmode": "auto"},
                         yaxis2={**money.axis(line_name), "overlaying": "y", "side": "right",
                                 "tickmode": "auto", "showgrid": False},
                         **_LAYOUT)
    return figure


# Short names of headline metrics in sentences (their meaning is in the table).
def confusion_matrix(metrics_category: dict[str, Any]) -> go.Figure:
    matrix = metrics_category.get("confusion_matrix") or {"labels": [], "matrix": []}
    labels, values = matrix["labels"], np.array(matrix["matrix"], dtype=float)
    if not labels or values.ndim != 2 or values.size == 0:
        # an export without categories has no hold-out to compare the predictions with
        return _not_checked("Category model: confusion matrix on the hold-out",
                            "No labelled hold-out in this export (its categories come from "
                            "the default model): nothing to compare the predictions with.")
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
        "title": "rows (log scale)", "type": "log"}, **_LAYOUT)
    return figure


VERDICT_COLOURS = {"ok": "#2a9d8f", "warn": "#f4a261", "drift": "#e76f51"}


def _not_checked(title: str, text: str) -> go.Figure:
    figure = go.Figure()
    figure.add_annotation(text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    figure.update_layout(title=title, xaxis={"visible": False}, yaxis={"visible": False},
                         **{**_LAYOUT, "height": 220})
    return figure


def drift_summary(report: dict[str, Any], current: bool = True) -> go.Figure:
    """PSI per feature of the latest drift check against this run's training data, coloured
    by verdict; "not checked yet" when there is none or it compared an earlier training set."""
    how = ("Compare a new export with the training data:<br><b>make monitor "
           "RAW=/path/to/new_export.csv</b>")
    if not report:
        return _not_checked("Drift of new data: not checked yet", f"No drift check yet. {how}")
    if not current:
        period = report.get("batch_period") or ["?", "?"]
        return _not_checked(
            "Drift of new data against this run's training data: not checked yet",
            f"The last check (transactions {period[0]} to {period[1]}) compared them with the "
            f"training data of an earlier run,<br>not this one. {how}")
    rows = sorted(report.get("features", []), key=lambda f: -(f.get("psi") or 0.0))
    extra = [("category_mix", report.get("category_mix", {}))]
    if report.get("category_confidence"):
        extra.append(("category_confidence", report["category_confidence"]))
    for label, item in extra:
        rows.append({"feature": label, "psi": item.get("psi"), "verdict": item.get("verdict", "ok"),
                     "ks": item.get("ks")})
    labels = [feature_meaning(r["feature"], short=True) for r in rows]
    figure = go.Figure(go.Bar(
        x=[r.get("psi") or 0.0 for r in rows], y=labels, orientation="h",
        marker_color=[VERDICT_COLOURS[r["verdict"]] for r in rows],
        customdata=[[r["verdict"], r.get("ks"), r["feature"]] for r in rows],
        hovertemplate="%{y} (%{customdata[2]})<br>PSI %{x:.3f}<br>KS %{customdata[1]}<br>"
                      "%{customdata[0]}<extra></extra>"))
    thresholds = report.get("thresholds", {})
    for key, dash, text in (("psi_warn", "dot", "some change"),
                            ("psi_drift", "dash", "real shift")):
        if key in thresholds:
            figure.add_vline(x=thresholds[key], line_dash=dash, line_color="#6c757d",
                             annotation_text=text)
    anomaly = report.get("anomaly_rate", {})
    period = report.get("batch_period") or ["?", "?"]
    figure.update_layout(
        title=(f"Drift verdict: {report.get('verdict', '?').upper()} — "
               f"{report.get('n_batch', 0):,} transactions {period[0]} to {period[1]}; unusual transactions "
               f"{anomaly.get('batch', 0):.1%} vs {anomaly.get('reference', 0):.1%} in training"),
        xaxis={"title": "how far it moved from the training data (PSI: below 0.1 stable, "
                        "above 0.25 a real shift)"},
        yaxis={"autorange": "reversed", "automargin": True},
        **{**_LAYOUT, "height": 220 + 22 * len(rows)})
    return figure


def table_html(figure: go.Figure) -> str | None:
    """A table figure as an HTML ``<table>`` (every row shown, text selectable), else None."""
    if len(figure.data) != 1 or figure.data[0].type != "table":
        return None
    import html

    table = figure.data[0]
    header = "".join(f"<th>{html.escape(str(h))}</th>" for h in table.header.values)
    columns = [list(c) for c in table.cells.values] if table.cells.values else []

    def cell(value: Any) -> str:
        text = str(value)
        # short values (dates, amounts, scores) never break across lines
        style = ' style="white-space:nowrap"' if len(text) <= 16 else ""
        return f"<td{style}>{html.escape(text)}</td>"

    body = "".join("<tr>" + "".join(cell(v) for v in row) + "</tr>"
                   for row in zip(*columns, strict=True))
    caption = html.escape(figure.layout.title.text or "")
    return (f"<table><caption>{caption}</caption><thead><tr>{header}</tr></thead>"
            f"<tbody>{body}</tbody></table>")
