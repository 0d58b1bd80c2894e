"""An answer in a leaf that a standard code files together with another group's leaf (or in
such a leaf's group) is held at `shared_code_max_confidence`: which leaves, from the
taxonomy's codes; the cap at the answer's confidence, one step below and one above."""

from __future__ import annotations

import numpy as np
import pytest

from titans_finance.models.category.default import shared_code_answers
from titans_finance.models.category.taxonomy import Taxonomy, category_text

SIGN = np.array([-1])


def _taxonomy(rows):
    return Taxonomy.from_dict({
        "groups": {"a": "A", "b": "B", "c": "C"},
        "categories": [{"id": ident, "group": group, "kind": "expense", "coicop": coicop,
                        "schedule_c": line} for ident, group, coicop, line in rows]})


def test_a_code_shared_across_groups_holds_its_leaves_and_their_groups():
    taxonomy = _taxonomy([("bus", "a", "07.3", "24a"), ("taxi", "a", "07.3", "24a"),
                          ("hotel", "b", "11.2", "24a"), ("milk", "c", "01", None),
                          ("bread", "c", "01", None), ("other", "c", None, None)])
    # 24a spans groups a and b; 07.3 and 01 stay inside one group; a missing code is no code
    assert shared_code_answers(taxonomy) == {"bus", "taxi", "hotel", "a", "b"}


def test_codes_shared_inside_one_group_only_hold_nothing():
    taxonomy = _taxonomy([("bus", "a", "07.3", "9"), ("taxi", "a", "07.3", "9"),
                          ("milk", "c", None, None), ("bread", "c", None, None)])
    assert shared_code_answers(taxonomy) == frozenset()


def test_the_shipped_taxonomy_holds_transport_against_travel(default_category_model):
    shared = default_category_model.shared_code_answers_
    assert {"public_transport", "taxi_rideshare", "travel", "transport"} <= shared
    assert "groceries" not in shared and "fuel" not in shared and "food" not in shared


def _answer(model, line, cap):
    saved = (model.shared_code_ceiling, model.ceiling, model.answer_ceilings_,
             model.unproven_ceiling_)
    text = category_text(np.array([line], dtype=object), np.array([line], dtype=object))
    try:
        # this rule alone: no ceiling, earned or not
        model.shared_code_ceiling, model.ceiling = cap, 1.0
        model.answer_ceilings_, model.unproven_ceiling_ = {}, 1.0
        return model.predict_raw(text, SIGN).iloc[0]
    finally:
        (model.shared_code_ceiling, model.ceiling, model.answer_ceilings_,
         model.unproven_ceiling_) = saved


@pytest.mark.parametrize("line, held", [("bus", True), ("petrol", False)])
def test_the_cap_at_the_answer_one_step_below_and_above(default_category_model, line, held):
    free = _answer(default_category_model, line, 1.0)
    raw = float(free["confidence"])
    assert free["level"] == "category" and raw > 0.6, (line, free)
    below = np.nextafter(raw, 0)
    out = _answer(default_category_model, line, below)
    assert out["confidence"] == (below if held else pytest.approx(raw))
    assert out["category"] == free["category"] and out["level"] == "category"
    for cap in (raw, np.nextafter(raw, 1)):  # at the answer and above: nothing to hold
        assert _answer(default_category_model, line, cap)["confidence"] == pytest.approx(raw)
