"""The opening balance of the forecast: the export's closing balance, read from its running
``balance`` column. Hand-made statements with the answer known; rows of one day in any
order, rows after the last written balance, several accounts, a balance column that is
partly or wholly empty."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from titans_finance.models.cashflow import closing_balance_from_export


def _statement(rows: list[tuple[str, float, float | None]], account: str | None = None
               ) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["date", "amount", "balance"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["balance"] = frame["balance"].astype("float64")
    if account is not None:
        frame["account"] = account
    return frame


def test_no_balance_column_or_an_empty_one_means_unknown():
    rows = [("2024-03-01", -10.0, None), ("2024-03-02", 5.0, None)]
    assert closing_balance_from_export(_statement(rows).drop(columns="balance")) is None
    assert closing_balance_from_export(_statement(rows)) is None


def test_the_last_days_closing_balance_whatever_the_order_of_its_rows():
    # opening 100 on 1 March; 2 March: -30 then +50 then -5 (closing 115), written in the
    # file newest first, as many banks do
    rows = [("2024-03-02", -5.0, 115.0), ("2024-03-02", 50.0, 120.0),
            ("2024-03-02", -30.0, 70.0), ("2024-03-01", 0.5, 100.0)]
    assert closing_balance_from_export(_statement(rows)) == pytest.approx(115.0)
    assert closing_balance_from_export(_statement(rows[::-1])) == pytest.approx(115.0)
    shuffled = [rows[1], rows[0], rows[3], rows[2]]
    assert closing_balance_from_export(_statement(shuffled)) == pytest.approx(115.0)


def test_rows_after_the_last_written_balance_are_added():
    rows = [("2024-03-01", -10.0, 90.0), ("2024-03-02", -2.5, None), ("2024-03-03", 40.0, None)]
    assert closing_balance_from_export(_statement(rows)) == pytest.approx(90.0 - 2.5 + 40.0)


def test_balances_that_never_add_up_take_the_last_written_line():
    # written balances inconsistent with the amounts: no closing candidate matches, so the
    # last line as written is taken (never a sum of guesses)
    rows = [("2024-03-02", -1.0, 10.0), ("2024-03-02", -1.0, 50.0)]
    assert closing_balance_from_export(_statement(rows)) == pytest.approx(50.0)
    rows = [("2024-03-02", -1.0, 10.0), ("2024-03-02", -1.0, 50.0), ("2024-03-02", -1.0, 30.0)]
    assert closing_balance_from_export(_statement(rows)) == pytest.approx(30.0)


@pytest.mark.parametrize("base", [0.0, 2_000_000.0])  # the same half cent on any balance
def test_a_match_within_half_a_cent_counts_and_a_cent_does_not(base):
    rows = [("2024-03-02", -10.0, base + 90.004), ("2024-03-02", -5.0, base + 85.0)]
    # opening 100.004 or 90; closing candidates 85.004 and 75: 85.0 is within half a cent
    assert closing_balance_from_export(_statement(rows)) == pytest.approx(base + 85.0)
    # the same, the matching line first: taken because it matches, not for being last
    assert closing_balance_from_export(_statement(rows[::-1])) == pytest.approx(base + 85.0)
    rows = [("2024-03-02", -5.0, base + 85.0), ("2024-03-02", -10.0, base + 90.01)]
    # candidates 75.0 and 85.01: neither written balance is within half a cent of one (85.0
    # is a cent away): the last line wins
    assert closing_balance_from_export(_statement(rows)) == pytest.approx(base + 90.01)


def test_several_accounts_add_up_and_one_unknown_makes_the_total_unknown():
    current = _statement([("2024-03-01", -10.0, 90.0), ("2024-03-02", -5.0, 85.0)], "current")
    savings = _statement([("2024-03-01", 100.0, 1100.0)], "savings")
    both = pd.concat([current, savings], ignore_index=True)
    assert closing_balance_from_export(both) == pytest.approx(85.0 + 1100.0)
    # the savings account's last day is older: it still counts with its own last balance
    assert closing_balance_from_export(both.iloc[::-1]) == pytest.approx(1185.0)
    unknown = both.assign(balance=np.where(both["account"] == "savings", np.nan,
                                           both["balance"]))
    assert closing_balance_from_export(unknown) is None
    # one account only (named): its own balance, as for an export without accounts
    assert closing_balance_from_export(current) == pytest.approx(85.0)
