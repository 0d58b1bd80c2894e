"""The cold-start benchmark's top bucket: answers strictly above 0.9 are the ones issue #26
says must never be wrong; answers at 0.9 or more (0.9 is the ceiling of an answer no second
word corroborates) give the bucket's reliability."""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks.evaluation.default_category_cold_start import cold_start
from benchmarks.evaluation.public_exports import TAXONOMY, load_ledger

JUST_ABOVE = float(np.nextafter(0.9, 1.0))


class _Answers:
    """Stands in for the default model: fixed answers, one per expense row in date order."""

    taxonomy = TAXONOMY

    def __init__(self, answers: list[tuple[str, float]]):
        self.answers = answers

    def predict_raw(self, text, sign, shown=None):
        assert len(text) == len(self.answers)
        category, confidence = zip(*self.answers, strict=True)
        return pd.DataFrame({"category": category, "confidence": confidence,
                             "answers": True, "level": "category", "reason": ""})


def _four_rides(tmp_path) -> pd.DataFrame:
    path = tmp_path / "main.ledger"
    path.write_text("".join(
        f"2016/03/0{day} Lyft\n    Expenses:Operating:Transportation:Ground    $12.00\n"
        "    Assets:Bank\n\n" for day in range(1, 5)))
    return load_ledger(path)


def test_only_answers_strictly_above_0_9_count_as_wrong_above_0_9(tmp_path):
    tx = _four_rides(tmp_path)
    assert (tx["taxonomy"] == "taxi_rideshare").all()
    out = cold_start(_Answers([("taxi_rideshare", 0.9), ("fuel", JUST_ABOVE),
                               ("taxi_rideshare", 0.95), ("fuel", 0.9)]), tx)
    assert out["above_0_9"] == 2  # JUST_ABOVE and 0.95; 0.9 itself is not above
    assert out["wrong_above_0_9"] == 1  # fuel just above 0.9; fuel at 0.9 is not counted
    assert out["at_or_above_0_9"] == 4
    assert out["right_at_or_above_0_9"] == 0.5


def test_no_answer_at_0_9_or_more_leaves_the_reliability_unset(tmp_path):
    tx = _four_rides(tmp_path)
    below = float(np.nextafter(0.9, 0.0))
    out = cold_start(_Answers([("taxi_rideshare", below)] * 4), tx)
    assert out["above_0_9"] == 0 and out["at_or_above_0_9"] == 0
    assert out["right_at_or_above_0_9"] is None
