"""Every ``TITANS_*`` setting of the service, read from the environment and checked once
at start (`ServingSettings.get`): a bad value stops `bentoml serve` with the variable's
name and value, and so does an unknown ``TITANS_*`` name (a misspelt limit is not
silently left at its default). Stdlib only: the supervisor process reads it too.

Keys and limits (`SecuritySettings`, used by serving/security.py):

- ``TITANS_API_KEYS``: comma-separated *prediction* keys (every endpoint except the admin
  ones), sent as ``Authorization: Bearer <key>``.
- ``TITANS_ADMIN_API_KEYS``: *admin* keys: everything a prediction key may do, plus
  ``POST /models/reload`` and ``/metrics``.
- ``TITANS_METRICS_API_KEYS``: keys that may only read ``/metrics`` (for a Prometheus
  scraper). ``TITANS_METRICS_PUBLIC=1`` serves ``/metrics`` without a key instead (only
  sensible when the port is reachable from trusted hosts only).
- ``TITANS_DEV_API_KEY``: ``1``/``true`` *also* accepts the admin key ``dev-key-local-only``
  (a laptop only; a warning is logged at start-up).
- ``TITANS_TENANTS_FILE``: the tenants file (serving/tenants.py: tenant → keys, budgets,
  history quotas; re-read by ``POST /admin/keys/reload``). A key it does not declare is a
  tenant of its own. Every budget and quota below is per *tenant*.
- ``TITANS_DEFAULT_ACCOUNT_OWNER``: the tenant (a declared name or an undeclared key's id)
  that owns the training history and its default account; unset: with one prediction key
  and no tenants declared, that key (one customer, its own export); else no tenant does,
  every tenant's accounts start empty.
- ``TITANS_RATE_LIMIT_PER_SEC`` (200) / ``TITANS_RATE_LIMIT_BURST`` (400): requests per key.
- ``TITANS_ROW_LIMIT_PER_SEC`` (2,000) / ``TITANS_ROW_LIMIT_BURST`` (10,000): transactions
  per key in batch endpoints (a 10,000-row batch costs 10,000, not one request).
- ``TITANS_FEEDBACK_PER_MIN`` (6) / ``TITANS_FEEDBACK_BURST`` (30): corrections per key;
  ``TITANS_FEEDBACK_MAX_PER_KEY`` (1,000): corrections one tenant may have in the file;
  ``TITANS_FEEDBACK_MAX_ROWS`` (5): recorded transactions one correction may change;
  ``TITANS_FEEDBACK_RULE_MAX_ROWS`` (100): known transactions the merchant rule of one
  correction may change at once (more: the rule is held for an operator's review;
  serving/corrections_live.py).
- ``TITANS_AUTH_FAILURES_PER_SEC`` (1) / ``TITANS_AUTH_FAILURES_BURST`` (30): requests with
  a missing or wrong key per client address; beyond it they get ``429``.
- ``TITANS_MAX_PENDING_BATCHES`` (3): batch requests (body being received, parsed or
  scored) at once, all tenants together; more get ``503`` with ``Retry-After`` before their
  body is read. ``TITANS_MAX_PENDING_BATCHES_PER_TENANT`` (unset: one less than
  ``TITANS_MAX_PENDING_BATCHES``, at least 1; at most that): those one tenant may hold (a
  tenant's own ``max_pending_batches`` in the tenants file wins); more get ``429`` naming
  the tenant's own limit, so that one tenant never holds every slot.
- ``TITANS_MAX_BODY_BYTES`` (8 MiB): body of the batch endpoints, counted on the bytes
  received (chunked bodies included); single-transaction endpoints take at most
  `SMALL_BODY_BYTES`. ``TITANS_BODY_TIMEOUT_SEC`` (30): time to receive a body;
  ``TITANS_BODY_FIRST_BYTE_SEC`` (5) / ``TITANS_BODY_MIN_BYTES_PER_SEC`` (16,384): after
  its first 5 s, a body must have arrived at 16 KiB/s on average, else ``408`` (a
  connection sending nothing, or a trickle, holds a batch slot for seconds, not 30 s);
  ``TITANS_REQUEST_TIMEOUT_SEC`` (60): time until the answer starts.

Keys must be at least 16 characters of the bearer-token alphabet (letters, digits,
``-._~+/``); with no key configured the service refuses to start.

Models and data:

- ``TITANS_PACKAGED_MODELS`` (``data/08_reporting/packaged_models.json``): the manifest
  of the versions to serve.
- ``TITANS_CORRECTIONS_PATH`` (``data/01_raw/category_corrections.csv``): where
  ``POST /feedback`` appends corrections.
- ``TITANS_HISTORY_WINDOW_DAYS`` / ``_MAX_PER_ACCOUNT`` / ``_MAX_TRANSACTIONS`` /
  ``_MAX_ACCOUNTS``: bounds of each tenant's rolling per-account history (core/rolling.py
  `RollingLimits`; unset: its defaults); a tenant's own in the tenants file win.
- ``TITANS_HISTORY_DB`` (``data/09_serving/recorded_history.sqlite3``): where recorded
  transactions are kept (SQLite), replayed into the history at start.
- ``TITANS_TEXT_MEMO_BYTES`` (8 MiB): bytes each memo of request text may hold in the
  worker (the merchant keys of descriptions; the keyword flags of descriptions; what a
  description's own text gives; each text vectoriser's word columns: four memos with the
  default models; what the category models compute from a line alone, one memo:
  models/category/row_memo.py), the older half forgotten past it (core/bounded_memo.py).
"""

from __future__ import annotations

import functools
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar

from titans_finance.serving.errors import quote
from titans_finance.serving.tenants import TenantsConfig, TenantsFileError, read_tenants_file

DEV_API_KEY = "dev-key-local-only"
MIN_KEY_LENGTH = 16
SMALL_BODY_BYTES = 64 * 2**10
# RFC 6750 b64token: what may follow "Bearer "
_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")


class ConfigurationError(ValueError):
    """A serving setting (environment variable) has an unusable value."""


@dataclass(frozen=True)
class SecuritySettings:
    keys: tuple[tuple[str, str], ...]  # (key, kind) with kind in ROLES_OF
    rate_per_sec: float = 200.0
    burst: int = 400
    rows_per_sec: float = 2000.0
    rows_burst: int = 10_000
    feedback_per_min: float = 6.0
    feedback_burst: int = 30
    feedback_max_per_key: int = 1000
    feedback_max_rows: int = 5
    feedback_rule_max_rows: int = 100
    auth_failures_per_sec: float = 1.0
    auth_failures_burst: int = 30
    max_body_bytes: int = 8 * 2**20
    max_pending_batches: int = 3  # all tenants together: the backstop
    max_pending_batches_per_tenant: int = 2  # one tenant's share (`Guard.batch_cap`)
    body_timeout: float = 30.0
    # a body's first `body_first_byte_timeout` seconds are its grace; from then on it must
    # have arrived at `body_min_bytes_per_sec` on average (serving/security.read_body)
    body_first_byte_timeout: float = 5.0
    body_min_bytes_per_sec: float = 16_384.0
    request_timeout: float = 60.0
    metrics_public: bool = False
    dev_key: bool = False
    warnings: tuple[str, ...] = field(default=())
    tenants_file: str | None = None
    tenants: TenantsConfig = field(default_factory=lambda: TenantsConfig())
    default_account_owner: str | None = None

    @property
    def api_keys(self) -> tuple[str, ...]:
        return tuple(key for key, _ in self.keys)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SecuritySettings:
        env = os.environ if env is None else env
        keys: dict[str, str] = {}
        for variable, kind in (("TITANS_API_KEYS", "prediction"),
                               ("TITANS_ADMIN_API_KEYS", "admin"),
                               ("TITANS_METRICS_API_KEYS", "metrics")):
            for position, key in enumerate(_split_keys(env.get(variable, "")), start=1):
                _check_key(variable, position, key)
                if key in keys and keys[key] != kind:
                    raise ConfigurationError(f"{variable}: key {position} is also listed as a "
                                             f"{keys[key]} key; give each role its own keys")
                keys[key] = kind
        warnings = []
        dev = _flag(env, "TITANS_DEV_API_KEY")
        if dev:
            keys[DEV_API_KEY] = "admin"
            warnings.append(f"TITANS_DEV_API_KEY is on: the public key {DEV_API_KEY!r} is "
                            "accepted as an admin key; never use this outside a laptop")
        tenants_file = env.get("TITANS_TENANTS_FILE") or None
        tenants = _tenants(tenants_file)
        declared_kinds = [kind for spec in tenants.tenants.values() for kind in spec.keys.values()]
        if not any(kind in ("prediction", "admin") for kind in (*keys.values(), *declared_kinds)):
            raise ConfigurationError(
                "TITANS_API_KEYS is not set: give the service at least one API key "
                "(TITANS_API_KEYS=key1,key2), or TITANS_DEV_API_KEY=1 for local development")
        _same_kinds(keys, tenants)
        owner = _owner(env, tenants, keys)
        if owner is None:
            warnings.append("no default account owner (TITANS_DEFAULT_ACCOUNT_OWNER or the "
                            "tenants file's default_account_owner): no tenant sees the "
                            "training history's accounts or the cash-flow forecast")
        slots = _positive_int(env, "TITANS_MAX_PENDING_BATCHES", 3)
        settings = cls(
            tenants_file=tenants_file, tenants=tenants, default_account_owner=owner,
            keys=tuple(keys.items()),
            rate_per_sec=_positive(env, "TITANS_RATE_LIMIT_PER_SEC", 200.0),
            burst=_positive_int(env, "TITANS_RATE_LIMIT_BURST", 400),
            rows_per_sec=_positive(env, "TITANS_ROW_LIMIT_PER_SEC", 2000.0),
            rows_burst=_positive_int(env, "TITANS_ROW_LIMIT_BURST", 10_000),
            feedback_per_min=_positive(env, "TITANS_FEEDBACK_PER_MIN", 6.0),
            feedback_burst=_positive_int(env, "TITANS_FEEDBACK_BURST", 30),
            feedback_max_per_key=_positive_int(env, "TITANS_FEEDBACK_MAX_PER_KEY", 1000),
            feedback_max_rows=_positive_int(env, "TITANS_FEEDBACK_MAX_ROWS", 5),
            feedback_rule_max_rows=_positive_int(env, "TITANS_FEEDBACK_RULE_MAX_ROWS", 100),
            auth_failures_per_sec=_positive(env, "TITANS_AUTH_FAILURES_PER_SEC", 1.0),
            auth_failures_burst=_positive_int(env, "TITANS_AUTH_FAILURES_BURST", 30),
            max_body_bytes=_positive_int(env, "TITANS_MAX_BODY_BYTES", 8 * 2**20),
            max_pending_batches=slots,
            max_pending_batches_per_tenant=_share(env, slots),
            body_timeout=_positive(env, "TITANS_BODY_TIMEOUT_SEC", 30.0),
            body_first_byte_timeout=_positive(env, "TITANS_BODY_FIRST_BYTE_SEC", 5.0),
            body_min_bytes_per_sec=_positive(env, "TITANS_BODY_MIN_BYTES_PER_SEC", 16_384.0),
            request_timeout=_positive(env, "TITANS_REQUEST_TIMEOUT_SEC", 60.0),
            metrics_public=_flag(env, "TITANS_METRICS_PUBLIC"),
            dev_key=dev, warnings=tuple(warnings))
        if settings.max_body_bytes < SMALL_BODY_BYTES:
            raise ConfigurationError(f"TITANS_MAX_BODY_BYTES must be at least {SMALL_BODY_BYTES}")
        return settings


def _share(env: Mapping[str, str], slots: int) -> int:
    """Batch slots one tenant may hold: TITANS_MAX_PENDING_BATCHES_PER_TENANT, else all
    but one of the service's ``slots`` (at least 1)."""
    name = "TITANS_MAX_PENDING_BATCHES_PER_TENANT"
    share = _positive_int(env, name, max(1, slots - 1))
    if share > slots:
        raise ConfigurationError(f"{name}={share} is more than TITANS_MAX_PENDING_BATCHES="
                                 f"{slots}: one tenant's share cannot exceed the service's "
                                 "batch slots")
    return share


def _tenants(path: str | None) -> TenantsConfig:
    if path is None:
        return TenantsConfig()
    try:
        return read_tenants_file(path)
    except TenantsFileError as exc:
        raise ConfigurationError(f"TITANS_TENANTS_FILE: {exc}") from None


def _same_kinds(keys: Mapping[str, str], tenants: TenantsConfig) -> None:
    """A key in the environment and in the tenants file has one role."""
    from titans_finance.serving.tenants import key_digest

    for key, kind in keys.items():
        declared = tenants.tenant_of(key_digest(key))
        if declared is not None and declared[1] != kind:
            raise ConfigurationError(f"a {kind} key of the environment is a {declared[1]} key of "
                                     f"tenant {declared[0]!r} in the tenants file; give each "
                                     "role its own keys")


def _owner(env: Mapping[str, str], tenants: TenantsConfig, keys: Mapping[str, str]
           ) -> str | None:
    """The default account owner: a declared tenant or an undeclared key's id."""
    from titans_finance.serving.tenants import key_digest, key_id_of_digest

    named = env.get("TITANS_DEFAULT_ACCOUNT_OWNER", "").strip() or None
    filed = tenants.default_account_owner
    if named and filed and named != filed:
        raise ConfigurationError(f"TITANS_DEFAULT_ACCOUNT_OWNER={quote(named)} but the tenants "
                                 f"file names {quote(filed)}: name the owner once")
    owner = named or filed
    undeclared = {key_id_of_digest(key_digest(key)) for key in keys
                  if tenants.tenant_of(key_digest(key)) is None}
    if owner is None:
        # A service with one customer (one prediction key, no tenants declared) serves that
        # customer's own export: its key owns the training history, as before tenants.
        predicting = [key for key, kind in keys.items() if kind == "prediction"]
        if not tenants.tenants and len(predicting) == 1:
            return key_id_of_digest(key_digest(predicting[0]))
        return None
    if owner not in tenants.tenants and owner not in undeclared:
        raise ConfigurationError(f"default account owner {quote(owner)} is neither a tenant of "
                                 "the tenants file nor the key id of a configured key "
                                 "(`titans-finance key-id`)")
    return owner


def _split_keys(raw: str) -> list[str]:
    return [k.strip() for k in raw.split(",") if k.strip()]


def _check_key(variable: str, position: int, key: str) -> None:
    # the key itself is never part of a message: it would end up in a log
    where = f"{variable}: key {position}"
    if not _TOKEN.fullmatch(key):
        raise ConfigurationError(f"{where} has characters a bearer token cannot carry (use "
                                 "ASCII letters, digits and -._~+/ only, e.g. `openssl rand "
                                 "-hex 32`)")
    if len(key) < MIN_KEY_LENGTH:
        raise ConfigurationError(f"{where} is shorter than {MIN_KEY_LENGTH} characters")


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in {"", "0", "false", "no", "off"}:
        return False
    if raw in {"1", "true", "yes", "on"}:
        return True
    raise ConfigurationError(f"{name}={quote(raw)} is not a yes/no value (use 1 or 0)")


def _positive(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={quote(raw)} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise ConfigurationError(f"{name}={quote(raw)} must be a positive number")
    return value


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    value = _positive(env, name, default)
    if value != int(value):
        raise ConfigurationError(f"{name}={quote(env.get(name))} must be a whole number")
    return int(value)



DEFAULT_MANIFEST = "data/08_reporting/packaged_models.json"
DEFAULT_CORRECTIONS_PATH = "data/01_raw/category_corrections.csv"
DEFAULT_HISTORY_DB = "data/09_serving/recorded_history.sqlite3"
# per memo of request text: ~17,000 bank words' columns, ~30,000 descriptions' merchants
DEFAULT_TEXT_MEMO_BYTES = 8 * 2**20
# The rolling history's bounds (core/rolling.py `RollingLimits`): variable → field.
HISTORY_SETTINGS = {"TITANS_HISTORY_WINDOW_DAYS": "window_days",
                    "TITANS_HISTORY_MAX_PER_ACCOUNT": "max_per_account",
                    "TITANS_HISTORY_MAX_TRANSACTIONS": "max_transactions",
                    "TITANS_HISTORY_MAX_ACCOUNTS": "max_accounts"}
SECURITY_VARIABLES = (
    "TITANS_API_KEYS", "TITANS_ADMIN_API_KEYS", "TITANS_METRICS_API_KEYS",
    "TITANS_METRICS_PUBLIC", "TITANS_DEV_API_KEY", "TITANS_RATE_LIMIT_PER_SEC",
    "TITANS_RATE_LIMIT_BURST", "TITANS_ROW_LIMIT_PER_SEC", "TITANS_ROW_LIMIT_BURST",
    "TITANS_FEEDBACK_PER_MIN", "TITANS_FEEDBACK_BURST", "TITANS_FEEDBACK_MAX_PER_KEY",
    "TITANS_FEEDBACK_MAX_ROWS",
    "TITANS_FEEDBACK_RULE_MAX_ROWS",
    "TITANS_AUTH_FAILURES_PER_SEC", "TITANS_AUTH_FAILURES_BURST", "TITANS_MAX_PENDING_BATCHES",
    "TITANS_MAX_PENDING_BATCHES_PER_TENANT",
    "TITANS_MAX_BODY_BYTES", "TITANS_BODY_TIMEOUT_SEC", "TITANS_BODY_FIRST_BYTE_SEC",
    "TITANS_BODY_MIN_BYTES_PER_SEC", "TITANS_REQUEST_TIMEOUT_SEC",
    "TITANS_TENANTS_FILE", "TITANS_DEFAULT_ACCOUNT_OWNER")
SERVICE_VARIABLES = ("TITANS_PACKAGED_MODELS", "TITANS_CORRECTIONS_PATH", "TITANS_HISTORY_DB",
                     "TITANS_TEXT_MEMO_BYTES", *HISTORY_SETTINGS)
# Read by other parts of the project (the app, the MLflow config, the notebooks' tests):
# not the service's, but no typo either.
OTHER_VARIABLES = ("TITANS_PROJECT_ROOT", "TITANS_PROJECT_PATH", "TITANS_MLFLOW_EXPERIMENT",
                   "TITANS_MLFLOW_ARTIFACTS")
KNOWN_VARIABLES = frozenset((*SECURITY_VARIABLES, *SERVICE_VARIABLES, *OTHER_VARIABLES))


def history_limits(env: Mapping[str, str]) -> dict[str, int]:
    """The ``TITANS_HISTORY_*`` settings that are set, as whole numbers of at least 1
    (`ConfigurationError` naming the setting otherwise)."""
    limits = {}
    for name, limit in HISTORY_SETTINGS.items():
        raw = env.get(name)
        if raw is None or not raw.strip():
            continue
        text = raw.strip().replace("_", "")
        if not text.isdigit() or int(text) < 1:
            raise ConfigurationError(f"{name} must be a whole number of at least 1, got "
                                     f"{raw[:40]!r}")
        limits[limit] = int(text)
    return limits


def _path(env: Mapping[str, str], name: str, default: str) -> str:
    raw = env.get(name)
    if raw is None:
        return default
    if not raw.strip():
        raise ConfigurationError(f"{name} is set but empty: give a path, or unset it for "
                                 f"{default}")
    return raw


@dataclass(frozen=True)
class ServingSettings:
    """Every ``TITANS_*`` setting of the service (see the module docstring). The keys
    (`security`) are parsed on first use, from the same snapshot of the environment: the
    manifest path is needed where keys are not set (``bentoml build`` packs the models it
    names); `check_start_up` reads `security` before any worker starts."""

    manifest_path: str
    corrections_path: str
    # only the bounds that are set (the others: `RollingLimits`' defaults)
    history_limits: Mapping[str, int]
    # the TITANS_* variables as they were when read
    variables: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    history_db: str = DEFAULT_HISTORY_DB
    text_memo_bytes: int = DEFAULT_TEXT_MEMO_BYTES

    _current: ClassVar[ServingSettings | None] = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ServingSettings:
        """Parsed and checked (the keys: by `security`); `ConfigurationError` names the
        first bad variable and its value."""
        env = os.environ if env is None else env
        variables = {name: value for name, value in env.items() if name.startswith("TITANS_")}
        unknown = sorted(name for name in variables if name not in KNOWN_VARIABLES)
        if unknown:
            raise ConfigurationError(
                f"unknown setting {', '.join(unknown)}; the service reads "
                f"{', '.join(sorted((*SECURITY_VARIABLES, *SERVICE_VARIABLES)))}")
        return cls(manifest_path=_path(variables, "TITANS_PACKAGED_MODELS", DEFAULT_MANIFEST),
                   corrections_path=_path(variables, "TITANS_CORRECTIONS_PATH",
                                          DEFAULT_CORRECTIONS_PATH),
                   history_limits=MappingProxyType(history_limits(variables)),
                   variables=MappingProxyType(variables),
                   history_db=_path(variables, "TITANS_HISTORY_DB", DEFAULT_HISTORY_DB),
                   text_memo_bytes=_positive_int(variables, "TITANS_TEXT_MEMO_BYTES",
                                                 DEFAULT_TEXT_MEMO_BYTES))

    @functools.cached_property
    def security(self) -> SecuritySettings:
        """Keys, roles and limits (`ConfigurationError` without a usable key)."""
        return SecuritySettings.from_env(self.variables)

    @classmethod
    def get(cls) -> ServingSettings:
        """This process's settings, read from the environment once (the first call)."""
        if cls._current is None:
            cls._current = cls.from_env()
        return cls._current
