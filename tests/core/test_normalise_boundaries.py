"""Every sign alias the normaliser reads, each spelled out here (a list built from the alias
table itself could not notice an alias removed from it), the debit/credit words after an
amount, and the date boundaries: day 12/13 for the day/month order and the 68/69 pivot of
two-digit years."""

from __future__ import annotations

import pandas as pd
import pytest

from titans_finance.core.normalise import indicator_signs, read_amounts, read_dates
from titans_finance.pipelines.ingestion.nodes import normalise_transactions
from tests.parameters import parameters

PARAMS = parameters("ingestion", reference_date="2025-06-30", max_future_days=31)

MONEY_IN = [
    "C", "c", "CR", "Cr", "CRDT", "Credit", "CREDIT", "RD", "H", "Haben", "Bij",
    "bij", "+", "Income", "incomes", "deposit", "revenue", "in", "inflow", "receipt", "abono",
    "Gutschrift", "credito", "ingreso",
]
MONEY_OUT = [
    "D", "d", "DR", "Dr", "DBIT", "Debit", "DEBIT", "RC", "S", "Soll", "Af", "af",
    "-", "Expense", "expenses", "withdrawal", "payment", "out", "outflow", "purchase", "spend",
    "cost", "cargo", "Belastung", "Lastschrift", "Debet", "debito", "gasto",
]


@pytest.mark.parametrize("alias", MONEY_IN)
def test_every_money_in_alias_reads_plus_one(alias):
    sign, unknown = indicator_signs(pd.Series([alias]))
    assert sign.iloc[0] == 1.0 and not unknown.iloc[0]


@pytest.mark.parametrize("alias", MONEY_OUT)
def test_every_money_out_alias_reads_minus_one(alias):
    sign, unknown = indicator_signs(pd.Series([alias]))
    assert sign.iloc[0] == -1.0 and not unknown.iloc[0]


@pytest.mark.parametrize("value", ["X", "?", "DC", "Z"])
def test_a_value_that_is_no_direction_is_unknown_not_guessed(value):
    sign, unknown = indicator_signs(pd.Series([value]))
    assert pd.isna(sign.iloc[0]) and unknown.iloc[0]


def test_a_missing_indicator_is_missing_not_unknown():
    sign, unknown = indicator_signs(pd.Series(["", None, "  "]))
    assert sign.isna().all() and not unknown.any()


@pytest.mark.parametrize("written, value", [
    ("1200.00 DR", -1200.0), ("1200.00 Dr.", -1200.0), ("5 CR", 5.0), ("5 cr", 5.0),
    ("7 H", 7.0), ("(12.00)", -12.0), ("12.00-", -12.0), ("\u221212", -12.0), ("+5", 5.0),
    ("$-12", -12.0), ("USD -5", -5.0), ("-0.01", -0.01), ("0.01", 0.01),
])
def test_the_sign_written_with_an_amount(written, value):
    parsed = read_amounts(pd.Series([written]), decimal=".")
    assert parsed.values.iloc[0] == value and not parsed.invalid.iloc[0]
    assert parsed.explicit_sign.iloc[0] == (written not in ("0.01",))


def test_soll_after_a_decimal_comma_amount_is_money_out():
    parsed = read_amounts(pd.Series(["12,50 S", "3,00 H"]), decimal=",")
    assert parsed.values.tolist() == [-12.5, 3.0]


@pytest.mark.parametrize("written", ["(12.00) CR", "-12.00-", "-5 CR"])
def test_contradictory_signs_are_invalid_not_guessed(written):
    parsed = read_amounts(pd.Series([written]), decimal=".")
    assert parsed.invalid.iloc[0] and pd.isna(parsed.values.iloc[0])


@pytest.mark.parametrize("year, expected", [("67", 2067), ("68", 2068), ("69", 1969),
                                            ("70", 1970)])
def test_two_digit_years_pivot_between_68_and_69(year, expected):
    parsed = read_dates(pd.Series([f"03/15/{year}"]), day_first=False)
    assert parsed.values.iloc[0] == pd.Timestamp(f"{expected}-03-15")


@pytest.mark.parametrize("first, day_first_values", [("12", 0), ("13", 1)])
def test_a_first_part_of_13_is_the_first_proof_of_day_first(first, day_first_values):
    parsed = read_dates(pd.Series([f"{first}/01/2024", "05/02/2024"]))
    assert parsed.evidence["day_first_values"] == day_first_values
    if day_first_values:  # (without proof the rows' spacing decides)
        assert parsed.day_first and not parsed.ambiguous


@pytest.mark.parametrize("second, month_first_values", [("12", 0), ("13", 1)])
def test_a_second_part_of_13_is_the_first_proof_of_month_first(second, month_first_values):
    parsed = read_dates(pd.Series([f"01/{second}/2024", "05/02/2024"]), day_first_hint=True)
    assert parsed.evidence["month_first_values"] == month_first_values
    if month_first_values:
        assert not parsed.day_first and not parsed.ambiguous


def _normalised(columns: dict[str, list[str]], hints: dict | None = None):
    raw = pd.DataFrame({**columns, "Source File": "bank.csv"})
    raw.attrs["source"] = {"name": "bank.csv", "hints": hints or {}}
    return normalise_transactions(raw, PARAMS)


def test_a_file_without_any_amount_quarantines_every_row_as_missing_it():
    # pending lines exported before their amounts are known: each row is named, no crash
    clean, quarantine, fixes = _normalised(
        {"Date": ["2024-01-02", "2024-01-03"], "Description": ["Rent", "Shop"],
         "Amount": ["", " "]}, {"decimal_hint": ","})
    assert clean.empty and quarantine["reasons"].tolist() == ["missing_amount"] * 2
    assert (fixes["files"]["bank.csv"]["decimal_mark"],
            fixes["files"]["bank.csv"]["decimal_mark_decided_by"]) == (",", "hint")


def test_two_files_in_one_table_each_keep_their_amounts_and_decimal_mark():
    # the second file's rows are labelled after the first's: its amounts, their validity and
    # their written signs go back to its own rows, read with its own decimal comma and sign
    raw = pd.DataFrame({
        "Date": ["2024-01-02", "2024-01-03", "02.01.2024", "03.01.2024", "04.01.2024"],
        "Description": ["Rent", "Shop", "Miete", "Laden", "Tippfehler"],
        "Amount": ["-1,200.50", "15.25", "1.200,50", "+15,25", "12,5O"],
        "Source File": ["us.csv", "us.csv", "de.csv", "de.csv", "de.csv"]})
    raw.attrs["source"] = {"files": [{"name": "us.csv", "hints": {}},
                                     # '+' marks its credits: the unsigned are debits
                                     {"name": "de.csv", "hints": {"decimal_hint": ",",
                                                                  "unsigned_sign": -1}}]}
    clean, quarantine, fixes = normalise_transactions(raw, PARAMS)
    assert quarantine[["source_row", "reasons"]].values.tolist() == [[5, "invalid_amount"]]
    assert clean.sort_values("source_row")["amount"].tolist() == [-1200.5, 15.25, -1200.5, 15.25]
    assert [fixes["files"][name]["decimal_mark"] for name in ("us.csv", "de.csv")] == [".", ","]


def test_the_quarantine_keeps_the_files_info_and_the_input_table_is_left_as_it_was():
    # normalisation works without the raw table's attrs (pandas copies them into every
    # column taken): the quarantined raw rows still carry them, the caller's table too
    raw = pd.DataFrame({"Date": ["2024-01-02", "2024-02-31"], "Description": ["Rent", "Shop"],
                        "Amount": ["-12.50", "3.00"], "Source File": "bank.csv"})
    info = {"name": "bank.csv", "hints": {"decimal_hint": ","}, "reading": {"rows": [1, 2]}}
    raw.attrs["source"] = info
    clean, quarantine, fixes = normalise_transactions(raw, PARAMS)
    assert quarantine["reasons"].tolist() == ["invalid_date"] and len(clean) == 1
    assert quarantine.attrs == {"source": info} and raw.attrs == {"source": info}
    assert fixes["files"]["bank.csv"]["decimal_mark_decided_by"] == "values"


def test_a_file_with_split_money_columns_after_a_file_with_one_amount_column():
    # the second file writes no Amount: its defaults (no value, not invalid, no written sign)
    # are on its own rows, whatever their labels
    raw = pd.DataFrame({
        "Date": ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"],
        "Description": ["Card", "Card refund", "Salary", "Rent"],
        "Amount": ["-12.50", "3.00", "", ""],
        "Money In": ["", "", "2,000.00", ""], "Money Out": ["", "", "", "800.00"],
        "Source File": ["card.csv", "card.csv", "bank.csv", "bank.csv"]})
    raw.attrs["source"] = {"files": [{"name": "card.csv", "hints": {}},
                                     {"name": "bank.csv", "hints": {}}]}
    clean, quarantine, fixes = normalise_transactions(raw, PARAMS)
    assert quarantine.empty
    assert clean.sort_values("source_row")["amount"].tolist() == [-12.5, 3.0, 2000.0, -800.0]
    assert [fixes["files"][name]["amount_column_signed"] for name in ("card.csv", "bank.csv")
            ] == [True, False]
