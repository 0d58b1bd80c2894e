"""The app's tables on small hand-made frames (no pipeline run)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from titans_finance.app import views
from titans_finance.reporting import file_reading
from titans_finance.app.labels import append_anomaly_label, read_anomaly_labels


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame({
        "transaction_id": ["a", "b", "c", "d", "e"],
        "date": pd.to_datetime(["2025-01-03", "2025-01-10", "2025-02-01", "2025-02-15",
                                "2025-03-01"]),
        "account": ["cheque", "cheque", "card", "card", "cheque"],
        "type": ["expense", "expense", "expense", "income", "expense"],
        "description": ["TESCO STORES 123", "Shell fuel", "TESCO EXPRESS", "Salary ACME",
                        "Netflix.com"],
        "merchant_key": ["tesco", "shell", "tesco", "acme", "netflix"],
        "merchant": ["TESCO", "Shell", "TESCO", "ACME", "Netflix"],
        "amount": [-40.0, -60.5, -12.0, 2500.0, -9.99],
        "category": ["groceries", None, "uncertain", "salary", "subscriptions"],
        "category_source": ["export", "none", "model unsure", "export", "predicted"],
        "is_anomaly": [False, True, False, False, False],
        "anomaly_score": [0.1, 0.9, 0.2, 0.0, 0.1],
    })


def test_every_filter_narrows_to_the_expected_rows(table):
    def ids(**kwargs):
        return list(views.filter_transactions(table, views.Filters(**kwargs))["transaction_id"])

    assert ids() == ["a", "b", "c", "d", "e"]
    assert ids(start=dt.date(2025, 1, 10), end=dt.date(2025, 2, 1)) == ["b", "c"]
    assert ids(accounts=("card",)) == ["c", "d"]
    assert ids(categories=("uncategorised",)) == ["b"]
    assert ids(sources=("predicted", "model unsure")) == ["c", "e"]
    assert ids(text="tesco") == ["a", "c"]
    assert ids(merchant="NETF") == ["e"]
    assert ids(min_amount=-41, max_amount=0) == ["a", "c", "e"]
    assert ids(anomalies_only=True) == ["b"]
    assert ids(text="tesco", accounts=("cheque",)) == ["a"]
    # a regex character is searched literally
    assert ids(text="netflix.com") == ["e"] and ids(text="n.tflix") == []


def test_pages_cover_every_row_once():
    frame = pd.DataFrame({"x": np.arange(1234)})
    assert views.page_count(len(frame), 100) == 13
    pages = [views.page_of(frame, p, 100) for p in range(1, 14)]
    assert sum(len(p) for p in pages) == 1234 and pages[-1]["x"].iloc[-1] == 1233
    assert views.page_of(frame, 99, 100).equals(pages[-1])  # clipped to the last page
    assert views.page_count(0, 100) == 1 and views.page_of(frame.head(0), 1, 100).empty


def test_latest_balance_per_account_is_the_last_written():
    clean = pd.DataFrame({"date": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-02",
                                                  "2025-01-01"]),
                          "source_row": [1, 2, 3, 4], "account": ["x", "x", "x", "y"],
                          "balance": [100.0, 90.0, 80.0, np.nan], "amount": [1.0] * 4})
    balances = views.latest_balances(clean)
    assert balances[["account", "balance"]].to_dict("records") == [{"account": "x",
                                                                    "balance": 80.0}]
    assert views.latest_balances(clean.drop(columns="balance")).empty


def test_scorecards_show_the_strongest_baseline_and_say_no_plainly():
    metrics = {
        "cashflow": {"scorecard": {"metric": "mase", "lower_is_better": True, "model": 1.2,
                                   "baselines": {"zero": 1.0, "seasonal_naive_7": 1.1},
                                   "best_baseline": "zero", "beats_best_baseline": False,
                                   "advantage": -0.2, "advantage_se": 0.05,
                                   "verdict": "behind"}},
        "amount": None,
    }
    cards = views.scorecards(metrics).set_index("model")
    assert cards.loc["cash-flow", "baseline score"] == "1.000"
    assert cards.loc["cash-flow", "against it"] == "behind"
    assert cards.loc["amount", "against it"] == "not trained yet"
    # an untrained model's cells are empty text, never None
    assert cards.loc["amount", ["model score", "baseline score"]].tolist() == ["", ""]


def test_recurring_payments_get_their_next_date():
    metrics = {"recurring_details": [{"merchant": "adobe", "kind": "monthly", "day": 4,
                                      "amount": -55.98, "last_date": "2025-12-04",
                                      "occurrences": 45}]}
    table = views.recurring_payments(metrics, {"adobe": "Adobe"})
    assert table.iloc[0]["merchant"] == "Adobe" and table.iloc[0]["next date"] == "2026-01-04"


def test_anomaly_reviews_round_trip_and_refuse_unknown_labels(tmp_path):
    path = tmp_path / "labels.csv"
    record = {"transaction_id": "t1", "date": "2025-01-01", "description": "=HYPERLINK(x)",
              "amount": -10.0, "score": 0.93, "label": "fraud", "submitted_by": "app"}
    append_anomaly_label(path, record)
    append_anomaly_label(path, {**record, "label": "expected"})
    assert "'=HYPERLINK" in path.read_text()  # a spreadsheet shows it, never runs it
    labels = read_anomaly_labels(path)
    assert labels[["transaction_id", "label", "description"]].to_dict("records") == [
        {"transaction_id": "t1", "label": "expected", "description": "=HYPERLINK(x)"}]
    with pytest.raises(ValueError, match="label must be one of"):
        append_anomaly_label(path, {**record, "label": "maybe"})


def test_top_choices_read_both_the_model_and_the_table_forms():
    assert views.top_choices("fuel 0.93; food 0.05; other 0.02", limit=2) == [
        ("fuel", 0.93), ("food", 0.05)]
    assert views.top_choices([{"category": "rent", "probability": 0.7}]) == [("rent", 0.7)]
    assert views.top_choices(None) == [] and views.top_choices(float("nan")) == []


def test_drift_status_names_the_verdict_the_moved_features_and_a_stale_check():
    assert "make monitor" in views.drift_status(None)
    drift = {"verdict": "drift", "n_batch": 412, "batch_period": ["2026-01-01", "2026-01-31"],
             "features": [{"feature": "log_abs_amount", "verdict": "drift"},
                          {"feature": "hour", "verdict": "ok"}],
             "reference_data_hash": "abc"}
    text = views.drift_status(drift, current_hash="abc")
    assert "**drift** on 412 transactions from 2026-01-01 to 2026-01-31" in text
    assert "moved: log_abs_amount." in text and "earlier run" not in text
    assert "earlier run" in views.drift_status(drift, current_hash="def")


def test_how_an_export_was_read_says_its_date_order_and_columns():
    info = {"file": "n26.csv", "format": "csv", "rows": 2, "encoding": "utf-8", "delimiter": ",",
            "day_first": True, "date_order_evidence": {"decided_by": "values"},
            "columns": {"Date": ["Booking Date"], "Amount": ["Amount (EUR)"]},
            "unrecognised_columns": ["Partner Iban"]}
    settings, columns = file_reading.how_it_was_read(info)
    assert settings.loc["date order"].iloc[0] == "day first (31/01) (decided by values)"
    assert settings.loc["columns not used"].iloc[0] == "Partner Iban"
    assert columns.to_dict("records")[1] == {"field": "Amount",
                                             "from the file's column(s)": "Amount (EUR)"}
    ambiguous, _ = file_reading.how_it_was_read({**info, "date_order_ambiguous": True})
    assert "export_mappings.yml" in ambiguous.loc["date order"].iloc[0]


def test_anomaly_reviews_give_the_precision_of_the_flags():
    labels = pd.DataFrame({"transaction_id": ["a", "b", "c", "d"],
                           "label": ["fraud", "expected", "expected", "fraud"]})
    assert "precision on your data is 50% (2 were expected)" in views.anomaly_review_summary(
        labels)
    assert "No flagged transaction reviewed yet" in views.anomaly_review_summary(
        labels.head(0))


def test_try_a_transaction_defaults_to_the_first_forecast_day_and_moves_the_balance():
    """The date a tried transaction gets by default is the day after the export's last day
    (today is usually past the forecast, so it changed nothing); the range is the
    forecast's days, and a transaction on its first and last day counts, one day either
    side does not."""
    from tests.models.test_cashflow import PARAMS, _account
    from titans_finance.app.actions import balance_with
    from titans_finance.models.cashflow import CashflowModel

    tx = _account(6)
    model = CashflowModel("exact+zero", PARAMS).fit(tx)
    first, last = views.try_dates(model, tx)
    as_of = tx["date"].max().date()
    assert first == as_of + dt.timedelta(days=1) and last == as_of + dt.timedelta(days=90)
    for day, inside in ((first, True), (last, True), (first - dt.timedelta(days=1), False),
                        (last + dt.timedelta(days=1), False)):
        answer = balance_with(model, pd.Timestamp(day), -1000.0)
        assert answer["inside_forecast"] is inside and answer["first_date"] == str(first)
        moved = answer["balance_with"] - answer["balance_without"]
        assert moved == (pytest.approx(-1000.0) if inside else 0.0)
    # no model yet: the day after the export's last day all the same
    assert views.try_dates(None, tx)[0] == first
    assert views.try_dates(None, None) is None


def test_the_import_page_shows_each_columns_evidence_and_the_balance_check():
    info = {"file": "nl.csv", "format": "csv", "headerless": True,
            "reading": {"sign_convention": "unsigned amounts; direction from column 'column 4'",
                        "columns": {"column 1": {"role": "Date", "decided_by": "values parse as dates",
                                                 "date_rate": 1.0},
                                    "column 3": {"role": "Amount", "decided_by": "the only column of "
                                                 "amounts", "amount_rate": 0.95, "decimal_mark": ","},
                                    "column 4": {"role": "Debit/Credit", "decided_by": "known words",
                                                 "tokens": {"D": 2, "C": 1}},
                                    "column 5": {"decided_by": "not used"}}},
            "reconciliation": {"status": "contradicted", "source": "running balance",
                               "first_break_row": 7, "explanation": "lines are missing"}}
    settings, _ = file_reading.how_it_was_read(info)
    assert settings.loc["header"].iloc[0] == "none: every column read by its values"
    assert "direction from column 'column 4'" in settings.loc["sign"].iloc[0]
    assert settings.loc["balance check"].iloc[0].startswith("CONTRADICTED")
    assert "first at row 7" in settings.loc["balance check"].iloc[0]
    table = file_reading.column_evidence(info).set_index("column")
    assert table.loc["column 3", "values seen"] == "amounts 95% (decimal ,)"
    assert table.loc["column 4", "values seen"] == "values D / C"
    assert table.loc["column 5", "field"] == "—" and table.loc["column 5", "values seen"] == "empty"
    assert file_reading.balance_check({"status": "proven", "source": "statement balances",
                                "statements_checked": 2}) == (
        "proven: the amounts carry the statement balances (2 statements checked)")
    assert file_reading.balance_check({"status": "not possible", "source": "x", "reason": "no balances"}
                               ) == "not possible: no balances"
    assert file_reading.balance_check(None) is None


def test_transfers_are_neither_income_nor_spending(table):
    moved = pd.concat([table, pd.DataFrame({
        "date": pd.to_datetime(["2025-03-02", "2025-03-02"]), "account": ["cheque", "card"],
        "type": ["expense", "income"], "amount": [-500.0, 500.0], "category": [None, None],
        "is_transfer": [True, True]})], ignore_index=True)
    moved["is_transfer"] = moved["is_transfer"].fillna(False).astype(bool)
    assert views.income_and_expenses(moved) == views.income_and_expenses(table)
    assert views.monthly_income_and_expenses(moved).equals(
        views.monthly_income_and_expenses(table))
    assert views.spending_by(moved, "category").equals(views.spending_by(table, "category"))
