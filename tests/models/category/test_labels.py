"""The labelled rows a category model learns from (models/category/labels.py), at the
boundaries of its two counts: ``personal_min_labels`` and ``max_train_rows``."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

from tests.parameters import parameters
from titans_finance.core.corrections import CORRECTION_COLUMNS
from titans_finance.models.category.labels import select_labelled_transactions


def _rows(n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    ids = [f"tx_{i:016x}" for i in range(n)]
    clean = pd.DataFrame({"transaction_id": ids,
                          "date": pd.date_range("2024-01-01", periods=n, freq="D"),
                          "description": [f"Shop {i}" for i in range(n)],
                          "amount": [-(i + 1.0) for i in range(n)],
                          "category": "groceries", "is_transfer": False})
    return clean, pd.DataFrame({"transaction_id": ids, "row": range(n)})


@pytest.mark.parametrize("labels, warned", [(29, True), (30, False), (31, False)])
def test_fewer_than_personal_min_labels_say_the_default_model_categorises(caplog, labels,
                                                                           warned):
    params = parameters("category", personal_min_labels=30)
    clean, features = _rows(labels)
    with caplog.at_level(logging.WARNING, logger="titans_finance.models.category.labels"):
        chosen, _, _ = select_labelled_transactions(
            clean, features, pd.DataFrame(columns=CORRECTION_COLUMNS), params)
    assert len(chosen) == labels
    assert ("a personal model needs 30" in caplog.text) is warned


@pytest.mark.parametrize("rows, kept_from", [(9, 0), (10, 0), (11, 1)])
def test_the_most_recent_max_train_rows_are_kept(rows, kept_from):
    params = parameters("category", max_train_rows=10)
    clean, features = _rows(rows)
    chosen, chosen_features, _ = select_labelled_transactions(
        clean, features, pd.DataFrame(columns=CORRECTION_COLUMNS), params)
    assert chosen["transaction_id"].tolist() == clean["transaction_id"].tolist()[kept_from:]
    assert chosen_features["row"].tolist() == list(range(kept_from, rows))
