"""The signs decide between columns of amounts before a file is refused
(readers/signed_amount)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from titans_finance.core.readers import read_export
from titans_finance.core.readers.signed_amount import SAME_MONEY_TOLERANCE, amount_by_sign


def _numbers(**columns):
    return {k: pd.Series(v, dtype="float64") for k, v in columns.items()}


def test_the_one_column_with_both_signs_is_the_amount_beside_codes():
    numbers = _numbers(Objem=[-299.44, -300, 4000], Kod=[2010, 2010, 800], VS=[1566, 4562, 1566])
    column, why = amount_by_sign(list(numbers), numbers)
    assert column == "Objem" and "'Kod', 'VS' never negative" in why


def test_a_column_negative_on_every_line_proves_nothing():
    numbers = _numbers(Out=[-1.5, -2.0], Code=[2010, 2010])
    assert amount_by_sign(list(numbers), numbers) is None


def test_another_negative_column_leaves_the_signs_undecided():
    numbers = _numbers(A=[-1.5, 2.0], B=[3.0, -1.0], C=[7, 7])
    assert amount_by_sign(list(numbers), numbers) is None
    numbers = _numbers(A=[-1.5, 2.0], B=[3.0, 1.0], Fee=[0.0, -0.5])
    assert amount_by_sign(list(numbers), numbers) is None


def test_every_candidate_signed_is_no_proof():
    numbers = _numbers(A=[-1.5, 2.0], B=[-1.5, 2.0])
    assert amount_by_sign(list(numbers), numbers) is None


@pytest.mark.parametrize("shift, same", [(0.0, True), (SAME_MONEY_TOLERANCE - 0.001, True),
                                         (SAME_MONEY_TOLERANCE, False), (0.01, False)])
def test_two_signed_columns_decide_only_when_they_write_the_same_money(shift, same):
    numbers = _numbers(Op=[450000.0, -2790.08], Pay=[450000.0 + shift, -2790.08],
                       Bonus=[0.0, 27.0])
    found = amount_by_sign(list(numbers), numbers)
    assert (found is not None and found[0] == "Op") is same


def test_a_signed_twin_empty_where_the_other_is_written_is_other_money():
    numbers = _numbers(Op=[10.0, -2.0, -3.0], Pay=[10.0, np.nan, -3.0], Bonus=[1.0, 0.0, 2.0])
    assert amount_by_sign(list(numbers), numbers) is None


def test_a_czech_export_with_bank_codes_and_symbols_is_read_not_refused():
    text = ('"ID operace";"Datum";"Objem";"Měna";"Kód banky";"KS";"VS";"Poznámka"\n'
            '"1";"01.09.2023";"-299,44";"CZK";"2010";"0138";"1566";"Lidl"\n'
            '"2";"02.09.2023";"-300";"CZK";"2010";"";"45625608";"QR"\n'
            '"3";"08.09.2023";"4000";"CZK";"0800";"";"1566";"ATM"\n').encode()
    frame = read_export(text, "fio.csv").frame
    assert frame["Amount"].tolist() == ["-299,44", "-300", "4000"]
