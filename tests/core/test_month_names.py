"""Month names of every language (core/month_names.py, read by core/dates.py): CLDR's
wide and abbreviated names, with or without a closing dot, any case, accents optional; a
word naming two months is decided by the column's other month words, or not read."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from titans_finance.core.dates import read_dates
from titans_finance.core.month_names import date_orders, month_key, month_names, read_month_words


def _read(values: list[str], **kwargs) -> list[str | None]:
    parsed = read_dates(pd.Series(values), **kwargs).values
    return [None if pd.isna(v) else v.strftime("%Y-%m-%d") for v in parsed]


@pytest.mark.parametrize("written, expected", [
    ("01 octombrie 2020", "2020-10-01"),   # Romanian, wide (ING Romania)
    ("24 lug 2024. 02:59:45", "2024-07-24"),  # Italian abbreviation, a dot closing the year
    ("24 lug. 2024", "2024-07-24"),        # the abbreviation's own dot
    ("24 LUG 2024", "2024-07-24"),         # any case
    ("3 października 2024", "2024-10-03"),  # Polish genitive (CLDR's format form)
    ("3 pazdziernika 2024", "2024-10-03"),  # ... its accents left out
    ("5 лютого 2024", "2024-02-05"),       # Ukrainian, another script
    ("12 Sept. 2024", "2024-09-12"),       # British English abbreviation
    ("1 févr. 2024", "2024-02-01"),
])
def test_a_month_name_of_any_language_is_read(written, expected):
    assert _read([written]) == [expected]


@pytest.mark.parametrize("written, expected", [
    ("13 lug 2024", "2024-07-13"),  # day > 12 beside a month name: no day/month order to
    ("31 dic 2024", "2024-12-31"),  # decide, the word is the month
    ("Oct 31, 2024", "2024-10-31"),
])
def test_a_day_over_twelve_beside_a_month_name_is_the_day(written, expected):
    assert _read([written]) == [expected]


@pytest.mark.parametrize("written", [
    "24 lug 2024..",       # two dots: no closing dot
    "24 lug 2024.5",       # a dot and more
    "24 luglio. 2024x",
])
def test_only_one_dot_closing_the_year_ends_the_date(written):
    assert _read([written]) == [None]


@pytest.mark.parametrize("written, expected", [
    ("12 set 2024", "2024-09-12"),  # Italian/Portuguese September, an English word too
    ("3 mai 2024", "2024-05-03"),   # German/French May, a Romanian word too
])
def test_an_abbreviation_that_is_also_an_ordinary_word_reads_as_a_month_in_a_date(
        written, expected):
    assert _read([written]) == [expected]


@pytest.mark.parametrize("written", ["set of 2024", "Mai Tai 2024", "12 set"])
def test_an_ordinary_word_in_a_value_that_is_no_date_does_not_make_it_one(written):
    assert _read([written]) == [None]


def test_keys_are_lowercase_accent_free_and_without_a_closing_dot():
    assert month_key("Févr.") == "fevr" and month_key("MÄRZ") == "marz"
    assert month_names()["octombrie"] == {10: month_names()["octombrie"][10]}


def test_a_word_naming_two_months_is_decided_by_the_column_s_other_month_words():
    # "lis": October in Croatian, November in Polish and Czech; "sty" is Polish only
    assert set(month_names()["lis"]) == {10, 11}
    assert read_month_words({"lis", "sty"}) == ({"lis": 11, "sty": 1}, {})
    assert _read(["3 lis 2024", "4 sty 2024"]) == ["2024-11-03", "2024-01-04"]
    # "sij" is Croatian January: the same word is then October
    assert _read(["3 lis 2024", "4 sij 2024"]) == ["2024-10-03", "2024-01-04"]


def test_a_word_the_column_leaves_ambiguous_is_not_read_and_is_reported():
    parsed = read_dates(pd.Series(["3 lis 2024", "2024-11-05"]))
    assert parsed.invalid.tolist() == [True, False]
    assert parsed.evidence["ambiguous_month_words"] == {"lis": (10, 11)}
    # not even as the English word the formats would read ("Jan": June in Sesotho, which
    # writes "y MMM d" as English may too)
    assert read_dates(pd.Series(["2024 Jan 5"])).evidence["ambiguous_month_words"] == {
        "Jan": (1, 6)}
    assert read_month_words({"Jan"}, orders=frozenset({"yMd"})) == ({}, {"Jan": (1, 6)})
    # beside "Feb" (no Sesotho word), "Jan" is January
    assert read_month_words({"Jan", "Feb"}, orders=frozenset({"yMd"})) == (
        {"Jan": 1, "Feb": 2}, {})


@pytest.mark.parametrize("written", ["5 Jan 2024", "Jan 5, 2024"])
def test_the_order_the_column_writes_its_dates_in_decides_between_languages(written):
    # English writes "d MMM y" and "MMM d, y"; Sesotho, whose "Jan" is June, only "y MMM d"
    assert _read([written]) == ["2024-01-05"]


def test_a_declared_language_decides_the_word():
    assert _read(["3 lis 2024"], month_language="hr") == ["2024-10-03"]
    assert _read(["3 lis 2024"], month_language="pl") == ["2024-11-03"]
    assert _read(["5 Jan 2024"], month_language="en") == ["2024-01-05"]
    assert _read(["3 lis 2024"], date_format="%d %b %Y", month_language="cs") == ["2024-11-03"]


def test_distinct_values_are_read_once_on_a_hundred_thousand_rows():
    month_names()  # built once per process (CLDR), not part of the measure
    days = pd.date_range("2023-01-01", periods=400, freq="D")
    italian = ("gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov",
               "dic")
    written = [f"{d.day} {italian[d.month - 1]} {d.year}." for d in days]
    values = pd.Series(np.resize(np.array(written, dtype=object), 100_000))
    start = time.perf_counter()
    parsed = read_dates(values)
    elapsed = time.perf_counter() - start
    assert parsed.invalid.sum() == 0 and parsed.values.iloc[-1] == days[(100_000 - 1) % 400]
    assert elapsed < 1.0, f"{elapsed:.2f} s for 100k rows"


def test_chinese_month_names_in_characters_are_months():
    # CLDR's Chinese names (一月 ... 十二月), also Cantonese's, a language whose date
    # patterns write no month word at all
    assert read_month_words({"三月", "十二月"}) == ({"三月": 3, "十二月": 12}, {})
    assert read_month_words({"三月"}, orders=frozenset({"dMy"})) == ({"三月": 3}, {})


@pytest.mark.parametrize("written", ["5 MARX 2024", "5 Marx 2024", "5 JANX 2024"])
def test_a_word_one_letter_longer_than_a_month_name_is_no_month(written):
    # only a closing dot is left out of a word (``Mar.``), no other letter
    assert _read([written]) == [None]


def test_each_language_writes_its_dates_in_the_orders_of_its_cldr_patterns():
    # the patterns' day or year may come first (Turkish "d MMMM y", Hungarian "y. MMMM d.")
    orders = date_orders()
    assert "dMy" in orders["tr"] and "yMd" in orders["hu"]
    assert {"Mdy", "dMy"} <= orders["en"]
    # "abe": Basque December ("y MMM d"), April in languages that write the day first
    assert read_month_words({"abe"}, orders=frozenset({"yMd"})) == ({"abe": 12}, {})
