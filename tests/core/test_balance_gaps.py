"""A line without a balance is set aside only when the balances around it prove, to the cent,
that it moved no money; a gap the balance needs, a gap not closed on both sides, or a gap
that only part of it explains is left as read."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from titans_finance.core.balance_gaps import lines_the_balance_leaves_out
from titans_finance.pipelines.ingestion.nodes import normalise_transactions
from tests.parameters import parameters

NAN = np.nan
PARAMS = parameters("ingestion", reference_date="2025-06-30", max_future_days=31)


def _left_out(amounts, balances, group=None):
    return lines_the_balance_leaves_out(pd.Series(amounts, dtype="float64"),
                                        pd.Series(balances, dtype="float64"),
                                        None if group is None else pd.Series(group)).tolist()


def test_a_reverted_line_the_next_balance_does_not_carry_is_left_out():
    # 14.18 - 2.90 = 11.28: the -4.90 between them never reached the balance
    assert _left_out([15.0, 14.83, -15.65, -4.90, -2.90, 0.17],
                     [15.0, 29.83, 14.18, NAN, 11.28, 11.45]) == [
        False, False, False, True, False, False]


def test_the_same_export_newest_first():
    assert _left_out([0.17, -2.90, -4.90, -15.65, 14.83, 15.0],
                     [11.45, 11.28, NAN, 14.18, 29.83, 15.0]) == [
        False, False, True, False, False, False]


def test_a_gap_the_balance_needs_is_money():
    # balances written once a day: 29.83 - 15.65 - 4.90 = 9.28, the gap line counts
    assert not any(_left_out([15.0, 14.83, -15.65, -4.90, 0.17],
                             [15.0, 29.83, NAN, 9.28, 9.45]))


# the next line's -2.90 must carry the balance within half a cent (reconcile.CENT_TOLERANCE):
# just over it on either side is money the reading does not account for
@pytest.mark.parametrize("moved_by", [-2.8949, -2.9051])
def test_the_next_line_alone_must_carry_the_balance_to_the_half_cent(moved_by):
    balances = [15.0, 29.83, 14.18, NAN, 14.18 + moved_by, 11.45]
    assert not any(_left_out([15.0, 14.83, -15.65, -4.90, -2.90, 0.17], balances))


@pytest.mark.parametrize("moved_by", [-2.8951, -2.9049])
def test_within_the_half_cent_the_line_is_still_left_out(moved_by):
    balances = [15.0, 29.83, 14.18, NAN, 14.18 + moved_by, 11.45]
    assert _left_out([15.0, 14.83, -15.65, -4.90, -2.90, 0.17], balances)[3]


def test_a_gap_only_part_of_which_settled_is_not_judged():
    # -1.00 settled, -4.90 did not: neither reading carries 14.18 -> 10.28
    assert not any(_left_out([15.0, 14.83, -15.65, -1.00, -4.90, -2.90, 0.17],
                             [15.0, 29.83, 14.18, NAN, NAN, 10.28, 10.45]))


def test_a_pending_line_after_the_last_balance_is_not_judged():
    assert not any(_left_out([15.0, 14.83, -15.65, -4.90], [15.0, 29.83, 14.18, NAN]))


def test_a_zero_amount_gap_decides_nothing():
    assert not any(_left_out([15.0, 14.83, 0.0, -15.65], [15.0, 29.83, NAN, 14.18]))


def test_gaps_are_judged_within_one_account():
    # the balance jumps between accounts: no chain across them
    assert not any(_left_out([10.0, 5.0, -3.0, 7.0, 1.0],
                             [10.0, 15.0, NAN, 100.0, 101.0],
                             group=["a", "a", "a", "b", "b"]))
    assert _left_out([10.0, 5.0, -3.0, 1.0, 7.0, 1.0],
                     [10.0, 15.0, NAN, 16.0, 100.0, 101.0],
                     group=["a", "a", "a", "a", "b", "b"])[2]


def test_without_any_balance_nothing_is_decided():
    assert not any(_left_out([1.0, -2.0, 3.0], [NAN, NAN, NAN]))


def test_the_ingestion_quarantines_the_reverted_line_and_reports_it():
    raw = pd.DataFrame({
        # the reverted line is dated here, so that the balance alone sets it aside (a line
        # with no booking date beside booked ones is `not_booked` before the balance is read)
        "Date": ["2024-03-19", "2024-07-12", "2024-07-13", "2024-10-02", "2024-10-03",
                 "2024-12-27"],
        "Value Date": ["", "", "", "", "", ""],
        "Description": ["Top-Up", "Top-Up", "RealDebrid", "Too Good To Go", "Too Good To Go",
                        "Exchange to CHF"],
        "Amount": ["15.00", "14.83", "-15.65", "-4.90", "-2.90", "0.17"],
        "Balance": ["15.00", "29.83", "14.18", "", "11.28", "11.45"],
        "Source File": "wallet.csv"})
    raw.attrs["source"] = {"name": "wallet.csv", "hints": {}}
    clean, quarantine, report = normalise_transactions(raw, PARAMS)
    assert sorted(clean["amount"].tolist()) == [-15.65, -2.9, 0.17, 14.83, 15.0]
    assert quarantine[["source_row", "reasons"]].values.tolist() == [[4, "balance_leaves_out"]]
