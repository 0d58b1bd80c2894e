"""Conservation under damage: whatever is wrong with an export, every row read ends up
exactly once in clean, quarantine or duplicates — and the check notices when it does not."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
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
DAMAGE = st.sampled_from([
    "bad_date", "bad_amount", "no_amount", "no_text", "too_many_fields", "repeat_line",
    "repeat_header", "total_line", "blank_line", "future_date",
])


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


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
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
