"""The service reads a line without the statement wording learnt at training: the category
model kept with its wording is stored and loaded as the service loads an artefact
(`registry.store.load`, digest checked), a request is made into the service's frame and
features (`transactions_frame`, `own_features`) and scored by the service's own scorer
(`TRANSACTION_SCORERS`). One transaction alone, in a request far below the minimum of
distinct lines a wording is learnt from, gets the answer of its line read without the
wording. No server needed."""

from __future__ import annotations

import hashlib
import pickle

import numpy as np
import pandas as pd
import pytest

from tests.models.conftest import lexicon_only_default_model
from tests.parameters import parameters
from titans_finance.core.features import own_features
from titans_finance.models.category import CategoryModel, model_inputs
from titans_finance.models.category.statement_wording import (
    with_statement_wording,
    without_wording,
)
from titans_finance.registry.store import FILENAME, load
from titans_finance.serving.schemas import Transaction, transactions_frame
from titans_finance.serving.served_models import TRANSACTION_SCORERS

HISTORY = [f"MOBILE PURCHASE SIGN BASED 06/12 {w} {v} CA"
           for w in ("JOE", "ANN", "KIM", "MAX", "SUE")
           for v in ("GRILL", "BAKERY", "BOOKS", "GARAGE")]


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A cold-start category model (no labels) with the wording of a debit card's history,
    pickled into a store folder; the knowledge model it was made from."""
    knowledge = lexicon_only_default_model()
    worded = with_statement_wording(knowledge, HISTORY, ["card"] * len(HISTORY),
                                    parameters("category")["statement_wording"])
    empty = pd.DataFrame({"date": pd.Series([], dtype="datetime64[ns]"),
                          "category": pd.Series([], dtype=object)})
    model = CategoryModel("logistic_regression", parameters("category"), [], worded).fit(
        empty, pd.DataFrame())
    folder = tmp_path_factory.mktemp("category-store")
    data = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    (folder / FILENAME).write_bytes(data)
    return folder, hashlib.sha256(data).hexdigest(), knowledge


def test_a_single_request_is_read_without_the_stored_wording(stored):
    folder, digest, knowledge = stored
    served = load(folder, digest)  # as `ServedModels.from_store_entries` loads it
    assert served.default_model.statement_wording.words == {"mobile", "purchase", "sign",
                                                            "based", "ca"}
    frame = transactions_frame([Transaction(
        description="MOBILE PURCHASE SIGN BASED 07/12 CAMPUS MARKET CA", amount="12.50",
        date="2026-07-12", type="expense")])
    features = own_features(frame)
    answer = TRANSACTION_SCORERS["category"](served, frame, features)
    text, _, sign = model_inputs(frame, features)
    read = without_wording(text, served.default_model.statement_wording.words)
    assert read.tolist() == ["0/0 campus market |"]  # the merchant key was wording too
    expected = knowledge.predict_raw(read, sign, shown=frame["description"].to_numpy())
    every_word = knowledge.predict_raw(text, sign, shown=frame["description"].to_numpy())
    assert answer["source"].tolist() == ["default"]
    np.testing.assert_array_equal(answer["confidence"].to_numpy(),
                                  expected["confidence"].to_numpy())
    assert answer["level"].tolist() == expected["level"].tolist()
    assert answer["reason"].tolist() == expected["reason"].tolist()
    # the wording changes what the model reads of this line: the test can tell
    assert not np.allclose(expected["confidence"].to_numpy(),
                           every_word["confidence"].to_numpy())
