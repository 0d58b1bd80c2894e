import numpy as np
import pandas as pd
import pytest

from titans_finance.core.features import build_features
from titans_finance.core.schema import UNCERTAIN_CATEGORY
from titans_finance.models.category import CategoryModel, RuleError, apply_rules, parse_rules

PARAMS = {"logistic_regression": {"C": 30.0}, "confidence_threshold": 0.5, "top_k": 3,
          "calibration_folds": 3, "seed": 0}
MERCHANTS = {"fuel": ["Shell", "BP", "Chevron"], "software": ["Adobe", "Slack", "Zoom"],
             "meals_entertainment": ["Starbucks", "Panera Bread", "Chipotle"]}
TEXT = {"fuel": "Fuel for vehicle", "software": "Software subscription",
        "meals_entertainment": "Client lunch"}


def _data(n=90, seed=0, extra=()):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        category = list(MERCHANTS)[i % 3]
        rows.append({"date": pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(i)),
                     "description": TEXT[category], "reference": MERCHANTS[category][i % 3 // 1 % 3],
                     "amount": -float(rng.uniform(10, 80)), "category": category, "type": "expense",
                     "payment_method": "credit_card"})
    rows.extend(extra)
    tx = pd.DataFrame(rows)
    tx["source_row"] = np.arange(1, len(tx) + 1)
    tx["transaction_id"] = [f"t{i}" for i in range(len(tx))]
    tx["receipt_url"] = None
    return tx, build_features(tx)


def test_predicts_text_categories_with_sorted_top_k():
    tx, features = _data()
    model = CategoryModel("logistic_regression", PARAMS).fit(tx, features)
    predictions = model.predict(tx.iloc[:6], features.iloc[:6])
    assert (predictions["category"] == tx["category"].iloc[:6].to_numpy()).all()
    for items in predictions["top_k"]:
        probabilities = [item["probability"] for item in items]
        assert len(items) == 3 and probabilities == sorted(probabilities, reverse=True)
        assert sum(probabilities) <= 1.0 + 1e-9
    assert (predictions["source"] == "model").all()


def test_abstains_below_threshold():
    tx, features = _data()
    model = CategoryModel("logistic_regression", PARAMS).fit(tx, features)
    assert (model.predict(tx, features, threshold=1.01)["category"] == UNCERTAIN_CATEGORY).all()
    assert (model.predict(tx, features, threshold=0.0)["category"] != UNCERTAIN_CATEGORY).all()


def test_rules_win_over_the_model():
    tx, features = _data()
    rules = parse_rules({"rules": [{"pattern": "^shell$", "field": "merchant", "category": "travel"},
                                   {"pattern": "fuel", "category": "vehicle"}]})
    model = CategoryModel("logistic_regression", PARAMS, rules).fit(tx, features)
    predictions = model.predict(tx.iloc[:6], features.iloc[:6])
    shell = (features["merchant_key"].iloc[:6] == "shell").to_numpy()
    assert (predictions["category"][shell] == "travel").all()  # first matching rule wins
    fuel_not_shell = (tx["category"].iloc[:6] == "fuel").to_numpy() & ~shell
    assert (predictions["category"][fuel_not_shell] == "vehicle").all()
    assert (predictions["source"][shell | fuel_not_shell] == "rule").all()
    assert (predictions["confidence"][shell] == 1.0).all()


def test_a_category_with_one_example_does_not_crash():
    lone = {"date": pd.Timestamp("2024-05-01"), "description": "Bad debt write-off",
            "reference": "Old Client", "amount": -500.0, "category": "bad_debts", "type": "expense",
            "payment_method": "other"}
    tx, features = _data(extra=[lone])
    model = CategoryModel("logistic_regression", PARAMS).fit(tx, features)
    assert "bad_debts" in model.classes_
    assert model.temperature < 5  # the lone example must not flatten every probability
    proba = model.predict_proba(tx, features)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_lightgbm_candidate_fits_and_predicts():
    tx, features = _data()
    model = CategoryModel("lightgbm", {**PARAMS, "lightgbm": {"n_estimators": 20,
                                                             "min_child_samples": 2}})
    model.fit(tx, features, calibrate=False)
    assert (model.predict(tx, features, threshold=0)["category"] == tx["category"]).mean() > 0.9


@pytest.mark.parametrize("raw, message", [
    ({"rules": [{"pattern": "(", "category": "x"}]}, "rule #1: invalid regular expression"),
    ({"rules": [{"pattern": "a", "category": "Not Snake"}]}, "snake_case"),
    ({"rules": [{"pattern": "a", "category": "x", "field": "memo"}]}, "'field' must be one of"),
    ({"rules": [{"pattern": "a", "category": "x"}, "oops"]}, "rule #2"),
    ({"rules": "a"}, "must be a list"),
])
def test_malformed_rules_name_the_rule(raw, message):
    with pytest.raises(RuleError, match=message):
        parse_rules(raw)


def test_empty_rule_files_mean_no_rules():
    assert parse_rules(None) == [] and parse_rules({"rules": []}) == [] and parse_rules({}) == []
    assert apply_rules([], pd.Series(["x"]), pd.Series(["y"])).isna().all()


def test_design_matrix_equals_the_fitted_column_transformer():
    """Predictions skip the ColumnTransformer's frame (fixed cost per call): same matrix."""
    from titans_finance.models.category import design_frame, design_matrix

    tx, features = _data()
    odd = tx.iloc[:4].copy()
    odd["payment_method"] = [None, "barter", "cash", "credit_card"]
    odd["description"] = ["Fuel for vehicle", "ÇAFÉ Ñandú #12", None, "fuel for vehicle"]
    odd_features = build_features(odd)
    model = CategoryModel("logistic_regression", PARAMS).fit(tx, features)
    design = model.estimator.named_steps["design"]
    for frame, feats in ((tx, features), (odd, odd_features)):
        expected = design.transform(design_frame(frame, feats)).toarray()
        np.testing.assert_array_equal(design_matrix(design, frame, feats).toarray(), expected)
