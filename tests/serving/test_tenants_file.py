"""The tenants file and the budgets it gives (serving/tenants.py, settings.py, security.py
`Guard`), and log lines that carry the route label (serving/access_log.py): no service."""

from __future__ import annotations

import hashlib
import logging

import pytest

from titans_finance.serving.access_log import RouteLabelFilter
from titans_finance.serving.security import Guard, RateLimited, charge, key_id
from titans_finance.serving.settings import ConfigurationError, SecuritySettings
from titans_finance.serving.tenants import (
    TenantsFileError,
    parse_tenants,
    scoped_account,
    shown_account,
    tenant_of_account,
)

KEY_1, KEY_2, KEY_3 = "tenant-key-one-aaaa", "tenant-key-two-bbbb", "tenant-key-three-cc"


def _settings(tmp_path, text: str, **env) -> SecuritySettings:
    path = tmp_path / "tenants.toml"
    path.write_text(text)
    return SecuritySettings.from_env({"TITANS_TENANTS_FILE": str(path), **env})


def test_keys_belong_to_their_declared_tenant_or_are_their_own(tmp_path):
    digest = hashlib.sha256(KEY_2.encode()).hexdigest()
    settings = _settings(tmp_path, f'[tenants.acme]\nkeys = ["{KEY_1}", "sha256:{digest}"]\n',
                         TITANS_API_KEYS=KEY_3)
    guard = Guard(settings)
    assert guard.caller(KEY_1).tenant == guard.caller(KEY_2).tenant == "acme"
    assert guard.caller(KEY_2).key_id == key_id(KEY_2)
    assert guard.caller(KEY_3).tenant == key_id(KEY_3)
    assert guard.caller("tenant-key-unknown-zz") is None


@pytest.mark.parametrize(("text", "says"), [
    ("[tenants.Acme]\nkeys = []\n", "lower-case"),
    ("[tenants.key-x]\nkeys = []\n", "key-"),
    ('[tenants.acme]\nkeys = ["short"]\n', "keys 1"),
    ("[tenants.acme]\nkeys = []\nrate = 3\n", "unknown field rate"),
    ("[tenants.acme]\nkeys = []\nmax_accounts = 0\n", "max_accounts must be a positive"),
    ("[tenants.acme]\nkeys = []\nmax_accounts = 2.5\n", "whole number"),
    (f'[tenants.a]\nkeys = ["{KEY_1}"]\n[tenants.b]\nkeys = ["{KEY_1}"]\n', "one tenant"),
    (f'[tenants.a]\nkeys = ["{KEY_1}"]\nadmin_keys = ["{KEY_1}"]\n', "own keys"),
    ("tenant = 1\n", "unknown field tenant"),
    ("[tenants.a\n", "cannot be read"),
])
def test_a_bad_tenants_file_is_refused_naming_what_and_where(tmp_path, text, says):
    with pytest.raises(ConfigurationError, match="TITANS_TENANTS_FILE") as refused:
        _settings(tmp_path, text, TITANS_API_KEYS=KEY_3)
    assert says in str(refused.value)
    assert KEY_1 not in str(refused.value)


def test_the_default_account_owner_is_a_tenant_or_a_key_id(tmp_path):
    text = f'default_account_owner = "acme"\n[tenants.acme]\nkeys = ["{KEY_1}"]\n'
    assert _settings(tmp_path, text).default_account_owner == "acme"
    assert SecuritySettings.from_env({"TITANS_API_KEYS": KEY_3, "TITANS_DEFAULT_ACCOUNT_OWNER":
                                      key_id(KEY_3)}).default_account_owner == key_id(KEY_3)
    with pytest.raises(ConfigurationError, match="neither a tenant"):
        SecuritySettings.from_env({"TITANS_API_KEYS": KEY_3,
                                   "TITANS_DEFAULT_ACCOUNT_OWNER": "nobody"})
    with pytest.raises(ConfigurationError, match="name the owner once"):
        _settings(tmp_path, text, TITANS_DEFAULT_ACCOUNT_OWNER="other")
    unowned = SecuritySettings.from_env({"TITANS_API_KEYS": f"{KEY_2},{KEY_3}"})
    assert unowned.default_account_owner is None
    assert any("no default account owner" in w for w in unowned.warnings)


def test_one_prediction_key_without_tenants_owns_the_training_history(tmp_path):
    """One customer (the quick start: one key): its export's history is its own. Two keys,
    or any declared tenant, and the owner must be named."""
    alone = SecuritySettings.from_env({"TITANS_API_KEYS": KEY_3,
                                       "TITANS_ADMIN_API_KEYS": KEY_2})
    assert alone.default_account_owner == key_id(KEY_3)
    assert not any("no default account owner" in w for w in alone.warnings)
    assert SecuritySettings.from_env(
        {"TITANS_API_KEYS": f"{KEY_2},{KEY_3}"}).default_account_owner is None
    declared = _settings(tmp_path, f'[tenants.acme]\nkeys = ["{KEY_1}"]\n',
                         TITANS_API_KEYS=KEY_3)
    assert declared.default_account_owner is None


def test_an_environment_key_has_one_role_in_the_file_too(tmp_path):
    with pytest.raises(ConfigurationError, match="own keys"):
        _settings(tmp_path, f'[tenants.acme]\nadmin_keys = ["{KEY_1}"]\n',
                  TITANS_API_KEYS=KEY_1)


@pytest.mark.parametrize(("cost", "allowed"), [(4, True), (5, True), (6, False)])
def test_a_tenants_keys_share_its_own_budget(tmp_path, cost, allowed):
    """acme's rows_burst is 5: at and below it a cost is taken, above it refused; its two
    keys draw on one bucket, another tenant's (the default budget) is untouched."""
    settings = _settings(tmp_path, f'[tenants.acme]\nkeys = ["{KEY_1}", "{KEY_2}"]\n'
                                   "rows_burst = 5\nrows_per_sec = 0.001\n",
                         TITANS_API_KEYS=KEY_3)
    guard = Guard(settings)
    if not allowed:
        with pytest.raises(RateLimited, match="burst 5|budget of 5"):
            charge(guard.rows, guard.caller(KEY_1), cost, "rows")
        return
    charge(guard.rows, guard.caller(KEY_1), cost, "rows")
    with pytest.raises(RateLimited):  # the other key of acme: what is left is shared
        charge(guard.rows, guard.caller(KEY_2), 5 - cost + 1, "rows")
    charge(guard.rows, guard.caller(KEY_3), 100, "rows")  # another tenant: its own budget


def test_reloading_the_file_rotates_keys_and_keeps_the_owner(tmp_path):
    path = tmp_path / "tenants.toml"
    path.write_text(f'default_account_owner = "acme"\n[tenants.acme]\nkeys = ["{KEY_1}"]\n')
    guard = Guard(SecuritySettings.from_env({"TITANS_TENANTS_FILE": str(path)}))
    path.write_text(f'default_account_owner = "acme"\n[tenants.acme]\nkeys = ["{KEY_2}"]\n')
    assert guard.reload_tenants() == {"tenants": 1, "keys": 1}
    assert guard.caller(KEY_1) is None and guard.caller(KEY_2).tenant == "acme"
    path.write_text(f'default_account_owner = "other"\n[tenants.other]\nkeys = ["{KEY_2}"]\n')
    with pytest.raises(TenantsFileError, match="restart"):
        guard.reload_tenants()
    assert guard.caller(KEY_2).tenant == "acme"


def test_scoped_names_cannot_be_sent_and_show_as_the_tenant_named_them():
    assert scoped_account("acme", "card", owner="acme") == "card"
    assert scoped_account("acme", None, owner="acme") is None
    scoped = scoped_account("b", "card", owner="acme")
    assert scoped != "card" and tenant_of_account(scoped) == "b" and shown_account(scoped) == "card"
    assert scoped_account("b", None, "acme") != scoped_account("c", None, "acme")
    assert tenant_of_account("card") is None and parse_tenants({}).tenants == {}


def _record(name: str, args: tuple) -> logging.LogRecord:
    return logging.LogRecord(name, logging.INFO, __file__, 1, "%s (%s) (%s) %.3fms", args, None)


@pytest.mark.parametrize("path", ["/x\n127.0.0.1:1 (scheme=http,method=GET,path=/forged)",
                                  "/" + "\x1b[31m" * 3, "/predict/anomaly"])
def test_log_lines_carry_the_route_label_never_the_raw_path(path):
    routes = {"/predict/anomaly"}
    label_filter = RouteLabelFilter(lambda p: p if p in routes else "other")
    access = _record("bentoml.access", ("127.0.0.1:5", f"scheme=http,method=OPTIONS,path={path}",
                                        "status=204", 1.0))
    label_filter.filter(access)
    line = access.getMessage()
    label = path if path in routes else "other"
    assert f"path={label})" in line and "\n" not in line and "\x1b" not in line
    error = _record("bentoml._internal.server.http_app", (path, "POST\n", "why"))
    error.msg = "Exception on %s [%s] %s"
    label_filter.filter(error)
    assert error.getMessage() == f"Exception on {label} [POST\\x0a] why"


@pytest.mark.parametrize("length, accepted", [(15, False), (16, True), (17, True)])
def test_a_tenants_key_needs_min_key_length_characters(length, accepted):
    from titans_finance.serving.settings import MIN_KEY_LENGTH
    assert MIN_KEY_LENGTH == 16
    key = "k" * length
    document = {"tenants": {"acme": {"keys": [key]}}}
    if accepted:
        spec = parse_tenants(document).tenants["acme"]
        assert list(spec.keys) == [hashlib.sha256(key.encode()).digest()]
    else:
        with pytest.raises(TenantsFileError, match="at least 16 bearer-token characters"):
            parse_tenants(document)
