"""Boundaries of the statement formats' readers (MT940, OFX, CAMT.053, QIF): amounts, the
statement balances they hand to the reconciliation, accounts; and the account and currency
a CSV export's preamble or its declared mapping gives every line. Found untested by the
readers' mutation runs of 2026-12-06 and 2026-12-07 (docs/testing.md)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from titans_finance.core.readers import ExportReadError, parse_mappings, read_export
from titans_finance.core.readers.camt import read_camt_export
from titans_finance.core.readers.csv_reader import read_csv_export
from titans_finance.core.readers.mt940 import read_mt940_export
from titans_finance.core.readers.mt940_lines import read_mt940_lines
from titans_finance.core.readers.ofx import read_ofx_export
from titans_finance.core.readers.qif import read_qif_export
from titans_finance.core.readers.reconcile import NOT_POSSIBLE, statement_report
from titans_finance.core.readers.text import decode_bytes


STATEMENT = (":20:X\n:25:NL12BANK0123456789\n:28C:1\n:60F:C240101EUR100,00\n"
             ":61:2401020102D{amount}NTRFNONREF//B4E07XM\n:86:shop\n"
             ":62F:C240102EUR{closing}\n-\n")


@pytest.mark.parametrize("amount, closing, value", [
    ("80,", "20,00", -80.0), ("1.234,50", "0,00", -1234.5), ("12.50", "87,50", -12.5),
    ("1,234.50", "0,00", -1234.5)])
def test_the_tolerant_mt940_reader_reads_the_last_mark_as_the_decimal(amount, closing, value):
    read = read_mt940_lines(STATEMENT.format(amount=amount, closing=closing), "x.sta")
    assert float(read.frame["Amount"].iloc[0]) == value
    assert read.info["format"] == "mt940"
    assert read.frame["Bank Transaction ID"].iloc[0] == "B4E07XM"


def test_the_library_reader_hands_its_statement_balances_to_the_reconciliation():
    info = read_mt940_export(STATEMENT.format(amount="12,50", closing="87,50"), "x.sta").info
    assert info["hints"]["statement_balances"][0]["opening"] == 100.0


def test_a_statement_with_an_unreadable_amount_is_not_checked():
    report = statement_report(pd.Series([-12.5, float("nan")]),
                              [{"rows": 2, "opening": 100.0, "closing": 87.5}])
    assert report["status"] == NOT_POSSIBLE



EXPORTS = Path(__file__).resolve().parents[1] / "data" / "exports"


def test_an_ofx_statement_hands_its_ledger_balance_on_as_the_closing_balance():
    text, _ = decode_bytes((EXPORTS / "ofxparse-checking.ofx").read_bytes(), "x.ofx")
    balances = read_ofx_export(text, "x.ofx").info["hints"]["statement_balances"]
    assert balances[0]["closing"] == 100.99


def test_a_camt_statement_hands_its_opening_and_closing_balances_on():
    data = (EXPORTS / "genkgo-camt053.v2.multi.statement.xml").read_bytes()
    balances = read_camt_export(data, "x.xml").info["hints"]["statement_balances"]
    assert balances and all(b["opening"] is not None and b["closing"] is not None
                            for b in balances)


def test_a_camt_account_without_an_iban_is_named_by_its_other_id():
    data = ('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
            "<Stmt><Acct><Id><Othr><Id>123456789</Id></Othr></Id><Ccy>EUR</Ccy></Acct>"
            '<Ntry><Amt Ccy="EUR">12.50</Amt><CdtDbtInd>DBIT</CdtDbtInd>'
            "<BookgDt><Dt>2024-01-02</Dt></BookgDt></Ntry></Stmt></BkToCstmrStmt></Document>")
    assert read_camt_export(data.encode(), "x.xml").frame["Account"].tolist() == ["123456789"]


def test_the_library_reader_hands_on_the_closing_balance_too():
    info = read_mt940_export(STATEMENT.format(amount="12,50", closing="87,50"), "x.sta").info
    assert info["hints"]["statement_balances"][0]["closing"] == 87.5


@pytest.mark.parametrize("flag, status", [("R", "paid"), ("X", "paid"), ("*", "paid"), ("", "")])
def test_a_qif_cleared_or_reconciled_line_is_paid(flag, status):
    text = f"!Type:Bank\nD01/02/2024\nT-12.40\nC{flag}\nPShop\n^\n"
    assert read_qif_export(text, "x.qif").frame["Status"].tolist() == [status]


def test_a_structured_format_s_reading_says_its_sign_convention():
    export = read_export(b"!Type:Bank\nD01/02/2024\nT-12.40\nPShop\n^\n", "x.qif")
    assert export.info["reading"] == {"sign_convention": "signed amounts as written (T/U lines)"}


def test_the_tolerant_mt940_reader_names_the_file_of_an_unreadable_statement_line():
    text = ":20:X\n:25:NL12\n:60F:C240101EUR100,00\n:61:garbage\n:62F:C240102EUR100,00\n"
    with pytest.raises(ExportReadError, match=r"^in/st\.sta: 1 of 1 MT940 statement lines"):
        read_mt940_lines(text, "in/st.sta")


def test_a_declared_account_is_every_line_s_account_in_a_format_without_one():
    mapping = parse_mappings({"mappings": [{"match": "x.qif", "account": "DE02120300000000202051"}]},
                             "t")[0]
    export = read_export(b"!Type:Bank\nD01/02/2024\nT-12.40\nPShop\n^\n", "x.qif", mapping)
    assert export.frame["Account"].tolist() == ["DE02120300000000202051"]


PREAMBLE_CSV = (b"IBAN;DE89370400440532013000\nCurrency;CHF\nDate;Text;Amount\n"
                b"02.01.2024;Shop;-1,00\n03.01.2024;Pay;2,00\n")


@pytest.mark.parametrize("entry, account, currency", [
    ({}, "DE89370400440532013000", "CHF"),                       # the preamble's
    ({"account": "Barclays current"}, "Barclays current", "CHF"),  # declared wins, one each
    ({"currency": "EUR"}, "DE89370400440532013000", "EUR"),
    ({"account": "Barclays current", "currency": "EUR"}, "Barclays current", "EUR"),
])
def test_a_declared_account_or_currency_wins_over_the_csv_preamble_and_only_that_one(
        entry, account, currency):
    # the CSV reader itself and read_export around it (which writes a declared account again)
    mapping = parse_mappings({"mappings": [{"match": "x.csv", **entry}]}, "t")[0]
    for given in (mapping, None) if not entry else (mapping,):
        for export in (read_export(PREAMBLE_CSV, "x.csv", given),
                       read_csv_export(PREAMBLE_CSV.decode(), "x.csv", given)):
            assert export.frame["Account"].tolist() == [account] * 2
            assert export.frame["Currency"].tolist() == [currency] * 2


def test_a_csv_s_own_account_column_stands_without_a_preamble_or_a_declared_account():
    text = b"Date;Account;Text;Amount\n02.01.2024;NL91ABNA0417164300;Shop;-1,00\n"
    export = read_export(text, "x.csv")
    assert export.frame["Account"].tolist() == ["NL91ABNA0417164300"]
    assert export.frame["Currency"].tolist() == [""] and "preamble_found" not in export.info
