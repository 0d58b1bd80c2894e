"""A line of the table whose text is only a balance or total label is no transaction
(quarantined as ``summary_line``), dated or not; an opening and a closing balance line
prove the lines between. A merchant text that merely contains such a word stays a
transaction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from titans_finance.core.readers import parse_mappings, read_export
from titans_finance.core.readers.summary_lines import (
    balance_carried,
    bare_labels_kept,
    label_kind,
    labelled_summary_rows,
    written_amounts,
)
from titans_finance.pipelines.ingestion.nodes import normalise_transactions
from tests.core.test_readers_column_roles import PARAMS


@pytest.mark.parametrize("text, kind", [
    ("SALDO FINALE", "closing"), ("|SALDO FINALE", "closing"), ("SALDO INIZIALE", "opening"),
    ("Opening balance", "opening"), ("Closing balance 31/01/2018", "closing"),
    ("Solde au 31.01.2018 EUR", "total"), ("Nouveau solde", "closing"),
    ("Anfangssaldo", "opening"), ("Endsaldo per 31.01.", "closing"),
    ("Saldo disponibile", "total"), ("Total des opérations", "total"), ("TOTAL", "total"),
    ("Balance brought forward", "opening"), ("Kontostand am 31.01.2018", "total"),
    # a period's turnover (sum of debits or of credits) in several languages
    ("Turnover", "total"), ("Debit turnover", "total"), ("Käive", "total"),
    ("Omsättning", "total"), ("Obroty", "total"),
])
def test_a_text_that_is_only_a_balance_or_total_label_is_a_summary(text, kind):
    assert label_kind(text) == kind


@pytest.mark.parametrize("text", [
    "SALDO SPORTS SRL", "Pagamento saldo fattura 118 ROSSI", "Total Wine & More",
    "Balance transfer to savings", "BONIFICO SALDO LAVORI", "TOTALENERGIES 1234",
    "Final Fantasy store", "IMPOSTA DI BOLLO", "TURNOVER BAR & GRILL", "Turnover cafe", "",
])
def test_a_text_with_any_word_outside_the_labels_is_a_transaction(text):
    assert label_kind(text) is None


ITALIAN = ("Data;Valuta;Addebiti;Accrediti;Descrizione operazioni\n"
           "31/12/17;;;26.851,95;SALDO INIZIALE\n"
           "03/01/18;03/01/18;2,90;;IMPOSTA DI BOLLO\n"
           "13/01/18;13/01/18;250,00;;SALDO SPORTS SRL\n"
           "23/01/18;23/01/18;;1.250,00;BONIFICO A VOSTRO FAVORE\n"
           "31/01/18;;;{closing};SALDO FINALE\n")


def _normalised(text: str, name: str = "conto.csv"):
    export = read_export(text.encode("utf-8"), name)
    raw = export.frame.assign(**{"Source File": name})
    raw.attrs["source"] = {**export.info, "name": name}
    candidates, quarantine, fixes = normalise_transactions(raw, PARAMS)
    return candidates.sort_values("source_row"), quarantine, fixes["files"][name]


def test_dated_balance_lines_are_quarantined_and_prove_the_lines_between():
    clean, quarantine, decided = _normalised(ITALIAN.format(closing="27.849,05"))
    assert clean["amount"].round(2).tolist() == [-2.90, -250.00, 1250.00]
    assert quarantine["reasons"].tolist() == ["summary_line", "summary_line"]
    assert decided["reconciliation"]["status"] == "proven"


def test_a_closing_balance_line_one_cent_off_contradicts_the_reading():
    clean, quarantine, decided = _normalised(ITALIAN.format(closing="27.849,06"))
    assert len(clean) == 3 and len(quarantine) == 2
    assert decided["reconciliation"]["status"] == "contradicted"
    assert decided["reconciliation"]["first_break"]["difference"] == pytest.approx(-0.01)


def test_a_statement_newest_first_is_proven_by_its_balance_lines_too():
    lines = ITALIAN.format(closing="27.849,05").splitlines()
    text = "\n".join([lines[0], *reversed(lines[1:])]) + "\n"
    _, quarantine, decided = _normalised(text)
    assert len(quarantine) == 2 and decided["reconciliation"]["status"] == "proven"


def test_without_an_opening_line_the_closing_line_is_still_no_deposit():
    lines = ITALIAN.format(closing="27.849,05").splitlines()
    clean, quarantine, decided = _normalised("\n".join([lines[0], *lines[2:]]) + "\n")
    assert clean["amount"].round(2).tolist() == [-2.90, -250.00, 1250.00]
    assert quarantine["reasons"].tolist() == ["summary_line"]
    assert decided["reconciliation"]["status"] == "not possible"


# -- a bare label (head words alone: "TOTAL", "BALANCE", "TOTAL 0412") is also how a
# merchant may be written; inside the block of transactions its values must say "summary"

def _errors(text: str) -> list[str]:
    export = read_export(text.encode("utf-8"), "bare.csv")
    return export.frame["_parse_error"].tolist()


def _statement(*rows: str, header: str = "Date,Description,Amount") -> str:
    return "\n".join([header, *rows]) + "\n"


@pytest.mark.parametrize("amount, summary", [("-30.00", True), ("-30.01", False),
                                             ("-29.99", False), ("30.00", True)])
def test_a_bare_label_inside_the_block_is_a_summary_only_when_it_repeats_a_sum(amount, summary):
    # the sum of the two lines above: -30.00 (a total is written either sign)
    errors = _errors(_statement("2024-01-02,SHOP A,-10.00", "2024-01-03,SHOP B,-20.00",
                                f"2024-01-04,TOTAL 0412,{amount}", "2024-01-05,SHOP C,-1.00"))
    assert errors == ["", "", "summary_line" if summary else "", ""]


@pytest.mark.parametrize("where", ["under", "above"])
def test_a_bare_label_outside_the_block_is_a_summary_by_its_place(where):
    lines = ["2024-01-02,SHOP A,-10.00", "2024-01-03,SHOP B,-20.00"]
    label = "2024-01-04,TOTAL,-30.01"  # one cent from the sum: its place decides
    rows = [*lines, label] if where == "under" else [label, *lines]
    errors = _errors(_statement(*rows))
    assert errors.count("summary_line") == 1
    assert errors[rows.index(label)] == "summary_line"


@pytest.mark.parametrize("where", ["under", "above"])
def test_a_line_of_text_without_a_date_does_not_widen_the_block(where):
    # a heading or a footnote line without a date or an amount (a card holder's name) is
    # no transaction: the bare label beside it is still outside the block
    lines = ["2024-01-02,SHOP A,-10.00", "2024-01-03,SHOP B,-20.00"]
    label, note = "2024-01-04,TOTAL,-30.01", ",Card 4711 J SMITH,"
    rows = [*lines, label, note] if where == "under" else [note, label, *lines]
    errors = _errors(_statement(*rows))
    assert errors[rows.index(label)] == "summary_line"
    assert errors[rows.index(note)] == ""


def test_a_fuel_purchase_at_total_stays_a_transaction_with_its_amount():
    text = _statement("03/01/2024,SHOP A,-12.00", "04/01/2024,TOTAL 0412,-45.10",
                      "05/01/2024,CB TOTAL 0412 PARIS,-38.20", "06/01/2024,SHOP B,-3.00")
    clean, quarantine, _ = _normalised(text, "fuel.csv")
    assert quarantine.empty
    assert clean["amount"].round(2).tolist() == [-12.00, -45.10, -38.20, -3.00]


def test_one_line_is_no_sum_a_bare_label_repeating_it_is_a_purchase():
    errors = _errors(_statement("2024-01-02,SHOP A,-45.10", "2024-01-03,TOTAL 0412,-45.10",
                                "2024-01-05,SHOP C,-1.00"))
    assert errors == ["", "", ""]


@pytest.mark.parametrize("amount, summary", [("58.00", True), ("58.01", False)])
def test_a_bare_balance_line_repeating_the_running_balance_is_a_summary(amount, summary):
    errors = _errors(_statement("2024-01-02,SHOP A,-10.00,70.00", "2024-01-03,SHOP B,-12.00,58.00",
                                f"2024-01-04,BALANCE,{amount},",
                                "2024-01-05,SHOP C,-1.00,57.00",
                                header="Date,Description,Amount,Balance"))
    assert errors[2] == ("summary_line" if summary else "")


@pytest.mark.parametrize("amount, summary", [("968.00", True), ("968.01", False)])
def test_a_bare_balance_line_repeating_the_opening_plus_the_lines_since_is_a_summary(amount,
                                                                                     summary):
    errors = _errors(_statement("2024-01-01,Opening balance,1000.00",
                                "2024-01-02,SHOP A,-10.00", "2024-01-03,SHOP B,-22.00",
                                f"2024-01-04,Saldo,{amount}", "2024-01-05,SHOP C,-1.00"))
    assert errors[0] == "summary_line"
    assert errors[3] == ("summary_line" if summary else "")


@pytest.mark.parametrize("amount, summary", [
    ("-3.00", True),  # the lines since the first total
    ("-33.00", True),  # the first total carried on: a running total
    ("-3.01", False), ("-32.99", False),
])
def test_a_second_total_sums_the_lines_since_the_first(amount, summary):
    errors = _errors(_statement(
        "2024-01-02,SHOP A,-10.00", "2024-01-03,SHOP B,-20.00", "2024-01-04,TOTAL,-30.00",
        "2024-01-05,SHOP C,-1.00", "2024-01-06,SHOP D,-2.00", f"2024-01-07,TOTAL,{amount}",
        "2024-01-08,SHOP E,-4.00"))
    assert errors[2] == "summary_line"
    assert errors[5] == ("summary_line" if summary else "")


def test_a_kept_bare_label_is_no_summary_the_next_one_sums_across_it():
    errors = _errors(_statement(
        "2024-01-02,SHOP A,-10.00", "2024-01-03,TOTAL 0412,-45.00", "2024-01-04,SHOP B,-20.00",
        "2024-01-05,TOTAL,-75.00", "2024-01-06,SHOP C,-1.00"))
    assert errors == ["", "", "", "summary_line", ""]


@pytest.mark.parametrize("amount, summary", [("30,00", True), ("30,01", False)])
def test_a_bare_label_in_split_columns_repeats_the_money_out(amount, summary):
    errors = _errors(_statement("02/01/2024;SHOP A;10,00;", "03/01/2024;SHOP B;20,00;",
                                "04/01/2024;SALARY;;100,00", f"05/01/2024;Summe;{amount};",
                                "06/01/2024;SHOP C;1,00;",
                                header="Datum;Text;Soll;Haben"))
    assert errors[3] == ("summary_line" if summary else "")


@pytest.mark.parametrize("text, summary", [
    ("Übertrag aus Vormonat", True), ("Zůstatek ke dni", True), ("Summe", True),
    ("TOTALENERGIES 0412", False), ("SUBTOTALS", False), ("Balancing act", False),
])
def test_one_vocabulary_names_the_summary_lines_without_a_date(text, summary):
    from titans_finance.core.readers.summary_lines import SUMMARY_WORDS
    import pandas as pd

    for values in (pd.Series([text], dtype="str"), pd.Series([text], dtype="object")):
        # Arrow's RE2 (no Unicode word edges) and Python's re read the pattern alike
        assert values.str.contains(SUMMARY_WORDS.pattern, regex=True).tolist() == [summary]


@pytest.mark.parametrize("total, summary", [("-1.030,00 EUR", True), ("-1.030,01 EUR", False)])
def test_amounts_with_marks_and_grouping_are_summed_as_read(total, summary):
    errors = _errors(_statement('02/01/2024;SHOP A;"-1.000,00 EUR"', "03/01/2024;SHOP B;-30,00",
                                f'04/01/2024;TOTAL;"{total}"', "05/01/2024;SHOP C;-1,00",
                                header="Datum;Text;Betrag"))
    assert errors[2] == ("summary_line" if summary else "")


@pytest.mark.parametrize("total, summary", [("-12.500", True), ("-12.510", False)])
def test_a_declared_decimal_point_reads_the_amounts_a_bare_label_is_judged_by(total, summary):
    # Bahraini dinars (three decimals) in a semicolon file: each "-10.500" would be ten
    # thousand five hundred under the semicolon's decimal comma; declared, it is 10.5
    mapping = parse_mappings({"mappings": [{"match": "bare.csv", "decimal": "."}]}, "t")[0]
    text = _statement("02.01.2024;SHOP A;-10.500", "03.01.2024;SHOP B;-2",
                      f"04.01.2024;TOTAL;{total}", "05.01.2024;SHOP C;-1",
                      header="Date;Description;Amount")
    errors = read_export(text.encode("utf-8"), "bare.csv", mapping).frame["_parse_error"]
    assert errors.tolist() == ["", "", "summary_line" if summary else "", ""]


@pytest.mark.parametrize("total, summary", [("12.500", True), ("12.510", False)])
def test_a_declared_decimal_point_reads_the_money_out_when_the_money_in_shows_no_mark(
        total, summary):
    # the declared mark, not the first amount column's evidence: an empty money-in column
    # shows none, and the semicolon's decimal comma would read "10.500" as ten thousand
    # five hundred dinars, missing the total's sum
    mapping = parse_mappings({"mappings": [{"match": "bare.csv", "decimal": "."}]}, "t")[0]
    text = _statement("02.01.2024;SHOP A;;10.500", "03.01.2024;SHOP B;;2",
                      f"04.01.2024;TOTAL;;{total}", "05.01.2024;SHOP C;;1",
                      header="Date;Description;Paid in;Paid out")
    errors = read_export(text.encode("utf-8"), "bare.csv", mapping).frame["_parse_error"]
    assert errors.tolist() == ["", "", "summary_line" if summary else "", ""]


@pytest.mark.parametrize("total, summary", [("30.00", True), ("30.01", False)])
def test_a_month_without_money_in_judges_a_bare_total_by_its_money_out(total, summary):
    # the money-in column is empty on every line: it shows no decimal mark, and the
    # file's convention (the comma file's point) reads the money out
    errors = _errors(_statement(
        "2024-01-02,SHOP A,,10.00", "2024-01-03,SHOP B,,20.00", f"2024-01-04,TOTAL,,{total}",
        "2024-01-05,SHOP C,,1.00", header="Date,Description,Paid in,Paid out"))
    assert errors == ["", "", "summary_line" if summary else "", ""]


@pytest.mark.parametrize("amount, summary", [("57.00", True), ("57.01", False)])
def test_newest_first_the_running_balance_is_the_one_written_below(amount, summary):
    # newest first: the balance after the lines under the label is written on the line below
    errors = _errors(_statement("2024-01-05,SHOP C,-1.00,56.00", f"2024-01-04,BALANCE,{amount},",
                                "2024-01-03,SHOP B,-12.00,57.00", "2024-01-02,SHOP A,-10.00,69.00",
                                header="Date,Description,Amount,Balance"))
    assert errors[1] == ("summary_line" if summary else "")


@pytest.mark.parametrize("total, summary", [("30.00", True), ("30.01", False)])
def test_unsigned_amounts_are_summed_by_their_direction_column(total, summary):
    # money in 100.00, money out 10.00 + 20.00: the total of the debits is 30.00
    errors = _errors(_statement(
        "2024-01-02,SHOP A,10.00,D,90.00", "2024-01-03,SHOP B,20.00,D,70.00",
        "2024-01-04,SALARY,100.00,C,170.00", f"2024-01-05,TOTAL,{total},D,",
        "2024-01-06,SHOP C,1.00,D,169.00", header="Date,Description,Amount,D/C,Balance"))
    assert errors[3] == ("summary_line" if summary else "")


@pytest.mark.parametrize("amount, summary", [("968.00", True), ("968.01", False)])
def test_an_opening_balance_written_in_the_balance_column_alone_is_carried(amount, summary):
    # the opening line has no amount: its balance is what the lines since carry on
    errors = _errors(_statement("2024-01-01,Opening balance,,1000.00",
                                "2024-01-02,SHOP A,-10.00,", "2024-01-03,SHOP B,-22.00,",
                                f"2024-01-04,Saldo,{amount},", "2024-01-05,SHOP C,-1.00,",
                                header="Date,Description,Amount,Balance"))
    assert errors[0] == "summary_line"
    assert errors[3] == ("summary_line" if summary else "")


@pytest.mark.parametrize("text, date, summary", [
    ("Zwischensumme Kreditkarte 4711", "", True), ("Total card purchases", "", True),
    ("Total card purchases", "03.01.2024", False), ("Kreditkarte 4711", "", False),
])
def test_a_line_without_a_date_between_the_rows_is_a_summary_by_its_head_word(text, date, summary):
    # a subtotal between the rows (per card, per month): more than a label, so only a
    # head word in a text field and no date say it; with a date it is a transaction
    errors = _errors(_statement("02.01.2024;SHOP A;-10,00", f"{date};{text};-15,40",
                                "04.01.2024;SHOP B;-5,40", header="Datum;Text;Betrag"))
    assert errors == ["", "summary_line" if summary else "", ""]


@pytest.mark.parametrize("text", ["", "Loppusaldo", "Kontoauszug 1/2024"])
def test_a_line_with_a_balance_and_no_amount_is_a_summary_in_any_wording(text):
    # an opening or closing balance line whose words no vocabulary knows (or none): the
    # balance column holds a number while every amount column is empty
    errors = _errors(_statement("31.12.2023;;;1.000,00", "02.01.2024;SHOP A;-10,00;990,00",
                                f"31.01.2024;{text};;990,00",
                                header="Datum;Text;Betrag;Saldo"))
    assert errors == ["summary_line", "", "summary_line"]


@pytest.mark.parametrize("amount, summary", [("990,00", True), ("990,01", False)])
def test_a_balance_line_in_unknown_words_is_carried_like_a_labelled_one(amount, summary):
    # the opening line's words are in no vocabulary (its balance alone, no amount, says
    # what it is): a bare SALDO repeating it plus the lines since is a summary too
    errors = _errors(_statement("01.01.2024;Loppusaldo;;1.000,00", "02.01.2024;SHOP A;-10,00;",
                                f"03.01.2024;SALDO;{amount};", "04.01.2024;SHOP B;-5,00;",
                                header="Datum;Text;Betrag;Saldo"))
    assert errors == ["summary_line", "", "summary_line" if summary else "", ""]


@pytest.mark.parametrize("label", ["Saldo", "Endsaldo", "Closing balance", "SALDO FINALE"])
@pytest.mark.parametrize("where", ["balance", "value date"])
def test_a_label_written_in_a_number_column_makes_a_summary_line(label, where):
    # a closing line that writes its label where the rows hold a balance or a value date:
    # read as a 97,00 deposit with no description, and the running balance "proven"
    # (the line has no balance to check), the signed sum off by the closing balance
    header, last = (("Datum;Text;Betrag;Saldo", f"31.01.2024;;97,00;{label}") if where == "balance"
                    else ("Datum;Text;Betrag;Valuta", f"31.01.2024;;97,00;{label}"))
    third = "87,60" if where == "balance" else "02.01.2024"
    fourth = "97,00" if where == "balance" else "03.01.2024"
    text = (f"{header}\n02.01.2024;Laden;-12,40;{third}\n03.01.2024;Lohn;9,40;{fourth}\n"
            f"{last}\n")
    clean, quarantine, decided = _normalised(text, "konto.csv")
    assert clean["amount"].round(2).tolist() == [-12.40, 9.40]
    assert quarantine["reasons"].tolist() == ["summary_line"]


@pytest.mark.parametrize("text", ["Saldo Bank GmbH", "Balance Fitness", "Total Energies"])
def test_a_name_beginning_with_a_label_word_in_a_text_column_stays_a_transaction(text):
    # the other side of the rule above: a merchant whose name starts with a label word
    clean, quarantine, _ = _normalised(
        f"Datum;Text;Betrag;Saldo\n02.01.2024;{text};-12,40;87,60\n03.01.2024;Lohn;9,40;97,00\n",
        "konto.csv")
    assert clean["amount"].round(2).tolist() == [-12.40, 9.40] and quarantine.empty


@pytest.mark.parametrize("where", ["under", "above"])
def test_a_turnover_line_outside_the_block_is_a_summary_by_its_place(where):
    # Swedbank-style statement: the period's debit turnover written as one more dated line
    lines = ["2024-01-02,SHOP A,-10.00", "2024-01-03,SHOP B,-20.00"]
    label = "2024-01-31,Turnover,-1000.00"  # neither the sum nor a balance: its place decides
    rows = [*lines, label] if where == "under" else [label, *lines]
    errors = _errors(_statement(*rows))
    assert errors[rows.index(label)] == "summary_line"
    assert errors.count("summary_line") == 1


def test_a_turnover_line_inside_the_block_must_repeat_a_sum():
    # a bare head word between transactions is a summary only when its amount says so
    # (one line is no sum: two lines above it, -12.00)
    rows = ["2024-01-02,SHOP A,-10.00", "2024-01-02,SHOP B,-2.00",
            "2024-01-03,Turnover,-12.01", "2024-01-04,SHOP C,-1.00"]
    assert _errors(_statement(*rows)) == ["", "", "", ""]
    rows[2] = "2024-01-03,Turnover,-12.00"
    assert _errors(_statement(*rows)) == ["", "", "summary_line", ""]


@pytest.mark.parametrize("text", ["Article soldé", "Egyenlegé lekérdezés", "Sumé Store"])
def test_a_line_without_a_date_whose_word_only_begins_with_a_summary_word_is_no_summary(text):
    # "soldé" (sold off) is no "sold": a letter outside ASCII continues the word
    rows = ["2024-01-02,SHOP A,-10.00", f",{text},-12.00", "2024-01-03,SHOP B,-20.00"]
    assert _errors(_statement(*rows))[1] != "summary_line"


NAN = float("nan")


@pytest.mark.parametrize("values, decimal, hint, expected", [
    (["1.500"], ",", ".", [1500.0]),  # a declared decimal comma wins over the hint
    (["1.500"], None, ",", [1500.0]),  # none declared: the hint decides
    (["1.500"], None, ".", [1.5]),
    (["12", "30"], ",", ".", [12.0, 30.0]),  # whole numbers only: still amounts of money
    (["12", "30,50", "1.234,56", "", None], ",", ".", [12.0, 30.5, 1234.56, NAN, NAN]),
])
def test_the_amounts_a_bare_label_is_judged_by_are_read_with_the_files_decimal_mark(
        values, decimal, hint, expected):
    amounts, balances = written_amounts({"Amount": pd.Series(values, dtype="str")}, decimal, hint)
    assert amounts.dtype == np.float64 and balances is None
    np.testing.assert_array_equal(amounts, np.array(expected))


def test_a_direction_column_signs_the_amounts_it_names_and_leaves_the_others_as_written():
    # `D` signs its line's amount out, `C` in; a line whose word is missing or unknown keeps
    # the amount as written (its own sign)
    columns = {"Amount": pd.Series(["12.00", "7.00", "-5.00", "3.00"], dtype="str"),
               "Debit/Credit": pd.Series(["D", "C", "", "?"], dtype="str")}
    amounts, _ = written_amounts(columns, ".", ".", {"D": -1.0, "C": 1.0})
    np.testing.assert_array_equal(amounts, [-12.0, 7.0, -5.0, 3.0])
    # without the column's meaning, or without an Amount column, nothing is signed by it
    assert written_amounts(columns, ".", ".", None)[0].tolist() == [12.0, 7.0, -5.0, 3.0]
    split = {"Money In": pd.Series(["", "7.00"], dtype="str"),
             "Money Out": pd.Series(["12.00", ""], dtype="str"),
             "Debit/Credit": pd.Series(["C", "D"], dtype="str")}
    assert written_amounts(split, ".", ".", {"D": -1.0, "C": 1.0})[0].tolist() == [-12.0, 7.0]


@pytest.mark.parametrize("columns, expected", [
    ({"Money In": ["7.00", "", "2.50"], "Money Out": ["", "", "1.00"]}, [7.0, NAN, 1.5]),
    ({"Money In": ["7.00", ""]}, [7.0, NAN]),     # a file of money in only
    ({"Money Out": ["12.00", ""]}, [-12.0, NAN]),  # ... or of money out only
])
def test_split_amounts_are_money_in_less_money_out_and_none_where_neither_is_written(
        columns, expected):
    amounts, _ = written_amounts({role: pd.Series(values, dtype="str")
                                  for role, values in columns.items()}, ".", ".")
    assert amounts.dtype == np.float64
    np.testing.assert_array_equal(amounts, np.array(expected))


@pytest.mark.parametrize("total, kept", [
    (30.0, False), (29.99, True), (30.01, True),  # the money in of the lines above it
    (20.0, False), (10.0, False), (40.0, False),  # their net, money out, absolute amounts
    (15.0, True),  # no line above carries a balance: the last line's amount is none
])
def test_a_bare_total_is_judged_by_the_sums_of_the_transactions_alone(total, kept):
    # a dated line without an amount counts as nothing, and an undated note between the
    # lines is no transaction: neither adds to the sums a total may repeat
    kinds = pd.Series([None, None, None, None, "bare", None], dtype="object")
    dated = np.array([True, True, False, True, True, True])
    transaction = np.array([True, True, False, True, False, True])
    amounts = np.array([30.0, NAN, NAN, -10.0, total, -5.0])
    found = bare_labels_kept(kinds, dated, transaction, np.zeros(6, dtype=bool),
                             lambda: (amounts, None))
    assert found.tolist() == [False] * 4 + [kept, False]


@pytest.mark.parametrize("total, kept", [(90.0, False), (80.0, False),  # above, below
                                         (85.0, True), (89.99, True), (90.01, True),
                                         (170.0, True)])  # no balance carried from the end
def test_the_running_balance_a_bare_total_may_repeat_is_a_transactions_balance(total, kept):
    # the line above it is quarantined (no transaction) with a balance written: that balance
    # is no running balance a summary line could repeat; the transactions' ones are
    kinds = pd.Series([None, None, None, "bare", None], dtype="object")
    transaction = np.array([True, True, False, False, True])
    amounts = np.array([100.0, -10.0, NAN, total, -5.0])
    balances = np.array([100.0, 90.0, 85.0, NAN, 80.0])
    found = bare_labels_kept(kinds, np.ones(5, dtype=bool), transaction, np.zeros(5, dtype=bool),
                             lambda: (amounts, balances))
    assert found.tolist() == [False] * 3 + [kept, False]


@pytest.mark.parametrize("total, kept", [(15.0, False), (14.99, True), (15.01, True),
                                         (20.0, True), (30.0, False)])
def test_a_bare_total_sums_the_lines_since_the_nearest_summary_above_it(total, kept):
    # two summary lines above it (rows 1 and 3): the lines since the nearer one (4, 5) are
    # what it may total (15), or the balance it carried plus them (15 + 15); never the lines
    # since the farther one (2, 4, 5: 20)
    kinds = pd.Series([None] * 6 + ["bare", None], dtype="object")
    transaction = np.array([True, False, True, False, True, True, False, True])
    summaries = np.array([False, True, False, True, False, False, False, False])
    amounts = np.array([10.0, 10.0, 5.0, 15.0, 7.0, 8.0, total, 1.0])
    found = bare_labels_kept(kinds, np.ones(8, dtype=bool), transaction, summaries,
                             lambda: (amounts, None))
    assert found.tolist() == [False] * 6 + [kept, False]


@pytest.mark.parametrize("total, kept", [(90.0, False), (85.0, False),  # just above, below
                                         (100.0, True), (78.0, True)])  # two lines away
def test_a_bare_total_may_repeat_only_the_balances_next_to_it(total, kept):
    kinds = pd.Series([None, None, "bare", None, None], dtype="object")
    transaction = np.array([True, True, False, True, True])
    amounts = np.array([-20.0, -10.0, total, -5.0, -7.0])
    balances = np.array([100.0, 90.0, NAN, 85.0, 78.0])
    found = bare_labels_kept(kinds, np.ones(5, dtype=bool), transaction, np.zeros(5, dtype=bool),
                             lambda: (amounts, balances))
    assert found.tolist() == [False, False, kept, False, False]


@pytest.mark.parametrize("total, kept", [(100.0, False), (95.0, False), (88.0, True)])
def test_a_bare_total_under_the_first_transaction_may_repeat_its_balance(total, kept):
    kinds = pd.Series([None, "bare", None, None], dtype="object")
    transaction = np.array([True, False, True, True])
    amounts = np.array([-20.0, total, -5.0, -7.0])
    balances = np.array([100.0, NAN, 95.0, 88.0])
    found = bare_labels_kept(kinds, np.ones(4, dtype=bool), transaction, np.zeros(4, dtype=bool),
                             lambda: (amounts, balances))
    assert found.tolist() == [False, kept, False, False]


@pytest.mark.parametrize("total, kept", [(0.004, False), (0.005, True), (0.006, True)])
def test_a_bare_total_half_a_cent_from_a_sum_is_no_repeat_of_it(total, kept):
    # the lines above net to zero: under half a cent is rounding, half a cent is money
    kinds = pd.Series([None, None, "bare", None], dtype="object")
    transaction = np.array([True, True, False, True])
    amounts = np.array([1.0, -1.0, total, 2.0])
    found = bare_labels_kept(kinds, np.ones(4, dtype=bool), transaction, np.zeros(4, dtype=bool),
                             lambda: (amounts, None))
    assert found.tolist() == [False, False, kept, False]


def test_a_bare_label_is_head_words_alone_and_a_compound_opening_or_closing_stays_one():
    texts = ["Anfangssaldo", "Endsaldo", "TOTAL EUR", "TOTAL 0412", "Saldo disponibile",
             "Total Energies", "Coffee"]
    frame = pd.DataFrame({"Text": texts, "Other": [""] * len(texts)})
    assert labelled_summary_rows(frame, ["Text"]).fillna("-").tolist() == [
        "opening", "closing", "bare", "bare", "total", "-", "-"]


@pytest.mark.parametrize("text, kind", [
    ("Opening", None), ("Closing date", None), ("Available credit", None),  # no head word
    ("Opening balance", "opening"), ("Closing date balance", "closing"),
    ("Available credit total", "total")])
def test_label_words_without_a_head_word_are_no_label(text, kind):
    assert label_kind(text) == kind


@pytest.mark.parametrize("text, kind", [
    ("Anfangssaldo", "opening"), ("Beginsaldo", "opening"), ("Startsaldo", "opening"),
    ("Endsaldo", "closing"), ("Eindsaldo", "closing"), ("Schlusssaldo", "closing"),
    ("Saldo", "total")])
def test_a_compound_balance_word_names_the_opening_or_the_closing(text, kind):
    assert label_kind(text) == kind


def test_a_row_labelled_by_one_text_column_keeps_its_label_whatever_the_next_says():
    # the first text column says the closing balance; the second holds a merchant-like text
    # with a head word in it: the label stands (a row is examined until one column labels it)
    frame = pd.DataFrame({"Text": ["Closing balance", "Coffee", "Rent"],
                          "Note": ["SALDO SPORTS SRL", "Saldo", "March"]})
    assert labelled_summary_rows(frame, ["Text", "Note"]).fillna("-").tolist() == [
        "closing", "bare", "-"]


@pytest.mark.parametrize("text, kind", [
    ("BALANCE-3817426642", None),          # a line's id (Wise), no label
    ("FEE-BALANCE-3800526397", None),
    ("BALANCE_3817426642", None),
    ("BALANCE-381742", None),              # six digits glued on: a reference
    ("BALANCE-38174", "total"),            # five: a label with its number
    ("BALANCE 3817426642", "total"),       # a number set apart stays aside
    ("Closing balance 31-01", "closing"),
])
def test_a_word_glued_to_a_long_number_is_a_reference_not_a_label(text, kind):
    assert label_kind(text) == kind


# -- a line whose balance steps the running balance by its own amount is a transaction,
# whatever its words say: ``Sold EUR to BTC`` (an app's exchange) reads as a label
# (``sold`` is Romanian for balance, ``EUR``/``BTC`` currency codes, ``to`` a filler)

def test_balance_carried_from_the_row_above_or_below():
    amounts = np.array([-7.99, -2.00, -7.99, 10.00])
    # newest first: each balance is the one below plus the row's amount
    balances = np.array([-7.98, 0.01, 2.01, 10.00])
    assert balance_carried(amounts, balances).tolist() == [True, True, True, False]
    # (the last row has none below and its balance is no step from the one above: 2.01 +
    # 10.00 is not 10.00) — oldest first, the same rows carry from above
    assert balance_carried(amounts[::-1], balances[::-1]).tolist() == [False, True, True, True]


@pytest.mark.parametrize("balance, carried", [(0.01, True), (0.02, False), (0.00, False)])
def test_balance_carried_to_the_cent(balance, carried):
    # boundary: 2.01 − 2.00 = 0.01 exactly; a cent either side is no step
    assert balance_carried(np.array([-7.99, -2.00, -7.99]),
                           np.array([-7.98, balance, 2.01]))[1] == carried


def test_a_zero_amount_or_no_balance_column_proves_nothing():
    assert not balance_carried(np.array([0.0, 5.0]), np.array([5.0, 5.0])).any()
    assert not balance_carried(np.array([-1.0, 5.0]), None).any()


REVOLUT = ("Completed Date;Reference;Paid Out (EUR);Paid In (EUR); Balance (EUR)\n"
           "22. Sep 2020;Premium plan fee;7,99 ;;-7,98 \n"
           "22. Sep 2020;Sold EUR to BTC;2,00 ;;{balance} \n"
           "21. Sep 2020;Premium plan fee;7,99 ;;2,01 \n"
           "21. Sep 2020;Money added via Apple Pay;;10,00 ;10,00 \n")


@pytest.mark.parametrize("balance, summary", [("0,01", False), ("0,02", True)])
def test_a_label_whose_balance_steps_by_its_amount_is_a_transaction(balance, summary):
    errors = read_export(REVOLUT.format(balance=balance).encode(), "r.csv").frame["_parse_error"]
    assert errors.tolist() == ["", "summary_line" if summary else "", "", ""]
