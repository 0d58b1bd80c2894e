"""Slow bodies (serving/security.read_body): after a grace of ``first_byte`` seconds a body
must have arrived at ``min_rate`` bytes a second on average, so that connections sending
nothing, or a trickle, free their batch slots in seconds (issue 27: three such connections
held every slot for 30 s)."""

from __future__ import annotations

import asyncio
import re
import time

import pytest

from tests.serving.test_security import KEY_1, KEY_2, _App, _settings
from titans_finance.serving.security import ApiSecurityMiddleware, BodyError, read_body
from titans_finance.serving.service import ROUTES

HEADERS = [(b"content-type", b"application/json"), (b"transfer-encoding", b"chunked")]


def _sender(chunk: bytes, every: float, count: int):
    """A client sending ``count`` chunks of ``chunk``, one every ``every`` seconds."""
    sent = 0

    async def receive():
        nonlocal sent
        await asyncio.sleep(every)
        sent += 1
        return {"type": "http.request", "body": chunk, "more_body": sent < count}

    return receive


def _read(receive, first_byte=0.2, min_rate=1_000.0, timeout=30.0):
    started = time.monotonic()
    try:
        body = asyncio.run(read_body({"headers": HEADERS}, receive, 10**7, timeout,
                                     first_byte=first_byte, min_rate=min_rate))
    except BodyError as exc:
        return exc, time.monotonic() - started
    return body, time.monotonic() - started


def test_a_body_that_never_starts_is_refused_after_the_grace_not_the_body_timeout():
    async def silent():
        await asyncio.sleep(60)

    error, seconds = _read(silent)
    assert isinstance(error, BodyError) and error.status == 408
    assert "slower than 1000 bytes/s" in str(error)
    assert 0.2 <= seconds < 2.0


def test_a_trickle_is_refused_once_below_the_rate():
    # 10 bytes every 0.05 s: 200 bytes/s, a fifth of the rate
    error, seconds = _read(_sender(b" " * 10, 0.05, 1_000))
    assert isinstance(error, BodyError) and error.status == 408
    assert seconds < 2.0


@pytest.mark.parametrize("rate_factor", [2.0, 10.0])
def test_a_body_arriving_above_the_rate_is_read_whole(rate_factor):
    # chunks every 0.05 s at rate_factor times the minimum, for a second
    size = int(1_000 * rate_factor * 0.05)
    body, _ = _read(_sender(b" " * size, 0.05, 20))
    assert body == b" " * size * 20


def test_without_a_rate_only_the_body_timeout_applies():
    error, seconds = _read(_sender(b" ", 0.05, 1_000), first_byte=None, min_rate=0.0,
                           timeout=0.4)
    assert isinstance(error, BodyError) and "within 0.4 s" in str(error)


def test_silent_connections_free_their_batch_slots_within_the_grace():
    """Three batch requests whose bodies never come hold the three slots: a fourth gets
    503; once the grace is over they get 408, and the next batch is admitted. (One
    tenant's share is its own test: tests/serving/test_batch_slots.py.)"""
    middleware = ApiSecurityMiddleware(_App(), ROUTES, _settings(
        TITANS_MAX_PENDING_BATCHES="3", TITANS_MAX_PENDING_BATCHES_PER_TENANT="3",
        TITANS_BODY_FIRST_BYTE_SEC="0.3"))
    async def call(silent: bool, key: str = KEY_1) -> int:
        headers = [(b"authorization", f"Bearer {key}".encode()), *HEADERS]
        sent = []

        async def receive():
            if silent:
                await asyncio.sleep(60)
            return {"type": "http.request", "body": b"{}", "more_body": False}

        async def send(message):
            sent.append(message)

        await middleware({"type": "http", "method": "POST", "path": "/predict/batch",
                          "headers": headers, "client": ("127.0.0.1", 1)}, receive, send)
        return sent[0]["status"]

    async def main():
        slow = [asyncio.ensure_future(call(silent=True)) for _ in range(3)]
        await asyncio.sleep(0.05)
        while_held = await call(silent=False, key=KEY_2)  # another tenant: the backstop
        started = time.monotonic()
        statuses = await asyncio.gather(*slow)
        return while_held, statuses, time.monotonic() - started, await call(silent=False)

    while_held, statuses, seconds, after = asyncio.run(main())
    assert while_held == 503 and statuses == [408, 408, 408] and after == 200
    assert seconds < 2.0


def test_a_grace_without_a_rate_sets_no_rate_rule():
    """``first_byte`` alone (no ``min_rate``): a body that starts after the grace is read;
    only ``timeout`` applies."""
    async def late():
        await asyncio.sleep(0.3)
        return {"type": "http.request", "body": b"{}", "more_body": False}

    started = time.monotonic()
    body = asyncio.run(read_body({"headers": HEADERS}, late, 10**7, 30.0, first_byte=0.05))
    assert body == b"{}" and time.monotonic() - started >= 0.3


def test_a_trickle_refused_says_how_many_bytes_came_in_how_long():
    error, seconds = _read(_sender(b" " * 10, 0.05, 1_000))
    received, elapsed = re.search(r"\((\d+) bytes in ([\d.]+) s\)", str(error)).groups()
    assert int(received) % 10 == 0 and 0 < int(received) < 1_000
    assert float(elapsed) <= seconds + 0.1


@pytest.mark.parametrize("first_byte, min_rate, refused", [
    (None, 1_000.0, False),  # a rate without a grace: no rate rule
    (0.1, 0.5, True), (0.1, 1.0, True), (0.1, 2.0, True)])  # any positive rate applies
def test_the_rate_rule_needs_both_a_grace_and_a_positive_rate(first_byte, min_rate, refused):
    async def silent_then_whole():
        await asyncio.sleep(0.6)
        return {"type": "http.request", "body": b"{}", "more_body": False}

    answer, _ = _read(silent_then_whole, first_byte=first_byte, min_rate=min_rate)
    if refused:
        assert isinstance(answer, BodyError) and answer.status == 408
        assert f"slower than {min_rate:g} bytes/s" in str(answer)
    else:
        assert answer == b"{}"
