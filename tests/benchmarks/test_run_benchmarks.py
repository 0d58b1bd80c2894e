"""The heavy benchmarks measure the code of the checkout they are run from
(benchmarks/performance/run_benchmarks.py)."""

import os
import shutil
import subprocess
import sys

from benchmarks.performance.run_benchmarks import ROOT, checkout_env, temp_project


def test_a_step_in_the_throw_away_copy_imports_this_checkout_s_package(tmp_path):
    """The copy's ``src`` is empty: a step run there (its working directory) imports the
    package of the checkout the benchmark belongs to, not another checkout's."""
    project = temp_project()
    try:
        found = subprocess.run(
            [sys.executable, "-c", "import titans_finance; print(titans_finance.__file__)"],
            cwd=project, env=checkout_env({"PYTHONPATH": str(tmp_path)}), check=True,
            capture_output=True, text=True).stdout.strip()
    finally:
        shutil.rmtree(project, ignore_errors=True)
    assert found == str(ROOT / "src" / "titans_finance" / "__init__.py")


def test_this_checkout_s_source_comes_first_and_a_given_path_is_kept(tmp_path):
    env = checkout_env({"PYTHONPATH": str(tmp_path), "DO_NOT_TRACK": "1"})
    assert env["PYTHONPATH"].split(os.pathsep) == [str(ROOT / "src"), str(tmp_path)]
    assert env["DO_NOT_TRACK"] == "1"
    alone = checkout_env({"PYTHONPATH": ""})
    assert alone["PYTHONPATH"] == str(ROOT / "src")
