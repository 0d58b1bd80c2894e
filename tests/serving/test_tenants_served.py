"""Tenants kept apart by a real `bentoml serve` on loopback (second tier: `serve_env`).

The review's findings, over the socket, with two keys of two tenants ("alpha", declared in
the tenants file; "beta", an undeclared key): the second cannot read, probe, claim,
poison or evict the first's accounts. Then the history outlives a key rotation (the
tenants file re-read, no restart) and a restart of the server (replayed from its store),
for each tenant: alpha, beta and the default account's owner (whose default account
holds the training history).
The server is this module's own (it is restarted), with its own tenants file and store.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.serving.conftest import (
    ADMIN_KEY,
    ALPHA_KEYS,
    BETA_KEY,
    OWNER_KEYS,
    HISTORY_MAX_ACCOUNTS,
    start_server,
    tenants_toml,
)

CHARGE = {"description": "CORNER BOOKSHOP 0412", "amount": -23.45, "date": "2026-01-05",
          "merchant": "Corner Bookshop", "payment_method": "debit_card"}
ROTATED_KEY = "test-key-tenant-alpha-rotated-served"
ACCOUNT = f"alice-card-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def tenant_server(serve_env, tmp_path_factory):
    folder = tmp_path_factory.mktemp("tenant-server")
    (folder / "tenants.toml").write_text(tenants_toml())
    env = {**serve_env, "TITANS_TENANTS_FILE": str(folder / "tenants.toml"),
           "TITANS_HISTORY_DB": str(folder / "history.sqlite3")}
    state = {"server": start_server(env, folder / "bentoml.log"), "env": env,
             "folder": folder}
    yield state
    state["server"].stop()


def _client(state, key: str) -> httpx.Client:
    return httpx.Client(base_url=state["server"].url, timeout=60,
                        headers={"Authorization": f"Bearer {key}"})


def _anomaly(http: httpx.Client, **fields) -> dict:
    answer = http.post("/predict/anomaly", json={**CHARGE, **fields})
    assert answer.status_code == 200, answer.text
    return answer.json()


def _duplicates(answer: dict) -> list[str]:
    return [r for r in answer["reasons"] if r.startswith("same amount to the same payee")]


def test_a_second_tenant_cannot_read_probe_claim_poison_or_evict(tenant_server):
    with _client(tenant_server, ALPHA_KEYS[0]) as alpha, \
            _client(tenant_server, BETA_KEY) as beta:
        # read: alpha's charge is invisible to beta's dry run against alpha's account name
        _anomaly(alpha, account=ACCOUNT, transaction_id="alpha-1")
        assert _duplicates(_anomaly(alpha, account=ACCOUNT, record=False))
        probe = _anomaly(beta, account=ACCOUNT, record=False)
        unused = _anomaly(beta, account="never-used", record=False)
        assert not _duplicates(probe) and probe["score"] == unused["score"]
        # probe: alpha's id with other values is beta's own first send, no 409
        assert beta.post("/predict/anomaly", json={**CHARGE, "account": ACCOUNT,
                                                   "amount": -1.0,
                                                   "transaction_id": "alpha-1"}).status_code == 200
        # claim: an id beta recorded first does not refuse alpha's real transaction
        _anomaly(beta, account=ACCOUNT, transaction_id="alpha-2", amount=-2.0)
        _anomaly(alpha, account=ACCOUNT, transaction_id="alpha-2", date="2026-01-06")
        # poison: beta's grocery charges in "alice-card" do not flag alpha's genuine one
        grocer = {**CHARGE, "description": "GROCER 12", "amount": -80.0, "account": ACCOUNT}
        assert beta.post("/predict/batch", json={"transactions": [grocer] * 2}
                         ).status_code == 200
        assert not _duplicates(_anomaly(alpha, **grocer))
        # evict: beta's flood of new account names forgets beta's accounts only
        before = alpha.get("/models").json()["rolling_history"]
        flood = [{**CHARGE, "account": f"flood-{i}"} for i in range(HISTORY_MAX_ACCOUNTS + 50)]
        assert beta.post("/predict/batch", json={"transactions": flood}).status_code == 200
        assert beta.get("/models").json()["rolling_history"]["forgotten_accounts"] >= 50
        assert alpha.get("/models").json()["rolling_history"] == before
        assert _duplicates(_anomaly(alpha, account=ACCOUNT, record=False))


def test_a_key_rotation_and_a_restart_lose_nothing(tenant_server):
    folder = tenant_server["folder"]
    with _client(tenant_server, OWNER_KEYS[0]) as owner:  # the default account's owner
        _anomaly(owner, transaction_id="owner-1")  # its default account (training history)
        _anomaly(owner, account=ACCOUNT, transaction_id="owner-2")
        owner_before = owner.get("/models").json()["rolling_history"]
    with _client(tenant_server, ADMIN_KEY) as admin:
        (folder / "tenants.toml").write_text(tenants_toml((ALPHA_KEYS[1], ROTATED_KEY)))
        assert admin.post("/admin/keys/reload").status_code == 200
    with _client(tenant_server, ALPHA_KEYS[0]) as withdrawn:
        assert withdrawn.post("/models").status_code == 403
    with _client(tenant_server, ROTATED_KEY) as alpha:
        assert _duplicates(_anomaly(alpha, account=ACCOUNT, record=False))
        before = alpha.get("/models").json()["rolling_history"]
    with _client(tenant_server, BETA_KEY) as beta:
        beta_before = beta.get("/models").json()["rolling_history"]
    tenant_server["server"].stop()
    tenant_server["server"] = start_server(tenant_server["env"], folder / "restarted.log")
    with _client(tenant_server, ROTATED_KEY) as alpha:
        assert alpha.get("/models").json()["rolling_history"] == before
        assert _duplicates(_anomaly(alpha, account=ACCOUNT, record=False))
        # a retry after the restart is answered as the first time, not recorded again
        _anomaly(alpha, account=ACCOUNT, transaction_id="alpha-1")
        assert alpha.get("/models").json()["rolling_history"]["transactions"] == before[
            "transactions"]
    with _client(tenant_server, BETA_KEY) as beta:  # replayed: the same forgetting too
        assert beta.get("/models").json()["rolling_history"] == beta_before
    with _client(tenant_server, OWNER_KEYS[0]) as owner:
        assert owner.get("/models").json()["rolling_history"] == owner_before
        assert _duplicates(_anomaly(owner, record=False))
        assert _duplicates(_anomaly(owner, account=ACCOUNT, record=False))
