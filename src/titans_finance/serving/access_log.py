"""Log lines that name a request by its route label, never by the raw decoded path.

BentoML's access log (logger ``bentoml.access``, outside our middleware) and its endpoint
error log write ``scope["path"]`` as received: a path of ``%0a`` and a forged line, or 8 KB
of random characters, went into the log as sent. `RouteLabelFilter` rewrites those
records: the path becomes the route label the HTTP metrics use (a known endpoint, or
``other``: `ApiSecurityMiddleware._route_label`), and every control character left in the
record's text arguments is escaped (``\\x0a``), so one request is one line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# BentoML's access record: "scheme=..,method=..,path=<raw>[,type=..][,length=..]"
_REQUEST = re.compile(r"(scheme=[^,]*,method=[^,]*,path=)(.*?)((?:,type=[^,]*)?"
                      r"(?:,length=[^,]*)?)\Z", re.DOTALL)


def escape_control(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class RouteLabelFilter(logging.Filter):
    """Replace the raw path of BentoML's access and endpoint-error records by its route
    label (``label(path)``) and escape control characters in their text arguments."""

    def __init__(self, label: Callable[[str], str]):
        super().__init__()
        self.label = label

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if not isinstance(args, tuple):
            return True
        rewritten = []
        for position, value in enumerate(args):
            if isinstance(value, str):
                if record.name == "bentoml.access" and position == 1:
                    match = _REQUEST.match(value)
                    value = (match.group(1) + self.label(match.group(2)) + match.group(3)
                             if match else "(request)")
                elif record.name != "bentoml.access" and position == 0:
                    value = self.label(value)  # "Exception on %s [%s]": the path
                value = escape_control(value)
            rewritten.append(value)
        record.args = tuple(rewritten)
        return True


LOGGERS = ("bentoml.access", "bentoml._internal.server.http_app")


def install_route_label_filter(label: Callable[[str], str]) -> None:
    """Attach one `RouteLabelFilter` to each logger that writes request paths (the newest
    label function replaces an earlier one)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        for old in [f for f in logger.filters if isinstance(f, RouteLabelFilter)]:
            logger.removeFilter(old)
        logger.addFilter(RouteLabelFilter(label))
