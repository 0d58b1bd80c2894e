"""The category model's lists built column-wise (its top-k items, each text's remembered
n-gram columns) against the row-by-row code they replace, on the generated default
data's rows, lines never seen (a reference appended) and odd probabilities."""

from __future__ import annotations

import numpy as np
import pytest

from tests.models.conftest import clean_frame
from tests.parameters import parameters
from titans_finance.core.features import build_features
from titans_finance.models.category import CategoryModel, model_inputs
from titans_finance.models.category.model import _top_k
from titans_finance.synthetic.generator import generate_transactions


@pytest.fixture(scope="module")
def trained(default_category_model):
    """A model trained like the pipeline's on generated labelled data; other generated
    rows to score, half of their lines made unseen."""
    export, _ = generate_transactions(1500, seed=11, anomaly_rate=0.0, dirty_rate=0.0)
    tx = clean_frame(export)
    features = build_features(tx)
    labelled = tx["category"].notna().to_numpy()
    model = CategoryModel("logistic_regression", parameters("category", seed=0), [],
                          default_category_model).fit(
        tx[labelled].reset_index(drop=True), features[labelled].reset_index(drop=True),
        calibrate=False)  # (the temperature changes no list)
    other, _ = generate_transactions(1000, seed=12, anomaly_rate=0.0, dirty_rate=0.0)
    rows = clean_frame(other)
    rows.loc[::2, "description"] = [f"{d} REF 7-{i}" for i, d in
                                    enumerate(rows["description"].iloc[::2])]
    return model, rows, build_features(rows)


def _top_k_row_by_row(proba, classes, k):
    """The top-k answer as it was built before, row by row."""
    k = min(k, proba.shape[1])
    top = np.argsort(-proba, axis=1)[:, :k]
    top_p = np.take_along_axis(proba, top, axis=1)
    names = np.array([str(c) for c in classes], dtype=object)[top].tolist()
    items = [[{"category": c, "probability": p}
              for c, p in zip(row_c, row_p, strict=True) if p > 0]
             for row_c, row_p in zip(names, top_p.tolist(), strict=True)]
    return classes[top[:, 0]], top_p[:, 0], items


def _same(got, expected):
    assert np.array_equal(got[0], expected[0]) and np.array_equal(got[1], expected[1])
    assert got[2] == expected[2]
    for row_got, row_expected in zip(got[2], expected[2], strict=True):
        assert [type(v) for item in row_got for v in item.values()] == [
            type(v) for item in row_expected for v in item.values()]


def test_top_k_items_as_row_by_row_on_the_models_probabilities(trained):
    model, rows, features = trained
    proba = model.personal.predict_proba(*model_inputs(rows, features))
    for k in (1, 3, len(model.classes_), len(model.classes_) + 2):
        _same(_top_k(proba, model.classes_, k), _top_k_row_by_row(proba, model.classes_, k))


def test_top_k_items_leave_out_probabilities_not_above_zero():
    """Zeros (a direction the model does not answer), NaN, ties and negative zero: the
    items not above 0 left out of their row only, ties in the sort's order."""
    classes = np.array(["b", "a", "c", "d"], dtype=object)
    proba = np.array([[0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.2, np.nan, 0.7, 0.1],
                      [-0.0, 1.0, 0.0, 0.0], [0.25, 0.25, 0.25, 0.25], [1e-300, 0, 0, 0]])
    for k in (1, 2, 3, 4):
        got, expected = _top_k(proba, classes, k), _top_k_row_by_row(proba, classes, k)
        _same(got, expected)
    assert _top_k(proba, classes, 3)[2][1] == []


def test_the_text_columns_are_scikit_learns_whether_remembered_or_not(trained):
    """Each distinct text's weighted n-gram columns, computed afresh, remembered from an
    earlier call, or both in one call: the matrix of the texts vectorised together (what
    the design's text block is), to the bit."""
    from scipy import sparse

    from titans_finance.models.category import row_memo
    from titans_finance.models.category.text_features import tfidf_transform

    model, rows, features = trained
    design = model.personal.design
    text = model_inputs(rows, features)[0]
    uniques = np.asarray(list(dict.fromkeys(text.tolist())), dtype=object)

    def expected(part):
        return sparse.hstack([tfidf_transform(design.chars, part) * design.weights["chars"],
                              tfidf_transform(design.words, part) * design.weights["words"]],
                             format="csr")

    def same(got, want):
        assert got.shape == want.shape
        for name in ("data", "indices", "indptr"):
            assert getattr(got, name).tolist() == getattr(want, name).tolist(), name

    row_memo.forget_rows(design)
    same(design._text_block(uniques[::3]), expected(uniques[::3]))  # fresh
    same(design._text_block(uniques), expected(uniques))  # a third remembered
    same(design._text_block(uniques), expected(uniques))  # every one remembered
    empty = design._text_block(uniques[:0])
    assert empty.shape == (0, expected(uniques[:1]).shape[1]) and empty.nnz == 0
    block = design._text_block(uniques[:5])
    block.data[:] = 0  # its own numbers: what the memo holds is unchanged
    same(design._text_block(uniques[:5]), expected(uniques[:5]))


def test_the_default_models_rows_are_those_computed_without_the_memo(trained):
    """The default model's probabilities of each line and direction, held as bytes in the
    memo: fresh, partly and wholly remembered, the matrix its own steps compute for the
    rows directly, to the bit."""
    from titans_finance.models.category import apply_temperature, row_memo

    model, rows, features = trained
    default = model.default_model
    text, _, sign = model_inputs(rows, features)
    # the lines as the model reads them (legal forms and trade words dropped): the memo's
    # question is whether remembered rows equal computed ones, not how lines are read
    lines = default.lines_read(text)
    expected = default._masked(apply_temperature(default._scores(
        (default.chars, default.words), default.classifier, lines, sign),
        default.temperature), default.classes_, sign)
    row_memo.forget_rows(default)
    for part in (slice(None, None, 3), slice(None), slice(None), slice(0, 1)):
        got = default.probabilities(text[part], sign[part])
        assert got.dtype == np.float64 and got.shape == expected[part].shape
        assert got.tobytes() == expected[part].tobytes()
    got = default.probabilities(text[:4], sign[:4])
    got[:] = -1  # its own numbers: what the memo holds is unchanged
    assert default.probabilities(text[:4], sign[:4]).tobytes() == expected[:4].tobytes()
