"""BentoML service: the four trained models behind authenticated, validated REST endpoints.

Run from the project root after training (`make run`): ``bentoml serve`` (reads
bentofile.yaml) with ``TITANS_API_KEYS`` set. The service serves exactly the versions this
checkout packaged — the manifest ``data/08_reporting/packaged_models.json`` written by the
package pipeline (``TITANS_PACKAGED_MODELS`` points elsewhere) — never whatever is
``:latest`` in the shared BentoML store, and checks each artefact's SHA-256 against the
manifest before unpickling it (registry/store.py). It says at start-up which versions and
which training data it serves. ``POST /models/reload`` (admin keys) reads the manifest
again. Features of incoming transactions are computed by `titans_finance.core.features`
— the training code — against each account's rolling history
(`titans_finance.core.rolling`): the history state shipped with the models followed by the
transactions recorded since (``/predict/anomaly`` and ``/predict/batch`` record; a second
send of a charge is scored against a history that holds the first). Kept in memory only,
bounded by the ``TITANS_HISTORY_*`` settings; a restart starts from the shipped state.

Without a usable key configuration or manifest, ``bentoml serve`` exits at once with
status 2 and a one-line reason. docs/security.md has the threat model.

``TITANS_CORRECTIONS_PATH`` (default ``data/01_raw/category_corrections.csv``,
the catalog's ``category_corrections``) is where ``POST /feedback`` appends.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import os
import sys
import threading
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import bentoml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from starlette.responses import JSONResponse

from titans_finance.serving.batching import SCORING_EXECUTOR, MicroBatcher
from titans_finance.serving.errors import error_body, field_errors, install_client_error_log_filter
from titans_finance.serving.schemas import (
    MAX_BATCH,
    Feedback,
    ForecastRequest,
    Transaction,
    finite_or_none,
    forecast_days,
    preparse_items,
    refuse_oversized,
    transactions_frame,
)
from titans_finance.registry.store import (
    STORE_NAMES,
    Manifest,
    ManifestError,
    UntrustedArtefact,
    load,
    verify_stored,
)
from titans_finance.serving.security import (
    CURRENT_CALLER,
    ROLE_ADMIN,
    ApiSecurityMiddleware,
    ConfigurationError,
    Guard,
    RateLimited,
    RoutePolicy,
    charge,
    retry_after_header,
)
from titans_finance.serving.settings import ServingSettings

if TYPE_CHECKING:
    import pandas as pd

# pandas' strings live in Arrow buffers; Arrow's own allocator keeps freed memory for
# reuse, so the worker's RSS would stay at its busiest moment. The system allocator
# hands it back (with `_return_freed_memory`). Set before pandas/pyarrow are imported.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

# The models' libraries (pandas, scikit-learn...) are imported in the worker only, when
# the models load: `bentoml serve`'s supervisor process imports this module too, and
# importing them there would cost ~100 MB of RSS for nothing.

logger = logging.getLogger("titans_finance.serving")

_EXAMPLE = Transaction.model_config["json_schema_extra"]["example"]

MODEL_NAMES = ("category", "amount", "anomaly", "cashflow")
METRICS_WINDOW = 1000  # predictions behind the rolling abstention-rate / anomaly-score gauges
MAX_CATEGORY_LABELS = 200  # distinct category labels in the prediction counter, then "other"
# Every endpoint, who may call it and whether it takes a batch-sized body. The security
# middleware answers 404 for any other path; a test checks this table against the APIs.
ROUTES = {
    "/predict/category": RoutePolicy(), "/predict/amount": RoutePolicy(),
    "/predict/anomaly": RoutePolicy(), "/forecast/cashflow": RoutePolicy(),
    "/predict/batch": RoutePolicy(bulk=True), "/validate": RoutePolicy(bulk=True),
    "/monitor/drift": RoutePolicy(bulk=True), "/models": RoutePolicy(),
    "/feedback": RoutePolicy(), "/models/reload": RoutePolicy(role=ROLE_ADMIN),
}


def manifest_path() -> str:
    return ServingSettings.get().manifest_path


@dataclass(frozen=True)
class ServedModels:
    """Everything one prediction needs, swapped as a whole on reload (requests in flight
    keep the set they started with). ``rolling``: the per-account rolling history on top
    of ``history`` (mutable, with its own lock; carried over on reload)."""

    models: dict[str, Any]
    history: Any
    drift_reference: Any
    versions: dict[str, str]
    info: dict[str, dict[str, Any]]
    data_hash: str | None = None
    packaged_at: str | None = None
    rolling: Any = None

    @classmethod
    def from_manifest(cls, manifest: Manifest, limits: dict[str, int] | None = None
                      ) -> ServedModels:
        """Load the versions ``manifest`` names, each verified against its digest; every
        model answers one example transaction before the set is used (`check`)."""
        try:
            entries = {name: bentoml.models.get(tag) for name, tag in manifest.tags.items()}
        except bentoml.exceptions.NotFound as exc:
            raise ManifestError(f"{manifest.path} names a version that is not in the BentoML "
                                f"store ({os.environ.get('BENTOML_HOME', '~/bentoml')}): "
                                f"{exc}; package again (`kedro run --pipelines package`)") from None
        return cls.from_store_entries(entries, manifest.sha256, manifest.data_hash,
                                      manifest.packaged_at, limits)

    @classmethod
    def from_store_entries(cls, entries: dict[str, Any], digests: dict[str, str],
                           data_hash: str | None = None, packaged_at: str | None = None,
                           limits: dict[str, int] | None = None) -> ServedModels:
        """``entries``: store name key (``category``..., ``history``, ``drift_reference``) →
        a BentoML model (``.path``, ``.tag``, ``.info.metadata``); ``digests``: the SHA-256
        recorded for each when it was packaged."""
        objects = {name: load(entry.path, digests[name]) for name, entry in entries.items()}
        info = {}
        for name in MODEL_NAMES:
            metadata = entries[name].info.metadata
            info[name] = {"name": name, "version": str(entries[name].tag),
                          "trained_at": metadata.get("trained_at"),
                          "metrics": metadata.get("metrics", {}),
                          "data_hash": data_hash or metadata.get("data_hash")}
        info["anomaly"]["threshold"] = float(objects["anomaly"].threshold)
        info["cashflow"]["as_of"] = forecast_as_of(objects["cashflow"])
        from titans_finance.core.rolling import RollingHistory, RollingLimits

        served = cls(models={name: objects[name] for name in MODEL_NAMES},
                     history=objects["history"], drift_reference=objects["drift_reference"],
                     versions={name: str(entry.tag) for name, entry in entries.items()},
                     info=info, data_hash=data_hash, packaged_at=packaged_at,
                     rolling=RollingHistory(objects["history"], RollingLimits(**(limits or {}))))
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

    def describe(self) -> str:
        """One line: which versions and which training data are served."""
        versions = ", ".join(self.versions[name] for name in STORE_NAMES)
        return (f"serving {versions}; trained on data {self.data_hash or 'unknown'} "
                f"(packaged {self.packaged_at or 'unknown'})")


def forecast_as_of(model: Any) -> str | None:
    """The last day of data the cash-flow forecast starts after (its 'as of' date)."""
    end = getattr(model, "metadata", {}).get("data_end")
    if end:
        return str(end)[:10]
    forecast = getattr(model, "forecast", None)
    if forecast is not None and len(forecast):
        import pandas as pd

        return str((pd.Timestamp(forecast.index[0]) - pd.Timedelta(days=1)).date())
    return None


# How each per-transaction model scores (transactions frame, features) → its output frame:
# one table for the endpoints and for the load-time check.
TRANSACTION_SCORERS = {
    "category": lambda model, frame, features: model.predict(frame, features),
    "amount": lambda model, frame, features: model.predict(frame, features),
    "anomaly": lambda model, frame, features: model.score(frame, features),
}


# Whether a model reads the transaction's history: the category model reads the row's own
# text and amount only (models/category.py NUMERIC_INPUTS, the text of description and
# merchant: `core.features.own_features`), so /predict/category takes no history lock, no
# history round-trip, and computes no feature it does not read.
USES_HISTORY = {"category": False, "amount": True, "anomaly": True}


class IncompatibleModels(RuntimeError):
    def __init__(self, name: str, version: str | None, cause: Exception) -> None:
        super().__init__(f"model {name!r} ({version}) cannot score an example transaction "
                         f"({type(cause).__name__}: {cause}); it was probably saved by another "
                         f"version of titans-finance: retrain (`make run`) or package again")


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


class TransactionInput(Transaction):
    """One transaction (request body of the single-prediction endpoints)."""


class BatchInput(BaseModel):
    """Up to `MAX_BATCH` transactions. Only the list is checked while the request is parsed
    (on the event loop); the items are validated with the scoring, on the batch thread, so
    the probes never wait behind a large body (`validated_transactions`)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {
        "transactions": [_EXAMPLE]}})
    transactions: Annotated[list[dict[str, Any]], Field(
        min_length=1, max_length=MAX_BATCH,
        description=f"1 to {MAX_BATCH} transactions; more gives 413"), WithJsonSchema({
            "type": "array", "minItems": 1, "maxItems": MAX_BATCH,
            "items": Transaction.model_json_schema(),
            "description": f"1 to {MAX_BATCH} transactions; more gives 413"})]

    @model_validator(mode="before")
    @classmethod
    def _at_most_max_batch(cls, data: Any) -> Any:
        return refuse_oversized(data)


class InvalidBatch(Exception):
    def __init__(self, message: str, detail: list[dict[str, Any]]):
        super().__init__(message)
        self.detail = detail


_TRANSACTIONS = TypeAdapter(list[Transaction])


def validated_transactions(items: list[dict[str, Any]]) -> list[Transaction]:
    """The items of a batch as transactions (string amounts and dates parsed in one call
    each), or `InvalidBatch` with every failing field as ``transactions.<i>.<field>``."""
    try:
        return _TRANSACTIONS.validate_python(preparse_items(items))
    except ValidationError as exc:
        errors = [{**e, "loc": ("transactions", *e["loc"])} for e in exc.errors(
            include_url=False, include_input=False, include_context=False)]
        message, detail = field_errors(errors)
        raise InvalidBatch(message, detail) from None


class ValidateInput(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {
        "transactions": [_EXAMPLE, {"description": "", "amount": "abc", "date": "2024-13-45"}]}})
    transactions: Annotated[list[dict[str, Any]], Field(
        min_length=1, max_length=MAX_BATCH,
        description=f"1 to {MAX_BATCH} transactions, checked one by one; more gives 413")]

    @model_validator(mode="before")
    @classmethod
    def _at_most_max_batch(cls, data: Any) -> Any:
        return refuse_oversized(data)  # items are pre-parsed and validated in the endpoint


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
# Batches (and /validate, /monitor/drift) are scored one at a time on their own thread:
# the work holds the GIL (no throughput lost), the worker's memory peaks at one batch,
# and the event loop (probes, /models, single predictions) keeps answering meanwhile.
BULK_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="titans-bulk")


def _error(status: int, message: str, headers: list | None = None,
           detail: list | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, message, detail), status_code=status,
                        headers={k.decode(): v.decode() for k, v in headers or []})


def _rate_limited(exc: RateLimited) -> JSONResponse:
    return _error(429, str(exc), [retry_after_header(exc.retry_after)])


def preflight() -> int:
    """Load and check the manifest's models as the worker will (run in a child process of
    `check_start_up`, so that the supervisor never holds the models): 0, or 2 with the
    reason on stderr."""
    try:
        ServedModels.from_manifest(Manifest.read(manifest_path()))
    except (ManifestError, UntrustedArtefact, IncompatibleModels) as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


def _preflight_in_a_child() -> None:
    import subprocess

    code = "import sys; from titans_finance.serving.service import preflight; sys.exit(preflight())"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=os.environ, check=False)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        raise ManifestError(lines[-1] if lines else f"model check exited {result.returncode}")


def check_start_up() -> None:
    """Exit with status 2 and one line on stderr if the service cannot work: bad key
    settings, no usable manifest, an artefact changed since packaging, a model that cannot
    score. Run by `bentoml serve` once, before the workers start (a worker that fails to
    start is restarted over and over by BentoML's supervisor: refuse here instead)."""
    try:
        settings = ServingSettings.get().security  # every TITANS_* setting checked here
        manifest = Manifest.read(manifest_path())
        verify_stored(manifest.tags, manifest.sha256)
        _preflight_in_a_child()
    except (ConfigurationError, ManifestError, UntrustedArtefact) as exc:
        print(f"titans-finance service cannot start: {exc}", file=sys.stderr, flush=True)
        sys.exit(2)
    for warning in settings.warnings:
        print(f"titans-finance service: WARNING: {warning}", file=sys.stderr, flush=True)
    versions = ", ".join(manifest.tags[name] for name in STORE_NAMES)
    print(f"titans-finance service: serving {versions} from {manifest.path}; trained on data "
          f"{manifest.data_hash} (packaged {manifest.packaged_at})", file=sys.stderr, flush=True)


def _declared_models() -> dict[str, bentoml.models.BentoModel]:
    """The manifest's versions as BentoML model references, so that `bentoml build` packs
    exactly these into the bento (none when the manifest is missing: serving then refuses
    to start with the reason)."""
    try:
        manifest = Manifest.read(manifest_path())
        for tag in manifest.tags.values():
            bentoml.models.get(tag)
    except (ManifestError, ConfigurationError, bentoml.exceptions.NotFound):
        return {}
    return {f"{name}_ref": bentoml.models.BentoModel(tag) for name, tag in manifest.tags.items()}


class TitansFinanceService:
    on_start_up = bentoml.on_deployment(check_start_up)

    def __init__(self) -> None:
        # BentoML's worker logs only its own loggers at INFO: ours too (start-up, reloads)
        logging.getLogger("titans_finance").setLevel(logging.INFO)
        install_client_error_log_filter()
        # key settings checked in the worker too (never serve without keys)
        self.settings = Guard.get().settings
        self.history_limits = dict(ServingSettings.get().history_limits)
        try:
            self.served = ServedModels.from_manifest(Manifest.read(manifest_path()),
                                                     self.history_limits)
        except (ManifestError, UntrustedArtefact, IncompatibleModels) as exc:
            logger.error("cannot start: %s", exc)
            print(f"titans-finance service cannot start: {exc}", file=sys.stderr, flush=True)
            raise SystemExit(2) from None
        logger.info("%s", self.served.describe())
        self.metrics = PredictionMetrics.get()
        self.corrections_path = ServingSettings.get().corrections_path
        self._reload_lock = asyncio.Lock()
        # concurrent single requests are scored together (see serving/batching.py)
        self.batchers = {which: MicroBatcher(functools.partial(self._score, which))
                         for which in ("category", "amount", "anomaly")}

    # ------------------------------------------------------------------ helpers
    def _predict_all(self, transactions: list[Transaction], which: tuple[str, ...],
                     served: ServedModels | None = None, observe: bool = True,
                     record: bool = False) -> dict:
        """The models' outputs for ``transactions``, computed together (vectorised).

        Every transaction is scored in the given order against its account's rolling
        history as it stands (`RollingHistory.features`); with ``record``, those whose
        own ``record`` is true are then added to it (the anomaly and batch endpoints), so
        a batch answers what its transactions sent one by one in its order answer.
        Models that read no history (`USES_HISTORY`) alone, not recording: the rows' own
        features, without the history's lock. Raises `TransactionIdConflict` (nothing
        recorded) for a reused transaction_id.
        """
        served = served or self.served
        frame = transactions_frame(transactions)
        if record or any(USES_HISTORY[name] for name in which):
            features = served.rolling.features(
                frame, record=[record and t.record for t in transactions],
                transaction_ids=[t.transaction_id for t in transactions])
        else:  # a model without history reads the row's own features only
            from titans_finance.core.features import own_features

            features = own_features(frame, served.rolling.base)
        out: dict[str, Any] = {"frame": frame, "features": features}
        for name in which:
            out[name] = TRANSACTION_SCORERS[name](served.models[name], frame, features)
        if observe and "category" in which:
            self.metrics.observe_categories(out["category"])
        if observe and "anomaly" in which:
            self.metrics.observe_anomalies(out["anomaly"])
        return out

    @staticmethod
    def _category_items(frame: pd.DataFrame, served: ServedModels) -> list[dict[str, Any]]:
        version = served.versions["category"]
        return [{"category": category, "confidence": confidence, "top_k": top_k, "source": source,
                 "model_version": version}
                for category, confidence, top_k, source in zip(
                    frame["category"].tolist(), frame["confidence"].astype(float).tolist(),
                    frame["top_k"].tolist(), frame["source"].tolist(), strict=True)]

    @staticmethod
    def _amount_items(frame: pd.DataFrame, served: ServedModels) -> list[dict[str, Any]]:
        version = served.versions["amount"]
        point, lower, upper = (frame[c].astype(float).round(2).tolist()
                               for c in ("predicted_amount", "lower", "upper"))
        return [{"predicted_amount": p, "interval": [lo, hi], "model_version": version}
                for p, lo, hi in zip(point, lower, upper, strict=True)]

    @staticmethod
    def _anomaly_items(frame: pd.DataFrame, served: ServedModels) -> list[dict[str, Any]]:
        version, threshold = served.versions["anomaly"], served.info["anomaly"]["threshold"]
        return [{"score": score, "is_anomaly": flag, "threshold": threshold,
                 "reasons": [r for r in str(reasons).split("; ") if r], "model_version": version}
                for score, flag, reasons in zip(
                    frame["score"].astype(float).tolist(),
                    frame["is_anomaly"].astype(bool).tolist(), frame["reasons"].tolist(),
                    strict=True)]

    def _score(self, which: str, transactions: list[Transaction]) -> list[Any]:
        """One vectorised call for a micro-batch of single requests (in arrival order; only
        anomaly requests record). A request whose transaction_id conflicts gets its 409
        and the others are scored without it."""
        from titans_finance.core.rolling import TransactionIdConflict

        served = self.served
        items = {"category": self._category_items, "amount": self._amount_items,
                 "anomaly": self._anomaly_items}[which]
        refused: dict[int, JSONResponse] = {}
        while True:
            live = [i for i in range(len(transactions)) if i not in refused]
            if not live:
                return [refused[i] for i in range(len(transactions))]
            try:
                result = self._predict_all([transactions[i] for i in live], (which,), served,
                                           record=which == "anomaly")
            except TransactionIdConflict as exc:
                refused[live[exc.position]] = _error(409, str(exc))
                continue
            answers = dict(zip(live, items(result[which], served), strict=True))
            return [answers[i] if i in answers else refused[i]
                    for i in range(len(transactions))]

    def _score_batch(self, items: list[dict[str, Any]], served: ServedModels
                     ) -> dict[str, Any]:
        transactions = validated_transactions(items)
        large = len(transactions) >= TRIM_AFTER_ROWS
        if large:  # what the previous large response left behind (serialised after return)
            _return_freed_memory()
        result = self._predict_all(transactions, ("category", "amount", "anomaly"), served,
                                   record=True)
        response = {"results": [
            {"category": category, "amount": amount, "anomaly": anomaly}
            for category, amount, anomaly in zip(
                self._category_items(result["category"], served),
                self._amount_items(result["amount"], served),
                self._anomaly_items(result["anomaly"], served), strict=True)]}
        del result
        if large:
            _return_freed_memory()
        return response

    def _drift(self, items: list[dict[str, Any]], served: ServedModels) -> dict[str, Any]:
        transactions = validated_transactions(items)
        # a batch of new transactions over time, against the training history (drift is
        # measured from what the models were trained on; nothing is recorded): later ones
        # see the earlier ones' history, as in the monitoring pipeline
        frame = transactions_frame(transactions)
        from titans_finance.core.features import build_features

        features = build_features(frame, served.history)
        return served.drift_reference.compare(
            frame, features, *(TRANSACTION_SCORERS[name](served.models[name], frame, features)
                               for name in ("category", "anomaly")))

    def _charge_rows(self, count: int) -> None:
        charge(Guard.get().rows, CURRENT_CALLER.get(), count, "transactions per second")

    async def _bulk(self, route: str, count: int, func, *args) -> Any:
        """``func(*args)`` on the batch thread (admission: the security middleware), after
        charging ``count`` rows to the caller's budget."""
        try:
            self._charge_rows(count)
            return await asyncio.get_running_loop().run_in_executor(BULK_EXECUTOR, func, *args)
        except RateLimited as exc:
            return _rate_limited(exc)
        except InvalidBatch as exc:
            logger.info("client error on %s: %s", route, exc)
            return _error(400, str(exc), detail=exc.detail)
        except Exception as exc:
            from titans_finance.core.rolling import TransactionIdConflict

            if not isinstance(exc, TransactionIdConflict):
                raise
            logger.info("client error on %s: transactions.%d.transaction_id conflicts", route,
                        exc.position)
            return _error(409, f"transactions.{exc.position}: {exc}")

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
        """Anomaly score in [0, 1], flag (`score >= threshold`), the threshold and
        human-readable reasons."""
        return await self.batchers["anomaly"].submit(Transaction(**fields))

    @bentoml.api(route="/forecast/cashflow", input_spec=ForecastRequest)
    async def forecast_cashflow(self, horizon_days: int = 30,
                                opening_balance: float | None = None,
                                low_balance_threshold: float | None = None) -> dict[str, Any]:
        """Daily net cash-flow forecast (point and 80 % interval), the running change since
        `as_of` (the last day of the training data) with its 80 % range, and the projected
        balance for `horizon_days` (1-90) days; `summary.net` is the horizon's net change.
        `balance` is null when no balance is known (the export has none, none is declared,
        no `opening_balance` is given): `summary.balance_note` says so. `summary.shortfall`:
        the chance the balance falls below 0 within 30/60/90 days and the most likely first
        day, with its `as_of` and `balance_source` (`summary.shortfall_threshold`: below
        `low_balance_threshold`); none without a known balance (its `note` says why)."""
        served = self.served
        table, summary = await asyncio.get_running_loop().run_in_executor(
            SCORING_EXECUTOR, served.models["cashflow"].predict, horizon_days, opening_balance,
            low_balance_threshold)
        days = forecast_days(table)
        as_of = served.info["cashflow"]["as_of"]
        age = (dt.date.today() - dt.date.fromisoformat(as_of)).days if as_of else None
        return {"as_of": as_of, "data_age_days": age, "horizon_days": horizon_days,
                "days": days,
                "summary": {k: finite_or_none(v, 2) if isinstance(v, float) else v
                            for k, v in summary.items()},
                "model_version": served.versions["cashflow"]}

    @bentoml.api(route="/predict/batch", input_spec=BatchInput)
    async def predict_batch(self, transactions: list[dict[str, Any]]) -> dict[str, Any]:
        """Category, amount and anomaly for up to 10,000 transactions, computed together.
        Costs one request and one 'row' per transaction of the key's budgets."""
        return await self._bulk("/predict/batch", len(transactions), self._score_batch,
                                transactions, self.served)

    @bentoml.api(route="/validate", input_spec=ValidateInput)
    async def validate(self, transactions: list[dict[str, Any]]) -> dict[str, Any]:
        """Schema check only: per-item errors (field and message), no prediction."""
        return await self._bulk("/validate", len(transactions), _validate_items, transactions)

    @bentoml.api(route="/models")
    async def models_info(self) -> dict[str, Any]:
        """Name, version, training time, data hash and metrics of each loaded model, the
        anomaly threshold in use and the forecast's 'as of' date (GET or POST)."""
        served = self.served
        return {"models": list(served.info.values()),
                "history_version": served.versions["history"],
                "drift_reference_version": served.versions["drift_reference"],
                "data_hash": served.data_hash, "packaged_at": served.packaged_at,
                "served_since": _STARTED,
                "rolling_history": await asyncio.to_thread(served.rolling.stats)}

    @bentoml.api(route="/monitor/drift", input_spec=BatchInput)
    async def monitor_drift(self, transactions: list[dict[str, Any]]) -> dict[str, Any]:
        """Drift of a batch against the training data: PSI / KS per feature with a verdict
        (ok / warn / drift), category mix, anomaly rate and the category model's confidence."""
        return await self._bulk("/monitor/drift", len(transactions), self._drift, transactions,
                                self.served)

    @bentoml.api(route="/feedback", input_spec=Feedback)
    async def feedback(self, **fields: Any) -> dict[str, Any]:
        """Correct a transaction's category; the next training uses it (and a merchant
        corrected consistently becomes a rule). Recorded with the key that sent it; each
        key has a rate and a cap (429 beyond them)."""
        from titans_finance.core.corrections import (
            CorrectionsCapReached,
            CorrectionsFileError,
            append_correction,
        )

        caller = CURRENT_CALLER.get()
        try:
            charge(Guard.get().feedback, caller, 1, "corrections")
        except RateLimited as exc:
            return _rate_limited(exc)
        feedback = Feedback(**fields)
        record = {**feedback.record(), "submitted_by": caller.key_id if caller else ""}
        if feedback.dry_run:
            return {"accepted": False, "dry_run": True, "correction": record}
        try:
            await asyncio.to_thread(append_correction, self.corrections_path, record,
                                    self.settings.feedback_max_per_key)
        except CorrectionsCapReached as exc:
            return _error(429, str(exc))
        except CorrectionsFileError as exc:
            logger.warning("POST /feedback refused: %s", exc)
            return _error(409, "the corrections file is not in the expected format; the "
                               "operator has the details in the service log")
        return {"accepted": True, "correction": record}

    @bentoml.api(route="/models/reload")
    async def reload_models(self) -> dict[str, Any]:
        """Load the versions the manifest names now (e.g. after `kedro run` packaged new
        ones) without a restart; on failure the current models keep serving. Admin keys
        only."""
        async with self._reload_lock:
            previous = self.served.versions
            try:
                fresh = await asyncio.to_thread(
                    lambda: ServedModels.from_manifest(Manifest.read(manifest_path()),
                                                       self.history_limits))
            except Exception as exc:  # noqa: BLE001 - any load or check failure: keep serving
                logger.warning("reload failed, still serving %s: %s", previous, exc)
                return _error(503, f"reload failed, still serving the current models: {exc}")
            # the recorded transactions the new training history does not cover are carried
            # over, and the new set swapped in, while the old history is locked (nothing
            # recorded in between is lost, except by requests still scoring on the old set)
            carried = await asyncio.to_thread(fresh.rolling.adopt, self.served.rolling,
                                              lambda: setattr(self, "served", fresh))
        logger.info("reloaded: %s; %d recorded transactions carried over", fresh.describe(),
                    carried)
        changed = sorted(k for k in fresh.versions if fresh.versions[k] != previous.get(k))
        return {"reloaded": True, "changed": changed, "versions": fresh.versions,
                "previous": previous, "data_hash": fresh.data_hash,
                "rolling_history_carried": carried}


def _validate_items(transactions: list[dict[str, Any]]) -> dict[str, Any]:
    items = []
    for index, item in enumerate(preparse_items(transactions)):
        try:
            Transaction.model_validate(item)
            items.append({"index": index, "valid": True, "errors": []})
        except ValidationError as exc:
            _, detail = field_errors(exc.errors(include_url=False, include_input=False,
                                                include_context=False))
            items.append({"index": index, "valid": False, "errors": [
                {"field": ".".join(str(p) for p in d["loc"]) or "(item)", "message": d["msg"]}
                for d in detail]})
    return {"valid": all(i["valid"] for i in items), "items": items}


for _name, _ref in _declared_models().items():
    setattr(TitansFinanceService, _name, _ref)

def _backstop_timeout() -> float:
    """BentoML's own request timeout, outside our middleware: it answers in BentoML's shape,
    so it must never fire before ours (body time + answer time); and it keeps a timer of
    every request, answered or not, for that long (~5 KB each, measured): not longer."""
    try:
        settings = ServingSettings.get().security
    except ConfigurationError:  # refused at start-up with the reason (check_start_up)
        return 95.0
    return settings.body_timeout + settings.request_timeout + 5.0


# BentoML's own HTTP metrics label requests with their raw path before authentication
# (unbounded series from random paths): off, replaced by serving/http_metrics.py.
# Loopback by default.
TitansFinance = bentoml.service(
    name="titans_finance", workers=1, traffic={"timeout": _backstop_timeout()},
    metrics={"enabled": False}, http={"host": "127.0.0.1"})(TitansFinanceService)

_STARTED = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
TitansFinance.add_asgi_middleware(ApiSecurityMiddleware, routes=ROUTES)
