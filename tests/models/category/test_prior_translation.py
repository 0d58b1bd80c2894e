"""The default model's answer carried into the user's categories (`prior_translation`):
counts of the labelled rows plus the category names at ``name_rows`` rows each; a training
row never counts its own label; a taxonomy category nothing was counted for carries
nothing."""

from __future__ import annotations

import numpy as np
import pytest

from titans_finance.models.category.prior_translation import (
    PriorTranslation,
    category_name_text,
)

# three labelled rows over a taxonomy of (electronics, food, fuel); user classes A, B
PROBA = np.array([[0.8, 0.2, 0.0], [0.1, 0.9, 0.0], [0.6, 0.4, 0.0]])
Y = np.array(["A", "B", "B"])
CLASSES = np.array(["A", "B"])
NAMES = np.array([[0.9, 0.1, 0.0], [0.0, 1.0, 0.0]])  # "A" reads as electronics, "B" food


def _brute(proba, y, names, name_rows, leave_out=None):
    """T counted row by row (optionally without one row), then each row of it normalised."""
    counts = name_rows * names.T.copy()
    for row, label in enumerate(y):
        if row != leave_out:
            counts[:, list(CLASSES).index(label)] += proba[row]
    totals = counts.sum(axis=1, keepdims=True)
    return np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)


@pytest.mark.parametrize("name_rows", [0.0, 1.0, 3.0])
def test_a_scored_row_gets_its_probabilities_through_the_normalised_counts(name_rows):
    translation = PriorTranslation(name_rows).fit(PROBA, Y, CLASSES, NAMES)
    row = np.array([[0.5, 0.3, 0.2]])
    expected = row @ _brute(PROBA, Y, NAMES, name_rows)
    np.testing.assert_allclose(translation.translated(row), expected)


@pytest.mark.parametrize("name_rows", [0.0, 1.0])
def test_a_training_row_is_translated_without_its_own_label(name_rows):
    translation = PriorTranslation(name_rows).fit(PROBA, Y, CLASSES, NAMES)
    expected = np.vstack([PROBA[r] @ _brute(PROBA, Y, NAMES, name_rows, leave_out=r)
                          for r in range(len(Y))])
    np.testing.assert_allclose(translation.translated_training(PROBA), expected, atol=1e-12)
    # the only electronics-heavy "A" row: without itself, A's evidence is the name alone
    assert translation.translated_training(PROBA)[0, 0] < translation.translated(PROBA)[0, 0]


def test_a_taxonomy_category_nothing_was_counted_for_carries_nothing():
    translation = PriorTranslation(1.0).fit(PROBA, Y, CLASSES, NAMES)
    np.testing.assert_array_equal(translation.translated(np.array([[0.0, 0.0, 1.0]])),
                                  [[0.0, 0.0]])


def test_the_names_alone_translate_a_category_with_no_row_of_its_own():
    translation = PriorTranslation(1.0).fit(PROBA[1:], Y[1:], CLASSES, NAMES)  # no "A" row
    assert translation.translated(np.array([[1.0, 0.0, 0.0]]))[0, 0] > 0.5
    assert PriorTranslation(0.0).fit(PROBA[1:], Y[1:], CLASSES, NAMES).translated(
        np.array([[1.0, 0.0, 0.0]]))[0, 0] == 0.0


def test_negative_name_rows_are_refused():
    with pytest.raises(ValueError, match="prior_name_rows"):
        PriorTranslation(-0.5)
    PriorTranslation(0.0)  # 0: the labelled rows alone


@pytest.mark.parametrize("category, text", [
    ("computer_equipment", "computer equipment"),
    ("Motorcycle accessories/equipment", "motorcycle accessories equipment"),
    ("Gas & Fuel", "gas fuel"),
    ("Eating Out - split", "eating out split"),
])
def test_a_category_name_is_read_as_words(category, text):
    assert category_name_text(category) == text


class _Default:
    """A default model of two taxonomy categories: *electronics* for a line with "tech",
    else *food*."""

    def knowledge_probabilities(self, text, sign):  # what the personal design reads
        tech = np.array(["tech" in str(t) for t in np.asarray(text).tolist()])
        return np.where(tech[:, None], [[0.9, 0.1]], [[0.2, 0.8]])


def _design(translated: float):
    from tests.parameters import parameters
    from titans_finance.models.category.personal import CategoryDesign

    params = parameters("category")
    params = {**params, "block_weights": {**params["block_weights"],
                                          "translated": translated}}
    text = np.array(["tech shop | tech shop", "cafe | cafe", "deli | deli"], dtype=object)
    numeric, sign = np.zeros((3, 3)), -np.ones(3)
    y = np.array(["Electronics", "Food", "Food"], dtype=object)
    return CategoryDesign(params, _Default()).fit(text, numeric, sign, y), (text, numeric, sign)


def test_the_design_carries_the_prior_into_one_column_per_category_at_its_weight():
    design, inputs = _design(2.0)
    width = _design(0.0)[0].transform(*inputs).shape[1]
    proba = _Default().knowledge_probabilities(inputs[0], inputs[2])
    translation = design.translation
    scored = design.transform(*inputs).toarray()[:, width:]
    np.testing.assert_allclose(scored, 2.0 * translation.translated(proba))
    training = design.transform(*inputs, training=True).toarray()[:, width:]
    np.testing.assert_allclose(training, 2.0 * translation.translated_training(proba))
    assert scored.shape[1] == 2 and not np.allclose(scored, training)  # its own label left out


def test_no_translated_block_at_weight_zero_nor_in_a_design_pickled_before_it():
    design, inputs = _design(0.0)
    translated, _ = _design(1.0)
    assert design.translation is None
    assert translated.transform(*inputs).shape[1] == design.transform(*inputs).shape[1] + 2
    del translated.translation  # as a design pickled before the block existed
    assert translated.transform(*inputs).shape[1] == design.transform(*inputs).shape[1]


def test_the_fitted_classifier_folds_the_block_into_the_default_one_with_the_same_answers(
        monkeypatch):
    from tests.parameters import parameters
    from titans_finance.models.category.personal import CategoryDesign, PersonalClassifier

    params = {**parameters("category"), "seed": 0}
    params["block_weights"] = {**params["block_weights"], "translated": 1.5, "default": 0.5}
    text = np.array(["tech shop | tech", "cafe | cafe", "deli | deli", "tech hub | hub",
                     "bar | bar", "techno | techno"] * 3, dtype=object)
    numeric, sign = np.random.default_rng(0).normal(size=(18, 3)), -np.ones(18)
    y = np.array(["Electronics", "Food", "Food", "Electronics", "Drinks", "Electronics"] * 3)
    folded = PersonalClassifier("logistic_regression", params, _Default()).fit(
        text, numeric, sign, y)
    monkeypatch.setattr(CategoryDesign, "fold_translation", lambda self, classifier: None)
    kept = PersonalClassifier("logistic_regression", params, _Default()).fit(
        text, numeric, sign, y)
    assert folded.design.translation_folded and not kept.design.translation_folded
    assert folded.classifier.coef_.shape[1] == kept.classifier.coef_.shape[1] - 3
    np.testing.assert_allclose(folded.predict_proba(text, numeric, sign),
                               kept.predict_proba(text, numeric, sign), rtol=1e-9, atol=1e-12)


def test_without_a_default_block_the_translation_stays_a_block():
    from tests.parameters import parameters
    from titans_finance.models.category.personal import PersonalClassifier

    params = {**parameters("category"), "seed": 0}
    params["block_weights"] = {**params["block_weights"], "translated": 1.0, "default": 0.0}
    text = np.array(["tech shop | tech", "cafe | cafe", "deli | deli", "tech hub | hub"] * 3,
                    dtype=object)
    y = np.array(["Electronics", "Food", "Food", "Electronics"] * 3)
    model = PersonalClassifier("logistic_regression", params, _Default()).fit(
        text, np.zeros((12, 3)), -np.ones(12), y)
    assert not model.design.translation_folded
    assert model.predict(text, np.zeros((12, 3)), -np.ones(12)).tolist() == y.tolist()


@pytest.mark.parametrize("inward, outward, name_sign", [(2, 1, 1), (1, 1, -1), (1, 2, -1)])
def test_a_category_name_is_read_in_the_direction_most_of_its_rows_go(inward, outward,
                                                                      name_sign):
    from tests.parameters import parameters
    from titans_finance.models.category.personal import CategoryDesign

    class Recording(_Default):
        def knowledge_probabilities(self, text, sign):
            self.seen = dict(zip(np.asarray(text).tolist(), np.asarray(sign).tolist(),
                                 strict=True))
            return super().knowledge_probabilities(text, sign)

    params = parameters("category")
    params = {**params, "block_weights": {**params["block_weights"], "translated": 1.0}}
    n = inward + outward
    default = Recording()
    CategoryDesign(params, default).fit(
        np.array([f"line {i}" for i in range(n)], dtype=object), np.zeros((n, 3)),
        np.array([1] * inward + [-1] * outward), np.array(["Refund"] * n, dtype=object))
    assert default.seen == {"refund": name_sign}  # (the last call: the names)
