"""A status saying the payment never went through sets the line aside; nothing else does."""

from __future__ import annotations

import pandas as pd
import pytest

from titans_finance.core.settled_status import no_money_moved
from titans_finance.pipelines.ingestion.nodes import normalise_transactions
from tests.parameters import parameters

PARAMS = parameters("ingestion", reference_date="2025-06-30", max_future_days=31)


@pytest.mark.parametrize("written", ["NOT APPROVED", "Declined", "rejected", "Canceled",
                                     "Storniert", "annulé", "Rechazada", " VOID ",
                                     "not-completed", "Odrzucona"])
def test_a_status_of_an_attempt_that_failed_moved_no_money(written):
    assert no_money_moved(pd.Series([written], dtype="str")).tolist() == [True]


@pytest.mark.parametrize("written", ["APPROVED", "completed", "pending", "Gebucht", "paid",
                                     "refunded", "approved not", "declined fee", "", None])
def test_a_status_of_a_payment_that_went_through_or_may_still_is_money(written):
    # a word beside the failed one ("declined fee": a fee charged for it) is not the status
    assert no_money_moved(pd.Series([written], dtype="str")).tolist() == [False]


def test_the_failed_attempt_is_quarantined_with_its_reason_and_the_others_stay():
    raw = pd.DataFrame({"Date": ["2024-07-24", "2024-06-22", "2023-04-13"],
                        "Description": ["Top-up", "Friend", "Friend"],
                        "Amount": ["30.40", "-17.00", "-5.00"],
                        "Status": ["APPROVED", "APPROVED", "NOT APPROVED"],
                        "Source File": "wallet.csv"})
    raw.attrs["source"] = {"name": "wallet.csv", "hints": {}}
    clean, quarantine, _ = normalise_transactions(raw, PARAMS)
    assert sorted(clean["amount"].tolist()) == [-17.0, 30.4]
    assert quarantine[["source_row", "reasons"]].values.tolist() == [[3, "no_money_moved"]]
