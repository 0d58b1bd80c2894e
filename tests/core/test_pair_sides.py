"""A money-in / money-out pair that repeats an unsigned amount is its side; anything less
(a line with both, a figure that is not the amount, no line written) decides nothing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from titans_finance.core.pair_sides import sides_from_pair
from titans_finance.pipelines.ingestion.nodes import normalise_transactions
from tests.parameters import parameters

NAN = np.nan
PARAMS = parameters("ingestion", reference_date="2025-12-31", max_future_days=31)


def _sides(value, money_in, money_out):
    series = [pd.Series(v, dtype="float64") for v in (value, money_in, money_out)]
    found = sides_from_pair(*series)
    return None if found is None else found.tolist()


def test_the_pair_repeating_the_amount_gives_each_line_its_side():
    sides = _sides([16.3, 600.0, 72.75], [NAN, 600.0, NAN], [16.3, NAN, NAN])
    assert sides[:2] == [-1.0, 1.0] and np.isnan(sides[2])


@pytest.mark.parametrize("written", [16.2951, 16.3049])
def test_the_repeated_figure_holds_the_amount_within_half_a_cent(written):
    assert _sides([16.3, 600.0], [NAN, 600.0], [written, NAN])[0] == -1.0


@pytest.mark.parametrize("written", [16.2949, 16.3051, 8.15])
def test_a_figure_that_is_not_the_amount_makes_the_pair_no_side(written):
    assert _sides([16.3, 600.0], [NAN, 600.0], [written, NAN]) is None


def test_a_line_with_both_written_makes_the_pair_no_side():
    assert _sides([16.3, 600.0], [16.3, 600.0], [16.3, NAN]) is None


def test_a_pair_written_nowhere_decides_nothing():
    assert _sides([16.3, 600.0], [NAN, 0.0], [NAN, NAN]) is None


def test_a_card_export_reads_its_charges_out_and_sets_aside_lines_with_no_side():
    raw = pd.DataFrame({
        # every line booked, so that only its missing side sets the last one aside
        "Date": ["15.09.2025", "15.09.2025", "15.09.2025", "16.09.2025"],
        "Value Date": ["13.09.2025", "12.09.2025", "12.09.2025", "16.09.2025"],
        "Description": ["Coop", "Bierwerk", "TRANSFER FROM ACCOUNT", "Jumbo"],
        "Amount": ["66.95", "11.02", "600.0", "37.9"],
        "Money Out": ["66.95", "11.02", "", ""], "Money In": ["", "", "600.0", ""],
        "Source File": "card.csv"})
    raw.attrs["source"] = {"name": "card.csv", "hints": {}}
    clean, quarantine, report = normalise_transactions(raw, PARAMS)
    assert sorted(clean["amount"].tolist()) == [-66.95, -11.02, 600.0]
    assert quarantine[["source_row", "reasons"]].values.tolist() == [[4, "no_side_written"]]
