"""dvc.yaml and dvc.lock stay consistent with the project: stages parse, dependencies exist
and cover every module a stage's pipeline imports, the committed lock describes the current
code, and a fresh clone anywhere on disk rebuilds the data stages to exactly the hashes the
lock records (`dvc status` clean).

The tests that run DVC take the `dvc` fixture (end-to-end: second tier, `make test-e2e`):
the lock is rebuilt when a change is merged (`make repro`), so its check belongs to the
release, not to every edit of src/ or conf/."""

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from tests.conftest import PROJECT_ROOT, end_to_end

BIN = Path(sys.executable).parent
SRC = PROJECT_ROOT / "src"
STAGES = {"generate", "ingestion", "features", "category", "amount", "anomaly", "cashflow",
          "reporting"}
# Stages whose outputs are a pure function of code, parameters and inputs (model stages
# record when they were trained, so their pickles differ from run to run).
DETERMINISTIC_STAGES = ("generate", "ingestion", "features")
FIX = "run `make repro` and commit dvc.lock"


@pytest.fixture(scope="session")
@end_to_end
def dvc() -> Path:
    """The DVC command (tests that run it, or check the committed lock, are second tier)."""
    return BIN / "dvc"


def _lock() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "dvc.lock").read_text())["stages"]


def _stages() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "dvc.yaml").read_text())["stages"]


def test_dvc_parses_every_stage(dvc):
    result = subprocess.run([str(dvc), "stage", "list"], cwd=PROJECT_ROOT, capture_output=True,
                            text=True, check=True)
    assert {line.split()[0] for line in result.stdout.splitlines() if line.strip()} == STAGES


def test_stage_code_and_config_dependencies_exist():
    for name, stage in _stages().items():
        for dep in stage["deps"]:
            if dep.startswith(("src/", "conf/")):
                assert (PROJECT_ROOT / dep).exists(), f"stage {name}: missing dependency {dep}"
        for params in stage.get("params", []):
            for path in params:
                assert (PROJECT_ROOT / path).is_file(), f"stage {name}: missing params file {path}"
        if name != "generate":
            assert stage["cmd"].startswith("kedro run --pipelines "), name


def test_no_remote_is_required():
    config = (PROJECT_ROOT / ".dvc" / "config").read_text()
    assert "remote" not in config


def _module_file(name: str) -> Path | None:
    base = SRC.joinpath(*name.split("."))
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _imported_modules(path: Path) -> set[str]:
    """Every module name ``path`` imports (anywhere in it: lazy imports too), relative
    imports resolved; ``from a import b`` yields ``a`` and ``a.b`` (b may be a module)."""
    package = list(path.relative_to(SRC).with_suffix("").parts)
    package = package[:-1]  # a module's package; a package's __init__ is its own package
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = ".".join(package[:len(package) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _code_closure(start: list[Path]) -> set[Path]:
    """The project's source files that ``start`` imports, directly or not."""
    todo, seen = list(start), set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in _imported_modules(path):
            found = _module_file(name) if name.startswith("titans_finance") else None
            if found is not None and found not in seen:
                todo.append(found)
    return seen


def test_each_stage_depends_on_every_module_its_pipeline_imports():
    """A module a stage runs but does not depend on is a change `make repro` would not see:
    the closure of the pipeline's imports (and of the dataset classes its catalog names)
    must lie inside the stage's code dependencies (packages or files)."""
    checked = 0
    for name, stage in _stages().items():
        pipeline = re.fullmatch(r"kedro run --pipelines (\w+)", stage["cmd"])
        if not pipeline:
            continue
        folder = SRC / "titans_finance" / "pipelines" / pipeline.group(1)
        start = sorted(folder.glob("*.py"))
        for dep in stage["deps"]:
            if dep.startswith("conf/") and "catalog" in dep:
                for dataset in re.findall(r"type:\s*(titans_finance\.[\w.]+)\.\w+",
                                          (PROJECT_ROOT / dep).read_text()):
                    start.append(_module_file(dataset))
        deps = [PROJECT_ROOT / dep for dep in stage["deps"] if dep.startswith("src/")]
        top = SRC / "titans_finance" / "__init__.py"  # imported by every stage alike
        missing = sorted(str(path.relative_to(PROJECT_ROOT)) for path in _code_closure(start)
                         if path != top and not any(path == dep or dep in path.parents
                                                    for dep in deps))
        assert not missing, f"dvc.yaml stage {name} runs code it does not depend on: {missing}"
        checked += 1
    assert checked >= 7


def test_lock_records_one_run_of_the_whole_chain(dvc):
    """A stage's input has the hash its producing stage last wrote (else the lock mixes runs)."""
    lock = _lock()
    produced = {out["path"]: (stage, out["md5"]) for stage, entry in lock.items()
                for out in entry.get("outs", [])}
    stale = [f"{stage} read {dep['path']} as {dep['md5'][:8]}, {produced[dep['path']][0]} "
             f"wrote {produced[dep['path']][1][:8]}"
             for stage, entry in lock.items() for dep in entry.get("deps", [])
             if dep["path"] in produced and produced[dep["path"]][1] != dep["md5"]]
    assert not stale, f"dvc.lock mixes runs ({'; '.join(stale)}): {FIX}"


def test_lock_matches_the_code_and_parameters(dvc):
    """No stage's code, configuration or parameters changed since dvc.lock was written."""
    result = subprocess.run([str(dvc), "status", "--json"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, check=True)
    import json

    changed = []
    for stage, entries in json.loads(result.stdout or "{}").items():
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            for path, what in entry.get("changed deps", {}).items():
                # data inputs may be absent or stale locally; code and config must match
                if path.startswith(("src/", "conf/")):
                    changed.append(f"{stage}: {path} {what}")
    assert not changed, f"dvc.lock predates these changes ({'; '.join(changed)}): {FIX}"


def _tracked_copy(destination: Path) -> Path:
    """The files git tracks, as they are in the working tree: what a fresh clone holds."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True,
                            check=True).stdout.decode().split("\0")
    for relative in filter(None, listed):
        source = PROJECT_ROOT / relative
        if source.is_file():
            (destination / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / relative)
    subprocess.run(["git", "init", "-q"], cwd=destination, check=True)
    return destination


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None or not (PROJECT_ROOT / ".git").exists(),
                    reason="needs git and a git checkout of the project")
def test_fresh_clone_rebuilds_the_data_stages_the_lock_records(tmp_path, dvc):
    """`make repro` in a fresh clone elsewhere on disk: same hashes as dvc.lock, status clean.

    Outputs that record the machine (an absolute path, a user name) or the run
    would differ here, and every fresh clone would find the lock dirty."""
    clone = _tracked_copy(tmp_path / "titans-finance-clone")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
           "KEDRO_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "1",
           "MLFLOW_TRACKING_URI": f"sqlite:///{clone / 'mlflow.db'}"}
    subprocess.run([str(dvc), "repro", DETERMINISTIC_STAGES[-1]], cwd=clone, env=env,
                   check=True, capture_output=True, timeout=900)
    rebuilt = yaml.safe_load((clone / "dvc.lock").read_text())["stages"]
    committed = _lock()
    for stage in DETERMINISTIC_STAGES:
        for part in ("deps", "outs"):
            before = {item["path"]: item["md5"] for item in committed[stage].get(part, [])}
            after = {item["path"]: item["md5"] for item in rebuilt[stage].get(part, [])}
            differ = sorted(path for path in after if before.get(path) != after[path])
            assert not differ, (
                f"a fresh clone builds other {part} of stage {stage}: {differ}. If `make repro` "
                f"here does not fix it, an output records the machine or the run: compare them "
                f"with the clone's in {clone}")
    status = subprocess.run([str(dvc), "status", *DETERMINISTIC_STAGES], cwd=clone, env=env,
                            capture_output=True, text=True, check=True).stdout
    assert "up to date" in status, status


def _strings_of(path: Path) -> bytes:
    """The file's content where a path could hide: decoded column values for Parquet."""
    if path.suffix == ".parquet":
        table = pq.read_table(path)
        texts = [str(table.schema.metadata or {})]
        for column in table.columns:
            if column.type in ("string", "large_string") or str(column.type).startswith("dict"):
                texts.extend(str(v) for v in column.to_pylist())
        return "\n".join(texts).encode()
    return path.read_bytes()


def test_no_output_records_the_project_path(kedro_project):
    """A clone elsewhere must produce the same files: no output may name where it ran."""
    kedro_project.run("ingestion", "features", "category", "amount", "anomaly", "cashflow",
                      "reporting")
    root = str(kedro_project.root.resolve()).encode()
    outputs = [p for p in (kedro_project.root / "data").rglob("*")
               if p.is_file() and "01_raw" not in p.parts]
    assert len(outputs) > 20
    recording = sorted(str(p.relative_to(kedro_project.root)) for p in outputs
                       if root in _strings_of(p))
    assert not recording, f"outputs record the absolute project path: {recording}"
