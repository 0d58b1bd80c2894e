"""Report assembly: the categorised transactions, every chart as a figure, then one offline
HTML page that says what this run's data and models are."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from titans_finance.core.fingerprint import data_hash
from titans_finance.core.verdict import BEATS, scorecard_verdict
from titans_finance.models.cashflow import horizon_net_change
from titans_finance.parameters import CashflowSettings, ReportingSettings
from titans_finance.reporting import charts, scorecards
from titans_finance.reporting.categorised import categorise, for_spreadsheet
from titans_finance.reporting.file_reading import reading_sentences
from titans_finance.reporting.glossary import metric_meaning
from titans_finance.reporting.merchants import merchant_names
from titans_finance.reporting.money import money_of
from titans_finance.reporting.page import render_page
from titans_finance.reporting.shortfall import percent, shortfall_sentence
from titans_finance.reporting.provenance import provenance_lines, require_rows_of

CATEGORISED_CSV = "data/08_reporting/categorised_transactions.csv"
SECTIONS = [
    ("report_data_quality", "Data quality",
     "Every row of the export is accounted for: clean, quarantined with a reason "
     "(data/02_intermediate/quarantined_transactions.csv), or an exact duplicate line. "
     "Below the chart: how each file was read (dates, amounts, sign, which column became "
     "which field) and whether its balance proves the amounts."),
    ("report_income_vs_expenses", "Income and expenses",
     "Money in and out per month; the line is the month's net result."),
    ("report_spending_by_category", "Where the money goes",
     "Expenses per month by category (the ten largest). Expenses the export left "
     "uncategorised carry the category model's prediction (hatched); those it was unsure "
     "about stay 'uncategorised'. Every transaction with its category and where that comes "
     f"from (export, your correction, predicted): {CATEGORISED_CSV}, which opens in a "
     "spreadsheet."),
    ("report_top_merchants", "Top merchants", "Total spent per merchant over the whole period."),
    ("report_recurring_payments", "Recurring payments",
     "Merchants charged at a regular interval: rent, subscriptions, insurance. They are "
     "projected explicitly in the cash-flow forecast."),
    ("report_cashflow_forecast", "Cash-flow forecast",
     "Daily net cash flow of the last 90 days and the forecast with its 80 % range (8 days in "
     "10 should fall inside it); the dotted line is the balance, or the change from the "
     "export's last day when the balance is not known."),
    ("report_anomalies", "Unusual transactions",
     "Transactions the anomaly model flags, with the reasons: amounts far above the merchant's "
     "usual, possible duplicate charges, new merchants at odd times."),
    ("report_model_scorecard", "How good are the models?",
     "Each model is scored on the most recent part of the history, which it never saw in "
     "training, next to the strongest of several simple rules (baselines) on the same data. "
     "A model that does not beat its strongest baseline adds nothing over that rule."),
    ("report_confusion_matrix", "Category model errors",
     "Rows: the true category; columns: the predicted one. Off-diagonal cells are mistakes."),
    ("report_drift", "Is new data still like the training data?",
     "The latest drift check of a new export (make monitor RAW=new_export.csv) against this "
     "run's training data: how far each feature of the new batch moved, the category mix and "
     "the category model's confidence. Details in data/08_reporting/drift.json."),
]


def categorise_transactions(clean_transactions: pd.DataFrame, category_predictions: pd.DataFrame,
                            category_corrections: pd.DataFrame, category_taxonomy: dict[str, Any]
                            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every transaction with its category and where it comes from (a group answer by the
    group's name in ``category_taxonomy``); and the same table as a spreadsheet opens it
    (``categorised_transactions.csv``)."""
    categorised = categorise(clean_transactions, category_predictions, category_corrections,
                             category_taxonomy)
    return categorised, for_spreadsheet(categorised)


def _drift_is_current(drift_report: dict[str, Any], clean_hash: str) -> bool:
    """A drift check belongs to this run when it compared with this run's training data."""
    checked = drift_report.get("reference_data_hash")
    return bool(drift_report) and checked is not None and checked == clean_hash


def _predicted_line(categorised: pd.DataFrame) -> list[str]:
    """How many transactions the category model categorised, of each type (the rows the
    chart hatches are the expenses among them)."""
    predicted = categorised.loc[categorised["category_source"] == "predicted", "type"]
    if not len(predicted):
        return []
    kinds = predicted.fillna("unknown type").astype("str").value_counts(sort=False)
    order = sorted(kinds.index, key=lambda kind: (kind != "expense", kind))
    parts = [f"{kinds[kind]:,} " + (("expense" if kinds[kind] == 1 else "expenses")
                                    if kind == "expense" else kind) for kind in order]
    total = int(kinds.sum())
    return [f"{total:,} {'transaction' if total == 1 else 'transactions'} the export left "
            f"uncategorised {'is' if total == 1 else 'are'} categorised by the category model "
            f"(marked as predicted): {', '.join(parts)}."]


def _header(clean: pd.DataFrame, data_quality: dict[str, Any], money, balance,
            forecast: pd.DataFrame, metrics: dict[str, dict[str, Any]],
            categorised: pd.DataFrame) -> list[str]:
    period = data_quality.get("clean_date_range") or ["?", "?"]
    source = data_quality.get("source") or {}
    name = source.get("file") or (PurePath(str(source["path"])).name if source.get("path")
                                  else None)
    lines = [f"Transactions from {period[0]} to {period[1]}: "
             f"{data_quality.get('rows_clean', 0):,} clean of {data_quality.get('rows_read', 0):,} "
             f"rows read" + (f" from {name}" if name else "") + "."]
    accounts = clean.get("account")
    if accounts is not None and accounts.nunique() > 1:
        listed = sorted(map(str, accounts.unique()))
        lines.append(f"{len(listed)} accounts: {', '.join(listed[:8])}"
                     + ("..." if len(listed) > 8 else "") + ".")
    lines.append(money.note())
    lines += _predicted_line(categorised)
    cash = metrics.get("cashflow", {})
    if len(forecast):
        # the one horizon figure of the chart, the app and the API (`horizon_net_change`)
        change = horizon_net_change(forecast)
        coverage = float(cash.get("interval_coverage_nominal") or 0.8)
        sentence = (f"Over the {change.days} days after {balance.as_of} the forecast expects a "
                    f"net change of {charts.net_change_sentence(change, money, coverage)}.")
        if balance.known:
            threshold = float(cash.get("low_balance_threshold", 0.0))
            low_day = cash.get("first_low_balance_day")
            fate = (f"it falls below the alert threshold of {money.format(threshold)} on "
                    f"{low_day}" if low_day else
                    f"it stays above the alert threshold of {money.format(threshold)}")
            sentence += (f" {balance.note(money)} Projected balance on {change.last_day}: "
                         f"{money.format(balance.start + change.expected)}; {fate}.")
            # the chance of running short (the model's one computation; the app and the
            # service show the same figure)
            sentence += f" {shortfall_sentence(cash.get('shortfall'), money)}"
            if threshold != 0 and cash.get("shortfall_threshold"):
                sentence += f" {shortfall_sentence(cash['shortfall_threshold'], money)}"
        else:
            sentence += f" {balance.note(money)}"
        lines.append(sentence)
    cards = {model: scorecards.scorecard_of(model, values) for model, values in metrics.items()}
    # the models the scorecard (and the app's health page) shows as trained, and their
    # verdicts: the same cards, so the words cannot contradict the table
    trained = [m for m, card in cards.items() if card]
    verdicts = {m: scorecard_verdict(cards[m]) for m in trained}
    judged = [m for m in trained if verdicts[m] is not None]
    if trained:
        beating = [m for m in judged if verdicts[m] == BEATS]
        names = ", ".join(scorecards.MODEL_NAMES.get(m, m) for m in trained)
        lines.append(f"Models trained on this data: {names}; "
                     f"{len(beating)} of {len(judged)} measured beat their strongest simple "
                     "baseline by more than the noise of the hold-out ('How good are the "
                     "models?' below).")
    return lines


def _account_lines(summary: pd.DataFrame, money, horizon: int) -> list[str]:
    """One line per account (at most 8) from the per-account forecast summary."""
    if summary is None or summary.empty:
        return []
    lines = []
    for row in summary.head(8).itertuples(index=False):
        if not row.evaluated:
            lines.append(f"{row.account}: {row.n_transactions:,} transactions, too short a "
                         "history for its own forecast.")
            continue
        verdict = "beats" if row.beats_best_baseline else "does not beat"
        money_now = (f"balance {money.format(row.opening_balance)} now, "
                     f"{money.format(row.closing_balance)} expected in {horizon} days"
                     if pd.notna(row.opening_balance) else
                     f"balance not known, expected change {'+' if row.net > 0 else ''}"
                     f"{money.format(row.net)} in {horizon} days")
        probability = getattr(row, "shortfall_probability", None)
        short = (f"; {percent(probability)} chance of going below {money.format(0.0)} before "
                 f"{row.shortfall_before}" if probability is not None and pd.notna(probability)
                 else "")
        lines.append(f"{row.account}: {row.n_transactions:,} transactions; {money_now}{short}; "
                     f"its own forecast (MASE {row.mase:.2f}) {verdict} its strongest baseline "
                     f"({row.best_baseline}, {row.best_baseline_mase:.2f}).")
    if len(summary) > 8:
        lines.append(f"... and {len(summary) - 8} more accounts "
                     "(data/08_reporting/cashflow_accounts.parquet).")
    return lines


def select_account(account: str | None, clean: pd.DataFrame, categorised: pd.DataFrame,
                   feature_table: pd.DataFrame, anomaly_scores: pd.DataFrame,
                   cashflow_forecast: pd.DataFrame, metrics_cashflow: dict[str, Any],
                   forecast_accounts: pd.DataFrame | None, cashflow_accounts: pd.DataFrame | None
                   ) -> tuple:
    """The report's inputs for one account (``reporting.account``), or all of them (null):
    its transactions, features and scores, and its own forecast instead of the total."""
    if account is None:
        return (clean, categorised, feature_table, anomaly_scores, cashflow_forecast,
                metrics_cashflow)
    accounts = clean["account"] if "account" in clean else pd.Series("default", index=clean.index)
    if account not in set(accounts):
        raise ValueError(f"reporting.account {account!r} is not an account of this export; "
                         f"its accounts: {', '.join(sorted(map(str, accounts.unique())))}")
    ids = set(clean.loc[accounts == account, "transaction_id"])

    def own(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["transaction_id"].isin(ids)].reset_index(drop=True)

    if accounts.nunique() > 1:
        summary = cashflow_accounts.set_index("account").loc[account]
        cashflow_forecast = forecast_accounts[forecast_accounts["account"] == account].drop(
            columns="account").reset_index(drop=True)
        metrics_cashflow = {  # this account's own forecast: the total's streams are not its own
            "as_of": metrics_cashflow.get("as_of"), "recurring_details": [],
            **{k: summary.get(k) for k in ("balance_source", "opening_balance",
                                           "first_low_balance_day")},
            "low_balance_threshold": metrics_cashflow.get("low_balance_threshold", 0.0)}
    return (own(clean), own(categorised), own(feature_table), own(anomaly_scores),
            cashflow_forecast, metrics_cashflow)


def build_charts(clean_transactions, categorised, feature_table, data_quality, anomaly_scores,
                 cashflow_forecast, metrics_category, metrics_amount, metrics_anomaly,
                 metrics_cashflow, drift_report, params: dict[str, Any] | ReportingSettings,
                 cashflow_params: dict[str, Any] | CashflowSettings,
                 cashflow_forecast_accounts=None, cashflow_accounts=None) -> tuple:
    """The figures of every section, then the report's notes (header and per-section lines).
    ``params.account``: the report of that account alone (null: every account)."""
    settings = ReportingSettings.of(params)
    cashflow_settings = CashflowSettings.of(cashflow_params).model_dump()
    account = settings.account
    clean_hash = data_hash(clean_transactions)  # the whole table's, before any account is picked
    metrics = {"category": metrics_category, "amount": metrics_amount, "anomaly": metrics_anomaly,
               "cashflow": metrics_cashflow}
    provenance = provenance_lines(data_quality, clean_hash, metrics)
    require_rows_of(clean_transactions, {"the feature table": feature_table,
                                         "the anomaly scores": anomaly_scores}, provenance)
    (clean_transactions, categorised, feature_table, anomaly_scores, cashflow_forecast,
     metrics_cashflow) = select_account(
        account, clean_transactions, categorised, feature_table, anomaly_scores,
        cashflow_forecast, metrics_cashflow, cashflow_forecast_accounts, cashflow_accounts)
    metrics["cashflow"] = metrics_cashflow  # the account's own, when one is picked
    money = money_of(clean_transactions, settings.currency)
    balance = charts.balance_of(metrics_cashflow, cashflow_forecast, cashflow_settings)
    names = merchant_names(feature_table["merchant_key"], clean_transactions["description"],
                           clean_transactions.get("reference"))
    current = _drift_is_current(drift_report, clean_hash)
    figures = (
        charts.data_quality(data_quality),
        charts.income_vs_expenses(clean_transactions, money),
        charts.spending_by_category(categorised, money),
        charts.top_merchants(clean_transactions, feature_table, money, names),
        charts.recurring_payments(metrics_cashflow.get("recurring_details", []), money, names),
        charts.cashflow_forecast(clean_transactions, cashflow_forecast, money, balance,
                                 coverage=float(cashflow_settings["interval_coverage"])),
        charts.anomalies_table(anomaly_scores, money),
        scorecards.model_scorecard(metrics, money),
        charts.confusion_matrix(metrics_category),
        charts.drift_summary(drift_report, current),
    )
    header = _header(clean_transactions, data_quality, money, balance, cashflow_forecast,
                     metrics, categorised)
    if account is not None:
        header.insert(1, f"This report shows the account {account} alone: its transactions, "
                         "anomalies and its own cash-flow forecast (reporting.account: null "
                         "shows every account). The model scores are those of all accounts.")
    elif cashflow_accounts is not None and len(cashflow_accounts):
        header[2:2] = ["The cash-flow forecast is the total of all accounts, without the "
                       "transfers between them; each account's own:",
                       *_account_lines(cashflow_accounts, money, len(cashflow_forecast))]
    header[1:1] = provenance
    notes = {
        "header": header,
        # how each file was read, in the words of the app's import page (one code path)
        "report_data_quality": reading_sentences(data_quality),
        "report_cashflow_forecast": [balance.note(money)],
        "report_model_scorecard": scorecards.scorecard_findings(metrics, money),
        "report_drift": ([f"{metric_meaning('psi')}.", f"{metric_meaning('ks')}."]
                         if current else []),
    }
    return (*figures, notes)


def assemble_report(report_notes: dict[str, Any], *figures: go.Figure) -> str:
    """One self-contained HTML page (plotly.js embedded once: opens offline)."""
    sections = [(title, text, report_notes.get(name, []), figure)
                for (name, title, text), figure in zip(SECTIONS, figures, strict=True)]
    return render_page(report_notes.get("header", []), sections)
