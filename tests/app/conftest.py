"""The app on real pipeline outputs: the session's generated-data project (tests/conftest.py)
runs the pipelines once; each module gets its own copy of the outputs, so corrections and
anomaly reviews written by a test never reach the other tests' project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

# what the pages read: every model pipeline, not the report or MLflow-only steps
PIPELINES = ("ingestion", "features", "category", "amount", "anomaly", "cashflow")


@pytest.fixture(scope="session")
def trained_project(kedro_project):
    kedro_project.run(*PIPELINES)
    return kedro_project


@pytest.fixture(scope="module")
def app_root(trained_project, tmp_path_factory) -> Path:
    """A copy of the trained project (conf/ and data/ only) for one test module."""
    root = tmp_path_factory.mktemp("app_project")
    for part in ("conf", "data"):
        shutil.copytree(trained_project.root / part, root / part)
    shutil.copy(trained_project.root / "pyproject.toml", root / "pyproject.toml")
    return root


@pytest.fixture(scope="module")
def empty_project(tmp_path_factory) -> Path:
    """A project before its first run (conf/ only): enough for the login and the launcher,
    which come before any output is read."""
    from tests.conftest import PROJECT_ROOT

    root = tmp_path_factory.mktemp("empty_project")
    shutil.copytree(PROJECT_ROOT / "conf", root / "conf")
    return root
