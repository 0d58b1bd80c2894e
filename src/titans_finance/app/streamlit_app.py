"""titans-finance app: the page script Streamlit runs (``titans-finance app`` / ``make app``).

Everything shown comes from what ``make run`` wrote, read through the project's Kedro catalog
(`project.Project`); corrections are appended to the catalog's corrections file with the
service's own checks (`serving.schemas.Feedback`) and locked appends
(`core.corrections.append_correction`), so the next ``make run`` / ``make retrain`` learns
from them, and act at once as a rule for their merchant on every page (`app.review_queue`,
undone with one click). Before any page, `login.gate` checks the ``Host`` and the login
(`access`).

Pages: overview, transactions, review queue, try a transaction, models and data health,
import. ``?page=<slug>`` opens a page directly.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

import pandas as pd
import streamlit as st

from titans_finance.app import review_queue, views
from titans_finance.app.labels import append_anomaly_label, read_anomaly_labels
from titans_finance.app.login import gate
from titans_finance.app.outputs import (
    RUN_FIRST,
    SUBMITTED_BY,
    TABLE_INPUTS,
    data_hash_of,
    load,
    money_for,
    project_of,
    table_of,
)
from titans_finance.app.outputs import count as _count
from titans_finance.app.outputs import rules_file as _rules_file
from titans_finance.app.outputs import rules_problem as _rules_problem
from titans_finance.app.outputs import table_at as _table
from titans_finance.app.page_health import health_page
from titans_finance.app.page_import import import_page
from titans_finance.app.page_overview import overview_page
from titans_finance.app.page_try import try_page
from titans_finance.app.project import Project, project_root
from titans_finance.app.text import as_text
from titans_finance.reporting import charts, scorecards
from titans_finance.reporting.categorised import SOURCES, for_spreadsheet

log = logging.getLogger(__name__)
PAGES = {"overview": "Overview", "transactions": "Transactions", "review": "Review queue",
         "try": "Try a transaction", "health": "Models and data health", "import": "Import"}


# ---- pages -------------------------------------------------------------------------------

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
    from titans_finance.core.correction_rules import revert
    from titans_finance.core.corrections import remove_correction

    st.header("Review queue")
    table = table_of(project)
    queue = load(project, "category_review_queue")
    if table is None or queue is None:
        st.info(RUN_FIRST.format(what="data/08_reporting/category_review_queue.csv"))
        return
    clean = load(project, "clean_transactions")
    money = money_for(project, clean)
    corrections = project.load("category_corrections")
    st.write(f"Correct these first: one transaction per merchant, the decisions that settle "
             f"the most money first. A correction acts at once on the merchant's other "
             f"transactions whose category is the model's (or none), on every page; it is "
             f"appended to `{project.corrections_path.relative_to(project.root)}` (the file "
             f"`POST /feedback` writes), and `make run` (or `make retrain RAW=...`) learns "
             f"from it. Corrections on file: **{len(corrections)}**.")
    if message := st.session_state.pop("review_message", None):
        st.success(message)
    if problem := _rules_problem(project):
        st.error(as_text(f"Corrections do not act at once until this is fixed: {problem}"))
    undo = st.session_state.get("review_undo")
    if undo and st.button("Undo this correction", key="review_undo_last"):
        if undo["rule_id"]:
            removed = revert(_rules_file(str(project.root)), project.corrections_path,
                             rule_id=undo["rule_id"])
        else:
            removed = {"rules": 0, "corrections": remove_correction(project.corrections_path,
                                                                    undo["record"])}
        st.session_state.pop("review_undo", None)
        st.session_state["review_message"] = (
            f"Undone: {_count(removed['corrections'], 'correction')} and "
            f"{_count(removed['rules'], 'rule')} removed.")
        st.rerun()
    taxonomy = load(project, "category_taxonomy")
    choices = review_queue.taxonomy_categories(taxonomy, table)
    names = list(choices)
    # the money each decision settles as the run left it: the order stays put while
    # corrections are saved (a decided merchant keeps its place and says what it became)
    items = review_queue.review_items(queue, load(project, "category_predictions"),
                                      _table(str(project.root), project.modified(TABLE_INPUTS)))
    shown = st.slider("Items shown", 1, max(1, min(50, len(items))), min(10, len(items)) or 1,
                      key="review_count") if len(items) > 1 else len(items)
    merchants = dict(zip(table["merchant_key"], table["merchant"], strict=True))
    mine = table[table["category_source"] == SOURCES[0]]  # "your correction"
    corrected = dict(zip(mine["transaction_id"], mine["category"], strict=True))
    for _, item in items.head(shown).iterrows():
        _review_item(project, item, choices, names, merchants, corrected, table, clean, money,
                     taxonomy)
    anomaly_reviews(project, table, money)


def _review_item(project: Project, item: pd.Series, choices: dict[str, str], names: list[str],
                 merchants: dict[str, str], corrected: dict[str, str], table: pd.DataFrame,
                 clean: pd.DataFrame, money, taxonomy: dict | None = None) -> None:
    """One queue item: what the model said (a group by its name, with the reason), and
    the correction (or what was saved)."""
    from pydantic import ValidationError

    from titans_finance.core.correction_rules import append_rule
    from titans_finance.core.corrections import CorrectionsFileError, append_correction
    from titans_finance.serving.schemas import Feedback

    ident = str(item["transaction_id"])  # widget keys follow the item, not its position
    with st.container(border=True):
        top = views.top_choices(item.get("top_k"))
        merchant = merchants.get(str(item["merchant_key"]), str(item["merchant_key"]))
        st.markdown(f"**{as_text(item['description'])}** — "
                    f"{money.format(float(item['amount']), 2)} "
                    f"on {pd.Timestamp(item['date']).date()} · merchant *{as_text(merchant)}* "
                    f"({_count(int(item['transactions_of_merchant']), 'transaction')}; a "
                    f"decision settles {money.format(float(item['settles']))})")
        guesses = ", ".join(f"{as_text(c)} {p:.0%}" for c, p in top) or "none"
        st.caption(f"Model: {as_text(review_queue.model_answer(item, taxonomy))} (confidence "
                   f"{float(item['confidence']):.0%}); top choices: {guesses}")
        if (done := corrected.get(item["transaction_id"])) is not None:
            st.markdown(f"Corrected to **{as_text(done)}** (saved; it acts now on the "
                        "merchant's other transactions and is used at the next training).")
            return
        left, right = st.columns([3, 1])
        default = review_queue.preselected(item, choices)
        category = left.selectbox("Category", names, key=f"review_category_{ident}",
                                  index=names.index(default) if default else None,
                                  format_func=lambda c: f"{c} — {choices[c]}",
                                  placeholder="choose the right category")
        if not right.button("Save correction", key=f"review_save_{ident}",
                            disabled=category is None):
            return
        fields = review_queue.correction_fields(item, clean)
        try:
            feedback = Feedback(category=category,
                                predicted_category=str(item["predicted_category"]), **fields)
            record = {**feedback.record(), "submitted_by": SUBMITTED_BY,
                      "submitted_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
            rule = review_queue.app_rule(record, str(item["merchant_key"]))
            append_correction(project.corrections_path, record)
        except (ValidationError, CorrectionsFileError, ValueError) as exc:
            st.error(f"Not saved: {as_text(exc)}")
            return
        try:
            if rule is not None:
                append_rule(_rules_file(str(project.root)), rule)
        except (CorrectionsFileError, ValueError) as exc:
            st.error(f"Saved for the next training, but it does not act at once: {as_text(exc)}")
            return
        impact = review_queue.merchant_impact(table, str(item["merchant_key"]), ident, category)
        payee = as_text(merchant)
        reach = (f"It is the only transaction of {payee} so far" if not impact["others"] else
                 f"{payee} has {_count(impact['others'], 'other transaction')}: "
                 f"{impact['changed_now']} now show {as_text(category)}, "
                 f"{impact['others_different'] - impact['changed_now']} keep another category "
                 "(the export's or your own)")
        st.session_state["review_message"] = (
            f"Saved: '{as_text(fields['description'])}' on {fields['date']} is "
            f"{as_text(category)}. {reach}; the next training learns {payee} from this "
            "correction.")
        st.session_state["review_undo"] = {"rule_id": rule["rule_id"] if rule else None,
                                           "record": record}
        st.rerun()


def anomaly_reviews(project: Project, table: pd.DataFrame, money) -> None:
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


PAGE_FUNCTIONS = {"overview": overview_page, "transactions": transactions_page,
                  "review": review_page, "try": try_page, "health": health_page,
                  "import": import_page}


def main() -> None:
    st.set_page_config(page_title="titans-finance", layout="wide")
    try:
        root = project_root()
        project = project_of(str(root))
    except (FileNotFoundError, ValueError) as exc:  # before the login: the details go to the log
        log.error("titans-finance app: %s", exc)
        st.error("The app cannot read its project; the server's log says why.")
        return
    if not gate(project.settings["app"].login):
        return
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
    clean_hash = data_hash_of(str(project.root), project.modified(("clean_transactions",)))
    if quality is None or clean_hash is None:
        return
    metrics = {model: load(project, f"metrics_{model}") for model in scorecards.MODELS}
    lines = views.run_provenance(quality, clean_hash, metrics)
    st.sidebar.caption(lines[0])
    for line in lines[1:]:
        st.sidebar.warning(line)


main()
