"""The default model's prior moved off the knowledge's volume (``volume_prior_removed``):
each category's intercept moves from the log-odds of its share of the fit's weighted lines
to those of the target share; the slopes (the evidence) stay as fitted."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy.special import logit
from sklearn.linear_model import SGDClassifier

from tests.parameters import settings
from titans_finance.models.category.default import DefaultCategoryModel, train_default_model
from titans_finance.models.category.volume_prior import (
    fitted_shares,
    prior_offsets,
    without_volume_prior,
)

ROOT = Path(__file__).resolve().parents[3]
FIT_ONCE = DefaultCategoryModel._fit_once  # unwrapped, however often a test records it


def test_shares_are_each_category_s_weight_in_the_classes_order():
    shares = fitted_shares(np.array(["b", "a", "b", "c"]), np.array([1.0, 2.0, 3.0, 4.0]),
                           np.array(["a", "b", "c"]))
    assert shares.tolist() == [0.2, 0.4, 0.4]


def test_a_line_of_no_fitted_class_or_a_class_without_weight_is_an_error():
    with pytest.raises(ValueError, match="not one of the fitted classes"):
        fitted_shares(np.array(["a", "z"]), np.ones(2), np.array(["a", "b", "c"]))
    with pytest.raises(ValueError, match=r"without weight in the fit: \['c'\]"):
        fitted_shares(np.array(["a", "b", "c"]), np.array([1.0, 1.0, 0.0]),
                      np.array(["a", "b", "c"]))


def test_offsets_move_each_intercept_to_the_target_share_s_log_odds():
    shares = np.array([0.7, 0.2, 0.08, 0.02])
    assert np.allclose(prior_offsets(shares, 0.0), 0.0)  # the fit's own prior kept
    # every category the same prior: each moves to logit(1/4)
    assert np.allclose(logit(shares) + prior_offsets(shares, 1.0), logit(0.25))
    half = np.sqrt(shares) / np.sqrt(shares).sum()  # half of the volume kept
    assert np.allclose(logit(shares) + prior_offsets(shares, 0.5), logit(half))
    # the rare category gains, the large one loses, in that order
    offsets = prior_offsets(shares, 0.5)
    assert offsets[0] < 0 < offsets[3] and np.all(np.diff(offsets) > 0)


@pytest.mark.parametrize("removed, allowed", [(-0.01, False), (0.0, True), (1.0, True),
                                              (1.01, False)])
def test_removed_is_a_share_between_zero_and_one(removed, allowed):
    shares = np.array([0.5, 0.3, 0.2])
    classifier = SimpleNamespace(classes_=np.array(["a", "b", "c"]),
                                 intercept_=np.zeros(3))
    if allowed:
        prior_offsets(shares, removed)
        without_volume_prior(classifier, np.array(["a", "b", "c"]), np.ones(3), removed)
        return
    with pytest.raises(ValueError, match="volume_prior_removed must be between 0 and 1"):
        prior_offsets(shares, removed)
    with pytest.raises(ValueError, match="volume_prior_removed must be between 0 and 1"):
        without_volume_prior(classifier, np.array(["a", "b", "c"]), np.ones(3), removed)


def test_three_categories_are_needed_for_a_prior_each():
    prior_offsets(np.array([0.5, 0.3, 0.2]), 1.0)
    with pytest.raises(ValueError, match="three categories or more, got 2"):
        prior_offsets(np.array([0.6, 0.4]), 1.0)


def test_a_line_without_evidence_gets_the_target_prior_and_evidence_still_decides():
    # a large category and two small ones, each with a word of its own, and lines of no word
    rng = np.random.default_rng(0)
    y = np.array(["big"] * 900 + ["small"] * 60 + ["tiny"] * 40)
    x = np.zeros((len(y), 4))
    x[y == "big", 0] = 1.0
    x[y == "small", 1] = 1.0
    x[y == "tiny", 2] = 1.0
    x[rng.random(len(y)) < 0.3, :3] = 0.0  # lines that say nothing
    x[:, 3] = 1.0  # every line money out, as nearly every knowledge line
    fitted = SGDClassifier(loss="log_loss", alpha=1e-4, max_iter=50, tol=None,
                           random_state=0).fit(x, y)
    before = fitted.predict_proba(np.array([[0.0, 0.0, 0.0, 1.0]]))[0]
    slopes = fitted.coef_.copy()
    corrected = without_volume_prior(fitted, y, np.ones(len(y)), 1.0)
    after = corrected.predict_proba(np.array([[0.0, 0.0, 0.0, 1.0]]))[0]
    assert before.argmax() == 0 and before.max() > 0.6  # the volume decides a blank line
    assert after.max() / after.min() < before.max() / before.min()
    assert after.max() < 0.6
    assert np.array_equal(corrected.coef_, slopes)  # the evidence untouched
    words = corrected.predict(np.eye(4)[:3] + np.array([0, 0, 0, 1.0]))
    assert words.tolist() == ["big", "small", "tiny"]


def test_two_categories_share_one_intercept_and_are_refused():
    classifier = SimpleNamespace(classes_=np.array(["a", "b", "c"]), intercept_=np.zeros(1))
    with pytest.raises(ValueError, match="one intercept per category"):
        without_volume_prior(classifier, np.array(["a", "b", "c"]), np.ones(3), 1.0)


def _fit_classifiers(monkeypatch, removed: float) -> list:
    """The default model's two fits (before the temperature, then on every line), the
    lexicon's lines alone, with the lines and weights each was fitted on."""
    seen = []

    def recording(self, lines, rows, y, weight):
        fitted = FIT_ONCE(self, lines, rows, y, weight)
        seen.append((fitted[-1], y, weight))
        return fitted

    monkeypatch.setattr(DefaultCategoryModel, "_fit_once", recording)
    knowledge = ROOT / "conf/base/knowledge"
    train_default_model(
        yaml.safe_load((ROOT / "conf/base/category_taxonomy.yml").read_text()),
        yaml.safe_load((ROOT / "conf/base/category_lexicon.yml").read_text()),
        pd.read_csv(knowledge / "osm_brands.csv", dtype=str, keep_default_na=False).iloc[:0],
        pd.read_csv(knowledge / "spending_words.csv", dtype=str, keep_default_na=False).iloc[:0],
        pd.read_csv(knowledge / "company_words.csv", dtype=str, keep_default_na=False),
        {**settings("category").default_model_params(), "lexicon_variants": 1,
         "volume_prior_removed": removed})
    return seen


def test_the_default_model_moves_both_fits_intercepts_and_nothing_else(monkeypatch):
    plain = _fit_classifiers(monkeypatch, 0.0)
    moved = _fit_classifiers(monkeypatch, 1.0)
    assert len(plain) == len(moved) == 2
    for (before, y, weight), (after, _, _) in zip(plain, moved, strict=True):
        assert np.array_equal(before.coef_, after.coef_)
        offsets = prior_offsets(fitted_shares(y, weight, before.classes_), 1.0)
        assert np.allclose(after.intercept_ - before.intercept_, offsets)
        assert not np.allclose(offsets, 0.0)  # the lexicon's categories differ in size
