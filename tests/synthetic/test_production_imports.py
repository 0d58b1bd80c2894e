"""Production code never imports the synthetic generator (a model that learns from our
generator learns the generator): models, readers, pipelines, serving and the app read real
exports and open knowledge only. The one importer is the command line's `generate`, which
writes the default data."""

import ast

from tests.conftest import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "src" / "titans_finance"
ALLOWED = {PACKAGE / "command_line.py"}


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_no_production_module_imports_the_synthetic_package():
    offenders = sorted(
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in PACKAGE.rglob("*.py")
        if "synthetic" not in path.relative_to(PACKAGE).parts and path not in ALLOWED
        for name in _imports(path)
        if name == "titans_finance.synthetic" or name.startswith("titans_finance.synthetic."))
    assert not offenders, offenders


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from titans_finance.synthetic.generator import x\n")
    assert list(_imports(module)) == ["titans_finance.synthetic.generator"]
