"""`kedro viz build` produces a static lineage site that renders the pipelines in a browser."""

import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--virtual-time-budget=15000", "--window-size=1400,900"]


@pytest.fixture(scope="module")
def viz_site(kedro_project):
    # the charts must exist for kedro-viz to preview them
    kedro_project.run("ingestion", "features", "category", "amount", "anomaly", "cashflow",
                      "reporting")
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "true"}
    subprocess.run([str(Path(sys.executable).parent / "kedro"), "viz", "build",
                    "--include-previews"],
                   cwd=kedro_project.root, env=env, check=True, capture_output=True, timeout=300)
    build = kedro_project.root / "build"
    assert (build / "index.html").is_file() and (build / "api" / "main").is_file()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(build))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}/"
    server.shutdown()


def test_report_charts_are_previewed(viz_site, kedro_project):
    import json

    nodes = [json.loads(p.read_text()) for p in (kedro_project.root / "build" / "api" / "nodes")
             .iterdir()]
    charts = [n for n in nodes if str(n.get("filepath", "")).endswith("income_vs_expenses.json")]
    assert charts and charts[0]["preview_type"] == "PlotlyPreview"
    assert charts[0]["preview"]["data"][0]["name"] == "income"


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary: `make test` installs Debian's "
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
