"""A real `bentoml serve` on a loopback port, with models trained on generated data."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import PROJECT_ROOT

API_KEY = "test-key-aaaaaaaa"
RATE_LIMITED_KEY = "test-key-bbbbbbbb"
FUZZ_KEY = "test-key-cccccccc"
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def bentoml_home(kedro_project, tmp_path_factory) -> Path:
    kedro_project.run("ingestion", "features", "category", "amount", "anomaly", "cashflow")
    home = tmp_path_factory.mktemp("bentoml_home")
    env = {**os.environ, "BENTOML_HOME": str(home), "KEDRO_DISABLE_TELEMETRY": "true",
           "MLFLOW_TRACKING_URI": kedro_project.tracking_uri, "BENTOML_DO_NOT_TRACK": "true"}
    # a separate process: BentoML reads BENTOML_HOME when it is first imported
    subprocess.run([str(BIN / "kedro"), "run", "--pipelines", "package"], cwd=kedro_project.root,
                   env=env, check=True, capture_output=True)
    return home


@pytest.fixture(scope="session")
def corrections_path(tmp_path_factory) -> Path:
    """Where the test server's POST /feedback appends (never the repository's data/)."""
    return tmp_path_factory.mktemp("feedback") / "category_corrections.csv"


@pytest.fixture(scope="session")
def service_url(bentoml_home, corrections_path, tmp_path_factory) -> str:
    port = _free_port()
    log = tmp_path_factory.mktemp("serve") / "bentoml.log"
    env = {**os.environ, "BENTOML_HOME": str(bentoml_home), "BENTOML_DO_NOT_TRACK": "true",
           "TITANS_CORRECTIONS_PATH": str(corrections_path),
           "TITANS_API_KEYS": ",".join([API_KEY, RATE_LIMITED_KEY, FUZZ_KEY]),
           "TITANS_RATE_LIMIT_PER_SEC": "100", "TITANS_RATE_LIMIT_BURST": "30"}
    with open(log, "wb") as handle:
        process = subprocess.Popen([str(BIN / "bentoml"), "serve", "--host", "127.0.0.1",
                                    "--port", str(port)], cwd=PROJECT_ROOT, env=env,
                                   stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"bentoml serve exited early:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    else:
        process.kill()
        pytest.fail(f"bentoml serve not ready in 90 s:\n{log.read_text()[-3000:]}")
    yield url
    os.killpg(process.pid, 15)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)


@pytest.fixture
def client(service_url):
    with httpx.Client(base_url=service_url, timeout=30,
                      headers={"Authorization": f"Bearer {API_KEY}"}) as http:
        yield http
