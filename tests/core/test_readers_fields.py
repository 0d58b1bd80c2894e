"""What each structured reader puts in each raw column, field by field, on small statements
written by hand: the fields the property tests do not compare (reference, status, value
date, payment method, bank id, currency, split lines, blocks that are not transactions)."""

from __future__ import annotations

import pytest

from titans_finance.core.readers import ExportReadError, read_export
from titans_finance.core.readers.qif import read_qif_export

QIF = """!Account
NChecking 1
TBank
^
!Type:Bank
D1/ 2'24
T-1,234.50
PSHELL 123
MFuel
N1001
CX
LAuto:Fuel
^
D01/03/2024
U40.00
MSalary advance
C*
^
D01/04/2024
T-20.00
PSplit shop
SGroceries
$-15.00
EFood
SHousehold
$-5.00
^
!Type:Memorized
PA memorised payee
T-1.00
^
!Type:Cash
D01/05/2024
T-3.00
PCoffee
"""


def test_qif_fields_splits_and_blocks_that_are_not_transactions():
    export = read_export(QIF.encode(), "checking.qif")
    frame = export.frame
    assert frame["Date"].tolist() == ["1/2/2024", "01/03/2024", "01/04/2024", "01/05/2024"]
    # T, else U; a split's S/E/$ lines are detail of the T total, not transactions
    assert frame["Amount"].tolist() == ["-1,234.50", "40.00", "-20.00", "-3.00"]
    # payee, else memo; the memo is the reference when it adds something
    assert frame["Description"].tolist() == ["SHELL 123", "Salary advance", "Split shop",
                                             "Coffee"]
    assert frame["Reference"].tolist() == ["Fuel", "", "", ""]
    assert frame["Category"].tolist() == ["Auto:Fuel", "", "", ""]
    # cleared (X, *) or reconciled (R): paid
    assert frame["Status"].tolist() == ["paid", "paid", "", ""]
    assert frame["Bank Transaction ID"].tolist() == ["1001", "", "", ""]
    # the account header's name; the last record lacks its "^" and still counts
    assert frame["Account"].tolist() == ["Checking 1"] * 4
    assert frame["Type"].tolist() == [""] * 4  # QIF has no type column: the sign decides
    assert export.info["format"] == "qif"
    assert export.info["not_read"] == {"memorized": 1}


def test_qif_records_before_any_type_line_are_bank_transactions():
    # QIF's default block is a bank account: records after an option line, with no
    # ``!Type:`` and no account header, are transactions of no named account
    export = read_export(b"!Option:AutoSwitch\nD01/02/2024\nT-5.00\nPShop\n^\n"
                         b"D01/03/2024\nT7.00\nPRefund\n^\n", "options.qif")
    assert export.frame["Amount"].tolist() == ["-5.00", "7.00"]
    assert export.frame["Account"].tolist() == ["", ""]
    assert "not_read" not in export.info


def test_qif_account_header_names_only_itself_then_the_records_follow():
    # the header record names the account; the records after it, still without a ``!Type:``
    # line, are the account's transactions (the header is one record, not every record)
    export = read_export(b"!Account\nNSavings 2\nTBank\n^\nD01/02/2024\nT-5.00\nPShop\n^\n"
                         b"D01/03/2024\nT7.00\nPRefund\n^\n", "savings.qif")
    assert export.frame["Amount"].tolist() == ["-5.00", "7.00"]
    assert export.frame["Account"].tolist() == ["Savings 2", "Savings 2"]


def test_qif_account_header_without_a_name_keeps_the_account_read_before():
    export = read_export(b"!Account\nNChecking 1\n^\n!Type:Bank\nD01/02/2024\nT-5.00\n^\n"
                         b"!Account\nTBank\n^\n!Type:Bank\nD01/03/2024\nT7.00\n^\n"
                         b"!Account\nNCard 9\n^\n!Type:CCard\nD01/04/2024\nT-1.00\n^\n",
                         "accounts.qif")
    assert export.frame["Account"].tolist() == ["Checking 1", "Checking 1", "Card 9"]
    first = read_export(b"!Account\nTBank\n^\n!Type:Bank\nD01/03/2024\nT7.00\n^\n", "a.qif")
    assert first.frame["Account"].tolist() == [""]


def test_qif_record_without_a_date_is_kept_with_an_empty_date():
    # a record that lacks its D line is still a row (the normaliser quarantines it as an
    # invalid date): the reader never fails on it nor drops it
    export = read_export(b"!Type:Bank\nT-5.00\nPShop\n^\nD01/03/2024\nT7.00\n^\n", "nodate.qif")
    assert export.frame["Date"].tolist() == ["", "01/03/2024"]
    assert export.frame["Amount"].tolist() == ["-5.00", "7.00"]


def test_qif_blank_lines_open_records_and_lists_that_are_not_transactions():
    # a blank line between records ends nothing; a record left open (no "^") by a new block
    # still counts; every record of a list that is not transactions is counted, not read
    text = ("!Type:Bank\nD01/02/2024\nT-5.00\n^\n\nD01/03/2024\nT-6.00\n"
            "!Type:Memorized\nPA\nT-1.00\n^\nPB\nT-2.00\n^\nPC\nT-3.00\n^\n"
            "!Type:Bank\nD01/04/2024\nU-7.00\n^\n")
    export = read_export(text.encode(), "blocks.qif")
    assert export.frame["Amount"].tolist() == ["-5.00", "-6.00", "-7.00"]
    assert export.info["not_read"] == {"memorized": 3}


def test_qif_record_without_an_amount_and_a_file_without_a_header_line():
    # read as written, an empty amount (the normaliser quarantines it as missing); a QIF file
    # declared in a mapping may lack its "!Type:" line: its records are bank transactions
    export = read_qif_export("D01/02/2024\nPNo amount\n^\nD01/03/2024\nT7.00\n^\n", "bare.qif")
    assert export.frame["Amount"].tolist() == ["", "7.00"]
    assert export.frame["Date"].tolist() == ["01/02/2024", "01/03/2024"]


def test_qif_account_line_without_a_header_record_then_a_type_block():
    # ``!Account`` directly followed by ``!Type:``: the account header was never written,
    # so the block's first record is a transaction, not the account's name
    export = read_export(b"!Account\n!Type:Bank\nD01/02/2024\nT-5.00\nPShop\n^\n", "a.qif")
    assert export.frame["Amount"].tolist() == ["-5.00"]
    assert export.frame["Account"].tolist() == [""]


def test_qif_amounts_that_cast_no_decimal_vote_read_with_the_decimal_point():
    # QIF writes a decimal point: "1,200" beside "5" (no value tells the mark) is 1200
    from tests.core.test_readers_column_roles import amounts_of

    amounts, info = amounts_of("!Type:Bank\nD01/02/2024\nT-1,200\nPRent\n^\n"
                               "D01/03/2024\nT5\nPRefund\n^\n", "votes.qif")
    assert amounts == [-1200.0, 5.0]
    assert info["decimal_mark_decided_by"] == "hint"


OFX_SGML = """OFXHEADER:100
DATA:OFXSGML
VERSION:102

<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR
<BANKACCTFROM><BANKID>1<ACCTID>NL01BANK</BANKACCTFROM><BANKTRANLIST>
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240102120000.000[-5:EST]<DTUSER>20240101<TRNAMT>-12.50
<FITID>A1<NAME>SHELL<MEMO>Fuel pump 3</STMTTRN>
<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240103<TRNAMT>100.00<FITID>A2<MEMO>Salary
<CURRENCY><CURSYM>USD</CURRENCY></STMTTRN>
<STMTTRN><TRNTYPE>POS<DTPOSTED>20240104<TRNAMT>-1.00<FITID>A3<PAYEE><NAME>Kiosk</PAYEE>
<MEMO>Kiosk</STMTTRN>
</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1>
<CREDITCARDMSGSRSV1><CCSTMTTRNRS><CCSTMTRS><CURDEF>GBP<CCACCTFROM><ACCTID>4111
</CCACCTFROM><BANKTRANLIST><STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240105<TRNAMT>-7.25<FITID>C1
<NAME>Cafe</STMTTRN></BANKTRANLIST></CCSTMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1>
<INVSTMTMSGSRSV1><INVSTMTTRNRS><INVSTMTRS><CURDEF>USD<INVACCTFROM><ACCTID>BROKER
</INVACCTFROM><INVTRANLIST><DTSTART>20240101<DTEND>20240131
<INVBANKTRAN><STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240106<TRNAMT>50.00<FITID>I1<NAME>Dividend
</STMTTRN><SUBACCTFUND>CASH</INVBANKTRAN>
<BUYSTOCK><INVBUY><SECID><UNIQUEID>123</SECID></INVBUY></BUYSTOCK>
<SELLSTOCK><INVSELL></INVSELL></SELLSTOCK>
</INVTRANLIST></INVSTMTRS></INVSTMTTRNRS></INVSTMTMSGSRSV1></OFX>
"""


def test_ofx_fields_of_bank_card_and_investment_statements():
    export = read_export(OFX_SGML.encode(), "all.ofx")
    frame = export.frame
    assert frame["Date"].tolist() == ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05",
                                      "2024-01-06"]
    assert frame["Value Date"].tolist() == ["2024-01-01", "", "", "", ""]
    assert frame["Amount"].tolist() == ["-12.50", "100.00", "-1.00", "-7.25", "50.00"]
    # NAME (or PAYEE/NAME), else MEMO; the memo is the reference when it adds something
    assert frame["Description"].tolist() == ["SHELL", "Salary", "Kiosk", "Cafe", "Dividend"]
    assert frame["Reference"].tolist() == ["Fuel pump 3", "", "", "", ""]
    assert frame["Payment Method"].tolist() == ["DEBIT", "CREDIT", "POS", "DEBIT", "CREDIT"]
    assert frame["Account"].tolist() == ["NL01BANK"] * 3 + ["4111", "BROKER"]
    # the line's own currency, else the statement's
    assert frame["Currency"].tolist() == ["EUR", "USD", "EUR", "GBP", "USD"]
    assert frame["Bank Transaction ID"].tolist() == ["A1", "A2", "A3", "C1", "I1"]
    assert frame["Type"].tolist() == [""] * 5  # OFX amounts are signed: no type column
    assert export.info["format"] == "ofx" and export.info["statements"] == 3
    assert export.info["version"] == "1.x (SGML)"
    # the buy and the sale are not cash lines: counted as not read, never dropped silently
    assert export.info["not_read"] == {"investment_transactions": 2}


def test_an_ofx_file_without_a_statement_says_so():
    export = read_export(b"OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><SIGNONMSGSRSV1></SIGNONMSGSRSV1></OFX>\n",
                         "empty.ofx")
    assert len(export.frame) == 0 and export.info["not_read"] == {"no_statement": 1}


def test_an_ofx_body_without_its_ofx_root_is_read():
    # a header, then the statement aggregates without the <OFX> root: read as written
    text = ("OFXHEADER:100\nDATA:OFXSGML\n\n<BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR"
            "<BANKACCTFROM><ACCTID>NL01</BANKACCTFROM><BANKTRANLIST><STMTTRN><TRNTYPE>DEBIT"
            "<DTPOSTED>20240102<TRNAMT>-12.50<FITID>A1<NAME>SHELL</STMTTRN></BANKTRANLIST>"
            "</STMTRS></STMTTRNRS></BANKMSGSRSV1>\n")
    export = read_export(text.encode(), "rootless.ofx")
    assert export.frame["Amount"].tolist() == ["-12.50"]
    assert export.info["statements"] == 1 and "not_read" not in export.info


def test_two_ofx_documents_in_one_file_are_both_read():
    # two accounts' downloads written one after the other, each with its own <OFX> root
    one = ("<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR<BANKACCTFROM><ACCTID>{0}"
           "</BANKACCTFROM><BANKTRANLIST><STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240102"
           "<TRNAMT>{1}<FITID>{0}1<NAME>SHOP</STMTTRN></BANKTRANLIST></STMTRS></STMTTRNRS>"
           "</BANKMSGSRSV1></OFX>\n")
    text = "OFXHEADER:100\nDATA:OFXSGML\n\n" + one.format("A", "-1.00") + one.format("B", "-2.00")
    export = read_export(text.encode(), "two.ofx")
    assert export.frame["Account"].tolist() == ["A", "B"]
    assert export.frame["Amount"].tolist() == ["-1.00", "-2.00"]
    assert export.info["statements"] == 2


def test_ofx_payee_aggregate_missing_account_and_two_investment_statements():
    # the payee's name in a <PAYEE> aggregate is the description, a different memo the
    # reference; a statement without an account aggregate has no account (never a guess);
    # the non-cash lines of every investment statement are counted, not only the last one's
    invest = ("<INVSTMTMSGSRSV1><INVSTMTTRNRS><INVSTMTRS><CURDEF>USD<INVACCTFROM><ACCTID>{0}"
              "</INVACCTFROM><INVTRANLIST><BUYSTOCK><INVBUY><SECID><UNIQUEID>1</SECID></INVBUY>"
              "</BUYSTOCK></INVTRANLIST></INVSTMTRS></INVSTMTTRNRS></INVSTMTMSGSRSV1>")
    text = ("OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR"
            "<BANKTRANLIST><STMTTRN><TRNTYPE>POS<DTPOSTED>20240104<TRNAMT>-1.00<FITID>A3"
            "<PAYEE><NAME>Kiosk</PAYEE><MEMO>Snack bar 2</STMTTRN></BANKTRANLIST></STMTRS>"
            "</STMTTRNRS></BANKMSGSRSV1>" + invest.format("B1") + invest.format("B2") + "</OFX>")
    export = read_export(text.encode(), "payee.ofx")
    assert export.frame["Description"].tolist() == ["Kiosk"]
    assert export.frame["Reference"].tolist() == ["Snack bar 2"]
    assert export.frame["Account"].tolist() == [""]
    assert export.info["not_read"] == {"investment_transactions": 2}


def test_ofx_2_xml_is_reported_as_version_2():
    text = ('<?xml version="1.0" encoding="UTF-8"?>\n<?OFX OFXHEADER="200" VERSION="220"?>\n'
            "<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR</CURDEF><BANKACCTFROM>"
            "<ACCTID>NL01</ACCTID></BANKACCTFROM><BANKTRANLIST><STMTTRN><TRNTYPE>DEBIT</TRNTYPE>"
            "<DTPOSTED>20240102</DTPOSTED><TRNAMT>-12.50</TRNAMT><FITID>A1</FITID>"
            "<NAME>SHELL</NAME></STMTTRN></BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>")
    export = read_export(text.encode(), "v2.ofx")
    assert export.info["version"] == "2.x (XML)"
    assert export.frame["Amount"].tolist() == ["-12.50"]
    # the declaration is looked for in the first 500 characters: ending at the 500th, and
    # one character later
    assert read_export((" " * 495 + text).encode(), "v2.ofx").info["version"] == "2.x (XML)"
    assert read_export((" " * 496 + text).encode(), "v2.ofx").info["version"] == "1.x (SGML)"


def test_an_ofx_date_not_written_as_ofx_is_read_month_first_never_guessed():
    # OFX dates are YYYYMMDD...; one written otherwise is read in the format's US order, so
    # 13/02/2024 is no date (quarantined), however the other values would vote
    from tests.core.test_readers_column_roles import PARAMS
    from titans_finance.pipelines.ingestion.nodes import normalise_transactions

    line = "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>{}<TRNAMT>-1.00<FITID>{}<NAME>SHOP</STMTTRN>"
    text = ("OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR"
            "<BANKACCTFROM><ACCTID>NL01</BANKACCTFROM><BANKTRANLIST>"
            + line.format("13/02/2024", "A1") + line.format("20240214", "A2")
            + "</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>")
    export = read_export(text.encode(), "dates.ofx")
    raw = export.frame.assign(**{"Source File": "dates.ofx"})
    raw.attrs["source"] = {**export.info, "name": "dates.ofx"}
    clean, quarantine, _ = normalise_transactions(raw, PARAMS)
    assert clean["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-02-14"]
    assert quarantine["reasons"].tolist() == ["invalid_date"]


def test_ofx_whole_amounts_that_cast_no_decimal_vote_read_with_the_decimal_point():
    from tests.core.test_readers_column_roles import amounts_of

    line = "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>2024010{}<TRNAMT>{}<FITID>A{}<NAME>SHOP</STMTTRN>"
    text = ("OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR"
            "<BANKACCTFROM><ACCTID>NL01</BANKACCTFROM><BANKTRANLIST>"
            + line.format(2, "-100", 1) + line.format(3, "5", 2)
            + "</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>")
    amounts, info = amounts_of(text, "whole.ofx")
    assert amounts == [-100.0, 5.0] and info["decimal_mark_decided_by"] == "hint"


CAMT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
<GrpHdr><MsgId>1</MsgId></GrpHdr>
<Stmt><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><Amt Ccy="EUR">12.50</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>2024-01-02</Dt></BookgDt><ValDt><Dt>2024-01-03</Dt></ValDt>
<AcctSvcrRef>REF-1</AcctSvcrRef>
<NtryDtls><TxDtls><RltdPties><Cdtr><Pty><Nm>Shell</Nm></Pty></Cdtr><Dbtr><Pty><Nm>Me</Nm></Pty></Dbtr></RltdPties>
<RmtInf><Ustrd>Fuel</Ustrd><Ustrd> pump 3 </Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
<Ntry><Amt Ccy="USD">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><DtTm>2024-01-04T10:00:00</DtTm></BookgDt><AddtlNtryInf>Salary January</AddtlNtryInf>
<NtryDtls><TxDtls><Refs><AcctSvcrRef>REF-2</AcctSvcrRef></Refs>
<RltdPties><Dbtr><Nm>Employer</Nm></Dbtr></RltdPties></TxDtls></NtryDtls></Ntry>
<Ntry><Amt Ccy="EUR">3.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><ValDt><Dt>2024-01-05</Dt></ValDt>
<NtryRef>N-3</NtryRef><NtryDtls><TxDtls><RltdPties><Cdtr><Nm>Kiosk</Nm></Cdtr></RltdPties>
</TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>
"""


def test_camt_fields_the_indicator_and_the_counterparty_of_each_side():
    export = read_export(CAMT.encode(), "statement.xml")
    frame = export.frame
    # booking date, else the value date
    assert frame["Date"].tolist() == ["2024-01-02", "2024-01-04", "2024-01-05"]
    assert frame["Value Date"].tolist() == ["2024-01-03", "", "2024-01-05"]
    # CAMT writes amounts unsigned: the indicator carries the sign
    assert frame["Amount"].tolist() == ["12.50", "100.00", "3.00"]
    assert frame["Debit/Credit"].tolist() == ["DBIT", "CRDT", "DBIT"]
    # unstructured remittance lines joined, else the entry's note, else the counterparty
    assert frame["Description"].tolist() == ["Fuel pump 3", "Salary January", "Kiosk"]
    # the other side: the creditor of a debit, the debtor of a credit
    assert frame["Reference"].tolist() == ["Shell", "Employer", "Kiosk"]
    assert frame["Status"].tolist() == ["BOOK", "BOOK", ""]
    assert frame["Account"].tolist() == ["DE89370400440532013000"] * 3
    assert frame["Currency"].tolist() == ["EUR", "USD", "EUR"]
    assert frame["Bank Transaction ID"].tolist() == ["REF-1", "REF-2", "N-3"]
    assert export.info["format"] == "camt053" and export.info["statements"] == 1
    assert export.info["message"] == "BkToCstmrStmt"


CAMT_EDGES = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.02"><BkToCstmrAcctRpt>
<Rpt><Acct><Id><Othr><Id>ACC-1</Id></Othr></Id><Ccy>CHF</Ccy></Acct>
<Ntry><Amt>4.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><BookgDt><Dt>2024-01-02</Dt></BookgDt>
<NtryDtls><TxDtls><AddtlTxInf>Card  fee</AddtlTxInf><AddtlTxInf> January </AddtlTxInf></TxDtls></NtryDtls></Ntry>
<Ntry><Amt Ccy="EUR"></Amt><CdtDbtInd>DBIT</CdtDbtInd><BookgDt><Dt>2024-01-03</Dt></BookgDt>
<NtryDtls><TxDtls><RmtInf><Ustrd/><Ustrd>Rent</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Rpt>
<Ntfctn><Acct><Id><IBAN>CH9300762011623852957</IBAN></Id><Ccy>CHF</Ccy></Acct>
<Ntry><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2024-01-04</Dt></BookgDt><AddtlNtryInf>No amount</AddtlNtryInf></Ntry>
</Ntfctn></BkToCstmrAcctRpt></Document>
"""


def test_camt_reports_notifications_and_entries_missing_their_parts():
    # camt.052 reports (Rpt) and camt.054 notifications (Ntfctn) hold entries as statements
    # do; an amount without its currency attribute or text, or no amount at all, is read
    # as written (empty), the currency then the account's; an empty remittance line adds
    # nothing; the bank's additional information, spaces cleaned, when nothing else is written
    export = read_export(CAMT_EDGES.encode(), "report.xml")
    frame = export.frame
    assert export.info["statements"] == 2 and export.info["message"] == "BkToCstmrAcctRpt"
    assert frame["Amount"].tolist() == ["4.00", "", ""]
    assert frame["Currency"].tolist() == ["", "EUR", "CHF"]
    assert frame["Description"].tolist() == ["Card fee January", "Rent", "No amount"]
    assert frame["Account"].tolist() == ["ACC-1", "ACC-1", "CH9300762011623852957"]


@pytest.mark.parametrize("elements, description", [
    # an empty element (no text), one of spaces only, beside words: never a stray space
    ("<AddtlTxInf/><AddtlTxInf>Card fee</AddtlTxInf>", "Card fee"),
    ("<AddtlTxInf>Card fee</AddtlTxInf><AddtlTxInf/>", "Card fee"),
    ("<AddtlTxInf>Card</AddtlTxInf><AddtlTxInf/><AddtlTxInf>fee</AddtlTxInf>", "Card fee"),
    ("<AddtlTxInf>Card</AddtlTxInf><AddtlTxInf>  </AddtlTxInf><AddtlTxInf>fee</AddtlTxInf>",
     "Card fee"),
    # the element alone: no words, no description (never a placeholder)
    ("<AddtlTxInf/>", ""),
    ("<AddtlTxInf> </AddtlTxInf>", ""),
])
def test_camt_empty_additional_information_adds_no_space_to_the_description(
        elements, description):
    # AddtlTxInf is the description only when the entry has no remittance text, no note
    # and no counterparty (a bank's fee lines)
    text = CAMT_EDGES.replace(
        "<AddtlTxInf>Card  fee</AddtlTxInf><AddtlTxInf> January </AddtlTxInf>", elements)
    assert read_export(text.encode(), "report.xml").frame["Description"][0] == description


def test_camt_decimal_mark_and_date_order_are_declared_by_the_format():
    # ISO 20022 fixes both (a decimal point, ISO dates): the reading report says so; dates
    # without a time name no booking-day time zone
    from tests.core.test_readers_column_roles import amounts_of

    amounts, info = amounts_of(CAMT.replace("<DtTm>2024-01-04T10:00:00</DtTm>",
                                            "<Dt>2024-01-04</Dt>"), "declared.xml")
    assert amounts == [-12.5, 100.0, -3.0]
    assert (info["decimal_mark"], info["decimal_mark_decided_by"]) == (".", "declared")
    assert info["day_first"] is False and info["date_order_evidence"]["decided_by"] == "declared"
    assert "booking_day_time_zone" not in info


def test_camt_not_well_formed_or_empty():
    with pytest.raises(ExportReadError, match=r"^bad\.xml: not well-formed CAMT XML \("):
        read_export(b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:'
                    b'camt.053.001.02"><BkToCstmrStmt>', "bad.xml")
    export = read_export(b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:'
                         b'camt.053.001.02"></Document>', "empty.xml")
    assert len(export.frame) == 0 and export.info["message"] == ""


MT940 = """:20:STARTUMSE
:25:10020030/1234567
:28C:00000/001
:60F:C240101EUR1000,00
:61:2401020102D12,50NTRFNONREF//B-1
:86:Fuel SHELL  station
:61:240103C100,00NTRFREF2
:86:Salary
:62F:C240103EUR1087,50
-
"""


def test_mt940_fields_and_the_sign_of_the_debit_credit_mark():
    export = read_export(MT940.encode(), "statement.sta")
    frame = export.frame
    assert frame["Date"].tolist() == ["2024-01-02", "2024-01-03"]
    # the line's date is its entry (booking) date where written, else its value date; the
    # value date is kept beside it (readers/mt940_dates)
    assert frame["Value Date"].tolist() == ["2024-01-02", "2024-01-03"]
    assert frame["Amount"].tolist() == ["-12.50", "100.00"]  # D is money out
    assert frame["Description"].tolist() == ["Fuel SHELL station", "Salary"]  # spaces cleaned
    assert frame["Reference"].tolist() == ["", "REF2"]  # NONREF is no reference
    assert frame["Payment Method"].tolist() == ["NTRF", "NTRF"]
    assert frame["Account"].tolist() == ["10020030/1234567"] * 2
    assert frame["Currency"].tolist() == ["EUR", "EUR"]
    assert frame["Bank Transaction ID"].tolist() == ["B-1", ""]
    assert export.info["format"] == "mt940" and export.info["statements"] == 1


def test_mt940_lowercase_marks_are_read_by_the_library_with_their_sign():
    # d/c written in lower case sign like D/C, read by the library itself (no fallback
    # to the tolerant reader, no warning in the reading report)
    text = MT940.replace("D12,50", "d12,50").replace("C100,00", "c100,00")
    export = read_export(text.encode(), "lower.sta")
    assert export.frame["Amount"].tolist() == ["-12.50", "100.00"]
    assert "library_refused" not in export.info


def test_mt940_without_an_account_line_has_no_account_never_a_placeholder():
    text = MT940.replace(":25:10020030/1234567\n", "")
    export = read_export(text.encode(), "noaccount.sta")
    assert export.frame["Account"].tolist() == ["", ""]
    assert export.frame["Amount"].tolist() == ["-12.50", "100.00"]


def test_mt940_structured_details_and_a_line_without_details():
    # a German structured :86: (?00 booking text, ?20 purpose, ?32 name): the booking text
    # and purpose joined with a space, the name as the reference; a :61: without :86: has
    # no description (never a placeholder)
    text = MT940.replace(":86:Fuel SHELL  station",
                         ":86:166?00SEPA-UEBERWEISUNG?20Miete Januar?32Vermieter GmbH").replace(
        ":86:Salary\n", "")
    export = read_export(text.encode(), "structured.sta")
    assert export.frame["Description"].tolist() == ["SEPA-UEBERWEISUNG Miete Januar", ""]
    assert export.frame["Reference"].tolist() == ["Vermieter GmbH", "REF2"]
    assert "library_refused" not in export.info


def test_mt940_the_other_party_ultimate_applicant_first_then_applicant_then_recipient():
    # SEPA's ultimate party (ABWA+) is the one the money was for, before the account
    # holder's name (?32); a line with only a recipient (?35) names it
    text = MT940.replace(":86:Fuel SHELL  station",
                         ":86:166?00SEPA-LASTSCHRIFT?20EREF+E1?21SVWZ+Miete Januar"
                         "?22ABWA+Hausverwaltung Nord?32Vermieter GmbH").replace(
        ":86:Salary", ":86:166?00GUTSCHRIFT?20Lohn?35Arbeitgeber AG")
    export = read_export(text.encode(), "parties.sta")
    assert export.frame["Reference"].tolist() == ["Hausverwaltung Nord", "Arbeitgeber AG"]
    assert export.frame["Description"].tolist() == ["SEPA-LASTSCHRIFT Miete Januar",
                                                    "GUTSCHRIFT Lohn"]


def test_mt940_supplementary_details_describe_a_line_without_86():
    # the :61: line's own supplementary details (the line after it) describe it when no
    # :86: follows
    text = MT940.replace(":61:240103C100,00NTRFREF2\n:86:Salary\n",
                         ":61:240103C100,00NTRFREF2//B-2\nPAYROLL JANUARY\n")
    export = read_export(text.encode(), "extra.sta")
    assert export.frame["Description"].tolist() == ["Fuel SHELL station", "PAYROLL JANUARY"]
    assert export.frame["Bank Transaction ID"].tolist() == ["B-1", "B-2"]


def test_mt940_line_without_a_reference_has_an_empty_reference():
    text = MT940.replace(":61:240103C100,00NTRFREF2\n", ":61:240103C100,00NTRF\n")
    export = read_export(text.encode(), "noref.sta")
    assert export.frame["Reference"].tolist() == ["", ""]
    assert export.frame["Amount"].tolist() == ["-12.50", "100.00"]


def test_mt940_without_balance_lines_has_no_currency_never_a_placeholder():
    # the currency is written in the balances (:60F:/:62F:) only: without them it is unknown
    text = MT940.replace(":60F:C240101EUR1000,00\n", "").replace(":62F:C240103EUR1087,50\n", "")
    export = read_export(text.encode(), "nobalance.sta")
    assert export.frame["Currency"].tolist() == ["", ""]
    assert export.frame["Amount"].tolist() == ["-12.50", "100.00"]


def test_mt940_decimal_mark_and_date_order_are_declared_by_the_format():
    # MT940 fixes both (a decimal comma, read by the library; YYMMDD dates): the reading
    # report says so, rather than "decided by the values"
    from tests.core.test_readers_column_roles import amounts_of

    amounts, info = amounts_of(MT940, "declared.sta")
    assert amounts == [-12.5, 100.0]
    assert (info["decimal_mark"], info["decimal_mark_decided_by"]) == (".", "declared")
    assert info["day_first"] is False and info["date_order_evidence"]["decided_by"] == "declared"


def _coded(codes: str, remittance: str = "") -> str:
    """CAMT_EDGES' first entry with no words at all: a bank transaction code, maybe a
    structured reference."""
    return CAMT_EDGES.replace(
        "<NtryDtls><TxDtls><AddtlTxInf>Card  fee</AddtlTxInf><AddtlTxInf> January </AddtlTxInf>"
        "</TxDtls></NtryDtls>",
        f"<BkTxCd><Domn><Cd>PMNT</Cd>{codes}</Domn></BkTxCd>"
        f"<NtryDtls><TxDtls>{remittance}</TxDtls></NtryDtls>")


@pytest.mark.parametrize("codes, remittance, description", [
    # the sub-family's words first, the family's when the sub-family says nothing known
    ("<Fmly><Cd>CCRD</Cd><SubFmlyCd>POSD</SubFmlyCd></Fmly>", "", "card payment"),
    ("<Fmly><Cd>CCRD</Cd><SubFmlyCd>CWDL</SubFmlyCd></Fmly>", "", "cash withdrawal"),
    ("<Fmly><Cd>ICDT</Cd><SubFmlyCd>OTHR</SubFmlyCd></Fmly>", "", "credit transfer sent"),
    ("<Fmly><Cd>ICDT</Cd><SubFmlyCd>ZZZZ</SubFmlyCd></Fmly>", "", "credit transfer sent"),
    ("<Fmly><Cd>NTAV</Cd><SubFmlyCd>NTAV</SubFmlyCd></Fmly>", "", ""),
    # a creditor's structured reference is kept beside the words, or alone
    ("<Fmly><Cd>RDDT</Cd><SubFmlyCd>ESDD</SubFmlyCd></Fmly>",
     "<RmtInf><Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf>",
     "SEPA direct debit ref RF18539007547034"),
    ("", "<RmtInf><Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf>",
     "ref RF18539007547034"),
])
def test_camt_an_entry_of_codes_and_references_only_says_what_moved_the_money(
        codes, remittance, description):
    frame = read_export(_coded(codes, remittance).encode(), "report.xml").frame
    assert frame["Description"][0] == description


def test_camt_words_written_by_the_bank_win_over_the_code():
    text = CAMT_EDGES.replace("<NtryDtls>", "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>CCRD</Cd>"
                              "<SubFmlyCd>POSD</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls>", 1)
    assert read_export(text.encode(), "report.xml").frame["Description"][0] == "Card fee January"
