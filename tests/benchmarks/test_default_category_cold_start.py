"""The cold-start benchmark's top bucket: answers strictly above 0.9 are the ones issue #26
says must never be wrong; answers at 0.9 or more (0.9 is the ceiling of an answer no second
word corroborates) give the bucket's reliability."""

from __future__ import annotations

import numpy as np
import pytest
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


def test_each_export_is_judged_by_the_proof_of_the_others():
    """Leave one export out: the others' lines prove a bound; above the ceiling only when the
    bound is (13 of 13 prove 0.83: held at 0.9, no line of the export counted wrong)."""
    from benchmarks.evaluation.default_category_cold_start import leave_one_export_out

    buckets = {"a": {"lines": 13, "right": 13}, "b": {"lines": 2, "right": 1},
               "c": {"lines": 0, "right": 0}}
    table = leave_one_export_out(buckets, 1.645, 0.9)
    assert table["b"]["proof_lines"] == 13 and table["b"]["proof_right"] == 13
    assert table["b"]["bound"] == pytest.approx(13 / (13 + 1.645 ** 2), abs=1e-4)
    assert table["b"]["proven"] == 0.9 and table["b"]["wrong_above_ceiling"] == 0
    # a proof above the ceiling lifts the held-out export's corroborated lines: its wrong count
    table = leave_one_export_out({"a": {"lines": 100, "right": 100},
                                  "b": {"lines": 3, "right": 1}}, 1.645, 0.9)
    assert table["b"]["proven"] > 0.9 and table["b"]["wrong_above_ceiling"] == 2
    assert table["a"]["proof_lines"] == 3 and table["a"]["wrong_above_ceiling"] == 0


class _Corroborating(_Answers):
    """Answers above the ceiling only while the proof's cap is lifted (as corroborated ones)."""

    ceiling = 0.9

    def __init__(self, answers):
        super().__init__(answers)
        self.proven_ceiling = 0.9

    def predict_raw(self, text, sign, shown=None):
        out = super().predict_raw(text, sign)
        out["confidence"] = np.minimum(out["confidence"], self.proven_ceiling)
        return out


def test_the_top_bucket_counts_distinct_lines_lifted_above_the_ceiling(tmp_path):
    from benchmarks.evaluation.default_category_cold_start import top_bucket

    tx = _four_rides(tmp_path)  # four rows of one line, `Lyft`
    model = _Corroborating([("taxi_rideshare", 0.95)] * 4)
    assert top_bucket(model, tx) == {"lines": 1, "right": 1}
    assert model.proven_ceiling == 0.9  # the cap put back
    wrong = _Corroborating([("fuel", 0.95)] * 4)
    assert top_bucket(wrong, tx) == {"lines": 1, "right": 0}
    at_ceiling = _Corroborating([("taxi_rideshare", 0.9)] * 4)
    assert top_bucket(at_ceiling, tx) == {"lines": 0, "right": 0}
    just_above = _Corroborating([("taxi_rideshare", JUST_ABOVE)] * 4)
    assert top_bucket(just_above, tx) == {"lines": 1, "right": 1}


def test_the_reliability_bands_hold_their_lower_edge_and_the_last_holds_1():
    from benchmarks.evaluation.default_category_cold_start import reliability

    below = float(np.nextafter(0.9, 0.0))
    out = reliability(np.array([0.5, float(np.nextafter(0.6, 0.0)), below, 0.9, 1.0]),
                      np.array([True, False, True, True, False]))
    table = {row["band"]: row for row in out["reliability"]}
    assert sorted(table) == [0.5, 0.8, 0.9]
    assert table[0.5]["answers"] == 2 and table[0.5]["right"] == 0.5
    assert table[0.8]["answers"] == 1 and table[0.8]["right"] == 1.0
    assert table[0.9]["answers"] == 2 and table[0.9]["confidence"] == 0.95
    # gaps: 0.5 band |0.5 - 0.55|, 0.8 band |1 - 0.9| (under), 0.9 band |0.5 - 0.95| (over)
    assert out["calibration_error"] == pytest.approx((2 * 0.05 + 0.1 + 2 * 0.45) / 5, abs=1e-3)
    assert out["overconfidence"] == pytest.approx((2 * 0.05 + 2 * 0.45) / 5, abs=1e-3)


class _Capped(_Answers):
    """Answers held at their earned ceiling (`earned_ceiling.answer_ceilings`)."""

    ceiling, threshold, proven_ceiling = 0.9, 0.5, 0.9

    def __init__(self, answers, ceilings=None, unproven=0.9):
        super().__init__(answers)
        self.answer_ceilings_, self.unproven_ceiling_ = ceilings or {}, unproven

    def predict_raw(self, text, sign, shown=None):
        from titans_finance.models.category.earned_ceiling import answer_ceilings

        out = super().predict_raw(text, sign)
        out["confidence"] = np.minimum(out["confidence"], answer_ceilings(
            out["category"].to_numpy(), self.answer_ceilings_, self.unproven_ceiling_))
        return out


def test_the_uncorroborated_proof_counts_distinct_lines_that_reached_the_ceiling(tmp_path):
    from benchmarks.evaluation.default_category_cold_start import uncorroborated_proof

    tx = _four_rides(tmp_path)  # four rows of one line, `Lyft`
    model = _Capped([("taxi_rideshare", 0.95)] * 4, {"taxi_rideshare": 0.6}, 0.6)
    assert uncorroborated_proof(model, tx) == {"taxi_rideshare": {"lines": 1, "right": 1}}
    assert model.answer_ceilings_ == {"taxi_rideshare": 0.6}  # the model itself untouched
    assert uncorroborated_proof(_Capped([("fuel", 0.9)] * 4), tx) == {
        "fuel": {"lines": 1, "right": 0}}
    below = float(np.nextafter(0.9, 0.0))
    assert uncorroborated_proof(_Capped([("taxi_rideshare", below)] * 4), tx) == {}


def test_each_export_is_held_at_the_ceilings_the_others_earned(tmp_path):
    from benchmarks.evaluation.default_category_cold_start import (
        earned_leave_one_out,
        merged_proof,
    )

    tx = _four_rides(tmp_path)
    read = {"a": (_Capped([("taxi_rideshare", 0.95)] * 4), tx),
            "b": (_Capped([("taxi_rideshare", 0.95)] * 4), tx)}
    proofs = {"a": {"taxi_rideshare": {"lines": 100, "right": 100}},
              "b": {"taxi_rideshare": {"lines": 10, "right": 0}, "fuel": {"lines": 1,
                                                                        "right": 1}}}
    table = earned_leave_one_out(read, proofs, 1.645)["exports"]
    # b under a's proof: taxis proven past the ceiling, held at 0.9, all right
    assert table["b"]["at_or_above_0_9"] == 4 and table["b"]["right_at_or_above_0_9"] == 1.0
    # a under b's proof: 1 of 11 lines right proves nearly nothing: held at the threshold
    assert table["a"]["at_or_above_0_9"] == 0
    assert table["a"]["reliability"] == [{"band": 0.5, "answers": 4, "right": 1.0,
                                          "confidence": 0.5}]
    assert merged_proof(proofs) == {"fuel": {"lines": 1, "right": 1},
                                    "taxi_rideshare": {"lines": 110, "right": 100}}
