"""The signs decide between columns of amounts before a file is refused, only beside codes
and counts (readers/signed_amount)."""

from __future__ import annotations

import pandas as pd
import pytest

from titans_finance.core.readers import ExportReadError, read_export
from titans_finance.core.readers.signed_amount import (
    SAME_MONEY_TOLERANCE,
    _runs_as_balance,
    amount_by_sign,
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
    assert column == "Objem" and "codes, counts" in why


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
