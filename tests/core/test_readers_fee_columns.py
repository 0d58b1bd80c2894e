"""A fee in its own column, named by a word of its header (a compound word too) and
proven by its values: never larger than the line's amount (core/readers/fee_columns.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from titans_finance.core.readers import read_export
from titans_finance.core.readers.fee_columns import (
    fee_booked_as_a_line,
    fee_in_the_price,
    fee_within_amount,
)

# Wise (German headers): the amount after fees, its fee beside it, an exchange rate
WISE = ('ID,Status,Richtung,"Abgeschlossen am","Betrag der Ausgangsgebühr",'
        '"Ausgangsbetrag (nach Gebühren)",Ausgangswährung,"Zielbetrag (nach Gebühren)",'
        'Zielwährung,Wechselkurs\n'
        'C-1,COMPLETED,OUT,"2023-12-30 14:47:11","0.00","58.19",EUR,"58.19",EUR,1.00000000\n'
        'C-2,COMPLETED,OUT,"2023-12-28 08:41:00","0.00","7.47",EUR,"7.47",EUR,1.00000000\n'
        'T-3,COMPLETED,OUT,"2023-12-27 00:50:23","{fee}","131.26",EUR,"5000.0",THB,38.0925\n')


def test_a_wise_fee_column_is_the_fee_beside_the_amount_it_converts():
    export = read_export(WISE.format(fee="1.73").encode(), "wise.csv")
    columns = export.info["columns"]
    assert columns["Amount"] == ["Ausgangsbetrag (nach Gebühren)"]
    assert columns["Fee"] == ["Betrag der Ausgangsgebühr"]
    assert export.frame["Fee"].tolist() == ["0.00", "0.00", "1.73"]


@pytest.mark.parametrize("fee, is_fee", [("131.26", True), ("131.27", False)])
def test_a_fee_is_never_larger_than_the_amount(fee, is_fee):
    # equal to the amount: still a part of what moved; a cent more: no fee of this line
    export = read_export(WISE.format(fee=fee).encode(), "wise.csv")
    assert ("Fee" in export.info["columns"]) is is_fee


@pytest.mark.parametrize("fee, amount, within", [
    ([1.73], [-131.26], True), ([-131.26], [131.26], True), ([131.27], [-131.26], False),
    ([None], [5.0], False),  # no line with both: nothing proves it
])
def test_fee_within_amount_boundaries(fee, amount, within):
    assert fee_within_amount(pd.Series(fee, dtype="float64"),
                             pd.Series(amount, dtype="float64")) is within


@pytest.mark.parametrize("other, booked", [(-11.35, True), (-11.36, False), (-11.345, True)])
def test_a_fee_that_is_another_lines_amount_is_booked_on_that_line(other, booked):
    # Wise's older export: Total fees 11.35 beside the transfer, and a charges line of -11.35
    fee = pd.Series([11.35, 0.0, None])
    amount = pd.Series([-357.38, other, 20.17])
    assert fee_booked_as_a_line(fee, amount) is booked


def test_a_fee_is_not_matched_against_its_own_line():
    assert fee_booked_as_a_line(pd.Series([5.0]), pd.Series([-5.0])) is False


def _series(*values):
    return pd.Series(values, dtype="float64")


@pytest.mark.parametrize("amount, fee, found", [
    (1792.02, 12.98, True),     # a sale: 100 × 18.05 = 1805.00 − 12.98
    (-1817.98, 12.98, True),    # a purchase: 1805.00 + 12.98 paid
    (1792.03, 12.98, True),     # within a cent
    (1792.00, 12.98, False),    # two cents off: not the fee
    (1805.00, 12.98, False),    # the amount is the gross: the fee comes on top
])
def test_quantity_times_price_proves_the_amount_net_of_the_fee(amount, fee, found):
    numbers = {"Quantity": _series(100.0, 20.0), "Price": _series(18.05, 30.08)}
    got = fee_in_the_price(_series(fee, np.nan), _series(amount, 601.60), numbers)
    assert (got == ("Quantity", "Price")) is found


def test_a_line_with_a_fee_but_no_price_leaves_the_fee_charged():
    numbers = {"Quantity": _series(100.0, np.nan), "Price": _series(18.05, np.nan)}
    assert fee_in_the_price(_series(12.98, 1.0), _series(1792.02, -50.0), numbers) is None


def test_no_fee_paid_is_no_evidence():
    numbers = {"Quantity": _series(100.0), "Price": _series(18.05)}
    assert fee_in_the_price(_series(0.0), _series(1805.0), numbers) is None


def test_a_broker_s_net_amount_is_not_charged_its_fee_twice():
    text = (b'"Date","Action","Quantity","Symbol","Description","Price","Amount","Fees & Comm"\n'
            b'"05/07/2007","Sell","100.0000","MOT","MOTOROLA INC","$18.0500","$1,792.0200","$12.98"\n'
            b'"05/07/2007","Sell","20.0000","YHOO","YAHOO INC","$30.0800","$588.6400","$12.96"\n'
            b'"05/08/2007","",""," ","OVERDRAFT TRF","","$-187.1100",""\n')
    read = read_export(text, "broker.csv")
    assert "Fee" not in read.info["columns"]
    assert read.frame["Amount"].tolist()[:2] == ["$1,792.0200", "$588.6400"]
