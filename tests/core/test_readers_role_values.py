"""A header word never gives a column a role its values contradict: ``Valuta`` of dates is
the value date (German, Italian), ``Valuta`` of codes the currency (Swedish); the values
decide and the header word only breaks ties among the roles they allow."""

from __future__ import annotations

import pandas as pd
import pytest

from titans_finance.core.currency_codes import currency_share
from titans_finance.core.readers import parse_mappings, read_export
from titans_finance.core.readers.column_evidence import column_evidence
from titans_finance.core.readers.role_values import CONSISTENT_RATE, contradicts
from tests.core.test_readers_column_roles import amounts_of

GERMAN = ("Buchungstag;Valuta;Buchungstext;Betrag;Währung\n"
          "02.01.2024;03.01.2024;REWE SAGT DANKE 4711;-23,45;EUR\n"
          "04.01.2024;04.01.2024;GEHALT JANUAR ACME GMBH;2.500,00;EUR\n"
          "05.01.2024;;MIETE WOHNUNG JANUAR;-800,00;EUR\n")


def _contradicts(role: str, values: list[str]) -> bool:
    series = pd.Series(values, dtype="str")
    return contradicts(role, column_evidence(series, ","), series)


def test_a_valuta_column_of_dates_is_the_value_date_and_the_currency_comes_from_waehrung():
    amounts, info = amounts_of(GERMAN, "giro.csv")
    assert amounts == [-23.45, 2500.00, -800.00]
    assert info["columns"]["Date"] == ["Buchungstag"]
    assert info["columns"]["Value Date"] == ["Valuta"]
    assert info["columns"]["Currency"] == ["Währung"]
    export = read_export(GERMAN.encode(), "giro.csv")
    assert export.frame["Value Date"].tolist() == ["03.01.2024", "04.01.2024", ""]
    assert export.frame["Currency"].tolist() == ["EUR"] * 3
    notes = info["reading"]["notes"]
    assert any("'Valuta': the header says Currency but its values are dates" in n for n in notes)


def test_a_valuta_of_mostly_dates_is_the_value_date_by_its_header_word():
    # two dates and a label in three lines: no column of dates by the values alone (90 %),
    # but the header word's other meaning is one the values allow (half or more)
    text = ("Datum;Valuta;Text;Betrag\n02.01.2024;03.01.2024;REWE MARKT;-1,00\n"
            "03.01.2024;Storno;ACME GMBH;2,00\n04.01.2024;04.01.2024;EDEKA;-3,00\n")
    export = read_export(text.encode(), "giro.csv")
    assert export.info["columns"]["Value Date"] == ["Valuta"]
    assert "Currency" not in export.info["columns"]
    assert export.info["reading"]["columns"]["Valuta"]["decided_by"] == (
        "the header word can mean Value Date and the values agree (mostly dates)")


def test_a_second_currency_header_takes_the_role_the_first_one_lost():
    # "Valuta" (dates) comes first and "Währung" is the second column named for the currency:
    # its values allow it (two codes in three), short of what the values alone would need
    text = ("Buchungstag;Valuta;Text;Betrag;Währung\n"
            "02.01.2024;03.01.2024;REWE MARKT;-23,45;EUR\n"
            "04.01.2024;04.01.2024;KARTE USA;-50,00;EUR/USD\n"
            "05.01.2024;05.01.2024;MIETE;-800,00;EUR\n")
    export = read_export(text.encode(), "giro.csv")
    assert export.info["columns"]["Currency"] == ["Währung"]
    assert export.info["columns"]["Value Date"] == ["Valuta"]


def test_an_italian_valuta_of_dates_without_a_currency_column_leaves_no_currency_column():
    text = ("Data;Valuta;Descrizione;Importo\n"
            "02/01/2024;03/01/2024;PAGAMENTO POS ESSELUNGA;-23,45\n"
            "04/01/2024;04/01/2024;BONIFICO STIPENDIO ACME;2.500,00\n")
    amounts, info = amounts_of(text, "conto.csv")
    assert amounts == [-23.45, 2500.00]
    assert info["columns"]["Value Date"] == ["Valuta"] and "Currency" not in info["columns"]


def test_a_swedish_valuta_of_currency_codes_stays_the_currency():
    # the other side: the same word holding codes is the currency
    text = ("Datum;Text;Belopp;Valuta\n2024-01-02;ICA MAXI STOCKHOLM;-123,40;SEK\n"
            "2024-01-03;LONEUTBETALNING ACME;25000,00;SEK\n2024-01-05;SL ACCESS KORT;-42,00;\n")
    amounts, info = amounts_of(text, "konto.csv")
    assert amounts == [-123.40, 25000.00, -42.00]
    assert info["columns"]["Currency"] == ["Valuta"] and "Value Date" not in info["columns"]


def test_a_waehrung_column_holding_dates_is_no_currency():
    # a header in the wrong place: the values are dates, so the column is a second column of
    # dates, weighed as one (`date_columns.booking_date`: never before the other, it is the
    # booking date); no currency is read from it
    text = ("Buchungstag;Text;Betrag;Währung\n02.01.2024;REWE MARKT;-23,45;03.01.2024\n"
            "04.01.2024;GEHALT ACME;2.500,00;04.01.2024\n")
    amounts, info = amounts_of(text, "giro.csv")
    assert amounts == [-23.45, 2500.00]
    assert info["columns"]["Date"] == ["Währung"] and info["columns"]["Value Date"] == [
        "Buchungstag"]
    assert "Currency" not in info["columns"]


def test_a_valutadatum_stays_the_value_date():
    text = ("Boekdatum;Valutadatum;Omschrijving;Bedrag;Munt\n"
            "02-01-2024;03-01-2024;ALBERT HEIJN 1234;-12,40;EUR\n"
            "03-01-2024;03-01-2024;SALARIS ACME BV;2100,00;EUR\n")
    amounts, info = amounts_of(text, "ing.csv")
    assert amounts == [-12.40, 2100.00]
    assert info["columns"]["Value Date"] == ["Valutadatum"] and info["columns"]["Currency"] == [
        "Munt"]


@pytest.mark.parametrize("header, value", [("Devise", "EUR"), ("Moneda", "€"),
                                           ("Währung", "eur")])
def test_a_currency_column_with_a_few_blanks_stays_the_currency(header, value):
    text = (f"Date;Libellé;Montant;{header}\n02/01/2024;CARTE CARREFOUR;-23,45;{value}\n"
            f"04/01/2024;VIREMENT SALAIRE;2500,00;\n05/01/2024;PRLV EDF;-80,00;{value}\n")
    amounts, info = amounts_of(text, "compte.csv")
    assert amounts == [-23.45, 2500.00, -80.00]
    assert info["columns"]["Currency"] == [header]


def test_a_currency_header_holds_at_least_half_currency_values():
    # boundary of CONSISTENT_RATE: one code in two written values stands, one in three not
    assert CONSISTENT_RATE == 0.5
    assert not _contradicts("Currency", ["EUR", "03.01.2024", ""])
    assert _contradicts("Currency", ["EUR", "03.01.2024", "04.01.2024"])
    assert not _contradicts("Currency", ["", "", ""])  # nothing written contradicts nothing


def test_a_date_header_holds_at_least_half_dates():
    assert not _contradicts("Value Date", ["03.01.2024", "Saldo", "", ""])
    assert _contradicts("Value Date", ["03.01.2024", "Saldo", "Saldo"])
    assert _contradicts("Date", ["REWE", "ACME", "EDEKA"])


def test_currency_values_are_codes_symbols_or_names():
    text = pd.Series(["NGN", "€", "US$", "Euro", "zł", "LTL"])
    assert currency_share(text) == 1.0
    assert currency_share(pd.Series(["POS", "DEB", "BGC", "EUR"])) == 0.25
    assert currency_share(pd.Series([], dtype="str")) == 0.0


def test_a_spanish_valor_of_dates_is_the_value_date_and_importe_the_amount():
    text = ("Fecha;Valor;Concepto;Importe;Saldo\n02/01/2024;03/01/2024;MERCADONA;-23,45;976,55\n"
            "04/01/2024;04/01/2024;NOMINA ACME;2500,00;3476,55\n"
            "05/01/2024;;ALQUILER;-800,00;2676,55\n")
    amounts, info = amounts_of(text, "cuenta.csv")
    assert amounts == [-23.45, 2500.00, -800.00]
    assert info["columns"]["Value Date"] == ["Valor"] and info["columns"]["Amount"] == ["Importe"]
    assert info["reconciliation"]["status"] == "proven"


def test_a_portuguese_valor_of_amounts_stays_the_amount():
    text = ("Data;Descrição;Valor\n02/01/2024;CONTINENTE LISBOA;-23,45\n"
            "04/01/2024;SALARIO ACME;2500,00\n")
    amounts, info = amounts_of(text, "conta.csv")
    assert amounts == [-23.45, 2500.00] and info["columns"]["Amount"] == ["Valor"]


def test_an_amount_header_over_text_gives_the_amount_to_the_column_of_amounts():
    text = ("Datum;Text;Betrag;Summe\n02.01.2024;REWE MARKT;Kartenzahlung;-23,45\n"
            "04.01.2024;ACME GMBH;Gutschrift;2500,00\n05.01.2024;VERMIETER;Dauerauftrag;-800,00\n")
    amounts, info = amounts_of(text, "giro.csv")
    assert amounts == [-23.45, 2500.00, -800.00] and info["columns"]["Amount"] == ["Summe"]


def test_an_amount_header_over_text_alone_quarantines_every_line_never_reads_money():
    text = ("Datum;Text;Betrag\n02.01.2024;REWE MARKT;Kartenzahlung\n"
            "04.01.2024;ACME GMBH;Gutschrift\n")
    with pytest.raises(AssertionError, match="amount"):
        amounts_of(text, "giro.csv")


@pytest.mark.parametrize("values, contradicted", [
    (["03.01.2024", "04.01.2024"], True),   # dates are no money
    (["-23,45", "Kartenzahlung"], False),   # one amount: lines are quarantined, not re-read
])
def test_a_money_header_is_contradicted_by_dates(values, contradicted):
    assert _contradicts("Amount", values) is contradicted


def test_a_debit_credit_header_over_signed_amounts_is_the_amount():
    text = ("Date,Description,Debit/Credit,Balance\n2024-01-02,TESCO STORES 3021,-12.40,987.60\n"
            "2024-01-03,SALARY ACME LTD,2100.00,3087.60\n2024-01-05,TFL TRAVEL,-2.40,3085.20\n")
    amounts, info = amounts_of(text, "current.csv")
    assert amounts == [-12.40, 2100.00, -2.40]
    assert info["columns"]["Amount"] == ["Debit/Credit"] and "Debit/Credit" not in info["columns"]


@pytest.mark.parametrize("values, contradicted", [
    (["D", "C", "D"], False), (["Debit", "Credit", "DR", "CR"], False),
    (["S", "H", "RS"], False), (["TESCO", "ACME", "TFL", "BP"], True),
    (["-12.40", "2100.00"], True), (["0", "1", "1"], False),
])
def test_a_debit_credit_header_needs_a_two_or_three_valued_indicator(values, contradicted):
    assert _contradicts("Debit/Credit", values) is contradicted


def test_a_type_header_over_amounts_is_the_amount():
    text = ("Date;Description;Type\n2024-01-02;TESCO STORES;-12.40\n"
            "2024-01-03;SALARY ACME;2100.00\n")
    amounts, info = amounts_of(text, "card.csv")
    assert amounts == [-12.40, 2100.00] and info["columns"]["Amount"] == ["Type"]


@pytest.mark.parametrize("values, contradicted", [
    (["CARD", "TRANSFER"], False), (["1234", "5678"], False),  # cheque numbers are text
    (["-12.40", "2100.00"], True), (["02.01.2024", "03.01.2024"], True)])
def test_a_text_header_is_contradicted_by_dates_and_decimal_amounts(values, contradicted):
    assert _contradicts("Description", values) is contradicted


def test_a_date_and_a_description_header_written_over_each_others_columns():
    text = ("Datum;Beschreibung;Betrag\nREWE MARKT;02.01.2024;-23,45\n"
            "GEHALT ACME;04.01.2024;2500,00\nMIETE JANUAR;05.01.2024;-800,00\n")
    amounts, info = amounts_of(text, "giro.csv")
    assert amounts == [-23.45, 2500.00, -800.00]
    assert info["columns"]["Date"] == ["Beschreibung"]
    assert info["columns"]["Description"] == ["Datum"]


def test_a_declared_column_is_never_overruled():
    mapping = parse_mappings({"mappings": [{
        "match": "giro.csv", "columns": {"date": "Buchungstag", "amount": "Betrag",
                                         "currency": "Valuta"}}]}, "t")[0]
    export = read_export(GERMAN.encode(), "giro.csv", mapping)
    assert export.info["columns"]["Currency"] == ["Valuta"]


DKB = ("Buchungstag;Wertstellung;Buchungstext;Auftraggeber / Begünstigter;Kontonummer;"
       "Betrag (EUR)\n"
       "02.01.2024;02.01.2024;Lastschrift;REWE Markt GmbH;DE02120300000000202051;-23,45\n"
       "04.01.2024;04.01.2024;Gutschrift;ACME GmbH;DE89370400440532013000;2.500,00\n"
       "05.01.2024;05.01.2024;Dauerauftrag;Vermieter Hausverwaltung;{third};-800,00\n")


def test_an_account_header_over_the_counterparties_numbers_is_no_account():
    amounts, info = amounts_of(DKB.format(third="DE75512108001245126199"), "dkb.csv")
    assert amounts == [-23.45, 2500.00, -800.00] and "Account" not in info["columns"]
    assert "counterparty" in info["reading"]["columns"]["Kontonummer"]["decided_by"]


def test_an_account_header_over_a_repeated_number_stays_the_account():
    # the other side: two numbers in three lines, one repeated, are the file's accounts
    text = DKB.format(third="DE02120300000000202051")
    export = read_export(text.encode(), "dkb.csv")
    assert export.info["columns"]["Account"] == ["Kontonummer"]


@pytest.mark.parametrize("values, contradicted", [
    (["DE01", "DE02", "DE03", "DE01", "DE02", "DE03"], False),  # 3 in 6: one in two
    (["DE01", "DE02", "DE03", "DE04", "DE01", "DE02"], True),   # 4 in 6
    (["DE01", "DE02"], False),                                   # two lines, two accounts
    (["DE01", "DE02", "DE03"], True)])
def test_an_account_column_changes_on_at_most_one_line_in_two(values, contradicted):
    assert _contradicts("Account", values) is contradicted


def test_a_date_header_over_text_with_no_other_dates_stays_and_quarantines_its_lines():
    # the other side of the swapped headers above: no column holds dates, so the header's
    # date column stays and each line is quarantined (invalid_date), the file is not refused
    text = "Datum;Text;Betrag\nunbekannt;REWE MARKT;-23,45\nunbekannt;ACME GMBH;2500,00\n"
    with pytest.raises(AssertionError, match="invalid_date"):
        amounts_of(text, "giro.csv")
    export = read_export(text.encode(), "giro.csv")
    assert export.info["columns"]["Date"] == ["Datum"]
    assert export.info["reading"]["columns"]["Datum"]["decided_by"] == (
        "header word; no column holds dates (lines whose date does not read are quarantined)")


def test_a_date_header_over_whole_numbers_stays_the_date():
    # compact dates (Berka's YYMMDD) read as whole numbers, not as dates: the header decides
    assert not _contradicts("Date", ["930103", "930104", "930105"])
    assert _contradicts("Date", ["12.50", "7.10", "3.99"])  # amounts with decimals are none
    text = ("trans_id,date,type,amount,balance\n452728,930103,PRIJEM,600.00,600.00\n"
            "497211,930104,VYDAJ,200.00,400.00\n")
    export = read_export(text.encode(), "trans.csv")
    assert export.info["columns"]["Date"] == ["date"]


# The decisions on evidence itself (`column_evidence`'s keys), each on its boundary value and
# on each side: a key the column lacks counts as nothing.

@pytest.mark.parametrize("evidence, words", [
    ({"date_rate": 0.9, "amount_rate": 1.0}, "dates"),
    ({"date_rate": 0.89, "flag": True, "amount_rate": 1.0}, "0/1 flags"),
    ({"amount_rate": 0.9, "currency_rate": 1.0, "tokens": {}}, "amounts"),
    ({"amount_rate": 0.89, "currency_rate": 0.9, "tokens": {}}, "currency codes"),
    ({"currency_rate": 0.89, "tokens": {}, "date_rate": 0.5}, "a few short values"),
    ({"date_rate": 0.5}, "mostly dates"),
    ({"date_rate": 0.49, "amount_rate": 0.89, "currency_rate": 0.89}, "text"),
    ({}, "text"),
])
def test_what_the_values_are_is_said_from_the_first_kind_they_reach(evidence, words):
    from titans_finance.core.readers.role_values import values_are
    assert values_are(evidence) == words


WRITTEN = {"values": 4}


@pytest.mark.parametrize("role, evidence, contradicted", [
    ("Date", {"date_rate": 0.5}, False), ("Date", {"date_rate": 0.49}, True),
    ("Value Date", {"date_rate": 0.5}, False), ("Value Date", {"date_rate": 0.49}, True),
    ("Date", {}, True), ("Date", {"integers_only": True}, False),       # compact dates
    ("Currency", {"currency_rate": 0.5}, False), ("Currency", {"currency_rate": 0.49}, True),
    ("Currency", {}, True),
    ("Amount", {"date_rate": 0.9}, True), ("Amount", {"date_rate": 0.89}, False),
    ("Balance", {"date_rate": 0.9}, True), ("Money Out", {}, False),
    # a fee column needs one amount or 0/1 flags (`fee_columns` reads them)
    ("Fee", {}, True), ("Fee", {"amount_rate": 0.25}, False), ("Fee", {"flag": True}, False),
    ("Fee", {"date_rate": 0.9, "amount_rate": 1.0}, True),
    ("Debit/Credit", {"date_rate": 0.9}, True),
    ("Debit/Credit", {"amount_rate": 0.9}, True), ("Debit/Credit", {"amount_rate": 0.89}, False),
    ("Debit/Credit", {"amount_rate": 1.0, "flag": True}, False),
    ("Description", {"date_rate": 0.9}, True), ("Description", {"date_rate": 0.89}, False),
    ("Type", {"amount_rate": 0.9}, True), ("Type", {"amount_rate": 0.89}, False),
    ("Category", {"amount_rate": 1.0, "flag": True}, False),
    ("Status", {"amount_rate": 1.0, "integers_only": True}, False),
    ("Payment Method", {"amount_rate": 1.0, "date_rate": 0.9}, True),
    ("Account", {"date_rate": 0.9}, True), ("Account", {"date_rate": 0.89}, False),
    ("Reference", {"date_rate": 1.0, "amount_rate": 1.0}, False),    # left as named
])
def test_a_role_is_contradicted_by_the_kinds_of_its_values(role, evidence, contradicted):
    values = pd.Series(["D", "C", "D", "C"])
    assert contradicts(role, {**WRITTEN, **evidence}, values) is contradicted


@pytest.mark.parametrize("role", ["Date", "Currency", "Fee", "Debit/Credit", "Account"])
def test_a_column_with_no_written_value_contradicts_no_role(role):
    assert contradicts(role, {"values": 0}, pd.Series([None, None])) is False


@pytest.mark.parametrize("values, contradicted", [
    (["D", "C", "X"], False),                  # three values: an indicator, whatever they say
    (["D", "C", "X", "Y"], True),              # four, two of them no direction word
    (["Debit", "Credit", "DR", "CR", "D"], False),   # five, every one a direction word
    (["Debit", "Credit", "DR", "CR", "EUR"], True),  # five, one not
    (["D", "C", "X", None, " "], False),       # a missing or blank value is no fourth value
])
def test_a_debit_credit_column_of_more_than_three_values_needs_direction_words(
        values, contradicted):
    assert contradicts("Debit/Credit", {"values": len(values)}, pd.Series(values)) is (
        contradicted)


@pytest.mark.parametrize("distinct, written, contradicted", [
    (3, 5, True), (3, 6, False),     # 3 distinct in 5 lines changes on most; in 6, half
    (2, 3, False), (4, 7, True), (4, 8, False)])
def test_an_account_column_of_counterparties_has_three_or_more_values_on_most_lines(
        distinct, written, contradicted):
    evidence = {"values": written, "distinct": distinct}
    assert contradicts("Account", evidence, pd.Series(["x"] * written)) is contradicted


def _booked_sides(booked_in: list[str], booked_out: list[str]) -> bytes:
    # an ICBC layout: the transaction's sides (dashes) before the booked sides (amounts)
    return ("交易日期,摘要,交易金额(收入),交易金额(支出),记账金额(收入),记账金额(支出)\n" + "".join(
        f"2023-04-{10 + i:02d},消费,-,-,{a},{b}\n"
        for i, (a, b) in enumerate(zip(booked_in, booked_out)))).encode()


@pytest.mark.parametrize("amounts, moved", [(9, True), (8, False)])
def test_a_side_moves_to_its_namesake_when_nine_in_ten_of_its_values_are_amounts(
        amounts, moved):
    # PARSE_RATE: 9 amounts and a dash (0.9) are a column of amounts; 8 and a dash (0.89) not
    export = read_export(_booked_sides(["1.00"] * amounts + ["-"], [""] * amounts + ["2.00"]),
                         "x.csv")
    assert export.info["columns"]["Money In"] == ["记账金额(收入)" if moved else "交易金额(收入)"]
    if moved:
        assert export.info["reading"]["columns"]["记账金额(收入)"]["decided_by"] == (
            "the header names Money In and the values are amounts ('交易金额(收入)', named so "
            "first, holds none)")


def test_a_namesake_with_no_written_value_takes_no_side():
    export = read_export(_booked_sides(["", "", ""], ["13.40", "24.00", "5.00"]), "x.csv")
    assert export.info["columns"]["Money In"] == ["交易金额(收入)"]
    assert export.info["columns"]["Money Out"] == ["记账金额(支出)"]


def _decided_by(text: str) -> dict[str, str]:
    export = read_export(text.encode(), "giro.csv")
    return {c: v["decided_by"] for c, v in export.info["reading"]["columns"].items()}


@pytest.mark.parametrize("plain, agree", [(9, True), (8, False)])
def test_a_header_column_is_marked_where_fewer_than_nine_in_ten_values_are_of_its_role(
        plain, agree):
    # PARSE_RATE: 9 dates (amounts) in 10 values are plainly of the role; 8 stay (at least
    # half, CONSISTENT_RATE) and are marked in the reading report
    mark = "header word" + ("" if agree else " (values disagree)")
    dates = [f"{d:02d}.01.2024" for d in range(1, plain + 1)] + ["Storno"] * (10 - plain)
    lines = "".join(f"{d};REWE;-1,00;EUR\n" for d in dates)
    decided = _decided_by("Datum;Text;Betrag;Währung\n" + lines)
    assert decided["Datum"] == mark
    assert decided["Betrag"] == decided["Währung"] == "header word"  # a currency: no mark
    amounts = ["-1,00"] * plain + ["offen"] * (10 - plain)
    lines = "".join(f"{d:02d}.01.2024;REWE;{a}\n" for d, a in enumerate(amounts, start=1))
    decided = _decided_by("Datum;Text;Betrag\n" + lines)
    assert decided["Betrag"] == mark and decided["Datum"] == "header word"


def test_a_header_column_with_no_written_value_is_not_marked():
    decided = _decided_by("Datum;Wertstellung;Text;Betrag\n02.01.2024;;REWE;-1,00\n"
                          "03.01.2024;;ACME;2,00\n")
    assert decided["Wertstellung"] == "header word"


@pytest.mark.parametrize("plain, agree", [(9, True), (8, False)])
def test_a_value_date_a_balance_and_both_sides_are_marked_below_nine_in_ten(plain, agree):
    mark = "header word" + ("" if agree else " (values disagree)")
    odd = ["offen"] * (10 - plain)
    value_dates = [f"{d:02d}.01.2024" for d in range(1, plain + 1)] + ["Storno"] * (10 - plain)
    balances = [f"{100 - d},00" for d in range(plain)] + odd
    decided = _decided_by("Datum;Wertstellung;Text;Betrag;Saldo\n" + "".join(
        f"{d:02d}.01.2024;{v};REWE;-1,00;{s}\n"
        for d, v, s in zip(range(1, 11), value_dates, balances)))
    assert decided["Wertstellung"] == decided["Saldo"] == mark
    sides = ["1,00"] * plain + odd
    decided = _decided_by("Datum;Text;Haben;Soll\n" + "".join(
        f"{d:02d}.01.2024;REWE;{s};{s}\n" for d, s in zip(range(1, 11), sides)))
    assert decided["Haben"] == decided["Soll"] == mark


def test_a_currency_column_of_dates_beside_date_and_value_date_is_no_third_date():
    # both date roles are taken: the column loses the currency and takes nothing
    decided = _decided_by("Buchungstag;Wertstellung;Text;Betrag;Währung\n"
                          "02.01.2024;02.01.2024;REWE MARKT;-23,45;03.01.2024\n"
                          "04.01.2024;04.01.2024;GEHALT ACME;2.500,00;04.01.2024\n")
    assert decided["Währung"] == "values are dates, not a Currency (header word)"
    export = read_export(("Buchungstag;Wertstellung;Text;Betrag;Währung\n"
                          "02.01.2024;02.01.2024;REWE;-23,45;03.01.2024\n").encode(), "giro.csv")
    assert export.info["columns"]["Value Date"] == ["Wertstellung"]
    assert "Currency" not in export.info["columns"]


def test_a_currency_column_of_dates_beside_one_date_is_the_second_column_of_dates():
    decided = _decided_by("Buchungstag;Text;Betrag;Währung\n02.01.2024;REWE MARKT;-23,45;"
                          "03.01.2024\n04.01.2024;GEHALT ACME;2.500,00;04.01.2024\n")
    # read first as a second column of dates; the date rule then makes it the date the
    # lines carry (never before Buchungstag, after it once), and the report says both
    assert decided["Währung"] == (
        "the date the lines carry (decided by never_before_the_other; first read as Value "
        "Date: values are dates: a second column of dates)")


def test_every_column_of_a_role_is_checked_not_only_the_first():
    # a numbered description part joins the description; one of dates is checked on its own
    text = ("Date,Description,Description 2,Amount\n2024-01-02,TESCO,2024-01-03,-1.00\n"
            "2024-01-03,ACME,2024-01-04,2.00\n2024-01-05,BP,2024-01-06,-3.00\n")
    export = read_export(text.encode(), "x.csv")
    assert export.info["columns"]["Description"] == ["Description"]
    assert export.frame["Description"].tolist() == ["TESCO", "ACME", "BP"]


def test_a_debit_credit_header_over_four_payees_is_no_indicator():
    text = ("Date,Description,Debit/Credit,Amount\n2024-01-02,a,TESCO,-1.00\n"
            "2024-01-03,b,ACME,2.00\n2024-01-04,c,TFL,-3.00\n2024-01-05,d,BP,-4.00\n")
    amounts, info = amounts_of(text, "x.csv")
    assert amounts == [-1.00, 2.00, -3.00, -4.00] and "Debit/Credit" not in info["columns"]
    assert info["reading"]["columns"]["Debit/Credit"]["decided_by"] == (
        "values are text, not a Debit/Credit (header word)")


def test_a_declared_role_is_passed_over_and_the_header_roles_after_it_still_checked():
    # only the date is declared: the Valuta after it is still checked (its dates are the
    # value date, the currency goes to Währung)
    mapping = parse_mappings({"mappings": [{"match": "giro.csv",
                                            "columns": {"date": "Buchungstag"}}]}, "t")[0]
    export = read_export(GERMAN.encode(), "giro.csv", mapping)
    assert export.info["columns"]["Value Date"] == ["Valuta"]
    assert export.info["columns"]["Currency"] == ["Währung"]


def test_the_role_a_header_lost_goes_only_to_a_column_whose_header_names_it_too():
    # a second Währung of codes takes the currency, with why; an empty column, a column of
    # text named for the currency, and a text column named for nothing take nothing
    text = ("Buchungstag;Valuta;Text;Betrag;Währung\n02.01.2024;03.01.2024;REWE;-23,45;EUR\n"
            "04.01.2024;04.01.2024;KARTE USA;-50,00;EUR/USD\n05.01.2024;05.01.2024;MIETE;"
            "-800,00;EUR\n")
    assert _decided_by(text)["Währung"] == (
        "the header names Currency and the values agree (the column first named so holds "
        "something else)")
    export = read_export(("Data;Valuta;Descrizione;Importo;Nota\n02/01/2024;03/01/2024;"
                          "ESSELUNGA;-23,45;\n04/01/2024;04/01/2024;ACME;2.500,00;\n").encode(),
                         "conto.csv")
    assert "Currency" not in export.info["columns"]
    assert export.info["reading"]["columns"]["Nota"]["decided_by"] == "not used"
    export = read_export(text.replace("EUR/USD", "def").replace("EUR", "abc").encode(), "g.csv")
    assert "Currency" not in export.info["columns"]
    decided = _decided_by("Datum;Beschreibung;Betrag;Notiz\n02.01.2024;03.01.2024;-1,00;REWE "
                          "MARKT\n03.01.2024;04.01.2024;2,00;ACME GMBH\n04.01.2024;05.01.2024;"
                          "-3,00;EDEKA\n")
    assert decided["Notiz"] == "free text"


def test_a_second_debit_credit_header_over_d_and_c_takes_the_direction_the_first_lost():
    text = ("Date,Description,Debit/Credit,Amount,Credit/Debit\n2024-01-02,a,TESCO,1.00,D\n"
            "2024-01-03,b,ACME,2.00,C\n2024-01-04,c,TFL,3.00,D\n2024-01-05,d,BP,4.00,D\n")
    amounts, info = amounts_of(text, "x.csv")
    assert amounts == [-1.00, 2.00, -3.00, -4.00]
    assert info["columns"]["Debit/Credit"] == ["Credit/Debit"]


def test_a_date_header_over_codes_stays_dropped_when_another_column_holds_the_dates():
    text = ("Datum;Text;Betrag;Spalte\nA1;REWE;-1,00;02.01.2024\nB2;ACME;2,00;03.01.2024\n"
            "A1;EDEKA;-3,00;04.01.2024\n")
    export = read_export(text.encode(), "giro.csv")
    assert export.info["columns"]["Date"] == ["Spalte"]
    assert export.info["reading"]["columns"]["Datum"]["decided_by"] == (
        "values are text, not a Date (header word)")


def test_only_the_date_headers_column_is_restored_as_the_date_not_another_dropped_one():
    # the direction header's payees are dropped first; the date header's column comes back
    text = ("Soll/Haben;Datum;Text;Betrag\nREWE;unbekannt;a;-23,45\nACME;unbekannt;b;2500,00\n"
            "EDEKA;unbekannt;c;-1,00\nLIDL;unbekannt;d;-2,00\n")
    export = read_export(text.encode(), "giro.csv")
    assert export.info["columns"]["Date"] == ["Datum"]
