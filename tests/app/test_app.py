"""Every page of the app, driven by Streamlit's own test harness (`streamlit.testing`) on the
outputs of the real pipelines (the session's generated-data project, copied per module)."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PROJECT_ROOT
from titans_finance.app import streamlit_app_path
from titans_finance.app.project import Project
from titans_finance.core.corrections import apply_corrections

EXPORTS = PROJECT_ROOT / "tests" / "data" / "exports"


@pytest.fixture
def app(app_root, monkeypatch):
    monkeypatch.setenv("TITANS_PROJECT_ROOT", str(app_root))

    def open_page(page: str) -> AppTest:
        test = AppTest.from_file(streamlit_app_path(), default_timeout=60)
        test.session_state["page"] = page
        test.run()
        assert not test.exception, test.exception
        return test

    return open_page


def _text(test: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "success", "info", "warning", "error")
             for e in getattr(test, kind)]
    parts += [m.label + " " + str(m.value) for m in test.metric]
    return "\n".join(map(str, parts))


def test_overview_shows_balances_projections_and_charts(app, app_root):
    test = app("overview")
    labels = [m.label for m in test.metric]
    for days in (30, 60, 90):
        assert any(f" in {days} days" in label for label in labels), labels
    assert {"income", "expenses", "net"} <= set(labels)
    charts = test.get("plotly_chart")
    assert len(charts) >= 3
    # totals are those of the clean table
    clean = Project(app_root).load("clean_transactions")
    income = next(m for m in test.metric if m.label == "income").value
    assert int("".join(c for c in income if c.isdigit())) == round(
        clean.loc[clean["amount"] > 0, "amount"].sum())
    account = test.selectbox(key="overview_account")
    assert account.options[0] == "All accounts"


def test_transactions_filter_counts_match_the_clean_table(app, app_root):
    test = app("transactions")
    clean = Project(app_root).load("clean_transactions")
    assert f"{len(clean):,} of {len(clean):,} transactions match" in _text(test)
    word = clean["description"].str.split().str[0].value_counts().index[0]
    test.text_input(key="tx_text").input(word).run()
    expected = int(clean["description"].str.contains(word, case=False, regex=False).sum())
    assert f"{expected:,} of {len(clean):,} transactions match" in _text(test)
    shown = test.dataframe[0].value
    assert 0 < len(shown) <= 100 and shown["description"].str.contains(
        word, case=False, regex=False).all()
    prepare = test.button(key="tx_csv")
    assert f"the {expected:,} matching" in prepare.label
    prepare.click().run()
    assert [b.label for b in test.get("download_button")] == ["Download CSV"]
    test.checkbox(key="tx_anomalies").check().run()
    assert test.dataframe[0].value["anomaly_score"].notna().all()


def _review_items(test: AppTest) -> list[str]:
    """The transaction ids of the queue items shown, in page order."""
    return [box.key.removeprefix("review_category_") for box in test.selectbox
            if box.key and box.key.startswith("review_category_")]


def test_a_correction_made_in_the_app_lands_in_the_corrections_file(app, app_root):
    test = app("review")
    project = Project(app_root)
    assert not project.corrections_path.exists()
    assert "Corrections on file: **0**" in _text(test)
    queue = project.load("category_review_queue").set_index("transaction_id")
    shown = _review_items(test)
    assert shown and set(shown) <= set(queue.index)
    # an item the model was unsure of offers no category already chosen
    for ident in shown:
        if queue.loc[ident, "predicted_category"] == "uncertain":
            assert test.selectbox(key=f"review_category_{ident}").value is None
    ident = shown[0]  # the decision that settles the most money
    first = queue.loc[ident]
    choice = test.selectbox(key=f"review_category_{ident}")
    category = next(c for c in choice.options if c.split(" — ")[0] not in (
        first["predicted_category"],))
    choice.select(category).run()
    test.button(key=f"review_save_{ident}").click().run()
    assert not test.exception, test.exception
    chosen = category.split(" — ")[0]
    # the line is in the file the category pipeline reads, as the service would write it
    lines = pd.read_csv(project.corrections_path, dtype="str", keep_default_na=False)
    assert len(lines) == 1
    line = lines.iloc[0]
    assert (line["category"], line["description"], line["submitted_by"]) == (
        chosen, first["description"], "app")
    assert line["date"] == str(pd.Timestamp(first["date"]).date())
    # read back through the catalog, it names exactly that transaction
    corrections = project.load("category_corrections")
    corrected, summary = apply_corrections(project.load("clean_transactions"), corrections)
    assert summary["matched_lines"] == 1
    hit = corrected[corrected["corrected"]]
    assert ident in set(hit["transaction_id"])
    assert set(hit["category"]) == {chosen}
    # the page says so, with what it changes for the merchant at once, and counts it
    text = _text(test)
    assert f"is {chosen}" in text and "the next training learns" in text
    features = project.load("feature_table")
    others = int((features["merchant_key"] == first["merchant_key"]).sum()) - 1
    assert (f"has {others:,} other transaction" in text if others
            else "the only transaction of" in text)
    assert "Corrections on file: **1**" in text
    # the corrected item says so instead of offering the correction again
    assert f"Corrected to **{chosen}**" in text
    assert f"review_save_{ident}" not in [b.key for b in test.button]


def test_a_correction_changes_the_merchants_other_transactions_at_once_and_undo_restores(
        app, app_root):
    project = Project(app_root)
    if project.corrections_path.exists():  # the test above saved one: start from none
        project.corrections_path.unlink()
    rules = project.corrections_path.with_name("category_corrections_rules.csv")
    rules.unlink(missing_ok=True)
    test = app("review")
    queue = project.load("category_review_queue").set_index("transaction_id")
    features = project.load("feature_table").set_index("transaction_id")
    from titans_finance.app import review_queue, views

    table = views.transactions_table(*(project.load(name) for name in (
        "clean_transactions", "category_predictions", "category_corrections", "feature_table",
        "anomaly_scores")))
    items = review_queue.review_items(queue.reset_index(), project.load("category_predictions"),
                                      table)
    assert items["settles"].is_monotonic_decreasing
    # an item whose merchant has other transactions with an open category
    ident = next(i for i in _review_items(test) if review_queue.merchant_impact(
        table, features.loc[i, "merchant_key"], i, "__none__")["changed_now"] > 0)
    key = features.loc[ident, "merchant_key"]
    open_others = table[(table["merchant_key"] == key) & (table["transaction_id"] != ident) &
                        table["category_source"].isin(review_queue.OPEN_SOURCES)]
    choice = test.selectbox(key=f"review_category_{ident}")
    category = next(c for c in choice.options if c.split(" — ")[0] != "uncertain")
    chosen = category.split(" — ")[0]
    choice.select(category).run()
    test.button(key=f"review_save_{ident}").click().run()
    assert not test.exception, test.exception
    assert f"{len(open_others)} now show {chosen}" in _text(test)
    # the transactions page shows the merchant's other open transactions corrected
    page = app("transactions")
    page.text_input(key="tx_merchant").input(table.loc[table["merchant_key"] == key,
                                                       "merchant"].iloc[0]).run()
    page.selectbox(key="tx_size").select(500).run()
    shown = page.dataframe[0].value
    ruled = shown[shown["category_source"] == "your correction"]
    assert len(ruled) >= len(open_others) and set(ruled["category"]) == {chosen}
    # undo removes the rule and the correction: the categories come back
    test.button(key="review_undo_last").click().run()
    assert not test.exception, test.exception
    assert "Undone: 1 correction and 1 rule removed" in _text(test)
    lines = pd.read_csv(project.corrections_path, dtype="str", keep_default_na=False)
    assert len(lines) == 0
    after = app("transactions").dataframe[0].value
    assert not (after["category_source"] == "your correction").any()


def test_an_anomaly_review_is_recorded(app, app_root):
    test = app("review")
    buttons = [b for b in test.button if b.key and b.key.startswith("anomaly_fraud_")]
    assert buttons, "no flagged anomaly to review on the generated data"
    buttons[0].click().run()
    labels = pd.read_csv(Project(app_root).anomaly_labels_path, dtype="str")
    assert labels["label"].tolist() == ["fraud"]
    assert "is fraud" in _text(test)
    # the reviews measure the flags' precision on the user's own data
    assert "Of 1 flagged transactions reviewed, 1 were fraud" in _text(app("health"))


def test_try_a_transaction_answers_with_the_four_models(app):
    test = app("try")
    test.text_input(key="try_description").input("NETFLIX.COM 866-579-7172 CA")
    test.number_input(key="try_amount").set_value(-15.49)
    test.date_input(key="try_date").set_value(dt.date(2026, 1, 5))
    test.button(key="try_submit").click().run()
    assert not test.exception, test.exception
    headers = [h.value for h in test.subheader]
    assert headers == ["Category", "Amount", "Anomaly", "Cash flow"]
    text = _text(test)
    assert "confidence" in text and "80 % range" in text and "Score" in text
    # a value the service refuses gets its clear message, not a traceback
    test.text_input(key="try_description").input("   ")
    test.button(key="try_submit").click().run()
    assert any("description" in e.value for e in test.error)


def test_try_a_transaction_is_dated_on_the_forecasts_first_day(app, app_root):
    # it defaulted to today, after the forecast's last day: the projection never moved
    test = app("try")
    as_of = Project(app_root).load("cashflow_model").as_of
    assert test.date_input(key="try_date").value == (as_of + pd.Timedelta(days=1)).date()
    test.text_input(key="try_description").input("Office Rent")
    test.number_input(key="try_amount").set_value(-1000.0)
    test.button(key="try_submit").click().run()
    assert not test.exception, test.exception
    assert "instead of" in _text(test) and "outside it" not in _text(test)
    # the sidebar names the export and run the pages describe; one run: no warning
    assert any(c.value.startswith("Export\\: transactions\\.csv") for c in test.sidebar.caption)
    assert not test.sidebar.warning


def test_health_shows_every_model_beside_its_strongest_baseline(app):
    test = app("health")
    cards = test.dataframe[0].value
    assert list(cards["model"]) == ["category", "amount", "anomaly", "cash-flow"]
    measured = cards[cards["against it"].isin(["beats", "level with", "behind"])]
    assert len(measured) >= 3 and (measured["baseline score"] != "").all()
    assert "None" not in cards.astype(str).to_numpy()
    assert "make retrain RAW=" in test.code[0].value
    assert "rows read" in [m.label for m in test.metric]


def _upload(test, name: str, data: bytes):
    test.get("file_uploader")[0].upload(name, data).run()
    assert not test.exception, test.exception
    return test


def test_import_shows_how_a_real_export_is_read(app):
    test = app("import")
    # only an uploaded file is read: no field takes a path on the server
    assert not test.text_input and len(test.get("file_uploader")) == 1
    _upload(test, "csv2ofx-mint.csv", (EXPORTS / "csv2ofx-mint.csv").read_bytes())
    assert test.success and "rows read" in test.success[0].value
    frames = [d.value for d in test.dataframe]
    settings = next(f for f in frames if "date order" in f.index)
    assert settings.loc["format"].iloc[0] == "csv"
    assert "month first" in settings.loc["date order"].iloc[0]  # Mint writes 6/12/15
    assert "direction from column 'Transaction Type'" in settings.loc["sign"].iloc[0]
    assert settings.loc["balance check"].iloc[0].startswith("not possible")
    evidence = next(f for f in frames if "decided by" in f.columns).set_index("column")
    assert evidence.loc["Date", "field"] == "Date" and "dates 100%" in evidence.loc[
        "Date", "values seen"]
    accounts = next(f for f in frames if "transactions" in f.columns)
    expected = pd.read_csv(EXPORTS / "expected" / "csv2ofx-mint.csv.csv")  # every transaction
    assert accounts["transactions"].sum() == len(expected)
    assert round(accounts["net"].sum(), 2) == round(float(expected["amount"].sum()), 2)
    assert "raw_path=/path/to/csv2ofx-mint.csv" in test.code[0].value
    test = _upload(app("import"), "SOURCES.md", (EXPORTS / "SOURCES.md").read_bytes())
    assert test.error or "quarantined" in test.success[0].value


def test_import_of_an_unreadable_mt940_names_the_line_and_shows_no_python_object(app):
    damaged = (":20:X\n:25:NL12BANK0123456789\n:60F:C240101EUR0,00\n"
               ":61:240102D1,00NTRF\n:86:a\n:61:240103C12OO,00NTRF\n:86:b\n"
               ":62F:C240103EUR0,00\n-\n")
    test = _upload(app("import"), "bank.sta", damaged.encode())
    # the page shows it as text: Markdown punctuation escaped (app/text.as_text)
    message = re.sub(r"\\(.)", r"\1", test.error[0].value)
    assert "bank.sta" in message and "1 of 2 MT940 statement lines" in message
    assert "object at 0x" not in message and "<mt940" not in message


@pytest.mark.parametrize("columns, refused", [(499, False), (500, False), (501, True)])
def test_import_refuses_an_export_wider_than_the_column_cap_before_parsing(app, columns,
                                                                           refused):
    # app.upload.max_columns: 500 (the shipped value); a row of the same width under it
    header = ",".join(["Date", "Description", "Amount", *(f"c{i}" for i in range(columns - 3))])
    row = ",".join(["2024-01-02", "Coffee", "-3.50", *("" for _ in range(columns - 3))])
    test = _upload(app("import"), "wide.csv", f"{header}\n{row}\n".encode())
    errors = [re.sub(r"\\(.)", r"\1", e.value) for e in test.error]
    if refused:
        assert errors == [f"wide.csv is not read: line 1 has {columns} fields separated by ',': "
                          "the import page reads up to 500 columns (app.upload.max_columns)."]
        assert not test.success and not test.dataframe
    else:
        assert not any("is not read" in e for e in errors)
        assert test.success and "1 rows read" in test.success[0].value.replace(",", "")
