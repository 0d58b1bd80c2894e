"""Tenants kept apart over HTTP, in-process (`service`: BentoML's ASGI app with the security
middleware). Two tenants: "alpha" (declared in the tenants file, two keys) and "beta"
(an undeclared key, a tenant of its own); the owner of the training history ("owner",
`client`). Each finding of the review is a test: a second tenant cannot read, probe,
claim, poison or evict the first tenant's accounts, nor see its counts; keys reload
without a restart; the recorded history survives a restart (replayed from its store).

Account names are fresh per test (the session's service is shared).
"""

from __future__ import annotations

import uuid

import pytest

from tests.serving.conftest import (
    ADMIN_KEY,
    ALPHA_KEYS,
    BETA_KEY,
    HISTORY_MAX_ACCOUNTS,
    OWNER_TENANT,
    KeyedClient,
    tenants_toml,
)
from tests.serving.test_rolling_history import CHARGE, duplicate_reasons, fresh, rolling_stats
from titans_finance.serving.security import Guard, key_id


@pytest.fixture
def alpha(service) -> KeyedClient:
    return KeyedClient(service, ALPHA_KEYS[0])


@pytest.fixture
def alpha_too(service) -> KeyedClient:
    return KeyedClient(service, ALPHA_KEYS[1])


@pytest.fixture
def beta(service) -> KeyedClient:
    return KeyedClient(service, BETA_KEY)


def _anomaly(client: KeyedClient, account: str | None, **fields) -> dict:
    body = {**CHARGE, **fields}
    if account is not None:
        body["account"] = account
    answer = client.post("/predict/anomaly", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_another_tenant_cannot_read_an_account(alpha, beta):
    account = fresh("alice-card")
    _anomaly(alpha, account)
    assert duplicate_reasons(_anomaly(alpha, account, record=False))  # alpha sees its charge
    probe = _anomaly(beta, account, record=False)
    assert not duplicate_reasons(probe)
    unused = _anomaly(beta, fresh("unused"), record=False)
    assert probe["score"] == unused["score"] and probe["reasons"] == unused["reasons"]


def test_another_tenant_cannot_probe_or_claim_a_transaction_id(alpha, beta):
    account, probed, claimed = fresh("alice-card"), fresh("tx"), fresh("tx")
    _anomaly(alpha, account, transaction_id=probed)
    # probing: beta's different send of alpha's id is beta's own first send (no 409)
    assert beta.post("/predict/anomaly", json={**CHARGE, "account": account, "amount": -1.0,
                                               "transaction_id": probed}).status_code == 200
    # claiming: an id beta recorded first does not refuse alpha's real transaction
    _anomaly(beta, account, transaction_id=claimed, amount=-2.0)
    before = rolling_stats(alpha)["transactions"]
    _anomaly(alpha, account, transaction_id=claimed, date="2026-01-06")
    assert rolling_stats(alpha)["transactions"] == before + 1
    # a 409 stays inside the tenant, naming the account as the tenant named it
    conflict = alpha.post("/predict/anomaly", json={**CHARGE, "account": account,
                                                    "amount": -3.0, "transaction_id": probed})
    message = conflict.json()["message"]
    assert conflict.status_code == 409 and f"'{account}'" in message
    assert "alpha" not in message and "\x1e" not in message and "\\x1e" not in message
    batch = beta.post("/predict/batch", json={"transactions": [
        {**CHARGE, "account": account, "amount": -4.0, "transaction_id": probed}]})
    assert batch.status_code == 409 and f"'{account}'" in batch.json()["message"]


def test_another_tenant_cannot_poison_an_account(alpha, beta):
    account = fresh("alice-card")
    poison = beta.post("/predict/batch", json={"transactions": [
        {**CHARGE, "account": account} for _ in range(3)]})
    assert poison.status_code == 200
    genuine = _anomaly(alpha, account)
    assert not duplicate_reasons(genuine)
    assert genuine == _anomaly(alpha, fresh("clean"), record=False)


def test_another_tenant_cannot_evict_an_account_nor_see_its_counts(alpha, beta):
    account = fresh("alice-card")
    _anomaly(alpha, account)
    mine = rolling_stats(alpha)
    flood = [{**CHARGE, "account": fresh("flood")} for _ in range(HISTORY_MAX_ACCOUNTS + 50)]
    assert beta.post("/predict/batch", json={"transactions": flood}).status_code == 200
    theirs = rolling_stats(beta)
    assert theirs["forgotten_accounts"] >= 50 and theirs["accounts"] == HISTORY_MAX_ACCOUNTS
    # alpha's figures are its own and did not move; its charge is still remembered
    assert rolling_stats(alpha) == mine
    assert duplicate_reasons(_anomaly(alpha, account, record=False))


def test_a_tenants_keys_share_its_accounts(alpha, alpha_too):
    account = fresh("shared")
    _anomaly(alpha, account)
    assert duplicate_reasons(_anomaly(alpha_too, account, record=False))
    assert rolling_stats(alpha) == rolling_stats(alpha_too)


def test_the_default_account_is_its_owners_only(client, beta):
    day = {"date": "2026-02-0" + str(1 + uuid.uuid4().int % 9), "amount": -31.17}
    _anomaly(client, None, **day)  # the owner's default account: the training one
    assert duplicate_reasons(_anomaly(client, None, record=False, **day))
    assert not duplicate_reasons(_anomaly(beta, None, record=False, **day))
    assert client.post("/forecast/cashflow", json={"horizon_days": 3}).status_code == 200
    refused = beta.post("/forecast/cashflow", json={"horizon_days": 3})
    assert refused.status_code == 403 and "another tenant" in refused.text


def test_corrections_are_recorded_with_the_tenant_and_name_one_transaction(alpha, beta):
    one = {"category": "books", "date": "2026-01-05", "amount": -23.45,
           "description": f"SHOP {uuid.uuid4().hex[:8]}", "dry_run": True}
    answer = alpha.post("/feedback", json=one)
    assert answer.status_code == 200 and answer.json()["correction"]["submitted_by"] == "alpha"
    assert beta.post("/feedback", json=one).json()["correction"]["submitted_by"] == key_id(
        BETA_KEY)
    alone = alpha.post("/feedback", json={"category": "books", "reference": "INV-1"})
    assert alone.status_code == 400 and "reference alone" in alone.text


@pytest.mark.parametrize(("recorded", "status"), [(4, 200), (5, 200), (6, 422)])
def test_one_correction_changes_at_most_the_row_cap(beta, recorded, status):
    """TITANS_FEEDBACK_MAX_ROWS (5): the tenant's recorded transactions a correction names
    are counted — at and below the cap it is taken, above it refused."""
    description = f"SHOP {uuid.uuid4().hex[:8]}"
    rows = [{**CHARGE, "description": description, "account": fresh("row")}
            for _ in range(recorded)]
    assert beta.post("/predict/batch", json={"transactions": rows}).status_code == 200
    answer = beta.post("/feedback", json={"category": "books", "date": CHARGE["date"],
                                          "amount": CHARGE["amount"],
                                          "description": description, "dry_run": True})
    assert answer.status_code == status, answer.text


def test_options_needs_a_key_and_is_answered_by_the_middleware(service, alpha):
    assert service.options("/predict/anomaly").status_code == 401
    answer = alpha.request("OPTIONS", "/predict/anomaly")
    assert answer.status_code == 204 and answer.headers["allow"] == "POST, OPTIONS"
    assert alpha.request("OPTIONS", "/no/such/path").status_code == 404


def test_keys_rotate_without_a_restart_and_the_tenant_keeps_its_history(service, tenants_file,
                                                                         alpha):
    admin = KeyedClient(service, ADMIN_KEY)
    account, rotated = fresh("rotation"), "test-key-tenant-alpha-3-rotated"
    _anomaly(alpha, account)
    try:
        tenants_file.write_text(tenants_toml((ALPHA_KEYS[1], rotated)))
        assert alpha.post("/admin/keys/reload").status_code == 403  # admin keys only
        answer = admin.post("/admin/keys/reload")
        assert answer.status_code == 200 and answer.json()["reloaded"]
        assert alpha.post("/predict/anomaly", json=CHARGE).status_code == 403  # withdrawn
        assert duplicate_reasons(_anomaly(KeyedClient(service, rotated), account,
                                          record=False))
        tenants_file.write_text("[tenants.alpha]\nkeys = 'not a list'\n")
        refused = admin.post("/admin/keys/reload")
        assert refused.status_code == 409 and "current keys stay" in refused.text
        assert KeyedClient(service, rotated).post("/models").status_code == 200
    finally:
        tenants_file.write_text(tenants_toml())
        assert admin.post("/admin/keys/reload").status_code == 200
    assert alpha.post("/models").status_code == 200


def test_a_restart_replays_the_recorded_history_of_every_tenant(alpha, beta, manifest_path,
                                                                 in_process_settings):
    """A new worker's history, replayed from the store the running one writes, holds
    what each tenant recorded (the same counts /models shows each)."""
    from titans_finance.registry.store import Manifest
    from titans_finance.serving.history_store import RecordedHistoryStore
    from titans_finance.serving.served_models import ServedModels
    from titans_finance.serving.tenant_history import stored_frame

    account = fresh("restart")
    _anomaly(alpha, account, transaction_id=fresh("tx"))
    _anomaly(beta, account, amount=-8.0)
    restarted = ServedModels.from_manifest(Manifest.read(str(manifest_path)),
                                           {"max_accounts": HISTORY_MAX_ACCOUNTS})
    restarted.rolling.attach(OWNER_TENANT, Guard.get().quotas, RecordedHistoryStore(
        in_process_settings["TITANS_HISTORY_DB"]))
    restarted.rolling.replay(stored_frame)
    for client, tenant in ((alpha, "alpha"), (beta, key_id(BETA_KEY))):
        live = rolling_stats(client)
        assert restarted.rolling.stats(tenant) == live, tenant
