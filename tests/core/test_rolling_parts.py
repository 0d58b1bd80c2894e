"""The rolling history's parts (core/rolling_parts.py): a remembered row's values as the
walk keeps them, compared with the pandas conversions the faster reads replaced."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from titans_finance.core.rolling_parts import _untracked


def _old(column: pd.Series, taken=None) -> list:
    """`_untracked` before issue 29's history work."""
    column = column if taken is None else column.take(taken)
    if column.dtype.kind == "M" and column.dt.tz is None:
        return list(column.dt.to_pydatetime())
    return column.tolist()


def _same(fast: list, slow: list) -> bool:
    """Equal value for value and type for type (NaN, NaT and NA equal to themselves)."""
    def key(v):
        return (type(v), "missing" if v is None or pd.isna(v) else v)
    return [key(v) for v in fast] == [key(v) for v in slow]


COLUMNS = {
    "dates": pd.Series(pd.to_datetime(
        ["2024-03-01", "2024-03-01 23:59:59.999999999", "1969-12-31 23:59:59.999999999",
         "1900-01-01 10:00:00.123456789", "2262-01-01", "1677-09-22 00:00:01"],
        format="ISO8601")),
    "dates with NaT": pd.Series(pd.to_datetime(["2024-03-01", None, "2024-03-02"] * 2)),
    "microsecond dates": pd.Series(pd.to_datetime(["2024-03-01 10:00"] * 6)).astype(
        "datetime64[us]"),
    "zoned dates": pd.Series(pd.to_datetime(["2024-03-01 23:30"] * 6).tz_localize(
        "Europe/Prague")),
    "str with missing": pd.Series(["rent", None, "", "café", "b", None], dtype="str"),
    "python str": pd.Series(["rent", None, "", "café", "b", None], dtype="string"),
    "objects": pd.Series(["Books", None, np.nan, 3, "x", pd.NA], dtype=object),
    "amounts": pd.Series([-4.69, 0.0, 1e9, np.nan, -0.01, 12.5]),
    "integers": pd.Series([1, 2, 3, 4, 5, 6]),
    "nullable integers": pd.Series([1, None, 3, 4, 5, 6], dtype="Int64"),
    "durations": pd.Series(pd.to_timedelta([1, 2, 3, 4, 5, 6], unit="D")),
    "categories": pd.Series(["a", "b", None, "a", "b", "a"], dtype="category"),
}


@pytest.mark.parametrize("name", list(COLUMNS))
@pytest.mark.parametrize("taken", [None, [5, 0, 2], [3], []])
@pytest.mark.filterwarnings("ignore:Discarding nonzero nanoseconds")
def test_a_columns_values_are_those_pandas_gave(name, taken):
    column = COLUMNS[name]
    taken = None if taken is None else np.asarray(taken, dtype=np.intp)
    assert _same(_untracked(column, taken), _old(column, taken))


@pytest.mark.parametrize("name", ["str with missing", "python str", "objects"])
def test_shared_values_are_the_same_values_with_equal_ones_one_object(name):
    from titans_finance.core.rolling_parts import _shared

    values = _untracked(COLUMNS[name])
    copies = [v.encode().decode() if isinstance(v, str) else v for v in values]
    assert any(c is not v for c, v in zip(copies, values))  # equal texts, new objects
    values = values + copies
    shared = _shared(values)
    assert _same(shared, values)
    for k, value in enumerate(shared):
        first = next(j for j, other in enumerate(values) if other is value or (
            type(other) is type(value) and other == value))
        assert shared[k] is shared[first]  # one object per equal value


def test_an_accounts_kept_rows_share_their_account_and_type():
    """A new account's kept rows (`Call.row_values_at`, the at-once walk) hold one object
    for the account name and one per type, not one per row (from Arrow, each row's text
    is read as an object of its own)."""
    from titans_finance.core.history_state import HistoryState
    from titans_finance.core.rolling import RollingHistory

    days = pd.date_range("2025-01-01", periods=40, freq="D")
    frame = pd.DataFrame({
        "date": days, "description": [f"SHOP {k % 3}" for k in range(40)],
        "amount": [-10.0 - k for k in range(40)], "type": ["expense"] * 40,
        "category": [None] * 40, "payment_method": [None] * 40,
        "reference": [f"shop {k % 3}" for k in range(40)], "account": ["kept"] * 40})
    frame = frame.astype({c: "string[pyarrow]" for c in ("description", "type",
                                                        "reference", "account")})
    history = RollingHistory(HistoryState.empty())
    history.features(frame)
    rows = history._accounts["kept"].rows
    assert len(rows) == 40
    for column in ("type", "account", "description", "reference"):
        at = ("date", "type", "description", "amount", "category", "reference",
              "account").index(column)
        assert len({id(r.values[at]) for r in rows}) == len({r.values[at] for r in rows})


def test_an_account_holds_stale_keys_in_a_set_of_its_own_only_once_it_has_some():
    """No stale key: the one shared empty set (an empty set of its own is 216 bytes, two
    per account); `mark_stale` makes the account's own set (never touching the shared
    one), and settling every stale key gives it back."""
    from titans_finance.core.rolling_parts import NOTHING_STALE, Account, TrainingPart
    from titans_finance.core.account_history import AccountHistory
    from titans_finance.core.history_state import HistoryState

    part = TrainingPart(HistoryState.empty(), AccountHistory((7, 30, 90), 90))
    first, second = Account("a", part), Account("b", part)
    assert first.stale_merchants is NOTHING_STALE and first.stale_categories is NOTHING_STALE
    first.mark_stale(set(), set())  # nothing stale: still the shared one
    assert first.stale_merchants is NOTHING_STALE and first.stale_categories is NOTHING_STALE
    first.mark_stale({"a\x1fshop"}, set())
    assert first.stale_merchants == {"a\x1fshop"}
    assert first.stale_categories is NOTHING_STALE
    assert second.stale_merchants is NOTHING_STALE and not NOTHING_STALE
    first.mark_stale({"a\x1fother"}, {"a\x1f__expense__"})
    assert first.stale_merchants == {"a\x1fshop", "a\x1fother"}
    assert first.stale_categories == {"a\x1f__expense__"}
    first.by_merchant, first.by_category = {}, {}
    first.settle_all()
    assert first.stale_merchants is NOTHING_STALE and first.stale_categories is NOTHING_STALE
    first.mark_stale({"a\x1fshop"}, set())
    first.reindex()
    assert first.stale_merchants is NOTHING_STALE
