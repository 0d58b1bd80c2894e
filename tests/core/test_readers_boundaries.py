"""Boundaries of the readers' evidence and direction rules that the mutation run of
2026-12-06 found untested (docs/testing.md): each test fails when its rule is bent."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from titans_finance.core.readers import ExportReadError, detect_format, parse_mappings, read_export
from titans_finance.core.readers.base import file_sources
from titans_finance.core.readers.camt import read_camt_export
from titans_finance.core.readers.column_evidence import column_evidence, is_amount_column
from titans_finance.core.readers.csv_reader import read_csv_export
from titans_finance.core.readers.csv_rows import parse_rows
from titans_finance.core.readers.mt940 import read_mt940_export
from titans_finance.core.readers.mapping import suggested_mapping
from titans_finance.core.readers.mt940_lines import read_mt940_lines
from titans_finance.core.readers.ofx import read_ofx_export
from titans_finance.core.readers.qif import read_qif_export
from titans_finance.core.readers.reconcile import NOT_POSSIBLE, statement_report
from titans_finance.core.readers.text import _utf16_without_bom, decode_bytes, xml_declared_encoding
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


# -- text, MT940 lines, statements and the CSV preamble (second mutation sample)

def test_utf16_without_a_mark_is_recognised_in_either_byte_order():
    text = "Date;Amount\n02.01.2024;-12,40\n"
    for encoding in ("utf-16-le", "utf-16-be"):
        decoded, found = decode_bytes(text.encode(encoding), "x.csv")
        assert (decoded, found) == (text, encoding)


def test_a_stray_nul_in_utf8_text_is_no_utf16_but_binary():
    data = ("Date;Amount\n02.01.2024;-12,40\n" * 20).encode()
    data = data[:10] + b"\x00" + data[11:]
    assert _utf16_without_bom(data) is None
    with pytest.raises(ExportReadError, match="not a text export"):
        decode_bytes(data, "x.csv")


def test_utf32_without_a_mark_is_no_utf16():
    data = ("Date;Amount\n02.01.2024;-12,40\n" * 5).encode("utf-32-le")
    assert _utf16_without_bom(data) is None


def test_an_xml_file_without_a_declared_encoding_declares_none():
    assert xml_declared_encoding(b"<?xml version='1.0'?><Document/>") is None
    assert xml_declared_encoding(b'<?xml version="1.0" encoding="ISO-8859-1"?>') == "ISO-8859-1"


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


def test_a_preamble_line_of_three_capitals_is_no_currency_unless_named_one():
    text = "Bank;ING\nWährung;CHF\nDate;Text;Amount\n2024-01-02;Shop;-12.40\n"
    assert read_export(text.encode(), "x.csv").frame["Currency"].tolist() == ["CHF"]
    text = "Bank;ING\nDate;Text;Amount\n2024-01-02;Shop;-12.40\n"
    assert read_export(text.encode(), "x.csv").frame["Currency"].tolist() == [""]


def test_a_file_without_an_amount_names_the_file_to_declare_a_mapping_in():
    with pytest.raises(ExportReadError, match="conf/local/export_mappings.yml, for example:\nmappings:"):
        read_export(b"Date,Text\n2024-01-02,Shop\n2024-01-03,Bus\n", "x.csv")


def test_a_declared_currency_is_every_line_s_currency():
    mapping = parse_mappings({"mappings": [{"match": "x.csv", "currency": "CHF"}]}, "t")[0]
    export = read_export(b"Date,Text,Amount\n2024-01-02,Shop,-12.40\n", "x.csv", mapping)
    assert export.frame["Currency"].tolist() == ["CHF"]


def test_a_header_whose_only_amount_column_holds_flags_asks_for_a_mapping():
    text = b"Date,Description,Money Out\n2024-01-02,Shop,1\n2024-01-03,Pay,0\n2024-01-05,Bus,1\n"
    with pytest.raises(ExportReadError,
                       match="no amount column recognised .*for example:\nmappings:"):
        read_export(text, "x.csv")


# -- statement balances of OFX and CAMT, declared-mapping errors (third mutation sample)

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


def test_a_raw_table_without_a_source_has_no_file_sources():
    assert file_sources(pd.DataFrame()) == []


@pytest.mark.parametrize("entry, message", [
    ({"match": "x", "debit_credit_values": {"debit": "", "credit": "C"}},
     "#1: debit_credit_values: '' is empty or named twice"),
    ({"match": "x", "header": False}, "#1: header: false needs column_names"),
])
def test_a_declared_mapping_error_names_the_entry_and_what_is_wrong(entry, message):
    with pytest.raises(ExportReadError, match=re.escape(message)):
        parse_mappings({"mappings": [entry]}, "conf/local/export_mappings.yml")


def test_a_camt_account_without_an_iban_is_named_by_its_other_id():
    data = ('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
            "<Stmt><Acct><Id><Othr><Id>123456789</Id></Othr></Id><Ccy>EUR</Ccy></Acct>"
            '<Ntry><Amt Ccy="EUR">12.50</Amt><CdtDbtInd>DBIT</CdtDbtInd>'
            "<BookgDt><Dt>2024-01-02</Dt></BookgDt></Ntry></Stmt></BkToCstmrStmt></Document>")
    assert read_camt_export(data.encode(), "x.xml").frame["Account"].tolist() == ["123456789"]


# -- fourth mutation sample (with the tests above)

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


def test_the_library_reader_hands_on_the_closing_balance_too():
    info = read_mt940_export(STATEMENT.format(amount="12,50", closing="87,50"), "x.sta").info
    assert info["hints"]["statement_balances"][0]["closing"] == 87.5


@pytest.mark.parametrize("flag, status", [("R", "paid"), ("X", "paid"), ("*", "paid"), ("", "")])
def test_a_qif_cleared_or_reconciled_line_is_paid(flag, status):
    text = f"!Type:Bank\nD01/02/2024\nT-12.40\nC{flag}\nPShop\n^\n"
    assert read_qif_export(text, "x.qif").frame["Status"].tolist() == [status]


def test_utf16_without_a_mark_and_an_odd_last_byte_still_decodes():
    data = "Date;Amount\n02.01.2024;-12,40\n".encode("utf-16-le") + b"\x41"
    text, encoding = decode_bytes(data, "x.csv")
    assert encoding == "utf-16-le" and text.startswith("Date;Amount")


def test_a_declared_encoding_drops_the_byte_order_mark():
    assert decode_bytes(b"\xef\xbb\xbfDate;Amount", "x.csv", declared="utf-8") == (
        "Date;Amount", "utf-8")


def test_a_plain_csv_is_detected_as_csv():
    assert detect_format(b"Date,Amount\n2024-01-02,1.00\n") == "csv"


# Survivors of the readers' mutation run left without a test until 2026-12-06 (second pass).

def test_a_declared_mapping_reads_the_first_line_as_the_header_when_nothing_else_finds_it():
    # header words nobody knows, dates written YYMMDD (read as numbers, so no line holds
    # a date): only the declared columns say where the table is; the first row is data
    text = b"Wann;Was;Wieviel\n240102;Laden;-12,40\n240103;Lohn;2100,00\n"
    mapping = parse_mappings({"mappings": [{
        "match": "x.csv", "columns": {"date": "Wann", "description": "Was", "amount": "Wieviel"},
        "date_format": "%y%m%d", "decimal": ","}]}, "t")[0]
    frame = read_export(text, "x.csv", mapping).frame
    assert frame["Description"].tolist() == ["Laden", "Lohn"]
    assert frame["Amount"].tolist() == ["-12,40", "2100,00"]


def test_a_statement_without_transactions_keeps_its_preamble_account_as_text():
    frame = read_csv_export("Account:;0012345678\nDate;Text;Amount\n", "x.csv").frame
    assert len(frame) == 0 and frame["Account"].dtype == "str"
    frame = read_csv_export("Account:;0012345678\nDate;Text;Amount\n02.01.2024;Shop;-1,00\n",
                            "x.csv").frame
    assert frame["Account"].tolist() == ["0012345678"]


def test_a_binary_file_s_message_names_the_file():
    with pytest.raises(ExportReadError, match=r"^statement\.pdf: not a text export .*; "
                       r"export the statement as CSV, OFX, QIF, CAMT\.053 or MT940$"):
        detect_format(b"%PDF-1.4\n\x00\x01\x02binary\x00stream", "statement.pdf")


def test_utf16_without_a_mark_padded_with_one_nul_byte_still_decodes():
    # an odd length: the padding byte falls on an even offset and must not count as a NUL
    # of the text (in a short file one such byte is more than 5 % of the even bytes)
    data = "Date;Amount\n".encode("utf-16-le") + b"\x00"
    assert _utf16_without_bom(data) == "utf-16-le"
    text, encoding = decode_bytes(data, "x.csv")
    assert encoding == "utf-16-le" and text.startswith("Date;Amount\n")


@pytest.mark.parametrize("columns, amount", [(["Date", "Amount"], "Amount"),
                                             (["Date"], "Date")])
def test_the_example_mapping_of_a_narrow_file_names_its_last_column_for_the_rest(columns, amount):
    assert f'amount: "{amount}"' in suggested_mapping("x.csv", columns)


def test_read_export_names_a_binary_file_by_its_own_name():
    with pytest.raises(ExportReadError, match=r"^statement\.pdf: not a text export"):
        read_export(b"%PDF-1.4\n\x00\x01\x02binary\x00stream", "inbox/statement.pdf")


def test_a_declared_encoding_decodes_what_utf8_and_cp1252_would_read_wrong():
    # a Polish bank's cp1250: 0xAF is Ż there, ¯ in cp1252
    mapping = parse_mappings({"mappings": [{"match": "x.csv", "encoding": "cp1250"}]}, "t")[0]
    export = read_export("Date;Text;Amount\n02.01.2024;Żabka Łódź;-12,40\n".encode("cp1250"),
                         "x.csv", mapping)
    assert export.frame["Description"].tolist() == ["Żabka Łódź"]
    assert export.info["encoding"] == "cp1250" and export.info["declared_mapping"] == ["x.csv"]


def test_a_structured_format_s_reading_says_its_sign_convention():
    export = read_export(b"!Type:Bank\nD01/02/2024\nT-12.40\nPShop\n^\n", "x.qif")
    assert export.info["reading"] == {"sign_convention": "signed amounts as written (T/U lines)"}


def test_an_empty_line_inside_a_quoted_text_is_no_blank_line_between_rows():
    text = b'Date,Text,Amount\n2024-01-02,"Standing order\n\nRent",-500.00\n\n2024-01-03,Shop,-1.00\n'
    export = read_export(text, "x.csv")
    assert export.frame["Description"].tolist() == ["Standing order\n\nRent", "Shop"]
    assert export.info["blank_lines"] == 1


def test_the_preamble_s_account_is_reported_in_the_reading():
    export = read_export(b"Konto:;0012345678\nDatum;Text;Betrag\n02.01.2024;Shop;-1,00\n", "x.csv")
    assert export.info["preamble_found"] == {"account": "0012345678"}


def test_a_file_without_an_amount_column_names_the_columns_it_found():
    text = b"Date,Text,Amount,Balance\n2024-01-02,Shop,1,100.00\n2024-01-03,Bus,0,99.00\n"
    with pytest.raises(ExportReadError,
                       match=r"^x\.csv: .*\(found 'Date', 'Text', 'Amount', 'Balance'\)"):
        read_export(text, "in/x.csv")


def test_the_tolerant_mt940_reader_names_the_file_of_an_unreadable_statement_line():
    text = ":20:X\n:25:NL12\n:60F:C240101EUR100,00\n:61:garbage\n:62F:C240102EUR100,00\n"
    with pytest.raises(ExportReadError, match=r"^in/st\.sta: 1 of 1 MT940 statement lines"):
        read_mt940_lines(text, "in/st.sta")


@pytest.mark.parametrize("text", [b"Datum;Text\n02.01.2024;Shop\n", b"Datum;Text\n",
                                  b"Datum;Text", b"\nDatum;Text\n02.01.2024;Shop\n",
                                  b"\r\n \r\nDatum;Text\n"])
def test_a_file_without_a_header_or_table_lists_its_first_line_s_columns(text):
    # two lines, one line, one line without its end, blank lines before: the columns of
    # the first line with text, cut at its own delimiter, and a mapping to paste that
    # names the file and those columns
    with pytest.raises(ExportReadError) as refused:
        read_export(text, "in/x.csv")
    message = str(refused.value)
    assert message.startswith("x.csv: no transaction header found")
    assert "first line has columns 'Datum', 'Text'." in message
    assert '- match: "x.csv"' in message and 'date: "Datum"' in message
    assert 'description: "Text"' in message


@pytest.mark.parametrize("offset, binary", [(65535, True), (65536, False)])
def test_only_the_first_64_kb_are_searched_for_nul_bytes(offset, binary):
    # a long text export with one stray NUL: the search for binary content stops at 64 KB
    line = b"2024-01-02,Shop,-1.00\n"
    data = b"Date,Text,Amount\n" + line * (70000 // len(line))
    data = data[:offset] + b"\x00" + data[offset + 1:]
    if binary:
        with pytest.raises(ExportReadError, match="not a text export"):
            decode_bytes(data, "x.csv")
    else:
        assert decode_bytes(data, "x.csv")[1] == "utf-8"


def test_a_declared_account_is_every_line_s_account_in_a_format_without_one():
    mapping = parse_mappings({"mappings": [{"match": "x.qif", "account": "DE02120300000000202051"}]},
                             "t")[0]
    export = read_export(b"!Type:Bank\nD01/02/2024\nT-12.40\nPShop\n^\n", "x.qif", mapping)
    assert export.frame["Account"].tolist() == ["DE02120300000000202051"]


def test_a_decimal_comma_in_the_balance_alone_says_the_day_comes_first():
    # whole amounts carry no decimal mark; the balance column's comma still tells the locale
    text = (b"Date\tText\tAmount\tBalance\n02/01/2024\tShop\t-12\t1.234,56\n"
            b"03/01/2024\tBus\t-2\t1.232,56\n")
    assert read_export(text, "x.csv").info["hints"]["day_first_hint"] is True


@pytest.mark.parametrize("blank", [38])
def test_a_header_with_no_data_in_the_forty_lines_after_it_gives_way_to_the_located_table(blank):
    # the lines 39 and 40 after a words header are inside its window: they are no data,
    # so the header the values locate after them wins (one blank line fewer, and the first
    # data row falls in the window: the words header stands, see data_follows)
    text = ("Date;Text;Amount\n" + "\n" * blank + "Rekening;NL91ABNA0417164300\n"
            "Datum;Omschrijving;Bedrag\n02.01.2024;Winkel;-12,40\n03.01.2024;Loon;2100,00\n")
    export = read_export(text.encode(), "x.csv")
    assert export.info["header_line"] == blank + 3
    assert export.frame["Description"].tolist() == ["Winkel", "Loon"]


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


# -- the CSV reader's declared mappings (mutation run of read_csv_export, 2026-12-06)

def _mapped(text: bytes, **entry):
    mapping = parse_mappings({"mappings": [{"match": "x.csv", **entry}]}, "t")[0]
    return read_export(text, "x.csv", mapping)


def test_a_declared_delimiter_wins_over_the_one_the_header_line_counts_most():
    # a header name holding commas ("Payee, purpose, reference"): two commas, two
    # semicolons; the declared semicolon cuts the fields, with or without skip_lines
    text = (b"Booked;Amount;Payee, purpose, reference\n02.01.2024;-12,40;Shop, card 1234\n"
            b"03.01.2024;2100,00;Employer, salary\n")
    for entry in ({"delimiter": ";", "skip_lines": 0}, {"delimiter": ";"}):
        export = _mapped(text, **entry)
        assert export.info["delimiter"] == ";"
        assert export.frame["Description"].tolist() == ["Shop, card 1234", "Employer, salary"]
        assert export.frame["Amount"].tolist() == ["-12,40", "2100,00"]


@pytest.mark.parametrize("skip, rows", [(1, 0), (2, None), (3, None)])
def test_declared_skip_lines_up_to_the_last_line_and_past_the_end_of_the_file(skip, rows):
    # skipping all but the last line leaves the header alone (no rows); skipping every
    # line, or more, leaves no header: a clear error naming the file, never a crash
    text = b"Konto;DE89370400440532013000\nDate;Amount;Text\n"
    if rows is None:
        with pytest.raises(ExportReadError, match=r"^x\.csv: no date or amount column"):
            _mapped(text, skip_lines=skip)
    else:
        export = _mapped(text, skip_lines=skip)
        assert len(export.frame) == rows and export.info["header_line"] == 2
        # no delimiter declared: the one the header line holds most
        assert export.info["delimiter"] == ";" and export.info["columns"]["Amount"] == ["Amount"]


@pytest.mark.parametrize("header", ["", "Buchung\tBetrag\tText, Datum, Summe\n"])
def test_a_declared_delimiter_settles_texts_that_hold_a_date_and_an_amount(header):
    # tab-separated, each text holding ", date, amount": cut at commas the values show a
    # date and an amount too; the declared tab decides, headerless or after a header
    rows = ("2024-01-02\t-12.40\tRefund, 2024-01-03, 5.00\n"
            "2024-01-04\t-3.10\tShop, 2024-01-04, 3.10\n"
            "2024-01-05\t100.00\tSalary, 2024-01-05, 100.00\n")
    export = _mapped((header + rows).encode(), delimiter="tab")
    assert export.info["delimiter"] == "\t"
    assert export.frame["Amount"].tolist() == ["-12.40", "-3.10", "100.00"]
    assert export.frame["Date"].tolist() == ["2024-01-02", "2024-01-04", "2024-01-05"]


@pytest.mark.parametrize("header", ["", "Buchung\tBetrag\tText, Datum, Summe\n"])
def test_undeclared_a_tab_file_whose_texts_hold_a_date_and_an_amount_is_read_at_its_tabs(
        header):
    # cut at commas too, these rows (and that header) read as a table as wide, with a date
    # and an amount: the tie goes to the tab, the mark free text almost never holds
    rows = ("2024-01-02\t-12.40\tRefund, 2024-01-03, 5.00\n"
            "2024-01-04\t-3.10\tShop, 2024-01-04, 3.10\n"
            "2024-01-05\t100.00\tSalary, 2024-01-05, 100.00\n")
    export = read_csv_export(header + rows, "tabs.csv")
    assert export.info["delimiter"] == "\t"
    assert export.frame["Amount"].tolist() == ["-12.40", "-3.10", "100.00"]
    assert export.frame["Date"].tolist() == ["2024-01-02", "2024-01-04", "2024-01-05"]


@pytest.mark.parametrize("text, amounts", [
    (b"02.01.2024;Shop;-12,40", ["-12,40"]),                           # one line, no end
    (b"02.01.2024;Shop;-12,40\n", ["-12,40"]),                         # one line
    (b"02.01.2024;Shop;-12,40\n03.01.2024;Pay;2100,00\n", ["-12,40", "2100,00"]),
])
def test_a_declared_headerless_file_of_one_line_or_more(text, amounts):
    # no delimiter declared: the one its first line holds most
    export = _mapped(text, header=False, column_names=["when", "text", "value"],
                     columns={"date": "when", "description": "text", "amount": "value"})
    assert export.info["delimiter"] == ";" and export.frame["Amount"].tolist() == amounts


@pytest.mark.parametrize("skip", [0, 1, 2])
def test_a_declared_headerless_file_after_skipped_lines_reads_only_its_rows(skip):
    preamble = ["Konto;DE89370400440532013000", "Zeitraum;01.01.2024 - 31.01.2024"][:skip]
    text = "\n".join([*preamble, "02.01.2024;Shop;-12,40", "03.01.2024;Pay;2100,00"]) + "\n"
    export = _mapped(text.encode(), header=False, skip_lines=skip,
                     column_names=["when", "text", "value"],
                     columns={"date": "when", "description": "text", "amount": "value"})
    assert export.frame["Amount"].tolist() == ["-12,40", "2100,00"]
    assert export.frame["Date"].tolist() == ["02.01.2024", "03.01.2024"]
    assert export.info["preamble_lines"] == skip
