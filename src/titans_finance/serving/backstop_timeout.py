"""BentoML's request timeout (``traffic.timeout``), without keeping every request for it.

BentoML's `TimeoutMiddleware` arms a timer per request and never cancels it: the timer
holds the request's context (its always-recording OpenTelemetry span, ~2-5 KB) for the
whole timeout (95 s here, `start_up._backstop_timeout`), answered or not. At ~1,000
requests/s that is ~4 KB × 95,000 requests alive at once: the worker's RSS grew ~4 KB per
request under load (benchmarks/performance/serving_memory.py; 369 → 449 MiB in 75 s of
`/predict/category` at 64 connections) and stayed there. `BackstopTimeout` answers the
same (504, BentoML's body) when nothing was sent in time, and cancels its timer as soon
as the answer starts or the endpoint ends; an endpoint that fails ends the wait at once
(BentoML's waited for the timer). `install` puts it in BentoML's place, before the
worker builds its app (the service module calls it on import).
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.responses import JSONResponse


def _time_out(waiter: asyncio.Future) -> None:
    if not waiter.done():
        waiter.set_exception(asyncio.TimeoutError())


def _answered(waiter: asyncio.Future, _: Any = None) -> None:
    if not waiter.done():
        waiter.set_result(None)


class BackstopTimeout:
    """ASGI middleware: 504 if the app has not started answering within ``timeout`` s."""

    def __init__(self, app, timeout: float) -> None:
        self.app, self.timeout = app, timeout

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()
        timer = loop.call_later(self.timeout, _time_out, waiter)

        async def started_send(message) -> None:
            _answered(waiter)
            await send(message)

        task = asyncio.ensure_future(self.app(scope, receive, started_send))
        task.add_done_callback(lambda _: _answered(waiter))
        try:
            await waiter
        except asyncio.TimeoutError:
            if task.cancel():
                await JSONResponse(
                    {"error": f"Not able to process the request in {self.timeout} seconds"},
                    status_code=504)(scope, receive, send)
                return
        finally:
            timer.cancel()
        await task


def install() -> None:
    """BentoML's apps built from now on in this process use `BackstopTimeout` as their
    ``traffic.timeout`` middleware (BentoML looks the class up when it builds an app)."""
    from bentoml._internal.server.http import traffic

    traffic.TimeoutMiddleware = BackstopTimeout
