"""Prometheus series of what the models answer (`PredictionMetrics`, on ``/metrics``)."""

from __future__ import annotations

import threading
from collections import Counter, deque
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

METRICS_WINDOW = 1000  # predictions behind the rolling abstention-rate / anomaly-score gauges
MAX_CATEGORY_LABELS = 200  # distinct category labels in the prediction counter, then "other"


class PredictionMetrics:
    """Prometheus series of what the models answer (served on ``/metrics``).

    Created in the worker (prometheus_client must be imported after BentoML set up its
    multiprocess directory), once per process. Category labels are bounded
    (`MAX_CATEGORY_LABELS`, then ``other``).
    """

    _instance: PredictionMetrics | None = None

    def __init__(self) -> None:
        from prometheus_client import Counter, Gauge

        self.categories = Counter("titans_category_predictions",
                                  "Category predictions served, by category and source",
                                  ["category", "source"])
        self.abstention_rate = Gauge(
            "titans_category_abstention_rate", f"Share of the last {METRICS_WINDOW} model "
            "category predictions that abstained (uncertain)", multiprocess_mode="livemostrecent")
        self.anomaly_mean = Gauge(
            "titans_anomaly_mean_score", f"Mean anomaly score of the last {METRICS_WINDOW} "
            "scored transactions", multiprocess_mode="livemostrecent")
        self.anomaly_flags = Counter("titans_anomaly_flags", "Transactions flagged as anomalous")
        self._abstained: deque[bool] = deque(maxlen=METRICS_WINDOW)
        self._scores: deque[float] = deque(maxlen=METRICS_WINDOW)
        self._labels: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    @classmethod
    def get(cls) -> PredictionMetrics:
        if cls._instance is None:
            cls._instance = cls()
        return cls._instance

    def _label(self, category: str, source: str) -> tuple[str, str]:
        key = (str(category), str(source))
        if key in self._labels:
            return key
        if len(self._labels) < MAX_CATEGORY_LABELS:
            self._labels.add(key)
            return key
        return ("other", "other")

    def observe_categories(self, predictions: pd.DataFrame) -> None:
        from titans_finance.core.schema import UNCERTAIN_CATEGORY

        # plain Python on the few rows of a micro-batch (a pandas groupby cost ~0.4 ms)
        pairs = list(zip(predictions["category"].tolist(), predictions["source"].tolist(),
                         strict=True))
        counts = Counter(pairs)
        with self._lock:
            for (category, source), count in counts.items():
                label_category, label_source = self._label(category, source)
                self.categories.labels(category=label_category, source=label_source).inc(
                    int(count))
            self._abstained.extend(category == UNCERTAIN_CATEGORY
                                   for category, source in pairs if source == "model")
            if self._abstained:
                self.abstention_rate.set(sum(self._abstained) / len(self._abstained))

    def observe_anomalies(self, scores: pd.DataFrame) -> None:
        self.anomaly_flags.inc(int(scores["is_anomaly"].sum()))
        with self._lock:
            self._scores.extend(scores["score"].astype(float).tolist())
            if self._scores:
                self.anomaly_mean.set(sum(self._scores) / len(self._scores))

