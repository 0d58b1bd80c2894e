"""Boundaries of the two MT940 readers (the mt-940 library's and the tolerant line reader):
what is envelope and what is text, each side of it; found by mutation testing
(docs/testing.md, "Mutation testing")."""

from __future__ import annotations

import pytest

from titans_finance.core.readers.mt940 import read_mt940_export
from titans_finance.core.readers.mt940_lines import (
    read_mt940_lines,
    without_statement_information,
)

READERS = [read_mt940_lines, read_mt940_export]


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("continued, description", [
    # a line of the details that starts with an envelope character but goes on is text
    ("-50% Rabatt", "Rent January -50% Rabatt"),
    ("}Ende", "Rent January }Ende"),
    ("{6:ABC}", "Rent January {6:ABC}"),
    ("{REF 12}", "Rent January {REF 12}"),
])
def test_a_details_line_that_only_starts_like_the_envelope_is_kept(reader, continued,
                                                                    description):
    text = (":20:X\n:25:NL12\n:60F:C240101EUR10,00\n:61:240102D1,00NTRF\n:86:Rent January\n"
            f"{continued}\n:62F:C240102EUR9,00\n-}}")
    assert reader(text, "x").frame["Description"].tolist() == [description]


@pytest.mark.parametrize("reader", READERS)
def test_amounts_of_eight_decimals_are_written_as_plain_decimals(reader):
    # a currency kept to eight decimals (a crypto wallet's statement): below a millionth a
    # Decimal's str() is exponent notation (-5.0E-7, 0E-8), which no amount column reads
    text = (":20:X\n:25:NL12\n:60F:C240101BTC0,00000100\n:61:240102D0,00000050NTRF\n:86:fee\n"
            ":61:240103C0,00000000NTRF\n:86:nothing moved\n:62F:C240103BTC0,00000050\n-")
    assert reader(text, "x").frame["Amount"].tolist() == ["-0.00000050", "0.00000000"]


def test_a_file_that_begins_with_the_details_of_a_line_in_the_file_before_reads_the_rest():
    # an export cut at a page or file boundary: its first tag is the previous file's last
    # :86:, which describes no line of this file (not an IndexError, not the next line's text)
    text = (":86:Rent December\n:20:X\n:25:NL12\n:61:240102D1,00NTRF\n:86:Rent January\n"
            ":61:240103C2,00NTRF\n-")
    frame = read_mt940_lines(text, "x").frame
    assert frame["Description"].tolist() == ["Rent January", ""]
    assert frame["Amount"].tolist() == ["-1.00", "2.00"]


def test_balances_of_a_statement_without_an_account_line_name_no_account():
    # :25: missing (bent exports): the balances are checked all the same and their account
    # is empty like the rows', never None
    text = (":20:X\n:60F:C240101EUR10,00\n:61:240102D1,00NTRF\n:86:Rent January\n"
            ":62F:C240102EUR9,00\n-")
    export = read_mt940_lines(text, "x")
    assert export.frame["Account"].tolist() == [""]
    assert [(b["account"], b["currency"], b["reconciles"]) for b in export.info["balances"]] == [
        ("", "EUR", "true")]


def test_free_details_whose_line_ends_in_a_question_mark_before_digits_are_no_subfields():
    # "?20" only across a line break is no German subfield: the text is read as written
    text = (":20:X\n:25:NL12\n:61:240102D1,00NTRF\n:86:Reminder: invoice paid?\n"
            "20 days after the due date\n-")
    assert read_mt940_lines(text, "x").frame["Description"].tolist() == [
        "Reminder: invoice paid? 20 days after the due date"]


@pytest.mark.parametrize("trailer", [":62F:C240102EUR9,00", ":62M:C240102EUR9,00",
                                     ":62F:C240102EUR9,00\n:64:C240102EUR9,00",
                                     ":62F:C240102EUR9,00\n:65:C240103EUR9,00"])
def test_details_after_the_closing_balance_are_the_statements_not_the_last_lines(trailer):
    # ING writes its totals in a :86: after :62F:/:64:/:65: (SWIFT's information to the
    # account owner); the library appended it to the last line's text
    text = (":20:X\n:25:NL12\n:60F:C240101EUR10,00\n:61:240102D1,00NTRF\n:86:Rent January\n"
            f"{trailer}\n:86:/SUM/1/0/1,00/0,/\nSECOND LINE\n-}}")
    export = read_mt940_export(text, "x")
    assert export.frame["Description"].tolist() == ["Rent January"]
    assert export.info["statement_information"] == ["/SUM/1/0/1,00/0,/ SECOND LINE"]


def test_details_right_after_a_line_or_before_the_first_line_stay_where_they_are():
    # after :61: a :86: is that line's text; after :60F: (no closing balance yet) it is
    # left to the readers as before
    text = (":20:X\n:25:NL12\n:60F:C240101EUR10,00\n:86:opening note\n:61:240102D1,00NTRF\n"
            ":86:Rent January\n:62F:C240102EUR9,00\n-")
    cleaned, information = without_statement_information(text)
    assert cleaned == text and information == []
    assert read_mt940_export(text, "x").frame["Description"].tolist() == ["Rent January"]


def test_the_statement_information_is_blanked_line_by_line_and_the_next_statement_read():
    text = (":20:X\r\n:25:NL12\r\n:60F:C240101EUR10,00\r\n:61:240102D1,00NTRF\r\n:86:Rent\r\n"
            ":62F:C240102EUR9,00\r\n:86:TOTAL\r\n:20:Y\r\n:25:NL12\r\n:60F:C240102EUR9,00\r\n"
            ":61:240103C2,00NTRF\r\n:86:Salary\r\n:62F:C240103EUR11,00\r\n-")
    cleaned, information = without_statement_information(text)
    assert information == ["TOTAL"] and len(cleaned.split("\n")) == len(text.split("\n"))
    export = read_mt940_export(text, "x")
    assert export.frame["Description"].tolist() == ["Rent", "Salary"]
    assert export.frame["Amount"].tolist() == ["-1.00", "2.00"]
