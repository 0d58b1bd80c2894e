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
from titans_finance.core.readers.ofx import ofx_amount, read_ofx_export
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


# ----------------------------------------------- CAMT entries written without a date

def _camt_undated(balance_days: tuple[str, str], period: tuple[str, str] | None = None) -> bytes:
    balances = "".join(
        f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">{amount}</Amt>"
        f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>"
        for code, amount, day in (("OPBD", "100.00", balance_days[0]),
                                  ("CLBD", "87.50", balance_days[1])))
    frtodt = (f"<FrToDt><FrDtTm>{period[0]}</FrDtTm><ToDtTm>{period[1]}</ToDtTm></FrToDt>"
              if period else "")
    return ('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>'
            f"<Stmt><Acct><Id><Othr><Id>LT625883379695428516</Id></Othr></Id></Acct>{frtodt}"
            f"{balances}<Ntry><Amt Ccy=\"EUR\">12.50</Amt><CdtDbtInd>DBIT</CdtDbtInd></Ntry>"
            "</Stmt></BkToCstmrStmt></Document>").encode()


def test_an_undated_camt_entry_is_booked_on_its_one_day_statement():
    export = read_camt_export(_camt_undated(("2024-03-14", "2024-03-14")), "lt.xml")
    assert export.frame["Date"].tolist() == ["2024-03-14"]
    assert export.info["entries_dated_by_statement_day"] == 1
    # the period says one day, whatever the balances' dates
    export = read_camt_export(_camt_undated(("2024-03-13", "2024-03-14"), (
        "2024-03-14T00:00:00", "2024-03-14T23:59:59")), "lt.xml")
    assert export.frame["Date"].tolist() == ["2024-03-14"]


def test_an_undated_camt_entry_of_a_statement_of_two_days_stays_undated():
    export = read_camt_export(_camt_undated(("2024-03-13", "2024-03-14")), "lt.xml")
    assert export.frame["Date"].tolist() == [""]
    assert "entries_dated_by_statement_day" not in export.info
    export = read_camt_export(_camt_undated(("2024-03-14", "2024-03-14"), (
        "2024-03-13T00:00:00", "2024-03-14T23:59:59")), "lt.xml")
    assert export.frame["Date"].tolist() == [""]


# ----------------------------------------------- QIF: comment lines, opening balance

def test_qif_with_comment_lines_before_its_first_block_is_qif():
    from titans_finance.core.readers import detect_format
    data = (b"### exported by a tool ###\n\n!Type:Cat\nNFood\nDgroceries\n^\n!Type:Bank\n"
            b"D2/14'2020\nT-67.50\nPT-Mobile\n^\n")
    assert detect_format(data) == "qif"
    frame = read_export(data, "a.qif").frame
    assert frame[["Date", "Amount"]].values.tolist() == [["2/14/2020", "-67.50"]]
    # a '#' line inside the records is no comment: the file is no QIF without its header
    assert detect_format(b"D2/14'2020\n# note\n!Type:Bank\n") == "csv"


def test_quicken_s_opening_balance_record_is_a_balance_not_a_transaction():
    head = "!Type:Bank\nD2/10'2020\nT1,250.00\nPOpening Balance\nL{category}\n^\n"
    tail = "D2/14'2020\nT-67.50\nPShop\n^\n"
    export = read_qif_export(head.format(category="[Checking]") + tail, "a.qif")
    assert export.frame["Amount"].tolist() == ["-67.50"]
    assert export.info["opening_balances"] == ["1,250.00"]
    # the same payee booked to a category (not the account itself) is money that moved
    export = read_qif_export(head.format(category="Salary") + tail, "a.qif")
    assert export.frame["Amount"].tolist() == ["1,250.00", "-67.50"]


@pytest.mark.parametrize("written, read", [
    ("1600,00", "1600.00"), ("-4121,21", "-4121.21"), (",5", ".5"), ("+12,3", "+12.3"),
    ("-4121.21", "-4121.21"), ("1,600.00", "1,600.00"), ("1.600,00", "1.600,00"),
    ("12,", "12,"), ("  180,00 ", "180.00"), ("", ""), ("1,6", "1.6"), ("1,600", "1,600"),
    ("-0,05", "-0.05")])
def test_an_ofx_amount_s_lone_comma_is_its_decimal_mark(written, read):
    # OFX amounts carry no thousands separator and may mark the decimal with a comma; a
    # comma beside a period is not the spec's, so it is handed on as written (quarantined)
    assert ofx_amount(written) == read


def test_an_ofx_statement_mixing_decimal_commas_and_points_is_read_line_by_line():
    body = ("OFXHEADER:100\nDATA:OFXSGML\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>BRL"
            "<BANKTRANLIST>"
            "<STMTTRN><TRNTYPE>OTHER<DTPOSTED>20160609<TRNAMT>           1600,00<FITID>1</STMTTRN>"
            "<STMTTRN><TRNTYPE>OTHER<DTPOSTED>20160610<TRNAMT>          -4121.21<FITID>2</STMTTRN>"
            "</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>")
    frame = read_ofx_export(body, "x.ofx").frame
    assert list(frame["Amount"]) == ["1600.00", "-4121.21"]
