"""`make monitor` and `make retrain` run only on an export named on the command line."""

import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _make(*args: str) -> subprocess.CompletedProcess:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    # -o setup: never (re)install the venv here; BIN: a kedro that cannot start, so a
    # target that wrongly goes ahead fails fast (make has echoed the command by then)
    return subprocess.run([make, "--no-print-directory", "-o", "setup",
                           "BIN=/nonexistent-titans-bin", *args],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("target", ["monitor", "retrain"])
def test_without_raw_the_target_refuses_instead_of_using_the_training_file(target):
    result = _make(target)
    assert result.returncode != 0
    assert f"usage: make {target} RAW=" in result.stdout
    assert "kedro run" not in result.stdout


@pytest.mark.parametrize("target", ["monitor", "retrain"])
def test_a_missing_export_is_named(target, tmp_path):
    missing = tmp_path / "nope.csv"
    result = _make(target, f"RAW={missing}")
    assert result.returncode != 0 and f"RAW={missing}: no such file" in result.stdout


@pytest.mark.parametrize("target", ["monitor", "retrain"])
def test_an_explicit_export_is_the_one_run(target, tmp_path):
    export = tmp_path / "new.csv"
    export.write_text("Date,Description,Amount\n2025-01-01,x,-1\n")
    result = _make(target, f"RAW={export}")
    assert "usage:" not in result.stdout and "no such file" not in result.stdout
    assert "/nonexistent-titans-bin/kedro run --pipelines" in result.stdout
    assert f"--params raw_path={export}" in result.stdout
