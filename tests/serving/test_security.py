import asyncio
import json

import pytest

from titans_finance.serving.security import (
    DEV_API_KEY,
    ApiSecurityMiddleware,
    ConfigurationError,
    SecuritySettings,
    TokenBucketLimiter,
)


def _settings(**overrides):
    env = {"TITANS_API_KEYS": "secret-key-1,secret-key-2", **overrides}
    return SecuritySettings.from_env(env)


def test_no_key_configured_refuses_to_start():
    with pytest.raises(ConfigurationError, match="TITANS_API_KEYS is not set"):
        SecuritySettings.from_env({})


def test_dev_key_only_when_explicitly_enabled():
    assert DEV_API_KEY not in _settings().api_keys
    assert SecuritySettings.from_env({"TITANS_DEV_API_KEY": "1"}).api_keys == (DEV_API_KEY,)


@pytest.mark.parametrize("name, value", [("TITANS_RATE_LIMIT_PER_SEC", "fast"),
                                         ("TITANS_RATE_LIMIT_BURST", "-1"),
                                         ("TITANS_MAX_BODY_BYTES", "inf")])
def test_bad_config_values_name_the_variable(name, value):
    with pytest.raises(ConfigurationError, match=name):
        _settings(**{name: value})


def test_short_keys_are_rejected():
    with pytest.raises(ConfigurationError, match="8 characters"):
        SecuritySettings.from_env({"TITANS_API_KEYS": "abc"})


def test_token_bucket_refills_over_time():
    now = [0.0]
    limiter = TokenBucketLimiter(rate=2.0, burst=2.0, clock=lambda: now[0])
    assert limiter.acquire("k") == 0 and limiter.acquire("k") == 0
    assert limiter.acquire("k") == pytest.approx(0.5)
    assert limiter.acquire("other") == 0  # buckets are per key
    now[0] = 0.5
    assert limiter.acquire("k") == 0


def _call(middleware, path="/predict/category", headers=None, method="POST"):
    sent = []

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    middleware.app = app
    scope = {"type": "http", "method": method, "path": path,
             "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]}
    asyncio.run(middleware(scope, receive, send))
    start = sent[0]
    body = json.loads(sent[1]["body"] or b"{}")
    return start["status"], dict(start["headers"]), body


def test_status_codes_for_missing_wrong_and_good_keys():
    middleware = ApiSecurityMiddleware(None, _settings())
    status, headers, body = _call(middleware)
    assert status == 401 and headers[b"www-authenticate"] == b"Bearer"
    assert "Authorization: Bearer" in body["detail"]
    assert _call(middleware, headers={"Authorization": "Basic abc"})[0] == 401
    assert _call(middleware, headers={"Authorization": "Bearer wrong-key-123"})[0] == 403
    assert _call(middleware, headers={"Authorization": "Bearer secret-key-2"})[0] == 200


def test_probes_and_metrics_need_no_key():
    middleware = ApiSecurityMiddleware(None, _settings())
    for path in ("/livez", "/readyz", "/metrics", "/docs.json"):
        assert _call(middleware, path=path, method="GET")[0] == 200


def test_rate_limit_answers_429_with_retry_after():
    middleware = ApiSecurityMiddleware(None, _settings(TITANS_RATE_LIMIT_PER_SEC="0.5",
                                                       TITANS_RATE_LIMIT_BURST="2"))
    auth = {"Authorization": "Bearer secret-key-1"}
    assert [_call(middleware, headers=auth)[0] for _ in range(2)] == [200, 200]
    status, headers, body = _call(middleware, headers=auth)
    assert status == 429 and headers[b"retry-after"] == b"2"
    assert _call(middleware, headers={"Authorization": "Bearer secret-key-2"})[0] == 200


def test_oversized_body_gets_413():
    middleware = ApiSecurityMiddleware(None, _settings(TITANS_MAX_BODY_BYTES="100"))
    status, _, body = _call(middleware, headers={"Authorization": "Bearer secret-key-1",
                                                 "Content-Length": "101"})
    assert status == 413 and "100 bytes" in body["detail"]
