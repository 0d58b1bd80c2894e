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
