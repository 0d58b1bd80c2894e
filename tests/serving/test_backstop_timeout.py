"""`BackstopTimeout`: BentoML's request timeout, letting go of each request once answered."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from titans_finance.serving.backstop_timeout import BackstopTimeout


async def _answer(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def _call(app, timeout: float) -> tuple[list[dict], list]:
    """The messages sent for one HTTP request, and the timers left armed on the loop."""
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    async def main():
        await BackstopTimeout(app, timeout)({"type": "http"}, receive, send)
        await asyncio.sleep(0)  # a cancelled endpoint unwinds
        loop = asyncio.get_running_loop()
        return [h for h in getattr(loop, "_scheduled", []) if not h.cancelled()]

    return sent, asyncio.run(main())


def test_an_answered_request_leaves_no_timer_holding_it():
    sent, armed = _call(_answer, timeout=60)
    assert [m.get("status") for m in sent] == [200, None] and sent[1]["body"] == b"ok"
    assert armed == []  # BentoML's kept it (and the request's context) for 60 s


def test_no_answer_within_the_timeout_is_a_504_in_bentomls_words_and_the_app_stops():
    stopped = []

    async def slow(scope, receive, send):
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            stopped.append(True)
            raise

    started = time.monotonic()
    sent, armed = _call(slow, timeout=0.05)
    assert time.monotonic() - started < 2 and stopped == [True] and armed == []
    assert sent[0]["status"] == 504
    assert json.loads(sent[1]["body"]) == {
        "error": "Not able to process the request in 0.05 seconds"}


def test_an_answer_that_starts_just_before_the_timeout_is_not_cut():
    async def late(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await asyncio.sleep(0.2)  # the body after the timeout: the answer had started
        await send({"type": "http.response.body", "body": b"late"})

    sent, _ = _call(late, timeout=0.1)
    assert sent[0]["status"] == 200 and sent[1]["body"] == b"late"


def test_an_endpoint_that_fails_ends_the_wait_at_once():
    async def broken(scope, receive, send):
        raise RuntimeError("boom")

    started = time.monotonic()
    with pytest.raises(RuntimeError, match="boom"):
        _call(broken, timeout=30)
    assert time.monotonic() - started < 5  # BentoML's waited for its 30 s timer


def test_the_service_module_puts_it_in_bentomls_place():
    from bentoml._internal.server.base_app import BaseAppFactory
    from bentoml._internal.server.http import traffic

    import titans_finance.serving.service  # noqa: F401 (installs it)

    assert traffic.TimeoutMiddleware is BackstopTimeout
    middlewares = BaseAppFactory.middlewares.fget(type("App", (), {"timeout": 95,
                                                                     "max_concurrency": None}))
    assert [m.cls for m in middlewares] == [BackstopTimeout]


def test_a_lifespan_longer_than_the_timeout_is_never_cut():
    # the app's start-up (loading models) may take longer than a request's timeout: only
    # HTTP and websocket scopes are timed
    events: list[str] = []

    async def slow_start_up(scope, receive, send):
        await asyncio.sleep(0.05)
        events.append(scope["type"])
        await send({"type": "lifespan.startup.complete"})

    sent: list[dict] = []

    async def receive():
        return {"type": "lifespan.startup"}

    async def send(message):
        sent.append(message)

    asyncio.run(BackstopTimeout(slow_start_up, 0.01)({"type": "lifespan"}, receive, send))
    assert events == ["lifespan"] and sent == [{"type": "lifespan.startup.complete"}]
