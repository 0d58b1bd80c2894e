"""The security middleware in-process (no server): keys, roles, limits, bodies, error shape."""

import asyncio
import json

import pytest

from titans_finance.serving.security import (
    DEV_API_KEY,
    ApiSecurityMiddleware,
    ConfigurationError,
    Guard,
    RateLimited,
    RoutePolicy,
    SecuritySettings,
    TokenBucketLimiter,
    charge,
    key_id,
)

KEY_1, KEY_2 = "secret-key-1-aaaaaaaa", "secret-key-2-bbbbbbbb"
ADMIN = "admin-key-cccccccccccc"
METRICS = "metrics-key-dddddddddd"
ROUTES = {"/predict/category": RoutePolicy(), "/predict/batch": RoutePolicy(bulk=True),
          "/feedback": RoutePolicy(), "/models": RoutePolicy(),
          "/models/reload": RoutePolicy(role="admin")}


def _settings(**overrides):
    env = {"TITANS_API_KEYS": f"{KEY_1},{KEY_2}", "TITANS_ADMIN_API_KEYS": ADMIN,
           "TITANS_METRICS_API_KEYS": METRICS, **overrides}
    return SecuritySettings.from_env(env)


def test_no_key_configured_refuses_to_start():
    with pytest.raises(ConfigurationError, match="TITANS_API_KEYS is not set"):
        SecuritySettings.from_env({})
    with pytest.raises(ConfigurationError, match="TITANS_API_KEYS is not set"):
        SecuritySettings.from_env({"TITANS_METRICS_API_KEYS": METRICS})  # no key may predict


def test_dev_key_only_when_explicitly_enabled_and_with_a_warning():
    assert DEV_API_KEY not in _settings().api_keys
    assert not [w for w in _settings().warnings if DEV_API_KEY in w]
    dev = SecuritySettings.from_env({"TITANS_DEV_API_KEY": "1"})
    assert dev.api_keys == (DEV_API_KEY,) and "never use this" in dev.warnings[0]


@pytest.mark.parametrize("name, value, message", [
    ("TITANS_RATE_LIMIT_PER_SEC", "fast", "not a number"),
    ("TITANS_RATE_LIMIT_BURST", "-1", "positive"),
    ("TITANS_RATE_LIMIT_BURST", "2.5", "whole number"),
    ("TITANS_MAX_BODY_BYTES", "inf", "positive"),
    ("TITANS_MAX_BODY_BYTES", "1e6.5", "not a number"),
    ("TITANS_MAX_BODY_BYTES", "100000.5", "whole number"),
    ("TITANS_ROW_LIMIT_BURST", "0", "positive"),
    ("TITANS_METRICS_PUBLIC", "maybe", "yes/no"),
])
def test_bad_config_values_name_the_variable(name, value, message):
    with pytest.raises(ConfigurationError, match=f"{name}.*{message}"):
        _settings(**{name: value})


@pytest.mark.parametrize("key, message", [
    ("abc", "shorter than 16"),
    ("schlüssel-sehr-geheim-123", "characters a bearer token cannot carry"),  # non-ASCII
    ("key with spaces inside!", "characters a bearer token cannot carry"),
])
def test_unusable_keys_are_refused_at_start_without_printing_them(key, message):
    with pytest.raises(ConfigurationError, match=message) as error:
        SecuritySettings.from_env({"TITANS_API_KEYS": f"{KEY_1},{key}"})
    assert key not in str(error.value) and "key 2" in str(error.value)


def test_a_key_has_one_role():
    with pytest.raises(ConfigurationError, match="own keys"):
        SecuritySettings.from_env({"TITANS_API_KEYS": KEY_1, "TITANS_ADMIN_API_KEYS": KEY_1})


def test_token_bucket_refills_over_time_and_charges_costs():
    now = [0.0]
    limiter = TokenBucketLimiter(rate=2.0, burst=2.0, clock=lambda: now[0])
    assert limiter.acquire("k") == 0 and limiter.acquire("k") == 0
    assert limiter.acquire("k") == pytest.approx(0.5)
    assert limiter.acquire("other") == 0  # buckets are per key
    now[0] = 0.5
    assert limiter.acquire("k") == 0
    assert limiter.acquire("k", cost=3) == float("inf")  # more than the burst: never


def test_token_buckets_of_client_addresses_are_bounded():
    limiter = TokenBucketLimiter(rate=1.0, burst=5.0, max_keys=100)
    for i in range(10_000):
        limiter.acquire(f"10.0.{i // 256}.{i % 256}")
    assert len(limiter) == 100


def test_charge_names_the_budget():
    guard = Guard(_settings(TITANS_ROW_LIMIT_BURST="100", TITANS_ROW_LIMIT_PER_SEC="10"))
    caller = guard.caller(KEY_1)
    charge(guard.rows, caller, 60, "transactions per second")
    with pytest.raises(RateLimited, match="transactions per second") as limited:
        charge(guard.rows, caller, 60, "transactions per second")
    assert limited.value.retry_after == pytest.approx(2.0, abs=0.1)
    charge(guard.rows, guard.caller(KEY_2), 60, "transactions per second")  # per key


class _App:
    """The endpoint behind the middleware: records whether it ran and what it received."""

    def __init__(self):
        self.calls = []

    async def __call__(self, scope, receive, send):
        message = await receive()
        self.calls.append((scope["path"], scope["method"], message.get("body", b"")))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


def _call(middleware, path="/predict/category", headers=None, method="POST", chunks=(b"",),
          client=("127.0.0.1", 5000), delay=0.0):
    sent = []
    messages = [{"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
                for i, chunk in enumerate(chunks)]

    async def receive():
        if delay:
            await asyncio.sleep(delay)
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    raw_headers = []
    for name, value in (headers.items() if isinstance(headers, dict) else headers or []):
        raw_headers.append((name.lower().encode(), value.encode("latin-1")))
    scope = {"type": "http", "method": method, "path": path, "headers": raw_headers,
             "client": client}
    asyncio.run(middleware(scope, receive, send))
    # exactly one response, whole: an endpoint still running after a 401/403 would send
    # a second one (or append to the first), and reading only sent[0] could not see it
    starts = [m for m in sent if m["type"] == "http.response.start"]
    assert len(starts) == 1, f"{len(starts)} responses sent: {[m.get('status') for m in starts]}"
    assert sent[0]["type"] == "http.response.start" and sent[-1]["type"] == "http.response.body"
    assert not sent[-1].get("more_body"), "the response body never ended"
    start = sent[0]
    headers = dict(start["headers"])
    json_body = headers.get(b"content-type", b"application/json") == b"application/json"
    body = json.loads(sent[1]["body"] or b"{}") if json_body else sent[1]["body"]
    return start["status"], headers, body


def _middleware(**overrides):
    app = _App()
    return ApiSecurityMiddleware(app, ROUTES, _settings(**overrides)), app


def _auth(key=KEY_1, **more):
    return {"Authorization": f"Bearer {key}", **more}


def _assert_error_shape(body, code):
    assert set(body) == {"error", "message", "detail"} and body["error"] == code


def test_status_codes_for_missing_malformed_wrong_and_good_keys():
    middleware, app = _middleware()
    status, headers, body = _call(middleware)
    assert status == 401 and headers[b"www-authenticate"] == b"Bearer"
    assert "Authorization: Bearer" in body["message"]
    _assert_error_shape(body, "unauthorized")
    assert _call(middleware, headers={"Authorization": "Basic abc"})[0] == 401
    assert _call(middleware, headers={"Authorization": f"Bearer {KEY_1}\xa0"})[0] == 401
    assert _call(middleware, headers={"Authorization": f"Bearer  {KEY_1}"})[0] == 401
    status, _, body = _call(middleware, headers=_auth("wrong-key-1234567890"))
    assert status == 403
    _assert_error_shape(body, "forbidden")
    assert app.calls == []  # nothing reached the endpoint
    assert _call(middleware, headers=_auth(KEY_2))[0] == 200 and len(app.calls) == 1


def test_a_wrong_key_never_reaches_the_endpoint():
    """Issue #18 planted this: without the `return` after the 403, the endpoint ran anyway."""
    middleware, app = _middleware()
    for path in ROUTES:
        assert _call(middleware, path=path, headers=_auth("wrong-key-1234567890"))[0] == 403
        assert _call(middleware, path=path)[0] == 401
    assert app.calls == []


def test_duplicate_authorization_headers_are_refused():
    middleware, app = _middleware()
    headers = [("Authorization", f"Bearer {KEY_1}"), ("Authorization", "Bearer wrong-key-123456")]
    assert _call(middleware, headers=headers)[0] == 401 and app.calls == []


def test_failed_keys_from_one_address_are_throttled_but_valid_keys_still_pass():
    middleware, app = _middleware(TITANS_AUTH_FAILURES_BURST="5",
                                  TITANS_AUTH_FAILURES_PER_SEC="0.01")
    statuses = [_call(middleware, headers=_auth("wrong-key-1234567890"))[0] for _ in range(8)]
    assert statuses == [403] * 5 + [429] * 3
    status, headers, _ = _call(middleware)
    assert status == 429 and int(headers[b"retry-after"]) >= 1
    assert _call(middleware, headers=_auth(), client=("127.0.0.1", 6000))[0] == 200
    assert _call(middleware, client=("10.1.2.3", 1))[0] == 401  # another address: its own budget


def test_unknown_paths_need_a_key_first_then_are_404():
    middleware, app = _middleware()
    assert _call(middleware, path="/x/4f1c", method="GET")[0] == 401
    status, _, body = _call(middleware, path="/x/4f1c", method="GET", headers=_auth())
    assert status == 404
    _assert_error_shape(body, "not_found")
    assert app.calls == []


def test_roles_admin_endpoints_and_metrics():
    middleware, app = _middleware()
    status, _, body = _call(middleware, path="/models/reload", headers=_auth())
    assert status == 403 and "admin" in body["message"]
    assert _call(middleware, path="/models/reload", headers=_auth(ADMIN))[0] == 200
    assert _call(middleware, path="/predict/category", headers=_auth(ADMIN))[0] == 200
    assert _call(middleware, path="/predict/category", headers=_auth(METRICS))[0] == 403
    assert _call(middleware, path="/metrics", method="GET")[0] == 401
    assert _call(middleware, path="/metrics", method="GET", headers=_auth())[0] == 403
    assert [c[0] for c in app.calls] == ["/models/reload", "/predict/category"]


def test_metrics_can_be_made_public():
    middleware, _ = _middleware(TITANS_METRICS_PUBLIC="1")
    status, _, text = _call(middleware, path="/metrics", method="GET")
    assert status == 200 and b"titans_http_requests_total" in text


def test_probes_and_the_api_page_need_no_key():
    middleware, app = _middleware()
    for path in ("/livez", "/readyz"):
        assert _call(middleware, path=path, method="GET")[0] == 200
    status, _, spec = _call(middleware, path="/docs.json", method="GET")
    assert status == 200 and spec["info"]["title"] == "titans-finance API"
    assert _page(middleware)[0] == 200


def _page(middleware):
    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b""}

    asyncio.run(middleware({"type": "http", "method": "GET", "path": "/", "headers": []},
                           receive, send))
    page = sent[1]["body"].decode()
    assert "titans-finance API" in page and "googletagmanager" not in page
    return sent[0]["status"], dict(sent[0]["headers"]), page


def test_rate_limit_answers_429_with_retry_after():
    middleware, _ = _middleware(TITANS_RATE_LIMIT_PER_SEC="0.5", TITANS_RATE_LIMIT_BURST="2")
    assert [_call(middleware, headers=_auth())[0] for _ in range(2)] == [200, 200]
    status, headers, body = _call(middleware, headers=_auth())
    assert status == 429 and headers[b"retry-after"] == b"2"
    _assert_error_shape(body, "rate_limited")
    assert _call(middleware, headers=_auth(KEY_2))[0] == 200


def test_declared_oversized_body_gets_413_without_being_read():
    middleware, app = _middleware()
    status, _, body = _call(middleware, path="/predict/batch", headers=_auth(**{
        "Content-Length": str(8 * 2**20 + 1), "Content-Type": "application/json"}))
    assert status == 413 and "limit" in body["message"] and app.calls == []
    status, _, _ = _call(middleware, headers=_auth(**{
        "Content-Length": str(64 * 2**10 + 1), "Content-Type": "application/json"}))
    assert status == 413  # a single transaction's endpoint takes far less than a batch's


def test_chunked_body_is_counted_as_it_arrives():
    middleware, app = _middleware(TITANS_MAX_BODY_BYTES="100000")
    chunks = [b"x" * 30_000] * 4
    status, _, body = _call(middleware, path="/predict/batch", chunks=chunks, headers=_auth(**{
        "Transfer-Encoding": "chunked", "Content-Type": "application/json"}))
    assert status == 413 and app.calls == []
    status, _, _ = _call(middleware, path="/predict/batch", chunks=[b"{}", b"  "], headers=_auth(
        **{"Transfer-Encoding": "chunked", "Content-Type": "application/json"}))
    assert status == 200 and app.calls[-1][2] == b"{}  "  # the endpoint got the whole body


@pytest.mark.parametrize("content_type", [
    "multipart/form-data; boundary=x", "application/vnd.bentoml+pickle",
    "application/x-www-form-urlencoded", "text/plain", "application/json; charset=latin-1"])
def test_bodies_other_than_json_get_415(content_type):
    middleware, app = _middleware()
    status, _, body = _call(middleware, chunks=[b"--x\r\n"], headers=_auth(**{
        "Content-Type": content_type, "Content-Length": "5"}))
    assert status == 415 and app.calls == []
    _assert_error_shape(body, "unsupported_media_type")


def test_a_body_that_never_finishes_gets_408():
    middleware, app = _middleware(TITANS_BODY_TIMEOUT_SEC="0.2")
    status, _, _ = _call(middleware, chunks=[b"{"] * 10, delay=0.05, headers=_auth(**{
        "Content-Type": "application/json", "Transfer-Encoding": "chunked"}))
    assert status == 408 and app.calls == []


def test_get_models_is_served_by_the_models_endpoint():
    middleware, app = _middleware()
    assert _call(middleware, path="/models", method="GET", headers=_auth())[0] == 200
    assert app.calls == [("/models", "POST", b"")]


def test_endpoint_errors_leave_in_the_one_shape_without_internal_names():
    async def bentoml_style(scope, receive, send):
        await receive()
        body = json.dumps({"error": "2 validation errors for TransactionInput", "detail": [
            {"type": "missing", "loc": ["amount"], "msg": "Field required", "url": "https://x"},
            {"type": "value_error", "loc": ["date"], "msg": "Value error, not a date"}]}).encode()
        await send({"type": "http.response.start", "status": 400,
                    "headers": [(b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    middleware = ApiSecurityMiddleware(bentoml_style, ROUTES, _settings())
    status, headers, body = _call(middleware, headers=_auth())
    assert status == 400
    _assert_error_shape(body, "invalid_input")
    assert [d["loc"] for d in body["detail"]] == [["amount"], ["date"]]
    assert "TransactionInput" not in json.dumps(body) and "url" not in body["detail"][0]
    assert int(headers[b"content-length"]) == len(json.dumps(body).encode())


def test_a_too_long_batch_is_413_in_the_one_shape():
    async def too_many(scope, receive, send):
        await receive()
        body = json.dumps({"error": "1 validation error for BatchInput", "detail": [
            {"type": "too_many_items", "loc": [], "msg": "at most 10000 transactions per "
                                                         "request, got 10001"}]}).encode()
        await send({"type": "http.response.start", "status": 400, "headers": []})
        await send({"type": "http.response.body", "body": body})

    middleware = ApiSecurityMiddleware(too_many, ROUTES, _settings())
    status, _, body = _call(middleware, path="/predict/batch", headers=_auth())
    assert status == 413 and body["message"].startswith("at most 10000")
    _assert_error_shape(body, "payload_too_large")


def test_an_endpoint_that_does_not_answer_in_time_gets_504():
    async def slow(scope, receive, send):
        await asyncio.sleep(5)

    middleware = ApiSecurityMiddleware(slow, ROUTES, _settings(TITANS_REQUEST_TIMEOUT_SEC="0.2"))
    status, _, body = _call(middleware, headers=_auth())
    assert status == 504
    _assert_error_shape(body, "timeout")


def test_key_ids_are_stable_and_reveal_nothing():
    assert key_id(KEY_1) == key_id(KEY_1) != key_id(KEY_2)
    assert KEY_1 not in key_id(KEY_1) and key_id(KEY_1).startswith("key-")


def test_batch_work_beyond_the_pending_limit_is_refused_before_its_body_is_read():
    started, release = asyncio.Event(), asyncio.Event()
    received = []

    async def slow_batch(scope, receive, send):
        received.append((await receive())["body"])
        started.set()
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    middleware = ApiSecurityMiddleware(slow_batch, ROUTES,
                                       _settings(TITANS_MAX_PENDING_BATCHES="1"))
    async def call(key=KEY_1):
        headers = [(b"authorization", f"Bearer {key}".encode()),
                   (b"content-type", b"application/json"), (b"content-length", b"2")]
        sent = []

        async def receive():
            return {"type": "http.request", "body": b"[]", "more_body": False}

        async def send(message):
            sent.append(message)

        scope = {"type": "http", "method": "POST", "path": "/predict/batch", "headers": headers,
                 "client": ("127.0.0.1", 1)}
        await middleware(scope, receive, send)
        return sent[0]["status"], dict(sent[0]["headers"])

    async def main():
        first = asyncio.ensure_future(call())
        await started.wait()
        second = await call(KEY_2)  # another tenant, while the first runs
        release.set()
        return await first, second

    (first, _), (second, headers_) = asyncio.run(main())
    assert first == 200 and second == 503 and int(headers_[b"retry-after"]) >= 1
    assert received == [b"[]"]  # the refused request's body was never read
    assert middleware.guard.pending_batches == 0


def test_bentoml_backstop_timeout_is_just_above_ours():
    """BentoML's timeout middleware keeps a timer of every request (answered or not) until
    it expires; an hour-long backstop grew the worker ~5 KB per refused request."""
    from titans_finance.serving.service import TitansFinance

    settings = SecuritySettings.from_env({"TITANS_API_KEYS": KEY_1})
    expected = settings.body_timeout + settings.request_timeout + 5.0
    assert TitansFinance.config["traffic"]["timeout"] == expected <= 120


# ---------------------------------------------------------------- found by `make mutation`

def test_every_refusal_says_why_in_its_own_words():
    """The message is the contract with the client (docs/serving.md quotes them)."""
    middleware, _ = _middleware(TITANS_MAX_PENDING_BATCHES="1")
    cases = [
        ({}, "/predict/category", 401, "missing API key: send 'Authorization: Bearer <key>'"),
        ([("Authorization", f"Bearer {KEY_1}")] * 2, "/predict/category", 401,
         "send exactly one Authorization header"),
        ({"Authorization": "Basic abc"}, "/predict/category", 401,
         "malformed Authorization header: send 'Authorization: Bearer <key>'"),
        (_auth("wrong-key-1234567890"), "/predict/category", 403, "API key not accepted"),
        (_auth(), "/metrics", 403, "this key may not read /metrics (admin or metrics keys only)"),
        (_auth(), "/nowhere", 404, "no such endpoint (see the API page at /)"),
        (_auth(), "/models/reload", 403, "this key may not call /models/reload (admin keys only)"),
    ]
    for headers, path, status, message in cases:
        got_status, _, body = _call(middleware, path=path, headers=headers)
        assert (got_status, body["message"]) == (status, message), path
    middleware.guard.pending_batches = 1  # another batch is being scored
    status, headers, body = _call(middleware, path="/predict/batch", headers=_auth())
    assert (status, body["message"]) == (503, "busy with other batches; retry shortly")
    assert headers[b"retry-after"] == b"2"


def test_batches_in_flight_are_counted_one_by_one():
    middleware, _ = _middleware(TITANS_MAX_PENDING_BATCHES="3")
    middleware.guard.pending_batches = 2  # two others are being scored
    assert _call(middleware, path="/predict/batch", headers=_auth())[0] == 200
    assert middleware.guard.pending_batches == 2  # this one came and went


def test_the_api_document_names_each_endpoints_errors_and_admin_routes():
    spec = {"info": {"title": "x"}, "paths": {
        "/predict/batch": {"post": {"responses": {"200": {}, "422": {}}}},
        "/models/reload": {"post": {"responses": {"200": {}}}}}}

    async def bentoml_docs(scope, receive, send):
        body = json.dumps(spec).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})

    middleware = ApiSecurityMiddleware(bentoml_docs, ROUTES, _settings())
    status, _, document = _call(middleware, path="/docs.json", method="GET")
    batch = document["paths"]["/predict/batch"]["post"]
    assert status == 200 and {"401", "403", "409", "413", "503"} <= set(batch["responses"])
    assert "422" not in batch["responses"]
    assert "Admin keys only" in document["paths"]["/models/reload"]["post"]["description"]


def test_limit_messages_and_a_wait_under_one_second_is_still_a_wait():
    # 10 tokens a second: the second request waits 0.1 s, which is still a refusal
    middleware, _ = _middleware(TITANS_RATE_LIMIT_PER_SEC="10", TITANS_RATE_LIMIT_BURST="1",
                                TITANS_AUTH_FAILURES_PER_SEC="10",
                                TITANS_AUTH_FAILURES_BURST="1")
    assert _call(middleware, headers=_auth())[0] == 200
    status, headers, body = _call(middleware, headers=_auth())
    assert (status, body["message"]) == (429, "rate limit exceeded for this key's tenant")
    assert headers[b"retry-after"] == b"1"
    assert _call(middleware, headers=_auth("wrong-key-1234567890"))[0] == 403
    status, _, body = _call(middleware, headers=_auth("wrong-key-1234567890"))
    assert (status, body["message"]) == (
        429, "too many requests without a valid API key from this address")


def test_failed_keys_are_counted_per_address_whatever_the_port():
    middleware, _ = _middleware(TITANS_AUTH_FAILURES_BURST="2",
                                TITANS_AUTH_FAILURES_PER_SEC="0.01")
    statuses = [_call(middleware, headers=_auth("wrong-key-1234567890"),
                      client=("10.9.8.7", port))[0] for port in (40001, 40002, 40003)]
    assert statuses == [403, 403, 429]


def test_only_a_missing_or_malformed_key_asks_for_bearer():
    middleware, _ = _middleware()
    assert _call(middleware)[1][b"www-authenticate"] == b"Bearer"
    assert b"www-authenticate" not in _call(middleware, headers=_auth("wrong-key-1234567890"))[1]
    assert b"www-authenticate" not in _call(middleware, path="/models/reload",
                                            headers=_auth())[1]


def test_the_endpoint_runs_as_the_calling_key_and_keeps_its_method():
    from titans_finance.serving.security import CURRENT_CALLER

    seen = []

    async def endpoint(scope, receive, send):
        await receive()
        caller = CURRENT_CALLER.get()
        seen.append((scope["method"], caller.key_id if caller else None))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    middleware = ApiSecurityMiddleware(endpoint, ROUTES, _settings())
    assert _call(middleware, headers=_auth(KEY_2))[0] == 200
    assert _call(middleware, method="GET", headers=_auth(KEY_1))[0] == 200  # only /models
    assert _call(middleware, path="/predict/batch", headers=_auth(ADMIN))[0] == 200
    assert seen == [("POST", key_id(KEY_2)), ("GET", key_id(KEY_1)), ("POST", key_id(ADMIN))]


def test_metrics_answer_a_metrics_key_on_get_and_head_only():
    middleware, _ = _middleware()
    status, headers, text = _call(middleware, path="/metrics", method="GET",
                                  headers=_auth(METRICS))
    assert status == 200 and b"titans_http_requests_total" in text
    assert headers[b"content-type"].startswith(b"text/plain")
    assert _call(middleware, path="/metrics", method="HEAD", headers=_auth(ADMIN))[0] == 200
    assert _call(middleware, path="/metrics", method="POST", headers=_auth(METRICS))[0] == 405


def test_the_api_page_is_html_on_get_and_head_and_options_is_answered_here_after_the_key():
    middleware, app = _middleware()
    for method in ("GET", "HEAD"):
        status, headers, _ = _call(middleware, path="/", method=method)
        assert status == 200 and headers[b"content-type"] == b"text/html; charset=utf-8"
    assert _call(middleware, path="/predict/category", method="OPTIONS")[0] == 401
    status, headers, _ = _call(middleware, path="/predict/category", method="OPTIONS",
                               headers=_auth(KEY_1))
    assert status == 204 and headers[b"allow"] == b"POST, OPTIONS"
    assert _call(middleware, path="/livez", method="OPTIONS")[0] == 204
    assert app.calls == []  # OPTIONS never reaches an endpoint


@pytest.mark.parametrize(("path", "key", "allow"), [
    ("/livez", None, b"GET, HEAD, OPTIONS"), ("/static_content/x.css", None, b"GET, HEAD, OPTIONS"),
    ("/models", KEY_1, b"GET, POST, OPTIONS"), ("/predict/category", KEY_1, b"POST, OPTIONS")])
def test_options_names_exactly_the_methods_each_path_answers(path, key, allow):
    """HTTP method names are case-sensitive: the Allow header lists them as sent; /models
    answers GET too (the middleware turns it into BentoML's POST)."""
    middleware, app = _middleware()
    status, headers, _ = _call(middleware, path=path, method="OPTIONS",
                               headers=_auth(key) if key else None)
    assert status == 204 and headers[b"allow"] == allow
    assert app.calls == []


@pytest.mark.parametrize(("failures", "status"), [(2, 401), (3, 401), (4, 429)])
def test_options_without_a_key_is_in_the_failure_throttle(failures, status):
    """A burst of 3 failures per address: OPTIONS without a key counts like any request
    (the 3rd is still answered 401, the 4th 429)."""
    middleware, app = _middleware(TITANS_AUTH_FAILURES_BURST="3",
                                  TITANS_AUTH_FAILURES_PER_SEC="0.001")
    answers = [_call(middleware, path="/predict/anomaly", method="OPTIONS")[0]
               for _ in range(failures)]
    assert answers[-1] == status and app.calls == []
