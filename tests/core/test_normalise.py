import numpy as np
import pandas as pd
import pytest

from titans_finance.core.normalise import (
    correct_enum,
    correct_payment_methods,
    correct_types,
    decide_decimal_mark,
    infer_day_first,
    map_headers,
    parse_amounts,
    parse_dates,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("-89.45", -89.45),
        ("$1,234.56", 1234.56),
        ("1.234,56", 1234.56),
        ("(12.00)", -12.0),
        ("12.00-", -12.0),
        ("  -1,200.00 ", -1200.0),
        ("EUR 10", 10.0),
        ("12,5", 12.5),
        ("1,234", 1234.0),
        ("£0.99", 0.99),
        # issue #18 planted bugs: every thousands separator goes, a sign beside a
        # currency symbol or code counts on either side of it
        ("$1,234,567.89", 1234567.89),
        ("1.234.567,89 €", 1234567.89),
        ("$-12", -12.0),
        ("-$12.50", -12.5),
        ("USD -5", -5.0),
        ("12,00 EUR-", -12.0),
    ],
)
def test_parse_amounts_accepts_common_formats(text, expected):
    values, invalid = parse_amounts(pd.Series([text]))
    assert not invalid.iloc[0]
    assert values.iloc[0] == pytest.approx(expected)


@pytest.mark.parametrize("text", ["abc", "1.2.3x", "inf", "nan-ish", "--", "12..5"])
def test_parse_amounts_flags_garbage_as_invalid(text):
    values, invalid = parse_amounts(pd.Series([text]))
    assert invalid.iloc[0]
    assert np.isnan(values.iloc[0])


def test_parse_amounts_missing_is_not_invalid():
    values, invalid = parse_amounts(pd.Series(["", None, "   "]))
    assert values.isna().all()
    assert not invalid.any()


@pytest.mark.parametrize(
    "text", ["2024-03-12", "2024/03/12", "03/12/2024", "12 Mar 2024", "Mar 12, 2024",
             "2024-03-12T10:30:00", "20240312"],
)
def test_parse_dates_common_formats(text):
    parsed, invalid = parse_dates(pd.Series([text]))
    assert not invalid.iloc[0]
    assert parsed.iloc[0] == pd.Timestamp("2024-03-12")


@pytest.mark.parametrize(
    "text", ["2024-03-12+02:00", "2024-03-12Z", "2024-03-12-05:00", "2024-03-12 +01",
             "2024-03-12T23:30:00-05:00", "2024-03-12T10:30:00.123456Z",
             "2024-03-12 14:05:00 +0100", "20240312120000.000[-5:EST]", "20240312120000",
             "202403121200", "20240312[+1:CET]", "03/12/2024 06:50 PM"],
)
def test_a_time_and_a_time_zone_after_the_date_leave_the_day_written(text):
    parsed, invalid = parse_dates(pd.Series([text]))
    assert not invalid.iloc[0]
    assert parsed.iloc[0] == pd.Timestamp("2024-03-12")


@pytest.mark.parametrize("text", ["2024-13-12+02:00", "20241312120000", "2024-03-1212",
                                  "20240312+02:00:00x"])
def test_a_zone_suffix_does_not_make_a_wrong_date_right(text):
    _, invalid = parse_dates(pd.Series([text]))
    assert invalid.iloc[0]


def test_parse_dates_flags_impossible_dates():
    parsed, invalid = parse_dates(pd.Series(["2024-13-45", "yesterday", "", None]))
    assert invalid.tolist() == [True, True, False, False]
    assert parsed.isna().all()


def test_day_first_is_inferred_per_file():
    european = pd.Series(["25/12/2024", "03/01/2024", "31/01/2024"])
    assert infer_day_first(european)
    parsed, _ = parse_dates(european)
    assert parsed.iloc[1] == pd.Timestamp("2024-01-03")
    american = pd.Series(["12/25/2024", "01/03/2024"])
    assert not infer_day_first(american)
    assert parse_dates(american)[0].iloc[1] == pd.Timestamp("2024-01-03")


def test_enum_typos_are_corrected_and_unknowns_reported():
    methods, unknown = correct_payment_methods(
        pd.Series(["credit_car", "Credit Card", "paypall", "bank transfer", "Cheque", "zzz", None]))
    assert methods.tolist()[:5] == ["credit_card", "credit_card", "paypal", "bank_transfer", "check"]
    assert unknown.tolist() == [False] * 5 + [True, False]
    types, bad = correct_types(pd.Series(["Expence", "INCOME", " expense ", "Debit", "???"]))
    assert types.tolist()[:4] == ["expense", "income", "expense", "expense"]
    assert bad.tolist() == [False, False, False, False, True]


def test_correct_enum_keeps_distinct_similar_categories_apart():
    vocabulary = ["vehicle", "vehicle_expenses", "supplies", "office_supplies"]
    corrected, unknown = correct_enum(pd.Series(["vehicle", "supplies", "office_suplies"]), vocabulary)
    assert corrected.tolist() == ["vehicle", "supplies", "office_supplies"]
    assert not unknown.any()


def test_header_variants_map_to_canonical_names():
    mapping, unknown = map_headers(["\ufeffdate", " TYPE ", "description", "amount_usd",
                                    "payment_method", "Merchant", "receipt-url", "Notes"])
    assert mapping == {
        "\ufeffdate": "Date", " TYPE ": "Type", "description": "Description",
        "amount_usd": "Amount", "payment_method": "Payment Method", "Merchant": "Reference",
        "receipt-url": "Receipt URL",
    }
    assert unknown == ["Notes"]


def test_a_column_that_cannot_tell_its_decimal_mark_takes_the_hint():
    # found by `make mutation`: the default hint was never exercised
    assert decide_decimal_mark(pd.Series(["1200", "1,200", "7"])) == (".", "hint")
    assert decide_decimal_mark(pd.Series(["1200"]), hint=",") == (",", "hint")
    assert decide_decimal_mark(pd.Series(["12,50", "1.200"])) == (",", "values")
    # a plain decimal-point column, and a repeated dot (1.234.567): each value votes once
    assert decide_decimal_mark(pd.Series(["12.50", "7.25", "100"]), hint=",") == (".", "values")
    assert decide_decimal_mark(pd.Series(["1.234.567", "100"])) == (",", "values")


@pytest.mark.parametrize("header, role", [
    ("Amount (total)", "Amount"), ("Amount ( total )", "Amount"), ("Date (UTC)", "Date"),
    ("Amount (fee)", "Fee"), ("Amount (balance)", "Balance"), ("Betrag (Haben)", "Money In"),
    # the qualifier alone names nothing: an unknown name stays unknown
    ("Foo (fee)", None), ("Amount (xyz)", "Amount"), ("Amount (fee) (x)", None),
    ("Datetime", "Date"), ("Addebiti", "Money Out"), ("Accrediti", "Money In"),
])
def test_a_qualifier_in_parentheses_keeps_the_name_or_names_a_money_role(header, role):
    from titans_finance.core.normalise import header_role

    assert header_role(header)[0] == role
