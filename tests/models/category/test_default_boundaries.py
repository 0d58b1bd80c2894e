"""Boundaries of the default (taxonomy) category model: a confidence exactly at its threshold
answers and one float step above does not answer the leaf (the calibrated confidence alone
decides: the familiar-word gate went with issue #26)."""

from __future__ import annotations

import numpy as np

def test_a_confidence_exactly_at_the_threshold_answers(default_category_model):
    text, sign = np.array(["STARBUCKS COFFEE"], dtype=object), np.array([-1])
    # the calibrated confidence the threshold reads (the reported one may be held at the
    # uncorroborated ceiling: "starbucks coffee" is sure, but not two words' evidence)
    confidence = float(default_category_model.probabilities(text, sign).max())
    assert 0 < confidence < 1
    for threshold, answers in ((np.nextafter(confidence, 0), True), (confidence, True),
                               (np.nextafter(confidence, 1), False)):
        out = default_category_model.predict_raw(text, sign, threshold=threshold)
        # above the leaf's confidence the leaf no longer answers (its group may:
        # tests/models/category/test_default_levels.py)
        assert (out["level"].iloc[0] == "category") is answers, threshold
