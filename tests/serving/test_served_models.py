"""The loaded model set checks itself before serving (no server needed)."""

import pickle

import pytest

from titans_finance.serving.served_models import MODEL_NAMES, IncompatibleModels, ServedModels


@pytest.fixture(scope="module")
def trained(bentoml_home, kedro_project):  # bentoml_home: the four pipelines have run
    catalog = kedro_project.catalog()
    return ({name: catalog.load(f"{name}_model") for name in MODEL_NAMES},
            catalog.load("history_state"))


def _served(models, history):
    return ServedModels(models=models, history=history, drift_reference=None,
                        versions={name: f"titans_{name}:v1" for name in (*MODEL_NAMES, "history")},
                        info={})


def test_a_working_set_passes(trained):
    _served(*trained).check()


def test_a_model_that_cannot_score_is_refused_naming_it(trained):
    models, history = trained
    stale = pickle.loads(pickle.dumps(models["amount"]))
    del stale.__dict__["prior"]  # as if pickled by a version without this attribute
    with pytest.raises(IncompatibleModels, match=r"'amount' \(titans_amount:v1\).*AttributeError"):
        _served({**models, "amount": stale}, history).check()


@pytest.mark.parametrize("rows, slices", [(1, 1), (999, 1), (1_000, 1), (1_001, 2),
                                          (2_000, 2), (2_001, 3)])
def test_a_batch_reaches_each_model_in_slices_with_the_same_answer(rows, slices):
    """At most `SCORING_SLICE_ROWS` rows a call (the boundary and one row either side); the
    slices' answers joined are the whole batch's, index included."""
    import numpy as np
    import pandas as pd

    from titans_finance.serving import served_models

    assert served_models.SCORING_SLICE_ROWS == 1_000
    calls = []

    def row_by_row(model, frame, features):
        calls.append(len(frame))
        return pd.DataFrame({"score": frame["amount"].to_numpy() * model
                             + features["count"].to_numpy()}, index=frame.index)

    frame = pd.DataFrame({"amount": np.arange(rows, dtype=float)})
    features = pd.DataFrame({"count": np.arange(rows) % 7})
    answer = served_models._in_slices(row_by_row)(2.0, frame, features)
    assert calls == [min(1_000, rows - 1_000 * i) for i in range(slices)]
    pd.testing.assert_frame_equal(answer, row_by_row(2.0, frame, features), check_exact=True,
                                  check_index_type=True)
    assert isinstance(answer.index, pd.RangeIndex)
