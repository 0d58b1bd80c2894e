"""Proof by reconciliation: amounts must carry the running balance line to line (either row
order) and statements must close at opening + sum of amounts; boundaries at the cent."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from titans_finance.core.readers.reconcile import (
    CENT_TOLERANCE,
    CONTRADICTED,
    NOT_POSSIBLE,
    PROVEN,
    balance_value,
    best_reading,
    chain_fit,
    chain_in_any_order,
    day_fit,
    running_balance_report,
    statement_report,
)

AMOUNTS = [-10.0, 2100.0, -2.40]
OLDEST_FIRST = [90.0, 2190.0, 2187.60]


def test_a_running_balance_proves_the_amounts_oldest_first():
    fit = chain_fit(AMOUNTS, OLDEST_FIRST)
    assert (fit.order, fit.steps, fit.reconciled, fit.status) == ("oldest first", 2, 2, PROVEN)


def test_a_running_balance_proves_the_amounts_newest_first():
    fit = chain_fit(AMOUNTS[::-1], OLDEST_FIRST[::-1])
    assert (fit.order, fit.steps, fit.reconciled, fit.status) == ("newest first", 2, 2, PROVEN)


@pytest.mark.parametrize("off, status", [
    (0.0, PROVEN),
    (0.0049, PROVEN),  # rounding of the written values
    (0.0051, CONTRADICTED),  # just above half a cent
    (0.01, CONTRADICTED),  # exactly one cent unaccounted for is money
    (-0.01, CONTRADICTED),
])
def test_the_tolerance_is_below_one_cent(off, status):
    balance = [90.0, 2190.0, 2187.60 + off]
    assert chain_fit(AMOUNTS, balance).status == status
    assert CENT_TOLERANCE == 0.005


def test_a_break_is_named_by_its_source_row_and_the_opposite_sign_is_tried():
    report = running_balance_report(pd.Series(AMOUNTS), pd.Series([90.0, 2190.0, 2180.0]),
                                    rows=pd.Series([11, 12, 13]))
    assert report["status"] == CONTRADICTED and report["first_break_row"] == 13
    assert report["steps_checked"] == 2 and report["steps_reconciled"] == 1
    # a balance that moves against every amount: what is owed on a card, or a wrong sign
    owed = running_balance_report(pd.Series([10.0, 20.0, 5.0]), pd.Series([100.0, 80.0, 75.0]))
    assert owed["status"] == CONTRADICTED and owed["negated_amounts_reconcile"] == 2
    assert "sign: negate" in owed["explanation"]
    proven = running_balance_report(pd.Series(AMOUNTS), pd.Series(OLDEST_FIRST))
    assert proven == {"status": PROVEN, "source": "running balance", "steps_checked": 2,
                      "steps_reconciled": 2, "row_order": "oldest first"}


def test_lines_without_a_balance_and_other_accounts_are_not_pairs():
    fit = chain_fit([1.0, 1.0, 1.0, 1.0], [1.0, np.nan, 3.0, 4.0])
    assert (fit.steps, fit.reconciled) == (1, 1)
    # two accounts interleaved (a file sorted by date): each account's own chain is checked
    fit = chain_fit([5.0, 1.0, 5.0, 1.0], [105.0, 11.0, 110.0, 12.0],
                    group=["a", "b", "a", "b"])
    assert (fit.steps, fit.reconciled, fit.status) == (2, 2, PROVEN)
    assert chain_fit([5.0, 1.0, 5.0, 1.0], [105.0, 11.0, 110.0, 12.0]).status == CONTRADICTED
    report = running_balance_report(pd.Series([5.0, 1.0, 5.0, 1.0]),
                                    pd.Series([105.0, 11.0, 110.0, 13.0]),
                                    group=pd.Series(["a", "b", "a", "b"]),
                                    rows=pd.Series([1, 2, 3, 4]))
    assert report["first_break_row"] == 4  # b's second line: 11 + 1 is not 13
    assert chain_fit([1.0], [1.0]).status == NOT_POSSIBLE


def test_the_best_reading_must_be_unique():
    balance = np.array(OLDEST_FIRST)
    right, wrong = np.array(AMOUNTS), -np.array(AMOUNTS)
    best, fits = best_reading({"right": (right, balance), "wrong": (wrong, balance)})
    assert best == "right" and fits["right"].reconciled == 2 and fits["wrong"].reconciled == 0
    assert best_reading({"a": (right, balance), "b": (right, balance)})[0] is None  # a tie
    assert best_reading({"a": (wrong, balance)})[0] is None  # nothing reconciles


def test_statement_balances_close_at_opening_plus_the_amounts():
    amounts = pd.Series([-10.0, 2100.0, -2.40, 5.0])
    statements = [{"rows": 3, "opening": 100.0, "closing": 2187.60},
                  {"rows": 1, "opening": 2187.60, "closing": 2192.60}]
    assert statement_report(amounts, statements)["status"] == PROVEN
    statements[1]["closing"] = 2192.61  # one cent
    report = statement_report(amounts, statements)
    assert report["status"] == CONTRADICTED and report["first_break"]["statement"] == 2
    assert report["first_break"]["difference"] == pytest.approx(-0.01)
    only_closing = [{"rows": 4, "opening": None, "closing": 2192.60}]
    assert statement_report(amounts, only_closing)["status"] == NOT_POSSIBLE
    assert statement_report(amounts, [])["reason"] == "no statement balances"


def test_balance_values_as_written():
    assert balance_value("1234,56") == 1234.56
    assert balance_value("27.00", debit=True) == -27.0
    assert balance_value(None) is None and balance_value("n/a") is None


def test_lines_of_one_day_in_any_order_are_checked_by_the_day():
    # two interest lines of 31 Jan written in the other order than they were booked
    amounts = pd.Series([400.0, 4470.0, 11.1, 11.8, 4470.0])
    balances = pd.Series([400.0, 4870.0, 4892.9, 4881.8, 9362.9])
    days = pd.Series(pd.to_datetime(["1993-01-05", "1993-01-14", "1993-01-31", "1993-01-31",
                                     "1993-02-14"]))
    assert chain_fit(amounts, balances).status == CONTRADICTED
    fit = day_fit(amounts, balances, days)
    assert (fit.steps, fit.reconciled, fit.status) == (4, 4, PROVEN)
    report = running_balance_report(amounts, balances, day=days)
    assert report["status"] == PROVEN and report["row_order"] == "lines of one day in any order"
    # one cent off on the second day: that line is named
    report = running_balance_report(amounts, balances.where(balances != 4870.0, 4870.01),
                                    rows=pd.Series([1, 2, 3, 4, 5]), day=days)
    assert report["status"] == CONTRADICTED and report["first_break_row"] == 2
    # the order within a day is free, not across days: a line cannot lean on a later day
    swapped = pd.Series(pd.to_datetime(["1993-01-14", "1993-01-05", "1993-01-31", "1993-01-31",
                                        "1993-02-14"]))
    assert day_fit(amounts, balances, swapped).reconciled < 4
    # two accounts on the same days: each account's own balances only
    fit = day_fit([5.0, 1.0, 5.0, 1.0], [105.0, 11.0, 110.0, 12.0],
                  pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-02", "2024-01-02"]),
                  group=["a", "b", "a", "b"])
    assert (fit.steps, fit.reconciled) == (2, 2)


def test_of_readings_tied_by_the_balance_the_one_reading_every_line_wins():
    from titans_finance.core.readers.reconcile import chain_fit, reading_every_line
    balances = np.array([711.0, 601.0])
    amounts = {"pair": np.array([110.0, -110.0]),      # in/out: every line read
               "one side": np.array([110.0, np.nan])}  # one column, blank on the other line
    fits = {name: chain_fit(a, balances) for name, a in amounts.items()}
    assert fits["pair"].reconciled == fits["one side"].reconciled == 1
    assert reading_every_line(fits, amounts) == "pair"
    # two whole readings tied: the balance cannot decide, nor can this rule
    amounts["pair again"] = np.array([110.0, -110.0])
    fits["pair again"] = chain_fit(amounts["pair again"], balances)
    assert reading_every_line(fits, amounts) is None
    # one reading alone: no tie to break
    assert reading_every_line({"pair": fits["pair"]}, {"pair": amounts["pair"]}) is None


def test_no_reading_is_none_of_them():
    from titans_finance.core.readers.reconcile import reading_every_line
    assert reading_every_line({}, {}) is None


# ------------------------------------------- one balance chain, the lines in another order

# an app's lines listed by completion (newest day first) while its balance ran as they were
# started: the 23rd's line follows a line of the 24th (Revolut 2018)
SHUFFLED_DAYS = ["2018-06-26", "2018-06-25", "2018-06-25", "2018-06-24", "2018-06-23",
                 "2018-06-23", "2018-06-19"]
CHAIN_AMOUNTS = [-3.30, -2.50, 270.00, -11.90, -22.03, 100.00, 130.00]


def _chain(amounts, start):
    """Balances of ``amounts`` applied in the order of ``start``'s permutation."""
    balances, running = [0.0] * len(amounts), 24.52
    for i in start:
        running = round(running + amounts[i], 2)
        balances[i] = running
    return balances


ORDER = [6, 5, 2, 4, 3, 1, 0]  # the order the balance ran in


def test_lines_forming_one_chain_in_another_order_are_proven():
    balances = _chain(CHAIN_AMOUNTS, ORDER)
    fit = chain_in_any_order(CHAIN_AMOUNTS, balances)
    assert (fit.steps, fit.reconciled, fit.status) == (6, 6, PROVEN)
    assert chain_fit(CHAIN_AMOUNTS, balances).status == CONTRADICTED
    report = running_balance_report(pd.Series(CHAIN_AMOUNTS), pd.Series(balances),
                                    day=pd.Series(SHUFFLED_DAYS))
    assert report["status"] == PROVEN
    assert report["row_order"] == "one balance chain, lines in any order"


def test_a_cent_off_breaks_the_chain():
    balances = _chain(CHAIN_AMOUNTS, ORDER)
    amounts = list(CHAIN_AMOUNTS)
    amounts[4] = round(amounts[4] + 0.01, 2)  # one cent: beyond the half-cent tolerance
    assert chain_in_any_order(amounts, balances).reconciled == 0
    report = running_balance_report(pd.Series(amounts), pd.Series(balances),
                                    day=pd.Series(SHUFFLED_DAYS))
    assert report["status"] == CONTRADICTED


def test_half_a_cent_of_rounding_keeps_the_chain():
    balances = _chain(CHAIN_AMOUNTS, ORDER)
    amounts = list(CHAIN_AMOUNTS)
    amounts[4] = amounts[4] + 0.004  # a written value with more decimals
    assert chain_in_any_order(amounts, balances).status == PROVEN


def test_a_balance_written_twice_proves_nothing_by_a_chain():
    amounts, balances = [5.0, -5.0, 5.0], [105.0, 100.0, 105.0]
    assert chain_in_any_order(amounts, balances).reconciled == 0


def test_a_gap_gives_two_starts_and_proves_nothing_by_a_chain():
    balances = _chain(CHAIN_AMOUNTS, ORDER)
    assert chain_in_any_order(CHAIN_AMOUNTS[:3] + CHAIN_AMOUNTS[4:],
                              balances[:3] + balances[4:]).reconciled == 0


def test_a_loop_apart_from_the_chain_proves_nothing():
    # 1 -> 2 -> 3 a chain; 50 -> 60 -> 50 a loop of two lines (each after the other)
    amounts, balances = [1.0, 1.0, 1.0, 10.0, -10.0], [1.0, 2.0, 3.0, 60.0, 50.0]
    assert chain_in_any_order(amounts, balances).reconciled == 0
