"""Boundaries of the default (taxonomy) category model: a confidence exactly at its threshold
answers and one float step above does not; a description is familiar from exactly
``min_known_word_share`` of known words on."""

from __future__ import annotations

import numpy as np
import pytest

KNOWN = ["coffee", "fuel", "pharmacy", "grocery", "bakery"]
UNKNOWN = ["qzxv", "wkpl", "vbnq", "jxqz", "plkq"]


def _text(known: int, unknown: int) -> np.ndarray:
    return np.array([" ".join(KNOWN[:known] + UNKNOWN[:unknown])], dtype=object)


def test_the_words_are_known_and_unknown(default_category_model):
    vocabulary, noise = default_category_model.vocabulary, default_category_model.noise
    assert all(w in vocabulary and w not in noise for w in KNOWN)
    assert not any(w in vocabulary or w in noise for w in UNKNOWN)
    assert default_category_model.min_known_share == 0.6


@pytest.mark.parametrize("known, unknown, familiar", [(4, 1, True), (3, 2, True), (2, 3, False)])
def test_familiar_from_exactly_the_known_word_share(default_category_model, known, unknown,
                                                    familiar):
    # 3 of 5 words known: exactly 0.6
    assert bool(default_category_model.familiar(_text(known, unknown))[0]) is familiar


def test_a_confidence_exactly_at_the_threshold_answers(default_category_model):
    text, sign = np.array(["STARBUCKS COFFEE"], dtype=object), np.array([-1])
    confidence = float(default_category_model.predict_raw(text, sign, threshold=0.0)[
        "confidence"].iloc[0])
    assert 0 < confidence < 1
    for threshold, answers in ((np.nextafter(confidence, 0), True), (confidence, True),
                               (np.nextafter(confidence, 1), False)):
        out = default_category_model.predict_raw(text, sign, threshold=threshold)
        assert bool(out["answers"].iloc[0]) is answers, threshold
