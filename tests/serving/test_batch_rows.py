"""A batch validated column by column (serving/batch_rows.py) gives what its items validated
one by one give (`validated_transactions` → `transactions_frame`): the same frame, record
flags and ids for accepted items, the same refusal (message and detail) otherwise."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tests.serving.test_schemas import AMOUNTS, BASE, DATES
from titans_finance.core.normalise import MAX_FUTURE_DAYS
from titans_finance.serving import batch_rows, schemas
from titans_finance.serving.batch_inputs import InvalidBatch, validated_transactions
from titans_finance.serving.batch_rows import BatchRows, validated_rows
from titans_finance.serving.schemas import transactions_frame

TODAY = dt.date.today()
LATEST = TODAY + dt.timedelta(days=MAX_FUTURE_DAYS)


@pytest.fixture(autouse=True)
def _latest_date_pinned(monkeypatch):
    """The cases are built at collection; a run that crosses midnight must not move the
    service's latest date past them (both paths read it from `schemas.latest_date`)."""
    monkeypatch.setattr(batch_rows, "latest_date", lambda: LATEST)
    monkeypatch.setattr(schemas, "latest_date", lambda: LATEST)

# every field in the spellings and values a request may send
ACCEPTED = [
    *({**BASE, "amount": a} for a in AMOUNTS),
    *({**BASE, "date": d} for d in DATES),
    {**BASE, "amount": 12, "date": 20250314},  # an integer amount and date
    {**BASE, "amount": 0.0, "type": None},  # zero: income unless a category says otherwise
    {**BASE, "amount": 0, "category": "Office Supplies"},
    {**BASE, "amount": 5.5, "type": "Expence", "category": "  "},  # a typo; a blank category
    {**BASE, "amount": -5.5, "type": "INCOME", "category": "dining-out"},
    {**BASE, "amount": 1e9, "date": LATEST.isoformat()},  # the limits themselves
    {**BASE, "amount": -1e9, "date": "1970-01-01"},
    {**BASE, "description": "  two   spaces\tand a tab  ", "merchant": "  Shell  "},
    {**BASE, "payment_method": "credit_car"}, {**BASE, "payment_method": "barter"},
    {**BASE, "payment_method": None, "merchant": None, "category": None},
    {**BASE, "account": " card-1 ", "transaction_id": " bank-7 ", "record": False},
    {**BASE, "account": "", "record": "true"}, {**BASE, "record": 0},
    {**BASE, "transaction_id": "id\x0b"},  # a trailing vertical tab is stripped, not refused
    {**BASE, "description": "Café ünïcode ✓ – dash", "merchant": "Ünï"},
]


def _one_by_one(items: list[dict]) -> BatchRows:
    transactions = validated_transactions(items)
    return BatchRows(transactions_frame(transactions), [t.record for t in transactions],
                     [t.transaction_id for t in transactions])


def _assert_same(rows: BatchRows, expected: BatchRows) -> None:
    pd.testing.assert_frame_equal(rows.frame, expected.frame, check_exact=True)
    assert rows.record == expected.record
    assert rows.transaction_ids == expected.transaction_ids


def test_accepted_items_give_the_frame_flags_and_ids_of_the_item_by_item_path(monkeypatch):
    taken = []
    monkeypatch.setattr(batch_rows, "validated_transactions",
                        lambda items: taken.append(items) or validated_transactions(items))
    rows = validated_rows(ACCEPTED)
    assert not taken  # the column-wise path answered, the item-by-item one was not needed
    _assert_same(rows, _one_by_one(ACCEPTED))
    for item in ACCEPTED:  # and each alone (a column of one value)
        _assert_same(validated_rows([item]), _one_by_one([item]))
    assert len(rows) == len(ACCEPTED)


@pytest.mark.parametrize("bad", [
    {**BASE, "amount": "abc"}, {**BASE, "amount": True}, {**BASE, "amount": float("nan")},
    {**BASE, "amount": 1e9 + 1}, {**BASE, "amount": -1e9 - 0.5}, {**BASE, "amount": None},
    {**BASE, "amount": "x" * 41},
    {**BASE, "date": "2025-13-45"}, {**BASE, "date": 20250314.0}, {**BASE, "date": 1741910400},
    {**BASE, "date": (LATEST + dt.timedelta(days=1)).isoformat()}, {**BASE, "date": "1969-12-31"},
    {**BASE, "type": "refund?"}, {**BASE, "type": "x" * 21}, {**BASE, "type": "expense\x1b"},
    {**BASE, "description": "cut\x00here"}, {**BASE, "description": "   "},
    {**BASE, "description": "\x1c"}, {**BASE, "merchant": "Sh\x7fell"},
    {**BASE, "account": "a\x08b"}, {**BASE, "transaction_id": "   "},
    {**BASE, "transaction_id": "i\x0bd"}, {**BASE, "category": "x" * 101},
    {**BASE, "record": None}, {**BASE, "unknown": 1}, {"amount": -1.0, "date": "2025-03-14"},
    "not an object",
])
def test_a_refused_item_gets_the_item_by_item_refusal(bad):
    items = [BASE, bad, {**BASE, "amount": "-34,12"}]
    with pytest.raises(InvalidBatch) as expected:
        validated_transactions(items)
    with pytest.raises(InvalidBatch) as refused:
        validated_rows(items)
    assert str(refused.value) == str(expected.value)
    assert refused.value.detail == expected.value.detail


def test_a_value_the_columns_leave_to_the_item_by_item_path_is_taken_as_it_takes_it():
    """A datetime object (a caller in-process, not JSON) is read as its date there."""
    items = [BASE, {**BASE, "date": dt.datetime(2025, 3, 14, 10, 0)}]
    _assert_same(validated_rows(items), _one_by_one(items))


def test_a_date_at_the_edge_of_the_future_limit_is_taken_and_one_day_later_refused():
    assert validated_rows([{**BASE, "date": LATEST.isoformat()}]).frame["date"].iloc[0] == (
        pd.Timestamp(LATEST))
    with pytest.raises(InvalidBatch) as refused:
        validated_rows([{**BASE, "date": (LATEST + dt.timedelta(days=1)).isoformat()}])
    assert "days after today" in str(refused.value.detail)


def _rows_before(items: list) -> BatchRows:
    """The column-wise path as it was (commit 1185ff5): every item copied with its amount
    and date replaced by `preparse_items`, then validated and read into columns."""
    from titans_finance.serving.schemas import preparse_items

    return batch_rows._rows(batch_rows._ITEMS.validate_python(preparse_items(items)), None)


@pytest.mark.parametrize("extra", [
    [],
    [{**BASE, "amount": " 12.50 ", "date": " 2025-03-14 "}, {**BASE, "date": 20250314},
     {**BASE, "amount": 7, "date": "2025-03-14"}, {**BASE, "amount": -0.0}],
    [{**BASE, "amount": "abc"}],  # unreadable: refused both ways
    [{**BASE, "date": "31/02/2025"}],
    [{**BASE, "amount": "1" * 200}],  # longer than a value may be: never read, refused
    [{**BASE, "amount": True}], [{**BASE, "date": True}], [{**BASE, "date": 2.5}],
])
def test_amounts_and_dates_read_on_the_columns_are_those_read_into_copied_items(extra):
    items = [*ACCEPTED, *extra]
    outcomes = []
    for build in (lambda: batch_rows._rows(batch_rows._ITEMS.validate_python(items),
                                           batch_rows.read_spellings(items)),
                  lambda: _rows_before(items)):
        try:
            outcomes.append(build())
        except batch_rows._Refused as refused:
            outcomes.append(("refused", str(refused)))
    got, expected = outcomes
    if isinstance(expected, tuple):
        assert got == expected
    else:
        _assert_same(got, expected)
        assert [type(v) for v in got.frame["amount"]] == [type(v) for v in
                                                          expected.frame["amount"]]
    assert items[:len(ACCEPTED)] == ACCEPTED  # the items sent are left as they were
