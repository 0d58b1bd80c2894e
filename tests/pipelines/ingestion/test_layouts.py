"""Hand-written files in the layouts real exports use (tests/data/layouts, README there) go
through the ingestion pipeline with every transaction at its date and signed amount, and
every line that is not a transaction quarantined with the reason that says why."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.pipelines.ingestion.corpus import PROJECT_ROOT, run_ingestion

LAYOUTS = PROJECT_ROOT / "tests" / "data" / "layouts"

# file -> (every transaction as (date, signed amount) in the file's order,
#          quarantine reason of each line that is not one)
EXPECTED = {
    "multiline-quoted.csv": (
        [("2024-01-02", -12.50), ("2024-01-03", 2500.00), ("2024-01-05", -900.00),
         ("2024-01-08", -3.20)], []),
    "ragged-rows.csv": (
        [("2024-01-02", -12.50), ("2024-01-03", 0.00), ("2024-01-04", 2500.00),
         ("2024-01-05", -100.00), ("2024-01-06", -7.45)], []),
    "lithuanian-preamble-summary.csv": (
        [("2024-01-02", -23.45), ("2024-01-03", 1850.00), ("2024-01-05", -19.99),
         ("2024-01-09", -41.20), ("2024-01-15", -100.00), ("2024-01-20", -12.36)],
        ["summary_line"] * 4),
    "camt053-zoned-dates.xml": (
        [("2017-04-01", -64.75), ("2017-04-03", 500.00), ("2017-04-04", 0.00)], []),
    # fee on top of the amount (the balance says so); the completed date, never before the
    # started one, is the booking date; a pending line without one is not booked yet: set
    # aside (the next export books it on its completed date)
    "app-export-fee-two-dates.csv": (
        [("2024-01-01", 500.00), ("2024-01-03", -100.50), ("2024-01-04", -42.10),
         ("2024-01-05", -12.30), ("2024-01-06", -202.00)], ["not_booked"]),
    # the post date is the booking date; the payment is money in (a transfer)
    "us-card-payment-positive.csv": (
        [("2024-01-04", -54.21), ("2024-01-05", -38.10), ("2024-01-05", -41.00),
         ("2024-01-09", -23.99), ("2024-01-10", 9409.77), ("2024-01-13", 23.99),
         ("2024-01-16", -5.25)], []),
    # charges written positive, the payment negative: the account's view is the reverse
    "us-card-charges-positive.csv": (
        [("2024-01-02", 250.00), ("2024-01-03", -18.45), ("2024-01-05", -35.20),
         ("2024-01-08", -64.12), ("2024-01-09", -15.49), ("2024-01-12", 10.00)], []),
    "us-checking-pays-card.csv": (
        [("2024-01-02", 3000.00), ("2024-01-05", -64.10), ("2024-01-08", -9409.77),
         ("2024-01-09", 150.00), ("2024-01-12", -1500.00)], []),
    "mt940-library-refuses.sta": (
        [("2024-01-02", -12.50), ("2024-01-03", 2500.00), ("2024-01-05", -1000.00),
         ("2024-01-06", -45.00)], []),
}
# The Lithuanian header names no column in a language the header words know but "Data":
# until the columns are read from their values, a mapping names the amount.
MAPPINGS = """
mappings:
  - match: "lithuanian-*.csv"
    columns: {amount: "Suma"}
"""


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_transaction_of_each_layout_at_its_date_and_signed_amount(name, tmp_path):
    mappings = tmp_path / "mappings.yml"
    mappings.write_text(MAPPINGS)
    out = run_ingestion(LAYOUTS / name, mapping_files=[str(mappings)],
                        reference_date="2026-01-01")
    transactions, reasons = EXPECTED[name]
    clean = out["clean_transactions"].sort_values("source_row")
    read = list(zip(clean["date"].dt.strftime("%Y-%m-%d"), clean["amount"].round(2),
                    strict=True))
    assert read == [(day, pytest.approx(amount)) for day, amount in transactions]
    quarantine = out["quarantined_transactions"]
    # the first reason says why (a summary line without a date also lacks a date)
    assert quarantine["reasons"].str.split(";").str[0].tolist() == reasons, (
        quarantine.to_dict("records"))
    assert out["data_quality"]["rows_read"] == len(transactions) + len(reasons)


def test_multiline_descriptions_are_one_text():
    out = run_ingestion(LAYOUTS / "multiline-quoted.csv", reference_date="2026-01-01")
    clean = out["clean_transactions"].sort_values("source_row")
    assert clean["description"].tolist() == [
        "CARD PAYMENT TESCO STORES 3297 LONDON GB", "Salary ACME LTD, ref JAN",
        "Standing order Rent, flat 2", "Coffee"]
    assert clean["balance"].tolist() == [987.50, 3487.50, 2587.50, 2584.30]
    # the empty line inside the standing order's text is part of it, not a blank line
    assert out["data_quality"]["source"]["blank_lines"] == 0


def test_ragged_rows_keep_their_fields_and_say_what_was_done():
    out = run_ingestion(LAYOUTS / "ragged-rows.csv", reference_date="2026-01-01")
    clean = out["clean_transactions"].sort_values("source_row")
    assert clean["description"].iloc[3] == "Smith; Jones and Partners"
    source = out["data_quality"]["source"]
    assert source["ragged_rows"] == {"rows_with_extra_fields": 2, "rows_aligned": 1}
    assert source["unrecognised_columns"] == ["Column 5", "Column 6", "Column 7"]


def test_the_preamble_is_found_from_the_values_in_any_language(tmp_path):
    mappings = tmp_path / "mappings.yml"
    mappings.write_text(MAPPINGS)
    out = run_ingestion(LAYOUTS / "lithuanian-preamble-summary.csv",
                        mapping_files=[str(mappings)], reference_date="2026-01-01")
    source = out["data_quality"]["source"]
    assert source["header_line"] == 7 and source["preamble_lines"] == 6
    assert set(out["clean_transactions"]["account"]) == {"LT121000011101001000"}
    quarantine = out["quarantined_transactions"]
    # turnover lines (dated), opening and closing balance lines (not dated)
    assert quarantine["Amount"].tolist() == ["197,00", "1 850,00", "500,00", "2 153,00"]
    assert quarantine["reasons"].str.startswith("summary_line").all()


def test_a_statement_the_mt940_library_refuses_is_read_line_by_line_and_reconciles():
    out = run_ingestion(LAYOUTS / "mt940-library-refuses.sta", reference_date="2026-01-01")
    source = out["data_quality"]["source"]
    assert source["reader"].startswith("tolerant")
    assert "object at 0x" not in source["library_refused"]
    assert source["balances"][0]["reconciles"] == "true"
    clean = out["clean_transactions"].sort_values("source_row")
    assert set(clean["account"]) == {"NL12KNAB0123456789"}
    assert clean["reference"].tolist() == [
        "Vattenfall Klantenservice", "Werkgever B.V.", "Verhuur B.V.", "Bol.com"]
    assert pd.Series(clean["bank_transaction_id"]).tolist()[1:3] == ["PAY-0001", "B-77"]


def test_the_fee_and_booking_date_decisions_are_reported():
    source = run_ingestion(LAYOUTS / "app-export-fee-two-dates.csv",
                           reference_date="2026-01-01")["data_quality"]["source"]
    assert source["fee"]["fee"] == "fee_charged_on_top"
    assert source["fee"]["rows_reconciled_fee_on_top"] > source["fee"][
        "rows_reconciled_fee_included"]
    assert source["date_columns"]["booking_date"] == "Completed Date"
    assert source["columns"]["Value Date"] == ["Started Date"]


@pytest.mark.parametrize("name, payment", [("us-card-payment-positive.csv", 9409.77),
                                           ("us-card-charges-positive.csv", 250.00)])
def test_a_card_payment_is_a_transfer_not_income(name, payment):
    out = run_ingestion(LAYOUTS / name, reference_date="2026-01-01")
    clean = out["clean_transactions"]
    assert clean.loc[clean["is_transfer"], "amount"].tolist() == [payment]
    # what is left is the card's own spending and refunds
    income = clean.loc[~clean["is_transfer"] & (clean["amount"] > 0), "amount"].sum()
    assert income < 25
    assert out["data_quality"]["fixes"]["card_payments_marked_as_transfers"] == 1


def test_the_checking_accounts_own_payments_are_not_card_payments():
    clean = run_ingestion(LAYOUTS / "us-checking-pays-card.csv",
                          reference_date="2026-01-01")["clean_transactions"]
    assert not clean["is_transfer"].any()


def test_a_card_payment_pairs_with_the_paying_accounts_debit():
    out = run_ingestion(f"{LAYOUTS / 'us-card-payment-positive.csv'};"
                        f"{LAYOUTS / 'us-checking-pays-card.csv'}", reference_date="2026-01-01")
    clean = out["clean_transactions"]
    transfers = clean[clean["is_transfer"]].sort_values("amount")
    assert transfers["amount"].tolist() == [-9409.77, 9409.77]
    assert transfers["account"].tolist() == ["us-checking-pays-card", "us-card-payment-positive"]
    assert out["data_quality"]["transfers_marked"] == 2
