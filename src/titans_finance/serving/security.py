"""API keys and roles, rate limits, request size/type/time limits (pure ASGI middleware).

Configuration comes from the environment, read and checked once at start-up by
serving/settings.py (`ServingSettings`: every ``TITANS_*`` variable, its default and
meaning); this module uses its `SecuritySettings`.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import hmac
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from titans_finance.serving.access_log import install_route_label_filter
from titans_finance.serving.request_body import (  # noqa: F401 (re-exported: their old home)
    BodyError,
    _ErrorShapingSend,
    _header_values,
    _is_json,
    _replay,
    read_body,
    send_error,
)
from titans_finance.serving.http_metrics import HttpMetrics
from titans_finance.serving.tenants import (
    TenantsConfig,
    TenantsFileError,
    key_digest,
    key_id_of_digest,
    read_tenants_file,
)
from titans_finance.serving.settings import (  # noqa: F401 (re-exported: their old home)
    _TOKEN,
    DEV_API_KEY,
    MIN_KEY_LENGTH,
    SMALL_BODY_BYTES,
    ConfigurationError,
    SecuritySettings,
    ServingSettings,
)

logger = logging.getLogger(__name__)


ROLE_PREDICT, ROLE_ADMIN, ROLE_METRICS = "predict", "admin", "metrics"
ROLES_OF = {"prediction": frozenset({ROLE_PREDICT}),
            "admin": frozenset({ROLE_PREDICT, ROLE_ADMIN, ROLE_METRICS}),
            "metrics": frozenset({ROLE_METRICS})}
# Infrastructure endpoints that never need a key (probes, the API page).
OPEN_PATHS = frozenset({"/livez", "/readyz", "/healthz", "/", "/docs.json", "/schema.json"})
OPEN_PREFIXES = ("/static_content/",)
METRICS_PATH = "/metrics"


@dataclass(frozen=True)
class RoutePolicy:
    """Who may call an endpoint, and how large its body may be (``bulk``: the batch limit)."""

    role: str = ROLE_PREDICT
    bulk: bool = False


@dataclass(frozen=True)
class Caller:
    """The key a request came with: ``key_id`` names it (never the key itself); ``tenant``
    is whom it works for (serving/tenants.py; an undeclared key: its own key id), the
    owner of everything the request names, records and spends."""

    key_id: str
    kind: str
    roles: frozenset[str]
    tenant: str = ""

    def __post_init__(self) -> None:
        if not self.tenant:
            object.__setattr__(self, "tenant", self.key_id)


def tenant_of(caller: Caller | None) -> str:
    """Whose rules, accounts and budgets a request sees and makes: the caller's tenant
    (`Caller` always has one: a key no tenant declares is its own)."""
    return caller.tenant if caller is not None else ""


def key_id(key: str) -> str:
    """Stable, non-secret name of a key (recorded with corrections; `titans-finance key-id`)."""
    return "key-" + hashlib.sha256(key.encode()).hexdigest()[:12]


# The caller of the request being handled (set by the middleware, read by the endpoints).
CURRENT_CALLER: contextvars.ContextVar[Caller | None] = contextvars.ContextVar(
    "titans_caller", default=None)


class TokenBucketLimiter:
    """One token bucket per key: ``burst`` tokens, refilled at ``rate`` per second.

    ``max_keys`` bounds the memory when keys come from clients (addresses): the least
    recently seen bucket is dropped first (a dropped bucket restarts full).
    """

    def __init__(self, rate: float, burst: float, clock=time.monotonic, max_keys: int = 10_000):
        self.rate, self.burst, self._clock, self.max_keys = rate, burst, clock, max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()
        # key → (rate, burst) of the keys with a budget of their own (a tenant's)
        self.budgets: Mapping[str, tuple[float, float]] = {}

    def budget(self, key: str) -> tuple[float, float]:
        return self.budgets.get(key, (self.rate, self.burst))

    def acquire(self, key: str, cost: float = 1.0) -> float:
        """Take ``cost`` tokens; return 0 when allowed, else the seconds until they are
        available (``inf`` when ``cost`` exceeds the burst: never)."""
        now = self._clock()
        rate, burst = self.budget(key)
        with self._lock:
            tokens, last = self._buckets.pop(key, (burst, now))
            tokens = min(burst, tokens + (now - last) * rate)
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
            if tokens >= cost:
                self._buckets[key] = (tokens - cost, now)
                return 0.0
            if cost > burst:
                return math.inf
            return (cost - tokens) / rate

    def debit(self, key: str, cost: float) -> None:
        """Take ``cost`` tokens for work already done: the bucket may go below zero, and
        the key's next requests wait until it has refilled (work measured after the fact
        is charged in full, never refused)."""
        now = self._clock()
        rate, burst = self.budget(key)  # the key's tenant's own budget, as `acquire`
        with self._lock:
            tokens, last = self._buckets.pop(key, (burst, now))
            tokens = min(burst, tokens + (now - last) * rate)
            self._buckets[key] = (tokens - cost, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)

    def __len__(self) -> int:
        return len(self._buckets)


class Guard:
    """Keys, tenants, roles and every rate limit of one worker process (`Guard.get`).
    Budgets are per tenant (a tenant's keys share them); `reload_tenants` re-reads the
    tenants file (keys rotate without a restart; budgets already spent are kept)."""

    _instance: Guard | None = None

    def __init__(self, settings: SecuritySettings):
        self.settings = settings
        self.requests = TokenBucketLimiter(settings.rate_per_sec, settings.burst)
        self.rows = TokenBucketLimiter(settings.rows_per_sec, settings.rows_burst)
        self.feedback = TokenBucketLimiter(settings.feedback_per_min / 60.0,
                                           settings.feedback_burst)
        self.failures = TokenBucketLimiter(settings.auth_failures_per_sec,
                                           settings.auth_failures_burst)
        # batch requests admitted and not yet finished, in all and per tenant (changed on
        # the event loop only; a tenant holding none has no entry)
        self.pending_batches = 0
        self.pending_by_tenant: dict[str, int] = {}
        self._use(settings.tenants)

    def _use(self, tenants: TenantsConfig) -> None:
        callers = {}
        for digest, kind in [*((key_digest(key), kind) for key, kind in self.settings.keys),
                             *((digest, kind) for spec in tenants.tenants.values()
                               for digest, kind in spec.keys.items())]:
            declared = tenants.tenant_of(digest)
            callers[digest] = Caller(key_id_of_digest(digest), kind, ROLES_OF[kind],
                                     declared[0] if declared else "")
        budgets = {name: spec.budgets for name, spec in tenants.tenants.items()}
        for limiter, rate, burst, scale in (
                (self.requests, "rate_per_sec", "burst", 1.0),
                (self.rows, "rows_per_sec", "rows_burst", 1.0),
                (self.feedback, "feedback_per_min", "feedback_burst", 1 / 60.0)):
            limiter.budgets = {name: (own.get(rate, limiter.rate / scale) * scale,
                                      own.get(burst, limiter.burst))
                               for name, own in budgets.items() if rate in own or burst in own}
        # swapped whole: a request reads either the old or the new table
        self.tenants, self._callers = tenants, list(callers.items())

    def reload_tenants(self) -> dict[str, int]:
        """Read the tenants file again (`TenantsFileError`: the current keys stay)."""
        if self.settings.tenants_file is None:
            raise TenantsFileError("no tenants file is configured (TITANS_TENANTS_FILE)")
        tenants = read_tenants_file(self.settings.tenants_file)
        if tenants.default_account_owner != self.tenants.default_account_owner:
            raise TenantsFileError("the tenants file names another default account owner; "
                                   "the owner changes with a restart only (its history moves)")
        self._use(tenants)
        return {"tenants": len(tenants.tenants), "keys": len(self._callers)}

    def feedback_cap(self, tenant: str) -> int:
        """Corrections a tenant may have on file."""
        spec = self.tenants.tenants.get(tenant)
        return int(spec.budgets.get("feedback_max", self.settings.feedback_max_per_key)
                   if spec else self.settings.feedback_max_per_key)

    def batch_cap(self, tenant: str) -> int:
        """Batch requests a tenant may have in progress at once (its share of the slots)."""
        spec = self.tenants.tenants.get(tenant)
        own = spec.budgets.get("max_pending_batches") if spec else None
        return int(own if own is not None else self.settings.max_pending_batches_per_tenant)

    def admit_batch(self, tenant: str) -> tuple[int, str] | None:
        """Take a batch slot for ``tenant``, or say why not: (429, …) at the tenant's own
        cap, (503, …) when every slot of the service is taken. `release_batch` gives it
        back."""
        held, cap = self.pending_by_tenant.get(tenant, 0), self.batch_cap(tenant)
        if held >= cap:
            return 429, (f"this tenant already has {held} batch request"
                         f"{'s' if held != 1 else ''} in progress, its own limit ({cap}); "
                         "send the next when one of them has finished")
        if self.pending_batches >= self.settings.max_pending_batches:
            return 503, "busy with other batches; retry shortly"
        self.pending_batches += 1
        self.pending_by_tenant[tenant] = held + 1
        return None

    def release_batch(self, tenant: str) -> None:
        self.pending_batches -= 1
        held = self.pending_by_tenant.get(tenant, 0) - 1
        if held > 0:
            self.pending_by_tenant[tenant] = held
        else:
            self.pending_by_tenant.pop(tenant, None)

    def quotas(self, tenant: str) -> dict[str, int]:
        """A tenant's own history quotas (the others: the TITANS_HISTORY_* settings)."""
        spec = self.tenants.tenants.get(tenant)
        return dict(spec.quotas) if spec else {}

    @property
    def default_account_owner(self) -> str | None:
        return self.settings.default_account_owner

    @classmethod
    def get(cls) -> Guard:
        if cls._instance is None:
            cls._instance = cls(ServingSettings.get().security)
        return cls._instance

    def caller(self, token: str) -> Caller | None:
        """The caller holding ``token``, compared in constant time with every known key."""
        digest = key_digest(token)
        found = None
        for known, caller in self._callers:
            if hmac.compare_digest(digest, known):
                found = caller
        return found


class RateLimited(Exception):
    """Over a per-key budget; ``retry_after`` seconds until it allows the request."""

    def __init__(self, message: str, retry_after: float):
        super().__init__(message)
        self.retry_after = retry_after


def charge(limiter: TokenBucketLimiter, caller: Caller | None, cost: float, what: str) -> None:
    """Take ``cost`` from ``caller``'s budget or raise `RateLimited` saying which budget."""
    if caller is None:
        return
    wait = limiter.acquire(caller.tenant, cost)
    rate, burst = limiter.budget(caller.tenant)
    if wait == math.inf:
        raise RateLimited(f"{what}: {cost:g} at once is more than this tenant's budget of "
                          f"{burst:g}", 60.0)
    if wait > 0:
        raise RateLimited(f"{what}: this tenant's budget ({rate:g}/s, burst "
                          f"{burst:g}) is used up", wait)


def charge_after(limiter: TokenBucketLimiter, caller: Caller | None, cost: float) -> None:
    """Charge ``caller`` for work measured once done (`TokenBucketLimiter.debit`)."""
    if caller is not None and cost > 0:
        limiter.debit(caller.key_id, cost)


def retry_after_header(seconds: float) -> tuple[bytes, bytes]:
    return b"retry-after", str(max(1, math.ceil(min(seconds, 3600)))).encode()


class ApiSecurityMiddleware:
    """ASGI middleware in front of every endpoint.

    In order: probes and the API page pass; anything else needs a known key (401 without,
    403 with a wrong one; after `auth_failures_burst` failures from one address, 429);
    unknown paths give 404 *after* authentication (so they cost an attacker a key); the
    key's role must allow the endpoint (403); per-key request rate (429); the body is read
    here, counting bytes, with the size/type/time limits (413/415/408); the endpoint runs
    with `CURRENT_CALLER` set and a deadline (504). Every error leaves in one shape; HTTP
    metrics use the endpoint's name, never the raw path (bounded series).
    """

    def __init__(self, app, routes: Mapping[str, RoutePolicy] | None = None,
                 settings: SecuritySettings | None = None):
        self.app = app
        self.routes = dict(routes or {})
        self.guard = Guard(settings) if settings is not None else Guard.get()
        self.settings = self.guard.settings
        install_route_label_filter(self._route_label)

    def _route_label(self, path: str) -> str:
        if path in self.routes or path in OPEN_PATHS or path == METRICS_PATH:
            return path
        if path.startswith(OPEN_PREFIXES):
            return OPEN_PREFIXES[0] + "*"
        return "other"

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        shaped = _ErrorShapingSend(send)
        try:
            await self._dispatch(scope, receive, shaped)
        finally:
            HttpMetrics.get().observe(self._route_label(scope.get("path", "")),
                                      shaped.status or 499, time.perf_counter() - started)

    async def _dispatch(self, scope, receive, send) -> None:
        path, method = scope.get("path", ""), scope.get("method", "GET")
        if path == "/" and method in ("GET", "HEAD"):
            from titans_finance.serving.openapi import index_page

            await _send_bytes(send, 200, index_page(), b"text/html; charset=utf-8")
            return
        if path == METRICS_PATH and self.settings.metrics_public:
            await self._metrics(send, method)
            return
        if method == "OPTIONS" and (path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)):
            await _allow(send, "GET, HEAD, OPTIONS")
            return
        if path in OPEN_PATHS or path.startswith(OPEN_PREFIXES):
            if path == "/docs.json":
                from titans_finance.serving.openapi import OpenApiRewriter

                send = OpenApiRewriter(send, self.routes)
            await self.app(scope, receive, send)
            return

        caller, problem = self._authenticate(scope)
        if caller is None:
            status, message = problem
            address = (scope.get("client") or ("unknown",))[0]
            wait = self.guard.failures.acquire(str(address))
            if wait > 0:
                await send_error(send, 429, "too many requests without a valid API key from "
                                 "this address", [retry_after_header(wait)])
                return
            headers = [(b"www-authenticate", b"Bearer")] if status == 401 else []
            await send_error(send, status, message, headers)
            return
        if path == METRICS_PATH:
            if ROLE_METRICS not in caller.roles:
                await send_error(send, 403, "this key may not read /metrics (admin or metrics "
                                 "keys only)")
                return
            await self._metrics(send, method)
            return
        policy = self.routes.get(path)
        if policy is None:
            await send_error(send, 404, "no such endpoint (see the API page at /)")
            return
        if policy.role not in caller.roles:
            await send_error(send, 403, f"this key may not call {path} ({policy.role} keys only)")
            return
        if method == "OPTIONS":  # answered here, after the key (nothing reaches an endpoint)
            await _allow(send, "GET, POST, OPTIONS" if path == "/models" else "POST, OPTIONS")
            return
        wait = self.guard.requests.acquire(caller.tenant)
        if wait > 0:
            await send_error(send, 429, "rate limit exceeded for this key's tenant",
                             [retry_after_header(wait)])
            return
        if path == "/models" and method == "GET":  # BentoML routes are POST-only
            scope = {**scope, "method": "POST"}
        if not policy.bulk:
            await self._call(scope, receive, send, caller, SMALL_BODY_BYTES)
            return
        # batch work is admitted before its body is read: refused requests cost nothing;
        # a tenant's own cap first (its answer names its own limit), then the service's
        refused = self.guard.admit_batch(caller.tenant)
        if refused is not None:
            await send_error(send, *refused, [retry_after_header(2)])
            return
        try:
            await self._call(scope, receive, send, caller, self.settings.max_body_bytes)
        finally:  # answered, failed, timed out, cancelled or the client went away
            self.guard.release_batch(caller.tenant)

    async def _call(self, scope, receive, send, caller: Caller, limit: int) -> None:
        try:
            body = await read_body(scope, receive, limit, self.settings.body_timeout,
                                   self.settings.body_first_byte_timeout,
                                   self.settings.body_min_bytes_per_sec)
        except BodyError as exc:
            await send_error(send, exc.status, str(exc))
            return
        if body is None:
            return  # the client went away
        token = CURRENT_CALLER.set(caller)
        try:
            await self._with_deadline(scope, _replay(body, receive), send)
        finally:
            CURRENT_CALLER.reset(token)

    def _authenticate(self, scope) -> tuple[Caller | None, tuple[int, str] | None]:
        values = _header_values(scope, b"authorization")
        if not values:
            return None, (401, "missing API key: send 'Authorization: Bearer <key>'")
        if len(values) > 1:
            return None, (401, "send exactly one Authorization header")
        scheme, _, token = values[0].decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not _TOKEN.fullmatch(token):
            return None, (401, "malformed Authorization header: send 'Authorization: Bearer "
                               "<key>'")
        caller = self.guard.caller(token)
        if caller is None:
            return None, (403, "API key not accepted")
        return caller, None

    async def _with_deadline(self, scope, receive, send) -> None:
        """The endpoint, abandoned with 504 if it has not started answering in time (its
        worker thread, if any, finishes in the background)."""
        started = asyncio.Event()

        async def watched_send(message):
            started.set()
            await send(message)

        task = asyncio.ensure_future(self.app(scope, receive, watched_send))
        waiter = asyncio.ensure_future(started.wait())
        done, _ = await asyncio.wait({task, waiter}, timeout=self.settings.request_timeout,
                                     return_when=asyncio.FIRST_COMPLETED)
        if not done:
            task.cancel()
            waiter.cancel()
            await send_error(send, 504, f"no answer within {self.settings.request_timeout:g} s; "
                             "the request was abandoned (send smaller batches)")
            return
        waiter.cancel()
        await task

    async def _metrics(self, send, method: str) -> None:
        if method not in ("GET", "HEAD"):
            await send_error(send, 405, "method not allowed on this endpoint")
            return
        from titans_finance.serving.http_metrics import exposition

        content_type, body = await asyncio.to_thread(exposition)
        await _send_bytes(send, 200, body, content_type.encode())


async def _allow(send, methods: str) -> None:
    await send({"type": "http.response.start", "status": 204,
                "headers": [(b"allow", methods.encode()), (b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})


async def _send_bytes(send, status: int, body: bytes, content_type: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", content_type),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
