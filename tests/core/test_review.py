import pandas as pd

from titans_finance.core.review import review_queue


def test_review_queue_ranks_frequent_doubtful_merchants_first():
    tx = pd.DataFrame({"transaction_id": list("abcdefg"),
                       "date": pd.date_range("2024-01-01", periods=7),
                       "description": ["A1", "A2", "A3", "B1", "C1", "C2", "D1"],
                       "amount": -10.0})
    merchant = pd.Series(["a", "a", "a", "b", "c", "c", "d"])
    predictions = pd.DataFrame({"category": ["x", "x", "uncertain", "uncertain", "y", "y", "z"],
                                "confidence": [0.6, 0.6, 0.4, 0.1, 0.95, 0.95, 0.5],
                                "source": ["model"] * 6 + ["rule"]})
    queue = review_queue(tx, merchant, predictions, size=2)
    assert list(queue["merchant_key"]) == ["a", "b"]  # 3 × doubt beats 1 very doubtful
    assert queue["transaction_id"].iloc[0] == "c"  # the merchant's latest transaction
    assert queue["transactions_of_merchant"].iloc[0] == 3
    assert "d" not in set(review_queue(tx, merchant, predictions, size=10)["merchant_key"])


def test_review_queue_carries_the_level_and_the_reason_of_each_answer():
    tx = pd.DataFrame({"transaction_id": ["a", "b"], "date": pd.date_range("2024-01-01", periods=2),
                       "description": ["XQZ 4411 KT", "JUICE BAR"], "amount": -10.0})
    predictions = pd.DataFrame({
        "category": ["uncertain", "food"], "confidence": [0.2, 0.7], "source": ["default"] * 2,
        "level": ["uncertain", "group"],
        "reason": ["no known word in 'XQZ 4411 KT'", "between groceries and restaurants"]})
    queue = review_queue(tx, pd.Series(["x", "j"]), predictions, size=5).set_index("merchant_key")
    assert queue.loc["x", "level"] == "uncertain"
    assert queue.loc["x", "reason"] == "no known word in 'XQZ 4411 KT'"
    assert (queue.loc["j", "predicted_category"], queue.loc["j", "level"]) == ("food", "group")
