"""The notebooks run top to bottom (through the Kedro IPython extension) on generated data."""

from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

NOTEBOOKS = sorted((PROJECT_ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks_for_exploration_and_evaluation():
    names = {path.name for path in NOTEBOOKS}
    assert {"01_explore_transactions.ipynb", "02_model_evaluation.ipynb"} <= names


@pytest.mark.e2e  # a Jupyter kernel per notebook
@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_without_error(kedro_project, path: Path, monkeypatch):
    # imported here: nbformat's JSON-schema checks cost seconds to import (collection of
    # the fast tier, which does not run notebooks)
    import nbformat
    from nbclient import NotebookClient

    kedro_project.run("ingestion", "features", "category", "amount", "anomaly", "cashflow")
    notebook = nbformat.read(path, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), (
        f"{path.name} is committed with outputs")
    monkeypatch.setenv("TITANS_PROJECT_PATH", str(kedro_project.root))
    # the default tracking store of mlflow.yml, as a user has it (no MLFLOW_TRACKING_URI)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    folder = kedro_project.root / "notebooks"  # `kedro jupyter lab` runs notebooks in their folder
    folder.mkdir(exist_ok=True)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    errors = [o for cell in notebook.cells for o in cell.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    # the project's tracking store, not a second one beside the notebook
    assert not (folder / "mlflow.db").exists()
    assert (kedro_project.root / "mlflow.db").is_file()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_project_name_a_notebook_uses_exists(path: Path):
    """Fast (no kernel): each ``from titans_finance... import name`` of a notebook resolves,
    and each ``module.attribute`` it reads of such a module exists (a module split or a
    renamed function breaks the notebook, caught here before the e2e tier runs it)."""
    import ast
    import importlib
    import json

    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    tree = ast.parse("\n".join(line for line in source.splitlines()
                               if not line.lstrip().startswith(("%", "!"))))
    modules = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("titans_finance"):
            parent = importlib.import_module(node.module)
            for alias in node.names:
                try:
                    value = importlib.import_module(f"{node.module}.{alias.name}")
                except ModuleNotFoundError:
                    assert hasattr(parent, alias.name), f"{path.name}: {node.module}.{alias.name}"
                    value = getattr(parent, alias.name)
                modules[alias.asname or alias.name] = value
    for node in ast.walk(tree):
        used = isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
        module = modules.get(node.value.id) if used else None
        # a plain module (a package's attributes may be submodules not imported yet)
        if isinstance(module, type(ast)) and not hasattr(module, "__path__"):
            assert hasattr(modules[node.value.id], node.attr), (
                f"{path.name}: {node.value.id}.{node.attr} does not exist")
