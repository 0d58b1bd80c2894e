"""Of two date columns, the booking date is decided from the values (readers/date_columns)."""

from __future__ import annotations

import pandas as pd
import pytest

from titans_finance.core.readers import read_export
from titans_finance.core.readers.base import ExportReadError
from titans_finance.core.readers.date_columns import booking_date
from titans_finance.core.readers.mapping import parse_mappings


def _decide(first, second):
    frame = pd.DataFrame({"Started Date": first, "Completed Date": second}, dtype="str")
    return booking_date(frame, {"Date": ["Started Date"]}, ["Completed Date"])


def test_the_date_never_before_the_other_is_the_booking_date():
    roles, unrecognised, evidence = _decide(["2024-01-02", "2024-01-03"],
                                            ["2024-01-04", "2024-01-03"])
    assert roles["Date"] == ["Completed Date"] and roles["Value Date"] == ["Started Date"]
    assert unrecognised == [] and evidence["decided_by"] == "never_before_the_other"
    # a single day before the other on one row is enough to tell
    roles, _, _ = _decide(["2024-01-02", "2024-01-03"], ["2024-01-02", "2024-01-02"])
    assert roles["Date"] == ["Started Date"]


def test_the_same_days_keep_the_first_column():
    roles, _, evidence = _decide(["2024-01-02", "2024-01-03"], ["2024-01-02", "2024-01-03"])
    assert roles["Date"] == ["Started Date"] and evidence["decided_by"] == "first_column"


def test_when_each_is_before_the_other_somewhere_the_file_order_decides():
    started = ["2024-01-05", "2024-01-01", "2024-01-04", "2024-01-09"]
    completed = ["2024-01-03", "2024-01-04", "2024-01-06", "2024-01-08"]  # in file order
    roles, _, evidence = _decide(started, completed)
    assert roles["Date"] == ["Completed Date"] and evidence["decided_by"] == "file_order"


def test_a_declared_date_column_wins():
    text = b"Started Date,Completed Date,Description,Amount\n2024-01-02,2024-01-04,A,-1\n"
    mapping_free = read_export(text, "a.csv")
    assert mapping_free.frame["Date"].tolist() == ["2024-01-04"]
    from titans_finance.core.readers import parse_mappings

    declared = parse_mappings({"mappings": [{"match": "a.csv",
                                             "columns": {"date": "Started Date"}}]}, "m")[0]
    assert read_export(text, "a.csv", declared).frame["Date"].tolist() == ["2024-01-02"]


def _by_values(first, second, second_name="Datum verrekening"):
    frame = pd.DataFrame({"datum verrichting": first, second_name: second}, dtype="str")
    return booking_date(frame, {"Date": ["datum verrichting"], "Value Date": [second_name]}, [])


def test_a_second_date_column_found_by_its_values_is_weighed_too():
    # a card's settlement date, never before the transaction date: the booking date
    roles, unrecognised, evidence = _by_values(["01/02/2020", "24/01/2020"],
                                               ["03/02/2020", "24/01/2020"])
    assert roles["Date"] == ["Datum verrekening"]
    assert roles["Value Date"] == ["datum verrichting"] and unrecognised == []
    assert evidence["decided_by"] == "never_before_the_other"
    # the same days on every line: the first column stays the date
    roles, _, evidence = _by_values(["01/02/2020", "24/01/2020"], ["01/02/2020", "24/01/2020"])
    assert roles["Date"] == ["datum verrichting"] and evidence["decided_by"] == "first_column"
    # one line where the second is a day earlier: the first is never before it
    roles, _, _ = _by_values(["01/02/2020", "24/01/2020"], ["31/01/2020", "24/01/2020"])
    assert roles["Date"] == ["datum verrichting"]


def test_a_column_whose_header_names_a_value_date_stays_the_value_date():
    roles, _, evidence = _by_values(["2019.04.17.", "2019.04.19."],
                                    ["2019.04.18.", "2019.04.19."], second_name="Értéknap")
    assert roles["Date"] == ["datum verrichting"] and roles["Value Date"] == ["Értéknap"]
    assert evidence is None


def test_a_second_date_header_over_text_is_no_booking_date():
    # "Datum" twice: the second holds text, so the first stays the date whatever the order
    frame = pd.DataFrame({"Datum": ["05.01.2024", "02.01.2024", "04.01.2024"],
                          "Date": ["REWE", "ACME", "EDEKA"]}, dtype="str")
    roles, unrecognised, evidence = booking_date(frame, {"Date": ["Datum"]}, ["Date"])
    assert roles == {"Date": ["Datum"]} and unrecognised == ["Date"] and evidence is None
    # the other side: half its written values dates (one empty) is still a date column
    frame["Date"] = ["06.01.2024", "", "Storno"]
    roles, _, evidence = booking_date(frame, {"Date": ["Datum"]}, ["Date"])
    # (weighed as a date column: never before the other on the one line both fill)
    assert evidence["decided_by"] == "never_before_the_other" and roles["Date"] == ["Date"]


def test_the_value_date_column_tells_the_order_of_ambiguous_booking_dates():
    from tests.core.test_readers_column_roles import amounts_of
    text = ("Booking date;Value date;Text;Amount\n01/02/2024;30/01/2024;Shop;-12,40\n"
            "05/02/2024;05/02/2024;Salary;2100,00\n")
    amounts, info = amounts_of(text, "nl.csv")
    assert amounts == [-12.4, 2100.0]
    assert info["day_first"] is True and info["date_order_ambiguous"] is False
    assert info["date_order_evidence"]["decided_by"] == "value_date_column"


VTB = ("Дата операции;Дата обработки;Сумма;Основание\n"
       "2019-07-06 00:00:00;2019-07-08;-336,15;payee1\n"
       "2019-07-05 00:00:00;2019-07-07;-300,00;MTS\n"
       "2019-07-13 10:48:55;;-600,00;MEGAFON\n")


def _normalised(text: str, name: str):
    from tests.core.test_readers_column_roles import PARAMS
    from titans_finance.pipelines.ingestion.nodes import normalise_transactions
    export = read_export(text.encode("utf-8"), name, None)
    raw = export.frame.assign(**{"Source File": name})
    raw.attrs["source"] = {**export.info, "name": name}
    clean, quarantine, fixes = normalise_transactions(raw, PARAMS)
    return clean, quarantine, {**export.info, **fixes["files"][name]}


def test_a_date_named_by_one_word_of_its_header_is_weighed_for_the_booking_date():
    # VTB (RU): the operation date and the processing date (never before it), the second
    # named only by its word "дата"; a line not processed yet has no processing date: not
    # booked, set aside (the next statement books it on its own day)
    clean, quarantine, info = _normalised(VTB, "vtb.csv")
    assert info["columns"]["Date"] == ["Дата обработки"]
    assert info["columns"]["Value Date"] == ["Дата операции"]
    assert info["lines_without_booking_date"] == 1
    assert sorted(clean["amount"].tolist()) == [-336.15, -300.0]
    assert quarantine[["source_row", "reasons"]].values.tolist() == [[3, "not_booked"]]
    # every line booked: nothing to report, nothing set aside
    clean, quarantine, info = _normalised(VTB.replace(";;-600", ";2019-07-14;-600"), "vtb.csv")
    assert "lines_without_booking_date" not in info and quarantine.empty and len(clean) == 3


def test_a_file_whose_only_written_date_is_the_value_date_is_dated_by_it():
    # no line writes the booking date: nothing is pending, the value date dates every line
    raw = pd.DataFrame({"Date": ["", ""], "Value Date": ["2024-01-02", "2024-01-03"],
                        "Amount": ["-5.00", "7.00"], "Source File": "v.csv"})
    raw.attrs["source"] = {"name": "v.csv", "hints": {}}
    from tests.core.test_readers_column_roles import PARAMS
    from titans_finance.pipelines.ingestion.nodes import normalise_transactions
    clean, quarantine, fixes = normalise_transactions(raw, PARAMS)
    assert clean["amount"].tolist() == [-5.0, 7.0] and quarantine.empty
    assert "lines_without_booking_date" not in fixes["files"]["v.csv"]
    # one line booked beside it: the other, with its value date only, is not booked
    raw.loc[0, "Date"] = "2024-01-02"
    clean, quarantine, fixes = normalise_transactions(raw, PARAMS)
    assert clean["amount"].tolist() == [-5.0]
    assert quarantine["reasons"].tolist() == ["not_booked"]
    assert fixes["files"]["v.csv"]["lines_without_booking_date"] == 1
    # a line set aside for what it is (its value date no date: a summary line's label) is
    # not counted as pending
    raw.loc[1, "Value Date"] = "Saldo"
    _, quarantine, fixes = normalise_transactions(raw, PARAMS)
    assert quarantine["reasons"].tolist() == ["invalid_date"]
    assert "lines_without_booking_date" not in fixes["files"]["v.csv"]
    # a line with neither date is missing its date, not pending
    raw.loc[1, "Value Date"] = ""
    _, quarantine, fixes = normalise_transactions(raw, PARAMS)
    assert quarantine["reasons"].tolist() == ["missing_date"]
    assert "lines_without_booking_date" not in fixes["files"]["v.csv"]


def test_a_german_card_s_day_of_receipt_is_the_booking_date_of_its_voucher_dates():
    # Belegdatum (the voucher's day) and Eingangstag (the day the charge came in and was
    # booked): the day of receipt is never before the voucher's
    text = ("Belegdatum;Eingangstag;Verwendungszweck;Betrag;Währung\n"
            "23.02.2014;26.02.2014;ONLINESHOP;- 1,70;EUR\n"
            "05.03.2014;05.03.2014;ENTGELT;- 1,50;EUR\n"
            "10.03.2014;12.03.2014;ONLINESHOP;- 2,80;EUR\n")
    info = read_export(text.encode(), "card.csv").info
    assert info["columns"]["Date"] == ["Eingangstag"]
    assert info["columns"]["Value Date"] == ["Belegdatum"]
    # the boundary: the same days on every line tell nothing, and the voucher's day (a
    # purchase's) yields to the day of receipt (the account's)
    same = text.replace("23.02.2014;26.02", "26.02.2014;26.02").replace(
        "10.03.2014;12.03", "12.03.2014;12.03")
    info = read_export(same.encode(), "card.csv").info
    assert info["columns"]["Date"] == ["Eingangstag"]
    assert info["date_columns"]["decided_by"] == "header_purchase_day_yields"


def test_without_a_purchase_day_the_same_days_keep_the_first_column():
    frame = pd.DataFrame({"Transaction Date": ["2024-01-02"], "Post Date": ["2024-01-02"]},
                         dtype="str")
    roles, _, evidence = booking_date(frame, {"Date": ["Transaction Date"]}, ["Post Date"])
    assert roles["Date"] == ["Transaction Date"] and evidence["decided_by"] == "first_column"


# -- the day of a purchase beside a value date, and no booking date (DKB's card, 2013)

DKB_CARD = ('"Umsatz abgerechnet";"Wertstellung";"Belegdatum";"Umsatzbeschreibung";'
            '"Betrag (EUR)";\n'
            '"Nein";"04.02.2013";"02.02.2013";"MY BANK FIL";"-95,00";\n'
            '"Ja";"23.01.2013";"22.01.2013";"HabenzinsenZ";"0,21";\n'
            '"Ja";"05.03.2012";"05.03.2012";"Einzahlung";"200,00";\n')


def test_the_value_date_dates_the_lines_beside_a_purchase_day():
    clean, quarantine, info = _normalised(DKB_CARD, "dkb.csv")
    assert info["columns"]["Date"] == ["Wertstellung"]
    assert info["columns"]["Value Date"] == ["Belegdatum"]
    evidence = info["date_columns"]
    assert evidence["decided_by"] == "value_date_beside_purchase_day"
    # never before the purchase (the same day on one line: the boundary, still proven)
    assert evidence["Wertstellung before Belegdatum"] == 0 and "unsure" not in evidence
    assert sorted(clean["date"].dt.strftime("%Y-%m-%d")) == ["2012-03-05", "2013-01-23",
                                                             "2013-02-04"]
    assert quarantine.empty


def test_a_value_date_before_the_purchase_day_is_reported_unsure():
    # one line whose value date is a day before its purchase: still dated by the value date
    # (its header says what it is), and the reading says it is unsure, how many lines
    text = DKB_CARD.replace('"05.03.2012";"05.03.2012"', '"04.03.2012";"05.03.2012"')
    clean, _, info = _normalised(text, "dkb.csv")
    assert info["columns"]["Date"] == ["Wertstellung"]
    assert info["date_columns"]["Wertstellung before Belegdatum"] == 1
    assert "on 1 of 3 lines" in info["date_columns"]["unsure"]
    assert "2012-03-04" in set(clean["date"].dt.strftime("%Y-%m-%d"))


def test_a_purchase_line_not_charged_yet_is_not_booked():
    text = DKB_CARD.replace('"Nein";"04.02.2013"', '"Nein";""')
    clean, quarantine, info = _normalised(text, "dkb.csv")
    assert len(clean) == 2 and quarantine["reasons"].tolist() == ["not_booked"]
    assert info["lines_without_booking_date"] == 1


def _purchase_and_value(date_name, value_name="Wertstellung", extra=None):
    frame = pd.DataFrame({date_name: ["02.02.2013", "22.01.2013"],
                          value_name: ["04.02.2013", "23.01.2013"], **(extra or {})},
                         dtype="str")
    value_dates = [value_name, *(extra or {})]
    return booking_date(frame, {"Date": [date_name], "Value Date": value_dates}, [])


def test_a_booking_or_transaction_date_beside_a_value_date_stays_the_date():
    # the value date a day or two after the booking is the rule in German statements: the
    # header of the date column decides, not the values
    for name in ("Buchungstag", "Transaction Date", "Datum"):
        roles, _, evidence = _purchase_and_value(name)
        assert roles["Date"] == [name] and roles["Value Date"] == ["Wertstellung"]
        assert evidence is None
    roles, _, evidence = _purchase_and_value("Purchase date", "Value date")
    assert roles["Date"] == ["Value date"] and roles["Value Date"] == ["Purchase date"]


def test_a_third_date_column_beside_the_purchase_day_and_value_date_is_set_aside():
    roles, unrecognised, _ = _purchase_and_value(
        "Belegdatum", extra={"Valutadatum": ["04.02.2013", "23.01.2013"]})
    assert roles["Date"] == ["Wertstellung"] and roles["Value Date"] == ["Belegdatum"]
    assert unrecognised == ["Valutadatum"]


def test_a_booking_date_beside_the_purchase_day_wins_over_the_value_date():
    # Belegdatum, Buchungsdatum (never before it) and Wertstellung: the booking date
    frame = pd.DataFrame({"Belegdatum": ["02.02.2013", "22.01.2013"],
                          "Buchungsdatum": ["03.02.2013", "22.01.2013"],
                          "Wertstellung": ["04.02.2013", "23.01.2013"]}, dtype="str")
    roles, _, evidence = booking_date(frame, {"Date": ["Belegdatum"],
                                              "Value Date": ["Wertstellung"]}, ["Buchungsdatum"])
    assert roles["Date"] == ["Buchungsdatum"] and evidence["decided_by"] == "never_before_the_other"


# -- a month word naming two months in the languages that could have written the column

ONE_MONTH = 'Data,Opis,Kwota\n03 lis 2024,Sklep,"-12,50"\n05 lis 2024,Bar,"-3,00"\n'
TWO_MONTHS = ONE_MONTH + '07 sty 2025,Kino,"-9,00"\n'  # "sty": Polish January


def _mapping(**keys):
    return parse_mappings({"mappings": [{"match": "*", **keys}]}, "test")[0]


def test_a_column_whose_month_word_names_two_months_is_refused_naming_the_mapping():
    with pytest.raises(ExportReadError) as refused:
        read_export(ONE_MONTH.encode(), "pl.csv")
    message = str(refused.value)
    assert "'lis': month 10 in hr, month 11 in cs pl" in message
    assert 'match: "pl.csv"' in message and "month_language: hr" in message


def test_the_column_s_other_month_words_decide_and_nothing_is_refused():
    raw = read_export(TWO_MONTHS.encode(), "pl.csv")
    assert raw.frame["Date"].tolist() == ["03 lis 2024", "05 lis 2024", "07 sty 2025"]


@pytest.mark.parametrize("language, dates", [("pl", ["2024-11-03", "2024-11-05"]),
                                             ("hr", ["2024-10-03", "2024-10-05"])])
def test_a_declared_language_settles_it_and_reaches_the_normaliser(language, dates):
    from tests.core.test_readers_column_roles import PARAMS
    from titans_finance.pipelines.ingestion.nodes import normalise_transactions

    export = read_export(ONE_MONTH.encode(), "pl.csv", _mapping(month_language=language))
    assert export.info["hints"]["month_language"] == language
    raw = export.frame.assign(**{"Source File": "pl.csv"})
    raw.attrs["source"] = {**export.info, "name": "pl.csv"}
    clean, quarantine, _ = normalise_transactions(raw, PARAMS)
    assert clean.sort_values("source_row")["date"].dt.strftime("%Y-%m-%d").tolist() == dates
    assert quarantine.empty


def test_a_language_cldr_names_no_months_in_is_a_mapping_error():
    with pytest.raises(ExportReadError, match="month_language must be a language code"):
        _mapping(month_language="xx")


def _unnamed(booked):
    frame = pd.DataFrame({"Purchase date": ["13.09.2025", "12.09.2025", "16.09.2025", ""],
                          "Booked": booked}, dtype="str")
    return booking_date(frame, {"Date": ["Purchase date"]}, ["Booked"])


def test_a_column_no_header_names_but_of_dates_on_the_dated_lines_is_weighed():
    # UBS's card: booked on 15.09 (after the purchase), the 16.09 purchase not yet; the total
    # line under the table (no purchase date) writes its sum there and is no evidence
    roles, unrecognised, evidence = _unnamed(["15.09.2025", "15.09.2025", "", "505.73"])
    assert roles["Date"] == ["Booked"] and roles["Value Date"] == ["Purchase date"]
    assert unrecognised == [] and evidence["decided_by"] == "never_before_the_other"


def test_an_unnamed_column_must_be_dates_on_nine_in_ten_dated_lines():
    # PARSE_RATE 0.9: ten dated lines, one value that is no date is 0.9 (weighed), two 0.8 (not)
    def frame(not_dates):
        days = [f"{d:02d}.09.2025" for d in range(1, 11)]
        later = [f"{d + 2:02d}.09.2025" for d in range(1, 11)]
        later[:not_dates] = ["pending"] * not_dates
        return pd.DataFrame({"Purchase date": days, "Booked": later}, dtype="str")
    roles, _, _ = booking_date(frame(1), {"Date": ["Purchase date"]}, ["Booked"])
    assert roles["Date"] == ["Booked"]
    roles, unrecognised, evidence = booking_date(frame(2), {"Date": ["Purchase date"]},
                                                 ["Booked"])
    assert roles["Date"] == ["Purchase date"] and unrecognised == ["Booked"] and evidence is None


def test_an_unnamed_column_whose_header_says_something_else_is_not_a_date():
    frame = pd.DataFrame({"Purchase date": ["13.09.2025", "12.09.2025"],
                          "Description": ["15.09.2025", "15.09.2025"]}, dtype="str")
    roles, unrecognised, evidence = booking_date(frame, {"Date": ["Purchase date"]},
                                                 ["Description"])
    assert roles["Date"] == ["Purchase date"] and evidence is None


def test_a_header_naming_the_date_as_a_whole_outweighs_an_unnamed_column_of_dates():
    # Stripe: created_utc (named) and available_on_utc (no header word, always later)
    frame = pd.DataFrame({"created_utc": ["2020-01-23 08:26:29", "2020-01-23 08:26:31"],
                          "available_on_utc": ["2020-01-27 00:00:00", "2020-01-27 00:00:00"]},
                         dtype="str")
    roles, unrecognised, evidence = booking_date(frame, {"Date": ["created_utc"]},
                                                 ["available_on_utc"])
    assert roles["Date"] == ["created_utc"] and evidence is None
    assert unrecognised == ["available_on_utc"]


def test_an_unnamed_column_of_dates_that_proves_nothing_is_left_as_it_was():
    # Stanbic: one date written in a column without a header, the same day as the date
    frame = pd.DataFrame({"Value date": ["07/02/2020", "07/02/2020", "07/02/2020"],
                          "": ["", "07/02/2020", ""]}, dtype="str")
    roles, unrecognised, evidence = booking_date(frame, {"Date": ["Value date"]}, [""])
    assert roles == {"Date": ["Value date"]} and unrecognised == [""] and evidence is None


def _card(purchase, posted, purchase_name="Belegdatum", extra=None):
    columns = {purchase_name: purchase, "Wertstellung": posted, **(extra or {})}
    frame = pd.DataFrame(columns, dtype="str")
    return booking_date(frame, {"Date": [purchase_name], "Value Date": ["Wertstellung"]},
                        list(extra or {}))


def test_a_booking_date_column_beside_them_is_not_overruled():
    roles, _, _ = _card(["30.12.2017"], ["02.01.2018"],
                        extra={"Buchungsdatum": ["31.12.2017"]})
    assert roles["Date"] != ["Wertstellung"]


def test_a_date_column_that_names_no_purchase_keeps_its_place():
    # a transaction date beside a value date is many banks' booking date (HSBC, DBS)
    roles, _, _ = _card(["30.12.2017", "28.12.2017"], ["02.01.2018", "29.12.2017"],
                        purchase_name="Transaction Date")
    assert roles["Date"] == ["Transaction Date"]


def test_a_notice_under_the_table_whose_words_name_months_somewhere_is_no_date():
    # Promerica (CR): 'SU' names June and July in Jola-Fonyi; in a sentence it is no month
    text = ("Fecha\tConcepto\tMonto\tSaldo\n01.11.2024\tDEBITO\t-12,000.00\t190,804.07\n"
            "02.11.2024\tINTERESES\t2.61\t190,806.68\n\t\t\t\n"
            "ESTIMADO CLIENTE: LAS CUENTAS PODRIAN SER CANCELADAS POR SU SEGURIDAD.\t\t\t\n")
    export = read_export(text.encode(), "cr.csv")
    assert export.info["columns"]["Amount"] == ["Monto"]
    assert export.frame["Date"].tolist()[:2] == ["01.11.2024", "02.11.2024"]
    # the same word written as a date's month is still refused
    with pytest.raises(ExportReadError, match="'SU'"):
        read_export(text.replace("ESTIMADO CLIENTE: LAS CUENTAS PODRIAN SER CANCELADAS POR "
                                 "SU SEGURIDAD.", "03 SU 2024").encode(), "cr.csv")


# -- a file without a header: no header tells the booking date from the value date

HEADERLESS = ("02.01.2024;Shop A;03.01.2024;-12,50;EUR\n"
              "05.01.2024;Shop B;05.01.2024;-3,20;EUR\n"
              "13.01.2024;Salary;13.01.2024;1500,00;EUR\n")


def test_headerless_date_columns_that_differ_on_a_line_are_reported_unsure():
    # column 3 is never before column 1 and after it on one line: the values make it the
    # booking date, though it may be a value date; the reading says so
    info = read_export(HEADERLESS.encode(), "noheader.csv").info
    assert info["headerless"] and info["columns"]["Date"] == ["column 3"]
    evidence = info["date_columns"]
    assert evidence["lines_differing"] == 1
    unsure = evidence["unsure"]
    assert ("differ on 1 of 3 lines: dated by 'column 3' (decided by never_before_the_other)"
            in unsure)
    assert ('  - match: "noheader.csv"\n    columns: {date: "column 3", value_date: "column 1"}'
            in unsure)
    # the mapping line it names settles it: nothing left unsure
    declared = parse_mappings({"mappings": [{"match": "noheader.csv", "columns": {
        "date": "column 1", "value_date": "column 3"}}]}, "m")[0]
    settled = read_export(HEADERLESS.encode(), "noheader.csv", declared).info
    assert settled["columns"]["Date"] == ["column 1"] and "date_columns" not in settled


def test_headerless_date_columns_with_the_same_days_everywhere_are_sure():
    same = HEADERLESS.replace("02.01.2024;Shop A;03.01.2024", "03.01.2024;Shop A;03.01.2024")
    evidence = read_export(same.encode(), "noheader.csv").info["date_columns"]
    assert "unsure" not in evidence and "lines_differing" not in evidence


def test_a_header_naming_the_dates_leaves_nothing_unsure():
    named = "Buchungstag;Text;Valuta;Betrag;Währung\n" + HEADERLESS
    info = read_export(named.encode(), "named.csv").info
    assert not info["headerless"] and info["columns"]["Date"] == ["Buchungstag"]
    assert "unsure" not in (info.get("date_columns") or {})


# -- the steps against the file's order, the sampled rows, the purchase day's evidence

@pytest.mark.parametrize("days, inversions", [
    ([1, 1, 2, 3], 0), ([3, 3, 2, 1], 0),   # lines of the same day step neither way
    ([1, 2, 1, 3], 1), ([3, 2, 3, 1], 1), ([1, 1, 1], 0)])
def test_the_steps_against_the_file_s_order_are_the_fewer_way(days, inversions):
    from titans_finance.core.readers.date_columns import _inversions
    series = pd.Series(pd.to_datetime([f"2024-01-{d:02d}" for d in days]))
    assert _inversions(series) == inversions


def test_a_column_is_dated_on_the_sampled_rows_only():
    from titans_finance.core.readers.column_roles import SAMPLE_ROWS
    from titans_finance.core.readers.date_columns import _dated
    values = pd.Series(["2024-01-02"] * SAMPLE_ROWS + ["text"] * (SAMPLE_ROWS + 500))
    assert _dated(values)  # the rows below the sample are not looked at
    assert not _dated(pd.Series(["2024-01-02"] * 500 + ["text"] * 501))


def test_the_value_date_beside_a_purchase_day_counts_each_way_on_lines_with_both():
    from titans_finance.core.readers.date_columns import value_date_beside_purchase_day
    frame = pd.DataFrame({
        "Beleg": ["2024-01-02", "2024-01-03", "2024-01-05", "2024-01-06"],
        "Wert": ["2024-01-03", "2024-01-03", "2024-01-04", None]}, dtype="str")
    roles, unrecognised, evidence = value_date_beside_purchase_day(
        frame, {"Date": ["Beleg"], "Value Date": ["Wert", "Third"]}, ["Text"], "Wert")
    assert roles == {"Date": ["Wert"], "Value Date": ["Beleg"]}
    assert unrecognised == ["Text", "Third"]
    # the same day is neither before the other; the line without a value date is no line
    assert evidence == {
        "columns": ["Beleg", "Wert"], "Wert before Beleg": 1, "Beleg before Wert": 1,
        "booking_date": "Wert", "decided_by": "value_date_beside_purchase_day",
        "unsure": "'Wert' (value date) is before 'Beleg' (purchase day) on 1 of 3 lines: dated "
                  "by 'Wert'; declare columns: {date: ...} in the file's mapping if wrong"}


def test_only_one_date_column_is_weighed_against_the_others():
    frame = pd.DataFrame({"A": ["2024-01-02"], "B": ["2024-01-03"]}, dtype="str")
    assert booking_date(frame, {"Date": ["A", "B"]}, []) == ({"Date": ["A", "B"]}, [], None)
    assert booking_date(frame, {"Amount": ["A"]}, ["B"]) == ({"Amount": ["A"]}, ["B"], None)


def test_a_header_naming_a_date_as_a_whole_but_by_none_of_its_words_is_weighed():
    # "Buchungs-Tag": the booking day, hyphenated (no word of it is a date word alone)
    frame = pd.DataFrame({"Started Date": ["2024-01-02", "2024-01-03"],
                          "Buchungs-Tag": ["2024-01-03", "2024-01-03"]}, dtype="str")
    roles, _, evidence = booking_date(frame, {"Date": ["Started Date"]}, ["Buchungs-Tag"])
    assert roles["Date"] == ["Buchungs-Tag"] and evidence["decided_by"] == "never_before_the_other"


@pytest.mark.parametrize("header", ["Wert-Stellung", "Umsatz-Tag"])
def test_a_column_whose_header_or_its_words_name_a_role_is_no_unnamed_date(header):
    # a value date as a whole (no word of it), or an amount by one of its words
    frame = pd.DataFrame({"Purchase date": ["13.09.2025", "12.09.2025"],
                          header: ["15.09.2025", "15.09.2025"]}, dtype="str")
    roles, unrecognised, evidence = booking_date(frame, {"Date": ["Purchase date"]}, [header])
    assert roles == {"Date": ["Purchase date"]} and unrecognised == [header] and evidence is None


def _refused(columns: dict, checked: list[str]) -> str | None:
    from titans_finance.core.readers.date_columns import refuse_ambiguous_months
    try:
        refuse_ambiguous_months(pd.DataFrame(columns), checked, "in/x.csv", None)
    except ExportReadError as refused:
        return str(refused)
    return None


@pytest.mark.parametrize("other_dates, refused", [(1, True), (3, False)])
def test_among_every_column_one_mostly_of_readable_dates_is_not_refused(other_dates, refused):
    # checked among every column: refused when at least half its values are unreadable
    dates = ["03 lis 2024"] + [f"2024-01-0{d}" for d in range(1, other_dates + 1)]
    columns = {"Text": ["a"] * len(dates), "Dates": dates}
    assert (_refused(columns, ["Text", "Dates"]) is not None) is refused
    # the date column alone is refused whatever its other values
    assert _refused(columns, ["Dates"]) is not None


def test_every_column_is_checked_past_one_without_unsure_months():
    columns = {"Clean": ["2024-01-02", "2024-01-03"], "Dates": ["03 lis 2024", "05 lis 2024"]}
    assert "column 'Dates'" in _refused(columns, ["Clean", "Dates"])


def test_each_unsure_month_word_is_named_in_the_refusal():
    assert _refused({"B": ["03 lis 2024", "05 srp 2024"]}, ["B"]) == (
        "x.csv: column 'B' writes a month name that names different months in different "
        "languages ('lis': month 10 in hr, month 11 in cs pl; 'srp': month 7 in hr, month 8 "
        "in cs), and the column's other month names do not tell which language. Declare the "
        "language in conf/local/export_mappings.yml:\nmappings:\n  - match: \"x.csv\"\n"
        "    month_language: hr   # the language of the month names (CLDR code)")


def test_the_first_column_never_after_the_other_is_the_booking_date_with_its_evidence():
    # the completed date before the started one on a single line: the started is booked
    roles, unrecognised, evidence = _decide(["2024-01-02", "2024-01-03"],
                                            ["2024-01-02", "2024-01-02"])
    assert roles == {"Date": ["Started Date"], "Value Date": ["Completed Date"]}
    assert unrecognised == [] and evidence == {
        "columns": ["Started Date", "Completed Date"],
        "Started Date before Completed Date": 0, "Completed Date before Started Date": 1,
        "booking_date": "Started Date", "decided_by": "never_before_the_other"}


def test_the_file_order_s_evidence_is_each_column_s_steps_against_it():
    _, _, evidence = _decide(["2024-01-05", "2024-01-01", "2024-01-04", "2024-01-09"],
                             ["2024-01-03", "2024-01-04", "2024-01-06", "2024-01-08"])
    assert evidence == {
        "columns": ["Started Date", "Completed Date"],
        "Started Date before Completed Date": 2, "Completed Date before Started Date": 2,
        "steps_against_file_order": {"Started Date": 1, "Completed Date": 0},
        "booking_date": "Completed Date", "decided_by": "file_order"}


def test_a_named_value_date_stays_and_the_date_the_booking_day_replaces_is_unrecognised():
    frame = pd.DataFrame({"Started Date": ["2024-01-02", "2024-01-03"],
                          "Wertstellung": ["2024-01-04", "2024-01-04"],
                          "Buchungstag": ["2024-01-03", "2024-01-03"]}, dtype="str")
    roles, unrecognised, evidence = booking_date(
        frame, {"Date": ["Started Date"], "Value Date": ["Wertstellung"]},
        ["Buchungstag", "Text"])
    assert roles == {"Date": ["Buchungstag"], "Value Date": ["Wertstellung"]}
    assert unrecognised == ["Text", "Started Date"]
    assert evidence["booking_date"] == "Buchungstag"


def test_a_purchase_day_yields_only_to_a_column_that_names_none():
    frame = pd.DataFrame({"Purchase date": ["2024-01-02", "2024-01-03"],
                          "Receipt date": ["2024-01-02", "2024-01-03"]}, dtype="str")
    roles, _, evidence = booking_date(frame, {"Date": ["Purchase date"]}, ["Receipt date"])
    assert roles["Date"] == ["Purchase date"] and evidence["decided_by"] == "first_column"


def test_an_unnamed_column_of_dates_is_not_weighed_beside_a_named_one():
    # the named booking day is weighed (and loses); the column no header names is not
    frame = pd.DataFrame({"Purchase date": ["2024-01-02", "2024-01-03"],
                          "Buchungstag": ["2024-01-01", "2024-01-03"],
                          "Booked": ["2024-01-04", "2024-01-05"]}, dtype="str")
    roles, unrecognised, evidence = booking_date(frame, {"Date": ["Purchase date"]},
                                                 ["Buchungstag", "Booked"])
    assert roles == {"Date": ["Purchase date"], "Value Date": ["Buchungstag"]}
    assert unrecognised == ["Booked"] and evidence["decided_by"] == "never_before_the_other"
