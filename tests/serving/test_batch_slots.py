"""Batch slots per tenant (serving/security.py `Guard.admit_batch`): one tenant holds at
most its share (``TITANS_MAX_PENDING_BATCHES_PER_TENANT``, or its own
``max_pending_batches`` in the tenants file) and is told it is its own limit (429); the
service's cap (``TITANS_MAX_PENDING_BATCHES``) stays the backstop (503). Issue 27: three
connections of one key announcing a body and sending nothing held every slot, and every
other key got ``503 busy``. A slot is given back however its request ends."""

from __future__ import annotations

import asyncio

import pytest

from tests.serving.conftest import ALPHA_KEYS, BETA_KEY, KeyedClient
from tests.serving.test_security import ADMIN, KEY_1, KEY_2, ROUTES, _settings
from titans_finance.serving.security import ApiSecurityMiddleware, Guard, key_id
from titans_finance.serving.settings import ConfigurationError

OWN_LIMIT = "its own limit"


class _HeldBatch:
    """A batch endpoint that answers when told to (``release``), fails (``fail``) or
    never (``hang``)."""

    def __init__(self):
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.running = 0

    async def __call__(self, scope, receive, send):
        body = (await receive())["body"]
        self.running += 1
        self.started.set()
        try:
            if body == b"fail":
                raise RuntimeError("the endpoint failed")
            await self.release.wait()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"{}"})
        finally:
            self.running -= 1


def _middleware(app, **overrides):
    settings = {"TITANS_MAX_PENDING_BATCHES": "4", "TITANS_MAX_PENDING_BATCHES_PER_TENANT": "2",
                **overrides}
    return ApiSecurityMiddleware(app, ROUTES, _settings(**settings))


async def _batch(middleware, key: str, body: bytes = b"[]", silent: bool = False,
                 disconnect: bool = False) -> tuple[int, dict]:
    sent = []

    async def receive():
        if silent:
            await asyncio.sleep(60)
        if disconnect:
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        sent.append(message)

    # a silent client announces a body of 8 MB, as the attack's, and sends nothing
    length = 8 * 2**20 if silent else len(body)
    headers = [(b"authorization", f"Bearer {key}".encode()),
               (b"content-type", b"application/json"),
               (b"content-length", str(length).encode())]
    scope = {"type": "http", "method": "POST", "path": "/predict/batch", "headers": headers,
             "client": ("127.0.0.1", 1)}
    await middleware(scope, receive, send)
    if not sent:
        return 0, {}  # nobody to answer: the client went away
    return sent[0]["status"], {"headers": dict(sent[0]["headers"]),
                               "body": b"".join(m.get("body", b"") for m in sent[1:])}


def _held(middleware) -> tuple[int, dict[str, int]]:
    return middleware.guard.pending_batches, dict(middleware.guard.pending_by_tenant)


@pytest.mark.parametrize("held, admitted", [(1, True), (2, False), (3, False)])
def test_a_tenant_below_its_cap_is_admitted_at_or_above_it_refused(held, admitted):
    """Cap 2: one below is admitted; at it, or above it (a cap lowered by a reload while
    batches ran), 429 naming the tenant's own limit, before the body is read."""
    app = _HeldBatch()
    app.release.set()
    middleware = _middleware(app)
    tenant = key_id(KEY_1)
    middleware.guard.pending_batches, middleware.guard.pending_by_tenant[tenant] = held, held
    status, answer = asyncio.run(_batch(middleware, KEY_1))
    if admitted:
        assert status == 200
    else:
        assert status == 429 and app.started.is_set() is False
        assert OWN_LIMIT in answer["body"].decode()
        assert f"{held} batch requests in progress" in answer["body"].decode()
        assert int(answer["headers"][b"retry-after"]) >= 1
    assert _held(middleware) == (held, {tenant: held})  # this one came and went


def test_one_tenant_at_its_cap_leaves_the_other_slots_to_other_tenants():
    """Issue 27's attack: one key's connections that never send their body. With cap 2
    (4 slots), its third is refused as its own limit; another tenant is admitted; when
    every slot is taken, the backstop answers 503."""
    app = _HeldBatch()
    middleware = _middleware(app)

    async def main():
        flood = [asyncio.ensure_future(_batch(middleware, KEY_1, silent=True))
                 for _ in range(2)]
        await asyncio.sleep(0.05)
        third = await _batch(middleware, KEY_1)
        other = asyncio.ensure_future(_batch(middleware, KEY_2))  # another tenant: runs
        await app.started.wait()
        admin = asyncio.ensure_future(_batch(middleware, ADMIN))  # a third tenant: runs
        while app.running < 2:
            await asyncio.sleep(0.01)
        held = _held(middleware)
        backstop = await _batch(middleware, KEY_2)  # 4 of 4 slots taken, KEY_2's at 1 of 2
        app.release.set()
        answered = [(await other)[0], (await admin)[0]]
        for request in flood:
            request.cancel()
        await asyncio.gather(*flood, return_exceptions=True)
        return third, held, backstop, answered

    third, held, backstop, answered = asyncio.run(main())
    assert third[0] == 429 and OWN_LIMIT in third[1]["body"].decode()
    assert held == (4, {key_id(KEY_1): 2, key_id(KEY_2): 1, key_id(ADMIN): 1})
    assert backstop[0] == 503 and b"busy with other batches" in backstop[1]["body"]
    assert answered == [200, 200]
    assert _held(middleware) == (0, {})


@pytest.mark.parametrize("ending", ["answered", "failed", "timed out", "body too slow",
                                    "client gone", "cancelled"])
def test_a_slot_is_given_back_however_its_request_ends(ending):
    app = _HeldBatch()
    app.release.set()
    middleware = _middleware(app, TITANS_REQUEST_TIMEOUT_SEC="0.2",
                             TITANS_BODY_FIRST_BYTE_SEC="0.2")
    if ending == "timed out":
        app.release.clear()

    async def main():
        if ending == "cancelled":
            request = asyncio.ensure_future(_batch(middleware, KEY_1, silent=True))
            await asyncio.sleep(0.05)
            assert _held(middleware) == (1, {key_id(KEY_1): 1})
            request.cancel()
            await asyncio.gather(request, return_exceptions=True)
            return None
        if ending == "failed":
            with pytest.raises(RuntimeError):
                await _batch(middleware, KEY_1, body=b"fail")
            return None
        return (await _batch(middleware, KEY_1, silent=ending == "body too slow",
                             disconnect=ending == "client gone"))[0]

    status = asyncio.run(main())
    assert status == {"answered": 200, "timed out": 504, "body too slow": 408,
                      "client gone": 0}.get(ending)
    assert _held(middleware) == (0, {})  # no slot kept, no tenant entry left behind


def test_a_tenant_of_the_tenants_file_has_its_own_cap(tmp_path):
    path = tmp_path / "tenants.toml"
    path.write_text(f'[tenants.acme]\nkeys = ["{KEY_1}"]\nmax_pending_batches = 1\n')
    app = _HeldBatch()
    middleware = _middleware(app, TITANS_TENANTS_FILE=str(path))
    assert (middleware.guard.batch_cap("acme"), middleware.guard.batch_cap(key_id(KEY_2))) \
        == (1, 2)

    async def main():
        first = asyncio.ensure_future(_batch(middleware, KEY_1))
        await app.started.wait()
        second = await _batch(middleware, KEY_1)
        app.release.set()
        return (await first)[0], second

    first, second = asyncio.run(main())
    assert first == 200 and second[0] == 429
    assert "1 batch request in progress, its own limit (1)" in second[1]["body"].decode()


@pytest.mark.parametrize("value", ["0", "-1", "1.5", "many", "5"])  # 5: above the 4 slots
def test_a_bad_per_tenant_cap_stops_the_start_naming_the_setting(value):
    with pytest.raises(ConfigurationError, match="TITANS_MAX_PENDING_BATCHES_PER_TENANT"):
        _settings(TITANS_MAX_PENDING_BATCHES="4", TITANS_MAX_PENDING_BATCHES_PER_TENANT=value)


@pytest.mark.parametrize("slots, share", [(1, 1), (2, 1), (3, 2)])
def test_unset_a_tenant_may_hold_all_slots_but_one(slots, share):
    settings = _settings(TITANS_MAX_PENDING_BATCHES=str(slots))
    assert settings.max_pending_batches_per_tenant == share


def test_the_served_batch_endpoint_refuses_a_tenant_at_its_cap_and_admits_another(service):
    """In-process service: alpha (declared, two keys sharing its slots) holding its share
    gets 429 from either key; one below, and beta meanwhile, are scored; the counts are
    back where they were after each answer, a refused body's (400) too."""
    guard = Guard.get()
    cap = guard.batch_cap("alpha")
    body = {"transactions": [{"date": "2026-01-05", "description": "TESCO STORES 2041",
                              "amount": -12.5, "account": "slots-card"}]}
    alpha, alpha_too, beta = (KeyedClient(service, key) for key in (*ALPHA_KEYS, BETA_KEY))
    try:
        for held, expected in ((cap - 1, 200), (cap, 429)):
            holding = {"alpha": held} if held else {}  # a tenant holding none: no entry
            guard.pending_by_tenant.update(holding)
            guard.pending_batches = held
            for client in (alpha, alpha_too):
                answer = client.post("/predict/batch", json=body)
                assert answer.status_code == expected, answer.text
            if expected == 429:
                assert OWN_LIMIT in answer.json()["message"]
                assert beta.post("/predict/batch", json=body).status_code == 200
            assert beta.post("/predict/batch", json={"transactions": "no"}).status_code == 400
            assert (guard.pending_batches, guard.pending_by_tenant) == (held, holding)
    finally:
        guard.pending_by_tenant.clear()
        guard.pending_batches = 0
