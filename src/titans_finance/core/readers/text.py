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


# A word: a run of ASCII letters and the bytes that are letters in Windows-1251 (А-я, Ёё)
# and in Windows-1250/1252 (À-ÿ) alike.
_BYTE_WORD = re.compile(rb"[A-Za-z\xa8\xb8\xc0-\xff]{2,}")
# At least this many Cyrillic-like words, and more than this many times as many words of
# accented Latin, make a single-byte file Cyrillic.
CYRILLIC_WORDS = 3
CYRILLIC_RATIO = 2


def _cyrillic_single_byte(data: bytes) -> bool:
    """Whether a single-byte (not UTF-8) export writes Cyrillic words (Windows-1251, as
    Russian banks export): every letter of a Cyrillic word is a byte above 0x7F, so its
    words hold no ASCII letter, while accented Latin text (German, Czech, French in
    Windows-1250/1252) writes one or two such bytes inside words of ASCII letters
    (``Umsätze``, ``Položka``)."""
    cyrillic = latin = 0
    for word in _BYTE_WORD.findall(data[:65536]):
        high = sum(b > 0x7F for b in word)
        if not high:
            continue
        if high == len(word):
            cyrillic += 1
        else:
            latin += 1
    return cyrillic >= CYRILLIC_WORDS and cyrillic > CYRILLIC_RATIO * latin


# Japanese characters: hiragana, katakana, CJK ideographs, full- and half-width forms.
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff9f]+")
# At least this many runs of Japanese characters, and more than this share of them standing
# apart from ASCII letters, make a double-byte file Shift-JIS (as Japanese banks export).
JAPANESE_RUNS = 3
SAMPLE_BYTES = 65536  # the bytes of a file the encoding is told from
JAPANESE_APART = 2 / 3


def _japanese_double_byte(data: bytes) -> bool:
    """Whether a file that is no UTF-8 is Japanese in Shift-JIS (Windows code page 932):
    it decodes without error and writes runs of Japanese characters between separators,
    quotes and digits. Accented Latin text in Windows-1252 seldom decodes as cp932 at all
    (a lead byte before a comma or a space is an error); when it does, each run it makes
    sits inside a word of ASCII letters (``Straße``: ``ß`` is a half-width katakana)."""
    try:  # (incremental: a character cut by the 64 KiB sample is no decoding error)
        text = codecs.getincrementaldecoder("cp932")().decode(data[:SAMPLE_BYTES])
    except UnicodeDecodeError:
        return False
    runs = list(_JAPANESE.finditer(text))
    apart = sum(1 for run in runs
                if not re.match(r"[A-Za-z]", text[run.end():run.end() + 1])
                and not re.match(r"[A-Za-z]", text[max(run.start() - 1, 0):run.start()]))
    return len(runs) >= JAPANESE_RUNS and apart > JAPANESE_APART * len(runs)


# In Shift-JIS byte 0x5C is the yen sign (JIS X 0201), which the cp932 codec decodes as a
# backslash: before a digit (``\\7,000``) it is the currency of an amount.
_YEN_BEFORE_DIGIT = re.compile(r"\\(?=[0-9])")


def yen_signs(text: str) -> str:
    """A Shift-JIS text's backslashes before a digit written as the yen sign they are."""
    return _YEN_BEFORE_DIGIT.sub("\u00a5", text)


def decode_bytes(data: bytes, name: str, declared: str | None = None) -> tuple[str, str]:
    """Decode an export; returns ``(text, encoding)``.

    ``declared`` (from a declared mapping) wins. Otherwise: a byte-order mark
    (UTF-8, UTF-16 as Excel's "Unicode text" writes it, UTF-32), UTF-16 without a
    mark, UTF-8, then Windows-1251 when the words are Cyrillic (`_cyrillic_single_byte`),
    Shift-JIS (cp932) when they are Japanese (`_japanese_double_byte`), else Windows-1252
    and latin-1 (which decodes anything). NUL
    bytes padding the end of a file are dropped; NUL bytes inside text mean the
    file is not text at all (a PDF, a spreadsheet).
    """
    if is_blank(data):
        raise ExportReadError(f"{name}: the file is empty")
    if declared:
        try:
            text = data.decode(declared).lstrip("\ufeff")
        except (UnicodeDecodeError, LookupError) as exc:
            raise ExportReadError(f"{name}: cannot be decoded as the declared encoding "
                                  f"{declared!r} ({exc})") from exc
        shift_jis = codecs.lookup(declared).name in ("cp932", "shift_jis", "shift_jis_2004")
        return (yen_signs(text) if shift_jis else text), declared
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
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guessed = (("cp1251",) if _cyrillic_single_byte(data) else
               ("cp932",) if _japanese_double_byte(data) else ())
    for encoding in guessed + ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return (yen_signs(text) if encoding == "cp932" else text), encoding
    raise ExportReadError(f"{name}: cannot be decoded as text")  # latin-1 never fails


_XML_ENCODING = re.compile(rb"""<\?xml[^>]*encoding=["']([A-Za-z0-9_.:-]+)["']""")


def xml_declared_encoding(data: bytes) -> str | None:
    match = _XML_ENCODING.search(data[:200])
    return match.group(1).decode("ascii") if match else None
