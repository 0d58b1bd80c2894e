"""Readers of bank and app exports, chosen by content (never by file name).

Each reader turns one file into the same raw table (`base.RawExport`): the
columns of ``schema.READ_COLUMNS`` as strings, one row per transaction line
written in the file, plus ``_parse_error`` for lines that are not transactions.
Plain Python: used by the Kedro dataset, and usable without Kedro.

| format | detected by | reader |
|---|---|---|
| OFX/QFX 1.x (SGML) and 2.x (XML) | ``OFXHEADER`` / ``<OFX>`` | `ofx.read_ofx_export` |
| CAMT.053 (and .052/.054) | the ISO 20022 camt namespace | `camt.read_camt_export` |
| MT940 | ``:20:`` and ``:25:``/``:60F:``/``:61:`` tags | `mt940.read_mt940_export` (mt-940) |
| QIF | a ``!Type:``/``!Account`` line | `qif.read_qif_export` |
| CSV (any delimiter) | everything else that is text | `csv_reader.read_csv_export` |
"""

from __future__ import annotations

from pathlib import PurePath

from titans_finance.core.file_memo import one_file
from titans_finance.core.readers.base import (
    PARSE_ERROR_COLUMN,
    ExportReadError,
    RawExport,
    is_blank,
)
from titans_finance.core.readers.camt import looks_like_camt, read_camt_export
from titans_finance.core.readers.csv_reader import read_csv_export
from titans_finance.core.readers.mapping import DeclaredMapping, mapping_for, parse_mappings
from titans_finance.core.readers.mt940 import looks_like_mt940, read_mt940_export
from titans_finance.core.readers.ofx import looks_like_ofx, ofx_encoding, read_ofx_export
from titans_finance.core.readers.qif import looks_like_qif, read_qif_export
from titans_finance.core.readers.text import decode_bytes, xml_declared_encoding

__all__ = [
    "PARSE_ERROR_COLUMN", "DeclaredMapping", "ExportReadError", "RawExport", "detect_format",
    "mapping_for", "parse_mappings", "read_export",
]


_FORMAT_SIGNS = {
    "ofx": "signed amounts as written (TRNAMT)",
    "qif": "signed amounts as written (T/U lines)",
    "camt053": "unsigned amounts; direction from CdtDbtInd (DBIT = money out, CRDT = money in)",
    "mt940": "direction from the :61: mark (D/RC = money out, C/RD = money in)",
}


def detect_format(data: bytes, name: str = "export") -> str:
    """``ofx``, ``camt053``, ``mt940``, ``qif`` or ``csv``, from the first bytes of the file."""
    head, _ = decode_bytes(data[:4096], name) if not is_blank(data) else ("", "")
    if looks_like_ofx(head):
        return "ofx"
    if looks_like_camt(head):
        return "camt053"
    if looks_like_mt940(head):
        return "mt940"
    if looks_like_qif(head):
        return "qif"
    return "csv"


@one_file()  # each column's dates and amounts read once for the file's many questions
def read_export(data: bytes, name: str, mapping: DeclaredMapping | None = None) -> RawExport:
    """Read one export file (its bytes) into the raw table; ``name`` names it in messages.

    Raises `ExportReadError` with the file name, what was found and what to do
    when the file cannot be read as transactions at all.
    """
    label = PurePath(name).name
    declared_encoding = mapping.encoding if mapping else None
    if is_blank(data):
        raise ExportReadError(f"{label}: the file is empty")
    fmt = (mapping.format if mapping and mapping.format else None) or detect_format(data, label)
    if fmt == "camt053":
        export = read_camt_export(data, label)
        encoding = xml_declared_encoding(data) or "utf-8"
    else:
        declared = declared_encoding or (ofx_encoding(data) if fmt == "ofx" else None)
        text, encoding = decode_bytes(data, label, declared)
        if fmt == "ofx":
            export = read_ofx_export(text, label)
        elif fmt == "mt940":
            export = read_mt940_export(text, label)
        elif fmt == "qif":
            export = read_qif_export(text, label)
        else:
            export = read_csv_export(text, label, mapping)
    export.info["encoding"] = encoding
    # Structured formats fix their columns and sign: the reading report says how.
    export.info.setdefault("reading", {"sign_convention": _FORMAT_SIGNS.get(fmt, "")})
    if mapping is not None:
        export.info["declared_mapping"] = mapping.match
        hints = export.info["hints"]
        for key in ("decimal", "day_first", "date_format"):
            if getattr(mapping, key) is not None:
                hints[key] = getattr(mapping, key)
        hints["sign"] = mapping.sign
        frame = export.frame
        if mapping.account:
            frame["Account"] = mapping.account
        if mapping.currency:
            frame["Currency"] = frame["Currency"].mask(frame["Currency"] == "", mapping.currency)
    return export
