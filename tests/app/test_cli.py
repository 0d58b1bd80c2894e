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


def _cli(root: Path, *argv: str, **environ: str) -> subprocess.CompletedProcess:
    import os

    env = {key: value for key, value in os.environ.items() if not key.startswith("TITANS_APP_")}
    env["HOME"] = str(root / "home")  # no ~/.streamlit/secrets.toml of the developer's
    cli = str(Path(sys.executable).parent / "titans-finance")
    return subprocess.run([cli, "app", "--project", str(root), *argv], capture_output=True,
                          text=True, timeout=120, env={**env, **environ})


def test_the_launcher_refuses_to_listen_beyond_loopback_without_a_login(empty_project):
    root = empty_project
    result = _cli(root, "--address", "0.0.0.0", "--port", "1")
    assert result.returncode == 2
    assert ("the app does not start: --address 0.0.0.0 listens beyond this machine and no "
            "login is configured: set TITANS_APP_PASSWORD") in result.stderr
    # a password too short is refused as well, on any address
    result = _cli(root, "--address", "127.0.0.1", "--port", "1", TITANS_APP_PASSWORD="short")
    assert result.returncode == 2 and "at least 12" in result.stderr


@pytest.mark.parametrize("address, environ, secrets, refused", [
    ("127.0.0.1", {}, None, False),
    ("localhost", {}, None, False),
    ("::1", {}, None, False),
    ("0.0.0.0", {}, None, True),
    ("::", {}, None, True),
    ("192.168.1.20", {}, None, True),
    ("0.0.0.0", {"TITANS_APP_PASSWORD": "correct horse battery"}, None, False),
    ("0.0.0.0", {}, 'TITANS_APP_PASSWORD = "correct horse battery"\n', False),
    ("0.0.0.0", {}, "TITANS_APP_PASSWORD = [\n", True),  # unreadable: refused, not ignored
    ("127.0.0.1", {"TITANS_APP_HOSTS": "finance.example.org"}, None, True),
])
def test_which_configurations_may_start(tmp_path, monkeypatch, address, environ, secrets,
                                        refused):
    from titans_finance.app.access import Access, AccessError, read_secrets
    from titans_finance.command_line import app_access_problems

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    if secrets is not None:
        (tmp_path / ".streamlit").mkdir()
        (tmp_path / ".streamlit" / "secrets.toml").write_text(secrets)
    try:
        access = Access.of(environ, read_secrets(tmp_path))
    except AccessError:
        assert refused
        return
    assert bool(app_access_problems(address, access, 12)) is refused


def test_the_server_answers_only_its_host_names_and_caps_uploads():
    from titans_finance.app.access import Access

    access = Access.of({"TITANS_APP_PASSWORD": "correct horse battery",
                        "TITANS_APP_HOSTS": "finance.example.org"}, {})
    command = app_command_line(8501, "0.0.0.0", access.allowed_hosts("0.0.0.0"), 25)
    pairs = list(zip(command[5::2], command[6::2], strict=True))
    assert [v for k, v in pairs if k == "--server.allowedHosts"] == [
        "localhost", "127.0.0.1", "::1", "finance.example.org"]
    options = dict(pairs)
    assert options["--server.maxUploadSize"] == "25"
    assert options["--server.enableCORS"] == options["--server.enableXsrfProtection"] == "true"
    # without hosts: loopback names only
    command = app_command_line(8501, "127.0.0.1")
    assert [v for k, v in zip(command[5::2], command[6::2], strict=True)
            if k == "--server.allowedHosts"] == ["localhost", "127.0.0.1", "::1"]


def test_app_password_hash_prints_a_hash_the_app_accepts():
    from titans_finance.app.access import Access

    cli = str(Path(sys.executable).parent / "titans-finance")
    result = subprocess.run([cli, "app-password-hash"], input="correct horse battery\n",
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "correct horse" not in result.stdout
    access = Access.of({"TITANS_APP_PASSWORD_HASH": result.stdout.strip()}, {})
    assert access.check_password("correct horse battery")
    assert not access.check_password("correct horse battery\n")
