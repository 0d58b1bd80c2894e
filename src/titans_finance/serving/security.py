"""API-key authentication, per-key rate limiting and request size limits (pure ASGI).

Configuration comes from the environment, read once at start-up:

- ``TITANS_API_KEYS``: comma-separated keys accepted as ``Authorization: Bearer <key>``.
- ``TITANS_DEV_API_KEY``: set to ``1``/``true`` to *also* accept the development key
  ``dev-key-local-only`` (for a laptop; never enabled unless asked for).
- ``TITANS_RATE_LIMIT_PER_SEC`` (default 200) and ``TITANS_RATE_LIMIT_BURST``
  (default 400): token bucket per key, per worker process.
- ``TITANS_MAX_BODY_BYTES`` (default 16 MiB): larger request bodies get 413.

With no key configured and the development key not enabled, the service refuses
to start: an unauthenticated prediction API is never the default.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

DEV_API_KEY = "dev-key-local-only"
# Infrastructure endpoints that never need a key (probes, metrics scrapers, docs).
OPEN_PATHS = frozenset({"/livez", "/readyz", "/healthz", "/metrics", "/", "/docs.json",
                        "/schema.json"})
OPEN_PREFIXES = ("/static_content/", "/docs")


class ConfigurationError(ValueError):
    """A serving setting (environment variable) has an unusable value."""


@dataclass(frozen=True)
class SecuritySettings:
    api_keys: tuple[str, ...]
    rate_per_sec: float
    burst: float
    max_body_bytes: int

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SecuritySettings:
        env = os.environ if env is None else env
        keys = [k.strip() for k in env.get("TITANS_API_KEYS", "").split(",") if k.strip()]
        if _flag(env, "TITANS_DEV_API_KEY"):
            keys.append(DEV_API_KEY)
        if not keys:
            raise ConfigurationError(
                "TITANS_API_KEYS is not set: give the service at least one API key "
                "(TITANS_API_KEYS=key1,key2), or TITANS_DEV_API_KEY=1 for local development"
            )
        short = [k for k in keys if len(k) < 8 and k != DEV_API_KEY]
        if short:
            raise ConfigurationError("TITANS_API_KEYS: every key needs at least 8 characters")
        return cls(
            api_keys=tuple(dict.fromkeys(keys)),
            rate_per_sec=_positive_number(env, "TITANS_RATE_LIMIT_PER_SEC", 200.0),
            burst=_positive_number(env, "TITANS_RATE_LIMIT_BURST", 400.0),
            max_body_bytes=int(_positive_number(env, "TITANS_MAX_BODY_BYTES", 16 * 2**20)),
        )


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _positive_number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise ConfigurationError(f"{name}={raw!r} must be a positive number")
    return value


class TokenBucketLimiter:
    """One token bucket per key: ``burst`` tokens, refilled at ``rate`` per second."""

    def __init__(self, rate: float, burst: float, clock=time.monotonic):
        self.rate, self.burst, self._clock = rate, burst, clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str) -> float:
        """Take one token; return 0 when allowed, else the seconds until one is available."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


async def _send_json(send, status: int, payload: dict, headers: list | None = None) -> None:
    body = json.dumps(payload).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


class ApiSecurityMiddleware:
    """ASGI middleware: 401 without a key, 403 with a wrong one, 429 over the rate, 413 too big.

    Keys are compared as SHA-256 digests with `hmac.compare_digest` (constant
    time); the rate limit is keyed by the digest so keys never sit in memory
    twice.
    """

    def __init__(self, app, settings: SecuritySettings | None = None):
        self.app = app
        self.settings = settings or SecuritySettings.from_env()
        self._digests = [_digest(k) for k in self.settings.api_keys]
        self.limiter = TokenBucketLimiter(self.settings.rate_per_sec, self.settings.burst)

    def _is_open(self, path: str) -> bool:
        return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") == "OPTIONS" or self._is_open(
                scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        authorization = headers.get(b"authorization", b"").decode("latin-1")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            await _send_json(send, 401, {"error": "unauthorized", "detail":
                                         "missing API key: send 'Authorization: Bearer <key>'"},
                             [(b"www-authenticate", b"Bearer")])
            return
        digest = _digest(token.strip())
        if not any(hmac.compare_digest(digest, known) for known in self._digests):
            await _send_json(send, 403, {"error": "forbidden", "detail": "API key not accepted"})
            return
        wait = self.limiter.acquire(digest.hex())
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            await _send_json(send, 429, {"error": "rate_limited", "detail":
                                         f"rate limit exceeded, retry after {retry_after} s"},
                             [(b"retry-after", str(retry_after).encode())])
            return
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.settings.max_body_bytes:
            await _send_json(send, 413, {"error": "payload_too_large", "detail":
                                         f"request body over {self.settings.max_body_bytes} bytes"})
            return
        await self.app(scope, receive, send)
