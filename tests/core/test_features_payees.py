"""A row without a reference is keyed by the payee its description named before: training
(an export row with an empty Reference) and the service (a request without ``merchant``)
derive the same payee key, so 48 rent payments are the history of the 49th."""

import numpy as np
import pandas as pd
import pytest

from titans_finance.core.features import TEXT_RAW, build_features, feature_columns
from titans_finance.core.history_state import HistoryState
from titans_finance.serving.schemas import Transaction, transactions_frame

NUMERIC = [c for c in feature_columns() if c not in TEXT_RAW]


def _table(rows):
    """rows: (account, date, description, amount, reference)."""
    frame = pd.DataFrame(rows, columns=["account", "date", "description", "amount", "reference"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["type"] = np.where(frame["amount"] < 0, "expense", "income")
    frame["category"] = None
    frame["payment_method"] = "bank_transfer"
    frame["transaction_id"] = [f"t{i}" for i in range(len(frame))]
    frame["source_row"] = np.arange(1, len(frame) + 1)
    frame["receipt_url"] = None
    frame["status"] = "paid"
    return frame


RENT = [("office", d.strftime("%Y-%m-%d"), "Office Rent", -1200.0, "Property Management")
        for d in pd.date_range("2021-01-01", periods=48, freq="MS")]
OTHER = [("office", "2024-12-20", "SHELL OIL 57444 HOUSTON TX", -60.0, "Shell")]
PAST = _table(RENT + OTHER)


def _request(merchant):
    return transactions_frame([Transaction(description="Office Rent", amount="-1.200,00",
                                           date="01.01.2025", merchant=merchant,
                                           payment_method="bank_transfer",
                                           account="office")])


@pytest.mark.parametrize("reference", ["Property Management", None, ""])
def test_service_payee_key_equals_the_pipeline_key_with_and_without_merchant(reference):
    row = ("office", "2025-01-01", "Office Rent", -1200.0, reference)
    pipeline = build_features(_table(RENT + OTHER + [row])).iloc[-1]
    state = HistoryState.from_frame(PAST)
    served = build_features(_request(reference), state, independent=True).iloc[0]
    assert pipeline["merchant_key"] == served["merchant_key"] == "property management"
    assert served["merchant_prior_count"] == 48
    np.testing.assert_allclose(served[NUMERIC].to_numpy(dtype="float64"),
                               pipeline[NUMERIC].to_numpy(dtype="float64"), rtol=1e-9)


def test_a_row_without_reference_before_any_named_one_keeps_its_description():
    # no row is keyed by a later one: the first rent, unnamed, is its own payee
    table = _table([("office", "2021-01-01", "Office Rent", -1200.0, None)] + RENT[1:])
    keys = build_features(table)["merchant_key"]
    assert keys.iloc[0] == "office rent"
    assert (keys.iloc[1:] == "property management").all()


def test_the_latest_named_payee_of_a_description_is_the_one_used():
    table = _table(RENT + [("office", "2025-02-01", "Office Rent", -1300.0, "New Landlord"),
                           ("office", "2025-03-01", "Office Rent", -1300.0, None)])
    assert build_features(table)["merchant_key"].iloc[-1] == "new landlord"
    state = HistoryState.from_frame(table.iloc[:-1])
    served = build_features(table.iloc[[-1]], state, independent=True)
    assert served["merchant_key"].iloc[0] == "new landlord"


def test_another_accounts_payees_are_not_used():
    state = HistoryState.from_frame(PAST)
    frame = _request(None).assign(account="card")
    assert build_features(frame, state, independent=True)["merchant_key"].iloc[0] == "office rent"


def test_one_accounts_part_of_the_state_keeps_its_payees():
    two = _table(RENT + [("card", "2024-05-05", "Office Rent", -9.0, "Somebody Else")])
    state = HistoryState.from_frame(two)
    office = state.for_account("office", state.account_positions()["office"])
    served = build_features(_request(None), office, independent=True)
    assert served["merchant_key"].iloc[0] == "property management"
    combined = HistoryState.combined([office, state.for_account("card")], 10 ** 7)
    assert build_features(_request(None).assign(account="card"), combined, independent=True
                          )["merchant_key"].iloc[0] == "somebody else"


def test_a_batch_row_does_not_teach_another_independent_row():
    batch = pd.concat([_request("Elsewhere Ltd"), _request(None)], ignore_index=True)
    batch["source_row"] = [1, 2]
    served = build_features(batch, HistoryState.from_frame(PAST), independent=True)
    assert served["merchant_key"].tolist() == ["elsewhere ltd", "property management"]


def test_a_state_saved_before_payees_is_refused_by_name():
    old = HistoryState.from_frame(PAST).__getstate__()
    old.pop("payees")
    restored = HistoryState.__new__(HistoryState)
    restored.__setstate__(old)
    with pytest.raises(ValueError, match="payees"):
        build_features(_request(None), restored, independent=True)
