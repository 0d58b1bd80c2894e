import pandas as pd
import pytest

from titans_finance.reporting.money import CurrencyConfigError, Money, money_of


def test_the_exports_currency_column_wins():
    money = money_of(pd.DataFrame({"currency": ["eur", "EUR ", None]}), declared="USD")
    assert money == Money("EUR", "export", ("EUR",))
    assert money.format(-1234.5) == "-€1,234" and money.format(12.345, 2) == "€12.35"
    assert "currency column" in money.note()


def test_a_code_without_a_sign_is_written_after_the_number():
    money = money_of(pd.DataFrame({"currency": ["CZK"]}))
    assert money.format(1500) == "1,500 CZK"
    assert money.axis("spent") == {"title": "spent (CZK)", "tickformat": ",.0f",
                                   "tickprefix": "", "ticksuffix": " CZK"}


def test_declared_currency_when_the_export_has_none():
    money = money_of(pd.DataFrame({"amount": [1.0]}), declared="gbp")
    assert money.code == "GBP" and money.source == "declared" and "declared" in money.note()


def test_unknown_currency_is_said_not_assumed():
    money = money_of(pd.DataFrame({"amount": [1.0], "currency": [None]}))
    assert money.code is None and money.format(-5.0, 2) == "-5.00"
    assert "states no currency" in money.note() and "$" not in money.note()


def test_mixed_currencies_are_named():
    money = money_of(pd.DataFrame({"currency": ["EUR", "USD", "EUR"]}), declared="EUR")
    assert money.source == "mixed" and money.codes == ("EUR", "USD")
    assert "EUR, USD" in money.note() and money.label == "mixed currencies"


def test_a_declared_currency_must_be_an_iso_code():
    with pytest.raises(CurrencyConfigError, match="reporting.currency"):
        money_of(pd.DataFrame({"amount": [1.0]}), declared="dollars")


@pytest.mark.parametrize("value, decimals, text", [
    (-0.6, 0, "-€1"), (-0.5, 0, "€0"), (-0.4, 0, "€0"), (-0.0, 0, "€0"), (0.0, 0, "€0"),
    (0.4, 0, "€0"), (-0.006, 2, "-€0.01"), (-0.004, 2, "€0.00"), (-0.01, 2, "-€0.01")])
def test_a_value_shown_as_zero_has_no_minus_sign(value, decimals, text):
    assert Money("EUR", "declared", ("EUR",)).format(value, decimals) == text
