"""A line at the end of a table that undoes one line above it is that line's pair, no total.

Fidelity's brokerage history ends with a dividend (+2389.28) under its reinvestment
(−2389.28) and three buys and three sells of a fund exchange that cancel to the cent: the net
of the lines above is −2389.28, so the dividend repeats a total (`csv_rows.repeated_totals`),
and was set aside as a summary line. But a net that one line of the sum makes alone (the
others cancel out) is that line's own amount, and a line that is its exact opposite undoes it:
a dividend and its reinvestment, a payment and its reversal, a refund. Such a pair is two
movements; a total has no reason to mirror one of the lines it sums. Plain module.
"""

from __future__ import annotations

import numpy as np


def undoes_one_row(above: np.ndarray, amount: float, tolerance: float) -> bool:
    """Whether ``amount`` is, to within ``tolerance``, the opposite of one of the amounts
    ``above`` (NaN where none) whose own amount is the net of them all (the rest cancel)."""
    written = above[~np.isnan(above)]
    if np.isnan(amount) or not len(written):
        return False
    mirrored = np.abs(written + amount) <= tolerance
    return bool(mirrored.any() and abs(written.sum() + amount) <= tolerance)
