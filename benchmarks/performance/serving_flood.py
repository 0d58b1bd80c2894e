"""Unauthenticated random-path flood against the real service: does anything grow?

    .venv/bin/python -m benchmarks.performance.serving_flood --bentoml-home ~/bentoml \
        [--requests 20000] [--body-timeout 2] [--request-timeout 3]

Needs trained models (`make run`). Serves the service on loopback (one worker), sends
``GET /x/<uuid4>`` without a key in steps of 5,000 (one connection, sequential), and
after each step records the worker's RSS, the size of ``/metrics`` and the time to scrape
it. BentoML's own timeout middleware keeps a small timer per request until the backstop
timeout (body + answer timeouts + 5 s) expires, so the RSS levels off after that long;
short timeouts show the plateau within the run. Results: benchmarks/results/serving_flood.json.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[2]
from benchmarks.performance.run_benchmarks import RESULTS, machine  # noqa: E402
from benchmarks.performance.serving_load import KEY, _serve  # noqa: E402

METRICS_KEY = "flood-metrics-key-0123456789"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bentoml-home", default=os.environ.get("BENTOML_HOME",
                                                                 str(Path.home() / "bentoml")))
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--body-timeout", type=float, default=2.0)
    parser.add_argument("--request-timeout", type=float, default=3.0)
    args = parser.parse_args()
    env = {**os.environ, "BENTOML_HOME": args.bentoml_home, "BENTOML_DO_NOT_TRACK": "true",
           "TITANS_API_KEYS": KEY, "TITANS_METRICS_API_KEYS": METRICS_KEY,
           "TITANS_BODY_TIMEOUT_SEC": str(args.body_timeout),
           "TITANS_REQUEST_TIMEOUT_SEC": str(args.request_timeout),
           "TITANS_HISTORY_DB": str(Path(tempfile.mkdtemp()) / "history.sqlite3")}
    server, url = _serve("titans_finance.serving.service:TitansFinance", ROOT, env)

    def worker_rss_mib() -> float:
        children = psutil.Process(server.pid).children(recursive=True)
        return round(max(c.memory_info().rss for c in children) / 2**20, 1)

    def scrape() -> tuple[int, float]:
        started = time.perf_counter()
        text = httpx.get(f"{url}/metrics", headers={"Authorization": f"Bearer {METRICS_KEY}"},
                         timeout=60).content
        return len(text), round(time.perf_counter() - started, 3)

    steps, statuses = [], {}
    try:
        with httpx.Client(base_url=url, timeout=10) as http:
            for _ in range(200):  # warm-up
                http.get(f"/x/{uuid.uuid4()}")
            steps.append({"requests": 0, "worker_rss_mib": worker_rss_mib(),
                          **dict(zip(("metrics_bytes", "scrape_s"), scrape(), strict=True))})
            sent = 0
            while sent < args.requests:
                for _ in range(min(5000, args.requests - sent)):
                    status = http.get(f"/x/{uuid.uuid4()}").status_code
                    statuses[status] = statuses.get(status, 0) + 1
                    sent += 1
                steps.append({"requests": sent, "worker_rss_mib": worker_rss_mib(),
                              **dict(zip(("metrics_bytes", "scrape_s"), scrape(), strict=True))})
                print(steps[-1], flush=True)
    finally:
        for process in psutil.Process(server.pid).children(recursive=True):
            process.send_signal(signal.SIGTERM)
        os.killpg(server.pid, signal.SIGTERM)
    results = {"steps": steps, "statuses": statuses, "body_timeout": args.body_timeout,
               "request_timeout": args.request_timeout, "machine": machine(),
               "command": "python -m benchmarks.performance.serving_flood " + " ".join(sys.argv[1:])}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "serving_flood.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
