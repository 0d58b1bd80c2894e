"""Conservation under damage: whatever is wrong with an export, every row read ends up
exactly once in clean, quarantine or duplicates — and the check notices when it does not."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.parameters import parameters
from titans_finance.datasets.raw_export_dataset import parse_export_text
from titans_finance.pipelines.ingestion.nodes import (
    ConservationError,
    deduplicate_transactions,
    mark_transfers,
    normalise_transactions,
    summarise_data_quality,
)

PARAMS = parameters("ingestion", reference_date="2025-06-30")
HEADER = "Date,Description,Amount,Account,Balance"
GOOD = st.builds(
    lambda day, text, cents, account: (f"2024-03-{day:02d}", text, f"{cents / 100:.2f}", account),
    st.integers(1, 28), st.sampled_from(["COFFEE", "RENT", "SALARY", "Tesco 12", "Café"]),
    st.integers(-500000, 500000), st.sampled_from(["", "current", "savings"]))
DAMAGE_KINDS = ["bad_date", "bad_amount", "no_amount", "no_text", "too_many_fields",
                "repeat_line", "repeat_header", "total_line", "blank_line", "future_date"]
DAMAGE = st.sampled_from(DAMAGE_KINDS)


def _line(row: tuple[str, str, str, str], damage: str | None) -> list[str]:
    date, text, amount, account = row
    fields = [date, text, amount, account, ""]
    if damage == "bad_date":
        fields[0] = "2024-02-31"
    elif damage == "bad_amount":
        fields[2] = "12..5x"
    elif damage == "no_amount":
        fields[2] = ""
    elif damage == "no_text":
        fields[1] = ""
    elif damage == "future_date":
        fields[0] = "2099-01-01"
    line = ",".join(fields)
    if damage == "too_many_fields":
        return [line + ",extra,fields"]
    if damage == "repeat_line":
        return [line, line]
    if damage == "repeat_header":
        return [line, HEADER]
    if damage == "total_line":
        return [line, ",Total,999.99,,"]
    if damage == "blank_line":
        return [line, ""]
    return [line]


def _ingest(text: str, params=PARAMS):
    raw, info = parse_export_text(text, "damaged.csv")
    raw.attrs["source"] = info
    candidates, quarantine, fixes = normalise_transactions(raw, params)
    clean, duplicates = deduplicate_transactions(candidates, params)
    clean = mark_transfers(clean, params)
    return raw, clean, quarantine, duplicates, fixes


def _every_neighbour_pair(kinds: list, length: int) -> list[list]:
    """Files of at most ``length`` rows in which every kind follows every kind (itself
    included) at least once: a de Bruijn sequence of the pairs, cut with one row of overlap
    so that no pair is lost at a cut."""
    k, sequence, a = len(kinds), [], [0, 0, 0]

    def walk(t: int, p: int) -> None:  # the standard recursive construction, order 2
        if t > 2:
            if 2 % p == 0:
                sequence.extend(a[1:p + 1])
            return
        a[t] = a[t - p]
        walk(t + 1, p)
        for j in range(a[t - p] + 1, k):
            a[t] = j
            walk(t + 1, t)

    walk(1, 1)
    cyclic = [kinds[i] for i in sequence + sequence[:1]]
    return [cyclic[i:i + length] for i in range(0, len(cyclic) - 1, length - 1)]


KINDS = [None, *DAMAGE_KINDS]
TEXTS = ["COFFEE", "RENT", "SALARY", "Tesco 12", "Café"]
# Every damage next to every damage (and to an undamaged row), in both modes, in files the
# strategy below could draw (at most 25 rows): 6 files per mode. The drawn examples no longer
# have to find the neighbourhoods by chance, so they are fewer (30, not 60): they vary the
# values, lengths and the repeats of whole rows.
PAIRED_FILES = [
    ([((f"2024-03-{1 + (7 * i) % 28:02d}", TEXTS[i % 5],
        f"{(-1) ** i * (1234 + 97 * i) / 100:.2f}", ["", "current", "savings"][i % 3]), kind)
      for i, kind in enumerate(file)], identical)
    for identical in ("keep", "duplicate") for file in _every_neighbour_pair(KINDS, 25)]


def _with_paired_files(test):
    for rows, identical in PAIRED_FILES:
        test = example(rows=rows, identical=identical)(test)
    return test


@_with_paired_files
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(GOOD, st.none() | DAMAGE), min_size=1, max_size=25),
       identical=st.sampled_from(["keep", "duplicate"]))
def test_every_row_read_is_accounted_for_exactly_once(rows, identical):
    lines = [HEADER] + [line for row, damage in rows for line in _line(row, damage)]
    raw, clean, quarantine, duplicates, fixes = _ingest(
        "\n".join(lines) + "\n", {**PARAMS, "identical_lines_in_one_file": identical})
    report = summarise_data_quality(raw, clean, quarantine, duplicates, fixes)  # raises if not
    seen = pd.concat([clean["source_row"], quarantine["source_row"], duplicates["source_row"]])
    assert seen.is_unique and sorted(seen) == list(range(1, len(raw) + 1))
    assert report["rows_read"] == len(raw) == (report["rows_clean"] + report["rows_quarantined"]
                                               + report["rows_duplicate"])
    damaged = {d for _, d in rows}
    if "repeat_header" in damaged:
        assert report["quarantine_reasons"].get("repeated_header", 0) >= 1
    if "total_line" in damaged:
        assert report["quarantine_reasons"].get("summary_line", 0) >= 1
    if identical == "keep":
        assert duplicates.empty  # one file: identical lines are separate transactions


TEXT = "Date,Description,Amount\n2024-01-02,A,-1\n2024-01-03,B,-2\n2024-01-04,C,-3\n"


def test_a_lost_row_plus_a_double_counted_row_is_caught():
    raw, clean, quarantine, duplicates, fixes = _ingest(TEXT)
    # the counts still add up (3 = 3), but row 3 is lost and row 1 counted twice
    tampered = pd.concat([clean.iloc[:2], clean.iloc[:1]], ignore_index=True)
    with pytest.raises(ConservationError, match=r"counted twice: \[1\], lost: \[3\]"):
        summarise_data_quality(raw, tampered, quarantine, duplicates, fixes)


def test_a_row_in_two_tables_is_caught():
    raw, clean, quarantine, duplicates, fixes = _ingest(TEXT)
    moved = clean.iloc[:1].assign(duplicate_of_source_row=2)
    with pytest.raises(ConservationError):
        summarise_data_quality(raw, clean.iloc[1:].pipe(
            lambda c: pd.concat([c, clean.iloc[:0]])), quarantine, pd.concat([moved, moved]), fixes)


def test_an_invented_row_is_caught():
    raw, clean, quarantine, duplicates, fixes = _ingest(TEXT)
    invented = pd.concat([clean.iloc[:2], clean.iloc[2:].assign(source_row=99)])
    with pytest.raises(ConservationError, match=r"never read: \[99\]"):
        summarise_data_quality(raw, invented, quarantine, duplicates, fixes)
