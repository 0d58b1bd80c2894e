"""Declared mappings (`core/readers/mapping.py`): what a user writes is read key by key, each
wrong key or value refused with the entry and what is wrong, and the mapping lines a
refusal suggests are the ones that settle it, with the file's own names."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from titans_finance.core.readers import ExportReadError
from titans_finance.core.readers.mapping import (
    ROLE_NAMES,
    DeclaredMapping,
    mapping_for,
    mapping_lines,
    parse_mapping,
    parse_mappings,
    suggested_mapping,
    unsure_amount_message,
)

WHERE = "conf/local/export_mappings.yml #1"


def _refusal(entry, where: str = WHERE) -> str:
    with pytest.raises(ExportReadError) as refused:
        parse_mapping(entry, where)
    return str(refused.value)


def test_every_key_written_is_read_into_the_mapping():
    entry = {"match": ["barclays-*.csv", 7], "format": "csv", "encoding": "cp1252",
             "delimiter": "tab", "skip_lines": 3, "header": False,
             "column_names": ["Posting Date", "Memo", "Paid in"],
             "columns": {"date": "Posting Date", "description": ["Memo", 2024],
                         "money_in": "Paid in", "payee": "Memo"},
             "date_format": "%d/%m/%Y", "day_first": True, "decimal": ",", "sign": "negate",
             "account": "Barclays current", "currency": "GBP",
             "debit_credit_values": {"debit": "Af", "credit": ["Bij", " B "]},
             "period": ["20240401", "2024-04-30"], "month_language": "hr"}
    assert parse_mapping(entry, WHERE) == DeclaredMapping(
        match=["barclays-*.csv", "7"], format="csv", encoding="cp1252", delimiter="\t",
        skip_lines=3, header=False, column_names=["Posting Date", "Memo", "Paid in"],
        columns={"Date": ["Posting Date"], "Description": ["Memo", "2024"],
                 "Money In": ["Paid in"], "Reference": ["Memo"]},
        date_format="%d/%m/%Y", day_first=True, decimal=",", sign="negate",
        account="Barclays current", currency="GBP",
        debit_credit_values={"Af": -1.0, "Bij": 1.0, "B": 1.0},
        period=("2024-04-01", "2024-04-30"), month_language="hr")


def test_a_mapping_of_a_match_alone_leaves_every_convention_to_detection():
    assert parse_mapping({"match": "x.csv"}, WHERE) == DeclaredMapping(
        match=["x.csv"], format=None, encoding=None, delimiter=None, skip_lines=None,
        header=True, column_names=None, columns={}, date_format=None, day_first=None,
        decimal=None, sign="as_written", account=None, currency=None,
        debit_credit_values=None, period=None, month_language=None)
    assert parse_mapping({"match": "x.csv", "columns": None}, WHERE).columns == {}


@pytest.mark.parametrize("decimal, read", [(".", "."), (",", ","), (None, None)])
def test_a_declared_decimal_mark_is_a_point_or_a_comma(decimal, read):
    assert parse_mapping({"match": "x", "decimal": decimal}, WHERE).decimal == read


@pytest.mark.parametrize("delimiter, read", [(",", ","), (";", ";"), ("\t", "\t"),
                                             ("|", "|"), ("tab", "\t")])
def test_a_declared_delimiter_is_one_of_four_and_tab_is_written_as_a_word(delimiter, read):
    assert parse_mapping({"match": "x", "delimiter": delimiter}, WHERE).delimiter == read


@pytest.mark.parametrize("skip", [0, 1, 40])
def test_skip_lines_is_any_whole_number_from_zero(skip):
    assert parse_mapping({"match": "x", "skip_lines": skip}, WHERE).skip_lines == skip


def test_a_headerless_mapping_names_its_columns():
    mapping = parse_mapping({"match": "x", "header": False, "column_names": ["a", "b"]}, WHERE)
    assert mapping.header is False and mapping.column_names == ["a", "b"]


@pytest.mark.parametrize("entry, message", [
    (["match", "x.csv"], "expected a mapping of keys, got list"),
    ({"match": "x", "colums": {}, "Sign": "negate"},
     "unknown key(s) Sign, colums; allowed: account, column_names, columns, currency, "
     "date_format, day_first, debit_credit_values, decimal, delimiter, encoding, format, "
     "header, match, month_language, period, sign, skip_lines"),
    ({"columns": {"date": "Datum"}},
     'needs `match:` (a glob such as "statement-*.csv", or a list of them)'),
    ({"match": "", "columns": {}},
     'needs `match:` (a glob such as "statement-*.csv", or a list of them)'),
    ({"match": "x", "columns": {"date": "Datum", "when": "Zeit"}},
     "unknown column role 'when'; allowed: " + ", ".join(ROLE_NAMES)),
    ({"match": "x", "format": "xlsx"},
     "format 'xlsx' is not one of csv, ofx, qif, camt053, mt940"),
    ({"match": "x", "decimal": "'"}, "decimal must be \".\" or \",\", got \"'\""),
    ({"match": "x", "decimal": 0}, "decimal must be \".\" or \",\", got '0'"),
    ({"match": "x", "sign": "backwards"},
     "sign must be one of as_written, negate, got 'backwards'"),
    ({"match": "x", "delimiter": "tabs"}, "delimiter must be one of , ; | tab, got 'tabs'"),
    ({"match": "x", "skip_lines": -1},
     "skip_lines must be a whole number of lines, 0 or more, got -1"),
    ({"match": "x", "skip_lines": False},
     "skip_lines must be a whole number of lines, 0 or more, got False"),
    ({"match": "x", "header": False},
     "header: false needs column_names: [...] (one name per column)"),
    ({"match": "x", "header": 0, "column_names": []},
     "header: false needs column_names: [...] (one name per column)"),
])
def test_a_wrong_key_or_value_is_refused_with_the_entry_and_what_is_wrong(entry, message):
    assert _refusal(entry) == f"declared mapping {WHERE}: {message}"


@pytest.mark.parametrize("period", [
    ["2024-04-02", "2024-04-01"],   # the first day after the last: one day is enough
    ["2024-04-01"], ["2024-04-01", "2024-04-15", "2024-04-30"],   # one day, three days
    "2024-04-01", ["2024-04-01", "30.04.2024"],
    {"2024-04-01": "first", "2024-04-30": "last"}, 20240401,   # two days, but no list
])
def test_a_period_is_two_iso_days_the_first_not_after_the_last(period):
    assert _refusal({"match": "x", "period": period}) == (
        f"declared mapping {WHERE}: period must be [first day, last day] as YYYY-MM-DD, "
        f"the first not after the last, got {period!r}")


def test_a_period_of_one_day_is_read_as_iso_days():
    mapping = parse_mapping({"match": "x", "period": ["20240401", "2024-04-01"]}, WHERE)
    assert mapping.period == ("2024-04-01", "2024-04-01")


def test_a_month_language_must_be_one_cldr_names_months_in():
    assert parse_mapping({"match": "x", "month_language": "pl"}, WHERE).month_language == "pl"
    assert _refusal({"match": "x", "month_language": "klingon"}) == (
        f"declared mapping {WHERE}: month_language must be a language code CLDR names "
        "months in (such as en, de, pl, hr), got 'klingon'")


@pytest.mark.parametrize("declared", [
    {"debit": "Af"}, {"credit": "Bij"}, {"debit": "Af", "credit": "Bij", "other": "X"},
    ["Af", "Bij"], "Af/Bij"])
def test_debit_credit_values_need_both_sides_and_nothing_else(declared):
    assert _refusal({"match": "x", "debit_credit_values": declared}) == (
        f"declared mapping {WHERE}: debit_credit_values needs both `debit:` and `credit:` "
        "(the values of the debit_credit column meaning money out and money in)")


@pytest.mark.parametrize("declared, value", [
    ({"debit": ["D", "D "], "credit": "K"}, "'D '"),        # the same once stripped
    ({"debit": "D", "credit": ["K", "D"]}, "'D'"),           # on both sides
    ({"debit": "D", "credit": "  "}, "'  '"),                # nothing once stripped
])
def test_a_debit_credit_value_named_twice_or_empty_is_refused(declared, value):
    assert _refusal({"match": "x", "debit_credit_values": declared}) == (
        f"declared mapping {WHERE}: debit_credit_values: {value} is empty or named twice")


def test_debit_credit_values_are_the_stripped_words_with_their_sign():
    mapping = parse_mapping({"match": "x", "debit_credit_values": {
        "debit": [" S ", "RS"], "credit": 1}}, WHERE)
    assert mapping.debit_credit_values == {"S": -1.0, "RS": -1.0, "1": 1.0}


def test_mappings_are_a_list_and_each_error_names_its_entry_by_number():
    assert parse_mappings(None, "base.yml") == [] and parse_mappings({}, "base.yml") == []
    assert parse_mappings({"mappings": None}, "base.yml") == []
    with pytest.raises(ExportReadError) as refused:
        parse_mappings({"mappings": {"match": "x"}}, "base.yml")
    assert str(refused.value) == "declared mapping base.yml: `mappings:` must be a list"
    with pytest.raises(ExportReadError) as refused:
        parse_mappings({"mappings": [{"match": "a"}, {"match": "b", "sign": "?"}]}, "base.yml")
    assert str(refused.value).startswith("declared mapping base.yml #2: sign must be")
    read = parse_mappings({"mappings": [{"match": "a"}, {"match": "b"}]}, "base.yml")
    assert [m.match for m in read] == [["a"], ["b"]]


def test_a_mapping_matches_a_file_by_its_name_or_its_path():
    mapping = DeclaredMapping(match=["nomatch-*", "barclays-*.csv"])
    assert mapping.matches("/data/exports/barclays-2024.csv")   # the second glob, on the name
    assert not mapping.matches("/data/exports/hsbc-2024.csv")
    assert DeclaredMapping(match=["*/exports/*.csv"]).matches("/data/exports/a.csv")  # the path
    assert not DeclaredMapping(match=["exports/*.csv"]).matches("a.csv")


def test_the_last_mapping_matching_a_file_wins_and_none_matches_none():
    base, local, other = (DeclaredMapping(match=["*.csv"], currency="EUR"),
                          DeclaredMapping(match=["giro-*.csv"], currency="CHF"),
                          DeclaredMapping(match=["*.ofx"]))
    assert mapping_for("in/giro-1.csv", [base, local, other]) is local
    assert mapping_for("in/card.csv", [base, local, other]) is base
    assert mapping_for("in/card.qif", [base, local, other]) is None


def test_the_suggested_mapping_names_the_files_own_columns():
    assert suggested_mapping("in/giro.csv", ["Datum", "Text", "Betrag", "Saldo"]) == (
        'mappings:\n  - match: "giro.csv"\n    columns:\n      date: "Datum"\n'
        '      description: "Text"\n      amount: "Betrag"          # or money_in: / money_out:\n'
        '    day_first: true              # or date_format: "%d/%m/%Y"\n'
        '    decimal: ","                 # decimal mark of the amounts\n')


def test_the_suggested_mapping_of_a_file_without_columns_shows_what_to_name():
    declared = yaml.safe_load(suggested_mapping("x.csv", []))["mappings"][0]
    assert declared["columns"] == {"date": "<first column>", "description": "<second column>",
                                   "amount": "<third column>"}


def test_the_mapping_lines_that_settle_a_reading_parse_as_a_mapping():
    lines = mapping_lines("in/ee.csv", {"debit_credit": "column 5", "amount": "column 4"},
                          {"debit": "D", "credit": "K"})
    assert lines == (
        'mappings:\n  - match: "ee.csv"\n    columns:\n      debit_credit: "column 5"\n'
        '      amount: "column 4"\n    debit_credit_values: {debit: "D", credit: "K"}  # debit: '
        "the value meaning money out (swap them if it is the other)\n")
    parsed = parse_mappings(yaml.safe_load(lines), "t")[0]
    assert parsed.debit_credit_values == {"D": -1.0, "K": 1.0}
    assert mapping_lines("ee.csv", {"amount": "Betrag"}) == (
        'mappings:\n  - match: "ee.csv"\n    columns:\n      amount: "Betrag"\n')


def _unsure(values: dict[str, list[str]], split=None, converted=None) -> str:
    return unsure_amount_message("in/x.csv", {c: pd.Series(v) for c, v in values.items()},
                                 split, converted)


ASK = ("in/x.csv: columns {columns} all hold amounts and neither a header word nor a running "
       "balance tells which is the transaction amount")
DECLARE = ". Declare it in conf/base/export_mappings.yml (or conf/local/), e.g.:\n"


def test_an_unsure_amount_shows_the_first_three_values_of_each_column_and_the_mapping():
    message = _unsure({"a": ["1.50", "2.50", "3.50", "4.50"], "b": ["10.00", "8.50", "5.00"]})
    assert message == (ASK.format(columns="'a', 'b'")
                       + " (their first values: 'a': 1.50, 2.50, 3.50; 'b': 10.00, 8.50, 5.00)"
                       + DECLARE + mapping_lines("x.csv", {"amount": "a", "balance": "b"}))


def test_two_columns_never_filled_together_are_asked_as_money_in_and_out():
    message = _unsure({"out": ["1.50", ""], "in": ["", "2.50"]}, split=["in", "out"])
    assert message == (ASK.format(columns="'out', 'in'")
                       + " (two of them are never filled on the same line: money in and money "
                       "out, but which is which?) (their first values: 'out': 1.50, ; 'in': , "
                       "2.50)" + DECLARE
                       + mapping_lines("x.csv", {"money_in": "in", "money_out": "out"}))


def test_two_amounts_an_exchange_rate_links_ask_which_is_booked_and_suggest_the_later():
    values = {"orig": ["10.00", "20.00"], "rate": ["1.1", "1.1"], "booked": ["11.00", "22.00"]}
    message = _unsure(values, converted=("rate", ("booked", "orig")))
    assert message == (ASK.format(columns="'orig', 'rate', 'booked'")
                       + " ('rate' is the exchange rate between 'booked' and 'orig': which of "
                       "them is the booked amount?) (their first values: 'orig': 10.00, 20.00; "
                       "'rate': 1.1, 1.1; 'booked': 11.00, 22.00); 'rate' holds one and the "
                       "same value on every line" + DECLARE
                       + mapping_lines("x.csv", {"amount": "booked"}))


@pytest.mark.parametrize("limit, same", [(["500.00"], False), (["500.00", "500.00"], True),
                                         (["500.00", "500.01"], False)])
def test_one_value_on_every_line_is_two_lines_or_more_of_one_value(limit, same):
    message = _unsure({"limit": limit, "amount": ["3.10", "4.20"][:len(limit)]})
    assert ("'limit' holds one and the same value on every line" in message) is same
    assert message.endswith(mapping_lines("x.csv", {"amount": "amount"} if same else
                                          {"amount": "limit", "balance": "amount"}))


@pytest.mark.parametrize("second, balance", [
    (["12", "13"], False),       # no cents: a branch code, a card's last digits
    (["12,5", "13"], True),      # one value with a decimal comma is money
    (["1.5"], True),             # and with a decimal point
    (["12.", ".5"], False),      # a mark needs a digit on both sides
])
def test_a_column_is_suggested_as_the_balance_only_when_a_value_has_cents(second, balance):
    message = _unsure({"a": ["3.10", "4.20"], "b": second})
    assert message.endswith(mapping_lines("x.csv", {"amount": "a", "balance": "b"} if balance
                                          else {"amount": "a"}))


def test_money_comes_first_in_the_example_before_one_value_and_whole_numbers():
    # the ranking: money, then whole numbers, then one value on every line
    message = _unsure({"limit": ["500.00", "500.00"], "branch": ["12", "13"],
                       "amount": ["3.10", "4.20"]})
    assert message.endswith(mapping_lines("x.csv", {"amount": "amount"}))
    message = _unsure({"limit": ["500.00", "500.00"], "amount": ["3.10", "4.20"],
                       "balance": ["96.90", "92.70"]})
    assert message.endswith(mapping_lines("x.csv", {"amount": "amount", "balance": "balance"}))
    assert message.index("'limit'") < message.index("'amount'")  # listed as written
    # whole numbers before one value on every line (neither is then the balance)
    message = _unsure({"branch": ["12", "13"], "limit": ["500.00", "500.00"]})
    assert message.endswith(mapping_lines("x.csv", {"amount": "branch"}))


def test_each_column_of_one_value_on_every_line_is_named_in_turn():
    message = _unsure({"limit": ["500.00", "500.00"], "fee": ["1.50", "1.50"],
                       "amount": ["3.10", "4.20"]})
    assert ("; 'limit' holds one and the same value on every line; 'fee' holds one and the "
            "same value on every line. Declare it") in message
