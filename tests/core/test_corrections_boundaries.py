"""Boundaries of corrections: a key's cap on lines (the last allowed line and the next), and
a correction that names a transaction by its content matches it to the cent and the day."""

from __future__ import annotations

import pandas as pd
import pytest

from titans_finance.core.corrections import (
    CorrectionsCapReached,
    append_correction,
    apply_corrections,
    corrections_by_key,
    neutralise_formula,
    restore_formula,
)


def test_a_key_may_file_exactly_max_per_key_corrections(tmp_path):
    path = tmp_path / "corrections.csv"
    for i in range(3):
        append_correction(path, {"reference": f"R{i}", "category": "fuel",
                                 "submitted_by": "key-1"}, max_per_key=3)
    with pytest.raises(CorrectionsCapReached):
        append_correction(path, {"reference": "R3", "category": "fuel",
                                 "submitted_by": "key-1"}, max_per_key=3)
    # another key is not held to key-1's count
    append_correction(path, {"reference": "R4", "category": "fuel", "submitted_by": "key-2"},
                      max_per_key=3)
    assert corrections_by_key(path).set_index("submitted_by")["corrections"].to_dict() == {
        "key-1": 3, "key-2": 1}


def _transactions() -> pd.DataFrame:
    return pd.DataFrame({"date": pd.to_datetime(["2024-03-04 09:30", "2024-03-05 00:00"]),
                         "description": ["Corner  Shop", "Corner Shop"],
                         "amount": [-12.34, -12.34], "reference": [None, None],
                         "category": ["other", "other"]})


@pytest.mark.parametrize("amount, matched", [("-12.34", True), ("12.34", True),
                                             ("-12.344", True), ("-12.35", False),
                                             ("-12.33", False), ("-12", False)])
def test_a_correction_by_content_matches_the_amount_to_the_cent(amount, matched):
    corrections = pd.DataFrame({"reference": [""], "date": ["2024-03-04"],
                                "description": ["corner shop"], "amount": [amount],
                                "category": ["groceries"]})
    result, summary = apply_corrections(_transactions(), corrections)
    # only the 4th: the 5th is another day
    assert result["corrected"].tolist() == [matched, False]
    assert summary["matched_lines"] == int(matched)


@pytest.mark.parametrize("text, written", [
    ("'", "'"),  # a quote alone: nothing follows it to take for a formula
    ("'x", "'x"),  # a quote the user typed before ordinary text: kept as it is
    ("''x", "'''x"),  # a quote before a quote that would read as ours: quoted again
    ("'=1", "''=1"),  # a quote before a formula: quoted again
])
def test_a_leading_quote_is_quoted_again_only_before_a_quote_or_a_formula(text, written):
    assert neutralise_formula(text) == written
    assert restore_formula(written) == text
