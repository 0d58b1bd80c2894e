"""Boundaries of the CSV reader (core/readers/csv_reader.py): where the header and the
table are, what the preamble says, declared mappings (delimiter, skip_lines, headerless
files), the errors that name the file. Found untested by the mutation runs of
`read_csv_export` (docs/testing.md, part `readers-csv`)."""

from __future__ import annotations

import pytest

from titans_finance.core.readers import ExportReadError, parse_mappings, read_export
from titans_finance.core.readers.csv_reader import read_csv_export


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



def _mapped(text: bytes, **entry):
    mapping = parse_mappings({"mappings": [{"match": "x.csv", **entry}]}, "t")[0]
    return read_export(text, "x.csv", mapping)


def test_a_declared_delimiter_wins_over_the_one_the_header_line_counts_most():
    # a header name holding commas ("Payee, purpose, reference, note"): three commas, two
    # semicolons; the declared semicolon cuts the fields, with or without skip_lines
    text = (b"Booked;Amount;Payee, purpose, reference, note\n02.01.2024;-12,40;Shop, card 1234\n"
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
        with pytest.raises(ExportReadError,
                           match=r"^x\.csv: no date or amount column recognised \(found none\)"):
            _mapped(text, skip_lines=skip)
    else:
        export = _mapped(text, skip_lines=skip)
        assert len(export.frame) == rows and export.info["header_line"] == 2
        # no delimiter declared: the one the header line holds most
        assert export.info["delimiter"] == ";" and export.info["columns"]["Amount"] == ["Amount"]


@pytest.mark.parametrize("header", ["", "Buchung\tBetrag\tText, Datum, Summe\n"])
def test_a_declared_delimiter_settles_texts_that_hold_a_date_and_an_amount(header):
    # tab-separated, each text holding ", date, amount, more": cut at commas the values
    # show a wider table with a date and an amount; the declared tab decides, headerless
    # or after a header, and undeclared the tab's table wins
    rows = ("2024-01-02\t-12.40\tRefund, 2024-01-03, 5.00, card 1234\n"
            "2024-01-04\t-3.10\tShop, 2024-01-04, 3.10, card 1234\n"
            "2024-01-05\t100.00\tSalary, 2024-01-05, 100.00, employer\n")
    export = _mapped((header + rows).encode(), delimiter="tab")
    assert export.info["delimiter"] == "\t"
    assert export.frame["Amount"].tolist() == ["-12.40", "-3.10", "100.00"]
    assert export.frame["Date"].tolist() == ["2024-01-02", "2024-01-04", "2024-01-05"]
    # undeclared, the tab's table wins over the commas' wider one
    export = read_csv_export(header + rows, "tabs.csv")
    assert export.info["delimiter"] == "\t"
    assert export.frame["Amount"].tolist() == ["-12.40", "-3.10", "100.00"]


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


# -- survivors of the readers-csv part read on 2026-12-06 (night, second session)

@pytest.mark.parametrize("preamble", [0, 1, 2])
@pytest.mark.parametrize("inside", ["\f", "\v", "\x1c", "\x1e", "\x85", "\u2028", "\u2029"])
def test_a_line_break_python_knows_inside_a_field_stays_in_it_after_any_preamble(inside, preamble):
    # str.splitlines cuts at these, the CSV parser does not: the rows after a preamble
    # were re-joined from those lines, so a form feed (a page break) or a line separator
    # inside a text cut the row in two and its amount moved into a row of its own
    lines = ["Konto;DE89370400440532013000", "Zeitraum;01.01.2024 - 31.01.2024"][:preamble]
    text = "\n".join([*lines, "Datum;Text;Betrag", f"02.01.2024;Miete{inside}Januar;-500,00",
                      "03.01.2024;Laden;-1,00"]) + "\n"
    export = read_csv_export(text, "x.csv")
    assert export.frame["Description"].tolist() == [f"Miete{inside}Januar", "Laden"]
    assert export.frame["Amount"].tolist() == ["-500,00", "-1,00"]
    assert export.info["preamble_lines"] == preamble
    assert export.info["header_line"] == preamble + 1


@pytest.mark.parametrize("start, rest", [(0, "a\fb\nc\r\nd"), (1, "b\nc\r\nd"), (2, "c\r\nd"),
                                         (3, "d"), (4, ""), (5, "")])
def test_the_text_from_a_line_on_keeps_every_character_after_it(start, rest):
    from titans_finance.core.readers.csv_reader import _text_from_line
    # four lines for str.splitlines (the form feed ends the first), the last without an
    # end: from each line on, from the last, one and two past it
    text = "a\fb\nc\r\nd"
    assert _text_from_line(text, start) == rest
    assert rest == "".join(text.splitlines(keepends=True)[start:])


@pytest.mark.parametrize("delimiter, mark", [(";", ","), (",", "."), ("\t", "."), ("|", ".")])
def test_a_semicolon_file_reads_amounts_that_show_no_mark_of_their_own_with_a_decimal_comma(
        delimiter, mark):
    # "-1.234" and "2.500" read either way; where ";" separates the fields a decimal comma
    # is the rule (so these are thousands), elsewhere a decimal point: the hint handed on
    # to the normaliser and the mark the column's evidence reports
    d = delimiter
    text = f"Date{d}Text{d}Amount\n2024-01-02{d}Shop{d}-1.234\n2024-01-03{d}Pay{d}2.500\n"
    info = read_csv_export(text, "x.csv").info
    assert info["hints"]["decimal_hint"] == mark
    assert info["reading"]["columns"]["Amount"]["decimal_mark"] == mark


def test_a_declared_decimal_comma_is_the_mark_the_values_are_read_with():
    # a tab file (no hint of its own) declared to write a decimal comma: its amounts that
    # show no mark of their own are read with the comma, and the dates day-first
    text = b"Date\tText\tAmount\n2024-01-02\tShop\t-1.234\n2024-01-03\tPay\t2.500\n"
    info = _mapped(text, decimal=",").info
    assert info["reading"]["columns"]["Amount"]["decimal_mark"] == ","
    assert info["hints"]["decimal"] == "," and info["hints"]["day_first_hint"] is True


def test_a_declared_description_column_is_the_description_even_where_it_is_empty():
    # undeclared, another free-text column would fill the empty description (and here,
    # with a header nobody knows for "Text", be taken for the description itself)
    text = (b"Datum;Text;Extra;Betrag\n02.01.2024;Miete;Januar;-500,00\n"
            b"03.01.2024;;Laden;-1,00\n04.01.2024;Lohn;Dez;2100,00\n")
    export = _mapped(text, columns={"date": "Datum", "description": "Text", "amount": "Betrag"})
    assert export.frame["Description"].tolist() == ["Miete", "", "Lohn"]
    assert export.info["columns"]["Description"] == ["Text"]


@pytest.mark.parametrize("column", ["Amount", "Money In", "Money Out"])
def test_any_one_money_column_alone_is_enough(column):
    text = f"Date,Description,{column}\n2024-01-02,Shop,12.40\n2024-01-03,Pay,2100.00\n"
    export = read_csv_export(text, "x.csv")
    assert export.info["columns"][column] == [column]
    assert export.frame[column].tolist() == ["12.40", "2100.00"]


@pytest.mark.parametrize("header, line, repeated", [
    # half the columns (rounded up), and at least two, name their own header again
    ("Date;Text;Amount;Currency;Balance", "Date;Text;Amount;;", True),       # 3 of 5
    ("Date;Text;Amount;Currency;Balance", " DATE ; text ; AMOUNT ;;", True),  # any case, spaced
    ("Date;Text;Amount;Currency;Balance", "Date;Text;;;", False),            # 2 of 5
    ("Date;Text;Amount;Currency", "Date;Text;;", True),                       # 2 of 4: half
    ("Date;Text;Amount;Currency", "Date;;;", False),                          # 1 of 4
    ("Date;Text;Amount", ";Text;Amount", True),                               # 2 of 3
    ("Date;Text;Amount", "Date;;", False),                                    # 1 of 3
    ("Date;Amount", "Date;Amount", True),                                     # 2 of 2
    ("Date;Amount", "Date;", False),                                          # 1 of 2: never one
])
def test_a_line_naming_half_its_columns_again_is_a_repeated_header(header, line, repeated):
    width = header.count(";")
    rows = ["02.01.2024;Shop;-1,00;EUR;99,00", "03.01.2024;Bus;-2,00;EUR;97,00"]
    if width == 1:
        rows = ["02.01.2024;-1,00", "03.01.2024;-2,00"]
    else:
        rows = [";".join(r.split(";")[:width + 1]) for r in rows]
    export = read_csv_export("\n".join([header, rows[0], line, rows[1]]) + "\n", "x.csv")
    assert export.frame["_parse_error"].tolist() == ["", "repeated_header" if repeated else "", ""]


def test_a_declared_date_column_is_the_date_even_beside_a_later_booking_date():
    # undeclared, the posting date (never before the transaction date) is the booking date
    text = (b"Transaction Date,Posted Date,Description,Amount\n2024-01-02,2024-01-03,Shop,-1.00\n"
            b"2024-01-05,2024-01-08,Bus,-2.00\n")
    assert read_export(text, "x.csv").frame["Date"].tolist() == ["2024-01-03", "2024-01-08"]
    export = _mapped(text, columns={"date": "Transaction Date", "amount": "Amount",
                                    "description": "Description"})
    assert export.frame["Date"].tolist() == ["2024-01-02", "2024-01-05"]
    assert "date_columns" not in export.info


def test_the_generated_names_of_a_headerless_file_say_nothing_of_its_language():
    # "column 1".. are no English header words: they must not hint that days come first
    text = "2024-01-02,Shop,-12.40,97.60\n2024-01-03,Pay,2100.00,2197.60\n2024-01-05,Bus,-2.40,2195.20\n"
    export = read_csv_export(text, "x.csv")
    assert export.info["headerless"] is True and export.info["hints"]["day_first_hint"] is False


@pytest.mark.parametrize("currency, day_first", [("EUR", True), ("GBP", True), ("AUD", True),
                                                 ("USD", False), ("CAD", False), (None, False)])
def test_a_currency_written_by_the_file_outside_north_america_hints_the_day_comes_first(
        currency, day_first):
    # in the header ("Amount (EUR)") or in the preamble ("Currency:,EUR"): the file's currency
    for text in (f"Date,Text,Amount{f' ({currency})' if currency else ''}\n",
                 (f"Currency:,{currency}\n" if currency else "") + "Date,Text,Amount\n"):
        export = read_csv_export(text + "2024-01-02,Shop,-1.00\n2024-01-03,Bus,-2.00\n", "x.csv")
        assert export.info["hints"]["day_first_hint"] is day_first
        assert export.frame["Currency"].tolist() == [currency or ""] * 2


@pytest.mark.parametrize("text, column", [
    ("Value Date,Description,Amount\n2024-01-02,Shop,-1.00\n2024-01-03,Bus,-2.00\n", "Value Date"),
    ("Valutadatum;Text;Betrag\n2024-01-02;Shop;-1,00\n2024-01-03;Bus;-2,00\n", "Valutadatum")])
def test_a_value_date_is_the_date_when_no_other_column_holds_dates(text, column):
    export = read_csv_export(text, "x.csv")
    assert export.info["columns"]["Date"] == [column]
    assert "Value Date" not in export.info["columns"]
    assert export.frame["Date"].tolist() == ["2024-01-02", "2024-01-03"]


@pytest.mark.parametrize("extra, ragged", [(",note", {"rows_with_extra_fields": 1}), ("", None)])
def test_rows_longer_than_the_header_are_reported_in_the_reading(extra, ragged):
    text = f"Date,Text,Amount\n2024-01-02,Shop,-1.00{extra}\n2024-01-03,Bus,-2.00\n"
    info = read_csv_export(text, "x.csv").info
    assert info["format"] == "csv" and info.get("ragged_rows") == ragged


def test_account_and_currency_columns_stand_beside_a_preamble_naming_others():
    # the preamble's IBAN and currency fill only what the rows do not say
    text = ("IBAN: DE89370400440532013000\nWährung: EUR\nDate;Account;Currency;Text;Amount\n"
            "02.01.2024;NL91ABNA0417164300;USD;Shop;-1,00\n")
    export = read_csv_export(text, "x.csv")
    assert export.frame[["Account", "Currency"]].values.tolist() == [["NL91ABNA0417164300", "USD"]]
    assert export.info["preamble_found"] == {"account": "DE89370400440532013000",
                                             "currency": "EUR"}


@pytest.mark.parametrize("header", ["Date\tDescription\tCredit", "Date\tDescription\tDebit"])
@pytest.mark.parametrize("mark, day_first", [(",", True), (".", False)])
def test_a_decimal_comma_in_either_split_column_hints_the_day_comes_first(header, mark, day_first):
    text = f"{header}\n2024-01-02\tShop\t12{mark}40\n2024-01-03\tPay\t2{mark}50\n"
    assert read_csv_export(text, "x.csv").info["hints"]["day_first_hint"] is day_first


def test_uk_money_in_and_out_words_hint_the_day_comes_first():
    text = "Date,Description,Paid out,Paid in\n2024-01-02,Shop,12.40,\n2024-01-03,Pay,,2.50\n"
    assert read_csv_export(text, "x.csv").info["hints"]["day_first_hint"] is True


def test_a_declared_day_order_and_sign_are_handed_to_the_normaliser():
    export = _mapped(b"Date,Text,Amount\n2024-01-02,Shop,-1.00\n", day_first=True, sign="negate")
    assert (export.info["hints"]["day_first"], export.info["hints"]["sign"]) == (True, "negate")
    hints = read_export(b"Date,Text,Amount\n2024-01-02,Shop,-1.00\n", "x.csv").info["hints"]
    assert (hints["day_first"], hints["sign"], hints["summary_rows_possible"]) == (
        None, "as_written", True)


def test_the_csv_reader_itself_hands_on_every_declared_hint():
    # (read_export sets them from the mapping again; the reader's own hints carry them too)
    declared = {"decimal": ",", "day_first": True, "date_format": "%d.%m.%Y", "sign": "negate"}
    mapping = parse_mappings({"mappings": [{"match": "x.csv", **declared}]}, "t")[0]
    hints = read_csv_export("Datum;Text;Betrag\n02.01.2024;Shop;-1,00\n", "x.csv", mapping
                            ).info["hints"]
    assert {key: hints[key] for key in declared} == declared


def test_a_declared_day_order_stands_where_the_balance_would_decide_it():
    # 02/01 then 01/02 with a balance running oldest first: undeclared, the balance reads
    # them day-first; a declared month-first order stands, and the balance is not named
    text = b"Date,Description,Amount,Balance\n02/01/2024,A,-10.00,90.00\n01/02/2024,B,-5.00,85.00\n"
    hints = read_export(text, "x.csv").info["hints"]
    assert hints["day_first"] is True and hints["date_order_decided_by"] == "balance"
    hints = _mapped(text, day_first=False).info["hints"]
    assert hints["day_first"] is False and "date_order_decided_by" not in hints


def test_a_header_without_rows_reads_no_rows_and_joins_nothing():
    export = read_csv_export("Date,Text,Amount\n", "x.csv")
    assert len(export.frame) == 0 and export.info["header_line"] == 1
    assert "continuation_lines_joined" not in export.info["reading"]
    assert "notes" not in export.info["reading"]


@pytest.mark.parametrize("preamble", [0, 1, 2])
def test_a_headerless_table_after_any_preamble_reads_only_its_rows(preamble):
    lines = ["Rekening NL02RABO0123456789", "Periode 01-01-2024 t/m 31-01-2024"][:preamble]
    rows = ["02.01.2024;Shop;-12,40;987,60", "03.01.2024;Pay;2100,00;3087,60",
            "05.01.2024;Bus;-2,40;3085,20"]
    export = read_csv_export("\n".join([*lines, *rows]) + "\n", "x.csv")
    assert export.info["headerless"] is True and export.info["preamble_lines"] == preamble
    assert export.frame["Amount"].tolist() == ["-12,40", "2100,00", "-2,40"]
    assert export.frame["Account"].tolist() == ["NL02RABO0123456789" if preamble else ""] * 3


def test_a_file_with_amounts_but_no_dates_names_only_the_date_as_missing():
    # declared columns take the first line as the header; nothing holds a date
    with pytest.raises(ExportReadError,
                       match=r"^x\.csv: no date column recognised \(found 'Text', 'Betrag'\)"
                       ) as refused:
        _mapped(b"Text;Betrag\nShop;-1,00\nLohn;2100,00\n",
                columns={"amount": "Betrag", "description": "Text"})
    # the mapping to paste names the file's own columns
    assert 'date: "Text"' in str(refused.value) and 'amount: "Betrag"' in str(refused.value)


@pytest.mark.parametrize("text, rows, blank", [
    # a line of empty fields only separates blocks: no row, counted as a blank line
    ("Date;Text;Amount\n02.01.2024;Shop;-1,00\n;;\n03.01.2024;Rent;-500,00\n",
     [["02.01.2024", "Shop", "-1,00"], ["03.01.2024", "Rent", "-500,00"]], 1),
    # beside a dateless line that holds text (the end of a description), and of blanks only
    ("Date;Text;Amount\n02.01.2024;Shop;-1,00\n;;\n03.01.2024;Rent;-500,00\n;January;\n ; ; \n"
     "04.01.2024;Bus;-2,00\n",
     [["02.01.2024", "Shop", "-1,00"], ["03.01.2024", "Rent January", "-500,00"],
      ["04.01.2024", "Bus", "-2,00"]], 2),
    # an empty line right under the header counts; one in the preamble is the preamble's
    ("Konto;1234\n\nDate;Text;Amount\n\n02.01.2024;Shop;-1,00\n",
     [["02.01.2024", "Shop", "-1,00"]], 1),
])
def test_a_line_of_empty_fields_is_no_row_but_a_blank_line(text, rows, blank):
    export = read_csv_export(text, "x.csv")
    assert export.frame[["Date", "Description", "Amount"]].values.tolist() == rows
    assert export.frame["_parse_error"].tolist() == [""] * len(rows)
    assert export.info["blank_lines"] == blank


def test_a_declared_headerless_file_whose_lines_are_all_skipped_reads_no_rows():
    export = _mapped(b"Konto;DE89370400440532013000\n", header=False, skip_lines=1,
                     column_names=["when", "text", "value"],
                     columns={"date": "when", "description": "text", "amount": "value"})
    assert len(export.frame) == 0 and export.info["preamble_lines"] == 1
    assert export.frame["_parse_error"].tolist() == []


STATEMENT_WITHOUT_YEARS = ("Rekening;123456789\nVanaf;Tot\n{start};{end}\n"
                           "Datum;Beskrywing;Bedrag;Saldo\n01 Mrt;Rent;-500,00;40000,00\n"
                           "25 Mrt;Salary;2000,00;42000,00\n")


def test_a_period_above_the_table_dates_the_lines_written_without_a_year():
    from tests.core.test_readers_column_roles import amounts_of
    from titans_finance.core.readers import read_export as read
    text = STATEMENT_WITHOUT_YEARS.format(start="28 Februarie 2016", end="28 Maart 2016")
    export = read(text.encode(), "af.csv")
    assert export.info["hints"]["period"] == ("2016-02-28", "2016-03-28")
    amounts, info = amounts_of(text, "af.csv")  # no line quarantined: every date read
    assert amounts == [-500.0, 2000.0]


def test_without_a_period_lines_without_a_year_are_no_dates():
    text = STATEMENT_WITHOUT_YEARS.format(start="", end="").replace("\n;\n", "\n")
    export = read_export(text.encode(), "af.csv")
    assert export.info["hints"].get("period") is None


# A table whose dates carry no year and no period above it (JA Bank's layout): the refusal
# names the line, the date column, examples, and the mapping lines (`period`, columns) that
# settle it, not "no transaction header found"; with them the file reads.
JA_BANK = ('"番号","取扱日付","お支払金額","お預り金額","残高","摘要"\n'
           '"001","4月30日","","¥7,000","¥7,000","振込入金"\n'
           '"002","4月30日","¥4,600","","¥2,400","出金"\n')


def test_dates_without_a_year_and_no_period_are_named_in_the_refusal():
    with pytest.raises(ExportReadError) as refused:
        read_export(JA_BANK.encode(), "ja.csv")
    message = str(refused.value)
    assert "no transaction header found" not in message
    assert "line 1 names the date column '取扱日付'" in message and "'4月30日'" in message
    assert "without a year and no statement period is written above" in message
    assert 'period: ["YYYY-MM-DD", "YYYY-MM-DD"]' in message and 'date: "取扱日付"' in message
    assert 'balance: "残高"' in message and "conf/base/export_mappings.yml" in message
    mapping = parse_mappings({"mappings": [{
        "match": "ja.csv", "period": ["2024-04-01", "2024-04-30"],
        "columns": {"date": "取扱日付", "money_out": "お支払金額", "money_in": "お預り金額",
                    "balance": "残高", "description": "摘要"}}]}, "test")[0]
    export = read_export(JA_BANK.encode(), "ja.csv", mapping)
    assert export.info["hints"]["period"] == ("2024-04-01", "2024-04-30")


def test_a_period_above_the_table_is_named_and_one_dated_line_is_no_yearless_table():
    from titans_finance.core.readers.table_diagnosis import yearless_dates, yearless_message
    found = yearless_dates(JA_BANK.splitlines(), (",",))
    message = yearless_message("ja.csv", found, ("2024-04-01", "2024-04-30"))
    assert "the period written above the table (2024-04-01 to 2024-04-30)" in message
    assert "period:" not in message
    # one date with its year below the line: the dates are no year-less table
    dated = JA_BANK.replace('"4月30日","¥4,600"', '"2024年4月30日","¥4,600"')
    assert yearless_dates(dated.splitlines(), (",",)) is None
    assert yearless_dates(['"取扱日付","摘要"'], (",",)) is None  # no line below it


@pytest.mark.parametrize("value, yearless", [
    ("4月30日", True), ("30.4.", True), ("04/30", True), ("01 Mrt", True), ("31 Dec", True),
    ("32 Dec", False), ("30.4.24", False), ("30.04.2024", False), ("Mrt", False), ("7", False)])
def test_a_day_and_a_month_without_a_year_is_told_from_a_date(value, yearless):
    from titans_finance.core.readers.table_diagnosis import written_without_year
    assert written_without_year(value) is yearless


def test_a_declared_period_must_be_two_days_in_order():
    for wrong in (["2024-04-30", "2024-04-01"], ["2024-04-01"], "2024-04", ["x", "y"]):
        with pytest.raises(ExportReadError, match="period must be"):
            parse_mappings({"mappings": [{"match": "a.csv", "period": wrong}]}, "test")
    same = parse_mappings({"mappings": [{"match": "a.csv", "period": ["2024-04-01",
                                                                      "2024-04-01"]}]}, "t")
    assert same[0].period == ("2024-04-01", "2024-04-01")


def test_a_card_statement_of_dates_without_a_year_says_so_and_names_the_period_to_declare():
    # zh day headers name the date column: the refusal says what is unsure (no year, no
    # period above the table) instead of "no transaction header found"
    text = ("招商银行信用卡对账单\n交易日,记账日,交易摘要,人民币金额\n"
            ",12/29,掌上生活还款,-1.23\n01/02,01/03,电影票,56.78\n01/05,01/07,中国移动,80.00\n")
    with pytest.raises(ExportReadError, match="without a year") as refused:
        read_export(text.encode(), "card.csv")
    assert "period:" in str(refused.value)
