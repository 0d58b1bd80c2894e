"""titans-finance app: the page script Streamlit runs (``titans-finance app`` / ``make app``).

Everything shown comes from what ``make run`` wrote, read through the project's Kedro catalog
(`project.Project`); corrections are appended to the catalog's corrections file with the
service's own checks (`serving.schemas.Feedback`) and locked appends
(`core.corrections.append_correction`), so the next ``make run`` / ``make retrain`` learns
from them. No network, no account: the server listens on loopback only.

Pages: overview, transactions, review queue, try a transaction, models and data health,
import. ``?page=<slug>`` opens a page directly.
"""

from __future__ import annotations

import datetime as dt
import time

import pandas as pd
import streamlit as st

from titans_finance.app import views
from titans_finance.app.labels import append_anomaly_label, read_anomaly_labels
from titans_finance.app.project import Project, project_root
from titans_finance.app.text import as_text
from titans_finance.reporting import charts
from titans_finance.reporting.categorised import SOURCES, for_spreadsheet
from titans_finance.reporting.money import money_of

PAGES = {"overview": "Overview", "transactions": "Transactions", "review": "Review queue",
         "try": "Try a transaction", "health": "Models and data health", "import": "Import"}
TABLE_INPUTS = ("clean_transactions", "category_predictions", "category_corrections",
                "feature_table", "anomaly_scores")
SUBMITTED_BY = "app"
RUN_FIRST = ("Not written yet: `make run` in the project root writes {what} (when the export "
             "is long enough for it: the run's log says why not).")


@st.cache_resource(show_spinner=False)
def _project(root: str) -> Project:
    return Project(root)


@st.cache_resource(show_spinner="Reading the transactions...", max_entries=2)
def _table(root: str, stamp: tuple[float, ...]) -> pd.DataFrame | None:
    """The transactions table (cached until a run or a correction rewrites an input; the same
    object for every session: read-only)."""
    project = _project(root)
    inputs = {name: project.load(name) for name in TABLE_INPUTS}
    if inputs["clean_transactions"] is None:
        return None
    return views.transactions_table(inputs["clean_transactions"], inputs["category_predictions"],
                                    inputs["category_corrections"], inputs["feature_table"],
                                    inputs["anomaly_scores"])


@st.cache_resource(show_spinner=False, max_entries=8)
def _dataset(root: str, name: str, stamp: tuple[float, ...]):
    return _project(root).load(name)


def load(project: Project, name: str):
    return _dataset(str(project.root), name, project.modified((name,)))


def table_of(project: Project) -> pd.DataFrame | None:
    return _table(str(project.root), project.modified(TABLE_INPUTS))


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def money_for(project: Project, clean: pd.DataFrame):
    return money_of(clean, project.settings["reporting"].currency)


# ---- pages -------------------------------------------------------------------------------

@st.cache_resource(show_spinner=False, max_entries=16)
def _account_summary(root: str, stamp: tuple[float, ...], account: str):
    """Totals, charts and tables of one account (or all): computed once per run of the
    pipelines and account, so moving between pages stays quick on a large export."""
    project = _project(root)
    table = _table(root, stamp[:len(TABLE_INPUTS)])
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
        str(project.root), project.modified((*TABLE_INPUTS, "metrics_cashflow")), account)
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


def transactions_page(project: Project) -> None:
    st.header("Transactions")
    table = table_of(project)
    if table is None:
        st.info(RUN_FIRST.format(what="the clean transactions"))
        return
    with st.expander("Filters", expanded=True):
        left, middle, right = st.columns(3)
        first, last = pd.Timestamp(table["date"].min()).date(), pd.Timestamp(
            table["date"].max()).date()
        start = left.date_input("From", first, min_value=first, max_value=last, key="tx_from")
        end = left.date_input("To", last, min_value=first, max_value=last, key="tx_to")
        accounts = middle.multiselect("Account", sorted(table["account"].unique()),
                                      key="tx_accounts")
        categories = middle.multiselect(
            "Category", sorted(table["category"].fillna("uncategorised").unique()),
            key="tx_categories")
        sources = middle.multiselect("Category from", SOURCES, key="tx_sources",
                                     help="your correction, the export's label, predicted by "
                                          "the category model, or the model was unsure")
        text = right.text_input("Description contains", key="tx_text")
        merchant = right.text_input("Merchant contains", key="tx_merchant")
        low = right.number_input("Amount at least", value=None, key="tx_min")
        high = right.number_input("Amount at most", value=None, key="tx_max")
        anomalies = right.checkbox("Flagged anomalies only", key="tx_anomalies")
    filters = views.Filters(start=start, end=end, accounts=tuple(accounts),
                            categories=tuple(categories), sources=tuple(sources), text=text,
                            merchant=merchant, min_amount=low, max_amount=high,
                            anomalies_only=anomalies)
    started = time.perf_counter()
    found = views.filter_transactions(table, filters)
    size = st.selectbox("Rows per page", views.PAGE_SIZES, index=1, key="tx_size")
    pages = views.page_count(len(found), size)
    page = st.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, value=1,
                           key="tx_page")
    rows = views.page_of(found, page, size)
    st.caption(f"{len(found):,} of {len(table):,} transactions match "
               f"({(time.perf_counter() - started) * 1000:.0f} ms).")
    # the whole page in view ("content"), not ten rows of it in a scroll box
    st.dataframe(views.for_display(rows), hide_index=True, key="tx_table", height="content",
                 column_config={column: st.column_config.NumberColumn(format="percent")
                                for column in views.PERCENT_COLUMNS})
    if st.button(f"Prepare a CSV of the {len(found):,} matching transactions", key="tx_csv"):
        csv = for_spreadsheet(found.drop(columns=["merchant_key"])).to_csv(index=False)
        st.download_button("Download CSV", csv.encode("utf-8-sig"),
                           file_name="transactions.csv", mime="text/csv", key="tx_download")


def review_page(project: Project) -> None:
    from pydantic import ValidationError

    from titans_finance.core.corrections import CorrectionsFileError, append_correction
    from titans_finance.serving.schemas import Feedback

    st.header("Review queue")
    table = table_of(project)
    queue = load(project, "category_review_queue")
    if table is None or queue is None:
        st.info(RUN_FIRST.format(what="data/08_reporting/category_review_queue.csv"))
        return
    clean = load(project, "clean_transactions")
    money = money_for(project, clean)
    corrections = project.load("category_corrections")
    st.write(f"Correct these first: one transaction per merchant, the merchants the category "
             f"model is least sure of and sees most often first. A correction is appended to "
             f"`{project.corrections_path.relative_to(project.root)}` (the file "
             f"`POST /feedback` writes); `make run` (or `make retrain RAW=...`) learns from "
             f"it. Corrections on file: **{len(corrections)}**.")
    if message := st.session_state.pop("review_message", None):
        st.success(message)
    choices = views.taxonomy_categories(load(project, "category_taxonomy"), table)
    names = list(choices)
    items = views.review_items(queue, load(project, "category_predictions"))
    shown = st.slider("Items shown", 1, max(1, min(50, len(items))), min(10, len(items)) or 1,
                      key="review_count") if len(items) > 1 else len(items)
    merchants = dict(zip(table["merchant_key"], table["merchant"], strict=True))
    mine = table[table["category_source"] == SOURCES[0]]  # "your correction"
    corrected = dict(zip(mine["transaction_id"], mine["category"], strict=True))
    for i, item in items.head(shown).iterrows():
        with st.container(border=True):
            top = views.top_choices(item.get("top_k"))
            merchant = merchants.get(str(item["merchant_key"]), str(item["merchant_key"]))
            st.markdown(f"**{as_text(item['description'])}** — "
                        f"{money.format(float(item['amount']), 2)} "
                        f"on {pd.Timestamp(item['date']).date()} · merchant *{as_text(merchant)}* "
                        f"({_count(int(item['transactions_of_merchant']), 'transaction')})")
            guesses = ", ".join(f"{as_text(c)} {p:.0%}" for c, p in top) or "none"
            st.caption(f"Model: {as_text(item['predicted_category'])} (confidence "
                       f"{float(item['confidence']):.0%}); top choices: {guesses}")
            if (done := corrected.get(item["transaction_id"])) is not None:
                st.markdown(f"Corrected to **{as_text(done)}** (saved; used at the next "
                            "training).")
                continue
            default = top[0][0] if top and top[0][0] in choices else None
            left, right = st.columns([3, 1])
            category = left.selectbox("Category", names, key=f"review_category_{i}",
                                      index=names.index(default) if default else None,
                                      format_func=lambda c: f"{c} — {choices[c]}",
                                      placeholder="choose the right category")
            if right.button("Save correction", key=f"review_save_{i}", disabled=category is None):
                fields = views.correction_fields(item, clean)
                try:
                    feedback = Feedback(category=category,
                                        predicted_category=str(item["predicted_category"]),
                                        **fields)
                    append_correction(project.corrections_path,
                                      {**feedback.record(), "submitted_by": SUBMITTED_BY})
                except (ValidationError, CorrectionsFileError, ValueError) as exc:
                    st.error(f"Not saved: {as_text(exc)}")
                else:
                    impact = views.merchant_impact(table, str(item["merchant_key"]),
                                                   str(item["transaction_id"]), category)
                    payee = as_text(merchant)
                    reach = (f"It is the only transaction of {payee} so far"
                             if not impact["others"] else
                             f"{payee} has {_count(impact['others'], 'other transaction')}, "
                             f"{impact['others_different']} of them with another category (or "
                             "none) now")
                    st.session_state["review_message"] = (
                        f"Saved: '{as_text(fields['description'])}' on {fields['date']} is "
                        f"{as_text(category)}. {reach}; the next training learns {payee} from "
                        "this correction.")
                    st.rerun()

    st.subheader("Flagged anomalies")
    labels = read_anomaly_labels(project.anomaly_labels_path)
    flagged = table[table["is_anomaly"] & ~table["transaction_id"].isin(
        labels["transaction_id"])].sort_values("anomaly_score", ascending=False)
    st.write(f"{int(table['is_anomaly'].sum()):,} transactions flagged, {len(labels)} reviewed. "
             f"Each review is recorded in "
             f"`{project.anomaly_labels_path.relative_to(project.root)}` as a label for "
             "measuring the anomaly model on your own data.")
    for i, row in flagged.head(5).iterrows():
        with st.container(border=True):
            st.markdown(f"**{as_text(row['description'])}** — "
                        f"{money.format(float(row['amount']), 2)} on "
                        f"{pd.Timestamp(row['date']).date()} · score {row['anomaly_score']:.2f}")
            st.caption(as_text(row["anomaly_reasons"]))
            left, right = st.columns(2)
            for column, label, text in ((left, "expected", "Expected"),
                                        (right, "fraud", "Fraud or error")):
                if column.button(text, key=f"anomaly_{label}_{i}"):
                    append_anomaly_label(project.anomaly_labels_path, {
                        "transaction_id": row["transaction_id"],
                        "date": pd.Timestamp(row["date"]).date().isoformat(),
                        "description": row["description"], "amount": row["amount"],
                        "score": round(float(row["anomaly_score"]), 4), "label": label,
                        "submitted_by": SUBMITTED_BY})
                    st.session_state["review_message"] = (
                        f"Recorded: '{as_text(row['description'])}' is {label}.")
                    st.rerun()


@st.cache_resource(show_spinner="Loading the models...", max_entries=2)
def _models(root: str, stamp: tuple[float, ...]):
    project = _project(root)
    names = ("category_model", "amount_model", "anomaly_model", "cashflow_model")
    loaded = {name.removesuffix("_model"): project.load(name) for name in names}
    return loaded, project.load("history_state")


def try_page(project: Project) -> None:
    from pydantic import ValidationError

    from titans_finance.app.actions import try_transaction

    st.header("Try a transaction")
    models, history = _models(str(project.root), project.modified(
        ("category_model", "amount_model", "anomaly_model", "cashflow_model", "history_state")))
    missing = [name for name, model in models.items() if model is None]
    if len(missing) == len(models) or history is None:
        st.info(RUN_FIRST.format(what="the trained models"))
        return
    if missing:
        st.info(f"Not trained on this export: {', '.join(missing)} model(s) (the export may be "
                "too short for them; `make run`'s log says why). The others answer below.")
    clean = load(project, "clean_transactions")
    money = money_for(project, clean)
    with st.form("try_form"):
        description = st.text_input("Description (as the bank writes it)", key="try_description")
        left, middle, right = st.columns(3)
        amount = left.number_input("Amount (negative: money out)", value=-25.0, key="try_amount")
        window = views.try_dates(models.get("cashflow"), clean)
        date = middle.date_input(
            "Date", window[0] if window else dt.date.today(), key="try_date",
            help=(f"Only a date from {window[0]} to {window[1]} (the forecast's days: after "
                  "the export's last day) changes the projected balance." if window else None))
        merchant = right.text_input("Merchant / payee (optional)", key="try_merchant")
        submitted = st.form_submit_button("Ask the models", key="try_submit")
    if not submitted:
        return
    try:
        answer = try_transaction(models, history, description, amount, date, merchant)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            st.error(as_text(f"{'.'.join(map(str, error['loc'])) or 'transaction'}: "
                             f"{error['msg']}"))
        return
    if category := answer.get("category"):
        st.subheader("Category")
        top = ", ".join(f"{as_text(c)} {p:.0%}" for c, p in views.top_choices(category["top_k"]))
        verdict = ("unsure: it abstains rather than guess" if category["uncertain"]
                   else f"**{as_text(category['category'])}**")
        st.markdown(f"{verdict} (confidence {category['confidence']:.0%}, from the "
                    f"{category['source']} model); top choices: {top or 'none'}.")
    if amount_answer := answer.get("amount"):
        st.subheader("Amount")
        payee = ("a payee it knows" if amount_answer["known_payee"]
                 else "a payee it has not seen: the range is that of similar payees")
        st.markdown(f"Expected about **{money.format(amount_answer['predicted'], 2)}** "
                    f"(80 % range {money.format(amount_answer['lower'], 2)} to "
                    f"{money.format(amount_answer['upper'], 2)}) for {payee}.")
    if anomaly := answer.get("anomaly"):
        st.subheader("Anomaly")
        st.markdown(f"Score **{anomaly['score']:.2f}** (flagged from "
                    f"{anomaly['threshold']:.2f}): "
                    f"{'**flagged**' if anomaly['flagged'] else 'not flagged'} — "
                    f"{as_text(anomaly['reasons'])}.")
    if cash := answer.get("cashflow"):
        st.subheader("Cash flow")
        change = "" if cash["balance_known"] else " (change since the export's last day)"
        if cash["inside_forecast"]:
            st.markdown(f"With this transaction the projected balance{change} on "
                        f"{cash['end_date']} is **{money.format(cash['balance_with'])}** instead "
                        f"of {money.format(cash['balance_without'])}"
                        + (f"; first day below {money.format(cash['threshold'])}: "
                           f"{cash['first_low_day_with'] or 'none'} (without it: "
                           f"{cash['first_low_day_without'] or 'none'})." if cash["balance_known"]
                           else "."))
        else:
            st.markdown(f"The forecast runs from {cash['first_date']} (the day after the "
                        f"export's last day, {cash['as_of']}) to {cash['end_date']}: a "
                        f"transaction on {date} is outside it, so it does not change the "
                        "projected balance. Pick a date in that range to see its effect.")


@st.cache_resource(show_spinner=False, max_entries=2)
def _data_hash(root: str, stamp: tuple[float, ...]) -> str | None:
    from titans_finance.core.fingerprint import data_hash

    clean = _project(root).load("clean_transactions")
    return None if clean is None else data_hash(clean)


def health_page(project: Project) -> None:
    st.header("Models and data health")
    metrics = {model: load(project, f"metrics_{model}")
               for model in ("category", "amount", "anomaly", "cashflow")}
    clean = load(project, "clean_transactions")
    money = money_for(project, clean) if clean is not None else charts.UNKNOWN_MONEY
    st.subheader("Each model against its strongest simple baseline")
    st.write("Scored on the most recent part of the history, which the model never saw in "
             "training, beside the strongest of several simple rules on the same data.")
    st.dataframe(views.scorecards(metrics, money), hide_index=True, key="health_scorecards")
    for line in charts.scorecard_findings({k: v or {} for k, v in metrics.items()}, money):
        st.markdown(f"- {line}")
    st.subheader("Data quality")
    quality = load(project, "data_quality")
    if quality is None:
        st.info(RUN_FIRST.format(what="data/08_reporting/data_quality.json"))
    else:
        columns = st.columns(4)
        for column, key, label in zip(columns, ("rows_read", "rows_clean", "rows_quarantined",
                                                "rows_duplicate"),
                                      ("rows read", "clean", "quarantined", "duplicates"),
                                      strict=True):
            column.metric(label, f"{int(quality.get(key, 0)):,}")
        reasons = quality.get("quarantine_reasons") or {}
        if reasons:
            st.dataframe(pd.DataFrame({"reason": list(reasons), "rows": list(reasons.values())}),
                         hide_index=True, key="health_reasons")
    st.subheader("Your anomaly reviews")
    st.markdown(views.anomaly_review_summary(read_anomaly_labels(project.anomaly_labels_path)))
    st.subheader("Drift")
    st.markdown(views.drift_status(load(project, "drift_report"), _data_hash(
        str(project.root), project.modified(("clean_transactions",)))))
    st.subheader("What was trained when")
    versions = {model: project.latest_version(f"{model}_model")
                for model in ("category", "amount", "anomaly", "cashflow")}
    st.dataframe(views.training_runs(load(project, "packaged_models"), metrics, versions,
                                     _data_hash(str(project.root), project.modified(
                                         ("clean_transactions",)))),
                 hide_index=True, key="health_runs")
    report = load(project, "category_corrections_report")
    if report:
        st.write(f"The last training read {report.get('lines', 0)} correction lines: "
                 f"{report.get('matched_lines', 0)} matched a transaction, "
                 f"{report.get('unmatched_lines', 0)} matched none, "
                 f"{len(report.get('invalid') or [])} unusable.")
    st.subheader("Retrain with your corrections")
    st.write("Every correction saved in the review queue is used by the next training. "
             "Retrain everything on the current export, or let a new export challenge the "
             "served models (promoted only when better on the same hold-out):")
    st.code("make run\nmake retrain RAW=/path/to/latest_export.csv", language="bash")


def import_page(project: Project) -> None:
    from titans_finance.app.actions import inspect_export
    from titans_finance.core.readers import ExportReadError
    from titans_finance.core.readers.base import readable_error

    st.header("Import an export")
    st.write("CSV (any delimiter, language, date order), OFX/QFX, QIF, CAMT.053 or MT940: see "
             "how it is read before it is used. Nothing is written to the project.")
    upload = st.file_uploader("Export file", key="import_file")
    path = st.text_input("...or a file on this machine", key="import_path")
    if upload is not None:
        data, name = upload.getvalue(), upload.name
    elif path.strip():
        from pathlib import Path

        file = Path(path.strip()).expanduser()
        if not file.is_file():
            st.error(f"{as_text(file)}: no such file")
            return
        data, name = file.read_bytes(), file.name
    else:
        return
    entry = project.entries["raw_transactions"]
    started = time.perf_counter()
    try:
        result = inspect_export(data, name, project.parameters["ingestion"],
                                entry.get("mapping_files") or [])
    except (ExportReadError, ValueError) as exc:
        st.error(as_text(f"{name} cannot be read as transactions: {readable_error(exc)}"))
        return
    except Exception as exc:  # a pipeline failure names the node and the cause
        st.error(as_text(f"{name}: reading failed: {readable_error(exc)}"))
        return
    quality = result.quality
    st.success(f"{as_text(name)}: {quality.get('rows_read', 0):,} rows read → "
               f"{quality.get('rows_clean', 0):,} clean, "
               f"{quality.get('rows_quarantined', 0):,} quarantined, "
               f"{quality.get('rows_duplicate', 0):,} duplicates "
               f"({time.perf_counter() - started:.1f} s).")
    st.subheader("How it was read")
    for info in result.info:
        settings, columns = views.how_it_was_read(info)
        left, right = st.columns(2)
        left.dataframe(settings, key=f"import_settings_{info.get('file')}")
        if len(columns):
            right.dataframe(columns, hide_index=True, key=f"import_columns_{info.get('file')}")
        evidence = views.column_evidence(info)
        if len(evidence):
            st.dataframe(evidence, hide_index=True, key=f"import_evidence_{info.get('file')}")
        for note in (info.get("reading") or {}).get("notes") or []:
            st.info(note)
        if (info.get("reconciliation") or {}).get("status") == "contradicted":
            st.warning(f"{info.get('file')}: {views.balance_check(info['reconciliation'])}")
    period = quality.get("clean_date_range") or ["?", "?"]
    st.write(f"Dates from {period[0]} to {period[1]}.")
    st.subheader("Accounts")
    st.dataframe(result.accounts(), hide_index=True, key="import_accounts")
    st.subheader("Quarantined rows, with the reason")
    if len(result.quarantined):
        st.dataframe(result.quarantined, hide_index=True, key="import_quarantine")
    else:
        st.write("None: every row was read.")
    st.subheader("First clean transactions")
    shown = [c for c in ("date", "account", "type", "description", "amount", "currency",
                         "balance", "category", "reference", "is_transfer")
             if c in result.clean and result.clean[c].notna().any()]
    st.dataframe(views.dates_as_days(result.clean[shown].head(20)), hide_index=True,
                 key="import_clean")
    st.write("To use it, train on it (or let it challenge the served models):")
    st.code(f"kedro run --params raw_path={path.strip() or '/path/to/' + name}\n"
            f"make retrain RAW={path.strip() or '/path/to/' + name}", language="bash")


PAGE_FUNCTIONS = {"overview": overview_page, "transactions": transactions_page,
                  "review": review_page, "try": try_page, "health": health_page,
                  "import": import_page}


def main() -> None:
    st.set_page_config(page_title="titans-finance", layout="wide")
    try:
        root = project_root()
    except FileNotFoundError as exc:
        st.error(as_text(exc))
        return
    project = _project(str(root))
    slugs = list(PAGES)
    asked = st.query_params.get("page", "overview")
    if "page" not in st.session_state:
        st.session_state["page"] = asked if asked in PAGES else "overview"
    st.sidebar.title("titans-finance")
    slug = st.sidebar.radio("Page", slugs, format_func=PAGES.get, key="page")
    st.query_params["page"] = slug
    st.sidebar.caption(f"Project: {as_text(root)}")
    run_provenance(project)
    PAGE_FUNCTIONS[slug](project)


def run_provenance(project: Project) -> None:
    """The export and run the pages describe, and a warning when their inputs come from
    different runs (a pipeline run alone on another export)."""
    quality = load(project, "data_quality")
    clean_hash = _data_hash(str(project.root), project.modified(("clean_transactions",)))
    if quality is None or clean_hash is None:
        return
    metrics = {model: load(project, f"metrics_{model}") for model in charts.MODELS}
    lines = views.run_provenance(quality, clean_hash, metrics)
    st.sidebar.caption(lines[0])
    for line in lines[1:]:
        st.sidebar.warning(line)


main()
