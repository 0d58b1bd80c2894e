"""Column evidence reads values of every script: a month-first date whose month name has a
letter outside ASCII (``Déc. 12, 2023``) is date-shaped like ``Dec. 12, 2023``."""

from __future__ import annotations

import pandas as pd
import pytest

from titans_finance.core.readers.column_evidence import (
    PARSE_RATE,
    column_evidence,
    is_amount_column,
    is_date_column,
    token_sign,
)


@pytest.mark.parametrize("values", [
    ["Déc. 12, 2023", "Févr. 3, 2024", "Déc. 20, 2023", "Août 1, 2024"],
    ["Dec. 12, 2023", "Feb. 3, 2024", "Dec. 20, 2023", "Aug. 1, 2024"],
])
def test_month_first_dates_are_dates_whatever_the_month_names_letters(values):
    assert column_evidence(pd.Series(values, dtype="str"))["date_rate"] >= PARSE_RATE


@pytest.mark.parametrize("text", ["微信支付 消费", "Кафе Пушкин", "Καφέ Αθήνα", "スーパー 購入"])
def test_text_of_other_scripts_is_text(text):
    assert column_evidence(pd.Series([text] * 3, dtype="str"))["text_rate"] == 1.0


def _evidence(*values, hint="."):
    return column_evidence(pd.Series(list(values), dtype="object"), hint)


def test_the_evidence_of_a_column_of_dates_with_empty_fields():
    assert _evidence("02.01.2024", "03.01.2024", "", None, "13.01.2024", hint=",") == {
        "values": 3, "distinct": 3, "date_rate": 1.0, "day_first": True, "amount_rate": 0.0,
        "iban_rate": 0.0, "currency_rate": 0.0, "text_rate": 0.0}


def test_the_evidence_of_a_column_of_amounts():
    assert _evidence("-12,40", "2.100,00", "-2,40", hint=",") == {
        "values": 3, "distinct": 3, "date_rate": 0.0, "amount_rate": 1.0, "signed_rate": 0.6667,
        "decimal_mark": ",", "integers_only": False, "identifier_like": False,
        "iban_rate": 0.0, "currency_rate": 0.0, "text_rate": 0.0}


def test_an_empty_column_is_evidence_of_nothing():
    assert _evidence("", None, "  ") == {"values": 0}


@pytest.mark.parametrize("day, rate", [("1970-01-01", 1.0), ("1969-12-31", 0.0),
                                       ("2100-12-31", 1.0), ("2101-01-01", 0.0)])
def test_a_date_is_one_of_1970_to_2100(day, rate):
    assert _evidence(day, day)["date_rate"] == rate


@pytest.mark.parametrize("bad, rate, is_date", [(1, 0.9, True), (2, 0.8, False)])
def test_a_column_of_dates_is_nine_values_in_ten(bad, rate, is_date):
    evidence = _evidence(*(["2024-01-02"] * (10 - bad) + ["x"] * bad))
    assert evidence["date_rate"] == rate and is_date_column(evidence) is is_date
    assert ("day_first" in evidence) is is_date


@pytest.mark.parametrize("bad, rate, is_amount", [(1, 0.9, True), (2, 0.8, False)])
def test_a_column_of_amounts_is_nine_values_in_ten(bad, rate, is_amount):
    evidence = _evidence(*(["1.50"] * (10 - bad) + ["x"] * bad))
    assert evidence["amount_rate"] == rate and is_amount_column(evidence) is is_amount


def test_a_sign_written_on_some_amounts_is_their_share():
    assert _evidence("+5.00", "7.00", "1969-12-31")["signed_rate"] == 0.5  # of the amounts
    assert _evidence("5", "-7")["integers_only"] is True
    assert _evidence("5", "-7.5")["integers_only"] is False


@pytest.mark.parametrize("values, identifier", [
    (("7", "7", "7"), True),                          # one value on three lines or more
    (("7", "7"), False),
    (("123456", "234567"), True),                     # all distinct, six digits or more
    (("12345", "23456"), False),
    (("1234567", "2345678", "1234567"), False),       # repeated, seven digits
    (("12345678", "23456789", "12345678"), True),     # repeated, all of eight digits
    (("1234567", "23456789", "1234567"), False),      # repeated, of two lengths
    (("5.00", "5.00", "5.00"), False),                # money with cents is no identifier
])
def test_whole_numbers_that_are_identifiers(values, identifier):
    evidence = _evidence(*values)
    assert evidence["identifier_like"] is identifier
    assert is_amount_column(evidence) is not identifier


def test_ibans_currency_codes_and_text_are_shares_of_the_values():
    evidence = _evidence("NL91ABNA0417164300", "nl91 abna 0417 1643 00", "EUR")
    assert (evidence["iban_rate"], evidence["currency_rate"], evidence["text_rate"]) == (
        0.6667, 0.3333, 1.0)
    # text: three letters or more
    assert _evidence("ab", "a")["text_rate"] == 0.0 and _evidence("abc", "a")["text_rate"] == 0.5


@pytest.mark.parametrize("values, flag", [
    (("0", "1", "1"), True), (("Yes", "no"), True), (("TRUE", " false "), True),
    (("y", "n"), True), (("1", "1"), False), (("0", "1", "2"), False), (("yes", "1"), False)])
def test_a_flag_holds_both_values_of_one_pair(values, flag):
    evidence = _evidence(*values)
    assert evidence.get("flag", False) is flag
    if flag:
        assert not is_amount_column(evidence)


@pytest.mark.parametrize("values, tokens", [
    (("D", "C", "D"), {"D": 2, "C": 1}),
    (("A", "B", "C", "A"), {"A": 2, "B": 1, "C": 1}),      # three values at most
    (("A", "B", "C", "D", "A"), None),
    (("D", "C"), {"D": 1, "C": 1}),                        # as many lines: known words only
    (("X", "Y"), None),
    (("Debit", "Xq"), None),
    (("借 Dr", "贷 Cr"), {"借 Dr": 1, "贷 Cr": 1}),          # spaces only in known words
    (("a b", "a b"), None),
    (("ab", "ab", "c1"), None),                            # no digits
    (("abcdefghijkl", "abcdefghijkl"), {"abcdefghijkl": 2}),  # twelve characters at most
    (("abcdefghijklm", "abcdefghijklm"), None),
    (("Lastschrift", "Lastschrift"), {"Lastschrift": 2}),
])
def test_tokens_are_a_few_short_words_repeated_or_known(values, tokens):
    assert _evidence(*values).get("tokens") == tokens


def test_token_sign_reads_direction_words():
    assert (token_sign("Debit"), token_sign("Credit"), token_sign("Shop")) == (-1.0, 1.0, None)


@pytest.mark.parametrize("hint, day_first", [(",", True), (".", False), (None, False)])
def test_a_decimal_comma_hints_day_first_dates_where_the_values_do_not_tell(hint, day_first):
    values = pd.Series(["01/02/2024", "03/04/2024"], dtype="object")
    evidence = column_evidence(values) if hint is None else column_evidence(values, hint)
    assert evidence["day_first"] is day_first


def test_without_a_hint_a_point_is_the_decimal_mark_of_ambiguous_amounts():
    assert column_evidence(pd.Series(["1.234", "2.345"]))["decimal_mark"] == "."
    assert column_evidence(pd.Series(["1,234", "2,345"]))["decimal_mark"] == "."


def test_rates_are_rounded_to_four_places():
    assert _evidence("2024-01-02", "2024-01-03", "x")["date_rate"] == 0.6667
    assert _evidence("2024-01-02", "x", "y")["date_rate"] == 0.3333


def test_evidence_of_an_empty_column_is_of_no_date_and_no_amount():
    assert is_date_column({"values": 0}) is False
    assert is_amount_column({"values": 0}) is False


def test_an_iban_written_in_groups_of_four_is_an_iban():
    assert _evidence("DE89 3704 0044 0532 0130 00", "DE89370400440532013000")["iban_rate"] == 1.0


def test_text_and_amount_rates_are_rounded_to_four_places():
    evidence = _evidence("Shop", "1.50", "x")
    assert (evidence["text_rate"], evidence["amount_rate"]) == (0.3333, 0.3333)


def test_a_decimal_comma_hint_reads_ambiguous_amounts_with_a_comma():
    assert _evidence("1.234", "2.345", hint=",")["decimal_mark"] == ","
