"""Tenants: who a key works for, and the names that keep one tenant's data from another's.

A *tenant* is one customer of the service. Every API key belongs to exactly one: the
tenant the tenants file (``TITANS_TENANTS_FILE``, TOML) declares it in, else a tenant of
its own named by its key id (``key-0123456789ab``; `security.key_id`). Everything a
request can name or leave behind is the tenant's own: account names and their recorded
history, ``transaction_id`` (unique per account), corrections (``submitted_by`` is the
tenant), budgets, history quotas and the counts ``/models`` shows.

The service keeps core code tenant-agnostic by composing the history's account key at its
boundary (`scoped_account`): a tenant's account ``"card"`` is ``"\\x1eacme\\x1ecard"`` in
the rolling history, a name no request can send (account names may not hold control
characters, `schemas.Transaction`). The *default account owner* (the tenant whose export
the models were trained on; ``default_account_owner`` in the file, or
``TITANS_DEFAULT_ACCOUNT_OWNER``) keeps the plain names, so its requests see the training
history; every other tenant's accounts start empty.

The file (re-read by ``POST /admin/keys/reload``, so keys rotate without a restart)::

    default_account_owner = "acme"          # optional: who owns the training history

    [tenants.acme]
    keys = ["sha256:<64 hex digits>", ...]  # prediction keys: the key's SHA-256, or the key
    admin_keys = []                         # optional, same forms
    metrics_keys = []                       # optional
    rate_per_sec = 200                      # optional budgets (else the TITANS_* ones)
    rows_per_sec = 2000
    max_pending_batches = 2                 # batch requests it may have in progress at once
    max_accounts = 10000                    # optional history quotas (else TITANS_HISTORY_*)

Stdlib only: the supervisor process reads it too.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

# joins tenant and account in the rolling history; account names cannot hold it
SCOPE = "\x1e"
TENANT_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,39}")
KEY_KINDS = {"keys": "prediction", "admin_keys": "admin", "metrics_keys": "metrics"}
# per-tenant budgets (security) and history quotas (core/rolling.py `RollingLimits`):
# file field → kind of number
BUDGET_FIELDS = {"rate_per_sec": float, "burst": int, "rows_per_sec": float,
                 "rows_burst": int, "feedback_per_min": float, "feedback_burst": int,
                 "feedback_max": int, "max_pending_batches": int}
QUOTA_FIELDS = {"window_days": int, "max_per_account": int, "max_transactions": int,
                "max_accounts": int}
_DIGEST = re.compile(r"sha256:([0-9a-f]{64})")


class TenantsFileError(ValueError):
    """The tenants file cannot be used (what and where; never a key)."""


def key_digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


def key_id_of_digest(digest: bytes) -> str:
    """The key id (`security.key_id`) of a key known by its SHA-256 only."""
    return "key-" + digest.hex()[:12]


@dataclass(frozen=True)
class TenantSpec:
    """One declared tenant: its keys (SHA-256 → kind), budgets and quotas (only those set)."""

    name: str
    keys: Mapping[bytes, str] = field(default_factory=lambda: MappingProxyType({}))
    budgets: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    quotas: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class TenantsConfig:
    tenants: Mapping[str, TenantSpec] = field(default_factory=lambda: MappingProxyType({}))
    default_account_owner: str | None = None

    def tenant_of(self, digest: bytes) -> tuple[str, str] | None:
        """(tenant, kind) of a declared key, else None."""
        for spec in self.tenants.values():
            if digest in spec.keys:
                return spec.name, spec.keys[digest]
        return None


def read_tenants_file(path: str) -> TenantsConfig:
    """Parse and check the tenants file; `TenantsFileError` names the file, the tenant
    and the field (never a key's value)."""
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        raise TenantsFileError(f"tenants file {path} does not exist") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TenantsFileError(f"tenants file {path} cannot be read: {exc}") from None
    return parse_tenants(document, path)


def parse_tenants(document: Mapping, where: str = "tenants file") -> TenantsConfig:
    unknown = sorted(set(document) - {"tenants", "default_account_owner"})
    if unknown:
        raise TenantsFileError(f"{where}: unknown field {', '.join(unknown)} (known: "
                               "tenants, default_account_owner)")
    declared = document.get("tenants", {})
    if not isinstance(declared, Mapping):
        raise TenantsFileError(f"{where}: 'tenants' must be a table of tenants")
    tenants: dict[str, TenantSpec] = {}
    owners: dict[bytes, str] = {}
    for name, body in declared.items():
        spec = _tenant(name, body, f"{where}: tenant {name!r}")
        for digest in spec.keys:
            if digest in owners:
                raise TenantsFileError(f"{where}: a key of tenant {name!r} is also a key of "
                                       f"tenant {owners[digest]!r}; a key has one tenant")
            owners[digest] = name
        tenants[name] = spec
    owner = document.get("default_account_owner")
    if owner is not None and (not isinstance(owner, str) or not owner):
        raise TenantsFileError(f"{where}: default_account_owner must be a tenant's name")
    return TenantsConfig(MappingProxyType(tenants), owner)


def _tenant(name: str, body: object, where: str) -> TenantSpec:
    if not TENANT_NAME.fullmatch(name) or name.startswith("key-"):
        raise TenantsFileError(f"{where}: a tenant's name is 1-40 lower-case letters, digits, "
                               "'_', '.' or '-', and does not start with 'key-' (the names "
                               "of undeclared keys' tenants)")
    if not isinstance(body, Mapping):
        raise TenantsFileError(f"{where}: must be a table")
    known = {*KEY_KINDS, *BUDGET_FIELDS, *QUOTA_FIELDS}
    unknown = sorted(set(body) - known)
    if unknown:
        raise TenantsFileError(f"{where}: unknown field {', '.join(unknown)} (known: "
                               f"{', '.join(sorted(known))})")
    keys: dict[bytes, str] = {}
    for field_name, kind in KEY_KINDS.items():
        values = body.get(field_name, [])
        if not isinstance(values, list):
            raise TenantsFileError(f"{where}: {field_name} must be a list of keys")
        for position, value in enumerate(values, start=1):
            digest = _digest(value, f"{where}: {field_name} {position}")
            if digest in keys and keys[digest] != kind:
                raise TenantsFileError(f"{where}: {field_name} {position} is also a "
                                       f"{keys[digest]} key; give each role its own keys")
            keys[digest] = kind
    budgets = {k: _number(body[k], kind, f"{where}: {k}")
               for k, kind in BUDGET_FIELDS.items() if k in body}
    quotas = {k: int(_number(body[k], kind, f"{where}: {k}"))
              for k, kind in QUOTA_FIELDS.items() if k in body}
    return TenantSpec(name, MappingProxyType(keys), MappingProxyType(budgets),
                      MappingProxyType(quotas))


def _digest(value: object, where: str) -> bytes:
    from titans_finance.serving.settings import MIN_KEY_LENGTH, _TOKEN

    if not isinstance(value, str):
        raise TenantsFileError(f"{where} must be a string")
    match = _DIGEST.fullmatch(value)
    if match:
        return bytes.fromhex(match.group(1))
    if not _TOKEN.fullmatch(value) or len(value) < MIN_KEY_LENGTH:
        raise TenantsFileError(f"{where} is neither 'sha256:<64 hex digits>' nor a key of at "
                               f"least {MIN_KEY_LENGTH} bearer-token characters")
    return key_digest(value)


def _number(value: object, kind: type, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0 or (
            kind is int and value != int(value)):
        raise TenantsFileError(f"{where} must be a positive "
                               f"{'whole number' if kind is int else 'number'}, got {value!r}")
    return kind(value)


# ---------------------------------------------------------------- account names
def scoped_account(tenant: str, account: str | None, owner: str | None) -> str | None:
    """The rolling history's key of ``tenant``'s ``account``: the plain name for the
    default account owner (None: the training history's default account), else one no
    other tenant can name (an absent account: the tenant's own default account)."""
    if tenant == owner:
        return account
    return f"{SCOPE}{tenant}{SCOPE}{account or ''}"


def tenant_of_account(key: str | None) -> str | None:
    """The tenant a history key belongs to (None: the default account owner's)."""
    if key is None or not str(key).startswith(SCOPE):
        return None
    return str(key).split(SCOPE, 2)[1]


def shown_account(key: str | None) -> str:
    """A history key as its tenant named it (answers and logs never show another
    tenant's name, nor the scoping)."""
    if key is None or not str(key).startswith(SCOPE):
        return "" if key is None else str(key)
    return str(key).split(SCOPE, 2)[2]


def scope_transactions(transactions: list, tenant: str, owner: str | None) -> list:
    """Validated `Transaction` objects with their ``account`` scoped to ``tenant`` (a copy:
    the scoped name would not pass validation, and needs none)."""
    if tenant == owner:
        return transactions
    return [t.model_copy(update={"account": scoped_account(tenant, t.account, owner)})
            for t in transactions]


def scope_to_caller(transactions: list) -> list:
    """`scope_transactions` for the caller of the request being handled (its context:
    the event loop, or a thread started with `contextvars.copy_context`); no caller (the
    service's own checks): unchanged."""
    from titans_finance.serving.security import CURRENT_CALLER, Guard

    caller = CURRENT_CALLER.get()
    if caller is None:
        return transactions
    return scope_transactions(transactions, caller.tenant, Guard.get().default_account_owner)


def scoped_accounts_of_caller(accounts: list) -> list:
    """The ``account`` values of a batch validated column-wise, scoped as `scope_to_caller`
    scopes its transactions' (serving/batch_rows.py)."""
    from titans_finance.serving.security import CURRENT_CALLER, Guard

    caller = CURRENT_CALLER.get()
    owner = Guard.get().default_account_owner if caller is not None else None
    if caller is None or caller.tenant == owner:
        return accounts
    return [scoped_account(caller.tenant, account, owner) for account in accounts]
