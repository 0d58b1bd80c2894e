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
send of a charge is scored against a history that holds the first). Every key belongs to a
tenant (serving/tenants.py): accounts, ids, history, quotas, budgets, corrections and the
counts of ``/models`` are the caller's tenant's (serving/tenant_history.py). Bounded by
the ``TITANS_HISTORY_*`` settings per tenant; recorded transactions are kept in SQLite
and replayed at start (serving/history_store.py), so a restart loses none.

Without a usable key configuration or manifest, ``bentoml serve`` exits at once with
status 2 and a one-line reason. docs/security.md has the threat model. ``POST /feedback``
appends to ``TITANS_CORRECTIONS_PATH`` (the catalog's ``category_corrections``).
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import functools
import logging
import sys
import time
from typing import Any

import bentoml
from starlette.responses import JSONResponse, Response

from titans_finance.registry.store import Manifest, ManifestError, UntrustedArtefact
from titans_finance.serving.answers import (
    ANSWER_ITEMS,
    amount_items,
    anomaly_items,
    category_items,
    json_response,
)
from titans_finance.serving.batch_inputs import (  # noqa: F401 (their old home)
    BatchInput,
    InvalidBatch,
    TransactionInput,
    ValidateInput,
    validate_items,
    validated_transactions,
)
from titans_finance.serving.batch_rows import BatchRows, validated_rows
from titans_finance.serving.batch_thread import (
    BULK_EXECUTOR, TRIM_AFTER_ROWS, collections_paused, freeze_loaded_objects, json_answer,
    return_freed_memory_soon,
)
from titans_finance.serving.batching import SCORING_EXECUTOR, MicroBatcher
from titans_finance.serving.errors import error_body, install_client_error_log_filter
from titans_finance.serving.feedback import FeedbackRefused, receive_feedback
from titans_finance.serving.prediction_metrics import PredictionMetrics
from titans_finance.serving.schemas import (
    Feedback,
    ForecastRequest,
    Transaction,
    finite_or_none,
    forecast_days,
    transactions_frame,
)
from titans_finance.serving.security import (
    CURRENT_CALLER,
    ROLE_ADMIN,
    ApiSecurityMiddleware,
    Guard,
    RateLimited,
    RoutePolicy,
    charge,
    charge_after,
    retry_after_header,
    tenant_of,
)
from titans_finance.serving.served_models import (  # noqa: F401 (their old home)
    TRANSACTION_SCORERS,
    USES_HISTORY,
    IncompatibleModels,
    ServedModels,
    bound_text_memos,
    manifest_path,
)
from titans_finance.serving.settings import ServingSettings
from titans_finance.serving.start_up import (  # noqa: F401 (their old home)
    _backstop_timeout,
    _declared_models,
    check_start_up,
)
from titans_finance.serving.tenants import scope_to_caller
from titans_finance.serving.worker_memory import prepare_process

# How the processes keep their memory (allocator settings that reach the worker from the
# supervisor; BentoML's request timeout replaced): serving/worker_memory.py.
prepare_process()

# The models' libraries (pandas, scikit-learn...) are imported in the worker only, when
# the models load: the supervisor imports this module too (they cost it ~85 MB of RSS;
# tests/serving/test_memory.py checks that importing this module imports none of them).

logger = logging.getLogger("titans_finance.serving")

# Every endpoint, who may call it and whether it takes a batch-sized body. The security
# middleware answers 404 for any other path; a test checks this table against the APIs.
ROUTES = {
    "/predict/category": RoutePolicy(), "/predict/amount": RoutePolicy(),
    "/predict/anomaly": RoutePolicy(), "/forecast/cashflow": RoutePolicy(),
    "/predict/batch": RoutePolicy(bulk=True), "/validate": RoutePolicy(bulk=True),
    "/monitor/drift": RoutePolicy(bulk=True), "/models": RoutePolicy(),
    "/feedback": RoutePolicy(), "/models/reload": RoutePolicy(role=ROLE_ADMIN),
    "/admin/keys/reload": RoutePolicy(role=ROLE_ADMIN),
}


def _error(status: int, message: str, headers: list | None = None,
           detail: list | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, message, detail), status_code=status,
                        headers={k.decode(): v.decode() for k, v in headers or []})


def _rate_limited(exc: RateLimited) -> JSONResponse:
    return _error(429, str(exc), [retry_after_header(exc.retry_after)])


def _tenant() -> str:
    return tenant_of(CURRENT_CALLER.get())


def _own(transaction: Transaction) -> Transaction:
    """The transaction with its account the caller's tenant's (serving/tenants.py)."""
    return scope_to_caller([transaction])[0]


def _in_caller_context(func):
    """``func`` to run on another thread with this request's caller (its tenant)."""
    return functools.partial(contextvars.copy_context().run, func)


class TitansFinanceService:
    on_start_up = bentoml.on_deployment(check_start_up)

    def __init__(self) -> None:
        # BentoML's worker logs only its own loggers at INFO: ours too (start-up, reloads)
        logging.getLogger("titans_finance").setLevel(logging.INFO)
        install_client_error_log_filter()
        # key settings checked in the worker too (never serve without keys)
        self.settings = Guard.get().settings
        self.history_limits = dict(ServingSettings.get().history_limits)
        bound_text_memos(ServingSettings.get().text_memo_bytes)  # memory by request text
        try:
            self.served = ServedModels.from_manifest(Manifest.read(manifest_path()),
                                                     self.history_limits)
        except (ManifestError, UntrustedArtefact, IncompatibleModels) as exc:
            logger.error("cannot start: %s", exc)
            print(f"titans-finance service cannot start: {exc}", file=sys.stderr, flush=True)
            raise SystemExit(2) from None
        logger.info("%s", self.served.describe())
        self._keep_history()
        freeze_loaded_objects()
        self.metrics = PredictionMetrics.get()
        self.corrections_path = ServingSettings.get().corrections_path
        # corrections act on later answers at once, per tenant (serving/corrections_live.py;
        # imported here: its rules are read with pandas, which the supervisor never needs)
        from titans_finance.serving.corrections_live import LiveCorrections

        self.corrections = LiveCorrections(self.corrections_path,
                                           self.settings.feedback_rule_max_rows)
        self._reload_lock = asyncio.Lock()
        # concurrent single requests are scored together (see serving/batching.py)
        self.batchers = {which: MicroBatcher(functools.partial(self._score, which))
                         for which in ("category", "amount", "anomaly")}

    def _keep_history(self) -> None:
        """Tenants' quotas and the store of recorded transactions, replayed into the
        history (a restart or a key rotation loses nothing: serving/history_store.py)."""
        from titans_finance.serving.history_store import HistoryStoreError

        guard, path = Guard.get(), ServingSettings.get().history_db
        try:
            replayed = self.served.rolling.keep_recorded(guard.default_account_owner,
                                                         guard.quotas, path)
        except HistoryStoreError as exc:
            logger.error("cannot start: %s", exc)
            print(f"titans-finance service cannot start: {exc}", file=sys.stderr, flush=True)
            raise SystemExit(2) from None
        logger.info("recorded history: %d transactions of %d tenants replayed from %s",
                    sum(replayed.values()), len(replayed), path)

    # ------------------------------------------------------------------ helpers
    def _predict_all(self, transactions: BatchRows, which: tuple[str, ...],
                     served: ServedModels | None = None, observe: bool = True,
                     record: bool = False, deadline: float | None = None) -> dict:
        """The models' outputs for ``transactions`` (`BatchRows`), computed together.

        Every transaction is scored against its account's rolling history as it stands
        (`RollingHistory.features`: per account, the call's rows in date order, then
        input order); with ``record``, those whose own ``record`` is true are then added
        to it (the anomaly and batch endpoints), so a batch answers what its transactions
        sent one by one in date order answer. Models that read no history
        (`USES_HISTORY`) alone, not recording: the rows' own features, without the
        history. Raises `TransactionIdConflict` (nothing recorded) for a reused
        transaction_id; `DeadlineExceeded` once ``deadline`` (`time.monotonic`) has
        passed: before the history is read (nothing recorded) or between two models (no
        answer is coming: the work stops). ``out["history_work"]``: what the history
        cost (`RollingHistory.features`; 0 without it).
        """
        from titans_finance.core.rolling import DeadlineExceeded

        served, frame = served or self.served, transactions.frame
        work = 0
        if record or any(USES_HISTORY[name] for name in which):
            features = served.rolling.features(
                frame, record=[record and kept for kept in transactions.record],
                transaction_ids=transactions.transaction_ids, deadline=deadline)
            work = features.attrs.get("history_work", len(frame))
        else:  # a model without history reads the row's own features only
            from titans_finance.core.features import own_features

            features = own_features(frame, served.rolling.base)
        out: dict[str, Any] = {"frame": frame, "features": features, "history_work": work}
        for name in which:
            if deadline is not None and time.monotonic() > deadline:
                raise DeadlineExceeded(f"the request's deadline passed before the {name} "
                                       "model; its answer was abandoned")
            out[name] = TRANSACTION_SCORERS[name](served.models[name], frame, features)
        if observe and "category" in which:
            self.metrics.observe_categories(out["category"])
        if observe and "anomaly" in which:
            self.metrics.observe_anomalies(out["anomaly"])
        return out

    def _score(self, which: str, transactions: list[Transaction]) -> list[Any]:
        """One vectorised call for a micro-batch of single requests (in arrival order; only
        anomaly requests record). A request whose transaction_id conflicts gets its 409
        and the others are scored without it."""
        from titans_finance.core.rolling import TransactionIdConflict

        served = self.served
        items = ANSWER_ITEMS[which]
        refused: dict[int, JSONResponse] = {}
        while True:
            live = [i for i in range(len(transactions)) if i not in refused]
            if not live:
                return [refused[i] for i in range(len(transactions))]
            try:
                result = self._predict_all(BatchRows.of([transactions[i] for i in live]),
                                           (which,), served, record=which == "anomaly")
            except TransactionIdConflict as exc:
                refused[live[exc.position]] = _error(409, str(exc))
                continue
            listed = items(result[which], served)
            if which == "category":  # each answer's merchant, for the caller's rules
                self.corrections.tag(listed, result["frame"], result["features"])
            answers = dict(zip(live, listed, strict=True))
            return [answers[i] if i in answers else refused[i]
                    for i in range(len(transactions))]

    def _score_batch(self, items: list[dict[str, Any]], served: ServedModels,
                     tenant: str = "", deadline: float | None = None,
                     caller: Any = None) -> Response:
        """Every model for a batch (recorded; ``tenant``'s correction rules applied),
        answered as JSON serialised here, on the batch thread (`json_answer`). Past
        ``deadline`` the work stops (`DeadlineExceeded`); what the history cost beyond one
        unit per row (forgetting and rebuilding an account's remembered rows) is charged to
        ``caller``'s row budget afterwards (`charge_after`): a batch costs its work, not its
        row count."""
        transactions = validated_rows(items)  # column by column (serving/batch_rows.py)
        # memory is handed back once batches stop (`return_freed_memory_soon`), never between
        # two: the next batch faulted the trimmed pages in again (~9-18 ms, in process)
        large = len(transactions) >= TRIM_AFTER_ROWS
        result = self._predict_all(transactions, ("category", "amount", "anomaly"), served,
                                   record=True, deadline=deadline)
        extra = result["history_work"] - len(transactions)
        if extra > 0:
            charge_after(Guard.get().rows, caller, extra)
        result["category"] = self.corrections.apply(result["category"], result["frame"],
                                                    result["features"], tenant)
        with collections_paused():  # the answer's ~12,000 containers, all freed here
            answer = json_answer([
                {"category": category, "amount": amount, "anomaly": anomaly}
                for category, amount, anomaly in zip(
                    category_items(result["category"], served),
                    amount_items(result["amount"], served),
                    anomaly_items(result["anomaly"], served), strict=True)])
            del result
        if large:
            return_freed_memory_soon()
        return answer

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

    async def _bulk(self, route: str, count: int, func, *args, deadline: bool = False) -> Any:
        """``func(*args)`` on the batch thread (admission: the security middleware), after
        charging ``count`` rows to the caller's budget. ``deadline``: ``func`` also takes
        the request's deadline (`time.monotonic`, ``request_timeout`` from now: the time
        waiting for the batch thread counts) and the caller."""
        from titans_finance.core.rolling import DeadlineExceeded

        if deadline:
            args = (*args, time.monotonic() + self.settings.request_timeout,
                    CURRENT_CALLER.get())
        try:
            self._charge_rows(count)
            return await asyncio.get_running_loop().run_in_executor(BULK_EXECUTOR, func, *args)
        except DeadlineExceeded as exc:
            logger.info("abandoned on %s: %s", route, exc)
            return _error(504, f"no answer within {self.settings.request_timeout:g} s; the "
                               "request was abandoned (send smaller batches)")
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
        """Category of one transaction (or `uncertain`), confidence and top-k alternatives;
        a merchant the caller's tenant corrected (`/feedback`) answers with the correction."""
        answer = await self.batchers["category"].submit(_own(Transaction(**fields)))
        return json_response(self.corrections.settle(answer, _tenant()))

    @bentoml.api(route="/predict/amount", input_spec=TransactionInput)
    async def predict_amount(self, **fields: Any) -> dict[str, Any]:
        """Expected signed amount of a transaction like this one, with an 80 % interval."""
        return json_response(await self.batchers["amount"].submit(_own(Transaction(**fields))))

    @bentoml.api(route="/predict/anomaly", input_spec=TransactionInput)
    async def predict_anomaly(self, **fields: Any) -> dict[str, Any]:
        """Anomaly score in [0, 1], flag (`score >= threshold`), the threshold and
        human-readable reasons."""
        return json_response(await self.batchers["anomaly"].submit(_own(Transaction(**fields))))

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
        owner = Guard.get().default_account_owner
        if owner is None:
            return _error(403, "the cash-flow forecast is of the training history's account, "
                               "which no tenant owns here: the operator names its owner "
                               "(TITANS_DEFAULT_ACCOUNT_OWNER or the tenants file)")
        if _tenant() != owner:
            return _error(403, "the cash-flow forecast is of the training history's account, "
                               "which belongs to another tenant")
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
        return await self._bulk("/predict/batch", len(transactions),
                                _in_caller_context(self._score_batch), transactions, self.served,
                                _tenant(), deadline=True)

    @bentoml.api(route="/validate", input_spec=ValidateInput)
    async def validate(self, transactions: list[dict[str, Any]]) -> dict[str, Any]:
        """Schema check only: per-item errors (field and message), no prediction."""
        return await self._bulk("/validate", len(transactions), validate_items, transactions)

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
                "rolling_history": served.rolling.stats(_tenant())}

    @bentoml.api(route="/monitor/drift", input_spec=BatchInput)
    async def monitor_drift(self, transactions: list[dict[str, Any]]) -> dict[str, Any]:
        """Drift of a batch against the training data: PSI / KS per feature with a verdict
        (ok / warn / drift), category mix, anomaly rate and the category model's confidence."""
        return await self._bulk("/monitor/drift", len(transactions),
                                _in_caller_context(self._drift), transactions, self.served)

    @bentoml.api(route="/feedback", input_spec=Feedback)
    async def feedback(self, **fields: Any) -> dict[str, Any]:
        """Correct one transaction's category (its date and amount, with its reference or
        description). At once, the tenant's later category answers for the same merchant use
        it (a rule, `rule` in the answer; held for an operator's review when it would change
        more known transactions than the service allows); the next training learns from it.
        Recorded with the tenant that sent it; each tenant has a rate, a cap on corrections
        and on the transactions one may change (429 / 422 beyond them)."""
        try:
            return await receive_feedback(fields, CURRENT_CALLER.get(), self.corrections_path,
                                          self.served.rolling.store, self.corrections,
                                          self.served.rolling.base)
        except FeedbackRefused as exc:
            headers = ([retry_after_header(exc.retry_after)] if exc.retry_after is not None
                       else None)
            return _error(exc.status, str(exc), headers)

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
        await asyncio.to_thread(freeze_loaded_objects, True)
        logger.info("reloaded: %s; %d recorded transactions carried over", fresh.describe(),
                    carried)
        changed = sorted(k for k in fresh.versions if fresh.versions[k] != previous.get(k))
        return {"reloaded": True, "changed": changed, "versions": fresh.versions,
                "previous": previous, "data_hash": fresh.data_hash,
                "rolling_history_carried": carried}

    @bentoml.api(route="/admin/keys/reload")
    async def reload_keys(self) -> dict[str, Any]:
        """Read the tenants file again: keys added, rotated or withdrawn take effect now,
        and every tenant keeps its history and budgets (admin keys only)."""
        from titans_finance.serving.tenants import TenantsFileError

        try:
            counts = await asyncio.to_thread(Guard.get().reload_tenants)
        except TenantsFileError as exc:
            logger.warning("keys reload refused, the current keys stay: %s", exc)
            return _error(409, f"keys not reloaded, the current keys stay: {exc}")
        logger.info("keys reloaded: %d tenants, %d keys", counts["tenants"], counts["keys"])
        return {"reloaded": True, **counts}

for _name, _ref in _declared_models().items():
    setattr(TitansFinanceService, _name, _ref)

# BentoML's own HTTP metrics label requests with their raw path before authentication
# (unbounded series from random paths): off, replaced by serving/http_metrics.py.
# Loopback by default.
TitansFinance = bentoml.service(
    name="titans_finance", workers=1, traffic={"timeout": _backstop_timeout()},
    metrics={"enabled": False}, http={"host": "127.0.0.1"})(TitansFinanceService)

_STARTED = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
TitansFinance.add_asgi_middleware(ApiSecurityMiddleware, routes=ROUTES)
