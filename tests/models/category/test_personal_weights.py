"""How the personal model weighs rare categories (``class_weight_power``) and categories seen
only in the other direction of money (``unseen_direction_weight``), each at its boundary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.models.category.test_model import PARAMS, _data
from titans_finance.core.features import build_features
from titans_finance.models.category import CategoryModel
from titans_finance.models.category.personal import class_weights, recency_weights, row_weights


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


def test_a_category_weighs_by_its_lines_weight_where_given():
    """The default model's knowledge lines carry weights (a taxonomy label 10, a brand 1):
    a category's size is the sum of its lines' weights, so 2 lines of weight 4 weigh as 8."""
    y = np.array(["a"] * 8 + ["b"] * 2)
    weight = np.array([1.0] * 8 + [4.0] * 2)
    balanced = class_weights(y, 1.0, weight)
    assert balanced[0] == pytest.approx(1.0) and balanced[-1] == pytest.approx(1.0)
    assert (balanced * weight)[y == "a"].sum() == pytest.approx((balanced * weight)[y == "b"].sum())
    one_less = class_weights(y, 1.0, np.array([1.0] * 8 + [3.5] * 2))  # b now weighs 7 of 15
    assert one_less[-1] > 1.0 > one_less[0]
    assert class_weights(y, 0.0, weight) is None
    assert np.allclose(class_weights(y, 0.25, np.ones(10)), class_weights(y, 0.25))


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


def test_recency_weight_halves_every_half_life_and_is_off_at_zero():
    dates = pd.to_datetime(["2024-03-31 00:00", "2024-03-01 00:00", "2024-01-31 00:00",
                            "2024-03-31 18:00"])
    assert recency_weights(dates, 0.0) is None
    assert recency_weights(None, 30.0) is None
    # days counted on whole days: a later hour of the latest day is the latest day
    assert recency_weights(dates, 30.0).tolist() == pytest.approx([1.0, 0.5, 0.25, 1.0])
    with pytest.raises(ValueError, match="recency_half_life_days"):
        recency_weights(dates, -1.0)


def test_row_weights_multiply_rarity_and_recency():
    y = np.array(["a"] * 3 + ["b"])
    dates = pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-21", "2024-01-21"])
    params = {"class_weight_power": 1.0, "recency_half_life_days": 10.0}
    expected = class_weights(y, 1.0) * np.array([0.25, 0.5, 1.0, 1.0])
    assert row_weights(y, dates, params).tolist() == pytest.approx(expected.tolist())
    assert row_weights(y, dates, {**params, "class_weight_power": 0.0}).tolist() == \
        pytest.approx([0.25, 0.5, 1.0, 1.0])
    assert row_weights(y, None, {**params, "class_weight_power": 0.0}) is None


def test_a_relabelled_line_follows_its_latest_label_with_a_short_half_life():
    """The same line filed "movies" for months, then "television" lately: weighted by
    recency, the latest label wins; unweighted, the old majority does."""
    tx, _ = _data()
    days = pd.date_range("2024-01-01", periods=40, freq="7D")
    stream = tx.iloc[:40].assign(description="STREAMFLIX MONTHLY", amount=-9.99,
                                 type="expense", date=days,
                                 category=["movies"] * 28 + ["television"] * 12)
    tx = pd.concat([tx, stream], ignore_index=True).sort_values("date", kind="stable")
    tx = tx.reset_index(drop=True).assign(transaction_id=lambda t: [f"t{i}" for i in
                                                                    range(len(t))])
    features = build_features(tx)
    line = tx[tx["description"] == "STREAMFLIX MONTHLY"].iloc[-1:]

    def answer(half_life: float) -> str:
        model = CategoryModel("logistic_regression", {
            **PARAMS, "calibration_folds": 0, "memory_min_repeats": 0,
            "recency_half_life_days": half_life}).fit(tx, features)
        return model.predict(line, build_features(line), threshold=0.0)["category"].iloc[0]

    assert answer(0.0) == "movies"
    assert answer(30.0) == "television"


def test_the_amount_direction_has_its_own_weight_and_an_old_design_keeps_numeric_for_it():
    from titans_finance.models.category.personal import NUMERIC_INPUTS, CategoryDesign

    text = np.array(["shop a", "shop b", "pay c", "pay d"], dtype=object)
    numeric = np.array([[1.0, -1.0, 0.0], [2.0, -1.0, 1.0], [3.0, 1.0, 0.0], [4.0, 1.0, 1.0]])
    sign = numeric[:, NUMERIC_INPUTS.index("amount_sign")]
    weights = {"chars": 1.0, "words": 1.0, "numeric": 0.5, "sign": 0.0, "default": 0.0,
               "translated": 0.0}

    def numeric_columns(design: CategoryDesign) -> np.ndarray:
        return design.transform(text, numeric, sign).toarray()[:, -3:]

    design = CategoryDesign({**PARAMS, "block_weights": weights}).fit(text, numeric, sign)
    scaled = design.scaler.transform(numeric)
    column = NUMERIC_INPUTS.index("amount_sign")
    assert np.all(numeric_columns(design)[:, column] == 0.0)
    others = [i for i in range(3) if i != column]
    assert numeric_columns(design)[:, others] == pytest.approx(0.5 * scaled[:, others])
    del design.weights["sign"]  # as a design pickled before the sign had its own weight
    assert numeric_columns(design) == pytest.approx(0.5 * scaled)
