"""The header line of a CSV table located by its values: the record just before the
table's first row, when it reads as a header (`csv_rows.locate_table` asks).

A header is text about the table's width, in words; account lines, titles and periods
before it are the preamble, in whatever language. One lone line of text between the
header and its rows (a card holder's name under a card export's header, a section title)
is skipped: the header above it is still the table's. Plain module (no Kedro).
"""

from __future__ import annotations

import re


def _written_width(fields: list[str]) -> int:
    """How many fields up to the last written one (trailing empty fields not counted)."""
    end = len(fields)
    while end > 0 and not fields[end - 1].strip():
        end -= 1
    return end


def lone_text(fields: list[str], kinds: list[str]) -> bool:
    """A record of one written field of words, neither date nor number."""
    written = [f for f in fields if f.strip()]
    return len(written) == 1 and "date" not in kinds and "number" not in kinds


def header_before(records: list[tuple[int, list[str]]], kinds: list[list[str]], i: int,
                  width: int) -> int | None:
    """The line of the record just before the table's first row ``i`` (or before one lone
    line of text there) when it reads as a header: text (no date, no number) about the
    table's width (trailing empty fields aside), in words (more letters than digits in each field:
    ``Account;LT12 1000 0111 0100 1000`` is a preamble line, not a header)."""
    if i == 0:
        return None
    if i >= 2 and lone_text(records[i - 1][1], kinds[i - 1]):
        i -= 1  # a title or card holder's line between the header and its rows
    previous, fields = kinds[i - 1], records[i - 1][1]
    # (its width as written: a delimiter after the last name, like one after every row,
    # adds no column)
    written = _written_width(fields)
    if "date" in previous or "number" in previous or not (
            width - 1 <= written <= width + 1 and written >= 2):
        return None
    wordy = [len(re.findall(r"[^\W\d_]", f)) > len(re.findall(r"\d", f))
             for f in fields if f.strip()]
    return records[i - 1][0] if len(wordy) >= 2 and all(wordy) else None
