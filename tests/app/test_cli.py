"""`titans-finance app`: where it listens and what it refuses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from titans_finance.command_line import app_command_line, build_parser


def test_the_app_listens_on_loopback_headless_without_usage_statistics():
    command = app_command_line(8501, "127.0.0.1")
    assert command[1:4] == ["-m", "streamlit", "run"]
    assert Path(command[4]).name == "streamlit_app.py" and Path(command[4]).is_file()
    options = dict(zip(command[5::2], command[6::2], strict=True))
    assert options["--server.address"] == "127.0.0.1"
    assert options["--server.headless"] == "true"
    assert options["--browser.gatherUsageStats"] == "false"
    assert build_parser().parse_args(["app"]).address == "127.0.0.1"


@pytest.mark.parametrize("argv, message", [
    (["app", "--port", "70000"], "not a port"),
    (["app", "--port", "x"], "is not an integer"),
])
def test_bad_options_are_refused_with_the_reason(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(argv)
    assert exit_info.value.code == 2 and message in capsys.readouterr().err


def test_a_folder_that_is_not_a_project_is_named(tmp_path):
    cli = str(Path(sys.executable).parent / "titans-finance")
    result = subprocess.run([cli, "app", "--project", str(tmp_path)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert str(tmp_path) in result.stderr and "no conf/base" in result.stderr
