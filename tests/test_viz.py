"""`make viz` (`kedro viz run`) serves the lineage view; `kedro viz build` produces a static
site that renders the pipelines in a browser."""

import contextlib
import functools
import http.server
import json
import os
import random
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

# `kedro viz run` and `kedro viz build` in subprocesses, a browser: second tier
pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--virtual-time-budget=15000", "--window-size=1400,900"]


def stop_server(server: subprocess.Popen) -> None:
    """Stop a server started for a test (``start_new_session=True``) with every process it
    started: terminate the group, kill it after 20 s, close the output. `kedro viz run`
    serves from a child process that outlived its parent when only the parent was stopped."""
    import signal

    group = server.pid
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the group's other members, after their parent
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
    server.stdout.close()


def _free_port() -> int:
    """A free loopback port below 49152 (kedro viz refuses the ephemeral range above it)."""
    for port in random.sample(range(20_000, 49_152), 200):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port between 20000 and 49151")


def make_recipe(target: str) -> list[list[str]]:
    """The commands of a Makefile target, with $(BIN) pointing at this virtualenv."""
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    match = re.search(rf"^{re.escape(target)}:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert match, f"no target {target!r} in the Makefile"
    lines = [line.strip() for line in match.group(1).splitlines()]
    bin_dir = str(Path(sys.executable).parent)
    return [shlex.split(line.replace("$(BIN)", bin_dir)) for line in lines]


@pytest.fixture(scope="module")
def charts_project(kedro_project):
    # the charts must exist for kedro-viz to preview them
    kedro_project.run("ingestion", "features", "category", "amount", "anomaly", "cashflow",
                      "reporting")
    return kedro_project


def test_make_viz_serves_the_lineage_with_chart_previews(charts_project):
    """`make viz` exactly as the Makefile runs it (plus a free port and no browser)."""
    (command,) = make_recipe("viz")
    port = _free_port()
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "true"}
    server = subprocess.Popen([*command, "--no-browser", "--host", "127.0.0.1", "--port",
                               str(port)], cwd=charts_project.root, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    try:
        deadline, graph = time.monotonic() + 180, None
        while graph is None and time.monotonic() < deadline:
            if server.poll() is not None:
                pytest.fail(f"`make viz` exited with {server.returncode}:\n"
                            f"{server.stdout.read()[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/main", timeout=5) as r:
                    graph = json.load(r)
            except OSError:
                time.sleep(1)
        assert graph is not None, "kedro viz did not answer within 180 s"
        names = {node["name"] for node in graph["nodes"]}
        assert {"normalise_transactions", "assemble_report"} <= names
        chart = next(n for n in graph["nodes"] if n["name"] == "report_income_vs_expenses")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/nodes/{chart['id']}",
                                    timeout=30) as r:
            metadata = json.load(r)
        assert metadata["preview_type"] == "PlotlyPreview"
    finally:
        stop_server(server)


@pytest.fixture(scope="module")
def viz_site(charts_project):
    kedro_project = charts_project
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "true"}
    subprocess.run([str(Path(sys.executable).parent / "kedro"), "viz", "build",
                    "--include-previews"],
                   cwd=kedro_project.root, env=env, check=True, capture_output=True, timeout=300)
    build = kedro_project.root / "build"
    assert (build / "index.html").is_file() and (build / "api" / "main").is_file()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(build))
    port = _free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}/"
    server.shutdown()


def test_report_charts_are_previewed(viz_site, kedro_project):
    nodes = [json.loads(p.read_text()) for p in (kedro_project.root / "build" / "api" / "nodes")
             .iterdir()]
    charts = [n for n in nodes if str(n.get("filepath", "")).endswith("income_vs_expenses.json")]
    assert charts and charts[0]["preview_type"] == "PlotlyPreview"
    assert charts[0]["preview"]["data"][0]["name"] == "income"


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary: `make test-e2e` installs Debian's "
                    "chromium when it can (root + apt-get); install it to run this test")
def test_lineage_page_renders_the_pipeline_nodes(viz_site):
    profile = tempfile.mkdtemp()
    dom = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", viz_site],
                         capture_output=True, text=True, timeout=120).stdout
    for node in ("normalise_transactions", "build_feature_table", "evaluate_category_model",
                 "backtest_cashflow", "assemble_report"):
        assert node in dom, f"node {node} not rendered"
    assert dom.count("pipeline-node") > 50
    screenshot = Path(profile) / "viz.png"
    subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", f"--screenshot={screenshot}",
                    viz_site], capture_output=True, timeout=120)
    assert screenshot.stat().st_size > 20_000  # a drawn graph, not a blank page
