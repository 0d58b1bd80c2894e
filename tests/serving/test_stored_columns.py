"""The recorded rows' columns as the store keeps them (`tenant_history.stored_columns`)
against the code they replace (accounts and days converted through `pd.factorize`, amounts
through `astype`): the same lists, value for value and type for type, on missing
accounts of every kind, scoped and empty names, days around 1970 and the nanosecond
range's ends, amounts of other dtypes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from titans_finance.serving.tenant_history import (
    _column,
    _descriptions,
    _texts,
    stored_columns,
)
from titans_finance.serving.tenants import SCOPE, scoped_account, shown_account


def _columns_before(frame: pd.DataFrame, ids: list) -> list[list]:
    """`TenantHistories._persist`'s columns as they were (commit 1185ff5)."""
    day_numbers = frame["date"].to_numpy().astype("datetime64[D]").astype("int64")
    day_codes, distinct_days = pd.factorize(day_numbers)
    dates = np.datetime_as_string(distinct_days.astype("datetime64[D]")).astype(object)
    account_codes, accounts = pd.factorize(np.asarray(_column(frame, "account"),
                                                      dtype=object))
    shown = np.array([shown_account(a) or None for a in accounts.tolist()] + [None],
                     dtype=object)
    return [shown[account_codes].tolist(), day_numbers.tolist(), dates[day_codes].tolist(),
            _texts(frame, "type"), _descriptions(frame),
            frame["amount"].astype("float64").tolist(), _texts(frame, "category"),
            _texts(frame, "payment_method"), _texts(frame, "reference"), ids]


def _frame(accounts: list, dates: list, amounts=None, account_dtype=None) -> pd.DataFrame:
    n = len(accounts)
    return pd.DataFrame({
        "date": pd.to_datetime(dates).astype("datetime64[ns]"),
        "type": ["expense", None, "income"][:1] * n,
        "description": [f"SHOP {i % 3}" for i in range(n)],
        "amount": amounts if amounts is not None else [-(i + 0.1) for i in range(n)],
        "category": [None] * n, "payment_method": ["card"] * n,
        "reference": [None if i % 2 else f"REF{i}" for i in range(n)],
        "account": pd.Series(accounts, dtype=account_dtype)})


def _same(frame: pd.DataFrame) -> None:
    ids = [None if i % 3 else f"id-{i}" for i in range(len(frame))]
    got, expected = stored_columns(frame, ids), _columns_before(frame, ids)
    assert got == expected
    for column, before in zip(got, expected, strict=True):  # not 1.0 for 1, "x" for x...
        assert [type(v) for v in column] == [type(v) for v in before]


OWNER_SCOPED = scoped_account("tenant-a", "savings", owner=None)
DEFAULT_SCOPED = scoped_account("tenant-a", None, owner=None)  # the tenant's default: ""
DAYS = [dt.date(1969, 12, 31), dt.date(1970, 1, 1), dt.date(2024, 2, 29),
        dt.date(1677, 9, 22), dt.date(2262, 4, 11), dt.date(2024, 2, 29)]


@pytest.mark.parametrize("account_dtype", [None, "str", object])
def test_accounts_missing_empty_scoped_and_plain(account_dtype):
    accounts = ["acct-1", None, "", OWNER_SCOPED, DEFAULT_SCOPED, "acct-1"]
    if account_dtype is object:
        accounts[1] = float("nan")
    _same(_frame(accounts, DAYS, account_dtype=account_dtype))


def test_every_account_missing_and_none_at_all():
    _same(_frame([None] * 4, DAYS[:4]))
    frame = _frame(["a"] * 3, DAYS[:3]).drop(columns="account")
    _same(frame)


def test_days_with_a_time_are_their_day_as_before():
    dates = [dt.datetime(1969, 12, 31, 23, 59), dt.datetime(2024, 3, 1, 0, 0, 1),
             dt.datetime(2024, 3, 1, 23, 59, 59)]
    _same(_frame(["a", "b", "a"], dates))


@pytest.mark.parametrize("amounts", [[1, -2, 3], [1.5, -2.25, 1e300],
                                     pd.array([1, -2, 3], dtype="Int64"),
                                     np.array([0.1, -0.0, 3], dtype="float32")])
def test_amounts_of_other_dtypes(amounts):
    _same(_frame(["a", "b", "c"], DAYS[:3], amounts=amounts))


def test_a_batch_of_repeated_accounts_and_days():
    n = 1_000
    _same(_frame([f"acct-{i % 7}" if i % 11 else None for i in range(n)],
                 [dt.date(2024, 1, 1) + dt.timedelta(days=i // 4) for i in range(n)]))


def test_scope_marker_is_what_shown_account_strips():
    assert OWNER_SCOPED.startswith(SCOPE) and shown_account(OWNER_SCOPED) == "savings"
