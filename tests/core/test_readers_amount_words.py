"""Which amount column is the transaction's when no balance decides (core/readers/
amount_words.py): the values' own signs, the words of the headers in several languages,
and the account's currency; each on its boundary, and a stop when the evidence is short."""

from __future__ import annotations

import pandas as pd
import pytest

from titans_finance.core.readers import ExportReadError, read_export
from titans_finance.core.readers.amount_words import (
    amount_by_words,
    money_written,
    split_by_signs,
    split_by_words,
    split_pairs,
)
from tests.parameters import parameters
from titans_finance.pipelines.ingestion.nodes import normalise_transactions

PARAMS = parameters("ingestion", reference_date="2025-06-30", max_future_days=31)


def amounts_of(text: str, name: str = "export.csv", encoding: str = "utf-8"):
    export = read_export(text.encode(encoding), name)
    raw = export.frame.assign(**{"Source File": name})
    raw.attrs["source"] = {**export.info, "name": name}
    clean, quarantine, fixes = normalise_transactions(raw, PARAMS)
    assert quarantine.empty, quarantine.to_dict("records")
    return clean.sort_values("source_row")["amount"].round(2).tolist(), export.info


# ------------------------------------------------------------------ signs of the values

HEADERLESS_SPLIT = ("02.01.2024;Rema 1000;;-737,47\n03.01.2024;Lønn ACME AS;31500,00;\n"
                    "05.01.2024;Ruter;;-897,00\n")


def test_a_side_written_all_negative_is_money_out_even_without_a_header():
    amounts, info = amounts_of(HEADERLESS_SPLIT)
    assert amounts == [-737.47, 31500.0, -897.0]
    assert info["columns"]["Money Out"] == ["column 4"]
    assert info["columns"]["Money In"] == ["column 3"]


def test_one_value_of_the_out_side_without_its_minus_proves_nothing():
    unsure = HEADERLESS_SPLIT.replace(";-897,00", ";897,00")
    with pytest.raises(ExportReadError, match="which is which"):
        read_export(unsure.encode(), "no.csv")


def test_a_zero_on_the_other_side_is_no_money():
    numbers = pd.Series([0.0, 12.5, float("nan")])
    assert money_written(pd.Series(["0", "12,50", ""]), numbers).tolist() == [False, True, False]
    texts = {"in": pd.Series(["0", "2100"]), "out": pd.Series(["-50", "0"])}
    numbers = {"in": pd.Series([0.0, 2100.0]), "out": pd.Series([-50.0, 0.0])}
    pairs = split_pairs(["in", "out"], texts, numbers)
    assert pairs == [("in", "out")]
    assert split_by_signs(pairs, texts, numbers)[:2] == ("in", "out")
    # money on both sides of one line: no pair
    numbers["in"] = pd.Series([1.0, 2100.0])
    texts["in"] = pd.Series(["1", "2100"])
    assert split_pairs(["in", "out"], texts, numbers) == []


# ------------------------------------------------------------------ header words

def test_russian_in_and_out_words_decide_unsigned_columns_with_zeros():
    text = ("Дата операции;Описание операции;Поступления на счет;Списания со счета\n"
            "31.05.17;Зарплата за май;33123,56;0\n03.05.17;Комиссия;0;50\n"
            "04.05.17;Visa Direct;0;1500\n")
    amounts, info = amounts_of(text, "ru.csv", "cp1251")
    assert amounts == [33123.56, -50.0, -1500.0]
    assert info["encoding"] == "cp1251"
    assert info["columns"]["Money In"] == ["Поступления на счет"]


def test_two_headers_with_words_of_one_side_decide_nothing():
    assert split_by_words([("Innskudd konto", "Innbetalt")]) is None
    assert split_by_words([("Wpływy PLN", "Wypływy PLN")])[:2] == ("Wpływy PLN", "Wypływy PLN")
    # a header naming both sides is no evidence for either
    assert split_by_words([("Inn/Ut", "Ut")]) is None


VTB = ("Номер карты;Дата операции;Сумма операции;Валюта операции;"
       "Сумма пересчитанная в валюту счета;Валюта счета;Основание;Статус\n"
       "'4622;2019-07-06;-4,50;EUR;-336,15;RUR;payee1;Исполнено\n"
       "'4622;2019-07-06;-3,80;EUR;-283,48;RUR;payee2;Исполнено\n"
       "'4622;2019-07-05;-300,00;RUR;-300,00;RUR;MTS;Исполнено\n")


def test_of_two_amounts_the_one_in_the_account_currency_is_booked():
    amounts, info = amounts_of(VTB, "vtb.csv")
    assert amounts == [-336.15, -283.48, -300.0]
    assert info["columns"]["Amount"] == ["Сумма пересчитанная в валюту счета"]
    assert info["columns"]["Currency"] == ["Валюта счета"]
    # (a status in Cyrillic is a token of the clean table, not a schema error: no quarantine)
    assert info["columns"]["Status"] == ["Статус"]


def test_two_amounts_each_in_one_currency_throughout_decide_nothing():
    same = VTB.replace(";EUR;", ";RUR;")
    with pytest.raises(ExportReadError, match="all hold amounts"):
        read_export(same.encode(), "vtb.csv")


def test_amount_words_need_exactly_one_named_or_one_single_currency():
    rate = {"c": 1.0, "k": 1.0, "x": 0.0}.get
    one = {"c": 1, "k": 2}.get
    columns = ["Summa", "c", "Belopp SEK", "k", "x"]
    # two named, only 'Summa' has one currency beside it
    assert amount_by_words(["Summa", "Belopp SEK"], columns, rate, one)[::2] == ("Summa", "c")
    # both in one currency: undecided
    assert amount_by_words(["Summa", "Belopp SEK"], columns, rate, {"c": 1, "k": 1}.get) is None
    # one named: it
    assert amount_by_words(["Summa", "x"], columns, rate, one)[0] == "Summa"
    # none named, or no currency column beside one of them: undecided
    assert amount_by_words(["x"], columns, rate, one) is None
    assert amount_by_words(["Summa", "Belopp SEK"], ["Summa", "x", "Belopp SEK", "k"],
                           {"k": 1.0, "x": 0.0}.get, one) is None


def test_whole_numbers_of_one_length_from_eight_digits_are_accounts_not_money():
    from titans_finance.core.readers.column_evidence import ACCOUNT_DIGITS, column_evidence
    assert ACCOUNT_DIGITS == 8
    accounts = pd.Series(["55667788990", "87654321987", "55667788990", "12345678901"])
    assert column_evidence(accounts)["identifier_like"]
    seven = pd.Series(["5566778", "8765432", "5566778", "1234567"])
    assert not column_evidence(seven)["identifier_like"]
    mixed = pd.Series(["55667788990", "8765432198", "55667788990"])  # lengths differ
    assert not column_evidence(mixed)["identifier_like"]


def test_norwegian_in_and_out_beside_account_numbers():
    text = ('Dato;Beskrivelse;Rentedato;Inn;Ut;Til konto;Fra konto;\n'
            '"29.01.2025";"SAS EUROBONUS";"";"";"-2490,00";"55667788990";"12345678901";""\n'
            '"25.01.2025";"LØNN ACME AS";"";"31500,00";"";"12345678901";"99988877766";""\n'
            '"05.01.2025";"KIWI MAJORSTUEN";"";"";"-629,40";"98765432109";"12345678901";""\n')
    amounts, info = amounts_of(text, "sb1.csv")
    assert amounts == [-2490.0, 31500.0, -629.4]
    assert info["columns"]["Money In"] == ["Inn"] and info["columns"]["Money Out"] == ["Ut"]


RAKUTEN_CARD = ("利用日,利用店名・商品名,利用金額,支払手数料,支払総額\n"
                "2019/09/07,ローソン,1051,0,{total}\n2019/09/10,書店,2000,0,2000\n")


def test_an_amount_repeated_by_a_column_naming_a_side_stops_the_file():
    # 利用金額 (amount used) and 支払総額 (total paid) hold the same money on every line: the
    # side the second's words name (paid: money out) is not what the first's signs say
    with pytest.raises(ExportReadError, match="all hold amounts"):
        read_export(RAKUTEN_CARD.format(total="1051").encode(), "card.csv")


def test_an_amount_whose_sided_neighbour_differs_on_one_line_is_read_by_its_words():
    # one line apart (1052 is no 1051): the side column is another amount, not a twin
    amounts, info = amounts_of(RAKUTEN_CARD.format(total="1052"))
    assert info["columns"]["Amount"] == ["利用金額"] and amounts == [1051.0, 2000.0]


# -- the same amount name written twice: a partial column (foreign amount) beside the booked
# (a German card CSV: Fremdwährung;Betrag;Kurs;Betrag;Währung, the first Betrag only abroad)

CARD = ("Belegdatum;Verwendungszweck;Fremdwährung;Betrag;Kurs;Betrag;Währung\n"
        "23.02.2014;ONLINESHOP;;;;- 1,70;EUR\n"
        "01.03.2014;DIGITALOCEAN;USD;- 12,15;1,21500;- 10,00;EUR\n"
        "05.03.2014;ENTGELT AUSLANDSEINSATZ;EUR;- 1,50;;- 1,50;EUR\n"
        "10.03.2014;ONLINESHOP;;;;- 2,80;EUR\n")


def test_an_amount_written_on_fewer_lines_than_its_namesake_is_not_the_booked_one():
    amounts, info = amounts_of(CARD, "card.csv")
    assert amounts == [-1.70, -10.00, -1.50, -2.80]
    assert info["columns"]["Amount"] == ["Betrag.1"]
    assert any("fills more lines" in note for note in info["reading"]["notes"])


def test_a_namesake_filled_on_the_same_lines_leaves_the_header_amount():
    # the boundary: both on every line (one line fewer for the second than above)
    same_lines = CARD.replace(";;;;- 1,70;", ";EUR;- 1,70;;- 1,70;").replace(
        ";;;;- 2,80;", ";EUR;- 2,80;;- 2,80;")
    amounts, info = amounts_of(same_lines, "card.csv")
    assert info["columns"]["Amount"] == ["Betrag"]
    assert amounts == [-1.70, -12.15, -1.50, -2.80]


def test_a_namesake_missing_on_a_line_the_header_amount_fills_leaves_it():
    # the other side: the second column has more lines but lacks one the first fills
    gap = CARD.replace(";- 1,50;;- 1,50;EUR", ";- 1,50;;;EUR")
    export = read_export(gap.encode(), "card.csv")
    assert export.info["columns"]["Amount"] == ["Betrag"]


def test_a_fuller_column_whose_header_names_no_amount_is_no_namesake():
    # a header in words the vocabulary does not know: the header's amount stays (its
    # empty lines are quarantined, not filled from a column nothing names money)
    unnamed = CARD.replace("Kurs;Betrag;Währung", "Kurs;Gegenwert;Währung")
    export = read_export(unnamed.encode(), "card.csv")
    assert export.info["columns"]["Amount"] == ["Betrag"]


def _series(*values):
    return pd.Series(values, dtype="float64")


@pytest.mark.parametrize("sided", ["Paid in", "Withdrawal"])  # either side names the twin
def test_a_sided_twin_is_the_same_money_on_every_line_the_amount_fills(sided):
    from titans_finance.core.readers.amount_words import _sided_twin
    nan = float("nan")
    # lines without money (0, missing) are not compared: 5 and 7 beside them do not count
    numbers = {"Amount": _series(100.0, 0.0, nan), sided: _series(-100.0, 5.0, 7.0)}
    assert _sided_twin("Amount", ["Amount", sided], numbers)
    numbers[sided] = _series(-100.5, 5.0, 7.0)  # a cent off on a line with money: no twin
    assert not _sided_twin("Amount", ["Amount", sided], numbers)


def test_no_twin_without_money_or_without_a_side_named():
    from titans_finance.core.readers.amount_words import _sided_twin
    # the amount moves no money on any line: nothing to repeat
    numbers = {"Amount": _series(0.0, 0.0), "Withdrawal": _series(0.0, 0.0)}
    assert not _sided_twin("Amount", ["Amount", "Withdrawal"], numbers)
    # the same money under a header naming no side (a note's number, a total): no twin,
    # and the amount is never its own twin
    numbers = {"Amount": _series(12.5, 3.0), "Note": _series(12.5, 3.0)}
    assert not _sided_twin("Amount", ["Amount", "Note"], numbers)


@pytest.mark.parametrize("name, named", [
    ("Zielbetrag (nach Gebühren)", True),   # a fee named only in the qualifier: an amount
    ("Betrag der Zielgebühr", False),      # a fee named by the name itself: a side word
])
def test_a_side_named_only_in_a_qualifier_leaves_an_amount_named(name, named):
    found = amount_by_words([name, "Wechselkurs"], [name, "Wechselkurs"],
                            lambda c: 0.0, lambda c: 1)
    assert (found is not None and found[0] == name) is named


# ------------------------------------- an amount written only beside a money in/out pair

def pair_with_amount(amounts: list[str]) -> str:
    rows = [("01.08.2019", "Hotel", "1596.63", "1816.00", ""),
            ("02.08.2019", "Mensa", "", "14.80", ""),
            ("03.08.2019", "Rimborso", "", "", "10.20"),
            ("04.08.2019", "Coop", "", "43.65", "")]
    lines = [f"{d},{t},{a},{o},{i}" for (d, t, _, o, i), a in zip(rows, amounts)]
    return "Data,Descrizione,Importo,Addebito CHF,Accredito CHF\n" + "\n".join(lines) + "\n"


def test_an_amount_on_fewer_lines_than_the_side_pair_is_a_foreign_amount_set_aside():
    amounts, info = amounts_of(pair_with_amount(["1596.63", "", "", ""]))
    assert "Amount" not in info["columns"]
    assert amounts == [-1816.0, -14.8, 10.2, -43.65]


def test_an_amount_on_every_line_the_pair_fills_is_kept():
    # boundary: as many lines as the pair: no partial amount
    export = read_export(pair_with_amount(["1816.00", "14.80", "10.20", "43.65"]).encode(),
                         "full.csv")
    assert export.info["columns"]["Amount"] == ["Importo"]


def test_an_amount_where_the_pair_holds_no_money_is_kept():
    text = pair_with_amount(["1596.63", "", "", ""]).replace("03.08.2019,Rimborso,,,10.20",
                                                               "03.08.2019,Rimborso,5.00,,")
    export = read_export(text.encode(), "outside.csv")
    assert export.info["columns"]["Amount"] == ["Importo"]
