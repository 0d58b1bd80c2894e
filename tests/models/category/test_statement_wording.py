"""A statement's own wording, learnt at training from the user's lines account by account
(a word on at least a share of an account's distinct descriptions, in an account of at
least a number of them) and kept with the default model, which reads every line without
it: the share and the number on their boundary and each side, accounts apart, whole words
only, a line scored alone as in any batch, the wording kept through a pickle with the
default and the personal model."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from tests.parameters import parameters
from titans_finance.core.features import build_features
from titans_finance.models.category import CategoryModel, model_inputs
from titans_finance.models.category.statement_wording import (
    StatementWording,
    with_statement_wording,
    without_wording,
)
from titans_finance.models.category.taxonomy import category_text

WORDING = parameters("category")["statement_wording"]


def _descriptions(with_word: int, total: int, word: str = "SWIPE") -> list[str]:
    """``total`` distinct descriptions, ``with_word`` of them starting with ``word``."""
    return [f"{word + ' ' if i < with_word else ''}SHOP{chr(65 + i % 26)}{chr(65 + i // 26)}"
            for i in range(total)]


def _learnt(descriptions, share=0.5, min_lines=20, accounts=None) -> frozenset[str]:
    return StatementWording(share, min_lines).fit(descriptions, accounts).words


@pytest.mark.parametrize("with_word, found", [(9, False), (10, True), (11, True)])
def test_a_word_on_the_share_of_distinct_lines_is_wording_one_line_fewer_is_not(
        with_word, found):
    assert ("swipe" in _learnt(_descriptions(with_word, 20))) is found


def test_a_share_just_above_the_words_share_finds_nothing():
    lines = _descriptions(10, 20)
    assert "swipe" in _learnt(lines, 0.5)
    assert "swipe" not in _learnt(lines, float(np.nextafter(0.5, 1)))


@pytest.mark.parametrize("min_lines, found", [(19, True), (20, True), (21, False)])
def test_an_account_of_fewer_distinct_lines_than_the_minimum_shows_no_wording(min_lines, found):
    assert bool(_learnt(_descriptions(20, 20), min_lines=min_lines)) is found


def test_repeated_lines_count_once():
    lines = _descriptions(19, 19)
    repeated = [*lines, lines[0]]  # 20 lines, 19 distinct descriptions
    assert _learnt(repeated, min_lines=20) == frozenset()
    assert "swipe" in _learnt(repeated, min_lines=19)


def test_each_account_has_its_own_wording_and_a_line_is_read_by_its_text_alone():
    """A word on every line of the card (20) and none of the current account's 30 is the
    card's wording (of all 50 lines it is on 0.4); an account of 19 lines shows none; every
    line the model reads loses the learnt words, whichever account it comes from."""
    card, current = _descriptions(20, 20), [f"TRANSFER {d}" for d in _descriptions(0, 30)]
    small = [f"DEBIT {d}" for d in _descriptions(0, 19)]
    accounts = ["card"] * 20 + ["current"] * 30 + ["small"] * 19
    wording = StatementWording(0.5, 20).fit(card + current + small, accounts)
    assert wording.by_account == {"card": ("swipe",), "current": ("transfer",)}
    assert wording.words == {"swipe", "transfer"}
    assert _learnt(card + [d.removeprefix("TRANSFER ") for d in current]) == frozenset()
    lines = category_text(np.array(["SWIPE NEW CAFE", "DEBIT TRANSFER RENT"], dtype=object),
                          np.array(["swipe new", "debit"], dtype=object))
    assert wording.read(lines).tolist() == ["new cafe | new", "debit rent | debit"]


def test_no_account_column_is_one_account():
    assert StatementWording(0.5, 20).fit(_descriptions(20, 20)).by_account == {"": ("swipe",)}


def test_the_thresholds_must_be_a_share_and_a_count():
    with pytest.raises(ValueError, match="share"):
        _learnt(_descriptions(10, 20), 0.0)
    with pytest.raises(ValueError, match="share"):
        _learnt(_descriptions(10, 20), 1.5)
    with pytest.raises(ValueError, match="min_lines"):
        _learnt(_descriptions(10, 20), min_lines=0)
    with pytest.raises(ValueError, match="accounts"):
        StatementWording(0.5, 20).fit(_descriptions(10, 20), ["a"] * 19)


def test_wording_goes_whole_words_only_and_a_line_of_wording_alone_stays():
    lines = np.array(["pos purchase campus market | pos purchase campus",
                      "purchases of pos terminals | purchases",
                      "pos purchase 0 | pos purchase", None], dtype=object)
    out = without_wording(lines, frozenset({"pos", "purchase"}))
    assert out.tolist() == ["campus market | campus", "purchases of terminals | purchases",
                            "pos purchase 0 | pos purchase", None]
    assert without_wording(lines, frozenset()) is lines


# ------------------------------------------------------------------ kept with the models
MERCHANTS = [f"{w} {v}" for w in ("joe", "ann", "kim", "max", "sue")
             for v in ("grill", "bakery", "books", "garage")]
CARD = [f"MOBILE PURCHASE SIGN BASED 06/12 {m.upper()} CA" for m in MERCHANTS]


@pytest.fixture(scope="module")
def worded(small_default_category_model):
    return with_statement_wording(small_default_category_model, CARD, ["card"] * len(CARD),
                                  WORDING)


def test_the_wording_is_learnt_into_a_copy_the_knowledge_model_is_unchanged(
        small_default_category_model, worded):
    assert worded.statement_wording.words == {"mobile", "purchase", "sign", "based", "ca"}
    assert worded.metadata["statement_wording"] == {
        "card": ["based", "ca", "mobile", "purchase", "sign"]}
    assert not hasattr(small_default_category_model, "statement_wording")
    assert "statement_wording" not in small_default_category_model.metadata
    assert worded.classifier is small_default_category_model.classifier  # nothing refitted


def test_the_default_model_reads_each_line_without_the_wording_alone_as_in_a_batch(
        small_default_category_model, worded):
    knowledge = small_default_category_model
    text = category_text(np.array(CARD, dtype=object), np.array(CARD, dtype=object))
    sign = np.full(len(text), -1)
    stripped = without_wording(text, worded.statement_wording.words)
    batch = worded.probabilities(text, sign)
    np.testing.assert_array_equal(batch, knowledge.probabilities(stripped, sign))
    assert not np.allclose(batch[0], knowledge.probabilities(text[:1], sign[:1])[0])
    answers = worded.predict_raw(text, sign)
    for i in range(len(text)):  # each line alone: one line, far below min_lines
        np.testing.assert_array_equal(worded.probabilities(text[i:i + 1], sign[i:i + 1])[0],
                                      batch[i])
        alone = worded.predict_raw(text[i:i + 1], sign[i:i + 1])
        pd.testing.assert_frame_equal(alone, answers.iloc[i:i + 1].reset_index(drop=True))


def _frame(descriptions: list[str], categories: list[str | None]) -> pd.DataFrame:
    n = len(descriptions)
    return pd.DataFrame({
        "transaction_id": [f"t{i}" for i in range(n)], "source_row": np.arange(1, n + 1),
        "date": pd.Timestamp("2026-01-01") + pd.to_timedelta(np.arange(n), unit="D"),
        "type": "expense", "description": descriptions,
        "amount": -(10.0 + np.arange(n) % 7), "category": categories, "payment_method": None,
        "status": None, "reference": None, "receipt_url": None})


@pytest.mark.parametrize("labelled", [0, 40], ids=["cold start", "personal model"])
def test_the_category_model_keeps_the_wording_and_answers_a_line_alone_as_in_a_batch(
        worded, labelled):
    """Cold start (the default model answers) and a personal model whose design reads the
    default model's answers: through a pickle (as the catalog and the store keep it) the
    wording is there, in the default model and in the personal design's, and a line scored
    alone gets its answer in the batch."""
    card = CARD * 2
    labels = [("restaurants" if "GRILL" in d else "shopping") if i < labelled else None
              for i, d in enumerate(card)]
    tx = _frame(card, labels)
    features = build_features(tx)
    train = tx["category"].notna().to_numpy()
    model = CategoryModel("logistic_regression@C=10",
                          parameters("category", personal_min_labels=30), [], worded).fit(
        tx[train].reset_index(drop=True), features[train].reset_index(drop=True))
    kept = pickle.loads(pickle.dumps(model))
    assert kept.default_model.statement_wording.words == worded.statement_wording.words
    assert (kept.personal is not None) is bool(labelled)
    if labelled:
        assert kept.personal.design.default_model is kept.default_model
    batch = kept.predict(tx, features)
    pd.testing.assert_frame_equal(batch, model.predict(tx, features))
    for i in (0, 7, len(tx) - 1):
        alone = kept.predict(tx.iloc[[i]], features.iloc[[i]])
        pd.testing.assert_frame_equal(alone, batch.iloc[[i]])
    if not labelled:  # the default model's answer of the line read without the wording
        text, _, sign = model_inputs(tx, features)
        expected = worded.predict_raw(text, sign, shown=tx["description"].to_numpy())
        np.testing.assert_array_equal(batch["confidence"].to_numpy(),
                                      expected["confidence"].to_numpy())
