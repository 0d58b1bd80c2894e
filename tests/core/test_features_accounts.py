"""Per-account history: an export with two accounts never mixes them (values, not shapes)."""

import numpy as np
import pandas as pd
import pytest

from titans_finance.core.feature_params import NO_HISTORY_DAYS
from titans_finance.core.features import TEXT_RAW, build_features, feature_columns
from titans_finance.core.history_state import HistoryState

NUMERIC = [c for c in feature_columns() if c not in TEXT_RAW]


def _tx(rows):
    """rows: (account, date, description, amount, reference)."""
    frame = pd.DataFrame(rows, columns=["account", "date", "description", "amount", "reference"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["type"] = np.where(frame["amount"] < 0, "expense", "income")
    frame["category"] = np.where(frame["amount"] < 0, "fuel", None)
    frame["payment_method"] = "credit_card"
    frame["transaction_id"] = [f"t{i}" for i in range(len(frame))]
    frame["source_row"] = np.arange(1, len(frame) + 1)
    frame["receipt_url"] = None
    frame["status"] = "paid"
    return frame


TWO_ACCOUNTS = _tx([
    ("checking", "2024-01-01", "Fuel", -60.0, "Shell"),
    ("card", "2024-01-02", "Fuel", -60.0, "Shell"),
    ("checking", "2024-01-05", "Fuel", -62.0, "Shell"),
    ("card", "2024-01-06", "Fuel", -64.0, "Shell"),
    ("checking", "2024-01-09", "Fuel", -61.0, "Shell"),
    ("checking", "2024-01-10", "Salary", 3000.0, "Acme"),
])


def test_each_account_has_its_own_merchant_history():
    features = build_features(TWO_ACCOUNTS).set_index("transaction_id")
    # the card's first Shell charge: the checking account's charge the day before is not
    # its history
    card_first = features.loc["t1"]
    assert card_first["merchant_prior_count"] == 0
    assert card_first["days_since_merchant"] == NO_HISTORY_DAYS
    assert card_first["global_prior_count"] == 0
    assert card_first["merchant_count_7d"] == 0
    # same amount at the same merchant a day later, in another account: no duplicate hint
    assert card_first["days_since_same_amount"] == 91
    card_second = features.loc["t3"]
    assert card_second["merchant_prior_count"] == 1
    assert card_second["days_since_merchant"] == 4
    assert card_second["merchant_sum_7d"] == 60.0
    assert card_second["merchant_prior_mean_abs"] == 60.0
    checking_third = features.loc["t4"]
    assert checking_third["merchant_prior_count"] == 2
    assert checking_third["merchant_prior_mean_abs"] == 61.0  # (60 + 62) / 2, not the card's
    assert checking_third["global_count_7d"] == 1  # Jan 5 only: the card's rows are not counted
    assert checking_third["category_prior_count"] == 2
    assert features.loc["t5", "global_prior_count"] == 3


def test_features_of_a_mixed_table_equal_each_account_alone_bit_for_bit():
    together = build_features(TWO_ACCOUNTS)
    for account, rows in TWO_ACCOUNTS.groupby("account"):
        alone = build_features(rows)
        pd.testing.assert_frame_equal(together.loc[rows.index, NUMERIC], alone[NUMERIC],
                                      check_exact=True, obj=account)


def test_a_single_account_gets_the_features_it_had_without_the_column():
    checking = TWO_ACCOUNTS[TWO_ACCOUNTS["account"] == "checking"]
    pd.testing.assert_frame_equal(build_features(checking)[NUMERIC],
                                  build_features(checking.drop(columns="account"))[NUMERIC],
                                  check_exact=True)


def test_state_is_per_account_and_serves_each_account_its_own_history():
    state = HistoryState.from_frame(TWO_ACCOUNTS)
    assert state.account_count.to_dict() == {"card": 2, "checking": 4}
    assert state.global_count == 6
    assert state.default_account == "checking"  # the account with most transactions
    request = _tx([("card", "2024-01-11", "Fuel", -64.0, "Shell"),
                   ("checking", "2024-01-11", "Fuel", -64.0, "Shell"),
                   ("savings", "2024-01-11", "Fuel", -64.0, "Shell")])
    served = build_features(request, state, independent=True).set_index("transaction_id")
    # the card's history: 2 Shell charges (60, 64), the last 5 days before
    assert served.loc["t0", "merchant_prior_count"] == 2
    assert served.loc["t0", "merchant_prior_mean_abs"] == 62.0
    assert served.loc["t0", "days_since_merchant"] == 5
    assert served.loc["t0", "days_since_same_amount"] == 5  # the card's 64.00 on Jan 6
    assert served.loc["t0", "global_prior_count"] == 2
    # the checking account's: 3 Shell charges (60, 62, 61), no 64.00 charge
    assert served.loc["t1", "merchant_prior_count"] == 3
    assert served.loc["t1", "merchant_prior_mean_abs"] == 61.0
    assert served.loc["t1", "days_since_same_amount"] == 91
    assert served.loc["t1", "global_prior_count"] == 4
    # an account never seen: no history at all
    assert served.loc["t2", "merchant_prior_count"] == 0
    assert served.loc["t2", "global_prior_count"] == 0
    # no account: the default account's history
    anonymous = build_features(request.drop(columns="account").iloc[[0]], state,
                               independent=True)
    np.testing.assert_array_equal(anonymous[NUMERIC].to_numpy(),
                                  served.loc[["t1"], NUMERIC].to_numpy())


def test_serving_with_the_state_equals_training_per_account():
    """One code path: each row of the mixed table scored against the state of the rows
    before it gives the training features of that row."""
    training = build_features(TWO_ACCOUNTS)
    for i in range(1, len(TWO_ACCOUNTS)):
        state = HistoryState.from_frame(TWO_ACCOUNTS.iloc[:i])
        one = build_features(TWO_ACCOUNTS.iloc[[i]], state, independent=True)
        np.testing.assert_allclose(one[NUMERIC].to_numpy(dtype="float64")[0],
                                   training.iloc[i][NUMERIC].to_numpy(dtype="float64"),
                                   rtol=1e-9, atol=1e-9, err_msg=f"row {i}")


def test_a_state_saved_before_per_account_history_is_refused_by_name():
    state = HistoryState.from_frame(TWO_ACCOUNTS)
    old = state.__getstate__()
    old.pop("account_count")
    restored = HistoryState.__new__(HistoryState)
    restored.__setstate__(old)
    with pytest.raises(ValueError, match="before per-account history"):
        build_features(TWO_ACCOUNTS.iloc[:1], restored, independent=True)


def test_a_new_export_of_the_only_account_continues_its_history():
    from titans_finance.core.feature_rows import as_history_account

    checking = TWO_ACCOUNTS[TWO_ACCOUNTS["account"] == "checking"]
    state = HistoryState.from_frame(checking)
    next_export = checking.iloc[[0]].assign(account="march_export", date=pd.Timestamp(
        "2024-01-12"))
    continued = as_history_account(next_export, state)
    assert continued["account"].tolist() == ["checking"]
    assert build_features(continued, state)["merchant_prior_count"].iloc[0] == 3
    # several accounts in the history, or several in the export: names only
    both = HistoryState.from_frame(TWO_ACCOUNTS)
    assert as_history_account(next_export, both)["account"].tolist() == ["march_export"]
    two = pd.concat([next_export, next_export.assign(account="other")])
    assert as_history_account(two, state)["account"].tolist() == ["march_export", "other"]
