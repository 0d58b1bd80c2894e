"""Start-up as a user meets it: refusals with one line and exit status 2, and what is served."""

from __future__ import annotations

import json
import shutil
import subprocess
import time

import httpx
import pytest

from tests.conftest import PROJECT_ROOT
from tests.serving.conftest import API_KEY, BIN, free_port

pytestmark = pytest.mark.slow


def _serve(env: dict[str, str], timeout: float = 90) -> subprocess.CompletedProcess:
    started = time.monotonic()
    result = subprocess.run([str(BIN / "bentoml"), "serve", "--port", str(free_port())],
                            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                            timeout=timeout)
    result.seconds = time.monotonic() - started
    return result


def _reason(result: subprocess.CompletedProcess) -> str:
    lines = [line for line in result.stderr.splitlines() if "cannot start" in line]
    assert len(lines) == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    return lines[0]


def test_without_keys_the_service_exits_2_with_the_reason(serve_env):
    """It used to start and answer 500 to everything, /livez included."""
    env = {k: v for k, v in serve_env.items() if k not in (
        "TITANS_API_KEYS", "TITANS_ADMIN_API_KEYS", "TITANS_TENANTS_FILE")}
    result = _serve(env)
    assert result.returncode == 2
    assert "TITANS_API_KEYS is not set" in _reason(result)


def test_make_serve_without_keys_fails_with_the_reason(serve_env):
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    if subprocess.run([make, "-q", "setup"], cwd=PROJECT_ROOT).returncode != 0:
        pytest.skip("`make setup` is not up to date here (it would reinstall the venv)")
    env = {k: v for k, v in serve_env.items() if k not in (
        "TITANS_API_KEYS", "TITANS_ADMIN_API_KEYS", "TITANS_TENANTS_FILE")}
    env["BENTOML_PORT"] = str(free_port())
    result = subprocess.run([make, "serve"], cwd=PROJECT_ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0
    assert "TITANS_API_KEYS is not set" in _reason(result)


@pytest.mark.parametrize("setting, message", [
    ({"TITANS_API_KEYS": "short"}, "shorter than 16 characters"),
    ({"TITANS_RATE_LIMIT_BURST": "2.5"}, "whole number"),
    ({"TITANS_HISTORY_WINDOW_DAYS": "ninety"},
     "TITANS_HISTORY_WINDOW_DAYS must be a whole number of at least 1, got 'ninety'"),
])
def test_bad_settings_stop_the_start(serve_env, setting, message):
    result = _serve({**serve_env, **setting})
    assert result.returncode == 2 and message in _reason(result)


def test_without_a_manifest_the_service_says_how_to_make_one(serve_env, tmp_path):
    result = _serve({**serve_env, "TITANS_PACKAGED_MODELS": str(tmp_path / "none.json")})
    assert result.returncode == 2 and "make run" in _reason(result)


def test_a_tampered_artefact_stops_the_start_before_anything_is_unpickled(
        serve_env, manifest_path, tmp_path):
    manifest = json.loads(manifest_path.read_text())
    manifest["sha256"]["cashflow"] = "0" * 64  # as if the store's file had been replaced
    changed = tmp_path / "manifest.json"
    changed.write_text(json.dumps(manifest))
    result = _serve({**serve_env, "TITANS_PACKAGED_MODELS": str(changed)})
    assert result.returncode == 2
    assert "titans_cashflow" in _reason(result) and "SHA-256" in _reason(result)


def test_start_up_says_which_versions_and_data_are_served(server):
    manifest = json.loads(server.manifest_at_start)
    log = server.log.read_text()
    (line,) = [line for line in log.splitlines() if "titans-finance service: serving" in line]
    for tag in manifest["tags"].values():
        assert tag in line
    assert manifest["data_hash"] in line


def test_a_newer_latest_in_the_store_is_not_what_is_served(server, manifest_path, bentoml_home):
    """`bentoml serve` loaded `:latest` of the shared store: another clone's run changed
    what was served. (The manifest may have been re-packaged by an in-process test since
    the server started: it serves the versions of one of the two, never the newer latest.)"""
    import os

    def served() -> str:
        models = httpx.get(f"{server.url}/models",
                           headers={"Authorization": f"Bearer {API_KEY}"}).json()["models"]
        return {m["name"]: m["version"] for m in models}["category"]

    before = served()
    named = {json.loads(text)["tags"]["category"]
             for text in (server.manifest_at_start, manifest_path.read_text())}
    assert before in named
    env = {**os.environ, "BENTOML_HOME": str(bentoml_home)}
    code = ("from titans_finance.registry.store import save; "
            "print(save('titans_category', {'not': 'a model'}, {'note': 'another clone'}).tag)")
    newer = subprocess.run([str(BIN / "python"), "-c", code], env=env, capture_output=True,
                           text=True, check=True).stdout.strip()
    assert newer not in named
    assert served() == before


def test_a_model_that_cannot_score_stops_the_start_with_its_name(serve_env, manifest_path,
                                                                 bentoml_home, tmp_path):
    """A worker failing to start was restarted over and over, a traceback each time."""
    import os

    code = f"""
import json, sys
from pathlib import Path
import bentoml
from titans_finance.registry.store import load, save
manifest = json.loads(Path({str(manifest_path)!r}).read_text())
amount = load(bentoml.models.get(manifest["tags"]["amount"]).path, manifest["sha256"]["amount"])
del amount.__dict__["prior"]  # as if pickled by a version without this attribute
manifest["tags"]["amount"], manifest["sha256"]["amount"] = save("titans_amount", amount,
                                                               {{"note": "stale"}})
Path(sys.argv[1]).write_text(json.dumps(manifest))
"""
    stale = tmp_path / "stale.json"
    subprocess.run([str(BIN / "python"), "-c", code, str(stale)], check=True,
                   env={**os.environ, "BENTOML_HOME": str(bentoml_home)})
    result = _serve({**serve_env, "TITANS_PACKAGED_MODELS": str(stale)})
    assert result.returncode == 2
    assert "model 'amount'" in _reason(result) and "cannot score" in _reason(result)
