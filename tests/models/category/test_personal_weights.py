"""How the personal model weighs rare categories (``class_weight_power``) and categories seen
only in the other direction of money (``unseen_direction_weight``), each at its boundary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.models.category.test_model import PARAMS, _data
from titans_finance.core.features import build_features
from titans_finance.models.category import CategoryModel
from titans_finance.models.category.personal import class_weights


def test_no_reweighting_at_zero_balanced_at_one_partial_between():
    y = np.array(["a"] * 8 + ["b"] * 2)
    assert class_weights(y, 0.0) is None
    balanced = class_weights(y, 1.0)
    assert balanced[y == "a"].sum() == pytest.approx(balanced[y == "b"].sum())
    partial = class_weights(y, 0.25)
    assert 1.0 < partial[y == "b"][0] / partial[y == "a"][0] < balanced[y == "b"][0] / balanced[
        y == "a"][0]
    with pytest.raises(ValueError, match="class_weight_power"):
        class_weights(y, -0.01)


def _with_refunds():
    """Expenses, plus a cashback line only ever seen as money in (eight times)."""
    tx, _ = _data()
    cashback = tx.iloc[:8].assign(description="CASHBACK REWARD", amount=5.0, type="income",
                                  category="cashback")
    cashback["date"] = tx["date"].iloc[:8].to_numpy()
    tx = pd.concat([tx, cashback], ignore_index=True).sort_values("date", kind="stable")
    tx = tx.reset_index(drop=True).assign(transaction_id=lambda t: [f"t{i}" for i in
                                                                    range(len(t))])
    return tx, build_features(tx)


def _reversal_top(unseen: float) -> dict[str, float]:
    tx, features = _with_refunds()
    model = CategoryModel("logistic_regression", {**PARAMS, "calibration_folds": 0,
                                                  "unseen_direction_weight": unseen}).fit(
        tx, features)
    reversal = tx.iloc[:1].assign(description="CASHBACK REWARD", amount=-5.0, type="expense")
    income = reversal.assign(amount=5.0, type="income")
    assert model.predict(income, build_features(income), threshold=0.0)["category"].iloc[0] \
        == "cashback"
    items = model.predict(reversal, build_features(reversal), threshold=0.0)["top_k"].iloc[0]
    return {item["category"]: item["probability"] for item in items}


def test_a_category_seen_only_as_money_in_keeps_its_share_of_probability_money_out():
    never, full, tenth = _reversal_top(0.0), _reversal_top(1.0), _reversal_top(0.1)
    assert "cashback" not in never  # 0: the former hard rule
    assert max(full, key=full.get) == "cashback"  # 1: the text alone decides
    # 0.1: its odds against a category seen money out are a tenth of the unweighted odds
    assert tenth["cashback"] / tenth["software"] == pytest.approx(
        0.1 * full["cashback"] / full["software"], rel=1e-6)


def test_a_direction_with_no_labelled_row_is_not_answered_whatever_the_weight():
    tx, features = _data()  # expenses only
    model = CategoryModel("logistic_regression", {**PARAMS, "calibration_folds": 0,
                                                  "unseen_direction_weight": 1.0}).fit(
        tx, features)
    income = tx.iloc[:2].assign(amount=[250.0, 80.0], type="income")
    factor = model._direction_factor(np.array([1, -1]))
    assert (factor[0] == 0).all() and (factor[1] == 1).all()
    assert model.predict(income, build_features(income), threshold=0.0)["confidence"].eq(0).all()
