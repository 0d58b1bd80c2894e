"""Property tests of the parsers: any amount or date written the way exports write them
reads back as the value written (or the file is reported ambiguous), decided per column."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from titans_finance.core.normalise import parse_amounts, parse_dates, read_amounts, read_dates

GROUPING = {".": ["", ",", "'", " ", "\u00a0", "\u202f"], ",": ["", ".", " ", "\u00a0", "'"]}
CURRENCIES = ["", "$", "€", "£", "USD", "EUR", "CHF", "US$"]
NEGATIVES = ["-{}", "{}-", "({})", "{} DR", "\u2212{}"]


def _written(value: Decimal, decimal: str, grouping: str, negative: str, currency: str,
             currency_first: bool, sign_inside: bool = False) -> str:
    """``value`` as an export writes it (two decimals); ``sign_inside`` writes the sign
    between the currency and the number (``$-12``, ``USD -5``)."""
    whole, _, cents = f"{abs(value):.2f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    number = grouping.join(groups) + decimal + cents
    if value < 0 and sign_inside and currency:
        number, value = negative.format(number), -value  # signed here, not again below
    if currency:
        number = f"{currency}{number}" if currency_first and len(currency) < 3 else (
            f"{currency} {number}" if currency_first else f"{number} {currency}")
    return negative.format(number) if value < 0 else number


amount_values = st.decimals(min_value=Decimal("-999999999.99"), max_value=Decimal("999999999.99"),
                            places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(amount_values, min_size=1, max_size=8), decimal=st.sampled_from([".", ","]),
       data=st.data())
def test_any_amount_in_any_supported_format_round_trips(values, decimal, data):
    grouping = data.draw(st.sampled_from(GROUPING[decimal]))
    negative = data.draw(st.sampled_from(NEGATIVES))
    currency = data.draw(st.sampled_from(CURRENCIES))
    currency_first, sign_inside = data.draw(st.booleans()), data.draw(st.booleans())
    column = pd.Series([_written(v, decimal, grouping, negative, currency, currency_first,
                                 sign_inside) for v in values])
    parsed = read_amounts(column)
    assert not parsed.invalid.any(), column.tolist()
    assert parsed.values.tolist() == pytest.approx([float(v) for v in values]), column.tolist()
    assert parsed.decimal_mark == decimal


@settings(max_examples=200, deadline=None)
@given(thousands=st.lists(st.integers(1, 999), min_size=1, max_size=6),
       cents=st.integers(1, 99), groups=st.integers(1, 3))
def test_a_grouped_integer_reads_by_its_column_not_by_itself(thousands, cents, groups):
    """``-1.200`` beside ``-12,50`` is minus one thousand two hundred, never -1.2."""
    grouped = [f"-{t}" + ".000" * groups for t in thousands]
    column = pd.Series([*grouped, f"-12,{cents:02d}"])
    values, invalid = parse_amounts(column)
    assert not invalid.any()
    assert values.tolist()[:-1] == [-t * 1000 ** groups for t in thousands]
    assert values.iloc[-1] == pytest.approx(-(12 + cents / 100))


@pytest.mark.parametrize(
    "text, expected",
    [("$1,234,567.89", 1234567.89), ("1.234.567,89 €", 1234567.89), ("1 234 567,89", 1234567.89),
     ("$-12", -12.0), ("-$12", -12.0), ("USD -5", -5.0), ("-5 USD", -5.0), ("USD 5-", -5.0),
     ("€ -1.234,50", -1234.5), ("1200.00 DR", -1200.0), ("1200.00 CR", 1200.0),
     ("\u22121200.00", -1200.0), ("1\u00a0234,56", 1234.56), ("11'373.94", 11373.94),
     ("(12.34)", -12.34), ("12.34-", -12.34), ("+100,00", 100.0)],
)
def test_amounts_that_exports_write(text, expected):
    values, invalid = parse_amounts(pd.Series([text]))
    assert not invalid.iloc[0]
    assert values.iloc[0] == pytest.approx(expected)


def test_a_value_contradicting_its_column_mark_is_invalid_not_silently_scaled():
    values, invalid = parse_amounts(pd.Series(["-12,50", "-3,99", "12.50"]))
    assert invalid.tolist() == [False, False, True]


def test_declared_decimal_mark_wins():
    assert parse_amounts(pd.Series(["1.200"]), decimal=",")[0].iloc[0] == 1200.0
    assert parse_amounts(pd.Series(["1.200"]), decimal=".")[0].iloc[0] == 1.2


ORDERS = {"dmy": ("%d", "%m", "%Y"), "mdy": ("%m", "%d", "%Y"), "ymd": ("%Y", "%m", "%d")}


@settings(max_examples=150, deadline=None)
@given(days=st.lists(st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)), min_size=1,
                     max_size=8),
       order=st.sampled_from(sorted(ORDERS)), separator=st.sampled_from(["/", ".", "-"]),
       short_year=st.booleans(), time=st.sampled_from(["", " 14:05", "T10:30:00", " 06:50 PM"]))
def test_any_date_in_any_supported_order_reads_back_or_is_reported_ambiguous(
        days, order, separator, short_year, time):
    parts = ORDERS[order]
    if short_year and order != "ymd":
        parts = tuple("%y" if p == "%Y" else p for p in parts)
    fmt = separator.join(parts)
    column = pd.Series([d.strftime(fmt) + time for d in days])
    parsed = read_dates(column)
    assert not parsed.invalid.any(), column.tolist()
    expected = [pd.Timestamp(d) for d in days]
    if parsed.values.tolist() != expected:
        assert parsed.ambiguous, column.tolist()
        # the other reading of the same text is the day written
        other = read_dates(column, day_first=not parsed.day_first)
        assert other.values.tolist() == expected


@settings(max_examples=100, deadline=None)
@given(days=st.lists(st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)), min_size=1,
                     max_size=8), day_first=st.booleans())
def test_declared_day_order_is_exact(days, day_first):
    fmt = "%d/%m/%Y" if day_first else "%m/%d/%Y"
    values, invalid = parse_dates(pd.Series([d.strftime(fmt) for d in days]), day_first=day_first)
    assert not invalid.any() and values.tolist() == [pd.Timestamp(d) for d in days]


def test_a_statement_whose_dates_cannot_tell_is_read_by_row_spacing_and_reported():
    uk = read_dates(pd.Series(["02/01/2024", "03/01/2024", "05/01/2024"]))
    assert uk.ambiguous and uk.day_first and uk.evidence["decided_by"] == "row_spacing"
    us = read_dates(pd.Series(["01/02/2024", "01/03/2024", "01/05/2024"]))
    assert us.ambiguous and not us.day_first
    assert us.values.tolist() == [pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-03"),
                                  pd.Timestamp("2024-01-05")]
