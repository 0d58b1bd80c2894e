"""The signs decide between columns of amounts before a file is refused, only beside codes
and counts (readers/signed_amount)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from titans_finance.core.readers import ExportReadError, read_export
from titans_finance.core.readers.signed_amount import (
    SAME_MONEY_TOLERANCE,
    _runs_as_balance,
    amount_by_sign,
    unsure_amounts,
)


class _Inference:
    """What `amount_by_sign` reads of a `column_roles._RoleInference`."""

    def __init__(self, integers=(), **columns):
        self._numbers = {k: pd.Series(v, dtype="float64") for k, v in columns.items()}
        self.evidence = {k: {"integers_only": k in integers} for k in columns}

    def numbers(self, column):
        return self._numbers[column]


def _decide(integers=(), **columns):
    return amount_by_sign(_Inference(integers, **columns), list(columns))


def test_the_one_column_with_both_signs_is_the_amount_beside_codes():
    column, why = _decide(("Kod", "VS"), Objem=[-299.44, -300, 4000], Kod=[2010, 2010, 800],
                          VS=[1566, 45625608, 1566])
    assert column == "Objem" and why == (
        "the only column of amounts with both signs; 'Kod', 'VS' whole numbers never negative "
        "(codes, counts) or its size without sign")


@pytest.mark.parametrize("values, signed", [
    ([-2.5, 0.5], True), ([-0.5, 2.5], True),  # a sign each way, however small
    ([-2.5, 0.0], False), ([0.0, 2.5], False),  # a zero has no sign
    ([0.5, 2.5], False), ([-2.5, -0.5], False)])
def test_both_signs_means_a_value_below_zero_and_one_above(values, signed):
    found = _decide(("Code",), A=values, Code=[7, 7])
    assert (found is not None and found[0] == "A") is signed


def test_a_code_of_zero_is_still_a_code_never_negative():
    assert _decide(("Kod",), Objem=[-299.44, 4000.0, 12.0], Kod=[0, 2010, 800])[0] == "Objem"


def test_a_column_negative_on_every_line_proves_nothing():
    assert _decide(("Code",), Out=[-1.5, -2.0], Code=[2010, 2010]) is None


def test_a_second_signed_column_leaves_the_signs_undecided():
    assert _decide(("C",), A=[-1.5, 2.0], B=[3.0, -1.0], C=[7, 7]) is None


def test_a_negative_code_is_no_code():
    assert _decide(("C",), A=[-1.5, 2.0], C=[7, -7]) is None


def test_a_column_with_cents_beside_it_leaves_the_signs_undecided():
    # a balance or a second amount: the balance, the header or the user says
    assert _decide((), A=[-12.4, 2100.0, -2.4], B=[5.0, 7.0, 1.0]) is None


@pytest.mark.parametrize("shift, decided", [(0.0, True), (SAME_MONEY_TOLERANCE - 0.001, True),
                                            (SAME_MONEY_TOLERANCE, False)])
def test_the_amount_s_size_without_its_sign_is_no_other_money(shift, decided):
    found = _decide((), Op=[450000.0, -2790.08, -3000.0],
                    Rounded=[450000.0, 2790.08 + shift, 3000.0])
    assert (found is not None and found[0] == "Op") is decided


@pytest.mark.parametrize("op, rounded, decided", [
    ([450000.0, -2790.08, np.nan], [450000.0, 2790.08, np.nan], True),  # neither written
    ([450000.0, -2790.08, -3000.0], [450000.0, 2790.08, np.nan], False),  # one written
    ([450000.0, -2790.08, -3000.0, 0.0], [450000.0, 2790.08, 3000.0, 0.004], True),
    ([450000.0, -2790.08, -3000.0, 0.0], [450000.0, 2790.08, 3000.0, 0.005], False),
])
def test_the_same_money_is_written_on_the_same_lines_to_within_half_a_cent(op, rounded,
                                                                            decided):
    # 0.005 beside a line of 0.00 is half a cent apart: money, no rounding
    found = _decide((), Op=op, Rounded=rounded)
    assert (found is not None and found[0] == "Op") is decided


@pytest.mark.parametrize("step, runs", [(0.004, True), (0.005, False)])
def test_a_balance_step_half_a_cent_off_the_amount_is_no_step_of_it(step, runs):
    assert _runs_as_balance(pd.Series([0.0, step]), pd.Series([0.0, 0.0])) is runs


def test_a_single_line_has_no_step_to_run_as_a_balance():
    assert _runs_as_balance(pd.Series([5.0]), pd.Series([5.0])) is False
    assert _decide(("C",), A=[-1.5, np.nan, 2.0], C=[7, 7, 7])[0] == "A"


@pytest.mark.parametrize("matching, runs", [(2, True), (1, False)])
def test_half_the_steps_of_the_amounts_is_a_balance(matching, runs):
    # four steps: 10 and 20 are the amounts of their lines, 3 and 5 are not (nor the
    # amounts of the lines above); with the second broken, one step of four
    amounts = [100.0, 10.0, 20.0 if matching == 2 else 27.0, 35.0, 47.0]
    assert _runs_as_balance(pd.Series([1000.0, 990.0, 970.0, 973.0, 978.0]),
                            pd.Series(amounts)) is runs


@pytest.mark.parametrize("matching, balance", [(3, True), (2, True), (1, False), (0, False)])
def test_a_signed_column_that_runs_as_a_balance_over_whole_numbers_is_no_amount(matching,
                                                                                balance):
    # balance −240, 209760, 209520, −10480: its three steps are the amounts 210000, 240,
    # 220000 (whole yen); the steps past `matching` are broken by a changed amount
    amounts = [1240.0, 210000.0, 240.0, 220000.0]
    for line in range(1 + matching, 4):
        amounts[line] += 7.0
    assert _runs_as_balance(pd.Series([-240.0, 209760.0, 209520.0, -10480.0]),
                            pd.Series(amounts)) is balance
    found = _decide(("Amount",), Balance=[-240.0, 209760.0, 209520.0, -10480.0],
                    Amount=amounts)
    assert (found is None) is balance


def test_a_czech_export_with_bank_codes_and_symbols_is_read_not_refused():
    text = ('"ID operace";"Datum";"Objem";"Měna";"Kód banky";"KS";"VS";"Poznámka"\n'
            '"1";"01.09.2023";"-299,44";"CZK";"2010";"0138";"1566";"Lidl"\n'
            '"2";"02.09.2023";"-300";"CZK";"2010";"";"45625608";"QR"\n'
            '"3";"08.09.2023";"4000";"CZK";"0800";"";"1566";"ATM"\n').encode()
    assert read_export(text, "fio.csv").frame["Amount"].tolist() == ["-299,44", "-300", "4000"]


def test_unsigned_whole_amounts_beside_a_balance_crossing_zero_are_refused():
    text = ("02.01.2024;Shop;1240;-240\n03.01.2024;Pay;210000;209760\n"
            "05.01.2024;Bus;240;209520\n06.01.2024;Rent;220000;-10480\n").encode()
    with pytest.raises(ExportReadError, match="all hold amounts"):
        read_export(text, "x.csv")


def _sample(**columns):
    return pd.DataFrame({k: pd.Series(v, dtype="object") for k, v in columns.items()})


UNSURE = _sample(Out=["5.00", "", "7.10"], In=["", "12.00", ""],
                 Bal=["95.00", "107.00", "99.90"])


def test_the_split_the_balance_found_names_money_in_and_out_in_the_refusal():
    message = unsure_amounts("x.csv", UNSURE, ["Out", "In", "Bal"],
                             {"split|In|Out|Bal": None, "Bal": None}, None)
    assert "(two of them are never filled on the same line: money in and money out" in message
    assert message.endswith('      money_in: "In"\n      money_out: "Out"\n')


def test_without_a_reading_of_them_two_columns_never_filled_together_are_the_split():
    message = unsure_amounts("x.csv", UNSURE, ["Bal", "Out", "In"], {"Bal": None}, None)
    assert "(two of them are never filled on the same line: money in and money out" in message
    assert message.endswith('      money_in: "Out"\n      money_out: "In"\n')


def test_columns_filled_together_are_no_split():
    sample = _sample(A=["5.00", "6.00"], B=["1.00", ""], C=["95.00", "89.00"])
    message = unsure_amounts("x.csv", sample, ["A", "B", "C"], {}, None)
    assert "never filled on the same line" not in message and "money_in" not in message


def test_an_exchange_rate_between_two_amounts_is_named_in_the_refusal():
    sample = _sample(Sent=["10.00", "20.00"], Got=["11.00", "22.00"], Rate=["1.1", "1.1"])
    message = unsure_amounts("x.csv", sample, ["Sent", "Got"], {},
                             {"Rate": ("Sent", "Got")})
    assert "('Rate' is the exchange rate between 'Sent' and 'Got': which of them" in message
    assert message.endswith('      amount: "Got"\n')
