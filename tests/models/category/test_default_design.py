"""The default model's training design (`TrainingLines`, the lines read once for both fits)
is the design of the same lines scored the plain way (`design`: vectorisers fitted by
scikit-learn, lines transformed), to the bit, for any rows and either precision."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from titans_finance.models.category.default_design import TrainingLines, design, vectorisers

TEXT = np.array(["tesco stores 3297 | tesco", "uber trip help.uber.com | uber",
                 "netflix.com | netflix", "salary acme | acme", "milk", "",
                 "tesco stores 3297 | tesco", "shell oil 5744 | shell", "rent",
                 "café du coin | cafe du coin"], dtype=object)
SIGN = np.array([-1, -1, -1, 1, -1, -1, 1, -1, 0, -1])


@pytest.mark.parametrize("rows", [None, np.array([0, 1, 2, 4, 6, 7]), np.array([8, 3, 3])])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_training_design_is_the_plain_design(rows, dtype):
    lines = TrainingLines(TEXT, SIGN, max_text_features=25)
    fitted = lines.fitted(rows)
    chosen = slice(None) if rows is None else rows
    plain = tuple(clone(v).fit(TEXT[chosen]) for v in vectorisers(25))
    for mine, theirs in zip(fitted, plain, strict=True):
        assert mine.vocabulary_ == theirs.vocabulary_
        assert np.array_equal(mine.idf_, theirs.idf_)
    for scored in (rows, None, np.array([5, 9])):
        picked = slice(None) if scored is None else scored
        ours = lines.design(fitted, scored, dtype=dtype)
        theirs = design(plain, TEXT[picked], SIGN[picked], dtype=dtype)
        assert ours.dtype == theirs.dtype == dtype
        assert (ours != theirs).nnz == 0
        assert np.array_equal(ours.indices, theirs.indices)
        assert np.array_equal(ours.indptr, theirs.indptr)
    # the last two columns are the direction: out, in (a zero amount neither)
    assert design(plain, TEXT, SIGN).toarray()[:, -2:].tolist() == [
        [float(s < 0), float(s > 0)] for s in SIGN]
