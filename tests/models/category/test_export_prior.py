"""The export's own category prior (`export_prior`): estimated from the user's unlabelled
lines by expectation-maximisation, pulled toward the fit's prior by a few pseudo-lines, and
answering every line under it; the knowledge model itself is left as it was."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from tests.parameters import settings
from titans_finance.models.category.export_prior import (
    export_prior,
    fitted_shares,
    reweighted,
    with_export_prior,
)

PARAMS = settings("category").export_prior.model_dump()  # as shipped


def test_the_fit_s_prior_is_each_category_s_weight_in_the_classes_order(
        small_default_category_model):
    shares = fitted_shares(np.array(["b", "a", "b", "c"]), np.array([1.0, 2.0, 3.0, 4.0]),
                           np.array(["a", "b", "c"]))
    assert shares.tolist() == [0.2, 0.4, 0.4]
    model = small_default_category_model  # kept by the fit, one share per category
    assert model.fitted_prior_.shape == model.classes_.shape
    assert model.fitted_prior_.sum() == pytest.approx(1.0) and (model.fitted_prior_ > 0).all()


def test_a_line_of_no_fitted_class_or_a_class_without_weight_is_an_error():
    with pytest.raises(ValueError, match="not one of the fitted classes"):
        fitted_shares(np.array(["a", "z"]), np.ones(2), np.array(["a", "b", "c"]))
    with pytest.raises(ValueError, match=r"without weight in the fit: \['c'\]"):
        fitted_shares(np.array(["a", "b", "c"]), np.array([1.0, 1.0, 0.0]),
                      np.array(["a", "b", "c"]))


def test_rows_are_weighed_and_renormalised_and_a_row_of_zeros_stays_zero():
    proba = np.array([[0.5, 0.5, 0.0], [0.0, 0.0, 0.0]])
    assert reweighted(proba, None) is proba
    out = reweighted(proba, np.array([3.0, 1.0, 5.0]))
    assert out.tolist() == [[0.75, 0.25, 0.0], [0.0, 0.0, 0.0]]


def test_sure_lines_give_their_frequencies_in_one_step():
    proba = np.array([[1.0, 0.0, 0.0]] * 6 + [[0.0, 1.0, 0.0]] * 4)
    fitted = np.array([0.2, 0.3, 0.5])
    assert export_prior(proba, fitted, 0, 0.0).tolist() == fitted.tolist()
    assert np.allclose(export_prior(proba, fitted, 1, 0.0), [0.6, 0.4, 0.0])
    # ten pseudo-lines at the fit's prior beside ten lines: half way
    assert np.allclose(export_prior(proba, fitted, 1, 10.0), [0.4, 0.35, 0.25])


def test_unsure_lines_follow_the_sure_ones_to_the_mixture_s_maximum():
    # 60 lines sure of a, 20 sure of b, 20 unsure between them (under an equal fitted prior):
    # the prior that explains them best is a 0.75, b 0.25 (pi_a = 0.6 + 0.2 pi_a)
    proba = np.array([[1.0, 0.0, 0.0]] * 60 + [[0.0, 1.0, 0.0]] * 20 + [[0.5, 0.5, 0.0]] * 20)
    fitted = np.full(3, 1 / 3)
    assert np.allclose(export_prior(proba, fitted, 1, 0.0)[:2], [0.7, 0.3])
    assert np.allclose(export_prior(proba, fitted, 200, 0.0)[:2], [0.75, 0.25], atol=1e-6)
    # each step's answers read the unsure lines under the current prior over the fit's
    unequal = np.array([0.5, 0.25, 0.25])  # a favoured by the fit: the unsure lines' 0.5
    reread = proba.copy()                 # was 2:1 for a before the fit's prior is divided out
    reread[80:] = [2 / 3, 1 / 3, 0.0]
    assert np.allclose(export_prior(reread, unequal, 200, 0.0)[:2], [0.75, 0.25], atol=1e-6)


def test_a_line_with_no_category_allowed_says_nothing():
    proba = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    assert np.allclose(export_prior(proba, np.full(3, 1 / 3), 1, 0.0)[0], 1.0)
    assert np.allclose(export_prior(proba[1:], np.full(3, 1 / 3), 5, 0.0), 1 / 3)


@pytest.mark.parametrize("iterations, pseudo, allowed",
                         [(-1, 0.0, False), (0, 0.0, True), (0, -0.01, False)])
def test_iterations_and_pseudo_lines_are_zero_or_more(iterations, pseudo, allowed):
    proba = np.array([[1.0, 0.0, 0.0]])
    if allowed:
        export_prior(proba, np.full(3, 1 / 3), iterations, pseudo)
        return
    with pytest.raises(ValueError, match="category.export_prior"):
        export_prior(proba, np.full(3, 1 / 3), iterations, pseudo)


def test_the_fit_s_prior_must_be_positive_for_every_category():
    with pytest.raises(ValueError, match="positive for each of the 3 categories"):
        export_prior(np.ones((1, 3)) / 3, np.array([0.5, 0.5]), 1, 0.0)
    with pytest.raises(ValueError, match="positive"):
        export_prior(np.ones((1, 3)) / 3, np.array([0.5, 0.5, 0.0]), 1, 0.0)


def _export(model, word: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.array([f"{word} {i} | {word}" for i in range(n)], dtype=object), -np.ones(n)


def test_an_export_s_prior_leans_weak_lines_and_leaves_the_knowledge_model(
        small_default_category_model):
    model = small_default_category_model
    text, sign = _export(model, "tesco", 40)  # a grocer of the lexicon, forty times
    blank = np.array(["zzqx 0 |"], dtype=object)
    before = model.probabilities(blank, -np.ones(1))[0]
    read = with_export_prior(model, text, sign, PARAMS)
    groceries = list(read.classes_).index("groceries")
    after = read.probabilities(blank, -np.ones(1))[0]
    assert after[groceries] > before[groceries]  # a line of no known word leans to groceries
    # forty lines beside the shipped pull of pseudo-lines: groceries first, well above the fit
    prior = read.metadata["export_prior"]
    assert list(prior)[0] == "groceries"
    assert prior["groceries"] > 3 * model.fitted_prior_[groceries]
    # the knowledge model answers as before: its own prior, its own remembered rows
    assert getattr(model, "prior_weights", None) is None
    assert np.array_equal(model.probabilities(blank, -np.ones(1))[0], before)
    # a line its words name keeps its answer
    fuel = np.array(["shell petrol station | shell"], dtype=object)
    assert (read.predict(fuel, -np.ones(1))["category"].tolist()
            == model.predict(fuel, -np.ones(1))["category"].tolist())


def test_no_iteration_is_the_fit_s_prior_to_the_bit(small_default_category_model):
    model = small_default_category_model
    text, sign = _export(model, "tesco", 10)
    read = with_export_prior(model, text, sign, {"iterations": 0, "pseudo_lines": 0.0})
    assert read.prior_weights is None
    assert np.array_equal(read.probabilities(text, sign), model.probabilities(text, sign))


def test_missing_settings_are_named(small_default_category_model):
    with pytest.raises(ValueError, match="missing pseudo_lines"):
        with_export_prior(small_default_category_model, *_export(None, "tesco", 2),
                          {"iterations": 1})


def test_a_model_fitted_before_the_prior_was_kept_is_named(small_default_category_model):
    older = copy.copy(small_default_category_model)
    del older.fitted_prior_
    with pytest.raises(ValueError, match="fitted before its prior was kept"):
        with_export_prior(older, *_export(None, "tesco", 2), PARAMS)


def test_the_default_answer_takes_the_prior_and_the_knowledge_s_evidence_does_not(
        small_default_category_model):
    # the personal model reads `knowledge_probabilities` as a block of its design (it learns
    # the user's prior from their labels); the default model's own answers take the export's
    model = small_default_category_model
    read = with_export_prior(model, *_export(model, "tesco", 40), PARAMS)
    blank, sign = np.array(["zzqx 0 |", "shell | shell"], dtype=object), -np.ones(2)
    assert np.array_equal(read.knowledge_probabilities(blank, sign),
                          model.knowledge_probabilities(blank, sign))
    assert not np.allclose(read.probabilities(blank, sign), model.probabilities(blank, sign))
    given = read.predict_raw(blank, sign, proba=read.knowledge_probabilities(blank, sign))
    pd.testing.assert_frame_equal(given, read.predict_raw(blank, sign))


def test_a_distinct_line_counted_n_times_weighs_as_its_n_repeats():
    rng = np.random.default_rng(3)
    distinct = rng.dirichlet(np.ones(4), size=5)
    lines = np.array([1, 4, 0, 2, 7])
    fitted = np.array([0.4, 0.3, 0.2, 0.1])
    repeated = np.repeat(distinct, lines, axis=0)
    assert np.allclose(export_prior(distinct, fitted, 30, 10.0, lines),
                       export_prior(repeated, fitted, 30, 10.0), rtol=1e-12, atol=0)
    # one count per row is the same as none given
    assert np.allclose(export_prior(distinct, fitted, 30, 10.0, np.ones(5)),
                       export_prior(distinct, fitted, 30, 10.0), rtol=1e-12, atol=0)


@pytest.mark.parametrize("lines", [np.array([1, -1, 1]), np.ones(2)])
def test_line_counts_are_one_per_row_and_never_negative(lines):
    with pytest.raises(ValueError, match="line counts"):
        export_prior(np.full((3, 2), 0.5), np.array([0.5, 0.5]), 3, 1.0, lines)


def test_an_export_of_repeated_lines_gets_the_prior_of_every_line_read(
        small_default_category_model):
    model = small_default_category_model
    text = np.array(["tesco 1 | tesco", "shell petrol | shell", "tesco 1 | tesco",
                     "tesco 1 | tesco", "salary acme"], dtype=object)
    sign = np.array([-1.0, -1.0, -1.0, 2.0, 1.0])  # one tesco line the other way
    read = with_export_prior(model, text, sign, PARAMS)
    every_line = export_prior(model.knowledge_probabilities(text, sign), model.fitted_prior_,
                              PARAMS["iterations"], PARAMS["pseudo_lines"])
    assert np.allclose(read.prior_weights * model.fitted_prior_, every_line, rtol=1e-10)



def test_an_export_with_a_line_of_no_text_is_named(small_default_category_model):
    text = np.array(["tesco 1 | tesco", None], dtype=object)
    with pytest.raises(ValueError, match="every line must be a text"):
        with_export_prior(small_default_category_model, text, -np.ones(2), PARAMS)
