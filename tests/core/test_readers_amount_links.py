"""Amount columns linked by their values: an exchange rate (original × rate = booked, within
the rounding of the values as written) is never money and never a balance."""

from __future__ import annotations

import pandas as pd
import pytest

from titans_finance.core.readers import ExportReadError, read_export
from titans_finance.core.readers.amount_links import exchange_rate_columns


def _columns(**texts: list[str]):
    text = {k: pd.Series(v) for k, v in texts.items()}
    numbers = {k: pd.to_numeric(v.str.replace(",", "."), errors="coerce")
               for k, v in text.items()}
    return numbers, text


def test_a_column_that_multiplies_one_amount_into_another_is_an_exchange_rate():
    numbers, texts = _columns(original=["-10.00", "-25.50", "-3.99"],
                              rate=["0.9259", "0.9259", "0.8547"],
                              booked=["-9.26", "-23.61", "-3.41"])
    assert exchange_rate_columns(numbers, texts) == {"rate": ("original", "booked")}


def test_one_cent_beyond_the_rounding_is_no_exchange_rate():
    # -25.50 × 0.9259 = -23.6105: -23.61 is within rounding, -23.62 is not
    numbers, texts = _columns(original=["-10.00", "-25.50", "-3.99"],
                              rate=["0.9259", "0.9259", "0.8547"],
                              booked=["-9.26", "-23.62", "-3.41"])
    assert exchange_rate_columns(numbers, texts) == {}


def test_a_column_with_a_negative_value_is_no_exchange_rate():
    numbers, texts = _columns(original=["-10.00", "-25.50"], rate=["1.00", "-1.00"],
                              booked=["-10.00", "25.50"])
    assert exchange_rate_columns(numbers, texts) == {}


def test_a_running_balance_is_no_exchange_rate():
    numbers, texts = _columns(amount=["-10.00", "-25.50", "100.00"],
                              balance=["990.00", "964.50", "1064.50"],
                              fee=["0.00", "0.00", "0.00"])
    assert exchange_rate_columns(numbers, texts) == {}


CARD = ("Belegdatum;Originalbetrag;Originalwährung;Umrechnungskurs;Buchungsbetrag;"
        "Buchungswährung;Beschreibung\n"
        "20.02.18;-10,00;USD;0,9259;-9,26;EUR;SHOP A\n"
        "21.02.18;-25,50;USD;0,9259;-23,61;EUR;SHOP B\n"
        "22.02.18;-3,99;GBP;1,1360;-4,53;EUR;SHOP C\n")


def test_the_refusal_names_the_exchange_rate_and_never_as_the_balance():
    with pytest.raises(ExportReadError) as refused:
        read_export(CARD.encode(), "card.csv")
    message = str(refused.value)
    assert "'Umrechnungskurs' is the exchange rate between 'Originalbetrag' and " \
           "'Buchungsbetrag'" in message
    assert "balance" not in message.split("e.g.:")[1]


def test_with_the_booked_amount_declared_the_rate_is_no_balance():
    from titans_finance.core.readers.mapping import DeclaredMapping
    mapping = DeclaredMapping(match=["card.csv"], columns={"Amount": ["Buchungsbetrag"]})
    export = read_export(CARD.encode(), "card.csv", mapping)
    assert export.info["columns"]["Amount"] == ["Buchungsbetrag"]
    assert "Balance" not in export.info["columns"]


def test_an_exchange_rate_of_one_between_equal_amounts_leaves_one_movement():
    text = CARD.replace("0,9259", "1,0000").replace("1,1360", "1,0000").replace(
        "-9,26", "-10,00").replace("-23,61", "-25,50").replace("-4,53", "-3,99")
    export = read_export(text.encode(), "card.csv")
    assert "Balance" not in export.info["columns"]
    assert len(export.info["columns"]["Amount"]) == 1


def test_columns_of_zeros_are_linked_by_no_rate():
    # shipping and tax columns of 0,00 beside a positive gross: gross × 0 = 0 says nothing
    numbers, texts = _columns(gross=["49.37", "28.82"], shipping=["0.00", "0.00"],
                              tax=["0.00", "0.00"])
    assert exchange_rate_columns(numbers, texts) == {}
