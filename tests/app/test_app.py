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


def test_a_correction_made_in_the_app_lands_in_the_corrections_file(app, app_root):
    test = app("review")
    project = Project(app_root)
    assert not project.corrections_path.exists()
    assert "Corrections on file: **0**" in _text(test)
    queue = project.load("category_review_queue")
    first = queue.iloc[0]
    choice = test.selectbox(key="review_category_0")
    category = next(c for c in choice.options if c.split(" — ")[0] not in (
        first["predicted_category"],))
    choice.select(category).run()
    test.button(key="review_save_0").click().run()
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
    assert first["transaction_id"] in set(hit["transaction_id"])
    assert set(hit["category"]) == {chosen}
    # the page says so, with what it changes for the merchant, and counts it
    text = _text(test)
    assert f"is {chosen}" in text and "the next training learns" in text
    features = project.load("feature_table")
    others = int((features["merchant_key"] == first["merchant_key"]).sum()) - 1
    assert (f"has {others:,} other transaction" in text if others
            else "the only transaction of" in text)
    assert "Corrections on file: **1**" in text
    # the corrected item says so instead of offering the correction again
    assert f"Corrected to **{chosen}**" in text
    assert "review_save_0" not in [b.key for b in test.button]


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


def test_import_shows_how_a_real_export_is_read(app):
    test = app("import")
    test.text_input(key="import_path").input(str(EXPORTS / "csv2ofx-mint.csv")).run()
    assert not test.exception, test.exception
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
    test.text_input(key="import_path").input(str(EXPORTS / "SOURCES.md")).run()
    assert test.error or "quarantined" in test.success[0].value


def test_import_of_an_unreadable_mt940_names_the_line_and_shows_no_python_object(app, tmp_path):
    damaged = tmp_path / "bank.sta"
    damaged.write_text(":20:X\n:25:NL12BANK0123456789\n:60F:C240101EUR0,00\n"
                       ":61:240102D1,00NTRF\n:86:a\n:61:240103C12OO,00NTRF\n:86:b\n"
                       ":62F:C240103EUR0,00\n-\n")
    test = app("import")
    test.text_input(key="import_path").input(str(damaged)).run()
    assert not test.exception, test.exception
    # the page shows it as text: Markdown punctuation escaped (app/text.as_text)
    message = re.sub(r"\\(.)", r"\1", test.error[0].value)
    assert "bank.sta" in message and "1 of 2 MT940 statement lines" in message
    assert "object at 0x" not in message and "<mt940" not in message
