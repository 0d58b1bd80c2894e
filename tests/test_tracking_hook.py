"""kedro-mlflow's hook with each parameter written once per run (tracking_hook.py): the same
MLflow record as the plugin's own hook, fewer writes, and it is the one a session runs."""

from __future__ import annotations

import shutil

import mlflow
import pytest
from kedro_mlflow.config.kedro_mlflow_config import KedroMlflowConfig
from kedro_mlflow.framework.hooks import MlflowHook
from mlflow.exceptions import MlflowException
from mlflow.utils.validation import MAX_PARAM_VAL_LENGTH

from tests.conftest import _migrated_empty_mlflow_store, make_project
from titans_finance.tracking_hook import ParametersOnceMlflowHook

# what the nodes of one pipeline read, node after node: a block read by most of them (as
# `params:category` is), one read once, one node reading none, a value too long for a parameter
CATEGORY = {"seed": 42, "threshold": 0.7, "levels": {"group": True, "names": ["a", "b"]}}
LONG = "x" * (MAX_PARAM_VAL_LENGTH + 1)
NODES = [
    {"params:category": CATEGORY, "clean": object()},
    {"params:category": CATEGORY, "params:features": {"window": 30}},
    {"clean": object()},
    {"params:category": CATEGORY, "params:note": LONG},
    {"params:category": CATEGORY, "params:note": LONG},
]


@pytest.fixture
def store(tmp_path):
    """A fresh MLflow store, the process's tracking URI set to it for the test."""
    shutil.copy(_migrated_empty_mlflow_store(), tmp_path / "mlflow.db")
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'mlflow.db'}")
    # its own default experiment active: an earlier test in this process may have made
    # another store's experiment the active one (MLflow keeps that id process-wide)
    mlflow.set_experiment("Default")
    yield
    while mlflow.active_run():
        mlflow.end_run()
    mlflow.set_tracking_uri(previous)


def _configured(hook: MlflowHook) -> MlflowHook:
    # what `after_context_created` and `before_pipeline_run` set from conf/base/mlflow.yml
    hook.mlflow_config = KedroMlflowConfig()
    hook.flatten, hook.recursive, hook.sep, hook.long_params_strategy = True, True, ".", "tag"
    return hook


def _run(hook: MlflowHook, nodes: list[dict], monkeypatch) -> tuple[dict, dict, int]:
    """The nodes' ``before_node_run`` in one MLflow run: (its parameters, its tags but
    MLflow's own, the writes sent to MLflow)."""
    writes = []
    for name in ("log_param", "set_tag"):
        real = getattr(mlflow, name)
        monkeypatch.setattr(mlflow, name,
                            lambda *args, _real=real, **kwargs: writes.append(args) or _real(
                                *args, **kwargs))
    run = mlflow.start_run()
    hook.run_id = run.info.run_id
    try:
        for inputs in nodes:
            hook.before_node_run(node=None, catalog=None, inputs=inputs, is_async=False)
    finally:
        monkeypatch.undo()
        while mlflow.active_run():  # each node reopens the run (kedro-mlflow's threads rule)
            mlflow.end_run()
    data = mlflow.get_run(run.info.run_id).data
    return (data.params, {k: v for k, v in data.tags.items() if not k.startswith("mlflow.")},
            len(writes))


def test_the_run_records_what_kedro_mlflows_own_hook_records_each_key_written_once(
        store, monkeypatch):
    own_params, own_tags, own_writes = _run(_configured(MlflowHook()), NODES, monkeypatch)
    params, tags, writes = _run(_configured(ParametersOnceMlflowHook()), NODES, monkeypatch)
    assert params == own_params
    assert tags == own_tags == {"note": LONG}  # too long for a parameter: a tag, as before
    assert set(params) == {"category.seed", "category.threshold", "category.levels.group",
                           "category.levels.names", "features.window"}
    assert params["category.levels.names"] == "['a', 'b']"
    assert own_writes == 4 * 4 + 1 + 2  # the block on each of 4 nodes, the window, the note twice
    assert writes == len(params) + len(tags)  # each once


def test_each_run_gets_every_parameter(store, monkeypatch):
    hook = _configured(ParametersOnceMlflowHook())
    first = _run(hook, NODES[:2], monkeypatch)
    second = _run(hook, NODES[:2], monkeypatch)  # another run, the same hook (one per process)
    assert second == first
    assert first[0]["category.seed"] == "42" and first[2] == 5


def test_another_value_for_a_written_key_is_refused_as_before(store, monkeypatch):
    changed = {"params:category": {**CATEGORY, "seed": 7}}
    for hook in (MlflowHook(), ParametersOnceMlflowHook()):
        with pytest.raises(MlflowException, match="category.seed"):
            _run(_configured(hook), [NODES[0], changed], monkeypatch)


def test_a_session_runs_this_hook_in_place_of_kedro_mlflows_own(tmp_path):
    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project

    project = make_project(tmp_path / "project")
    bootstrap_project(project.root)
    with KedroSession.create(project_path=project.root) as session:
        hooks = [plugin for plugin in session._hook_manager.get_plugins()
                 if isinstance(plugin, MlflowHook)]
    assert [type(hook) for hook in hooks] == [ParametersOnceMlflowHook]
