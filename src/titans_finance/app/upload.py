"""What the import page accepts before anything parses it (plain Python, no Streamlit): an
uploaded file no larger than ``app.upload.max_megabytes``, and, for a text export, no line
longer than ``max_line_bytes`` nor with more than ``max_columns`` separators of one kind.

A CSV of 200,000 columns took 1.08 GB to parse; this check reads only the bytes already in
memory (line ends found with numpy, separators counted only on lines long enough to hold too
many), so a refused file costs about its own size once more.
"""

from __future__ import annotations

import numpy as np

from titans_finance.core.readers import ExportReadError, detect_format
from titans_finance.core.readers.csv_reader import DELIMITERS
from titans_finance.parameters.app import UploadSettings

_SEPARATORS = tuple(d.encode() for d in DELIMITERS)
_NAMES = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}
# read by their tags, not as lines of columns: an OFX or CAMT.053 file may be one long line
TAGGED_FORMATS = ("ofx", "camt053")


class UploadRefused(ValueError):
    """An upload the import page does not read (the message says why, without its content)."""


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MB"


def check_upload(data: bytes, name: str, limits: UploadSettings) -> None:
    """`UploadRefused` when ``data`` (the file ``name``) is over a limit; the message names
    the limit, the line number and the measured figure, never the file's text. Lines are
    checked in every format the readers take as lines (CSV, the fallback, MT940, QIF), with
    the readers' own format detection."""
    if len(data) > limits.max_bytes:
        raise UploadRefused(f"the file is {_megabytes(len(data))}: the import page reads up to "
                            f"{limits.max_megabytes:,} MB (app.upload.max_megabytes)")
    if not data or _format(data, name) in TAGGED_FORMATS:
        return
    raw = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero((raw == 10) | (raw == 13))
    starts = np.concatenate(([0], ends + 1))
    lengths = np.concatenate((ends, [len(data)])) - starts
    longest = int(np.argmax(lengths))
    if lengths[longest] > limits.max_line_bytes:
        raise UploadRefused(f"line {_line_number(raw, ends, starts[longest]):,} is "
                            f"{int(lengths[longest]):,} bytes long: the import page reads lines "
                            f"of up to {limits.max_line_bytes:,} (app.upload.max_line_bytes)")
    # more than max_columns fields need at least max_columns separators: only lines that long
    for index in np.flatnonzero(lengths >= limits.max_columns):
        line = data[starts[index]:starts[index] + lengths[index]]
        for separator, text in zip(_SEPARATORS, DELIMITERS, strict=True):
            if (fields := line.count(separator) + 1) > limits.max_columns:
                raise UploadRefused(
                    f"line {_line_number(raw, ends, starts[index]):,} has {fields:,} fields "
                    f"separated by {_NAMES.get(text, repr(text))}: the import page reads up to "
                    f"{limits.max_columns:,} columns (app.upload.max_columns)")


def _format(data: bytes, name: str) -> str:
    try:
        return detect_format(data, name)
    except ExportReadError:  # not text at all: the reader says so; its lines are checked
        return "csv"


def _line_number(raw: np.ndarray, ends: np.ndarray, start: int) -> int:
    """The 1-based line number of the line starting at byte ``start`` (a \\r\\n pair ends
    one line)."""
    before = ends[ends < start]
    pairs = np.count_nonzero((raw[before[:-1]] == 13) & (raw[before[:-1] + 1] == 10)
                             & (before[1:] == before[:-1] + 1))
    return len(before) - int(pairs) + 1
