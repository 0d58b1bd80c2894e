"""What the category models compute from a line alone, remembered across calls
(`row_memo`): the same numbers to the bit as computed afresh, per model object, within
the bytes allowed."""

import numpy as np
import pytest

from titans_finance.models.category import row_memo
from titans_finance.models.category.row_memo import (
    memo_nbytes,
    remembered,
    remembered_count,
    remembered_rows,
)

LINES = np.array(["tesco extra 0 | tesco", "shell 0 | shell", "tesco extra 0 | tesco",
                  "salary acme | ", "xqz 0", "shell 0 | shell"], dtype=object)
SIGNS = np.array([-1, -1, 1, 1, -1, 0])


def test_remembered_lines_get_the_numbers_computed_afresh_to_the_bit(default_category_model):
    model = default_category_model
    row_memo.forget_rows(model)
    first = model.probabilities(LINES, SIGNS)  # every line computed (and remembered)
    assert remembered_count(model) == 6  # 4 lines; tesco and shell each in two directions
    again = model.probabilities(LINES[::-1], SIGNS[::-1])  # every line remembered
    assert again[::-1].tobytes() == first.tobytes()
    for i in range(len(LINES)):  # each line alone, nothing remembered
        row_memo.forget_rows(model)
        assert model.probabilities(LINES[i:i + 1], SIGNS[i:i + 1]).tobytes() == \
            first[i:i + 1].tobytes()
    # the other direction of a remembered line is another row (a refund is not a charge)
    assert not np.array_equal(first[0], first[2])


def test_a_key_that_is_not_a_text_is_computed_every_time():
    owner, calls = type("Owner", (), {})(), []

    def compute(rows):
        calls.append(rows.tolist())
        return np.arange(len(rows), dtype=float)[:, None] + 10 * len(calls)

    out = remembered_rows(owner, ["a", None, "a"], compute)
    assert calls == [[0, 1, 2]] and out[:, 0].tolist() == [10.0, 11.0, 12.0]
    out = remembered_rows(owner, ["a", None], compute)
    assert calls[-1] == [1]  # "a" remembered (its first row), None computed again
    assert out[:, 0].tolist() == [10.0, 20.0]


def test_each_owner_reads_its_own_values_and_a_forgotten_owner_none(monkeypatch):
    first, second = type("Owner", (), {})(), type("Owner", (), {})()
    remembered(first, ["a"], lambda rows: [np.ones(4)])
    assert remembered_count(first) == 1 and remembered_count(second) == 0
    found = remembered(second, ["a"], lambda rows: [np.zeros(4)])  # the same text, its own
    assert found[0].tolist() == [0.0] * 4
    row_memo.forget_rows(first)  # fitted again: its earlier values are not read
    assert remembered_count(first) == 0
    assert remembered(first, ["a"], lambda rows: ["again"]) == ["again"]


def test_every_owners_values_share_one_cap_of_bytes(monkeypatch):
    monkeypatch.setattr(row_memo, "_MEMO", row_memo.BoundedMemo(2_000))
    owners = [type("Owner", (), {})() for _ in range(3)]
    for owner in owners:  # three models' rows past the cap: never more than it held
        remembered(owner, [f"line {i}" for i in range(50)], lambda rows: np.ones((len(rows), 4)))
    assert 0 < memo_nbytes() <= 2_000


def test_bound_row_memos_resizes_the_memo_and_refuses_a_cap_below_one_byte(monkeypatch):
    owner = type("Owner", (), {})()
    monkeypatch.setattr(row_memo, "_MEMO", row_memo.BoundedMemo(1 << 20))
    monkeypatch.setattr(row_memo, "ROW_MEMO_BYTES", 1 << 20)
    remembered(owner, [f"line {i}" for i in range(20)], lambda rows: np.ones((len(rows), 4)))
    row_memo.bound_row_memos(1_000)
    assert memo_nbytes() <= 1_000 and row_memo.ROW_MEMO_BYTES == 1_000
    with pytest.raises(ValueError, match="at least 1"):
        row_memo.bound_row_memos(0)
    assert row_memo.ROW_MEMO_BYTES == 1_000  # the refused cap changed nothing


def test_the_personal_designs_remembered_text_columns_are_those_computed_afresh():
    """The personal model's weighted n-gram columns of a text, remembered per design: the
    same design matrix to the bit, whichever texts a call shares with earlier ones."""
    from tests.models.category.test_model import PARAMS, _data
    from titans_finance.models.category import CategoryModel, model_inputs

    tx, features = _data()
    model = CategoryModel("logistic_regression", PARAMS).fit(tx.iloc[:90], features.iloc[:90])
    design = model.personal.design
    text, numeric, sign = model_inputs(tx, features)

    def matrix(rows):
        return design.transform(text[rows], numeric[rows], sign[rows])

    def same(a, b):
        assert a.shape == b.shape and (a != b).nnz == 0
        for part in ("data", "indices", "indptr"):
            assert getattr(a, part).tolist() == getattr(b, part).tolist(), part

    everything = np.arange(len(text))
    row_memo.forget_rows(design)
    fresh = matrix(everything)  # every text computed, and remembered
    assert remembered_count(design) == len(set(text))
    same(matrix(everything), fresh)  # every text remembered
    later = everything[100:]  # new texts beside remembered ones
    row_memo.forget_rows(design)
    matrix(everything[:60])
    row_memo.forget_rows(design)
    alone = matrix(later)
    matrix(everything[:100])
    same(matrix(later), alone)
    # the probabilities the classifier gives are those of the fresh matrix
    row_memo.forget_rows(design)
    assert model.personal.predict_proba(text, numeric, sign).tobytes() == \
        model.personal.predict_proba(text, numeric, sign).tobytes()


def test_a_lines_known_share_is_remembered_and_forgotten_when_the_model_is_fitted_again():
    from tests.models.category.test_model import PARAMS, _data
    from titans_finance.models.category import CategoryModel, model_inputs

    tx, features = _data()
    model = CategoryModel("logistic_regression", PARAMS).fit(tx.iloc[:90], features.iloc[:90])
    text = model_inputs(tx, features)[0]
    lines = np.append(text, ["zzz unknown words | ", "fuel for vehicle qqq | "])
    rows = features.iloc[np.r_[np.arange(len(text)), [0, 1]]]
    fresh = model.familiar(lines, rows)  # every line judged (and remembered)
    assert remembered_count(model) == len(set(lines))  # one share a line
    assert model.familiar(lines, rows).tolist() == fresh.tolist()
    model.fit(tx.iloc[:30], features.iloc[:30])  # another vocabulary: nothing kept
    assert remembered_count(model) == 0
