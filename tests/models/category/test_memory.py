"""The repeat memory of the personal model: a line whose latest ``memory_min_repeats``
occurrences carry one label answers with it (at exactly that many, not one fewer), and a
label the user changed wins over the older majority."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.models.category.test_model import _data
from tests.parameters import parameters
from titans_finance.models.category import CategoryModel
from titans_finance.models.category.memory import RepeatMemory

PARAMS = {**parameters("category"), "calibration_folds": 0, "seed": 0, "memory_min_repeats": 2}


def _relabelled(latest_runs: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The generated rows plus one streaming line: labelled ``old`` twelve months, then
    ``new`` for the latest ``latest_runs`` months."""
    tx, features = _data()
    start = pd.Timestamp(tx["date"].min())
    months = 12 + latest_runs
    line = tx.iloc[[0] * months].copy()
    line["date"] = [start + pd.DateOffset(months=i) for i in range(months)]
    line["description"] = "STREAMFLIX MONTHLY"
    line["category"] = ["old"] * 12 + ["new"] * latest_runs
    line_f = features.iloc[[0] * months].copy().assign(merchant_key="streamflix")
    return (pd.concat([tx, line], ignore_index=True),
            pd.concat([features, line_f], ignore_index=True))


@pytest.mark.parametrize("latest_runs, answer", [(1, "old"), (2, "new"), (3, "new")])
def test_the_latest_label_answers_from_memory_min_repeats_on(latest_runs, answer):
    tx, features = _relabelled(latest_runs)
    model = CategoryModel("logistic_regression", PARAMS).fit(tx, features)
    row = tx.index[tx["description"] == "STREAMFLIX MONTHLY"][-1:]
    predicted = model.predict(tx.loc[row], features.loc[row], threshold=0.0)
    assert predicted["category"].iloc[0] == answer
    if answer == "new":  # blended with weight run / (run + 1): first, and at least that sure
        assert predicted["confidence"].iloc[0] >= latest_runs / (latest_runs + 1)


def test_no_memory_at_zero_and_a_negative_count_is_refused():
    tx, features = _relabelled(3)
    # (nor the words lately filed one way, which follow a re-filed line too)
    model = CategoryModel("logistic_regression", {**PARAMS, "memory_min_repeats": 0,
                                                  "word_memory_latest_rows": 0}).fit(
        tx, features)
    row = tx.index[tx["description"] == "STREAMFLIX MONTHLY"][-1:]
    assert len(model.memory) == 0
    assert model.predict(tx.loc[row], features.loc[row], threshold=0.0)["category"].iloc[0] \
        == "old"
    with pytest.raises(ValueError, match="memory_min_repeats"):
        RepeatMemory(-1)


def test_memory_runs_count_only_the_latest_consecutive_labels():
    memory = RepeatMemory(2).fit(np.array(["a", "a", "a", "b", "b", "c"]),
                                 np.array(["x", "y", "y", "z", "w", "v"]))
    assert memory.latest == {"a": ("y", 2)}  # b's latest two disagree, c was seen once
    proba = memory.blend(np.array(["a", "b"]), np.array([[0.9, 0.1], [0.5, 0.5]]),
                         np.array(["x", "y"]))
    np.testing.assert_allclose(proba, [[0.3, 0.7], [0.5, 0.5]])
