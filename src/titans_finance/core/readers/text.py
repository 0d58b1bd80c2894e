"""Bytes to text: the encodings exports are written in."""

from __future__ import annotations

import codecs
import re

from titans_finance.core.readers.base import ExportReadError, is_blank

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
         (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 written without a byte-order mark: every other byte of ASCII text is NUL."""
    sample = head[: len(head) - len(head) % 2]
    if len(sample) < 4:
        return None
    even_nuls, odd_nuls = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > 0.4 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.4 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, name: str, declared: str | None = None) -> tuple[str, str]:
    """Decode an export; returns ``(text, encoding)``.

    ``declared`` (from a declared mapping) wins. Otherwise: a byte-order mark
    (UTF-8, UTF-16 as Excel's "Unicode text" writes it, UTF-32), UTF-16 without a
    mark, UTF-8, then Windows-1252 and latin-1 (which decodes anything). NUL
    bytes padding the end of a file are dropped; NUL bytes inside text mean the
    file is not text at all (a PDF, a spreadsheet).
    """
    if is_blank(data):
        raise ExportReadError(f"{name}: the file is empty")
    if declared:
        try:
            return data.decode(declared).lstrip("\ufeff"), declared
        except (UnicodeDecodeError, LookupError) as exc:
            raise ExportReadError(f"{name}: cannot be decoded as the declared encoding "
                                  f"{declared!r} ({exc})") from exc
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace").lstrip("\ufeff"), encoding
    utf16 = _utf16_without_bom(data[:4096])
    if utf16:
        return data.decode(utf16, errors="replace"), utf16
    data = data.rstrip(b"\x00")
    if b"\x00" in data[:65536]:
        raise ExportReadError(f"{name}: not a text export (binary content, NUL bytes); "
                              "export the statement as CSV, OFX, QIF, CAMT.053 or MT940")
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ExportReadError(f"{name}: cannot be decoded as text")  # latin-1 never fails


_XML_ENCODING = re.compile(rb"""<\?xml[^>]*encoding=["']([A-Za-z0-9_.:-]+)["']""")


def xml_declared_encoding(data: bytes) -> str | None:
    match = _XML_ENCODING.search(data[:200])
    return match.group(1).decode("ascii") if match else None
