"""Boundaries of the category model: the personal model's minimum labels, a confidence exactly
at the abstain threshold (and one float step either side), the familiar-words share on its
limit, and a merchant rule from exactly rule_min_count corrections."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.models.category.test_model import _data, _split
from titans_finance.core.features import build_features
from titans_finance.core.schema import UNCERTAIN_CATEGORY
from tests.parameters import parameters
from titans_finance.models.category import (
    CategoryModel,
    apply_temperature,
    model_inputs,
    rules_from_corrections,
)
from titans_finance.models.category.model import fit_temperature

PARAMS = {**parameters("category"), "logistic_regression": {"C": 10.0, "max_iter": 2000}, "confidence_threshold": 0.5, "top_k": 3,
          "calibration_folds": 0, "seed": 0, "personal_min_labels": 30,
          "min_known_word_share": 0.5}


@pytest.mark.parametrize("labels, personal", [(29, False), (30, True)])
def test_the_personal_model_needs_personal_min_labels(labels, personal):
    tx, features = _data(n=labels)
    model = CategoryModel("logistic_regression", PARAMS).fit(tx, features)
    assert (model.personal is not None) is personal
    assert model.metadata["personal_model"] is personal


@pytest.fixture(scope="module")
def fitted():
    train_tx, train_f, test_tx, test_f = _split(*_data())
    model = CategoryModel("logistic_regression", PARAMS).fit(train_tx, train_f)
    return model, test_tx, test_f


def test_a_confidence_exactly_at_the_threshold_answers_one_step_above_abstains(fitted):
    model, test_tx, test_f = fitted
    row_tx, row_f = test_tx.iloc[[0]], test_f.iloc[[0]]
    confidence = float(model.predict(row_tx, row_f, threshold=0.0)["confidence"].iloc[0])
    assert 0 < confidence < 1
    for threshold, answers in ((np.nextafter(confidence, 0), True), (confidence, True),
                               (np.nextafter(confidence, 1), False)):
        category = model.predict(row_tx, row_f, threshold=threshold)["category"].iloc[0]
        assert (category != UNCERTAIN_CATEGORY) is answers, threshold


def _row(description: str, fitted) -> tuple[pd.DataFrame, pd.DataFrame]:
    model, test_tx, test_f = fitted
    tx = test_tx.iloc[[0]].assign(description=description)
    return tx, test_f.iloc[[0]].assign(merchant_key="")  # no merchant: the words decide


@pytest.mark.parametrize("description, familiar", [
    ("FUEL FOR VEHICLE XQZW", True),   # 3 of 4 words known
    ("FUEL VEHICLE XQZW YRTP", True),  # 2 of 4: exactly the share 0.5
    ("FUEL XQZW YRTP KLMN", False),    # 1 of 4
])
def test_a_description_is_familiar_from_min_known_word_share_on(fitted, description, familiar):
    model = fitted[0]
    tx, features = _row(description, fitted)
    from titans_finance.models.category import model_inputs

    text = model_inputs(tx, features)[0]
    assert bool(model.familiar(text, features)[0]) is familiar


@pytest.mark.parametrize("corrections, rule", [(1, False), (2, True), (3, True)])
def test_a_merchant_rule_from_exactly_rule_min_count_corrections(corrections, rule):
    merchant = pd.Series(["shell"] * corrections + ["bp"])
    category = pd.Series(["fuel"] * corrections + ["fuel"])
    corrected = pd.Series([True] * corrections + [False])
    rules = rules_from_corrections(merchant, category, corrected, min_count=2)
    assert [r.category for r in rules] == (["fuel"] if rule else [])


def test_a_merchant_corrected_to_two_categories_gets_no_rule():
    rules = rules_from_corrections(pd.Series(["shell"] * 3), pd.Series(["fuel", "fuel", "auto"]),
                                   pd.Series([True] * 3), min_count=2)
    assert rules == []


@pytest.mark.parametrize("labels, mapped", [
    (["car", "car", "other", "other"], False),  # 2 of 4 = 0.5
    (["car", "car", "car", "other", "other"], True),  # 3 of 5 = 0.6, the share itself
    (["car", "car", "car", "car", "other"], True)])  # 4 of 5
def test_a_default_category_maps_to_a_user_category_from_mapping_min_share(
        default_category_model, labels, mapped):
    from tests.parameters import parameters
    from titans_finance.models.category.model import CategoryModel
    params = parameters("category")
    assert params["mapping_min_share"] == 0.6
    model = CategoryModel("lightgbm", params, default_model=default_category_model)
    text = np.array(["SHELL FUEL STATION 0412"] * len(labels))
    sign = np.full(len(labels), -1.0)
    default = str(default_category_model.predict_raw(text[:1], sign[:1])["category"].iloc[0])
    mapping = model._default_mapping(text, sign, np.array(labels))
    assert mapping == ({default: "car"} if mapped else {})


@pytest.mark.parametrize("temperature", [1e-4, 0.05, 1.0, 20.0])
def test_temperature_scaling_is_stable_per_row_at_any_temperature(temperature):
    """Each row is shifted by its own largest logit: a sure row beside a uniform one, at a
    temperature far below the fitted range, neither underflows to 0/0 nor leaks between
    rows; at T = 1 the probabilities come back as they were."""
    from titans_finance.models.category.model import apply_temperature

    proba = np.array([[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3], [0.7, 0.2, 0.1]])
    scaled = apply_temperature(proba, temperature)
    assert np.isfinite(scaled).all()
    np.testing.assert_allclose(scaled.sum(axis=1), 1.0)
    np.testing.assert_allclose(scaled[1], 1 / 3)
    assert scaled[0].argmax() == 0 and scaled[2].argmax() == 0
    if temperature <= 1.0:
        assert scaled[0, 0] == pytest.approx(1.0)
    # a zero probability counts as 1e-12: T > 1 lifts it as much as any small one
    np.testing.assert_allclose(scaled[0, 1] / scaled[0, 0], 1e-12 ** (1 / temperature),
                               rtol=1e-6)
    if temperature == 1.0:
        np.testing.assert_allclose(scaled, proba, atol=1e-11)


def test_a_model_fitted_without_calibration_keeps_temperature_one(fitted):
    # calibration_folds 0: no temperature is fitted, so the probabilities are the model's own
    model = fitted[0]
    assert model.temperature == 1.0 and model.metadata["temperature"] == 1.0


def test_an_unfitted_model_answers_no_row_and_has_no_probabilities(fitted):
    _, test_tx, test_f = fitted
    model = CategoryModel("logistic_regression", PARAMS)
    out = model.predict(test_tx, test_f)
    assert (out["category"] == UNCERTAIN_CATEGORY).all()
    assert (out["reason"] == "no model answers").all()
    with pytest.raises(RuntimeError, match="no personal model"):
        model.predict_proba(test_tx, test_f)


def test_threshold_zero_answers_an_unfamiliar_line_the_smallest_threshold_does_not(fitted):
    model = fitted[0]
    tx, features = _row("ZX TRADING LTD 884422", fitted)
    assert not model.familiar(model_inputs(tx, features)[0], features)[0]
    assert model.predict(tx, features, threshold=0.0)["category"].iloc[0] != UNCERTAIN_CATEGORY
    smallest = np.nextafter(0.0, 1.0)  # any positive threshold asks for a familiar line
    assert model.predict(tx, features, threshold=smallest)["category"].iloc[0] == \
        UNCERTAIN_CATEGORY


def test_a_row_in_a_direction_training_never_saw_has_confidence_zero_and_no_top_k(fitted):
    model, test_tx, _ = fitted  # trained on expenses only
    income = test_tx.iloc[:2].assign(amount=[250.0, 12.0], type="income")
    out = model.predict(income, build_features(income), threshold=0.0)
    assert (out["category"] == UNCERTAIN_CATEGORY).all()
    assert out["confidence"].tolist() == [0.0, 0.0] and out["top_k"].tolist() == [[], []]
    assert (out["reason"] == "the personal model does not answer (confidence 0.00)").all()


def test_a_category_never_seen_in_the_row_s_direction_keeps_unseen_direction_weight():
    # salary is the only income label: a refund at a fuel station (money in) weighs the
    # expense categories by unseen_direction_weight against salary, then renormalises
    tx, _ = _data()
    salary = tx.iloc[:12].assign(description="SALARY ACME CORP", amount=2500.0,
                                 category="salary", type="income")
    tx = pd.concat([tx, salary], ignore_index=True)
    tx["transaction_id"] = [f"t{i}" for i in range(len(tx))]
    # a partial weight (the shipped one may be 1: no damping, nothing to see here)
    weight = 0.1
    model = CategoryModel("logistic_regression", {**PARAMS, "unseen_direction_weight": weight}
                          ).fit(tx, build_features(tx))
    refund = tx.iloc[[0, 0]].assign(description=["FUEL REFUND SHELL", "FUEL FOR VEHICLE SHELL"],
                                    amount=[60.0, -60.0])
    refund_f = build_features(refund)
    proba = model.predict_proba(refund, refund_f)
    factor = np.where(model.classes_ == "salary", [[1.0], [weight]], [[weight], [1.0]])
    expected = proba * factor / (proba * factor).sum(axis=1, keepdims=True)
    out = model.predict(refund, refund_f, threshold=0.0)
    np.testing.assert_allclose(out["confidence"], expected.max(axis=1))
    assert out["category"].tolist() == model.classes_[expected.argmax(axis=1)].tolist()


def test_predict_proba_blends_in_the_remembered_label_of_a_repeated_line(fitted):
    model, test_tx, test_f = fitted
    assert len(model.memory) > 0  # the generated lines repeat
    text = model_inputs(test_tx, test_f)[0]
    raw = apply_temperature(model.personal.predict_proba(*model_inputs(test_tx, test_f)),
                            model.temperature)
    proba = model.predict_proba(test_tx, test_f)
    # the words the user always filed one way first, then the repeated lines (memory.py)
    worded = model.words.blend(text, raw, model.classes_)
    np.testing.assert_allclose(proba, model.memory.blend(text, worded, model.classes_))
    assert np.abs(proba - raw).max() > 0.01


def test_too_few_labels_leave_the_default_model_to_answer(small_default_category_model):
    tx, features = _data(n=6)
    model = CategoryModel("logistic_regression", PARAMS,
                          default_model=small_default_category_model).fit(tx, features)
    assert model.personal is None and model.default_to_user == {}
    out = model.predict(tx, features)
    assert (out["source"] == "default").all() and (out["confidence"] > 0).all()


def test_the_personal_model_reads_the_default_model_s_probabilities_of_each_row(
        small_default_category_model, fitted):
    _, test_tx, test_f = fitted
    train_tx, train_f, _, _ = _split(*_data())
    model = CategoryModel("logistic_regression", PARAMS,
                          default_model=small_default_category_model).fit(train_tx, train_f)
    out = model.predict(test_tx, test_f, threshold=0.0)
    assert (out["source"] == "model").all()
    # expenses only: every class is seen in the rows' direction, nothing renormalised
    np.testing.assert_allclose(out["confidence"],
                               model.predict_proba(test_tx, test_f).max(axis=1))


@pytest.mark.parametrize("proba, y, temperature", [
    ([0.6, 0.4], [0, 0], 0.05),  # always right but unsure: as sharp as allowed
    ([0.9, 0.1], [0, 1], 20.0),  # sure and right half the time: as flat as allowed
])
def test_the_fitted_temperature_stays_within_its_bounds(proba, y, temperature):
    probabilities = np.tile([proba], (20, 1))
    assert fit_temperature(probabilities, np.resize(y, 20)) == pytest.approx(temperature,
                                                                              abs=1e-3)


def test_a_held_out_class_given_probability_zero_counts_as_1e_12_and_flattens():
    # nine rows right at 0.9; one whose class the model gave exactly 0: as 1e-12, which a
    # higher temperature lifts, it outweighs the nine (-log 1e-12 = 27.6)
    proba = np.vstack([np.tile([[0.9, 0.1]], (9, 1)), [[1.0, 0.0]]])
    assert fit_temperature(proba, np.array([0] * 9 + [1])) > 1.0
    assert fit_temperature(proba[:9], np.zeros(9, dtype=int)) < 1.0
