"""The ceiling each answer earned on owners' labels (`earned_ceiling`): its own proof or the
pooled one, whichever proves more, between the answering threshold and the one ceiling, each
bound tested at the boundary and on each side; bad proofs named; and the default model
holding an uncorroborated answer at its own answer's ceiling."""

from __future__ import annotations

import numpy as np
import pytest

from titans_finance.models.category.earned_ceiling import (
    answer_ceilings,
    earned_ceilings,
    fitted_ceilings,
)
from titans_finance.models.category.proof import proven_confidence
from titans_finance.models.category.taxonomy import category_text

Z = 1.645
ANSWERS = {"restaurants", "groceries", "bank_fees", "food"}


def _ceilings(proof, ceiling=0.9, floor=0.5):
    return earned_ceilings(proof, Z, ceiling, floor, ANSWERS)


def test_an_answer_takes_its_own_proof_when_it_proves_more_than_the_pool():
    proof = {"restaurants": {"lines": 20, "right": 20}, "groceries": {"lines": 40, "right": 20}}
    own, unproven = _ceilings(proof)
    pooled = proven_confidence(40, 60, Z)
    assert 0.5 < pooled < own["restaurants"] < 0.9
    assert own["restaurants"] == pytest.approx(proven_confidence(20, 20, Z))
    assert own["groceries"] == pytest.approx(pooled)  # its own 0.37 proves less than the pool
    assert unproven == pytest.approx(pooled)


def test_the_one_ceiling_bounds_a_proof_above_it_at_it_and_one_step_below():
    proof = {"restaurants": {"lines": 200, "right": 200}}
    bound = proven_confidence(200, 200, Z)
    for ceiling, expected in ((float(np.nextafter(bound, 0)), float(np.nextafter(bound, 0))),
                              (bound, bound), (float(np.nextafter(bound, 1)), bound)):
        own, unproven = _ceilings(proof, ceiling=ceiling)
        assert own["restaurants"] == expected
        assert unproven == expected  # one answer: the pool is its proof


def test_the_floor_bounds_a_proof_below_it_at_it_and_one_step_above():
    proof = {"groceries": {"lines": 10, "right": 5}}
    bound = proven_confidence(5, 10, Z)
    for floor, expected in ((float(np.nextafter(bound, 0)), bound), (bound, bound),
                            (float(np.nextafter(bound, 1)), float(np.nextafter(bound, 1)))):
        own, unproven = _ceilings(proof, floor=floor)
        assert own["groceries"] == expected and unproven == expected


def test_no_proof_holds_every_answer_at_the_floor():
    own, unproven = _ceilings({})
    assert own == {} and unproven == 0.5


def test_a_group_is_an_answer_of_its_own():
    own, _ = _ceilings({"food": {"lines": 100, "right": 100},
                        "groceries": {"lines": 100, "right": 10}})
    assert own["food"] == pytest.approx(0.9) and own["groceries"] < own["food"]


def test_an_answer_not_in_the_taxonomy_and_a_floor_above_the_ceiling_are_named():
    with pytest.raises(ValueError, match="restaurant_x"):
        _ceilings({"restaurant_x": {"lines": 1, "right": 1}})
    with pytest.raises(ValueError, match="floor"):
        _ceilings({}, ceiling=0.6, floor=float(np.nextafter(0.6, 1)))
    assert _ceilings({}, ceiling=0.6, floor=0.6) == ({}, 0.6)


def test_each_row_gets_its_answers_ceiling_and_an_unproven_one_the_pooled():
    got = answer_ceilings(np.array(["groceries", "taxi", "groceries", "food"], dtype=object),
                          {"groceries": 0.7, "food": 0.9}, 0.6)
    np.testing.assert_array_equal(got, [0.7, 0.6, 0.7, 0.9])
    assert answer_ceilings(np.array([], dtype=object), {}, 0.6).shape == (0,)


def test_the_shipped_proof_is_read_from_the_settings(default_category_model):
    model = default_category_model
    own, unproven = fitted_ceilings(model.params, model.taxonomy)
    assert (own, unproven) == (model.answer_ceilings_, model.unproven_ceiling_)
    assert model.threshold <= unproven <= model.ceiling
    assert all(unproven <= c <= model.ceiling for c in own.values())


SIGN = np.array([-1])


def _one_word(model):
    """A one-word line (no second word to corroborate it) above 0.6 with no ceiling."""
    saved = model.answer_ceilings_, model.unproven_ceiling_, model.ceiling
    try:
        model.answer_ceilings_, model.unproven_ceiling_, model.ceiling = {}, 1.0, 1.0
        for word in ("parking", "petrol", "pharmacy", "bakery", "cinema", "taxi"):
            text = category_text(np.array([word], dtype=object), np.array([word], dtype=object))
            out = model.predict_raw(text, SIGN).iloc[0]
            if out["confidence"] > 0.6 and out["level"] == "category":
                return text, out["category"], float(out["confidence"])
    finally:
        model.answer_ceilings_, model.unproven_ceiling_, model.ceiling = saved
    pytest.fail("no one-word line above 0.6")


def test_an_uncorroborated_answer_is_held_at_its_own_earned_ceiling(default_category_model):
    """Its answer's ceiling one step below its confidence: held there; at it and one step
    above: the confidence stands. Another answer's ceiling, or the unproven one, does not
    touch it; the answer and its level do not move."""
    model = default_category_model
    text, answer, raw = _one_word(model)
    saved = model.answer_ceilings_, model.unproven_ceiling_, model.ceiling
    try:
        model.ceiling = 1.0
        for ceiling, expected in ((float(np.nextafter(raw, 0)), float(np.nextafter(raw, 0))),
                                  (raw, raw), (float(np.nextafter(raw, 1)), raw)):
            model.answer_ceilings_, model.unproven_ceiling_ = {answer: ceiling}, 0.5
            out = model.predict_raw(text, SIGN).iloc[0]
            assert out["confidence"] == pytest.approx(expected, abs=0)
            assert out["category"] == answer and out["level"] == "category"
        model.answer_ceilings_ = {"other_answer": 0.5}
        model.unproven_ceiling_ = float(np.nextafter(raw, 0))
        assert model.predict_raw(text, SIGN).iloc[0]["confidence"] == model.unproven_ceiling_
    finally:
        model.answer_ceilings_, model.unproven_ceiling_, model.ceiling = saved


def test_a_model_pickled_before_the_earned_ceilings_holds_every_answer_at_the_one(
        default_category_model):
    import copy

    model = copy.copy(default_category_model)
    text, _, raw = _one_word(model)
    del model.answer_ceilings_, model.unproven_ceiling_
    model.ceiling = float(np.nextafter(raw, 0))
    assert model.predict_raw(text, SIGN).iloc[0]["confidence"] == model.ceiling
