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


# -- the bounds of a fee booked on a line of its own

@pytest.mark.parametrize("fee, amount, booked", [
    ([0.0, 1.0], [-50.0, 0.0], False),    # a fee of 0.00 is no fee: a line of 0.00 is not it
    ([0.5, 0.0], [-20.0, -0.5], True),    # a fee under 1 is a fee all the same
    ([0.0, 0.0], [-5.0, 0.0], False),     # no fee charged on any line
    ([0.5, 0.0], [-20.0, -0.505], True),  # half a cent above the fee: the same money
    ([0.005], [0.01], False),             # within half a cent of its own line's amount only
])
def test_a_fee_booked_as_a_line_is_a_fee_on_another_line_to_half_a_cent(fee, amount, booked):
    assert fee_booked_as_a_line(_series(*fee), _series(*amount)) is booked


def test_a_line_without_a_fee_says_nothing_of_the_fee_s_size():
    assert fee_within_amount(_series(1.0, np.nan), _series(5.0, 3.0)) is True
    assert fee_within_amount(_series(1.0, 2.0), _series(5.0, np.nan)) is True


# -- quantity × price: every pair of numeric columns, each line paying a fee covered

SCHWAB = {"Quantity": _series(100.0, 20.0), "Price": _series(18.05, 30.08)}


def test_the_pair_of_quantity_and_price_is_found_among_three_numeric_columns():
    numbers = {**SCHWAB, "Lot": _series(7.0, 3.0)}
    assert fee_in_the_price(_series(12.98, 12.96), _series(1792.02, 588.64),
                            numbers) == ("Quantity", "Price")


def test_a_column_empty_on_a_line_with_a_fee_leaves_the_next_pair_to_try():
    numbers = {"Quantity": SCHWAB["Quantity"], "Empty": _series(np.nan, 1.0),
               "Price": SCHWAB["Price"]}
    assert fee_in_the_price(_series(12.98, 12.96), _series(1792.02, 588.64),
                            numbers) == ("Quantity", "Price")


@pytest.mark.parametrize("price, amount, found", [
    (0.02, 0.0, True),    # gross 0.02, the amount 0.00 and a fee of 0.01: a cent off fits
    (0.01, 0.0, False),   # gross 0.01 is the amount within a cent: nothing net of a fee
])
def test_the_price_and_the_amount_apart_by_the_fee_to_the_cent(price, amount, found):
    got = fee_in_the_price(_series(0.01), _series(amount),
                           {"Quantity": _series(1.0), "Price": _series(price)})
    assert (got == ("Quantity", "Price")) is found


# -- the steps of the role inference (fill_fee)

def _inference(roles, declared=(), **columns):
    from titans_finance.core.readers.column_roles import _RoleInference
    sample = pd.DataFrame({c: pd.Series(v, dtype="object") for c, v in columns.items()})
    return _RoleInference(sample, roles, set(declared), ".", "x.csv", None)


TRADE = {"Quantity": ["100", "20"], "Price": ["18.05", "30.08"], "Amount": ["1792.02", "588.64"],
         "Fees": ["12.98", "12.96"], "Empty": [None, None]}


@pytest.mark.parametrize("declared, set_aside", [((), True), (("Fee",), False)])
def test_a_named_fee_in_the_price_is_set_aside_unless_declared(declared, set_aside):
    inference = _inference({"Amount": ["Amount"], "Fee": ["Fees"]}, declared, **TRADE)
    inference.fill_fee()
    assert ("Fee" not in inference.roles) is set_aside
    assert inference.notes == ([
        "column 'Fees': already in the amount ('Quantity' × 'Price' is the amount plus or "
        "minus it on every line with a fee)"] if set_aside else [])


def test_a_named_fee_without_any_amount_is_left_as_named():
    inference = _inference({"Fee": ["Fees"]}, **TRADE)
    inference.fill_fee()
    assert inference.roles == {"Fee": ["Fees"]}


def test_a_named_fee_is_the_only_fee():
    inference = _inference({"Amount": ["Amt"], "Fee": ["Charge"]}, Amt=["10.00", "20.00"],
                           Charge=["1.00", "0.00"], **{"Fee amount": ["0.50", "0.10"]})
    inference.fill_fee()
    assert inference.roles == {"Amount": ["Amt"], "Fee": ["Charge"]}


def test_a_free_column_whose_words_name_a_fee_becomes_the_fee():
    inference = _inference({"Amount": ["Amt"]}, Amt=["-10.00", "20.00"], Note=["a", "b"],
                           **{"Fee amount": ["0.50", "0.10"]})
    inference.fill_fee()
    assert inference.roles == {"Amount": ["Amt"], "Fee": ["Fee amount"]}
    assert inference.why["Fee amount"] == ("header words name a fee; its values are amounts, "
                                           "none larger than the line's amount")


def test_a_fee_column_is_found_beside_every_money_column_named():
    inference = _inference({"Amount": ["Amt"], "Money In": ["In"], "Money Out": ["Out"]},
                           Amt=["-10.00", "20.00"], In=[None, "20.00"], Out=["10.00", None],
                           **{"Fee amount": ["0.50", "0.10"]})
    inference.fill_fee()
    assert inference.roles["Fee"] == ["Fee amount"]


def test_a_fee_column_named_by_its_header_and_in_the_price_is_noted_once():
    # a header synonym of the fee ("Fees"), set aside by quantity × price, is not found
    # again by its words among the free columns (it was, and the note came twice)
    text = (b'"Date","Action","Quantity","Symbol","Description","Price","Amount","Fees"\n'
            b'"05/07/2007","Sell","100.0000","MOT","MOTOROLA INC","$18.0500","$1,792.0200","$12.98"\n'
            b'"05/07/2007","Sell","20.0000","YHOO","YAHOO INC","$30.0800","$588.6400","$12.96"\n')
    read = read_export(text, "broker.csv")
    assert "Fee" not in read.info["columns"]
    assert read.info["reading"]["notes"] == [
        "column 'Fees': already in the amount ('Quantity' × 'Price' is the amount plus or "
        "minus it on every line with a fee)"]
