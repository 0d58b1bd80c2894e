"""An amount column read as a whole (`read_amounts`): each value's number, whether it was
written at all or is unreadable, whether it carries its own sign, and how the decimal mark
was decided — value by value, with the answer known by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from titans_finance.core.normalise import parse_amounts, read_amounts


def _read(values, **kwargs):
    return read_amounts(pd.Series(values, dtype="object"), **kwargs)


def test_each_value_its_number_sign_and_validity():
    values = ["12.50", "-3.25", "(4.00)", "7.00-", "+8", "1200.00 DR", "5 CR", "$-12",
              "USD -5", "−6.5", None, "", "abc", "--3", "-3+", "(2) CR"]
    parsed = _read(values)
    expected = [12.5, -3.25, -4.0, -7.0, 8.0, -1200.0, 5.0, -12.0, -5.0, -6.5,
                np.nan, np.nan, np.nan, np.nan, np.nan, np.nan]
    np.testing.assert_array_equal(parsed.values.to_numpy(), np.array(expected))
    # missing (None, blank) is not invalid; written-but-not-a-number and contradictory signs are
    assert parsed.invalid.tolist() == [False] * 12 + [True] * 4
    # the value itself says in or out: a sign, parentheses or a DR/CR word
    assert parsed.explicit_sign.tolist() == [False, True, True, True, True, True, True, True,
                                             True, True, False, False, False, True, True, True]
    assert parsed.values.dtype == "float64" and parsed.invalid.dtype == bool
    assert parsed.values.index.equals(pd.RangeIndex(len(values)))


def test_repeated_values_are_read_once_and_spread_back_to_every_row():
    values = pd.Series(["1,5", "-2,25", "1,5", None, "-2,25", "1,5"], index=[10, 11, 12, 13, 14, 15],
                       dtype="object")
    parsed = read_amounts(values)
    # every part keeps the column's index: callers combine them with other columns by label
    for part in (parsed.values, parsed.invalid, parsed.explicit_sign):
        assert part.index.tolist() == [10, 11, 12, 13, 14, 15]
    np.testing.assert_array_equal(parsed.values.to_numpy(), [1.5, -2.25, 1.5, np.nan, -2.25, 1.5])
    assert parsed.invalid.tolist() == [False] * 6
    assert parsed.explicit_sign.tolist() == [False, True, False, False, True, False]
    assert (parsed.decimal_mark, parsed.decimal_mark_decided_by) == (",", "values")


@pytest.mark.parametrize("values, kwargs, mark, decided_by, numbers", [
    (["1.200", "-1.200"], {}, ".", "hint", [1.2, -1.2]),  # no value tells: the hint
    (["1.200", "-1.200"], {"decimal_hint": ","}, ",", "hint", [1200.0, -1200.0]),
    (["1.200", "12,50"], {}, ",", "values", [1200.0, 12.5]),
    (["1,200", "12.50"], {"decimal_hint": ","}, ".", "values", [1200.0, 12.5]),
    (["12.50", "7"], {"decimal": ","}, ",", "declared", [np.nan, 7.0]),  # 12.50: invalid
    (["1.234.567,89"], {}, ",", "values", [1234567.89]),
    (["1 234,56", "11'373.94"], {"decimal": "."}, ".", "declared", [np.nan, 11373.94]),
    ([",5", ".75"], {"decimal": "."}, ".", "declared", [np.nan, 0.75]),
    (["00000000000115.8331"], {}, ".", "values", [115.8331]),
])
def test_the_column_decides_its_decimal_mark(values, kwargs, mark, decided_by, numbers):
    parsed = _read(values, **kwargs)
    assert (parsed.decimal_mark, parsed.decimal_mark_decided_by) == (mark, decided_by)
    np.testing.assert_array_equal(parsed.values.to_numpy(), np.array(numbers, dtype=float))
    assert parsed.invalid.tolist() == [bool(np.isnan(n)) for n in numbers]


def test_an_unknown_decimal_mark_is_refused():
    with pytest.raises(ValueError, match=r"^decimal mark must be '\.' or ',', got ';'$"):
        _read(["1"], decimal=";")


def test_a_number_too_large_for_a_float_is_invalid_not_infinite():
    parsed = _read(["1" + "0" * 400, "5"])
    assert parsed.invalid.tolist() == [True, False] and np.isnan(parsed.values.iloc[0])


def test_parse_amounts_is_the_column_reader():
    values, invalid = parse_amounts(pd.Series(["1.234,50", "x", None], dtype="object"))
    np.testing.assert_array_equal(values.to_numpy(), [1234.5, np.nan, np.nan])
    assert invalid.tolist() == [False, True, False]


@pytest.mark.parametrize("written, number", [
    ("د.ا.\u200f4.750", 4.75),            # Jordanian dinar and a right-to-left mark (YNAB)
    ("\u200e-93.210 د.ا.", -93.21),       # after the number, a left-to-right mark before
    ("ر.س 5.00", 5.0), ("-12.50 лв.", -12.5), ("1234.00 руб.", 1234.0),
    ("12 Kč", 12.0), ("-1200 Ft", -1200.0), ("₴3.50", 3.5), ("₸-2.00", -2.0),
    ("\u2067-4.00\u2069", -4.0),            # isolates around a number
])
def test_currencies_of_any_script_and_format_marks_are_not_the_number(written, number):
    parsed = _read([written, "1.25"])
    assert parsed.values.iloc[0] == number and not parsed.invalid.iloc[0]


@pytest.mark.parametrize("written, number", [
    ("100 рублей", 100.0),       # six letters: the longest currency word read as one
    ("100 рубль", 100.0),        # five
    ("100 рубльей", None),       # seven: a word of text, not a currency
    ("Описание 1", None),        # "description 1" (Raiffeisen RU): text, no amount
    ("Описание 13", None),
    ("บาท 5", 5.0), ("5 元", 5.0),
])
def test_a_currency_of_a_non_latin_script_is_a_short_word(written, number):
    parsed = _read([written, "1.25"])
    if number is None:
        assert parsed.invalid.iloc[0] and np.isnan(parsed.values.iloc[0])
    else:
        assert parsed.values.iloc[0] == number and not parsed.invalid.iloc[0]


@pytest.mark.parametrize("written", ["12.00 XYZW", "د.ا.", "12 Abc.", "12.5.6 د.ا."])
def test_what_is_not_a_currency_stays_unreadable(written):
    # a Latin word is no currency (it may be a direction mark or a typo: never guessed);
    # a currency without a number is no amount
    assert _read([written, "1.25"]).invalid.iloc[0]


@pytest.mark.parametrize("values, hint, expected", [
    # one grouping mark and three digits after it: no vote, the hint decides
    (["1,234"], ",", (",", "hint")), (["1.234"], ".", (".", "hint")),
    # the same mark twice (the boundary) or more: it groups, the other one is the decimal
    (["1,234,567"], ",", (".", "values")), (["1.234.567"], ".", (",", "values")),
    (["1,234,567,890"], ",", (".", "values")), (["1.234.567.890"], ".", (",", "values"))])
def test_a_mark_written_twice_votes_for_the_other_decimal_mark(values, hint, expected):
    from titans_finance.core.amounts import decide_decimal_mark
    assert decide_decimal_mark(pd.Series(values), hint=hint) == expected
    read = _read(values, decimal_hint=hint)
    if expected[1] == "values":  # the whole number, never invalid nor a fraction
        assert read.values.iloc[0] == float(values[0].replace(",", "").replace(".", ""))


@pytest.mark.parametrize("values, hint, expected, numbers", [
    # both marks written, the dot last: the dot is the decimal mark, whatever the hint,
    # with one comma and one dot (the boundary), two commas, and the comma last
    (["1,234.56"], ",", (".", "values"), [1234.56]),
    (["1,234,567.89"], ",", (".", "values"), [1234567.89]),
    (["1.234,56"], ".", (",", "values"), [1234.56]),
    (["1.234.567,89"], ".", (",", "values"), [1234567.89])])
def test_a_value_with_both_marks_votes_for_the_last_one(values, hint, expected, numbers):
    from titans_finance.core.amounts import decide_decimal_mark
    assert decide_decimal_mark(pd.Series(values), hint=hint) == expected
    assert _read(values, decimal_hint=hint).values.tolist() == numbers


@pytest.mark.parametrize("value, number", [
    ("-1\ufffd000.00", -1000.0),           # Intesa: an unreadable byte as the grouping mark
    ("12\ufffd345\ufffd678.90", 12345678.9),
    ("1\ufffd000", np.nan),                # no decimal mark after it: 1000 or 1.000?
    ("1\ufffd00.00", np.nan), ("1\ufffd0000.00", np.nan),  # groups of two or four: no grouping
    ("\ufffd12.50", np.nan), ("12.50\ufffd", np.nan),      # at the edge: a currency or a minus?
    ("1.000\ufffd000", np.nan),            # after the decimal mark: no grouping
])
def test_an_unreadable_character_is_read_only_where_it_can_be_a_grouping_mark(value, number):
    parsed = read_amounts(pd.Series(["-2.40", value]))
    assert parsed.decimal_mark == "."
    assert parsed.values.iloc[1] == pytest.approx(number, nan_ok=True)
    assert parsed.invalid.iloc[1] == bool(np.isnan(number))
    # a value read through the repair says so (the reading report counts them per file)
    assert parsed.repaired.tolist() == [False, not np.isnan(number)]


def test_a_repaired_value_the_column_s_decimal_mark_contradicts_is_no_repair():
    # 1,000.00 in a decimal-comma column is invalid whatever the grouping: nothing was read
    parsed = read_amounts(pd.Series(["-2,40", "1\ufffd000.00", "1\ufffd000,00"]))
    assert parsed.decimal_mark == ","
    assert parsed.invalid.tolist() == [False, True, False]
    assert parsed.repaired.tolist() == [False, False, True]
    # each value counted where it stands, once per line (a value read once per distinct value)
    twice = read_amounts(pd.Series(["1\ufffd000,00", "", "1\ufffd000,00"]))
    assert twice.repaired.tolist() == [True, False, True]


# -- a grouping mark (space, no-break space, apostrophe) parts groups of three digits: a
# reference written in groups of five, a card or account number in groups of four, is no
# amount (a headerless Nordea export's reference column read as a second amount column)

@pytest.mark.parametrize("value, number", [
    ("12345 12345 12345 12345", np.nan), ("1234 5678", np.nan), ("12345 1234", np.nan),
    # boundary before the mark: three digits, not four
    ("123 456", 123456.0), ("1234 567", np.nan),
    # boundary after the mark: three digits, not two or four
    ("1 234,56", 1234.56), ("1 23", np.nan), ("12 3456", np.nan), ("1 2345,00", np.nan),
    ("250 000,00", 250000.0), ("1 000 000", 1000000.0), ("-23 802,27", -23802.27),
    ("1\u00a0234,56", 1234.56), ("11'373.94", 11373.94), ("1'2345.00", np.nan),
    # a space beside a sign or a mark is no grouping
    ("- 12,50", -12.5), ("12,50 DR", -12.5), ("USD 1 234.00", 1234.0)])
def test_a_grouping_mark_parts_groups_of_three_digits(value, number):
    parsed = _read([value], decimal_hint=",")
    np.testing.assert_array_equal(parsed.values.to_numpy(), np.array([number]))
    assert parsed.invalid.tolist() == [bool(np.isnan(number))]


def test_a_reference_column_in_groups_of_five_is_no_second_amount_column():
    # headerless: the amounts (decimal comma on every value) and a reference column of
    # 12-digit numbers and one written in groups of five; only the first is an amount
    from titans_finance.core.readers import read_export
    rows = ["08.04.2019\t07.04.2019\t300,00\tJOHN DOE\t",
            "15.04.2019\t15.04.2019\t-2,00\tVFI*KIE\t190411004185",
            "26.04.2019\t26.04.2019\t-8,00\tFINNKINO OY\t12345 12345 12345 12345",
            "29.04.2019\t29.04.2019\t-3,71\tFINNKINO\t190426004252",
            "06.05.2019\t06.05.2019\t-25,00\tJAVATRANS\t190503004286"]
    frame = read_export(("\n".join(rows) + "\n").encode(), "nordea.txt").frame
    assert frame["Amount"].tolist() == ["300,00", "-2,00", "-8,00", "-3,71", "-25,00"]
