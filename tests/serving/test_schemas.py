"""Requests are read by the ingestion's own parsers: the same spellings, the same limits."""

import datetime as dt

import pandas as pd
import pytest
import yaml
from pydantic import ValidationError

from tests.conftest import PROJECT_ROOT
from titans_finance.core.normalise import MAX_FUTURE_DAYS, parse_amounts, parse_dates
from titans_finance.serving.schemas import MAX_BATCH, Transaction, transactions_frame

BASE = {"description": "SHELL OIL 57444 HOUSTON TX", "amount": -64.2, "date": "2025-03-14"}
AMOUNTS = ["-34,12", "£34.12", "1.234,56", "(34.12)", "$1,234.56", "12.00-", "  -7  ", "1 234,5"]
DATES = ["14/03/2025", "14.03.2025", "2025-03-14T10:22:00", "20250314", "2025/03/14",
         "14 Mar 2025", "Mar 14, 2025", "03/04/2025"]


@pytest.mark.parametrize("spelling", AMOUNTS)
def test_amount_spellings_are_read_as_ingestion_reads_them(spelling):
    expected, invalid = parse_amounts(pd.Series([spelling]))
    assert not invalid.iloc[0]
    assert Transaction(**{**BASE, "amount": spelling}).amount == expected.iloc[0]


@pytest.mark.parametrize("spelling", DATES)
def test_date_spellings_are_read_as_ingestion_reads_them(spelling):
    expected, invalid = parse_dates(pd.Series([spelling]))
    assert not invalid.iloc[0]
    assert Transaction(**{**BASE, "date": spelling}).date == expected.iloc[0].date()


@pytest.mark.parametrize("spelling, expected", [
    ("01.03.2025", "2025-03-01"), ("12.03.2025", "2025-03-12"), ("13.03.2025", "2025-03-13"),
    ("03.13.2025", "2025-03-13"),  # only month-first can be a date: that reading stands
    ("1.3.25", "2025-03-01"), ("01/03/2025", "2025-01-03"), ("13/03/2025", "2025-03-13")])
def test_a_dotted_date_is_day_first_and_a_slashed_one_month_first(spelling, expected):
    """Dots are the day-first convention (no month-first locale writes them): 01.03.2025 is
    1 March; with slashes an ambiguous date stays month-first (US exports)."""
    assert Transaction(**{**BASE, "date": spelling}).date.isoformat() == expected


@pytest.mark.parametrize("field, value, message", [
    ("amount", "abc", "not an amount: 'abc'"),
    ("amount", True, "not true/false"),
    ("date", 1741910400, "not a date: '1741910400'"),  # never taken as a Unix time
    ("date", "2025-13-45", "not a date"),
    ("date", 20250314.0, "must be a string"),
    ("type", "refund?", "unknown type 'refund?'"),
    ("type", "x" * 21, "at most 20 characters"),
    ("description", "cut\x00here", "control character"),
])
def test_what_ingestion_would_quarantine_is_refused_naming_the_field(field, value, message):
    with pytest.raises(ValidationError) as error:
        Transaction(**{**BASE, field: value})
    (detail,) = error.value.errors()
    assert detail["loc"] == (field,) and message in detail["msg"]


def test_an_integer_date_is_read_like_the_same_digits_in_a_file():
    assert Transaction(**{**BASE, "date": 20250314}).date == dt.date(2025, 3, 14)


def test_the_future_date_limit_is_the_one_ingestion_uses():
    params = yaml.safe_load((PROJECT_ROOT / "conf/base/parameters_ingestion.yml").read_text())
    assert params["ingestion"]["max_future_days"] == MAX_FUTURE_DAYS
    latest = dt.date.today() + dt.timedelta(days=MAX_FUTURE_DAYS)
    assert Transaction(**{**BASE, "date": latest.isoformat()}).date == latest
    with pytest.raises(ValidationError, match=f"at most {MAX_FUTURE_DAYS} days after today"):
        Transaction(**{**BASE, "date": (latest + dt.timedelta(days=1)).isoformat()})


def test_a_batch_reads_each_value_as_a_single_request_would():
    from titans_finance.serving.service import InvalidBatch, validated_transactions

    items = [{**BASE, "amount": a, "date": d} for a, d in zip(AMOUNTS, DATES, strict=True)]
    assert validated_transactions(items) == [Transaction(**item) for item in items]
    with pytest.raises(InvalidBatch) as error:
        validated_transactions([*items, {**BASE, "amount": "lots", "date": "soon"}])
    assert [d["loc"] for d in error.value.detail] == [["transactions", len(items), "amount"],
                                                      ["transactions", len(items), "date"]]


def test_an_oversized_batch_is_refused_before_any_item_is_read():
    from titans_finance.serving.service import BatchInput, ValidateInput

    for model in (BatchInput, ValidateInput):
        with pytest.raises(ValidationError) as error:
            model.model_validate({"transactions": [{"not": "checked"}] * (MAX_BATCH + 1)})
        assert [e["type"] for e in error.value.errors()] == ["too_many_items"]


def test_the_request_frame_has_the_clean_tables_columns_and_values():
    """`transactions_frame` is what the models see of a request (found by `make mutation`:
    no fast test read it)."""
    frame = transactions_frame([
        Transaction(description="SHELL OIL", amount="-64.20", date="14/03/2025", merchant="Shell",
                    payment_method="credit_card", category="fuel"),
        # a sign contradicting the declared type: the type wins, as in the clean table
        Transaction(description="Refund", amount=12.5, date="2025-03-15", type="expense"),
        Transaction(description="Client pays", amount=-100, date="2025-03-16", type="income"),
        Transaction(description="Salary", amount=2000, date="2025-03-17", type="income"),
        # under one unit of currency the type still decides the sign
        Transaction(description="Coffee", amount=0.4, date="2025-03-18", type="expense"),
        Transaction(description="Interest", amount=0.25, date="2025-03-19", type="income")])
    assert list(frame.columns) == ["transaction_id", "source_row", "date", "type", "description",
                                   "amount", "category", "payment_method", "status", "reference",
                                   "receipt_url", "account"]
    assert frame["transaction_id"].tolist() == [f"req_{i}" for i in range(6)]
    # no account in the request: None, which the history state reads as its default account
    assert frame["account"].isna().all()
    assert frame["source_row"].tolist() == [1, 2, 3, 4, 5, 6]
    assert frame["date"].dtype == "datetime64[ns]"
    assert frame["date"].tolist() == list(pd.date_range("2025-03-14", periods=6))
    assert frame["type"].tolist() == ["expense", "expense", "income", "income", "expense",
                                      "income"]
    assert frame["description"].tolist() == ["SHELL OIL", "Refund", "Client pays", "Salary",
                                             "Coffee", "Interest"]
    assert frame["amount"].tolist() == [-64.2, -12.5, 100.0, 2000.0, -0.4, 0.25]
    assert frame["category"].iloc[0] == "fuel" and frame["category"][1:].isna().all()
    assert frame["payment_method"].iloc[0] == "credit_card"
    assert frame["payment_method"][1:].isna().all()
    assert frame["reference"].iloc[0] == "Shell" and frame["reference"][1:].isna().all()
    assert frame["status"].isna().all() and frame["receipt_url"].isna().all()


def test_the_request_frame_keeps_each_account_and_an_empty_one_is_the_default():
    frame = transactions_frame([
        Transaction(description="x", amount=-1, date="2025-03-14", account=account)
        for account in ("savings", None, "card", "")])
    assert frame["account"].isna().tolist() == [False, True, False, True]
    assert frame["account"].dropna().tolist() == ["savings", "card"]
