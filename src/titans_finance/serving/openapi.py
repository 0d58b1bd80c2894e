"""The API page at ``/`` and the OpenAPI document at ``/docs.json``, as this project's own.

BentoML's page is titled "BentoML Prediction Service" and loads Google Tag Manager; its
document knows nothing of the bearer keys or of the errors the security layer answers.
The page here loads only the Swagger UI files BentoML ships (same origin), and the
document is BentoML's with: the project's title and version, the bearer security scheme
(so "Authorize" / "Try it out" work), the probes marked as open, the error responses
(400/401/403/404/408/413/415/429/504) with their one shape, and ``GET /models``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

import titans_finance
from titans_finance.serving.errors import error_code

TITLE = "titans-finance API"
SECURITY_SCHEME = "bearerAuth"
_OPEN = ("/livez", "/readyz", "/healthz", "/schema.json", "/docs.json", "/")

ERROR_SCHEMA = {
    "type": "object", "required": ["error", "message", "detail"],
    "properties": {
        "error": {"type": "string", "description": "machine-readable code, e.g. invalid_input"},
        "message": {"type": "string", "description": "what went wrong, in words"},
        "detail": {"type": "array", "description": "failing fields of a 400, else empty",
                   "items": {"type": "object", "properties": {
                       "loc": {"type": "array", "items": {"anyOf": [{"type": "string"},
                                                                     {"type": "integer"}]}},
                       "msg": {"type": "string"}, "type": {"type": "string"}}}}},
}
_ERRORS = {
    400: "Invalid input: `detail[].loc` names each failing field",
    401: "Missing or malformed API key (`Authorization: Bearer <key>`)",
    403: "API key not accepted, or not allowed on this endpoint",
    404: "No such endpoint",
    408: "The request body was not received in time",
    409: "Conflict: a transaction_id already recorded in its account with other values "
         "(/predict/anomaly, /predict/batch), or a corrections file not in the expected "
         "format (/feedback)",
    413: "Request body (or batch) too large",
    415: "Body not sent as `application/json`",
    429: "Rate limit of this key (or of failed keys from this address); see `Retry-After`",
    503: "Busy with other batches or models not ready; see `Retry-After`",
    504: "No answer in time; the request was abandoned",
}


def _error_response(status: int) -> dict[str, Any]:
    response = {"description": _ERRORS[status], "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"},
        "example": {"error": error_code(status), "message": _ERRORS[status].split(":")[0],
                    "detail": []}}}}
    if status in (429, 503):
        response["headers"] = {"Retry-After": {"schema": {"type": "integer"},
                                               "description": "seconds to wait"}}
    return response


def patch_spec(spec: dict[str, Any], routes: Mapping[str, Any]) -> dict[str, Any]:
    """BentoML's OpenAPI document, made this project's (see the module docstring)."""
    spec = copy.deepcopy(spec)
    info = {k: v for k, v in spec.get("info", {}).items() if k != "contact"}  # BentoML's team
    spec["info"] = {**info, "title": TITLE, "version": titans_finance.__version__,
                    "description": "Categories, amounts, anomalies and cash-flow forecasts of "
                                   "bank transactions. Every endpoint except the probes needs "
                                   "`Authorization: Bearer <key>`; errors share one shape "
                                   "(`Error`). See docs/serving.md and docs/security.md."}
    components = spec.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    components["securitySchemes"] = {SECURITY_SCHEME: {
        "type": "http", "scheme": "bearer",
        "description": "An API key from TITANS_API_KEYS (admin endpoints: TITANS_ADMIN_API_KEYS)"}}
    spec["security"] = [{SECURITY_SCHEME: []}]
    paths = spec.setdefault("paths", {})
    for path, item in paths.items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            if path in _OPEN:
                operation["security"] = []
                continue
            statuses = [401, 403, 429]
            if path in routes:
                statuses = [400, 401, 403, 408, 413, 415, 429, 504]
                if path in ("/predict/batch", "/monitor/drift", "/validate"):
                    statuses.append(503)
                if path in ("/predict/anomaly", "/predict/batch", "/feedback"):
                    statuses.append(409)
                if getattr(routes[path], "role", None) == "admin":
                    operation["description"] = (operation.get("description") or "") + (
                        "\n\nAdmin keys only (TITANS_ADMIN_API_KEYS).")
            for status in statuses:
                responses.setdefault(str(status), _error_response(status))
            if "422" in responses:  # BentoML answers 400, never 422
                del responses["422"]
    models = paths.get("/models", {})
    if "post" in models and "get" not in models:
        get = copy.deepcopy(models["post"])
        get.pop("requestBody", None)
        get["operationId"] = get.get("operationId", "models") + "__get"
        models["get"] = get
    return spec


class OpenApiRewriter:
    """ASGI ``send`` wrapper: the ``/docs.json`` response, patched by `patch_spec`."""

    def __init__(self, send, routes: Mapping[str, Any]):
        self._send, self._routes = send, routes
        self._start: dict | None = None
        self._chunks: list[bytes] = []

    async def __call__(self, message: dict) -> None:
        if message["type"] == "http.response.start" and message["status"] == 200:
            self._start = message
            return
        if message["type"] == "http.response.body" and self._start is not None:
            self._chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = json.dumps(patch_spec(json.loads(b"".join(self._chunks)),
                                         self._routes)).encode()
            headers = [(k, v) for k, v in self._start.get("headers", [])
                       if k.lower() != b"content-length"]
            await self._send({**self._start, "headers": [
                *headers, (b"content-length", str(len(body)).encode())]})
            self._start = None
            await self._send({"type": "http.response.body", "body": body})
            return
        await self._send(message)


def index_page() -> bytes:
    """The API page: Swagger UI from the files served at /static_content/, nothing else."""
    title = f"{TITLE} {titans_finance.__version__}"
    return f"""<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>{title}</title>
    <link rel="stylesheet" type="text/css" href="./static_content/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="./static_content/swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="./static_content/swagger-ui-standalone-preset.js" charset="UTF-8"></script>
    <script src="./static_content/swagger-initializer.js" charset="UTF-8"></script>
  </body>
</html>
""".encode()
