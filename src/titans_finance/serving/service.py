"""BentoML service: the four trained models behind authenticated, validated REST endpoints.

Run from the project root after training (`make run`): ``bentoml serve`` (reads
bentofile.yaml) with ``TITANS_API_KEYS`` set. Models are the ``:latest``
versions in the BentoML model store, saved by the Kedro ``package`` pipeline (or
by ``retrain`` when it promotes a champion); ``POST /models/reload`` picks up new
versions without a restart. Features of incoming transactions are computed by
`titans_finance.core.features` — the training code — from the history state
shipped with the models.

``TITANS_CORRECTIONS_PATH`` (default ``data/01_raw/category_corrections.csv``,
the catalog's ``category_corrections``) is where ``POST /feedback`` appends.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import threading
from collections import deque
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Annotated, Any

import bentoml
from bentoml.exceptions import BentoMLException
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from titans_finance.serving.batching import MicroBatcher
from titans_finance.serving.schemas import (
    MAX_BATCH,
    Feedback,
    ForecastRequest,
    Transaction,
    finite_or_none,
    transactions_frame,
)
from titans_finance.serving.security import ApiSecurityMiddleware
from titans_finance.serving.store import STORE_NAMES, load

if TYPE_CHECKING:
    import pandas as pd

# pandas' strings live in Arrow buffers; Arrow's own allocator keeps freed memory for
# reuse, so the worker's RSS would stay at its busiest moment. The system allocator
# hands it back (with `_return_freed_memory`). Set before pandas/pyarrow are imported.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

# The models' libraries (pandas, scikit-learn...) are imported in the worker only, when
# the models load: `bentoml serve`'s supervisor process imports this module too, and
# importing them there would cost ~100 MB of RSS for nothing.

_EXAMPLE = Transaction.model_config["json_schema_extra"]["example"]


DEFAULT_CORRECTIONS_PATH = "data/01_raw/category_corrections.csv"
MODEL_NAMES = ("category", "amount", "anomaly", "cashflow")
METRICS_WINDOW = 1000  # predictions behind the rolling abstention-rate / anomaly-score gauges


class PayloadTooLarge(BentoMLException):
    error_code = HTTPStatus.REQUEST_ENTITY_TOO_LARGE


class CorrectionsUnavailable(BentoMLException):
    error_code = HTTPStatus.CONFLICT


class ReloadFailed(BentoMLException):
    error_code = HTTPStatus.SERVICE_UNAVAILABLE


@dataclass(frozen=True)
class ServedModels:
    """Everything one prediction needs, swapped as a whole on reload (requests in flight
    keep the set they started with)."""

    models: dict[str, Any]
    history: Any
    drift_reference: Any
    versions: dict[str, str]
    info: dict[str, dict[str, Any]]

    @classmethod
    def from_store_entries(cls, entries: dict[str, Any]) -> ServedModels:
        """``entries``: store name key (``category``..., ``history``, ``drift_reference``) →
        a BentoML model (``.path``, ``.tag``, ``.info.metadata``). Every model answers one
        example transaction before the set is used (`check`)."""
        served = cls(
            models={name: load(entries[name].path) for name in MODEL_NAMES},
            history=load(entries["history"].path),
            drift_reference=load(entries["drift_reference"].path),
            versions={name: str(entry.tag) for name, entry in entries.items()},
            info={name: {"name": name, "version": str(entries[name].tag),
                         "trained_at": entries[name].info.metadata.get("trained_at"),
                         "metrics": entries[name].info.metadata.get("metrics", {}),
                         "data_hash": entries[name].info.metadata.get("data_hash")}
                  for name in MODEL_NAMES})
        served.check()
        return served

    def check(self) -> None:
        """Score one example transaction with every model; raise `IncompatibleModels`
        naming the model if one cannot (e.g. pickled by an older version of the code):
        better refused at start or reload than a 500 on every request."""
        from titans_finance.core.features import build_features

        frame = transactions_frame([Transaction(**_EXAMPLE)])
        try:
            features = build_features(frame, self.history, independent=True)
        except Exception as exc:
            raise IncompatibleModels("history", self.versions.get("history"), exc) from exc
        checks = {**{name: functools.partial(score, self.models[name], frame, features)
                     for name, score in TRANSACTION_SCORERS.items()},
                  "cashflow": functools.partial(self.models["cashflow"].predict, 1, None, None)}
        for name, call in checks.items():
            try:
                call()
            except Exception as exc:
                raise IncompatibleModels(name, self.versions.get(name), exc) from exc


# How each per-transaction model scores (transactions frame, features) → its output frame:
# one table for the endpoints and for the load-time check.
TRANSACTION_SCORERS = {
    "category": lambda model, frame, features: model.predict(frame, features),
    "amount": lambda model, frame, features: model.predict(frame, features),
    "anomaly": lambda model, frame, features: model.score(frame, features),
}


class IncompatibleModels(RuntimeError):
    def __init__(self, name: str, version: str | None, cause: Exception) -> None:
        super().__init__(f"model {name!r} ({version}) cannot score an example transaction "
                         f"({type(cause).__name__}: {cause}); it was probably saved by another "
                         f"version of titans-finance: retrain (`make run`) or package again")


class PredictionMetrics:
    """Prometheus series of what the models answer (served on BentoML's ``/metrics``).

    Created in the worker (prometheus_client must be imported after BentoML set up its
    multiprocess directory), once per process.
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
        self._lock = threading.Lock()

    @classmethod
    def get(cls) -> PredictionMetrics:
        if cls._instance is None:
            cls._instance = cls()
        return cls._instance

    def observe_categories(self, predictions: pd.DataFrame) -> None:
        from titans_finance.core.schema import UNCERTAIN_CATEGORY

        counts = predictions.groupby(["category", "source"]).size()
        for (category, source), count in counts.items():
            self.categories.labels(category=category, source=source).inc(int(count))
        by_model = predictions["source"] == "model"
        with self._lock:
            self._abstained.extend((predictions["category"][by_model] == UNCERTAIN_CATEGORY)
                                   .tolist())
            if self._abstained:
                self.abstention_rate.set(sum(self._abstained) / len(self._abstained))

    def observe_anomalies(self, scores: pd.DataFrame) -> None:
        self.anomaly_flags.inc(int(scores["is_anomaly"].sum()))
        with self._lock:
            self._scores.extend(scores["score"].astype(float).tolist())
            if self._scores:
                self.anomaly_mean.set(sum(self._scores) / len(self._scores))


class TransactionInput(Transaction):
    """One transaction (request body of the single-prediction endpoints)."""


class BatchInput(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {
        "transactions": [_EXAMPLE]}})
    transactions: Annotated[list[Transaction], Field(
        min_length=1, description=f"1 to {MAX_BATCH} transactions; more gives 413")]


class ValidateInput(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {
        "transactions": [_EXAMPLE, {"description": "", "amount": "abc", "date": "2024-13-45"}]}})
    transactions: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=MAX_BATCH)]


def _return_freed_memory() -> None:
    """Give memory freed by a large batch back to the OS (glibc keeps freed heap pages
    otherwise, and the worker's RSS would stay at its largest batch). No-op off glibc."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


# around a batch at least this large, `_return_freed_memory`
TRIM_AFTER_ROWS = 500
# Large batches are scored one at a time: the work holds the GIL (no throughput lost) and
# the worker's memory peaks at one batch, not at one batch per concurrent request.
_LARGE_BATCH_LOCK = threading.Lock()


def _model(name: str) -> bentoml.models.BentoModel:
    return bentoml.models.BentoModel(f"{STORE_NAMES[name]}:latest")


def _latest_store_entries() -> dict[str, Any]:
    return {name: bentoml.models.get(f"{store_name}:latest")
            for name, store_name in STORE_NAMES.items()}


@bentoml.service(name="titans_finance", traffic={"timeout": 60}, workers=1)
class TitansFinance:
    category_ref = _model("category")
    amount_ref = _model("amount")
    anomaly_ref = _model("anomaly")
    cashflow_ref = _model("cashflow")
    history_ref = _model("history")
    drift_reference_ref = _model("drift_reference")

    def __init__(self) -> None:
        self.served = ServedModels.from_store_entries({
            "category": self.category_ref, "amount": self.amount_ref,
            "anomaly": self.anomaly_ref, "cashflow": self.cashflow_ref,
            "history": self.history_ref, "drift_reference": self.drift_reference_ref})
        self.metrics = PredictionMetrics.get()
        self.corrections_path = os.environ.get("TITANS_CORRECTIONS_PATH",
                                               DEFAULT_CORRECTIONS_PATH)
        self._reload_lock = threading.Lock()
        # concurrent single requests are scored together (see serving/batching.py)
        self.batchers = {which: MicroBatcher(functools.partial(self._score, which))
                         for which in ("category", "amount", "anomaly")}

    # ------------------------------------------------------------------ helpers
    def _predict_all(self, transactions: list[Transaction], which: tuple[str, ...],
                     served: ServedModels | None = None, observe: bool = True,
                     independent: bool = True) -> dict:
        """The models' outputs for ``transactions``, computed together (vectorised).

        ``independent``: every transaction is scored as if it came alone (the history is
        the training history only), so a batch answers exactly what single requests do.
        """
        served = served or self.served
        frame = transactions_frame(transactions)
        from titans_finance.core.features import build_features

        features = build_features(frame, served.history, independent=independent)
        out: dict[str, Any] = {"frame": frame, "features": features}
        for name in which:
            out[name] = TRANSACTION_SCORERS[name](served.models[name], frame, features)
        if observe and "category" in which:
            self.metrics.observe_categories(out["category"])
        if observe and "anomaly" in which:
            self.metrics.observe_anomalies(out["anomaly"])
        return out

    @staticmethod
    def _category_items(frame: pd.DataFrame, version: str) -> list[dict[str, Any]]:
        return [{"category": category, "confidence": confidence, "top_k": top_k, "source": source,
                 "model_version": version}
                for category, confidence, top_k, source in zip(
                    frame["category"].tolist(), frame["confidence"].astype(float).tolist(),
                    frame["top_k"].tolist(), frame["source"].tolist(), strict=True)]

    @staticmethod
    def _amount_items(frame: pd.DataFrame, version: str) -> list[dict[str, Any]]:
        point, lower, upper = (frame[c].astype(float).round(2).tolist()
                               for c in ("predicted_amount", "lower", "upper"))
        return [{"predicted_amount": p, "interval": [lo, hi], "model_version": version}
                for p, lo, hi in zip(point, lower, upper, strict=True)]

    @staticmethod
    def _anomaly_items(frame: pd.DataFrame, version: str) -> list[dict[str, Any]]:
        return [{"score": score, "is_anomaly": flag,
                 "reasons": [r for r in str(reasons).split("; ") if r], "model_version": version}
                for score, flag, reasons in zip(
                    frame["score"].astype(float).tolist(), frame["is_anomaly"].astype(bool).tolist(),
                    frame["reasons"].tolist(), strict=True)]

    def _score(self, which: str, transactions: list[Transaction]) -> list[dict[str, Any]]:
        """One vectorised call for a micro-batch of single requests."""
        served = self.served
        result = self._predict_all(transactions, (which,), served)
        items = {"category": self._category_items, "amount": self._amount_items,
                 "anomaly": self._anomaly_items}[which]
        return items(result[which], served.versions[which])

    # ------------------------------------------------------------------ endpoints
    @bentoml.api(route="/predict/category", input_spec=TransactionInput)
    async def predict_category(self, **fields: Any) -> dict[str, Any]:
        """Category of one transaction (or `uncertain`), confidence and top-k alternatives."""
        return await self.batchers["category"].submit(Transaction(**fields))

    @bentoml.api(route="/predict/amount", input_spec=TransactionInput)
    async def predict_amount(self, **fields: Any) -> dict[str, Any]:
        """Expected signed amount of a transaction like this one, with an 80 % interval."""
        return await self.batchers["amount"].submit(Transaction(**fields))

    @bentoml.api(route="/predict/anomaly", input_spec=TransactionInput)
    async def predict_anomaly(self, **fields: Any) -> dict[str, Any]:
        """Anomaly score in [0, 1], flag and human-readable reasons."""
        return await self.batchers["anomaly"].submit(Transaction(**fields))

    @bentoml.api(route="/forecast/cashflow", input_spec=ForecastRequest)
    def forecast_cashflow(self, horizon_days: int = 30, opening_balance: float | None = None,
                          low_balance_threshold: float | None = None) -> dict[str, Any]:
        """Daily net cash-flow forecast (point and 80 % interval) and projected balance."""
        served = self.served
        table, summary = served.models["cashflow"].predict(horizon_days, opening_balance,
                                                           low_balance_threshold)
        days = [{"date": str(r.date.date()), "point": round(r.point, 2), "lower": round(r.lower, 2),
                 "upper": round(r.upper, 2), "balance": round(r.balance, 2)}
                for r in table.itertuples()]
        return {"days": days, "summary": {k: finite_or_none(v) if isinstance(v, float) else v
                                          for k, v in summary.items()},
                "model_version": served.versions["cashflow"]}

    @bentoml.api(route="/predict/batch", input_spec=BatchInput)
    def predict_batch(self, transactions: list[Transaction]) -> dict[str, Any]:
        """Category, amount and anomaly for up to 10,000 transactions, computed together."""
        if len(transactions) > MAX_BATCH:
            raise PayloadTooLarge(f"transactions: {len(transactions)} items, at most {MAX_BATCH}")
        served = self.served
        large = len(transactions) >= TRIM_AFTER_ROWS
        with _LARGE_BATCH_LOCK:
            if large:  # what the previous large response left behind (serialised after return)
                _return_freed_memory()
            result = self._predict_all(transactions, ("category", "amount", "anomaly"), served)
        response = {"results": [
            {"category": category, "amount": amount, "anomaly": anomaly}
            for category, amount, anomaly in zip(
                self._category_items(result["category"], served.versions["category"]),
                self._amount_items(result["amount"], served.versions["amount"]),
                self._anomaly_items(result["anomaly"], served.versions["anomaly"]), strict=True)]}
        del result
        if large:
            _return_freed_memory()
        return response

    @bentoml.api(route="/validate", input_spec=ValidateInput)
    def validate(self, transactions: list[dict[str, Any]]) -> dict[str, Any]:
        """Schema check only: per-item errors (field and message), no prediction."""
        items = []
        for index, item in enumerate(transactions):
            try:
                Transaction.model_validate(item)
                items.append({"index": index, "valid": True, "errors": []})
            except ValidationError as exc:
                items.append({"index": index, "valid": False, "errors": [
                    {"field": ".".join(str(p) for p in error["loc"]) or "(item)",
                     "message": error["msg"]} for error in exc.errors(include_url=False)]})
        return {"valid": all(i["valid"] for i in items), "items": items}

    @bentoml.api(route="/models")
    def models_info(self) -> dict[str, Any]:
        """Name, version, training time and metrics of each loaded model."""
        served = self.served
        return {"models": list(served.info.values()),
                "history_version": served.versions["history"],
                "drift_reference_version": served.versions["drift_reference"],
                "served_since": _STARTED}

    @bentoml.api(route="/monitor/drift", input_spec=BatchInput)
    def monitor_drift(self, transactions: list[Transaction]) -> dict[str, Any]:
        """Drift of a batch against the training data: PSI / KS per feature with a verdict
        (ok / warn / drift), category mix, anomaly rate and the category model's confidence."""
        if len(transactions) > MAX_BATCH:
            raise PayloadTooLarge(f"transactions: {len(transactions)} items, at most {MAX_BATCH}")
        served = self.served
        # a batch of new transactions over time: later ones see the earlier ones' history,
        # as in the monitoring pipeline
        with _LARGE_BATCH_LOCK:
            result = self._predict_all(transactions, ("category", "anomaly"), served,
                                       observe=False, independent=False)
            return served.drift_reference.compare(result["frame"], result["features"],
                                                  result["category"], result["anomaly"])

    @bentoml.api(route="/feedback", input_spec=Feedback)
    def feedback(self, **fields: Any) -> dict[str, Any]:
        """Correct a transaction's category; the next training uses it (and a merchant
        corrected consistently becomes a rule)."""
        from titans_finance.core.corrections import CorrectionsFileError, append_correction

        record = Feedback(**fields).record()
        try:
            append_correction(self.corrections_path, record)
        except CorrectionsFileError as exc:
            raise CorrectionsUnavailable(str(exc)) from None
        return {"accepted": True, "correction": record}

    @bentoml.api(route="/models/reload")
    def reload_models(self) -> dict[str, Any]:
        """Load the latest models of the store (e.g. a champion the retrain pipeline just
        promoted) without a restart; on failure the current models keep serving."""
        with self._reload_lock:
            previous = self.served.versions
            try:
                fresh = ServedModels.from_store_entries(_latest_store_entries())
            except Exception as exc:  # noqa: BLE001 - any load or check failure: keep serving
                raise ReloadFailed(f"reload failed, still serving {previous}: {exc}") from None
            self.served = fresh
        changed = sorted(k for k in fresh.versions if fresh.versions[k] != previous.get(k))
        return {"reloaded": True, "changed": changed, "versions": fresh.versions,
                "previous": previous}


_STARTED = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
TitansFinance.add_asgi_middleware(ApiSecurityMiddleware)
