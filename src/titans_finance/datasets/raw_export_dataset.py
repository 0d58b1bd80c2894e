"""Kedro dataset that reads a user's transaction export exactly as written.

Every field is loaded as a string (nothing is coerced or dropped here): parsing
and validation belong to the ingestion nodes, which must be able to put any raw
row into the quarantine table unchanged. The dataset only deals with *file*
level problems: encoding, delimiter, header names, ragged lines; and it fails
with one clear message naming the file when the file cannot be read at all.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path, PurePosixPath
from typing import Any

import fsspec
import pandas as pd
from kedro.io import AbstractDataset, DatasetError

from titans_finance.core.normalise import map_headers
from titans_finance.core.schema import RAW_COLUMNS, REQUIRED_RAW_COLUMNS

# Column added to every loaded frame: "" for a well-formed line, else what was wrong.
PARSE_ERROR_COLUMN = "_parse_error"
_DELIMITERS = ",;\t|"


class ExportReadError(DatasetError):
    """The export file cannot be read as a transaction table."""


def decode_export(data: bytes, path: str) -> tuple[str, str]:
    """Decode raw bytes as UTF-8 (with or without BOM), falling back to Windows-1252/latin-1."""
    if not data.strip():
        raise ExportReadError(f"{path}: the file is empty")
    head = data[:8192]
    if b"\x00" in head:
        raise ExportReadError(f"{path}: not a text CSV file (binary content, NUL bytes)")
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ExportReadError(f"{path}: cannot be decoded as text")  # latin-1 never fails


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header line into the most fields."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def _parse_ragged(text: str, delimiter: str) -> pd.DataFrame:
    """Slow but total parser, used when some line has more fields than the header.

    Such lines keep their first fields and are marked in PARSE_ERROR_COLUMN so
    the ingestion step quarantines them. Short lines are padded with "" without
    a mark, exactly as the fast parser does (exports often drop trailing empty
    fields).
    """
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader)
    width = len(header)
    rows, errors = [], []
    for fields in reader:
        if not fields or (len(fields) == 1 and fields[0].strip() == ""):
            continue  # blank line: not a data row, as with the fast parser
        if len(fields) <= width:
            errors.append("")
        else:
            errors.append(f"malformed_line: {len(fields)} fields, header has {width}")
        fields = (fields + [""] * width)[:width]
        rows.append(fields)
    frame = pd.DataFrame(rows, columns=header, dtype="str")
    frame[PARSE_ERROR_COLUMN] = errors
    return frame


def parse_export_text(text: str, path: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Parse decoded export text into canonical raw columns (all strings)."""
    delimiter = sniff_delimiter(text)
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=delimiter, dtype="str", keep_default_na=False,
            na_filter=False, skip_blank_lines=True, engine="c",
        )
        frame[PARSE_ERROR_COLUMN] = ""
    except pd.errors.ParserError:
        frame = _parse_ragged(text, delimiter)
    except (pd.errors.EmptyDataError, csv.Error) as exc:
        raise ExportReadError(f"{path}: cannot be parsed as CSV ({exc})") from exc

    mapping, unrecognised = map_headers(c for c in frame.columns if c != PARSE_ERROR_COLUMN)
    missing_required = [c for c in REQUIRED_RAW_COLUMNS if c not in mapping.values()]
    if missing_required:
        found = ", ".join(repr(c) for c in frame.columns if c != PARSE_ERROR_COLUMN) or "none"
        raise ExportReadError(
            f"{path}: no recognisable transaction columns: missing {', '.join(missing_required)} "
            f"(found {found}); expected a header like {','.join(RAW_COLUMNS)}"
        )
    frame = frame.rename(columns=mapping)
    absent = [c for c in RAW_COLUMNS if c not in frame.columns]
    for column in absent:
        frame[column] = ""
    frame = frame[[*RAW_COLUMNS, PARSE_ERROR_COLUMN]].reset_index(drop=True)
    info = {
        "path": path,
        "delimiter": delimiter,
        "unrecognised_columns": unrecognised,
        "absent_columns": absent,
    }
    return frame, info


class RawExportDataset(AbstractDataset[None, pd.DataFrame]):
    """Read-only dataset for a transaction export CSV (any encoding / delimiter / header style).

    The loaded frame has the canonical columns of ``RAW_COLUMNS`` (strings, ""
    for empty) plus ``_parse_error``; details of the file (path, encoding,
    delimiter, ignored columns) are in ``frame.attrs["source"]``.
    """

    def __init__(self, filepath: str, metadata: dict[str, Any] | None = None):
        self._filepath = str(filepath)
        self.metadata = metadata

    def load(self) -> pd.DataFrame:
        path = self._filepath
        try:
            with fsspec.open(path, "rb") as handle:
                data = handle.read()
        except FileNotFoundError as exc:
            raise ExportReadError(f"{path}: file not found") from exc
        except IsADirectoryError as exc:
            raise ExportReadError(f"{path}: is a directory, expected a CSV file") from exc
        except OSError as exc:
            raise ExportReadError(f"{path}: cannot be opened ({exc})") from exc
        text, encoding = decode_export(data, path)
        frame, info = parse_export_text(text, path)
        frame.attrs["source"] = {**info, "encoding": encoding}
        return frame

    def save(self, data: pd.DataFrame) -> None:
        raise DatasetError(f"{self._filepath}: a raw export is read-only input")

    def _exists(self) -> bool:
        return Path(self._filepath).is_file()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(PurePosixPath(self._filepath))}
