"""How many of the balance's moves a reading leaves without an amount.

A running balance proves a reading of the amount when the amount carries it from line to
line (`reconcile.chain_fit`). A reading that fills only a few lines is "proven" on the few
steps it fills, and says nothing of the lines it leaves empty: one side of a money in /
money out pair whose other side the readers did not pair with it (the split looked for
among the first four columns of amounts, the balance after five) carries the balance on
the one step where a payment came in, and leaves every payment out without an amount —
the normaliser then quarantines them, and the file's sum is wrong.

The rule: a reading proven on fewer steps than the lines where the balance moves and the
reading has no amount is no proof (`column_roles` then looks on, or stops the file with
the columns it could not tell apart). A line without an amount whose balance is the same
as the line's before and after (a note, a balance line) is no move left out.
"""

from __future__ import annotations

import numpy as np

from titans_finance.core.readers.reconcile import CENT_TOLERANCE


def moves_without_amount(amounts: np.ndarray, balances: np.ndarray) -> int:
    """Lines with no amount whose balance differs from a neighbour's by a cent (in file
    order, so either date order): the moves the reading leaves unexplained."""
    amounts = np.asarray(amounts, dtype="float64")
    balances = np.asarray(balances, dtype="float64")
    # the balance moved by what `reconcile` counts as money (a missing balance never moves;
    # one line has no step)
    step = np.abs(np.diff(balances)) >= CENT_TOLERANCE
    moved = np.zeros(len(balances), dtype=bool)
    moved[1:] |= step
    moved[:-1] |= step
    return int((np.isnan(amounts) & moved).sum())
