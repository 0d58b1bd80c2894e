"""One error body for every 4xx/5xx of the service, and one log line per client error.

Every error answers ``{"error": <code>, "message": <sentence>, "detail": [...]}``:
``error`` is a stable machine-readable code (``invalid_input``, ``unauthorized``...),
``message`` says what went wrong in words, ``detail`` lists the failing fields of a
``400`` (``{"loc": [...], "msg": ...}``, at most `MAX_DETAILS`) and is empty otherwise.
No body names an internal class, a file path or echoes a whole submitted value.

BentoML answers some errors itself (a body that fails validation, an unknown route, an
unexpected exception) in its own shapes; `reshape_error_body` turns those into ours, and
`ClientErrorLogFilter` turns BentoML's ERROR-with-traceback log of a client error into
one INFO line.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

MAX_DETAILS = 50
# pydantic error type of a batch with too many items: answered 413, not 400
TOO_MANY_ITEMS = "too_many_items"
# longest prefix of a submitted value quoted in a message
QUOTE_CHARS = 40

ERROR_CODES = {
    400: "invalid_input", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 408: "request_timeout", 409: "conflict",
    413: "payload_too_large", 415: "unsupported_media_type", 429: "rate_limited",
    500: "internal_error", 503: "unavailable", 504: "timeout",
}
# BentoML's own texts for these carry nothing the client can act on (or internal details)
_GENERIC_MESSAGES = {
    404: "no such endpoint (see the API page at /)",
    405: "method not allowed on this endpoint",
    500: "unexpected server error; the server log has the details",
    503: "the service is overloaded or not ready; retry shortly",
    504: "the request took too long and was abandoned",
}


def quote(value: object) -> str:
    """``repr`` of at most the first `QUOTE_CHARS` characters of ``value`` (never the whole of
    a long submitted value)."""
    text = str(value)
    if len(text) <= QUOTE_CHARS:
        return repr(text)
    return f"{text[:QUOTE_CHARS]!r}... ({len(text)} characters)"


def error_code(status: int) -> str:
    return ERROR_CODES.get(status, "client_error" if status < 500 else "server_error")


def error_body(status: int, message: str, detail: list[dict[str, Any]] | None = None) -> dict:
    return {"error": error_code(status), "message": message, "detail": detail or []}


def error_bytes(status: int, message: str, detail: list[dict[str, Any]] | None = None) -> bytes:
    return json.dumps(error_body(status, message, detail)).encode()


def field_errors(errors: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """pydantic-style errors → (one-sentence summary, detail list of loc/msg/type)."""
    detail = [{"loc": [p for p in error.get("loc", []) if p not in ("body",)],
               "msg": str(error.get("msg", ""))[:300], "type": str(error.get("type", ""))}
              for error in errors[:MAX_DETAILS]]
    fields = sorted({".".join(str(p) for p in d["loc"]) or "(body)" for d in detail})
    more = (f" (first {MAX_DETAILS} of {len(errors)} errors shown)"
            if len(errors) > MAX_DETAILS else "")
    shown = ", ".join(fields[:10]) + (", ..." if len(fields) > 10 else "")
    noun = "field" if len(fields) == 1 else "fields"
    return f"invalid input in {len(fields)} {noun}: {shown}{more}", detail


def reshape_error(status: int, body: bytes) -> tuple[int, bytes]:
    """(status, body) of an error produced by BentoML or Starlette, in our shape (ours pass
    unchanged); a batch refused for its number of items becomes a 413."""
    try:
        payload = json.loads(body) if body else None
    except ValueError:
        payload = None
    if isinstance(payload, dict) and set(payload) == {"error", "message", "detail"}:
        return status, body
    if status == 400 and isinstance(payload, dict) and isinstance(payload.get("detail"), list):
        errors = [d for d in payload["detail"] if isinstance(d, dict)]
        too_many = [e for e in errors if e.get("type") == TOO_MANY_ITEMS]
        if too_many:
            return 413, error_bytes(413, str(too_many[0].get("msg", "too many items")))
        message, detail = field_errors(errors)
        return status, error_bytes(status, message, detail)
    return status, _other_error(status)


def _other_error(status: int) -> bytes:
    """Our endpoints answer their errors in our shape themselves; what is left comes from
    BentoML or Starlette, whose texts may name internals: a fixed message per status."""
    if status in _GENERIC_MESSAGES:
        return error_bytes(status, _GENERIC_MESSAGES[status])
    try:
        phrase = HTTPStatus(status).phrase.lower()
    except ValueError:
        phrase = "error"
    return error_bytes(status, phrase)


def _is_client_error(exc: BaseException | None) -> bool:
    if exc is None:
        return False
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):  # a body that is not valid JSON or not valid input
        return True
    code = getattr(getattr(exc, "error_code", None), "value", None)
    return isinstance(code, int) and 400 <= code < 500


class ClientErrorLogFilter(logging.Filter):
    """BentoML logs every exception of an endpoint at ERROR with its traceback, including
    a body that failed validation. A client error is not the operator's problem: one INFO
    line (path, method, what was wrong), no traceback, never the submitted values."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if not _is_client_error(exc):
            return True
        from pydantic import ValidationError

        if isinstance(exc, ValidationError):
            reason, _ = field_errors(exc.errors(include_url=False, include_input=False,
                                                include_context=False))
        else:
            reason = f"{type(exc).__name__}: {str(exc)[:200]}"
        record.levelno, record.levelname = logging.INFO, "INFO"
        path, method = (record.args or ("?", "?"))[:2] if isinstance(record.args, tuple) else (
            "?", "?")
        record.msg, record.args = "client error on %s [%s]: %s", (path, method, reason)
        record.exc_info = record.exc_text = None
        return True


def install_client_error_log_filter() -> None:
    """Attach `ClientErrorLogFilter` to the logger BentoML's endpoint errors go to (once)."""
    logger = logging.getLogger("bentoml._internal.server.http_app")
    if not any(isinstance(f, ClientErrorLogFilter) for f in logger.filters):
        logger.addFilter(ClientErrorLogFilter())
