"""Lines a running balance proves moved no money (a card payment reverted before it settled,
a pending line the export lists among the booked ones).

An app export writes a balance after every settled line and none after a line that did not
(yet) move money (Revolut's ``REVERTED`` and ``PENDING`` lines, in the table between settled
ones). Whether such a line counts is read from the balances around it, not from its status
word: when the balance after the next settled line is, to the cent, the balance before the
gap moved by that line's amount alone, and not by it plus the gap's amounts, the gap's lines
are not in the account's money. Only a gap the balance closes on both sides is judged (a
pending line after the last balance is not), and only the whole gap: when the balance moves
by neither reading (part of the gap settled) nothing is decided. Vectorised: each gap is one
pair of cumulative sums. Plain module (no Kedro): `core.export_rows` sets such lines aside.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from titans_finance.core.readers.reconcile import CENT_TOLERANCE, chain_fit


def _gap_edges(balanced: np.ndarray, group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(before, after): the balanced lines that close each gap of unbalanced lines, in one
    account."""
    positions = np.flatnonzero(balanced)
    before, after = positions[:-1], positions[1:]
    gap = (after - before > 1) & (group[before] == group[after])
    return before[gap], after[gap]


def lines_the_balance_leaves_out(amount: pd.Series, balance: pd.Series,
                                 group: pd.Series | None = None) -> pd.Series:
    """True on the lines without a balance whose amounts the balance chain around them does
    not carry while it carries the lines beside them (see the module docstring). ``group``:
    each line's chain (account, currency), lines of one chain in file order."""
    index = amount.index
    a = np.asarray(amount, dtype="float64")
    b = np.asarray(balance, dtype="float64")
    g = (np.zeros(len(a), dtype="int64") if group is None
         else pd.factorize(pd.Series(np.asarray(group)).fillna(""))[0])
    order = np.argsort(g, kind="stable")  # each chain's lines together, in file order
    a, b, g = a[order], b[order], g[order]
    balanced = ~np.isnan(b) & ~np.isnan(a)
    fit = chain_fit(a, b, g)
    before, after = _gap_edges(balanced, g)
    if fit.steps == 0 or not len(before):
        return pd.Series(False, index=index)
    csum = np.concatenate([[0.0], np.cumsum(np.nan_to_num(a))])
    gap_sum = csum[after] - csum[before + 1]  # the amounts of before+1 .. after-1
    # every gap line has an amount (lines between two of one chain are of that chain)
    unread = np.concatenate([[0], np.cumsum(np.isnan(a))])
    whole = (unread[after] - unread[before + 1]) == 0
    if fit.order == "newest first":  # balance of a line = the older one's + its amount
        moved, own = b[before] - b[after], a[before]
    else:
        moved, own = b[after] - b[before], a[after]
    left_out = (whole & (np.abs(moved - own) < CENT_TOLERANCE)
                & (np.abs(moved - own - gap_sum) >= CENT_TOLERANCE))
    marks = np.zeros(len(a) + 1, dtype="int64")
    np.add.at(marks, before[left_out] + 1, 1)
    np.add.at(marks, after[left_out], -1)
    out = np.cumsum(marks[:-1]) > 0
    result = np.zeros(len(a), dtype=bool)
    result[order] = out
    return pd.Series(result, index=index)
