"""The request frame (`serving/request_frame.py`) against the frame built as it was before
its placeholder ids were kept and its dates read from their ordinals: the same frame, to
the bit (values, dtypes, index), on the boundaries of the nanosecond range and odd
requests."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from titans_finance.serving import request_frame as module
from titans_finance.serving.request_frame import request_frame


def _frame_before(*, types, amounts, dates, descriptions, categories, payment_methods,
                  merchants, accounts) -> pd.DataFrame:
    """`request_frame` as it was (commit 1185ff5)."""
    n = len(types)
    signed = [-amount if (kind == "expense" and amount > 0)
              or (kind == "income" and amount < 0) else amount
              for amount, kind in zip(amounts, types, strict=True)]
    return pd.DataFrame({
        "transaction_id": [f"req_{i}" for i in range(n)], "source_row": range(1, n + 1),
        "date": pd.to_datetime(dates).astype("datetime64[ns]"), "type": types,
        "description": descriptions, "amount": signed, "category": categories,
        "payment_method": payment_methods, "status": [None] * n, "reference": merchants,
        "receipt_url": [None] * n, "account": [account or None for account in accounts]})


def _columns(dates: list) -> dict[str, list]:
    n = len(dates)
    kinds = ["expense", "income", "expense", None, "transfer"]
    return {"types": [kinds[i % 5] for i in range(n)],
            "amounts": [(-1) ** i * (i + 0.25) for i in range(n)],
            "dates": dates, "descriptions": [f"CARD PAYMENT {i % 7}" for i in range(n)],
            "categories": [None if i % 3 else "groceries" for i in range(n)],
            "payment_methods": ["card" if i % 2 else None for i in range(n)],
            "merchants": [None if i % 4 else f"SHOP{i}" for i in range(n)],
            "accounts": [["", None, "acct-1", "acct-2"][i % 4] for i in range(n)]}


def _same(columns: dict) -> None:
    got, expected = request_frame(**columns), _frame_before(**columns)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got.dtypes.to_dict() == expected.dtypes.to_dict()
    assert got["date"].to_numpy().view("int64").tolist() == \
        expected["date"].to_numpy().view("int64").tolist()


FIRST, LAST = dt.date(1677, 9, 22), dt.date(2262, 4, 11)  # midnights in nanoseconds


@pytest.mark.parametrize("dates", [
    [dt.date(2024, 2, 29), dt.date(1970, 1, 1), dt.date(1969, 12, 31), dt.date(2000, 3, 1)],
    [FIRST, LAST, dt.date(2024, 1, 1)],  # the range's first and last whole days
    [dt.date(2025, 3, 14)] * 1_000,
    [dt.date(1970, 1, 1) + dt.timedelta(days=i * 37) for i in range(500)],
    [],
])
def test_the_frame_is_the_one_built_before(dates):
    _same(_columns(dates))


@pytest.mark.parametrize("dates", [
    [dt.datetime(2024, 5, 6, 13, 45), dt.date(2024, 5, 7)],  # a datetime: its time kept
    [dt.date(2024, 5, 6), None],  # a missing date: NaT
    [dt.date(2024, 5, 6), pd.Timestamp("2024-05-07")],
])
def test_anything_but_plain_dates_goes_through_pandas_as_before(dates):
    _same(_columns(dates))


@pytest.mark.parametrize("day", [FIRST - dt.timedelta(days=1), LAST + dt.timedelta(days=1)])
def test_a_day_just_outside_the_nanosecond_range_is_refused_as_before(day):
    columns = _columns([dt.date(2024, 1, 1), day])
    with pytest.raises(pd.errors.OutOfBoundsDatetime):
        _frame_before(**columns)
    with pytest.raises(pd.errors.OutOfBoundsDatetime):
        request_frame(**columns)


def test_placeholder_ids_of_a_longer_request_then_a_shorter_one(monkeypatch):
    monkeypatch.setattr(module, "_IDS", [])
    for n in (3, 1_200, 1, 1_200, 0, 1_201):
        _same(_columns([dt.date(2024, 1, 1)] * n))
    assert len(module._IDS[0]) == 1_201
    frame = request_frame(**_columns([dt.date(2024, 1, 1)] * 2))
    frame.loc[0, "transaction_id"] = "changed"  # a frame's change is its own
    assert module._IDS[0][0] == "req_0"
    assert np.array_equal(request_frame(**_columns([dt.date(2024, 1, 1)] * 2))[
        "transaction_id"].to_numpy(dtype=object), np.array(["req_0", "req_1"], dtype=object))
