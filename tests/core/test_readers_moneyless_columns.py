"""A column that holds no money (every value it writes is zero) is never the transaction's
amount while another column holds money (core/readers/moneyless_columns.py): a header's
amount column of zeros is set aside for the values to decide (C6 Bank's ``Valor (em US$)``
beside ``Valor (em R$)``), one side of money named by the header is paired with the column
that fills every line it leaves empty (ePay.bg's ``Приход`` of zeros beside ``Разход``), and
a reading whose amounts are zero on nearly every line while another column holds money
stops the file. Each rule on its boundary and on each side."""

from __future__ import annotations

import pytest

from titans_finance.core.readers import ExportReadError, read_export
from tests.core.test_readers_amount_words import amounts_of

DATES = [f"{day:02d}.03.2024" for day in range(1, 11)]
MONEY = ["12.40", "7.90", "130.00", "4.25", "56.10", "9.99", "23.00", "310.45", "2.50", "18.75"]


def csv(header: str, rows: list[str]) -> str:
    return header + "\n" + "\n".join(rows) + "\n"


# ----------------------------------------------------- a header's amount column of zeros

def card(zero_column: list[str]) -> str:
    return csv("Data;Descrição;Valor (em US$);Cotação;Valor (em R$)",
               [f"{d};Loja {i};{z};0;{m}" for i, (d, z, m) in
                enumerate(zip(DATES, zero_column, MONEY))])


def test_a_header_amount_column_of_zeros_gives_way_to_the_column_holding_money():
    amounts, info = amounts_of(card(["0"] * 10))
    assert info["columns"]["Amount"] == ["Valor (em R$)"]
    assert amounts == [float(m) for m in MONEY]


def test_zeros_written_with_cents_are_no_money_either():
    amounts, info = amounts_of(card(["0.00"] * 10))
    assert info["columns"]["Amount"] == ["Valor (em R$)"]


def test_a_zero_column_right_of_the_money_is_set_aside_too():
    text = csv("Datum;Wert;Amount", [f"{d};{m};0,00" for d, m in
                                     zip(DATES, (m.replace(".", ",") for m in MONEY))])
    amounts, info = amounts_of(text)
    assert info["columns"]["Amount"] == ["Wert"]
    assert amounts == [float(m) for m in MONEY]


def test_one_amount_in_the_header_column_keeps_it_but_nearly_all_zeros_stop_the_file():
    # one value of money: the column is no column of zeros, but its reading is zero on
    # nine lines of ten while 'Valor (em R$)' holds money there
    with pytest.raises(ExportReadError, match="Valor \\(em R\\$\\)"):
        read_export(card(["0"] * 9 + ["1.50"]).encode(), "c6.csv")


def test_two_amounts_of_ten_in_the_header_column_are_read_as_written():
    amounts, info = amounts_of(card(["0"] * 8 + ["1.50", "2.00"]))
    assert info["columns"]["Amount"] == ["Valor (em US$)"]
    assert amounts == [0.0] * 8 + [1.5, 2.0]


def test_a_file_whose_amounts_are_all_zero_with_no_money_elsewhere_is_read():
    text = csv("Date;Description;Amount", [f"{d};fee waived;0.00" for d in DATES])
    amounts, _ = amounts_of(text)
    assert amounts == [0.0] * 10


# ------------------------------------------------------------- one side named, of zeros

def sides(money_in: list[str], other: list[str], header: str = "Дата,Приход,Сума") -> str:
    return csv(header, [f"{d},{a},{b}" for d, a, b in zip(DATES, money_in, other)])


def test_a_named_side_of_zeros_pairs_with_the_column_filling_every_line():
    amounts, info = amounts_of(sides(["0.00"] * 10, MONEY))
    assert info["columns"]["Money In"] == ["Приход"]
    assert info["columns"]["Money Out"] == ["Сума"]
    assert amounts == [-float(m) for m in MONEY]


def test_each_line_filling_one_side_is_the_pair():
    money_in = ["250.00"] + ["0.00"] * 9
    other = ["0.00"] + MONEY[1:]
    amounts, info = amounts_of(sides(money_in, other))
    assert info["columns"]["Money Out"] == ["Сума"]
    assert amounts == [250.0] + [-float(m) for m in MONEY[1:]]


def test_a_line_filling_both_is_no_pair_and_nearly_all_zeros_stop_the_file():
    money_in = ["250.00"] + ["0.00"] * 9
    with pytest.raises(ExportReadError, match="Сума"):
        read_export(sides(money_in, MONEY).encode(), "bg.csv")


def test_the_bulgarian_out_word_names_money_out():
    amounts, info = amounts_of(sides(["0.00"] * 10, MONEY, "Дата,Приход,Разход"))
    assert info["columns"]["Money Out"] == ["Разход"]
    assert amounts == [-float(m) for m in MONEY]


def test_the_bulgarian_words_for_money_out_are_known():
    from titans_finance.core.direction_words import DEBIT_WORDS, key
    from titans_finance.core.header_names import word_roles

    assert word_roles("Разход") == {"Money Out"}
    assert {key("Разход"), key("Дебит")} <= DEBIT_WORDS


def test_zeros_on_two_lines_are_no_money_but_one_zero_may_be_a_balance():
    # one line: the zero beside the amount may be the balance it left (candidates stay two,
    # nothing decides: the file stops); two lines of zeros: no balance, no money
    one = csv("Date;Memo;Eins;Zwei", ["01.03.2024;Shop;0.00;-12.40"])
    with pytest.raises(ExportReadError, match="all hold amounts"):
        read_export(one.encode(), "one.csv")
    two = csv("Date;Memo;Eins;Zwei", ["01.03.2024;Shop;0.00;-12.40",
                                         "02.03.2024;Shop;0.00;-7.90"])
    amounts, info = amounts_of(two)
    assert info["columns"]["Amount"] == ["Zwei"] and amounts == [-12.4, -7.9]


def test_zero_amounts_beside_a_column_of_text_the_header_does_not_name_are_read():
    # text holds no money: only a column of amounts can be "another column holding money",
    # so a file of zero lines (card checks) with an unnamed note column is read, not stopped
    text = csv("Datum;Betrag;Vermerk", [f"{d};0,00;Kartenprüfung {i}" for i, d in
                                        enumerate(DATES)])
    amounts, info = amounts_of(text)
    assert info["columns"]["Amount"] == ["Betrag"]
    assert amounts == [0.0] * 10


# ------------------------------------- a header's amount column blank where money moved

def app_export(named: list[str], gross: list[str]) -> str:
    # a payment app's layout: the amount named only by a column of extras, the money in
    # an unnamed column ("Gross"), written on every line
    return csv("Date,Name,Gross,Shipping Amount",
               [f"2024-03-{i + 1:02d},Shop {i},{g},{n}" for i, (g, n) in
                enumerate(zip(gross, named))])


def test_a_single_zero_and_blanks_where_money_moved_give_way_to_the_money():
    amounts, info = amounts_of(app_export(["0", "", ""], ["-10.00", "10.00", "-10.60"]))
    assert info["columns"]["Amount"] == ["Gross"]
    assert amounts == [-10.0, 10.0, -10.6]


def test_a_single_zero_without_a_blank_line_may_be_a_balance_and_stops_the_file():
    # boundary: no blank line, one zero (as `holds_no_money`'s one-line case)
    with pytest.raises(ExportReadError):
        read_export(app_export(["0"], ["-10.00"]).encode(), "one.csv")


def test_blanks_beside_a_column_that_misses_money_on_a_line_decide_nothing():
    # the other column holds no money on one line (a zero): the rule asks money on every
    # line, so the named column stays and its reading of zeros stops the file
    with pytest.raises(ExportReadError, match="Shipping Amount"):
        read_export(app_export(["0", "", ""], ["-10.00", "0.00", "-10.60"]).encode(), "gap.csv")


def test_a_named_column_holding_money_on_one_line_is_not_set_aside():
    # (its blank lines are then quarantined as missing an amount: flagged, not lost)
    export = read_export(app_export(["2.50", "", ""], ["-10.00", "10.00", "-10.60"]).encode(),
                         "named.csv")
    assert export.info["columns"]["Amount"] == ["Shipping Amount"]
