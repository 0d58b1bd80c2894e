"""Boundaries of the readers' column evidence, direction rules and declared-mapping checks
that the mutation runs of 2026-12-06 found untested (docs/testing.md): each test fails when
its rule is bent. (Text decoding: test_readers_text.py; statement balances:
test_readers_statements.py; the CSV reader itself: test_readers_csv_reader.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from titans_finance.core.readers import ExportReadError, parse_mappings, read_export
from titans_finance.core.readers.base import file_sources
from titans_finance.core.readers.column_evidence import column_evidence, is_amount_column
from titans_finance.core.readers.csv_rows import parse_rows
from titans_finance.core.readers.mapping import suggested_mapping
from tests.core.test_readers_column_roles import amounts_of


LITHUANIAN = ("Data;Paaiskinimas;Suma;D/K\n2024-01-02;Maxima;12,40;{d}\n"
              "2024-01-03;Alga;2100,00;{k}\n2024-01-05;Bolt;2,40;{d}\n")


def test_the_note_says_which_side_the_unknown_mark_is_taken_for():
    _, info = amounts_of(LITHUANIAN.format(d="Q", k="C"))
    assert any("'Q' read as money out" in note and "'C' is money in" in note
               for note in info["reading"]["notes"])
    _, info = amounts_of(LITHUANIAN.format(d="D", k="Q"))
    assert any("'Q' read as money in" in note and "'D' is money out" in note
               for note in info["reading"]["notes"])


def test_a_type_column_of_unknown_words_is_signed_by_the_balance():
    text = ("Datum;Text;Castka;Typ;Zustatek\n02.01.2024;Shop;12,40;VYDAJ;987,60\n"
            "03.01.2024;Pay;2100,00;PRIJEM;3087,60\n05.01.2024;Bus;2,40;VYDAJ;3085,20\n")
    amounts, info = amounts_of(text)
    assert amounts == [-12.4, 2100.0, -2.4]
    assert info["reading"]["direction"]["column"] == "Typ"


def test_a_header_named_direction_column_wins_over_another_column_of_known_words():
    text = ("Date;Text;Amount;DC;Zijde\n02.01.2024;Shop;12,40;D;C\n03.01.2024;Pay;2100,00;C;D\n"
            "05.01.2024;Bus;2,40;D;C\n")
    amounts, info = amounts_of(text)
    assert amounts == [-12.4, 2100.0, -2.4] and info["reading"]["direction"]["column"] == "DC"


def test_a_zero_one_flag_says_which_side_its_one_means():
    text = ("Date,Description,Amount,Expense\n01/02/2024,Coffee,4.50,1\n01/03/2024,Refund,20.00,0\n"
            "01/05/2024,Gas,30.00,1\n")
    _, info = amounts_of(text)
    assert "(1 = money out)" in info["reading"]["direction"]["decided_by"]


def test_a_named_direction_column_of_one_unknown_token_asks_for_both_values():
    text = "Date;Text;Amount;DC\n02.01.2024;Shop;12,40;X\n03.01.2024;Pay;2100,00;X\n"
    with pytest.raises(ExportReadError) as error:
        read_export(text.encode(), "bank.csv")
    message = str(error.value)
    assert 'credit: "<value meaning money in>"' in message
    declared = yaml.safe_load(message[message.index("mappings:"):])
    assert declared["mappings"][0]["columns"] == {"debit_credit": "DC"}
    assert declared["mappings"][0]["debit_credit_values"]["debit"] == "X"


def test_two_one_word_columns_ask_with_the_mapping_lines_that_settle_it():
    text = ('"EE1";"2022-11-24";"Shop";"7,50";"D";"K"\n"EE1";"2022-11-25";"Shop";"3,00";"D";"K"\n')
    with pytest.raises(ExportReadError) as error:
        read_export(text.encode(), "ee.csv")
    message = str(error.value)
    assert "direction in conf/base/export_mappings.yml (or conf/local/), e.g.:\nmappings:" in message


@pytest.mark.parametrize("digits, identifier", [(5, False), (6, True), (7, True)])
def test_distinct_whole_numbers_of_six_digits_or_more_are_identifiers(digits, identifier):
    values = pd.Series([str(10 ** (digits - 1) + i) for i in range(4)])
    assert column_evidence(values)["identifier_like"] is identifier


def test_the_amount_rate_keeps_four_decimals():
    values = pd.Series(["12.50"] * 19 + ["not a number"])
    assert column_evidence(values)["amount_rate"] == 0.95


def test_a_zero_one_flag_is_no_amount_column():
    evidence = column_evidence(pd.Series(["0", "1", "1", "0"]))
    assert evidence["flag"] is True and not is_amount_column(evidence)
    assert is_amount_column(column_evidence(pd.Series(["0.50", "1.00", "1.25", "0.10"])))


def test_a_third_column_of_dates_leaves_the_named_value_date_alone():
    text = ("Booked;Valutadatum;Noted;Amount;Text\n02.01.2024;03.01.2024;01.01.2024;-12,40;Shop\n"
            "04.01.2024;04.01.2024;03.01.2024;-2,40;Bus\n")
    export = read_export(text.encode(), "x.csv")
    assert export.info["columns"]["Value Date"] == ["Valutadatum"]


def test_running_balances_of_two_accounts_in_one_file_are_followed_per_account():
    text = ("Date;Account;Amount;Dir;Balance\n"
            "02.01.2024;NL01;12,40;X;987,60\n02.01.2024;NL02;5,00;Y;105,00\n"
            "03.01.2024;NL01;2100,00;Y;3087,60\n03.01.2024;NL02;1,00;X;104,00\n"
            "05.01.2024;NL01;2,40;X;3085,20\n05.01.2024;NL02;4,00;X;100,00\n")
    amounts, info = amounts_of(text)
    assert amounts == [-12.4, 5.0, 2100.0, -1.0, -2.4, -4.0]
    assert info["reading"]["direction"]["values"] == {"X": -1.0, "Y": 1.0}


def test_a_text_with_an_unquoted_delimiter_is_joined_in_a_column_sometimes_empty():
    text = ("Date,Memo,Amount\n2024-01-02,,12.00\n2024-01-03,Shop,13.00\n2024-01-04,,15.00\n"
            "2024-01-05,Paid, thanks,14.00\n")
    frame, _ = parse_rows(text, ",")
    assert frame["_parse_error"].tolist() == ["", "", "", ""]
    assert frame["Memo"].iloc[3] == "Paid, thanks" and frame["Amount"].iloc[3] == "14.00"


def test_two_readings_that_differ_only_in_text_columns_are_one_reading():
    text = ("Date,Name,Memo,Amount\n2024-01-02,a,b,12.00\n2024-01-03,c,d,13.00\n"
            "2024-01-04,e,f,g,14.00\n")
    frame, _ = parse_rows(text, ",")
    assert frame["_parse_error"].iloc[2] == "" and frame["Amount"].iloc[2] == "14.00"



EXPORTS = Path(__file__).resolve().parents[1] / "data" / "exports"


def test_a_raw_table_without_a_source_has_no_file_sources():
    assert file_sources(pd.DataFrame()) == []


@pytest.mark.parametrize("entry, message", [
    ({"match": "x", "debit_credit_values": {"debit": "", "credit": "C"}},
     "#1: debit_credit_values: '' is empty or named twice"),
    ({"match": "x", "header": False}, "#1: header: false needs column_names"),
    ({"match": "x", "skip_lines": -1}, "#1: skip_lines must be a whole number of lines, 0 or more, got -1"),
    ({"match": "x", "skip_lines": 1.5}, "#1: skip_lines must be a whole number of lines, 0 or more, got 1.5"),
    ({"match": "x", "skip_lines": "2"}, "#1: skip_lines must be a whole number of lines, 0 or more, got '2'"),
    ({"match": "x", "skip_lines": True}, "#1: skip_lines must be a whole number of lines, 0 or more, got True"),
])
def test_a_declared_mapping_error_names_the_entry_and_what_is_wrong(entry, message):
    with pytest.raises(ExportReadError, match=re.escape(message)):
        parse_mappings({"mappings": [entry]}, "conf/local/export_mappings.yml")



def test_unsigned_amounts_beside_a_type_column_of_debit_credit_words():
    text = ("Date,Description,Amount,Type\n2024-01-02,Shop,12.40,Debit\n"
            "2024-01-03,Pay,2100.00,Credit\n2024-01-05,Bus,2.40,Debit\n")
    amounts, info = amounts_of(text)
    assert amounts == [-12.4, 2100.0, -2.4]
    assert info["reading"]["direction"]["decided_by"] == "known debit/credit words (type column)"


def test_the_plus_sign_note_says_what_the_unsigned_values_are():
    text = 'Date,Description,Amount\n28-Mar-2020,A,£9.99\n21-Apr-2020,B,"+ £12.00"\n'
    _, info = amounts_of(text)
    assert any("the unsigned values are money out" in n for n in info["reading"]["notes"])


def test_an_empty_column_is_no_date_column():
    from titans_finance.core.readers.column_evidence import is_date_column
    assert is_date_column(column_evidence(pd.Series(["", None]))) is False


def test_the_date_columns_evidence_names_both_columns():
    export = read_export((EXPORTS / "csv2ofx-capitalone.csv").read_bytes(), "c.csv")
    assert export.info["date_columns"]["columns"] == ["Transaction Date", "Posted Date"]
    assert export.info["date_columns"]["booking_date"] == "Posted Date"


def test_a_value_named_twice_in_debit_credit_values_is_refused():
    with pytest.raises(ExportReadError, match="'D' is empty or named twice"):
        parse_mappings({"mappings": [{"match": "x", "debit_credit_values":
                                      {"debit": "D", "credit": "D"}}]}, "t")


@pytest.mark.parametrize("columns, amount", [(["Date", "Amount"], "Amount"),
                                             (["Date"], "Date")])
def test_the_example_mapping_of_a_narrow_file_names_its_last_column_for_the_rest(columns, amount):
    assert f'amount: "{amount}"' in suggested_mapping("x.csv", columns)


@pytest.mark.parametrize("dates, is_date", [(8, False), (9, True), (10, True)])
def test_a_column_is_a_date_column_from_parse_rate_of_its_values(dates, is_date):
    # PARSE_RATE 0.9: 9 dates of 10 values is a date column, with its day/month order
    from titans_finance.core.readers.column_evidence import PARSE_RATE, is_date_column
    assert PARSE_RATE == 0.9
    values = pd.Series([f"{d:02d}/03/2024" for d in range(13, 13 + dates)]
                       + ["pending"] * (10 - dates))
    evidence = column_evidence(values)
    assert evidence["date_rate"] == dates / 10
    assert is_date_column(evidence) is is_date
    assert ("day_first" in evidence) is is_date and evidence.get("day_first", True) is True
