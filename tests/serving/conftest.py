"""The service with models trained on generated data, in-process and as a real `bentoml serve`.

`service` is the service in this process (BentoML's ASGI app behind Starlette's test
client; `client` and `admin` call it with a prediction and an admin key): the fast tier
tests status codes, schemas, auth decisions and answers there. `server` is a real
`bentoml serve` on a loopback port (end-to-end: second tier), for what only a real server
shows: limits under concurrency, attacks on the socket, memory, start-up refusals.

One server for the whole test session (`service_url`), started the way a user starts it
(no ``--host``: the service binds to the loopback interface by default), with a
throw-away ``BENTOML_HOME``, the manifest of a small generated run, and its own
corrections file. Its log is `service_log`; `worker_processes` gives its processes.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import PROJECT_ROOT, _environment, end_to_end

API_KEY = "test-key-aaaaaaaa"
RATE_LIMITED_KEY = "test-key-bbbbbbbb"
FUZZ_KEY = "test-key-cccccccc"
FEEDBACK_KEY = "test-key-feedback-dddddddd"
ROWS_KEY = "test-key-rows-eeeeeeee"
BULK_KEYS = tuple(f"test-key-bulk-{i}-ffffffff" for i in range(5))
ADMIN_KEY = "test-admin-key-aaaaaaaa"
METRICS_KEY = "test-metrics-key-aaaaaaaa"
DOCS_KEY = "choose-a-long-random-key"  # the keys docs/serving.md's examples use
DOCS_ADMIN_KEY = "choose-another-long-admin-key"
PREDICTION_KEYS = (API_KEY, RATE_LIMITED_KEY, FUZZ_KEY, FEEDBACK_KEY, ROWS_KEY, *BULK_KEYS,
                   DOCS_KEY)
AUTH_FAILURES_PER_SEC, AUTH_FAILURES_BURST = 20, 50
RATE_PER_SEC, RATE_BURST = 20, 150
FEEDBACK_CAP = 150
# known transactions one correction's rule may change (generated data: Starbucks has more)
FEEDBACK_MAX_ROWS = 100
HISTORY_MAX_ACCOUNTS = 100
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def bentoml_home(kedro_project) -> Path:
    """The test session's BentoML store (tests/conftest.py sets BENTOML_HOME before BentoML
    is imported), holding the models the package pipeline published, run in-process once;
    the in-process service and every `bentoml serve` of the tests read this store."""
    kedro_project.run("ingestion", "features", "category", "amount", "anomaly", "cashflow",
                      "package")
    return Path(os.environ["BENTOML_HOME"])


@pytest.fixture(scope="session")
def manifest_path(bentoml_home, kedro_project) -> Path:
    """The manifest the test server serves (written by the package pipeline)."""
    return kedro_project.path("data/08_reporting/packaged_models.json")


@pytest.fixture(scope="session")
def corrections_path(tmp_path_factory) -> Path:
    """Where the test server's POST /feedback appends (never the repository's data/)."""
    return tmp_path_factory.mktemp("feedback") / "category_corrections.csv"


@pytest.fixture(scope="session")
def service_settings(manifest_path, corrections_path) -> dict[str, str]:
    """The ``TITANS_*`` settings of the test service, in-process (`service`) or served
    (`serve_env`): the same keys, limits and files."""
    return {"TITANS_PACKAGED_MODELS": str(manifest_path),
            "TITANS_CORRECTIONS_PATH": str(corrections_path),
            "TITANS_API_KEYS": ",".join(PREDICTION_KEYS),
            "TITANS_ADMIN_API_KEYS": f"{ADMIN_KEY},{DOCS_ADMIN_KEY}",
            "TITANS_METRICS_API_KEYS": METRICS_KEY,
            "TITANS_RATE_LIMIT_PER_SEC": str(RATE_PER_SEC),
            "TITANS_RATE_LIMIT_BURST": str(RATE_BURST),
            "TITANS_AUTH_FAILURES_PER_SEC": str(AUTH_FAILURES_PER_SEC),
            "TITANS_AUTH_FAILURES_BURST": str(AUTH_FAILURES_BURST),
            "TITANS_FEEDBACK_PER_MIN": "6000", "TITANS_FEEDBACK_BURST": "400",
            "TITANS_FEEDBACK_MAX_PER_KEY": str(FEEDBACK_CAP),
            "TITANS_FEEDBACK_MAX_ROWS": str(FEEDBACK_MAX_ROWS),
            "TITANS_ROW_LIMIT_PER_SEC": "200", "TITANS_ROW_LIMIT_BURST": "10000",
            "TITANS_MAX_PENDING_BATCHES": "2",
            # small enough for a test to flood it (tests/serving/test_rolling_history.py)
            "TITANS_HISTORY_MAX_ACCOUNTS": str(HISTORY_MAX_ACCOUNTS)}


@pytest.fixture(scope="session")
def in_process_settings(service_settings) -> dict[str, str]:
    """`service_settings` for the in-process service, without the per-key request and row
    budgets: its tests share a few keys and, the faster they run, the sooner those budgets
    ran dry (429s that depended on the machine's speed). The limits are tested on their own
    (`tests/serving/test_security*.py`) and on a real server (the second tier)."""
    return {**service_settings,
            "TITANS_RATE_LIMIT_PER_SEC": "1000000", "TITANS_RATE_LIMIT_BURST": "1000000",
            "TITANS_ROW_LIMIT_PER_SEC": "1000000", "TITANS_ROW_LIMIT_BURST": "1000000"}


@pytest.fixture(scope="session")
@end_to_end
def serve_env(bentoml_home, service_settings) -> dict[str, str]:
    """Environment of the test server (tests that start their own take it as a base)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TITANS_")}
    return {**env, "BENTOML_HOME": str(bentoml_home), "BENTOML_DO_NOT_TRACK": "true",
            **service_settings}


@pytest.fixture(scope="session")
def service(bentoml_home, in_process_settings):
    """The service in this process: BentoML's ASGI app of `TitansFinance` (security
    middleware included) behind Starlette's test client, started once (its lifespan loads
    the packaged models). Status codes, schemas, auth decisions and answers are tested
    here; what needs a real `bentoml serve` (limits under concurrency, attacks on the
    socket, memory, start-up refusals) uses `server`. Its ``TITANS_*`` settings are in the
    environment while it starts and during each test that uses it (`_service_environment`),
    never for the rest of the session."""
    from starlette.testclient import TestClient

    from titans_finance.serving import security
    from titans_finance.serving.settings import ServingSettings

    # the worker's settings, read from the environment once per process: read them anew
    security.Guard._instance, ServingSettings._current = None, None
    with _environment(**in_process_settings):
        from titans_finance.serving.service import TitansFinance

        # a loopback client address, as a local caller's
        http = TestClient(TitansFinance.to_asgi(), base_url="http://127.0.0.1",
                          client=("127.0.0.1", 50000))
        http.__enter__()
    try:
        yield http
    finally:
        http.__exit__(None, None, None)
        security.Guard._instance, ServingSettings._current = None, None


@pytest.fixture(autouse=True)
def _service_environment(request, monkeypatch):
    """The in-process service reads some settings per request (the manifest a reload
    serves): a test that uses it runs with them in the environment."""
    if "service" in request.fixturenames:
        for key, value in request.getfixturevalue("in_process_settings").items():
            monkeypatch.setenv(key, value)


class KeyedClient:
    """`service` calling with one key (``get``/``post``/``request`` as httpx's); headers
    passed to a call are added to the key's."""

    def __init__(self, http, key: str):
        self._http, self._auth = http, {"Authorization": f"Bearer {key}"}

    def request(self, method: str, url: str, headers: dict | None = None, **kwargs):
        return self._http.request(method, url, headers={**self._auth, **(headers or {})},
                                  **kwargs)

    def get(self, url: str, **kwargs):
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs):
        return self.request("POST", url, **kwargs)


@pytest.fixture
def client(service) -> KeyedClient:
    """The in-process service with a prediction key."""
    return KeyedClient(service, API_KEY)


@pytest.fixture
def admin(service) -> KeyedClient:
    """The in-process service with an admin key."""
    return KeyedClient(service, ADMIN_KEY)


class Server:
    def __init__(self, process: subprocess.Popen, url: str, port: int, log: Path):
        self.process, self.url, self.port, self.log = process, url, port, log

    def processes(self):
        """The server's processes (supervisor and workers) as psutil objects."""
        import psutil

        root = psutil.Process(self.process.pid)
        return [root, *root.children(recursive=True)]

    def worker(self):
        """The API worker process (it holds the models and answers the requests)."""
        workers = [p for p in self.processes() if "_bentoml_impl.worker" in " ".join(p.cmdline())]
        assert len(workers) == 1, [p.cmdline() for p in self.processes()]
        return workers[0]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)


def start_server(env: dict[str, str], log: Path, args: tuple[str, ...] = (),
                 timeout: float = 120) -> Server:
    port = free_port()
    with open(log, "wb") as handle:
        process = subprocess.Popen([str(BIN / "bentoml"), "serve", "--port", str(port), *args],
                                   cwd=PROJECT_ROOT, env=env, stdout=handle,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(process, f"http://127.0.0.1:{port}", port, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"bentoml serve exited early:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{server.url}/readyz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.stop()
    pytest.fail(f"bentoml serve not ready in {timeout} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
@end_to_end
def server(serve_env, manifest_path, tmp_path_factory):
    manifest_at_start = manifest_path.read_text()  # a test packages again later
    server = start_server(serve_env, tmp_path_factory.mktemp("serve") / "bentoml.log")
    server.manifest_at_start = manifest_at_start
    yield server
    server.stop()


@pytest.fixture(scope="session")
def service_url(server) -> str:
    return server.url


@pytest.fixture
def service_log(server):
    """Read the server's log from now on: ``service_log()`` → text logged since the test began."""
    start = server.log.stat().st_size

    def since() -> str:
        time.sleep(0.3)  # the worker's log lines reach the file through the supervisor
        with open(server.log, "rb") as handle:
            handle.seek(start)
            return handle.read().decode("utf-8", "replace")

    return since

