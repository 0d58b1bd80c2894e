"""benchmarks/ is a package organised by kind: every script runs as a module from the project
root (``python -m benchmarks.<kind>.<name>``) and imports its siblings by package name, never
through ``sys.path`` edits that only work from one working directory."""

import ast
import importlib.util

from tests.conftest import PROJECT_ROOT

BENCHMARKS = PROJECT_ROOT / "benchmarks"
KINDS = {"performance", "evaluation", "quality"}


def _scripts():
    return sorted(BENCHMARKS.rglob("*.py"))


def test_every_script_lives_in_a_kind():
    loose = [p.name for p in BENCHMARKS.glob("*.py") if p.name != "__init__.py"]
    assert not loose, f"put these under benchmarks/<kind>/ ({sorted(KINDS)}): {loose}"
    assert {p.name for p in BENCHMARKS.iterdir() if p.is_dir() and (p / "__init__.py").exists()
            } == KINDS


def test_no_script_edits_sys_path_and_every_sibling_import_resolves():
    for path in _scripts():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "path" and \
                    isinstance(node.value, ast.Name) and node.value.id == "sys":
                raise AssertionError(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}: sys.path")
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("benchmarks"):
                assert importlib.util.find_spec(node.module) is not None, (
                    f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}: no module {node.module}")
