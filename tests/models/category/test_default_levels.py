"""Answers at the level the default model is sure of: the leaf when its calibrated
confidence reaches the threshold, else its taxonomy group when the group's own calibrated
confidence does, else uncertain; every group or uncertain answer says why. Each threshold
is tested at the boundary value and one float step on each side."""

from __future__ import annotations

import numpy as np
import pytest

from titans_finance.core.schema import UNCERTAIN_CATEGORY
from titans_finance.models.category.taxonomy import category_text


def _text(*lines: str) -> np.ndarray:
    return category_text(np.array(lines, dtype=object), np.array([""] * len(lines), dtype=object))


def _levels(model, text):
    """The leaf's and the best group's calibrated confidence of one line."""
    sign = np.array([-1])
    proba = model.probabilities(text, sign)
    groups = model.group_probabilities(proba)
    return float(proba.max()), float(groups.max()), model.groups_[int(groups.argmax())]


@pytest.fixture(scope="module")
def torn(default_category_model):
    """A line whose group is surer than its leaf (the leaves of one group share it)."""
    for line in ("juice", "tea", "snacks", "chips", "samosa", "station", "rent", "auto"):
        text = _text(line)
        leaf, group, name = _levels(default_category_model, text)
        if group > leaf + 0.05:
            return text, leaf, group, name
    pytest.fail("no line whose group is surer than its leaf")


def test_the_leaf_answers_at_its_threshold_and_the_group_one_step_above(default_category_model,
                                                                       torn):
    text, leaf, group, name = torn
    sign = np.array([-1])
    at = default_category_model.predict_raw(text, sign, threshold=leaf).iloc[0]
    assert at["level"] == "category" and at["answers"] and at["reason"] == ""
    above = default_category_model.predict_raw(text, sign,
                                                threshold=np.nextafter(leaf, 1)).iloc[0]
    assert above["level"] == "group" and above["answers"]
    # a one-word line: its confidence held at the ceiling its answer earned
    # (test_default_corroboration, test_earned_ceiling)
    assert above["category"] == name
    earned = default_category_model.answer_ceilings_.get(
        name, default_category_model.unproven_ceiling_)
    assert above["confidence"] == pytest.approx(min(group, earned))
    # the reason names the two leaves of the group it cannot tell apart
    leaves = default_category_model.taxonomy.categories["group"]
    first, second = above["reason"].removeprefix("between ").split(" and ")
    assert leaves[first] == leaves[second] == name


def test_the_group_answers_at_its_threshold_and_not_one_step_above(default_category_model,
                                                                   torn):
    text, _, group, name = torn
    sign = np.array([-1])
    for threshold, level in ((np.nextafter(group, 0), "group"), (group, "group"),
                             (np.nextafter(group, 1), "uncertain")):
        out = default_category_model.predict_raw(text, sign, threshold=threshold).iloc[0]
        assert out["level"] == level, threshold
        assert bool(out["answers"]) is (level == "group")
        assert out["reason"]  # a group or an uncertain answer always says why
    shown = default_category_model.predict(text, sign, threshold=np.nextafter(group, 1))
    assert shown["category"].iloc[0] == UNCERTAIN_CATEGORY
    assert default_category_model.predict(text, sign, threshold=group)["category"].iloc[0] == name


def test_a_line_of_unknown_words_is_uncertain_and_says_so(default_category_model):
    out = default_category_model.predict_raw(_text("XQZ 4411 KT"), np.array([-1]),
                                             shown=np.array(["XQZ 4411 KT"], dtype=object))
    assert out["level"].iloc[0] == "uncertain" and not out["answers"].iloc[0]
    assert out["reason"].iloc[0] == "no known word in 'XQZ 4411 KT'"


def test_an_uncertain_line_of_known_words_names_the_two_leaves(default_category_model):
    text = _text("milk")
    leaf, group, _ = _levels(default_category_model, text)
    out = default_category_model.predict_raw(text, np.array([-1]),
                                             threshold=np.nextafter(max(leaf, group), 1))
    row = out.iloc[0]
    assert row["level"] == "uncertain"
    assert row["reason"].startswith(f"between {row['top_k'][0]['category']} and ")


def test_group_confidences_are_probabilities_over_the_groups(default_category_model):
    text = _text("milk", "petrol", "XQZ 4411 KT")
    proba = default_category_model.probabilities(text, np.array([-1, -1, -1]))
    groups = default_category_model.group_probabilities(proba)
    assert groups.shape == (3, len(default_category_model.groups_))
    assert np.allclose(groups.sum(axis=1), 1.0) and (groups >= 0).all()
    assert default_category_model.metadata["group_temperature"] > 0


def test_a_batch_answers_each_row_as_alone_to_the_bit(default_category_model):
    """Probabilities are computed once per distinct line and direction and spread: each
    row of a batch with repeats gets the numbers it gets alone."""
    lines = list(_text("tesco stores", "uber trip", "salary acme ltd", "juice"))
    text = np.array([lines[i] for i in (0, 1, 0, 2, 3, 0, 2, 1)], dtype=object)
    sign = np.array([-1, -1, 1, 1, -1, -1, -1, 0])
    together = default_category_model.probabilities(text, sign)
    for row in range(len(text)):
        alone = default_category_model.probabilities(text[row:row + 1], sign[row:row + 1])
        assert np.array_equal(together[row].view(np.uint64), alone[0].view(np.uint64))
    assert not np.array_equal(together[0], together[2])  # the direction is read


def test_single_precision_scoring_keeps_every_answer_of_double_precision(default_category_model):
    """The fitted coefficients are kept in single precision (half the service's largest
    array); scored in double precision with the same coefficients, the probabilities move by
    less than 1e-5 and no line's best category changes."""
    import copy

    from titans_finance.models.category.default_design import SCORING_DTYPE

    model = default_category_model
    assert model.classifier.coef_.dtype == SCORING_DTYPE == np.float32
    assert model.classifier.coef_.T.flags.c_contiguous  # no copy on each product
    double = copy.deepcopy(model)
    double.classifier.coef_ = np.asfortranarray(model.classifier.coef_, dtype=np.float64)
    lines = _text("WHOLEFDS SOM 10151", "UBER TRIP HELP.UBER.COM", "NETFLIX.COM",
                  "salary acme ltd", "milk", "auto to station", "rent", "SHELL OIL 5744")
    sign = np.array([-1, -1, -1, 1, -1, -1, -1, -1])
    single, reference = model.probabilities(lines, sign), double.probabilities(lines, sign)
    assert single.dtype == reference.dtype == np.float64
    np.testing.assert_allclose(single, reference, atol=1e-5)
    assert (single.argmax(axis=1) == reference.argmax(axis=1)).all()


def test_the_words_answers_share_one_plain_string_per_category(default_category_model):
    """Each known word's own answer is the category's one str object (not a numpy string
    per word: ~30k objects in the served model)."""
    answers = [leaf for own in default_category_model.word_answers_.values()
               for leaf in own.values()]
    assert answers and all(type(leaf) is str for leaf in answers)
    assert len({id(leaf) for leaf in answers}) <= len(default_category_model.classes_)
