"""A table's rows as the arrays every feature reads: day numbers, amounts, accounts and the
account-qualified history keys (`row_arrays`), and the row helpers the service shares
(`row_accounts`, `account_keys`, `as_history_account`)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from titans_finance.core.feature_params import ACCOUNT_SEPARATOR, DEFAULT_ACCOUNT
from titans_finance.core.feature_text import (
    _Coded,
    _empty_payees,
    _joined,
    _merged,
    _payee_keys,
    _strings,
)

if TYPE_CHECKING:
    from titans_finance.core.history_state import HistoryState

def _column(transactions: pd.DataFrame, name: str, n: int) -> pd.Series | np.ndarray:
    """The column, or all missing when the table has none (service requests, older data)."""
    if name in transactions:
        return transactions[name]
    return np.full(n, None, dtype=object)


def _positions_in(vocabulary: tuple[str, ...], values: pd.Series | np.ndarray) -> np.ndarray:
    """Position of each value in ``vocabulary``, -1 when missing or not in it (looked up
    once per distinct value)."""
    codes, uniques = pd.factorize(values)
    table = _vocabulary_table(vocabulary)  # a few distinct values: a dict lookup each
    found = [table.get(value, -1) for value in np.asarray(uniques, dtype=object).tolist()]
    return np.array(found + [-1], dtype=np.intp)[codes]  # code -1 (missing): the last -1


@functools.lru_cache(maxsize=16)
def _vocabulary_table(vocabulary: tuple[str, ...]) -> dict[str, int]:
    """Each value's position (its first, as `pd.Index.get_indexer` gives)."""
    table: dict[str, int] = {}
    for position, value in enumerate(vocabulary):
        table.setdefault(value, position)
    return table


def _missing(transactions: pd.DataFrame, name: str, n: int) -> np.ndarray:
    return np.asarray(pd.isna(_column(transactions, name, n)), dtype=bool)


def _base_arrays(transactions: pd.DataFrame, default_account: str = DEFAULT_ACCOUNT,
                 payees: pd.Series | None = None, learn: bool = True) -> dict[str, Any]:
    """The per-row inputs every group uses (keys, day number, amounts), in input order.

    ``merchant_key``/``category_key`` are the plain keys (feature values);
    ``merchant_group``/``category_group`` the same qualified by the row's account (the
    history keys); a row without an account belongs to ``default_account``; a row
    without a reference is keyed by the payee ``payees`` (a history's) or the input's own
    rows name for its description (`_payee_keys`; with ``learn`` False ``payees``
    only), the table after the rows is ``payees``. Text columns and keys are `_Coded` (codes into distinct strings)."""
    n = len(transactions)
    dates, day = day_starts(transactions["date"])
    amount = _signed_amounts(transactions)
    abs_amount = np.abs(amount)
    description = _Coded.of(transactions["description"])
    account = _Coded.of(_column(transactions, "account", n))
    account = _merged(account.codes, np.where(account.distinct == "", default_account,
                                              account.distinct))
    source_row = (transactions["source_row"].to_numpy() if "source_row" in transactions
                  else np.arange(1, n + 1))
    merchant_key, payees = _payee_keys(
        description, _Coded.of(_column(transactions, "reference", n)), account, day,
        source_row, _empty_payees() if payees is None else payees, learn)
    # uncategorised rows are grouped by type: "__income__" history is the income's
    category = _Coded.of(_column(transactions, "category", n))
    tx_type = _Coded.of(_column(transactions, "type", n), missing="none")
    written = (category.distinct != "")[category.codes]
    # one code space for both: written categories, then "__<type>__"
    codes = np.where(written, category.codes, len(category.distinct) + tx_type.codes)
    category_key = _merged(codes, np.concatenate([category.distinct,
                                                  "__" + tx_type.distinct + "__"]))
    return {
        "date": dates,
        "day": day,
        "source_row": source_row,
        "account": account,
        "merchant_key": merchant_key,
        "category_key": category_key,
        "merchant_group": _joined(account, ACCOUNT_SEPARATOR, merchant_key),
        "category_group": _joined(account, ACCOUNT_SEPARATOR, category_key),
        "abs_amount": abs_amount,
        "log_abs_amount": np.log1p(abs_amount),
        "amount": amount,
        "description": description,
        "payees": payees,
    }


# naive day starts cast straight from days: inside numpy's nanosecond range with room
_FAST_DAYS = (np.datetime64("1678-01-01", "D"), np.datetime64("2262-01-01", "D"))


def day_starts(dates: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each date at the start of its day (``pd.to_datetime(dates).dt.normalize()`` as an
    array) and its day number (days since 1970-01-01). Naive dates of a datetime64 column
    are floored to the day by numpy (~0.05 ms for 1,000 rows; pandas' ``normalize`` ~0.5);
    anything else (text, time zones, NaT, dates near the ends of the nanosecond range)
    goes through pandas."""
    if isinstance(dates.dtype, np.dtype) and dates.dtype.kind == "M" and len(dates):
        values = dates.to_numpy()
        days = values.astype("datetime64[D]")
        if _FAST_DAYS[0] <= days.min() and days.max() <= _FAST_DAYS[1]:  # (NaT: False)
            return days.astype(values.dtype), days.astype("int64")
    normalized = pd.to_datetime(dates).dt.normalize().to_numpy()
    return normalized, normalized.astype("datetime64[D]").astype("int64")


def _signed_amounts(transactions: pd.DataFrame) -> np.ndarray:
    """The amounts as float64; unreadable or missing: 0."""
    amount = transactions["amount"]
    if amount.dtype.kind != "f":
        amount = pd.to_numeric(amount, errors="coerce")
    amount = amount.to_numpy(dtype="float64")
    return np.where(np.isnan(amount), 0.0, amount)


def _amount_features(abs_amount: np.ndarray, log_amount: np.ndarray, signed: np.ndarray
                     ) -> dict[str, np.ndarray]:
    """The features of a row's own amount (the `AMOUNT` group but the merchant's)."""
    cents_part = np.round(abs_amount * 100).astype("int64") % 100
    whole = np.round(abs_amount, 2)
    return {
        "abs_amount": abs_amount, "log_abs_amount": log_amount, "amount_sign": np.sign(signed),
        "is_round_1": cents_part == 0, "is_round_5": (cents_part == 0) & (whole % 5 == 0),
        "is_round_10": (cents_part == 0) & (whole % 10 == 0),
        "is_round_100": (cents_part == 0) & (whole % 100 == 0), "cents": cents_part,
        "amount_magnitude": np.floor(np.log10(np.maximum(abs_amount, 1.0))),
    }


# the per-row inputs of `build_features` (its ``base``), for callers that also need the
# rows' history keys (the service's rolling history)
row_arrays = _base_arrays


def row_accounts(transactions: pd.DataFrame, default_account: str = DEFAULT_ACCOUNT
                 ) -> np.ndarray:
    """Each row's account (object array of str); no column or a missing value:
    ``default_account``."""
    account = _strings(np.asarray(_column(transactions, "account", len(transactions)),
                                  dtype=object))
    return np.where(account == "", default_account, account).astype(object)


def as_history_account(transactions: pd.DataFrame, state: HistoryState) -> pd.DataFrame:
    """A new export of the one account a history holds, read as that account.

    Ingestion names an account after its file when the export names none, and a new
    export has a new file name: when the state holds exactly one account and every row
    names one single account the state does not know, the rows are that account's (a
    single-account user's next export continues its history). Anything else is returned
    unchanged: several accounts are matched by name only."""
    if "account" not in transactions or len(state.account_count) != 1 or not len(transactions):
        return transactions
    names = transactions["account"].dropna().unique()
    if len(names) != 1 or names[0] in state.account_count.index:
        return transactions
    return transactions.assign(account=state.default_account)


def account_keys(account: np.ndarray, key: np.ndarray) -> np.ndarray:
    """``account<ACCOUNT_SEPARATOR>key`` per row (object array): one key per account."""
    account, key = np.asarray(account, dtype=object), np.asarray(key, dtype=object)
    if len(account) == 0:
        return key
    first = account[0]
    if (account == first).all():  # one account: one prefix (the common case, far cheaper)
        return (first + ACCOUNT_SEPARATOR) + key
    return account + ACCOUNT_SEPARATOR + key


# the state's columns: history keys are the account-qualified ones
_BASE_COLUMNS = {"day": "day", "source_row": "source_row", "account": "account",
                 "merchant_key": "merchant_group", "category_key": "category_group",
                 "abs_amount": "abs_amount", "log_abs_amount": "log_abs_amount"}
_TAIL_COLUMNS = ("day", "account", "merchant_key", "category_key", "abs_amount")


def _base_columns(transactions: pd.DataFrame, default_account: str, payees: pd.Series
                  ) -> tuple[pd.DataFrame, pd.Series]:
    base = _base_arrays(transactions, default_account, payees)
    return pd.DataFrame({name: base[source].strings() if isinstance(base[source], _Coded)
                         else base[source] for name, source in _BASE_COLUMNS.items()}
                        ), base["payees"]
