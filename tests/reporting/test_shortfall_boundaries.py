"""Boundary of the shortfall sentence: an opening balance exactly at the threshold is not
"already below" it; a cent under is."""

import pytest

from titans_finance.reporting.money import Money
from titans_finance.reporting.shortfall import shortfall_sentence

MONEY = Money("EUR", "declared", ("EUR",))


def _risk(opening: float, threshold: float = 500.0) -> dict:
    return {"probability": {"30": 0.25}, "horizon_end": {"30": "2024-03-01"},
            "threshold": threshold, "opening_balance": opening, "as_of": "2024-01-31"}


@pytest.mark.parametrize("opening, already", [(500.0, False), (499.99, True), (500.01, False)])
def test_already_below_only_under_the_threshold(opening, already):
    text = shortfall_sentence(_risk(opening), MONEY)
    assert text.startswith("25 % chance") is not already
    assert ("already below €500 on 2024-01-31" in text) is already


@pytest.mark.parametrize("opening, already", [(0.0, False), (-0.01, True)])
def test_already_below_zero_at_a_zero_threshold(opening, already):
    assert ("already below" in shortfall_sentence(_risk(opening, 0.0), MONEY)) is already
