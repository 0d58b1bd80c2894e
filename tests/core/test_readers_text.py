"""Boundaries of reading bytes as text (core/readers/text.py) and of detecting a format:
UTF-16/32 without a byte-order mark, NUL bytes of binary files, declared encodings. Found
untested by the readers' mutation runs of 2026-12-06 (docs/testing.md)."""

from __future__ import annotations

import pytest

from titans_finance.core.readers import ExportReadError, detect_format, parse_mappings, read_export
from titans_finance.core.readers.text import _utf16_without_bom, decode_bytes, xml_declared_encoding



def test_utf16_without_a_mark_is_recognised_in_either_byte_order():
    text = "Date;Amount\n02.01.2024;-12,40\n"
    for encoding in ("utf-16-le", "utf-16-be"):
        decoded, found = decode_bytes(text.encode(encoding), "x.csv")
        assert (decoded, found) == (text, encoding)


def test_a_stray_nul_in_utf8_text_is_no_utf16_but_binary():
    data = ("Date;Amount\n02.01.2024;-12,40\n" * 20).encode()
    data = data[:10] + b"\x00" + data[11:]
    assert _utf16_without_bom(data) is None
    with pytest.raises(ExportReadError, match="not a text export"):
        decode_bytes(data, "x.csv")


def test_utf32_without_a_mark_is_no_utf16():
    data = ("Date;Amount\n02.01.2024;-12,40\n" * 5).encode("utf-32-le")
    assert _utf16_without_bom(data) is None


def test_an_xml_file_without_a_declared_encoding_declares_none():
    assert xml_declared_encoding(b"<?xml version='1.0'?><Document/>") is None
    assert xml_declared_encoding(b'<?xml version="1.0" encoding="ISO-8859-1"?>') == "ISO-8859-1"


def test_utf16_without_a_mark_and_an_odd_last_byte_still_decodes():
    data = "Date;Amount\n02.01.2024;-12,40\n".encode("utf-16-le") + b"\x41"
    text, encoding = decode_bytes(data, "x.csv")
    assert encoding == "utf-16-le" and text.startswith("Date;Amount")


def test_a_declared_encoding_drops_the_byte_order_mark():
    assert decode_bytes(b"\xef\xbb\xbfDate;Amount", "x.csv", declared="utf-8") == (
        "Date;Amount", "utf-8")


def test_a_plain_csv_is_detected_as_csv():
    assert detect_format(b"Date,Amount\n2024-01-02,1.00\n") == "csv"


def test_a_binary_file_s_message_names_the_file():
    with pytest.raises(ExportReadError, match=r"^statement\.pdf: not a text export .*; "
                       r"export the statement as CSV, OFX, QIF, CAMT\.053 or MT940$"):
        detect_format(b"%PDF-1.4\n\x00\x01\x02binary\x00stream", "statement.pdf")


def test_utf16_without_a_mark_padded_with_one_nul_byte_still_decodes():
    # an odd length: the padding byte falls on an even offset and must not count as a NUL
    # of the text (in a short file one such byte is more than 5 % of the even bytes)
    data = "Date;Amount\n".encode("utf-16-le") + b"\x00"
    assert _utf16_without_bom(data) == "utf-16-le"
    text, encoding = decode_bytes(data, "x.csv")
    assert encoding == "utf-16-le" and text.startswith("Date;Amount\n")


def test_read_export_names_a_binary_file_by_its_own_name():
    with pytest.raises(ExportReadError, match=r"^statement\.pdf: not a text export"):
        read_export(b"%PDF-1.4\n\x00\x01\x02binary\x00stream", "inbox/statement.pdf")


def test_a_declared_encoding_decodes_what_utf8_and_cp1252_would_read_wrong():
    # a Polish bank's cp1250: 0xAF is Ż there, ¯ in cp1252
    mapping = parse_mappings({"mappings": [{"match": "x.csv", "encoding": "cp1250"}]}, "t")[0]
    export = read_export("Date;Text;Amount\n02.01.2024;Żabka Łódź;-12,40\n".encode("cp1250"),
                         "x.csv", mapping)
    assert export.frame["Description"].tolist() == ["Żabka Łódź"]
    assert export.info["encoding"] == "cp1250" and export.info["declared_mapping"] == ["x.csv"]


@pytest.mark.parametrize("offset, binary", [(65535, True), (65536, False)])
def test_only_the_first_64_kb_are_searched_for_nul_bytes(offset, binary):
    # a long text export with one stray NUL: the search for binary content stops at 64 KB
    line = b"2024-01-02,Shop,-1.00\n"
    data = b"Date,Text,Amount\n" + line * (70000 // len(line))
    data = data[:offset] + b"\x00" + data[offset + 1:]
    if binary:
        with pytest.raises(ExportReadError, match="not a text export"):
            decode_bytes(data, "x.csv")
    else:
        assert decode_bytes(data, "x.csv")[1] == "utf-8"


# ------------------------------------------------------- Cyrillic in a single-byte file

RUSSIAN = "Дата операции;Описание операции;Приход;Расход\n31.05.17;Зарплата за май;33123,56;0\n"


def test_russian_written_in_windows_1251_is_read_as_cyrillic():
    text, encoding = decode_bytes(RUSSIAN.encode("cp1251"), "ru.csv")
    assert (text, encoding) == (RUSSIAN, "cp1251")


def test_accented_latin_stays_windows_1252():
    for sample in ("Buchungstag;Umsätze;Empfänger;Verwendungszweck für Überweisung\n"
                   "02.01.2024;-12,40;Müller Bäckerei;Brötchen\n",
                   "Položka;Částka;Název protiúčtu\n1;-111,11;Zpráva\n"):
        data = sample.encode("cp1252", errors="replace")
        assert decode_bytes(data, "x.csv")[1] == "cp1252"


def test_three_cyrillic_words_and_twice_the_latin_ones_are_the_boundary():
    from titans_finance.core.readers.text import CYRILLIC_RATIO, CYRILLIC_WORDS, _cyrillic_single_byte
    word = "Дата".encode("cp1251")
    latin = "Müller".encode("cp1252")
    assert CYRILLIC_WORDS == 3 and CYRILLIC_RATIO == 2
    assert _cyrillic_single_byte(b";".join([word] * 3))
    assert not _cyrillic_single_byte(b";".join([word] * 2))
    # 4 Cyrillic words against 2 accented Latin ones: not more than twice as many
    assert not _cyrillic_single_byte(b";".join([word] * 4 + [latin] * 2))
    assert _cyrillic_single_byte(b";".join([word] * 5 + [latin] * 2))
    # UTF-8 Cyrillic never gets here: it decodes as UTF-8
    assert decode_bytes(RUSSIAN.encode("utf-8"), "ru.csv")[1] == "utf-8"


# ------------------------------------------------------- Japanese in Shift-JIS (cp932)

JAPANESE = ('"日付","内容","出金金額(円)","入金金額(円)","残高(円)","メモ"\r\n'
            '"2024/01/26","振込＊ト",,"40,000","40,000","-"\r\n')


def test_japanese_written_in_shift_jis_is_read_as_cp932():
    text, encoding = decode_bytes(JAPANESE.encode("cp932"), "jp.csv")
    assert (text, encoding) == (JAPANESE, "cp932")


def test_three_runs_of_japanese_standing_apart_are_the_boundary():
    from titans_finance.core.readers.text import JAPANESE_APART, JAPANESE_RUNS, _japanese_double_byte
    word = "残高".encode("cp932")
    assert JAPANESE_RUNS == 3 and JAPANESE_APART == 2 / 3
    assert _japanese_double_byte(b";".join([word] * 3))
    assert not _japanese_double_byte(b";".join([word] * 2))
    # runs inside words of ASCII letters: 3 apart of 5 is not more than two thirds
    inside = [b"A" + word + b"B"] * 2
    assert not _japanese_double_byte(b";".join([word] * 3 + inside))
    assert _japanese_double_byte(b";".join([word] * 5 + inside))


def test_latin_that_happens_to_decode_as_cp932_stays_windows_1252():
    # ß is a half-width katakana in cp932: every such run sits inside a Latin word
    data = "Straße;Maße;Grüße;Soße\n02.01.2024;-12,40\n".encode("cp1252")
    assert decode_bytes(data, "x.csv")[1] == "cp1252"


def test_a_shift_jis_backslash_before_a_digit_is_the_yen_sign():
    from titans_finance.core.readers.text import yen_signs
    assert yen_signs('"\\7,000","C:\\data","\\"') == '"¥7,000","C:\\data","\\"'
    text = '"番号","取扱日付","お預り金額","摘要"\n"001","4月30日","\\7,000","振込入金"\n' * 2
    decoded, encoding = decode_bytes(text.encode("cp932"), "ja.csv")
    assert encoding == "cp932" and "¥7,000" in decoded and "\\" not in decoded
    declared, _ = decode_bytes(text.encode("cp932"), "ja.csv", declared="shift_jis")
    assert "¥7,000" in declared
    # another declared encoding keeps its backslashes
    assert "\\7" in decode_bytes(b"a,\\7\n", "x.csv", declared="cp1252")[0]


def test_a_double_byte_character_cut_by_the_sample_is_no_decoding_error():
    from titans_finance.core.readers.text import SAMPLE_BYTES, _japanese_double_byte
    word = "残高".encode("cp932")  # two characters of two bytes each
    body = b";".join([word] * 3) + b";"
    # the sample ends after the first byte of a character, then exactly after it
    cut = body + b"a" * (SAMPLE_BYTES - len(body) - 1) + "高".encode("cp932")
    assert len(cut[:SAMPLE_BYTES]) == SAMPLE_BYTES and _japanese_double_byte(cut)
    whole = body + b"a" * (SAMPLE_BYTES - len(body) - 2) + "高".encode("cp932")
    assert _japanese_double_byte(whole)
    assert decode_bytes(cut, "jp.csv")[1] == "cp932"
    # bytes no code page 932 decodes (a lead byte before a comma): not Japanese
    assert not _japanese_double_byte(b"\x81,;" + b";".join([word] * 3))


@pytest.mark.parametrize("side", ["before", "after"])
@pytest.mark.parametrize("letter", [b"a", b"Z"])
def test_a_run_touching_an_ascii_letter_on_either_side_is_not_apart(side, letter):
    from titans_finance.core.readers.text import _japanese_double_byte
    run = b"\xb1"  # a half-width katakana (a Windows-1252 accented letter)
    touching = (b"," + letter + run if side == "before" else run + letter + b",")
    assert not _japanese_double_byte(touching * 4 + b"\n")
    assert _japanese_double_byte((b"," + run + b",") * 4 + b"\n")


def test_two_runs_apart_of_three_are_exactly_two_thirds_not_more():
    from titans_finance.core.readers.text import _japanese_double_byte
    apart = ",".join(["日本", "銀行"]).encode("cp932")
    # the run written first, after a letter at the start of the file, is not apart
    assert not _japanese_double_byte(b"a\xb1," + apart)
    assert _japanese_double_byte(b",\xb1," + apart)
