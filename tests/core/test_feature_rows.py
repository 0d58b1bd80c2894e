"""The per-row arrays of the features (core/feature_rows.py, core/feature_text.py): each
faster computation compared with the one it replaced, on the values a service batch and an
export carry (times of day, dates before 1970 and near the ends of the nanosecond range,
missing values, time zones, text)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from titans_finance.core.feature_params import ACCOUNT_SEPARATOR, MISSING_KEY
from titans_finance.core.feature_rows import _positions_in, day_starts
from titans_finance.core.feature_text import (
    _chronological_order,
    _Coded,
    _joined,
    _merged,
    _named_and_described,
    _payee_keys,
)
from titans_finance.core.schema import PAYMENT_METHODS, TRANSACTION_TYPES

DATES = ["2024-03-01", "2024-03-01 23:59:59.999999999", "1969-12-31 00:00:00.000000001",
         "1969-12-31 23:59:59", "1970-01-01", "1900-02-28 12:00", "1678-01-01 00:00:01",
         "2261-12-31 18:00", "2262-01-01 06:00"]


def _normalized(dates: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """What `day_starts` replaced (feature_rows before issue 29's history work)."""
    normalized = pd.to_datetime(dates).dt.normalize()
    return normalized.to_numpy(), normalized.to_numpy().astype("datetime64[D]").astype("int64")


@pytest.mark.parametrize("dates", [
    pd.Series(pd.to_datetime(DATES, format="ISO8601")),  # nanoseconds, every boundary kept
    pd.Series(pd.to_datetime(DATES, format="ISO8601")).astype("datetime64[us]"),
    pd.Series(pd.to_datetime(DATES[:3] + [None], format="ISO8601")),  # NaT: pandas' path
    pd.Series(pd.to_datetime(["1677-09-22 00:00:01", "2024-01-01 00:00:00"])),  # below the fast range
    pd.Series(pd.to_datetime(["2262-01-02", "2024-01-01"])),  # above it
    pd.Series(pd.to_datetime(["2024-03-01 23:30", "2024-03-02 00:30"]).tz_localize(
        "America/New_York")),  # a time zone: normalised in its own days
    pd.Series(["2024-03-01 08:00", "2024-03-02 10:00"]),  # text
    pd.Series(pd.to_datetime(["2024-03-01"] * 3)),  # one day
    pd.Series([], dtype="datetime64[ns]"),
])
@pytest.mark.filterwarnings("ignore:no explicit representation of timezones")
def test_day_starts_are_pandas_normalised_dates_to_the_bit(dates):
    fast_dates, fast_days = day_starts(dates)
    slow_dates, slow_days = _normalized(dates)
    assert fast_dates.dtype == slow_dates.dtype
    assert np.array_equal(fast_dates, slow_dates, equal_nan=fast_dates.dtype.kind == "M")
    assert fast_days.dtype == slow_days.dtype and np.array_equal(fast_days, slow_days)


def _old_positions_in(vocabulary: tuple[str, ...], values) -> np.ndarray:
    codes, uniques = pd.factorize(values)
    found = pd.Index(list(vocabulary), dtype=object).get_indexer(
        np.asarray(uniques, dtype=object))
    return np.append(found, -1)[codes]


@pytest.mark.parametrize("vocabulary", [TRANSACTION_TYPES, PAYMENT_METHODS])
@pytest.mark.parametrize("values", [
    pd.Series(["expense", None, "income", "transfer", "EXPENSE", "", "card", "paypal",
               "debit_card", "expense"], dtype="str"),
    pd.Series(["cash", np.nan, 3, "credit_card", None], dtype=object),
    np.full(4, None, dtype=object),  # no such column
    pd.Series([], dtype="str"),
])
def test_vocabulary_positions_are_those_of_the_index_lookup(vocabulary, values):
    fast, slow = _positions_in(vocabulary, values), _old_positions_in(vocabulary, values)
    assert fast.tolist() == slow.tolist()


def _old_payee_keys(description, reference, account, day, source_row, payees, learn):
    """`_payee_keys` before it skipped the input rows' pass when none of them teaches."""
    named, described, use_reference = _named_and_described(description, reference)
    teaching = use_reference & (described.distinct != MISSING_KEY)[described.codes] & learn
    if not teaching.any() and (use_reference.all() or not len(payees)):
        return named, payees
    group = _joined(account, ACCOUNT_SEPARATOR, described)
    alias = payees.reindex(group.distinct).to_numpy(dtype=object)
    found = pd.notna(alias)
    strings = np.concatenate([named.distinct, np.where(found, alias, "").astype(object)])
    taught = np.where(found, len(named.distinct) + np.arange(len(group.distinct)), -1)
    order = _chronological_order(day, source_row)
    teacher = pd.Series(np.where(teaching, named.codes, np.nan)[order])
    latest = teacher.groupby(group.codes[order], sort=False).ffill().to_numpy()
    earlier = np.empty(len(order))
    earlier[order] = latest
    earlier = np.where(np.isnan(earlier), taught[group.codes], earlier)
    aliased = ~use_reference & (earlier >= 0)
    if aliased.any():
        named = _merged(np.where(aliased, earlier.astype("int64"), named.codes), strings)
    return named, payees


@pytest.mark.parametrize(("named", "learn"), [(True, False), (False, False), (False, True)])
def test_payee_keys_of_rows_that_teach_nothing_are_the_histories_as_before(named, learn):
    """Rows scored as the service scores them (``learn`` False), or without a reference:
    none teaches, each is keyed by the payee the history's table names for its account
    and description, else by its description, as before — several accounts, one
    description in two of them, a description the table does not know, ties on a day."""
    description = _Coded.of(pd.Series(["OFFICE RENT MARCH", "Office Rent March", "CAFE 12",
                                       "OFFICE RENT MARCH", "UNKNOWN SHOP 9", "CAFE 12"],
                                      dtype="str"))
    reference = _Coded.of(pd.Series(["Landlord Ltd", None, None, None, None, "Blue Bottle"]
                                    if named else [None] * 6, dtype="str"))
    account = _Coded.of(pd.Series(["main", "card", "main", "card", "main", "main"],
                                  dtype="str"))
    day = np.array([19800, 19800, 19801, 19799, 19801, 19800])
    source_row = np.arange(1, 7)
    keys = _named_and_described(description, _Coded.of(pd.Series([None] * 6, dtype="str")))[1]
    payees = pd.Series(["property management", "rent collector"], index=pd.Index(
        [f"main{ACCOUNT_SEPARATOR}{keys.distinct[keys.codes[0]]}",
         f"card{ACCOUNT_SEPARATOR}{keys.distinct[keys.codes[1]]}"], dtype="str", name="key"),
        dtype=object)
    fast, fast_payees = _payee_keys(description, reference, account, day, source_row,
                                    payees, learn=learn)
    slow, _ = _old_payee_keys(description, reference, account, day, source_row, payees,
                              learn=learn)
    assert fast.strings().tolist() == slow.strings().tolist()
    keyed = fast.strings().tolist()
    assert keyed[0] == ("landlord ltd" if named else "property management")
    assert keyed[1] == keyed[3] == "rent collector"  # the card account's own entry
    assert keyed[2] != keyed[0] and keyed[4] not in keyed[:4]
    assert fast_payees is payees
