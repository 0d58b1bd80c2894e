"""The tolerant MT940 reader (used when the mt-940 library refuses a statement) reads what
the library reads on every MT940 of the corpus, and what the library cannot."""

from __future__ import annotations

from pathlib import Path

import pytest

from titans_finance.core.readers import ExportReadError, read_export
from titans_finance.core.readers.mt940 import read_mt940_export
from titans_finance.core.readers.mt940_lines import read_mt940_lines, without_envelope
from titans_finance.core.readers.text import decode_bytes

EXPORTS = Path(__file__).resolve().parents[1] / "data" / "exports"
MT940_FILES = sorted(p.name for p in EXPORTS.glob("*.sta"))


@pytest.mark.parametrize("name", MT940_FILES)
def test_the_tolerant_reader_agrees_with_the_library_on_every_corpus_file(name):
    text, _ = decode_bytes((EXPORTS / name).read_bytes(), name)
    read = read_mt940_export(text, name)
    tolerant = read_mt940_lines(text, name).frame
    if "reader" in read.info:  # the library refused this bank's flavour: the tolerant one read it
        assert read.info["library_refused"] and read.frame.equals(tolerant)
        return
    library = read.frame
    for column in ("Date", "Account", "Currency"):
        assert tolerant[column].tolist() == library[column].tolist(), column
    assert [float(a) for a in tolerant["Amount"]] == [float(a) for a in library["Amount"]]


STATEMENT = """:20:X
:25:NL12BANK0123456789 EUR
:60F:C231229EUR100,00
{lines}
:62F:C240105EUR{closing}
-"""


@pytest.mark.parametrize("line, date, amount", [
    (":61:2401020102D12,50NTRFNONREF", "2024-01-02", "-12.50"),
    (":61:240102D12.50NMSC", "2024-01-02", "-12.50"),             # decimal point
    (":61:2401020102 D 12,50 NTRFNONREF", "2024-01-02", "-12.50"),  # spaces between parts
    (":61:240102RD12,50NTRF", "2024-01-02", "12.50"),              # reversal of a debit: in
    (":61:240102RC12,50NTRF", "2024-01-02", "-12.50"),             # reversal of a credit: out
    (":61:240102CR12,50NTRF", "2024-01-02", "12.50"),              # funds code R
    (":61:240102C1000,NTRF", "2024-01-02", "1000"),                # no decimals after the comma
    (":61:991231C1,00NTRF", "1999-12-31", "1.00"),                 # 2-digit year 99
])
def test_statement_line_variants(line, date, amount):
    export = read_mt940_lines(STATEMENT.format(lines=line + "\n:86:text", closing="0,00"), "x")
    assert export.frame["Date"].tolist() == [date]
    assert float(export.frame["Amount"].iloc[0]) == float(amount)
    assert export.frame["Description"].tolist() == ["text"]


def test_entry_date_across_the_year_end_and_balances_checked():
    lines = ":61:2312310101D10,00NTRF\n:86:a\n:61:240101C5,00NTRF\n:86:b"
    export = read_mt940_lines(STATEMENT.format(lines=lines, closing="95,00"), "x")
    # the entry (booking) date dates the line where written, the value date stays beside it
    assert export.frame["Date"].tolist() == ["2024-01-01", "2024-01-01"]
    assert export.frame["Value Date"].tolist() == ["2023-12-31", "2024-01-01"]
    assert export.info["balances"][0]["reconciles"] == "true"
    wrong = read_mt940_lines(STATEMENT.format(lines=lines, closing="96,00"), "x")
    assert wrong.info["balances"][0]["reconciles"] == "false"


@pytest.mark.parametrize("damaged", [":61:240103C12OO,00NTRF", ":61:2401XXC12,00NTRF",
                                     ":61:240103X12,00NTRF"])
def test_an_unreadable_line_names_itself_and_no_python_object(damaged):
    text = STATEMENT.format(lines=":61:240102D1,00NTRF\n:86:a\n" + damaged + "\n:86:b",
                            closing="0,00")
    with pytest.raises(ExportReadError) as excinfo:
        read_export(text.encode(), "bank.sta")
    message = str(excinfo.value)
    assert "1 of 2 MT940 statement lines" in message and "line 6" in message
    assert "object at 0x" not in message and "<mt940" not in message


def test_german_subfields_give_purpose_and_name():
    lines = (":61:240102D12,50NDDTNONREF\n:86:105?00SEPA-BASISLASTSCHRIFT?20EREF+1?21Strom"
             "\n?22 Januar?32Stadtwerke?33 Musterstadt")
    frame = read_mt940_lines(STATEMENT.format(lines=lines, closing="0,00"), "x").frame
    assert frame["Description"].tolist() == ["EREF+1 Strom Januar"]
    assert frame["Reference"].tolist() == ["Stadtwerke Musterstadt"]


def test_readable_error_drops_python_object_reprs_and_argument_tuples():
    from titans_finance.core.readers.base import readable_error

    class Tag:
        pass

    exc = RuntimeError(f"Unable to parse {Tag()!r} from '2401'", Tag(), "2401")
    assert "object at 0x" in str(exc)  # what the library raises
    assert readable_error(exc) == "Unable to parse '2401'"
    assert readable_error(ValueError("plain message")) == "plain message"
    assert readable_error(KeyError()) == "KeyError"


@pytest.mark.parametrize("written, amount", [
    ("12,50", "12.50"), ("12.50", "12.50"), ("1.234,56", "1234.56"), ("1,234.56", "1234.56"),
    ("1.234.567", "1234567"), ("1,234,567", "1234567"), ("1.234.567,", "1234567"),
    ("12,", "12"), ("7", "7"),
    # a trailing mark is the decimal one, with no decimals: the other mark groups thousands
    ("1.234,", "1234"), ("1,234.", "1234")])
def test_the_last_mark_is_the_decimal_one_unless_it_is_written_twice(written, amount):
    """A mark that appears once last is the decimal mark; one written twice groups
    thousands, so 1.234.567 is a million and more, never 1,234.567."""
    from decimal import Decimal

    from titans_finance.core.readers.mt940_lines import _decimal

    assert _decimal(written) == Decimal(amount)


def test_the_library_is_silent_when_the_tolerant_reader_takes_over(caplog):
    import logging
    # a :61: line the library cannot match, the statement's lines still readable
    text = STATEMENT.format(lines=":61:240102D1,00NTRF\n:86:a\n:61:2401020102 D 12,50 NTRFNONREF"
                            "\n:86:b", closing="86,50")
    level = logging.getLogger("mt940").level
    with caplog.at_level(logging.DEBUG):
        export = read_mt940_export(text, "bank.sta")
    assert export.info["library_refused"] and len(export.frame) == 2
    assert not [r for r in caplog.records if r.name.startswith("mt940")]
    ours = [r for r in caplog.records if r.name == "titans_finance.core.readers.mt940"]
    assert len(ours) == 1 and ours[0].levelno == logging.WARNING and "bank.sta" in ours[0].message
    assert logging.getLogger("mt940").level == level  # silenced for that call only


@pytest.mark.parametrize("written", ["1,234.567,89", "1.234,567.89", "1,2.3,4"])
def test_an_amount_with_both_marks_before_its_decimal_mark_is_refused(written):
    """Commas on both sides of a point (or points around a comma) group no thousands a bank
    writes: the amount is refused, never read as its digits."""
    from decimal import InvalidOperation

    from titans_finance.core.readers.mt940_lines import _decimal

    with pytest.raises(InvalidOperation):
        _decimal(written)
    line = STATEMENT.format(lines=f":61:240102D{written}NTRF\n:86:a", closing="0,00")
    with pytest.raises(ExportReadError, match=r"x: MT940 amount .* is not a number"):
        read_mt940_lines(line, "x")
    balance = STATEMENT.replace("C231229EUR100,00", f"C231229EUR{written}").format(
        lines=":61:240102D1,00NTRF", closing="0,00")
    with pytest.raises(ExportReadError, match=r"x: MT940 balance \(:60F:\) amount"):
        read_mt940_lines(balance, "x")


def test_a_two_digit_year_from_80_is_1900s_below_80_2000s():
    text = ("{1:F01}{4:\n:20:STARTUMSE\n:25:10020030/1234567\n:28C:00000/001\n"
            ":60F:C791231EUR1000,00\n"
            ":61:791231D7,00NTRFREF1\n:86:Fee\n:61:800101D8,00NTRFREF2\n:86:Fee\n"
            ":61:810101D9,00NTRFREF3\n:86:Fee\n:62F:C810101EUR976,00\n-}")
    frame = read_mt940_lines(text, "pivot.sta").frame
    assert frame["Date"].tolist() == ["2079-12-31", "1980-01-01", "1981-01-01"]


def test_a_line_the_library_would_misread_is_read_by_the_tolerant_reader_saying_why(caplog):
    # the library reads "12.50" (a point, not MT940's comma) as 12 and the rest as a
    # reference: the reading report and the log say the library was passed over, and why
    import logging

    text = STATEMENT.format(lines=":61:240102D12.50NTRFNONREF\n:86:a", closing="87,50")
    with caplog.at_level(logging.WARNING, logger="titans_finance.core.readers.mt940"):
        export = read_mt940_export(text, "bank.sta")
    assert export.frame["Amount"].tolist() == ["-12.50"]
    assert export.info["library_refused"] == "some :61: statement lines would be skipped"
    assert [r.getMessage() for r in caplog.records] == [
        "bank.sta: the MT940 library could not read it (some :61: statement lines would be "
        "skipped); read by the tolerant :61:/:86: line reader"]


def test_a_line_neither_reader_can_read_is_refused_naming_the_file():
    # the library passes over the line, the tolerant reader names it: the message says
    # which file, whichever reader found the fault
    text = STATEMENT.format(lines=":61:240102D1,00NTRF\n:86:a\n:61:garbage line\n:86:b",
                            closing="99,00")
    with pytest.raises(ExportReadError, match=r"^bank\.sta: "):
        read_mt940_export(text, "bank.sta")


def test_a_statement_the_library_refuses_without_any_line_is_refused_naming_file_and_cause():
    text = ":20:X\n:25:NL12BANK0123456789\n:28C:1\n:60F:XYZ\n-"
    with pytest.raises(ExportReadError, match=r"^bank\.sta: not a readable MT940 statement "
                       r"\(.*XYZ.*\); no :61: statement line found$"):
        read_mt940_export(text, "bank.sta")


@pytest.mark.parametrize("line, entry", [
    (":61:2312310101D10,00NTRF", "2024-01-01"),  # value 31 Dec, entered 1 Jan: next year
    (":61:2401011231D10,00NTRF", "2023-12-31"),  # value 1 Jan, entered 31 Dec: year before
    (":61:2401020103D10,00NTRF", "2024-01-03"),  # both in January: the value date's year
    (":61:2312281229D10,00NTRF", "2023-12-29"),  # both in December: the value date's year
    (":61:2311301201D10,00NTRF", "2023-12-01"),  # November into December: same year
    (":61:2402010131D10,00NTRF", "2024-01-31"),  # February back to January: same year
])
def test_the_entry_date_is_in_the_year_nearest_its_value_date(line, entry):
    export = read_mt940_lines(STATEMENT.format(lines=line + "\n:86:a", closing="90,00"), "x")
    assert export.frame["Date"].tolist() == [entry]


@pytest.mark.parametrize("lines, quoted", [
    # the unreadable line between others, as the last but one tag, as the very last tag
    (":61:240102D1,00NTRF\n:86:a\n:61:garbage TAX\n:86:b", ":61:garbage TAX"),
    (":61:240102D1,00NTRF\n:86:a\n:61:garbage TAX \r\n:86:b", ":61:garbage TAX"),
    (":61:240102D1,00NTRF\n:86:a\n:61:XX garbage", ":61:XX garbage"),
    # the line quoted up to 60 characters (56 after the tag): 55, 56 and 57 written
    (":61:" + "x" * 55, ":61:" + "x" * 55),
    (":61:" + "x" * 56, ":61:" + "x" * 56),
    (":61:" + "x" * 57, ":61:" + "x" * 56),
])
def test_the_refusal_quotes_the_first_unreadable_line_as_written(lines, quoted):
    text = f":20:X\n:25:NL12\n:60F:C240101EUR100,00\n{lines}"
    with pytest.raises(ExportReadError) as refused:
        read_mt940_lines(text, "bank.sta")
    bad_line = text.count("\n", 0, text.index(":61:" + lines.split(":61:")[-1][:3])) + 1
    assert str(refused.value) == (
        f"bank.sta: 1 of {lines.count(':61:')} MT940 statement lines (:61:) cannot be read "
        f"(first at line {bad_line}: {quoted!r}: no date, debit/credit mark, amount and "
        "transaction type); correct them or export the statement again")


@pytest.mark.parametrize("details, description, party", [
    # German ?-subfields: lines wrapped anywhere (even inside a word) joined without a
    # space; purpose ?20 to ?29 and ?60 to ?63 (each end of both ranges), name ?32/?33
    ("105?00SEPA-GUTSCHRIFT?20EREF+1?21Stro\nm?29Ende?30BANKDEFF?31DE01?32Stadt\nwerke"
     "?34992?60Abschlag  Ja\nnuar?63Rest", "EREF+1 Strom Ende Abschlag Januar Rest",
     "Stadtwerke"),
    ("105?00SEPA-GUTSCHRIFT?20EREF+1?28Mitte?62Teil", "EREF+1 Mitte Teil", ""),
    # no purpose: the booking text (?00) describes the line
    ("105?00SEPA-BASISLASTSCHRIFT?30BANKDEFF?32Stadtwerke", "SEPA-BASISLASTSCHRIFT",
     "Stadtwerke"),
    # plain text over several lines: one space between the words
    ("Rent  January\nflat 3", "Rent January flat 3", ""),
    # Dutch structured text: the /NAME/ field is the other party
    ("/TRTP/SEPA OVERBOEKING/IBAN/NL91ABNA0417164300/BIC/ABNANL2A/NAME/ J. Jansen /REMI/Rent/",
     "/TRTP/SEPA OVERBOEKING/IBAN/NL91ABNA0417164300/BIC/ABNANL2A/NAME/ J. Jansen /REMI/Rent/",
     "J. Jansen"),
])
def test_the_86_details_give_description_and_other_party(details, description, party):
    text = STATEMENT.format(lines=":61:240102D12,50NTRFOWNREF\n:86:" + details, closing="87,50")
    frame = read_mt940_lines(text, "x").frame
    assert frame["Description"].tolist() == [description]
    # the other party when the details name one, else the line's own reference
    assert frame["Reference"].tolist() == [party or "OWNREF"]


def test_a_statement_without_account_and_balance_lines_has_no_account_or_currency():
    frame = read_mt940_lines(":20:X\n:61:240102D1,00NTRF\n:86:a\n-", "x").frame
    assert frame["Account"].tolist() == [""] and frame["Currency"].tolist() == [""]
    assert frame["Amount"].tolist() == ["-1.00"]


@pytest.mark.parametrize("line, method, reference, bank_id, description", [
    # type, reference, bank's reference, supplementary details, no :86: after it
    (":61:240102D1,00NTRFINV-7//BANK-1\nsupplementary", "NTRF", "INV-7", "BANK-1",
     "supplementary"),
    (":61:240102D1,00NTRFNONREF", "NTRF", "", "", ""),      # NONREF: no reference
    (":61:240102D1,00NMSCnonref//B2", "NMSC", "", "B2", ""),  # in any case
    (":61:240102D1,00NCHGVAT-TAX", "NCHG", "VAT-TAX", "", ""),
    # no transaction type: the next line is the supplementary detail, not a reference
    (":61:240102D1,00\nfee January", "", "", "", "fee January"),
])
def test_the_61_line_s_type_references_and_supplementary_details(line, method, reference,
                                                                bank_id, description):
    frame = read_mt940_lines(STATEMENT.format(lines=line, closing="99,00"), "x").frame
    assert frame["Payment Method"].tolist() == [method]
    assert frame["Reference"].tolist() == [reference]
    assert frame["Bank Transaction ID"].tolist() == [bank_id]
    assert frame["Description"].tolist() == [description]


def test_the_balances_of_each_statement_page_are_reported_and_checked():
    # intermediate balances (:60M:/:62M:) close one page and open the next; amounts,
    # balances and sums written as plain decimals however small (never 1E-7)
    text = (":20:X\n:25:NL12 BANK 0123 456789 EUR\nGirorekening\n:60F:C231229EUR0,0000001\n"
            ":61:240102D12,50NTRF\n:86:a\n:61:240103C12,5000001NTRF\n:86:b\n"
            ":62M:C240103EUR0,0000002\n:60M:C240103EUR0,0000002\n:61:240104D7,50NTRF\n"
            ":86:c\n:62F:D240105EUR80,00\n-}")
    export = read_mt940_lines(text, "x")
    # the account: the tag's first line, without its spaces and currency
    assert export.frame["Account"].tolist() == ["NL12BANK0123456789"] * 3
    assert export.frame["Amount"].tolist() == ["-12.50", "12.5000001", "-7.50"]
    assert export.info["balances"] == [
        {"opening": "0.0000001", "opening_date": "2023-12-29", "transactions": "2",
         "sum": "0.0000001", "closing": "0.0000002", "closing_date": "2024-01-03",
         "account": "NL12BANK0123456789", "currency": "EUR", "reconciles": "true"},
        {"opening": "0.0000002", "opening_date": "2024-01-03", "transactions": "1",
         "sum": "-7.50", "closing": "-80.00", "closing_date": "2024-01-05",
         "account": "NL12BANK0123456789", "currency": "EUR", "reconciles": "false"}]
    assert export.info["statements"] == 2


@pytest.mark.parametrize("text, statements", [
    (":20:X\n:61:240102D1,00NTRF\n:86:a\n-", 1),  # lines without balance lines: one
    (":20:X\n:25:NL12\n-", 0),                      # no line at all: none
])
def test_the_tolerant_reader_reports_itself_its_statements_and_the_formats_rules(
        text, statements):
    info = read_mt940_lines(text, "x").info
    assert info["format"] == "mt940" and info["reader"] == "tolerant (:61:/:86: lines)"
    assert info["statements"] == statements
    # MT940 fixes both: the amounts as read use a decimal point, dates are YYMMDD
    assert (info["hints"]["decimal"], info["hints"]["day_first"]) == (".", False)


def test_only_an_86_straight_after_a_line_describes_it():
    # a bank's own tag (:NS:) after the line is not its description
    text = ":20:X\n:61:240102D1,00NTRF//B1\nsupplementary\n:NS:22Ref 123\n-"
    assert read_mt940_lines(text, "x").frame["Description"].tolist() == ["supplementary"]


NEXT_MESSAGE = "{1:F01BANKNL2AXXX0000000000}{2:I940BANKNL2AXXXN}{4:\n:20:Y\n:25:NL12\n"


@pytest.mark.parametrize("reader", [read_mt940_lines, read_mt940_export])
@pytest.mark.parametrize("trailer", [
    "\n-}", "\n-", "\n}", "\n-\n", "\n- \n", "\r\n-\r\n",
    # the SWIFT trailer blocks after the text block's end, then the next message's header
    "\n-}{5:{CHK:123456789ABC}}", "\r\n-}{5:{CHK:123456789ABC}}\r\n", "\n-}{5:}\n" + NEXT_MESSAGE,
    "\n-}\n{5:{CHK:123456789ABC}}\n" + NEXT_MESSAGE,
])
def test_a_last_86_keeps_no_end_of_message_mark(trailer, reader):
    # a statement cut after its last line's details (no :62F:): the end of the message and
    # the envelope around the next one are no text, for the library and the line reader
    text = ":20:X\n:25:NL12\n:61:240102D1,00NTRF\n:86:Rent January" + trailer
    assert reader(text, "x").frame["Description"].tolist() == ["Rent January"]


def test_a_message_header_written_on_the_line_of_its_first_tag_leaves_the_tag():
    text = ("{1:F01BANKNL2AXXX0000000000}{2:I940BANKNL2AXXXN}{4::20:X\n:25:NL12\n"
            ":61:240102D1,00NTRF\n:86:Rent January\n-}")
    assert without_envelope(text).split("\n")[0] == ":20:X"
    # every line kept: the line reader names an unreadable line by its number in the file
    assert without_envelope(text).count("\n") == text.count("\n")
