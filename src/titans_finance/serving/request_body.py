"""Request bodies read by the security middleware, and error answers in one shape.

`read_body` reads a whole body counting bytes as they arrive (size, type and time limits:
413/415/408), `_replay` hands it to the endpoint, `_ErrorShapingSend` re-sends every
error response in the service's one error shape, `send_error` answers one.
"""

from __future__ import annotations

import asyncio
import math
import time

from titans_finance.serving.errors import error_bytes, reshape_error


async def send_error(send, status: int, message: str, headers: list | None = None,
                     detail: list | None = None) -> None:
    body = error_bytes(status, message, detail)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


class _ErrorShapingSend:
    """Passes responses through; an error response (>= 400) is held and re-sent in the
    service's one error shape (`errors.reshape_error_body`). Records the status."""

    MAX_HELD = 2 * 2**20

    def __init__(self, send):
        self._send = send
        self.status: int | None = None
        self._start: dict | None = None
        self._chunks: list[bytes] = []
        self._held = 0

    @property
    def started(self) -> bool:
        return self.status is not None

    async def __call__(self, message: dict) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            self.status = message["status"]
            if self.status >= 400:
                self._start = message
                return
        elif kind == "http.response.body" and self._start is not None:
            chunk = message.get("body", b"")
            if self._held + len(chunk) <= self.MAX_HELD:
                self._chunks.append(chunk)
            self._held += len(chunk)
            if message.get("more_body"):
                return
            self.status, body = reshape_error(
                self.status, b"".join(self._chunks) if self._held <= self.MAX_HELD else b"")
            headers = [(k, v) for k, v in self._start.get("headers", [])
                       if k.lower() not in (b"content-length", b"content-type")]
            self._start = None
            await self._send({"type": "http.response.start", "status": self.status, "headers": [
                *headers, (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode())]})
            await self._send({"type": "http.response.body", "body": body})
            return
        await self._send(message)


class BodyError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def _header_values(scope, name: bytes) -> list[bytes]:
    return [v for k, v in scope.get("headers") or [] if k.lower() == name]


def _is_json(content_type: bytes) -> bool:
    media, _, params = content_type.decode("latin-1").partition(";")
    if media.strip().lower() != "application/json":
        return False
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in (
                "utf-8", "utf8"):
            return False
    return True


async def read_body(scope, receive, limit: int, timeout: float, first_byte: float | None = None,
                    min_rate: float = 0.0) -> bytes | None:
    """The whole request body, counted as it arrives: `BodyError` 413 past ``limit`` bytes
    (declared or received, chunked or not), 415 unless JSON, 408 when slower than
    ``timeout`` seconds in all, or when ``first_byte`` seconds after it was admitted
    fewer than ``min_rate`` bytes a second since then have arrived (``t`` seconds in,
    at least ``min_rate * (t - first_byte)`` bytes: nothing within ``first_byte``, or a
    trickle, frees the connection's batch slot long before ``timeout``); ``None`` if the
    client went away."""
    lengths = _header_values(scope, b"content-length")
    encodings = b",".join(_header_values(scope, b"transfer-encoding")).lower()
    declared = None
    if lengths:
        if len(set(lengths)) > 1 or not lengths[0].strip().isdigit():
            raise BodyError(400, "malformed Content-Length header")
        declared = int(lengths[0])
        if declared > limit:
            raise BodyError(413, f"request body of {declared} bytes is over this endpoint's "
                                 f"limit of {limit} bytes")
    has_body = bool(declared) or b"chunked" in encodings
    if not has_body:
        return b""
    content_types = _header_values(scope, b"content-type")
    if len(content_types) != 1 or not _is_json(content_types[0]):
        raise BodyError(415, "send the body as JSON with 'Content-Type: application/json'")
    chunks: list[bytes] = []
    received = 0
    started = time.monotonic()
    deadline = started + timeout
    while True:
        now = time.monotonic()
        # when the bytes received so far stop being enough (the rate rule), or the deadline
        slow = (started + first_byte + received / min_rate if first_byte is not None
                and min_rate > 0 else math.inf)
        try:
            message = await asyncio.wait_for(receive(), timeout=max(min(deadline, slow) - now,
                                                                    0.001))
        except TimeoutError:
            if slow < deadline:
                raise BodyError(408, f"request body arriving slower than {min_rate:g} bytes/s "
                                     f"({received} bytes in {time.monotonic() - started:.1f} s)"
                                ) from None
            raise BodyError(408, f"request body not received within {timeout:g} s") from None
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        received += len(chunk)
        if received > limit:
            raise BodyError(413, f"request body over this endpoint's limit of {limit} bytes")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive):
    sent = False

    async def replayed():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: wait for the disconnect, as uvicorn does

    return replayed
