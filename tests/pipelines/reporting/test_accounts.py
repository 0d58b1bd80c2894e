"""The report of one account, or of all of them."""

import pandas as pd
import pytest

from titans_finance.pipelines.reporting.nodes import _account_lines, select_account
from titans_finance.reporting.money import money_of


def _inputs():
    clean = pd.DataFrame({"transaction_id": ["a1", "b1", "a2"], "account": ["A", "B", "A"],
                          "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
                          "amount": [-10.0, -20.0, 30.0]})
    by_id = clean[["transaction_id"]].assign(value=[1, 2, 3])
    total = pd.DataFrame({"date": pd.to_datetime(["2024-01-04"]), "point": [5.0]})
    per_account = pd.DataFrame({"account": ["A", "B"], "date": pd.to_datetime(["2024-01-04"] * 2),
                                "point": [7.0, -2.0]})
    summary = pd.DataFrame({"account": ["A", "B"], "balance_source": ["export_balance_column"] * 2,
                            "first_low_balance_day": [None, "2024-01-20"]})
    metrics = {"as_of": "2024-01-03", "recurring_details": [{"merchant": "x"}],
               "balance_source": "export_balance_column", "low_balance_threshold": 0.0}
    return clean, by_id, by_id, by_id, total, metrics, per_account, summary


def test_one_account_keeps_its_rows_and_its_own_forecast():
    clean, categorised, features, scores, total, metrics, per_account, summary = _inputs()
    out = select_account("B", clean, categorised, features, scores, total, metrics, per_account,
                         summary)
    assert out[0]["transaction_id"].tolist() == ["b1"]
    assert [frame["value"].tolist() for frame in out[1:4]] == [[2], [2], [2]]
    assert out[4]["point"].tolist() == [-2.0] and "account" not in out[4]
    assert out[5]["first_low_balance_day"] == "2024-01-20"
    assert out[5]["recurring_details"] == []  # the total's streams are not B's


def test_all_accounts_is_the_whole_export_and_an_unknown_account_is_named():
    inputs = _inputs()
    assert all(a is b for a, b in zip(select_account(None, *inputs), inputs[:6], strict=True))
    with pytest.raises(ValueError, match="'C' is not an account of this export; its accounts: "
                                         "A, B"):
        select_account("C", *inputs)


def test_the_header_lines_say_whether_each_account_beats_its_baseline():
    summary = pd.DataFrame({
        "account": ["A", "B"], "n_transactions": [400, 12], "evaluated": [True, False],
        "mase": [0.8, None], "best_baseline": ["zero", None], "best_baseline_mase": [0.9, None],
        "beats_best_baseline": [True, None], "opening_balance": [100.0, None],
        "closing_balance": [150.0, None]})
    lines = _account_lines(summary, money_of(pd.DataFrame({"amount": [1.0]}), "EUR"), 30)
    assert lines[0].startswith("A: 400 transactions;") and "(MASE 0.80) beats" in lines[0]
    assert "(zero, 0.90)" in lines[0]
    assert lines[1] == "B: 12 transactions, too short a history for its own forecast."
