"""HTTP metrics with a bounded label set, and the Prometheus exposition of ``/metrics``.

BentoML's own HTTP metrics label every request with its raw path, before any
authentication: random paths from anyone grow the worker's memory, the metric files and
the scrape without bound. They are switched off (``metrics: {enabled: false}`` in the
service config) and replaced by these, labelled with the *endpoint* (a known route,
``/static_content/*`` or ``other``) and the status code: at most a few hundred series,
whatever clients send.
"""

from __future__ import annotations

import os
import threading

DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class HttpMetrics:
    """Request count and duration per endpoint and status (created once per process, in the
    worker: prometheus_client must be imported after BentoML set up its multiprocess
    directory)."""

    _instance: HttpMetrics | None = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        from prometheus_client import Counter, Histogram

        self.requests = Counter("titans_http_requests", "HTTP requests by endpoint and status",
                                ["endpoint", "status"])
        self.duration = Histogram("titans_http_request_duration_seconds",
                                  "Time to answer, by endpoint", ["endpoint"],
                                  buckets=DURATION_BUCKETS)

    @classmethod
    def get(cls) -> HttpMetrics:
        if cls._instance is None:
            with cls._lock:
                if cls._instance is None:
                    cls._instance = cls()
        return cls._instance

    def observe(self, endpoint: str, status: int, seconds: float) -> None:
        code = str(status) if 100 <= status <= 599 else "other"
        self.requests.labels(endpoint=endpoint, status=code).inc()
        self.duration.labels(endpoint=endpoint).observe(seconds)


def exposition() -> tuple[str, bytes]:
    """(content type, text) of every metric of the service: all processes' series when
    BentoML's multiprocess directory is set, else this process's."""
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return CONTENT_TYPE_LATEST, generate_latest(registry)
    return CONTENT_TYPE_LATEST, generate_latest(REGISTRY)
