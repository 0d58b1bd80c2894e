"""Which lines the export's own prior answers (`prior_scope`): with
``keep_answered_lines`` a line the knowledge answers alone (its best category at the answer
threshold or above) keeps the knowledge's probabilities, the others take the export's prior."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from tests.parameters import settings
from titans_finance.core.features import build_features
from titans_finance.models.category.export_prior import reweighted, with_export_prior
from titans_finance.models.category.export_reading import for_export
from titans_finance.models.category.prior_scope import (
    scoped_prior,
    under_scoped_prior,
    with_prior_scope,
)

PARAMS = settings("category").export_prior.model_dump()  # as shipped
WEIGHTS = np.array([4.0, 1.0, 1.0])  # an export of mostly the first category


@pytest.mark.parametrize("best, kept", [(0.49, False), (0.5, True), (0.51, True)])
def test_a_line_answered_at_the_threshold_keeps_its_probabilities(best, kept):
    # the second category best: under the prior the first would win
    row = np.array([[(1 - best) * 0.9, best, (1 - best) * 0.1]])
    out = scoped_prior(row, WEIGHTS, 0.5)
    assert np.array_equal(out, row) is kept
    if not kept:
        assert np.array_equal(out, reweighted(row, WEIGHTS))
        assert out.argmax() == 0


def test_every_line_under_the_prior_when_none_is_kept_and_none_without_a_prior():
    rows = np.array([[0.2, 0.7, 0.1], [0.4, 0.3, 0.3]])
    assert np.array_equal(scoped_prior(rows, WEIGHTS, None), reweighted(rows, WEIGHTS))
    assert scoped_prior(rows, None, 0.5) is rows
    assert scoped_prior(np.zeros((0, 3)), WEIGHTS, 0.5).shape == (0, 3)
    # rows scoped one by one as together: each row by its own probabilities
    together = scoped_prior(rows, WEIGHTS, 0.5)
    for i in range(len(rows)):
        assert np.array_equal(scoped_prior(rows[i:i + 1], WEIGHTS, 0.5)[0], together[i])


def _grocer(model, n: int = 40) -> tuple[np.ndarray, np.ndarray]:
    return np.array([f"tesco {i} | tesco" for i in range(n)], dtype=object), -np.ones(n)


def test_a_sure_line_of_another_category_keeps_its_answer_under_an_export_s_prior(
        small_default_category_model):
    model = small_default_category_model
    prior = with_export_prior(model, *_grocer(model), PARAMS)  # the export: a grocer
    lines = np.array(["shell petrol station | shell", "zzqx 0 |"], dtype=object)
    sign = -np.ones(2)
    knowledge = model.knowledge_probabilities(lines, sign)
    assert knowledge[0].max() >= model.threshold > knowledge[1].max()  # answered / not
    kept = with_prior_scope(copy.copy(prior), {**PARAMS, "keep_answered_lines": True})
    every = with_prior_scope(copy.copy(prior), {**PARAMS, "keep_answered_lines": False})
    scoped, moved = kept.probabilities(lines, sign), every.probabilities(lines, sign)
    assert np.array_equal(scoped[0], knowledge[0])        # its own words answered it
    assert not np.allclose(moved[0], knowledge[0])         # the prior would move it
    assert np.array_equal(scoped[1], moved[1])             # the unanswered line leans
    groceries = list(model.classes_).index("groceries")
    assert scoped[1, groceries] > knowledge[1, groceries]
    # predict_raw given the knowledge's probabilities answers the same
    given = kept.predict_raw(lines, sign, proba=knowledge)
    pd.testing.assert_frame_equal(given, kept.predict_raw(lines, sign))


def test_the_shipped_reading_of_an_export_keeps_answered_lines(small_default_category_model):
    n = 30
    tx = pd.DataFrame({
        "transaction_id": [f"t{i}" for i in range(n)], "source_row": np.arange(1, n + 1),
        "date": pd.date_range("2026-01-01", periods=n), "type": "expense",
        "description": [f"TESCO STORE {i}" for i in range(n)], "amount": -(10.0 + np.arange(n)),
        "category": None, "payment_method": None, "status": None, "reference": None,
        "receipt_url": None})
    read = for_export(small_default_category_model, tx, build_features(tx),
                      settings("category").statement_wording.model_dump(), PARAMS)
    assert read.prior_keeps_answered_lines is PARAMS["keep_answered_lines"]
    assert getattr(small_default_category_model, "prior_keeps_answered_lines", None) is None


def test_a_model_pickled_before_the_flag_answers_every_line_under_its_prior(
        small_default_category_model):
    model = small_default_category_model
    prior = with_export_prior(model, *_grocer(model), PARAMS)
    assert not hasattr(prior, "prior_keeps_answered_lines")
    lines, sign = np.array(["shell petrol station | shell"], dtype=object), -np.ones(1)
    knowledge = model.knowledge_probabilities(lines, sign)
    assert np.array_equal(under_scoped_prior(prior, knowledge),
                          reweighted(knowledge, prior.prior_weights))


@pytest.mark.parametrize("params, message", [
    ({"iterations": 1, "pseudo_lines": 0.0}, "missing keep_answered_lines"),
    ({"keep_answered_lines": "yes"}, "must be true or false, got 'yes'"),
    ({"keep_answered_lines": 1}, "must be true or false, got 1"),
])
def test_the_setting_is_named_when_missing_or_not_true_or_false(
        small_default_category_model, params, message):
    with pytest.raises(ValueError, match=message):
        with_prior_scope(copy.copy(small_default_category_model), params)
