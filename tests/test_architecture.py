"""The layering rules of docs/architecture.md, checked on the imports of every source module.

- each floor imports only the floors below it (``../shared/design/house.md``: core ←
  models, knowledge, registry ← datasets, reporting, serving ← pipelines ← app);
- a pipeline never imports another pipeline's nodes (shared work lives in library modules);
- the service never imports pipelines;
- production code never imports the synthetic generator (only the ``generate`` command does);
- domain code (core, models, reporting, registry, knowledge) has no Kedro import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "titans_finance"
DOMAIN_PACKAGES = ("core", "models", "reporting", "registry", "knowledge")
# the project's packages each package may import (itself included); top-level modules
# (settings, hooks, command line, tracking) and pipelines/app are the top floors
FLOORS = {
    "core": {"core"},
    "parameters": {"core", "parameters"},
    "synthetic": {"core", "synthetic"},
    "knowledge": {"core", "knowledge"},
    "models": {"core", "parameters", "models", "knowledge", "synthetic"},
    "registry": {"core", "registry"},
    "datasets": {"core", "registry", "datasets"},
    "reporting": {"core", "models", "reporting"},
    "serving": {"core", "models", "registry", "serving", "__version__"},
}
# modules allowed to import the synthetic generator, with the reason
GENERATOR_USERS = {
    "command_line.py": "the `generate` command writes the embedded default data",
}


def _module_name(path: Path, source: Path = SOURCE) -> str:
    parts = path.relative_to(source.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, source: Path = SOURCE) -> set[str]:
    """Every module ``path`` imports, relative imports resolved (function-level ones too)."""
    package = _module_name(path, source).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    names = set()
    tree = ast.parse(path.read_text(), str(path))
    typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and getattr(block.test, "id", None) == "TYPE_CHECKING"
                   for n in ast.walk(block)}  # annotations only: no import at run time
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _sources() -> list[Path]:
    return sorted(p for p in SOURCE.rglob("*.py") if "__pycache__" not in p.parts)


def _relative(path: Path) -> str:
    return path.relative_to(SOURCE).as_posix()


def test_the_import_reader_resolves_relative_imports(tmp_path):
    pipeline = SOURCE / "pipelines" / "amount" / "pipeline.py"
    assert "titans_finance.pipelines.amount.nodes" in imported_modules(pipeline)


def layering_problems(path: Path, source: Path = SOURCE) -> list[str]:
    """The imports of ``path`` (a module under ``source``) that break a layering rule."""
    imports = imported_modules(path, source)
    where = path.relative_to(source).as_posix()
    problems = []
    parts = path.relative_to(source).parts
    if parts[0] == "pipelines" and len(parts) > 2:
        own = parts[1]
        problems += [name for name in imports
                     if name.startswith("titans_finance.pipelines.")
                     and name.split(".")[2] != own and ".nodes" in name]
    if parts[0] == "serving":
        problems += [name for name in imports if name.startswith("titans_finance.pipelines")]
    if parts[0] != "synthetic" and where not in GENERATOR_USERS:
        problems += [name for name in imports if name.startswith("titans_finance.synthetic")]
    if parts[0] in FLOORS:
        problems += [name for name in imports if name.startswith("titans_finance.")
                     and name.split(".")[1] not in FLOORS[parts[0]]]
    if parts[0] in DOMAIN_PACKAGES:
        problems += [name for name in imports if name == "kedro" or name.startswith("kedro.")]
    return sorted(set(problems))


@pytest.mark.parametrize(("where", "text", "broken"), [
    ("core/x.py", "from titans_finance.models.amount import AmountModel", True),
    ("core/x.py", "from titans_finance.core.schema import CLEAN_COLUMNS", False),
    ("core/readers/x.py", "from ..schema import CLEAN_COLUMNS", False),
    ("core/readers/x.py", "from ...models import amount", True),
    ("models/x.py", "import kedro", True),
    ("serving/x.py", "def f():\n    from titans_finance.pipelines.amount import nodes", True),
    ("pipelines/retrain/nodes.py", "from titans_finance.pipelines.amount.nodes import f", True),
    ("pipelines/retrain/pipeline.py", "from titans_finance.pipelines.ingestion import "
                                      "create_pipeline", False),
    ("pipelines/retrain/pipeline.py", "from .nodes import f", False),
    ("app/x.py", "from titans_finance.synthetic.generator import g", True),
])
def test_the_rules_catch_what_they_forbid(tmp_path, where, text, broken):
    source = tmp_path / "titans_finance"
    path = source / where
    path.parent.mkdir(parents=True)
    path.write_text(text + "\n")
    assert bool(layering_problems(path, source)) is broken


@pytest.mark.parametrize("path", _sources(), ids=_relative)
def test_layering(path):
    problems = layering_problems(path)
    assert not problems, f"{_relative(path)} imports {problems} (docs/architecture.md)"
