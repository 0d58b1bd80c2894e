"""dvc.yaml stays consistent with the project: stages parse, code/config dependencies exist."""

import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import PROJECT_ROOT

DVC = Path(sys.executable).parent / "dvc"
STAGES = {"generate", "ingestion", "features", "category", "amount", "anomaly", "cashflow",
          "reporting"}


def test_dvc_parses_every_stage():
    result = subprocess.run([str(DVC), "stage", "list"], cwd=PROJECT_ROOT, capture_output=True,
                            text=True, check=True)
    assert {line.split()[0] for line in result.stdout.splitlines() if line.strip()} == STAGES


def test_stage_code_and_config_dependencies_exist():
    stages = yaml.safe_load((PROJECT_ROOT / "dvc.yaml").read_text())["stages"]
    for name, stage in stages.items():
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
