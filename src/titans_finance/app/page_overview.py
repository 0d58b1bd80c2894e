"""The overview page: balances and their projection, income and expenses, spending by
category and merchant, recurring payments (of one account or all)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from titans_finance.app import views
from titans_finance.app.outputs import (
    RUN_FIRST,
    TABLE_INPUTS,
    load,
    money_for,
    project_of,
    ruled_table,
    rules_stamp,
    table_of,
)
from titans_finance.app.project import Project
from titans_finance.app.text import as_text
from titans_finance.reporting import charts


@st.cache_resource(show_spinner=False, max_entries=16)
def _account_summary(root: str, stamp: tuple, account: str):
    """Totals, charts and tables of one account (or all): computed once per run of the
    pipelines, saved correction and account, so moving between pages stays quick on a large
    export. ``stamp``: the run's inputs, the metrics, then the rules file's stamp."""
    project = project_of(root)
    table = ruled_table(root, stamp[:len(TABLE_INPUTS)], stamp[-1])
    money = money_for(project, project.load("clean_transactions"))
    rows = views.for_account(table, account)
    recurring = views.recurring_payments(project.load("metrics_cashflow"), dict(
        zip(table["merchant_key"], table["merchant"], strict=True)))
    return (views.income_and_expenses(rows), charts.income_vs_expenses(rows, money),
            charts.spending_by_category(rows, money), views.spending_by(rows, "merchant", top=15),
            recurring)


def overview_page(project: Project) -> None:
    st.header("Overview")
    table = table_of(project)
    if table is None:
        st.info(RUN_FIRST.format(what="data/03_primary/clean_transactions.parquet"))
        return
    clean = load(project, "clean_transactions")
    money = money_for(project, clean)
    accounts = [views.ALL_ACCOUNTS, *sorted(table["account"].unique())]
    account = st.selectbox("Account", accounts, key="overview_account")
    rows = views.for_account(table, account)
    first, last = rows["date"].min(), rows["date"].max()
    st.caption(f"{len(rows):,} transactions from {pd.Timestamp(first).date()} to "
               f"{pd.Timestamp(last).date()}. {money.note()}")

    st.subheader("Balance")
    balances = views.latest_balances(clean)
    if account != views.ALL_ACCOUNTS:
        balances = balances[balances["account"] == account]
    if len(balances):
        for column, (_, row) in zip(st.columns(min(4, len(balances))), balances.head(4).iterrows(),
                                    strict=False):
            column.metric(f"{as_text(row['account'])} on {pd.Timestamp(row['date']).date()}",
                          money.format(float(row["balance"]), 2))
    else:
        st.write("The export has no balance column.")
    model = load(project, "cashflow_model")
    if model is None:
        st.info(RUN_FIRST.format(what="the cash-flow model"))
    else:
        projected, summary, forecast = views.projected_balances(model)
        known = summary["balance_known"]
        scope = "" if account == views.ALL_ACCOUNTS else (
            " The forecast covers all accounts together (the model is trained on the whole "
            "export).")
        st.write(f"Projected balance from {summary['as_of']} (the export's last day), with "
                 f"the 80 % range: 8 outcomes in 10 should fall inside it.{scope}"
                 + ("" if known else " The export gives no balance and no opening balance is "
                    "declared (cashflow.opening_balance): figures are the change from "
                    f"{summary['as_of']}, not the money in the account."))
        for column, (_, row) in zip(st.columns(len(projected)), projected.iterrows(),
                                    strict=True):
            label = "balance" if known else "change"
            column.metric(f"{label} in {row['days']} days ({row['date']})",
                          money.format(row["balance"]),
                          help=f"80 % range {money.format(row['lower'])} to "
                               f"{money.format(row['upper'])}")
            column.caption(f"{money.format(row['lower'])} to {money.format(row['upper'])}"
                           + (f"; net change {'+' if row['net_change'] > 0 else ''}"
                              f"{money.format(row['net_change'])}" if known else ""))
        low = summary.get("first_low_balance_day")
        risk = summary.get("first_day_balance_may_be_low")
        threshold = money.format(summary.get("low_balance_threshold", 0.0))
        if not known:
            st.write("No low-balance day can be given without the balance.")
        elif low:
            st.warning(f"The projected balance falls below {threshold} on {low}.")
        elif risk:
            st.write(f"The projected balance stays above {threshold}; its 80 % range reaches "
                     f"below it from {risk}.")
        else:
            st.write(f"The projected balance stays above {threshold} for 90 days.")
        if known:  # the chance of running short: the report's and the service's figure
            st.write(views.shortfall_text(summary, money))
        # the basis the model's own balance line starts from (its closing balance on as_of)
        balance = charts.Balance(known, str(summary.get("balance_source")),
                                 float(summary["opening_balance"]) if known else None,
                                 summary["as_of"])
        st.plotly_chart(charts.cashflow_forecast(clean, forecast, money, balance,
                                                 coverage=model.params["interval_coverage"]),
                        key="overview_forecast")

    st.subheader("Income and expenses")
    totals, income_chart, category_chart, merchants, recurring = _account_summary(
        str(project.root), (*project.modified((*TABLE_INPUTS, "metrics_cashflow")),
                            rules_stamp(project)), account)
    for column, total in zip(st.columns(3), ("income", "expenses", "net"), strict=True):
        column.metric(total, money.format(totals[total]))
    st.plotly_chart(income_chart, key="overview_income")
    st.subheader("Spending by category and merchant")
    st.plotly_chart(category_chart, key="overview_categories")
    st.dataframe(merchants.assign(spent=merchants["spent"].map(money.format)),
                 hide_index=True, key="overview_merchants")
    st.subheader("Recurring payments")
    if recurring.empty:
        st.write("No recurring payment detected.")
    else:
        st.dataframe(recurring, hide_index=True, key="overview_recurring")
