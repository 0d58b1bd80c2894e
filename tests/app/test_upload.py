"""What the import page accepts before parsing (`app.upload.check_upload`): the size, the
longest line and the widest line of a text export, each at, below and above its limit; a
200,000-column CSV is refused at once without the memory parsing it took (1.08 GB)."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from tests.parameters import settings
from titans_finance.app.upload import UploadRefused, check_upload

HEADER = b"Date,Description,Amount\n2024-01-02,Coffee,-3.50\n"


def _limits(**upload):
    return settings("app", upload=upload).upload


def _wide_line(fields: int, separator: bytes = b",") -> bytes:
    return separator.join(b"x" for _ in range(fields))


@pytest.mark.parametrize("fields, refused", [(499, False), (500, False), (501, True)])
@pytest.mark.parametrize("separator", [b",", b";", b"\t", b"|"])
def test_the_column_cap_at_below_and_above(fields, refused, separator):
    data = HEADER + _wide_line(fields, separator) + b"\n2024-01-03,Tea,-2.00\n"
    limits = _limits(max_columns=500)
    if not refused:
        check_upload(data, "wide.csv", limits)
        return
    with pytest.raises(UploadRefused) as error:
        check_upload(data, "wide.csv", limits)
    message = str(error.value)
    assert message.startswith(f"line 3 has {fields:,} fields separated by ")
    assert "up to 500 columns (app.upload.max_columns)" in message
    assert "x,x" not in message and "x;x" not in message  # never the file's text


@pytest.mark.parametrize("length, refused", [(1023, False), (1024, False), (1025, True)])
def test_the_line_length_cap_at_below_and_above(length, refused):
    line = b"2024-01-04,Rent " + b"r" * (length - len(b"2024-01-04,Rent ,-900")) + b",-900"
    assert len(line) == length
    data = HEADER + line + b"\r\n"
    limits = _limits(max_line_bytes=1024)
    if not refused:
        check_upload(data, "long.csv", limits)
        return
    with pytest.raises(UploadRefused, match=r"^line 3 is 1,025 bytes long: .* up to 1,024 "):
        check_upload(data, "long.csv", limits)


def test_line_numbers_count_a_crlf_once_and_a_blank_line_as_a_line():
    limits = _limits(max_columns=5)
    for data, line in ((b"a,b\r\nc,d\r\n" + _wide_line(6) + b"\r\n", 3),
                       (b"a,b\n\n\nc,d\n" + _wide_line(6), 5),
                       (b"a,b\rc,d\r" + _wide_line(6), 3),
                       (_wide_line(6) + b"\n", 1)):
        with pytest.raises(UploadRefused, match=f"^line {line} has 6 fields"):
            check_upload(data, "x.csv", limits)


@pytest.mark.parametrize("megabytes, refused", [(0.99, False), (1, False), (1.01, True)])
def test_the_size_cap(megabytes, refused):
    size = round(megabytes * 1024 * 1024)
    row = b"2024-01-02,Coffee,-3.50\n"
    data = (HEADER + row * (size // len(row)))[:size]
    data += b"\n" * (size - len(data))
    limits = _limits(max_megabytes=1)
    if not refused:
        check_upload(data, "big.csv", limits)
        return
    with pytest.raises(UploadRefused, match=r"^the file is 1\.0 MB: .* up to 1 MB"):
        check_upload(data, "big.csv", limits)


def test_a_tagged_export_on_one_long_line_is_not_read_as_lines():
    # CAMT.053 and OFX are read by their tags: a bank may write the whole file on one line
    camt = (b'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:'
            b'tech:xsd:camt.053.001.02"><BkToCstmrStmt>' + b"<Ntry>a, b</Ntry>" * 3000
            + b"</BkToCstmrStmt></Document>")
    ofx = (b"OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX><BANKTRANLIST>"
           + b"<STMTTRN><NAME>a, b</STMTTRN>" * 3000 + b"</BANKTRANLIST></OFX>")
    limits = _limits(max_columns=500, max_line_bytes=1024)
    for data in (camt, ofx):
        assert len(max(data.splitlines(), key=len)) > 1024
        check_upload(data, "statement", limits)


def test_a_200000_column_csv_is_refused_quickly_in_bounded_memory():
    data = _wide_line(200_000) + b"\n" + _wide_line(200_000).replace(b"x", b"1") + b"\n"
    limits = _limits(max_columns=500, max_line_bytes=1024 * 1024)
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(UploadRefused, match="^line 1 has 200,000 fields separated by ','"):
        check_upload(data, "wide.csv", limits)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert seconds < 1.0
    assert peak < 4 * len(data)  # a few passes over the 0.8 MB file, not a parsed table
