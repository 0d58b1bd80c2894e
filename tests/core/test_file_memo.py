"""`file_memo`: a column's readings computed once within one file's call tree, never kept
across files, and never standing in for a reading asked with other arguments."""

from __future__ import annotations

import pandas as pd
import pytest

from titans_finance.core import amounts, dates, file_memo
from titans_finance.core.amounts import read_amounts
from titans_finance.core.column_values import clean_strings
from titans_finance.core.dates import read_dates
from titans_finance.core.file_memo import one_file, remembered, values_key
from titans_finance.core.readers import read_export


class _Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self, value="x"):
        def compute():
            self.calls += 1
            return [value, self.calls]
        return compute


def test_outside_a_file_nothing_is_remembered():
    count = _Counter()
    assert remembered(("k",), count()) == ["x", 1]
    assert remembered(("k",), count()) == ["x", 2]


def test_within_a_file_a_key_is_computed_once_and_another_key_again():
    count = _Counter()
    with one_file():
        first = remembered(("k",), count())
        assert remembered(("k",), count()) is first
        assert remembered(("other",), count()) == ["x", 2]
        assert remembered(None, count()) == ["x", 3]  # no key: computed, not kept
        assert remembered(None, count()) == ["x", 4]
    assert count.calls == 4


def test_each_file_starts_empty_and_an_inner_file_does_not_see_the_outer_one():
    count = _Counter()
    with one_file():
        remembered(("k",), count())
        with one_file():
            assert remembered(("k",), count()) == ["x", 2]
        assert remembered(("k",), count()) == ["x", 1]  # the outer file's memo is back
    with one_file():
        assert remembered(("k",), count()) == ["x", 3]
    assert file_memo._MEMO.get() is None


def test_a_file_that_raises_leaves_no_memo_behind():
    with pytest.raises(ValueError), one_file():
        remembered(("k",), _Counter()())
        raise ValueError("bad file")
    assert file_memo._MEMO.get() is None


def test_only_columns_of_strings_are_keyed_and_with_what_is_asked():
    assert values_key(["2024-01-02", "x"], "dates", None) == (("dates", None),
                                                              ("2024-01-02", "x"))
    assert values_key([], "dates") != values_key([], "amounts")
    # 1, 1.0 and True are one key in Python but read differently ("1", "1.0", "True")
    assert values_key([1, "x"], "dates") is None
    assert values_key(["1", 1.0], "dates") is None


def test_an_empty_column_read_as_dates_and_as_amounts_within_a_file():
    empty = pd.Series([], dtype="str")
    with one_file():
        assert read_dates(empty).values.empty and read_amounts(empty).values.empty
        assert read_dates(empty).values.empty


def _same(a, b):
    for field in a.__dataclass_fields__:
        x, y = getattr(a, field), getattr(b, field)
        assert x.equals(y) if isinstance(x, pd.Series) else x == y, field


ORDERS = [dict(), dict(day_first=True), dict(day_first=False), dict(day_first_hint=True),
          dict(date_format="%d/%m/%Y"), dict(month_language="fr"),
          dict(period=("2024-01-01", "2024-12-31"))]


@pytest.mark.parametrize("column", [["01/02/2024", "03/04/2024", "05/06/2024", "x"],
                                    ["12 janv. 2024", "3 févr. 2024"], ["2024-02-31", "13/3/3"],
                                    ["13/3/3", "14/12/25"], ["01/02", "03/04"]])
def test_dates_read_within_a_file_are_those_read_outside_whatever_is_asked(column):
    values = pd.Series(column, dtype="str")
    alone = [read_dates(values, **asked) for asked in ORDERS]
    with one_file():
        for _ in range(2):  # the second round reads from the memo
            for asked, expected in zip(ORDERS, alone):
                _same(read_dates(values, **asked), expected)


def test_same_dates_asked_in_the_other_order_read_differently_within_a_file():
    values = pd.Series(["01/02/2024", "03/04/2024"], dtype="str")
    with one_file():
        day_first = read_dates(values, day_first=True).values
        month_first = read_dates(values, day_first=False).values
    assert list(day_first.dt.month) == [2, 4] and list(month_first.dt.month) == [1, 3]


def test_amounts_read_within_a_file_follow_the_mark_asked():
    values = pd.Series(["1.200", "3,50", "-2.000,10"], dtype="str")
    asked = [dict(), dict(decimal="."), dict(decimal=","), dict(decimal_hint=",")]
    alone = [read_amounts(values, **a) for a in asked]
    with one_file():
        for _ in range(2):
            for a, expected in zip(asked, alone):
                _same(read_amounts(values, **a), expected)
        assert read_amounts(values, decimal=".").values.iloc[0] == 1.2
        assert read_amounts(values, decimal=",").values.iloc[0] == 1200.0



def test_a_columns_bare_numbers_are_read_once_for_every_mark_asked(monkeypatch):
    # signs, currencies, debit words and the repaired grouping: all in the mark-free part
    values = pd.Series(["1.200", "3,50", "(2.000,10)", "EUR -7,5", "12.00 DR", "+4,00-",
                        "1\ufffd000,00", "1234 5678", None, ""], dtype="str")
    asked = [dict(), dict(decimal="."), dict(decimal=","), dict(decimal_hint=",")]
    alone = [read_amounts(values, **a) for a in asked]
    bare, calls = amounts._bare_numbers, []
    monkeypatch.setattr(amounts, "_bare_numbers", lambda v: calls.append(tuple(v)) or bare(v))
    with one_file():
        for a, expected in zip(asked, alone):
            _same(read_amounts(values, **a), expected)
    assert len(calls) == 1
    for a in asked:  # outside a file: read again for each
        read_amounts(values, **a)
    assert len(calls) == 1 + len(asked)

def test_a_shared_reading_changed_by_one_caller_is_not_seen_by_the_next():
    values = pd.Series(["2024-01-02", "2024-01-03"], dtype="str")
    with one_file():
        first = read_dates(values)
        first.values.iloc[0] = pd.Timestamp("1999-01-01")
        first.evidence["decided_by"] = "changed"
        again = read_dates(values)
    assert again.values.iloc[0] == pd.Timestamp("2024-01-02")
    assert again.evidence["decided_by"] == "values"


CSV = (b"Date,Description,Amount,Balance\n02/01/2024,COFFEE,-3.50,96.50\n"
       b"03/01/2024,SALARY,1200.00,1296.50\n05/01/2024,RENT,-800.00,496.50\n")


def test_reading_a_file_reads_each_column_once_and_the_next_file_afresh(monkeypatch):
    read = {"dates": [], "amounts": []}
    date_readings, distinct_amounts = dates._date_readings, amounts._read_distinct_amounts

    def counted_dates(text, date_format, month_language):
        read["dates"].append((tuple(text), date_format, month_language))
        return date_readings(text, date_format, month_language)

    def counted_amounts(values, decimal=None, decimal_hint="."):
        read["amounts"].append((tuple(values), decimal, decimal_hint))
        return distinct_amounts(values, decimal, decimal_hint)

    monkeypatch.setattr(dates, "_date_readings", counted_dates)
    monkeypatch.setattr(amounts, "_read_distinct_amounts", counted_amounts)
    first = read_export(CSV, "a.csv")
    once = {kind: list(keys) for kind, keys in read.items()}
    assert once["dates"] and once["amounts"]
    for keys in once.values():  # each column and question read once for the file
        assert len(keys) == len(set(keys))
    second = read_export(CSV, "b.csv")
    assert read["dates"] == once["dates"] * 2 and read["amounts"] == once["amounts"] * 2
    assert first.frame.equals(second.frame)


def test_strings_cleaned_within_a_file_are_those_cleaned_outside_each_under_its_name():
    values = pd.Series(["  a  b ", "", "NULL", "a b", None], dtype="str", name="Memo")
    other = values.rename("Payee")
    alone = clean_strings(values)
    with one_file():
        for _ in range(2):
            assert clean_strings(values).equals(alone)
            assert clean_strings(values).name == "Memo"
            assert clean_strings(other).name == "Payee"
            shuffled = values.iloc[::-1]  # the same distinct values, on other rows
            assert clean_strings(shuffled).equals(alone.iloc[::-1])
    assert alone.tolist()[0] == "a b" and alone.isna().tolist() == [False, True, True, False,
                                                                     True]
