"""Rules the corpus of real exports asked for, each at its boundary: '+' marking only the
credits, one direction word down a whole column, year-first dates with colons, a decimal
comma meaning day-first, balance-only lines, and a header column no line fills."""

from __future__ import annotations

import pandas as pd
import pytest

from titans_finance.core.normalise import read_dates
from titans_finance.core.readers import ExportReadError, read_export
from tests.core.test_readers_column_roles import amounts_of

CARD = ("Date Processed,Description,Amount\n28-Mar-2020,AMAZON,£99.99\n"
        "21-Apr-2020,PAYMENT,\"{paid}\"\n22-Apr-2020,WAITROSE,{last}\n")


def test_plus_on_some_values_and_no_sign_on_the_rest_makes_the_rest_money_out():
    amounts, info = amounts_of(CARD.format(paid="+ £1,234.56", last="£88.99"))
    assert amounts == [-99.99, 1234.56, -88.99]
    assert info["reading"]["sign_convention"].startswith("'+' marks money in")


def test_one_minus_anywhere_means_the_signs_are_written_as_they_are():
    amounts, info = amounts_of(CARD.format(paid="+ £1,234.56", last="-£88.99"))
    assert amounts == [99.99, 1234.56, -88.99]
    assert "unsigned_sign" not in info["reading"]


def test_plus_on_every_value_leaves_them_all_money_in():
    amounts, _ = amounts_of(CARD.format(paid="+£1,234.56", last="+£88.99").replace(
        ",£99.99", ",+£99.99"))
    assert amounts == [99.99, 1234.56, 88.99]


BALTIC = ('"EE18748917198247";"2022-11-24";"Shop A";"7,50";"EUR";"D";"{k}"\n'
          '"EE18748917198247";"2022-11-25";"Shop B";"12,00";"EUR";"D";"{k}"\n'
          '"EE18748917198247";"2022-11-26";"Shop C";"3,10";"EUR";"D";"{k}"\n')


def test_one_direction_word_on_every_line_signs_unsigned_amounts():
    amounts, info = amounts_of(BALTIC.format(k="X1"))
    assert amounts == [-7.5, -12.0, -3.1]
    assert info["reading"]["direction"]["decided_by"].startswith("a known debit/credit word")


def test_two_columns_of_one_direction_word_each_stop_and_ask():
    with pytest.raises(ExportReadError, match="each hold one debit/credit word on every line"):
        read_export(BALTIC.format(k="K").encode(), "ee.csv")


def test_a_direction_word_missing_on_a_line_decides_nothing():
    text = BALTIC.format(k="X1").replace(';"D";"X1"\n"EE18748917198247";"2022-11-25"',
                                         ';"";"X1"\n"EE18748917198247";"2022-11-25"', 1)
    # the word decides nothing; without a header, unsigned amounts then stop and ask
    # (read as written they were money in: the debits of this export)
    with pytest.raises(ExportReadError, match="no header and its amounts"):
        read_export(text.encode(), "ee.csv")
    # under a header that names the amount, they are read as written, still undirected
    amounts, info = amounts_of("Account;Date;Text;Amount;Currency;Note;Code\n" + text)
    assert "direction" not in info["reading"] and amounts == [7.5, 12.0, 3.1]


@pytest.mark.parametrize("written, expected", [("2012:03:01", "2012-03-01"),
                                               ("2012:12:31", "2012-12-31")])
def test_a_year_first_date_may_use_colons(written, expected):
    parsed = read_dates(pd.Series([written]))
    assert parsed.values.iloc[0] == pd.Timestamp(expected) and not parsed.invalid.iloc[0]


def test_a_time_of_day_is_no_colon_date():
    assert read_dates(pd.Series(["12:03:01"])).invalid.iloc[0]


@pytest.mark.parametrize("amount, first", [("600,00", "2020-02-07"), ("600.00", "2020-07-02")])
def test_a_decimal_comma_tells_an_ambiguous_date_is_day_first(amount, first):
    text = (f'Date,Text,Amount\n07/02/2020,Shop,"-{amount}"\n07/02/2020,Pay,"{amount}"\n')
    export = read_export(text.encode(), "zm.csv")
    assert export.info["hints"]["day_first_hint"] is (amount == "600,00")
    dates = read_dates(export.frame["Date"], day_first_hint=export.info["hints"]["day_first_hint"])
    assert dates.values.iloc[0] == pd.Timestamp(first)


@pytest.mark.parametrize("delimiter, first", [(";", "2020-02-07"), (",", "2020-07-02")])
def test_a_semicolon_file_tells_an_ambiguous_date_is_day_first_whatever_its_amounts(delimiter,
                                                                                   first):
    # semicolons separate the fields where the comma is the decimal mark (Europe), even in
    # a file with an English header whose amounts show a point
    rows = [["Date", "Text", "Amount"], ["07/02/2020", "Shop", "-600.00"],
            ["07/02/2020", "Pay", "600.00"]]
    export = read_export("".join(delimiter.join(r) + "\n" for r in rows).encode(), "x.csv")
    assert export.info["hints"]["day_first_hint"] is (delimiter == ";")
    dates = read_dates(export.frame["Date"], day_first_hint=export.info["hints"]["day_first_hint"])
    assert dates.values.iloc[0] == pd.Timestamp(first)


def test_a_balance_on_a_line_without_an_amount_is_a_summary_line():
    text = ("Date,Text,Debits,Credits,Balance\n07/02/2020,Opening balance,,,\"59 258,71\"\n"
            "07/02/2020,Transfer,\"600,00\",,\"58 658,71\"\n07/02/2020,In,,\"100,00\",\"58 758,71\"\n"
            "07/02/2020,,,,\n")
    export = read_export(text.encode(), "zm.csv")
    assert export.frame["_parse_error"].tolist()[:3] == ["summary_line", "", ""]


def test_a_header_amount_column_no_line_fills_gives_way_to_the_values():
    # rows written two fields shorter than the header: the money stands under "Conv"
    text = ("Date,Name,Conv,Other,Amount,Extra\n2012:03:01,ACME,-7.8\n2012:03:02,Bob,889.81\n"
            "2012:03:06,Fee,-.46\n")
    amounts, info = amounts_of(text)
    assert amounts == [-7.8, 889.81, -0.46]
    assert any("no line fills it" in note for note in info["reading"]["notes"])


def test_a_header_amount_column_no_line_fills_stays_when_no_other_column_holds_money():
    export = read_export(b"Date,Text,Amount\n2024-03-01,COFFEE,\n", "damaged.csv")
    assert export.info["columns"]["Amount"] == ["Amount"]


def test_a_column_of_dates_in_unknown_words_is_the_date_beside_a_named_value_date():
    text = ("Volgnummer;Uitvoeringsdatum;Valutadatum;Bedrag;Details\n"
            "2017-;27/02/2017;26/02/2017;-191,13;KAART\n2017-;25/02/2017;27/02/2017;-12,48;ZH\n")
    export = read_export(text.encode(), "be.csv")
    assert export.info["columns"]["Date"] == ["Uitvoeringsdatum"]
    assert export.info["columns"]["Value Date"] == ["Valutadatum"]


def test_a_value_date_alone_is_the_date():
    export = read_export(b"Valutadatum;Bedrag;Details\n26/02/2017;-191,13;KAART\n", "be.csv")
    assert export.info["columns"]["Date"] == ["Valutadatum"]


@pytest.mark.parametrize("values, expected", [
    # one value no day/month order can read (a one-digit last part is no year): year first
    (["13/08/12", "13/08/15", "13/3/3"], ["2013-08-12", "2013-08-15", "2013-03-03"]),
    (["13.3.4", "13.12.31"], ["2013-03-04", "2013-12-31"]),
    # every value readable day-first: the usual order stands (nothing is unreadable)
    (["13/08/12", "13/08/15"], ["2012-08-13", "2015-08-13"]),
])
def test_a_two_digit_year_first_is_read_only_when_nothing_else_reads_every_value(values, expected):
    parsed = read_dates(pd.Series(values))
    assert parsed.values.dt.strftime("%Y-%m-%d").tolist() == expected
    assert not parsed.invalid.any()


def test_year_first_must_read_every_value_or_it_is_not_taken():
    # "1/2/24" is no year-first date: the column keeps its order, "13/3/3" stays invalid
    parsed = read_dates(pd.Series(["1/2/24", "13/3/3"]))
    assert parsed.invalid.tolist() == [False, True]
    assert parsed.values.iloc[0] == pd.Timestamp("2024-01-02")
