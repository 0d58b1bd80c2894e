"""What every reader returns: the raw table (all strings) and what it learnt of the file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa

from titans_finance.core.schema import READ_COLUMNS

# Column added to every raw table: "" for a transaction line, else why the line is
# not one (malformed, a repeated header, a total); such rows are quarantined with it.
PARSE_ERROR_COLUMN = "_parse_error"


class ExportReadError(ValueError):
    """The export cannot be read as a transaction table (the message says why and what to do)."""


@dataclass
class RawExport:
    """A file read into the raw table.

    ``frame`` has the columns of ``READ_COLUMNS`` (strings, "" when absent) plus
    ``_parse_error``. ``info`` describes the file (format, encoding, delimiter,
    header line, unrecognised columns, skipped lines) and carries the hints the
    normaliser needs for this file: ``decimal`` (None = decide from the values),
    ``decimal_hint``, ``day_first`` (None = infer), ``day_first_hint``,
    ``date_format`` and ``sign`` (``as_written`` or ``negate``).
    """

    frame: pd.DataFrame
    info: dict[str, Any] = field(default_factory=dict)


_BLANK = re.compile(rb"[ \t\r\n\x00]*")


def is_blank(data: bytes) -> bool:
    """Nothing but spaces, line breaks and NUL padding (told without copying a big file)."""
    return _BLANK.fullmatch(data) is not None


def empty_strings(n: int) -> pd.Series:
    """``n`` empty strings (str dtype), repeated by Arrow: a Python list of a million ""
    cost a tenth of a second for each absent column of a big export."""
    return pd.Series(pd.array(pa.repeat(pa.scalar("", pa.large_string()), n), dtype="str"))


def raw_frame(columns: dict[str, Any], n: int) -> pd.DataFrame:
    """A raw table of ``n`` rows from the given columns; absent columns are ""."""
    data = {}
    for name in (*READ_COLUMNS, PARSE_ERROR_COLUMN):
        values = columns.get(name)
        if values is None:
            data[name] = empty_strings(n)
        else:
            series = pd.Series(values, dtype="str").reset_index(drop=True)
            data[name] = series.fillna("")
    return pd.DataFrame(data)


_OBJECT_REPR = re.compile(r"<(?:[^<>]|<locals>)+? object at 0x[0-9A-Fa-f]+>(?: from\b)?")


def readable_error(exc: BaseException) -> str:
    """An exception as a sentence for people: its message without Python object reprs
    (``<mt940.tags.Statement object at 0x7f…>``) or the tuple of arguments some libraries
    raise with."""
    message = str(exc.args[0]) if exc.args and isinstance(exc.args[0], str) else str(exc)
    message = _OBJECT_REPR.sub("", message)
    return re.sub(r"\s{2,}", " ", message).strip() or type(
        exc).__name__


def normaliser_hints(**overrides: Any) -> dict[str, Any]:
    """Default per-file hints for the normaliser (see `RawExport`)."""
    hints = {"decimal": None, "decimal_hint": ".", "day_first": None, "day_first_hint": False,
             "date_format": None, "sign": "as_written"}
    hints.update({k: v for k, v in overrides.items() if v is not None})
    return hints


def file_sources(raw: pd.DataFrame) -> list[dict[str, Any]]:
    """The per-file info of a raw table read from export files (one entry per file)."""
    source = dict(raw.attrs.get("source", {}))
    return list(source.get("files") or ([source] if source else []))
