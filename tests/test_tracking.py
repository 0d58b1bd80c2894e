"""The MLflow store of mlflow.yml is the project's, whatever the working directory."""

import pytest

from tests.conftest import make_project
from titans_finance.config_loader import CONFIG_LOADER_ARGS, ProjectConfigLoader
from titans_finance.tracking import resolve_sqlite_uri


def _mlflow_server(root):
    loader = ProjectConfigLoader(conf_source=str(root / "conf"), **CONFIG_LOADER_ARGS)
    return loader["mlflow"]["server"]


@pytest.mark.parametrize("uri, expected", [
    ("sqlite:///mlflow.db", "sqlite:////project/mlflow.db"),
    ("sqlite:///store/mlflow.db?timeout=30", "sqlite:////project/store/mlflow.db?timeout=30"),
    ("sqlite:////elsewhere/mlflow.db", "sqlite:////elsewhere/mlflow.db"),
    ("sqlite:///:memory:", "sqlite:///:memory:"),
    ("https://mlflow.example.org", "https://mlflow.example.org"),
    ("databricks", "databricks"),
    (None, None),
])
def test_relative_sqlite_store_is_resolved_against_the_project_root(uri, expected):
    assert resolve_sqlite_uri(uri, "/project") == expected


def test_the_default_store_is_the_project_roots_mlflow_db(tmp_path, monkeypatch):
    project = make_project(tmp_path / "project")
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    (project.root / "notebooks").mkdir()
    monkeypatch.chdir(project.root / "notebooks")  # where `kedro jupyter` runs a notebook
    server = _mlflow_server(project.root)
    assert server["mlflow_tracking_uri"] == f"sqlite:///{(project.root / 'mlflow.db').resolve()}"
    assert server["mlflow_registry_uri"] is None  # same as the tracking store


def test_a_server_from_the_environment_is_kept(tmp_path, monkeypatch):
    project = make_project(tmp_path / "project")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "https://mlflow.example.org")
    server = _mlflow_server(project.root)
    assert server["mlflow_tracking_uri"] == "https://mlflow.example.org"
