"""A line none of whose words the default model knows is answered only at
`unknown_words_threshold` (leaf or group), a line with a known word at the model's
threshold: each boundary at its value and one float step on each side."""

from __future__ import annotations

import numpy as np
import pytest

from titans_finance.models.category.taxonomy import category_text

SIGN = np.array([-1])


def _text(line: str) -> np.ndarray:
    return category_text(np.array([line], dtype=object), np.array([""], dtype=object))


def _best(model, text) -> float:
    """The higher of the best leaf's and the best group's calibrated confidence."""
    proba = model.probabilities(text, SIGN)
    return max(float(proba.max()), float(model.group_probabilities(proba).max()))


@pytest.fixture(scope="module")
def unknown_line(default_category_model):
    text = _text("XQZ 4411 KT")
    assert not default_category_model._knows(text[0])
    return text, _best(default_category_model, text)


def test_the_shipped_floor_is_above_the_threshold(default_category_model):
    assert default_category_model.unknown_threshold > default_category_model.threshold


def test_a_line_of_no_known_word_answers_at_the_floor_and_not_one_step_below(
        default_category_model, unknown_line, monkeypatch):
    text, best = unknown_line
    assert best > 0
    for floor, answers in ((np.nextafter(best, 0), True), (best, True),
                           (np.nextafter(best, 1), False)):
        monkeypatch.setattr(default_category_model, "unknown_threshold", floor)
        out = default_category_model.predict_raw(text, SIGN, threshold=0.0,
                                                 shown=np.array(["XQZ 4411 KT"], dtype=object))
        assert bool(out["answers"].iloc[0]) is answers, floor
        if not answers:
            assert out["level"].iloc[0] == "uncertain"
            assert out["reason"].iloc[0] == "no known word in 'XQZ 4411 KT'"


def test_a_floor_at_or_below_the_threshold_changes_nothing(default_category_model,
                                                          unknown_line, monkeypatch):
    text, best = unknown_line
    for floor in (best, np.nextafter(best, 0)):
        monkeypatch.setattr(default_category_model, "unknown_threshold", floor)
        # threshold one step above the floor: the line's own threshold decides, not the floor
        assert default_category_model._row_thresholds(text, best, np.array([best])) == best
    monkeypatch.setattr(default_category_model, "unknown_threshold", best)
    assert default_category_model.predict_raw(text, SIGN, threshold=best)["answers"].iloc[0]


def test_a_line_with_a_known_word_answers_at_the_threshold_below_the_floor(
        default_category_model, monkeypatch):
    text = _text("STARBUCKS COFFEE")
    assert default_category_model._knows(text[0])
    best = _best(default_category_model, text)
    monkeypatch.setattr(default_category_model, "unknown_threshold", np.nextafter(best, 1))
    assert default_category_model.predict_raw(text, SIGN, threshold=best)["answers"].iloc[0]
    assert not default_category_model.predict_raw(text, SIGN, threshold=np.nextafter(
        best, 1))["answers"].iloc[0]


def test_a_batch_holds_back_only_its_lines_of_no_known_word(default_category_model,
                                                            unknown_line, monkeypatch):
    text, best = unknown_line
    known = _text("STARBUCKS COFFEE")
    monkeypatch.setattr(default_category_model, "unknown_threshold", np.nextafter(best, 1))
    floor = min(best, _best(default_category_model, known))
    lines = np.concatenate([text, known, text])
    out = default_category_model.predict_raw(lines, np.array([-1, -1, -1]), threshold=floor)
    assert out["answers"].tolist() == [False, True, False]


def test_a_model_pickled_before_the_floor_answers_as_it_did(default_category_model,
                                                           unknown_line, monkeypatch):
    text, best = unknown_line
    monkeypatch.delattr(default_category_model, "unknown_threshold")
    assert default_category_model.predict_raw(text, SIGN, threshold=best)["answers"].iloc[0]


def test_a_line_of_statement_words_only_is_read_and_not_held(default_category_model,
                                                             monkeypatch):
    """"credit card payment": no content word (all three are statement words), but the
    model reads them (its word vocabulary has them): the floor is not for it."""
    text = _text("credit card payment")
    assert not default_category_model._knows(text[0])
    best = _best(default_category_model, text)
    monkeypatch.setattr(default_category_model, "unknown_threshold", np.nextafter(best, 1))
    assert default_category_model._row_thresholds(text, best, np.array([best])) == best
