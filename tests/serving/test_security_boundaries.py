"""Boundaries of the service's limits, in-process: each on its value and one step either side
(token bucket refill and capacity, body size, key length, settings floors, batch size,
request dates and amounts)."""

from __future__ import annotations

import asyncio
import datetime as dt
import math

import pytest
from pydantic import ValidationError

from titans_finance.serving.schemas import (
    MAX_ABS_AMOUNT,
    MAX_BATCH,
    MIN_DATE,
    Transaction,
    max_future_days,
    refuse_oversized,
)
from titans_finance.serving.security import (
    MIN_KEY_LENGTH,
    SMALL_BODY_BYTES,
    BodyError,
    ConfigurationError,
    SecuritySettings,
    TokenBucketLimiter,
    read_body,
)

KEY = "k" * MIN_KEY_LENGTH


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _bucket(rate=2.0, burst=4, max_keys=10):
    clock = Clock()
    return TokenBucketLimiter(rate, burst, clock=clock, max_keys=max_keys), clock


# ------------------------------------------------------------------ token bucket

def test_a_cost_equal_to_the_tokens_left_is_allowed_and_one_more_waits():
    limiter, _ = _bucket(rate=2.0, burst=4)
    assert limiter.acquire("a", 3) == 0.0  # 1 token left
    assert limiter.acquire("a", 1) == 0.0  # exactly the tokens left: allowed
    assert limiter.acquire("a", 1) == pytest.approx(0.5)  # none left: 1 token / 2 per s


def test_a_key_with_a_budget_of_its_own_is_held_to_its_own_burst_and_rate():
    limiter, clock = _bucket(rate=2.0, burst=4)
    limiter.budgets = {"tenant": (1.0, 2)}
    assert limiter.acquire("tenant", 2) == 0.0  # exactly its own burst
    assert limiter.acquire("tenant", 1) == pytest.approx(1.0)  # 1 token at its 1 per s
    assert limiter.acquire("tenant", 3) == math.inf  # over its own burst: never
    clock.now += 1.0
    assert limiter.acquire("tenant", 1) == 0.0
    assert limiter.acquire("other", 4) == 0.0  # the default budget


def test_a_full_bucket_allows_exactly_its_burst():
    limiter, _ = _bucket(rate=2.0, burst=4)
    assert limiter.acquire("a", 4) == 0.0
    limiter, _ = _bucket(rate=2.0, burst=4)
    assert limiter.acquire("a", 4.001) == math.inf  # more than the burst: never


def test_a_cost_equal_to_the_burst_on_a_part_empty_bucket_waits_a_finite_time():
    limiter, _ = _bucket(rate=2.0, burst=4)
    assert limiter.acquire("a", 1) == 0.0
    assert limiter.acquire("a", 4) == pytest.approx(0.5)  # possible once refilled: not inf


def test_a_refill_never_exceeds_the_capacity():
    limiter, clock = _bucket(rate=2.0, burst=4)
    assert limiter.acquire("a", 4) == 0.0
    clock.now += 3600  # an hour idle refills to the burst, not to 7,200 tokens
    assert limiter.acquire("a", 4) == 0.0
    assert limiter.acquire("a", 1) == pytest.approx(0.5)


def test_a_refill_adds_rate_times_the_elapsed_time_up_to_the_capacity():
    limiter, clock = _bucket(rate=2.0, burst=4)
    assert limiter.acquire("a", 4) == 0.0
    clock.now += 1.5  # 3 tokens
    assert limiter.acquire("a", 3) == 0.0
    assert limiter.acquire("a", 1) == pytest.approx(0.5)
    clock.now += 2.0  # exactly refills the 4
    assert limiter.acquire("a", 4) == 0.0


def test_buckets_kept_up_to_max_keys_then_the_least_recent_is_dropped():
    limiter, _ = _bucket(rate=1.0, burst=2, max_keys=3)
    for key in ("a", "b", "c"):
        limiter.acquire(key, 2)
    assert len(limiter) == 3
    assert limiter.acquire("a", 1) == pytest.approx(1.0)  # "a" kept (3 = max_keys): empty
    limiter.acquire("d", 2)  # a fourth key drops the least recently seen ("b")
    assert len(limiter) == 3
    assert limiter.acquire("c", 1) == pytest.approx(1.0)  # "c" still remembered
    assert limiter.acquire("b", 2) == 0.0  # "b" restarted full


# ------------------------------------------------------------------ settings floors

def test_max_body_bytes_at_the_small_body_floor_is_accepted_one_below_is_refused():
    env = {"TITANS_API_KEYS": KEY}
    settings = SecuritySettings.from_env({**env, "TITANS_MAX_BODY_BYTES": str(SMALL_BODY_BYTES)})
    assert settings.max_body_bytes == SMALL_BODY_BYTES
    with pytest.raises(ConfigurationError, match="at least"):
        SecuritySettings.from_env({**env, "TITANS_MAX_BODY_BYTES": str(SMALL_BODY_BYTES - 1)})


def test_a_key_of_exactly_the_minimum_length_is_accepted_one_shorter_is_refused():
    assert SecuritySettings.from_env({"TITANS_API_KEYS": KEY}).api_keys == (KEY,)
    with pytest.raises(ConfigurationError, match="shorter than"):
        SecuritySettings.from_env({"TITANS_API_KEYS": KEY[:-1]})


def test_a_rate_must_be_above_zero():
    env = {"TITANS_API_KEYS": KEY}
    assert SecuritySettings.from_env({**env, "TITANS_RATE_LIMIT_PER_SEC": "0.001"}
                                     ).rate_per_sec == 0.001
    with pytest.raises(ConfigurationError, match="positive"):
        SecuritySettings.from_env({**env, "TITANS_RATE_LIMIT_PER_SEC": "0"})


# ------------------------------------------------------------------ body size

def _read(body: bytes, limit: int, declare: bool, chunk: int | None = None):
    headers = [(b"content-type", b"application/json")]
    if declare:
        headers.append((b"content-length", str(len(body)).encode()))
    else:
        headers.append((b"transfer-encoding", b"chunked"))
    size = chunk or max(len(body), 1)
    parts = [body[i:i + size] for i in range(0, len(body), size)] or [b""]
    messages = [{"type": "http.request", "body": p, "more_body": k < len(parts) - 1}
                for k, p in enumerate(parts)]

    async def receive():
        return messages.pop(0)

    return asyncio.run(read_body({"headers": headers}, receive, limit, timeout=5.0))


@pytest.mark.parametrize("declare", [True, False])
def test_a_body_of_exactly_the_limit_is_read_one_byte_more_is_refused(declare):
    limit = 64
    assert _read(b"x" * limit, limit, declare, chunk=10) == b"x" * limit
    assert _read(b"x" * (limit - 1), limit, declare, chunk=10) == b"x" * (limit - 1)
    with pytest.raises(BodyError) as error:
        _read(b"x" * (limit + 1), limit, declare, chunk=10)
    assert error.value.status == 413


def _read_messages(headers: list, messages: list, limit: int = 64):
    async def receive():
        return messages.pop(0)

    return asyncio.run(read_body({"headers": headers}, receive, limit, timeout=5.0))


JSON = (b"content-type", b"application/json")


def test_a_body_over_the_limit_as_received_names_the_limit():
    with pytest.raises(BodyError) as error:
        _read(b"x" * 65, 64, declare=False, chunk=10)
    assert error.value.status == 413
    assert str(error.value) == "request body over this endpoint's limit of 64 bytes"


@pytest.mark.parametrize("lengths", [[b"5", b"6"], [b"5", b"5 "], [b"-5"], [b"5x"], [b""]])
def test_two_different_content_lengths_or_one_not_a_number_are_refused_with_400(lengths):
    headers = [JSON, *((b"content-length", v) for v in lengths)]
    with pytest.raises(BodyError) as error:
        _read_messages(headers, [{"type": "http.request", "body": b"{}"}])
    assert error.value.status == 400 and str(error.value) == "malformed Content-Length header"


def test_the_same_content_length_twice_is_one_length():
    headers = [JSON, (b"content-length", b"2"), (b"content-length", b"2")]
    assert _read_messages(headers, [{"type": "http.request", "body": b"{}"}]) == b"{}"


@pytest.mark.parametrize("content_type", [None, b"text/plain", b"application/json; charset=latin-1"])
def test_a_body_not_declared_json_is_refused_with_415(content_type):
    headers = [(b"content-length", b"2")] + ([(b"content-type", content_type)]
                                              if content_type else [])
    with pytest.raises(BodyError) as error:
        _read_messages(headers, [{"type": "http.request", "body": b"{}"}])
    assert error.value.status == 415
    assert str(error.value) == "send the body as JSON with 'Content-Type: application/json'"


def test_messages_without_a_body_or_more_body_key_take_the_asgi_defaults():
    """ASGI: ``body`` defaults to b"" and ``more_body`` to False."""
    headers = [JSON, (b"transfer-encoding", b"chunked")]
    assert _read_messages(headers, [{"type": "http.request", "more_body": True},
                                    {"type": "http.request", "body": b"{}"}]) == b"{}"
    assert _read_messages(headers, [{"type": "http.request", "body": b"{}", "more_body": True},
                                    {"type": "http.request"}]) == b"{}"


def test_a_client_that_goes_away_mid_body_gets_no_body():
    headers = [JSON, (b"transfer-encoding", b"chunked")]
    assert _read_messages(headers, [{"type": "http.request", "body": b"{", "more_body": True},
                                    {"type": "http.disconnect"}]) is None


# ------------------------------------------------------------------ request schema

def test_a_request_of_exactly_max_batch_transactions_passes_one_more_is_refused():
    item = {"description": "x", "amount": 1, "date": "2024-01-01"}
    assert refuse_oversized({"transactions": [item] * MAX_BATCH})["transactions"]
    with pytest.raises(Exception, match="at most"):
        refuse_oversized({"transactions": [item] * (MAX_BATCH + 1)})


def _transaction(**values):
    return Transaction(**{"description": "x", "amount": -1.0, "date": "2024-01-01", **values})


def test_request_dates_from_the_first_allowed_day_to_the_last_inclusive():
    latest = dt.date.today() + dt.timedelta(days=max_future_days())
    assert _transaction(date=MIN_DATE.isoformat()).date == MIN_DATE
    assert _transaction(date=latest.isoformat()).date == latest
    for outside in (MIN_DATE - dt.timedelta(days=1), latest + dt.timedelta(days=1)):
        with pytest.raises(ValidationError, match="date must be between"):
            _transaction(date=outside.isoformat())


def test_request_amounts_up_to_the_maximum_in_either_direction():
    assert _transaction(amount=MAX_ABS_AMOUNT).amount == MAX_ABS_AMOUNT
    assert _transaction(amount=-MAX_ABS_AMOUNT).amount == -MAX_ABS_AMOUNT
    for outside in (MAX_ABS_AMOUNT + 1, -MAX_ABS_AMOUNT - 1):
        with pytest.raises(ValidationError):
            _transaction(amount=outside)
