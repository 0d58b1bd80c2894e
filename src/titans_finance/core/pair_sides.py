"""The side of an unsigned amount told by a money-in / money-out pair beside it.

Some card and bank exports write every line's amount unsigned in one column and repeat it
in a ``Debit`` or a ``Credit`` column (UBS's card statement: ``Amount`` 16.3 and ``Debit``
16.3, a transfer's 600.0 under ``Credit``). The pair is then the side of the amount: read by
the amount column alone, every charge would be money in. Values decide, not the headers:
the pair tells the side only when, on every line where one of its two columns is written,
exactly one is, and it holds the amount to the cent. A line where neither is written has no
side in such a file (a card payment not yet booked): it is not guessed, the normaliser sets
it aside. Plain module (no Kedro): `core.export_rows` calls it per file.
"""

from __future__ import annotations

import pandas as pd

from titans_finance.core.readers.reconcile import CENT_TOLERANCE


def sides_from_pair(value: pd.Series, money_in: pd.Series, money_out: pd.Series
                    ) -> pd.Series | None:
    """Per line +1 (the pair's money-in column repeats the amount), -1 (money out) or NaN
    (neither written); None when the pair is not the side of ``value`` (no line where it
    is written, or one where both are, or one whose figure is not the amount)."""
    written_in = money_in.notna() & (money_in != 0)
    written_out = money_out.notna() & (money_out != 0)
    sided = written_in | written_out
    if not sided.any() or (written_in & written_out).any():
        return None
    repeated = money_in.where(written_in, money_out).abs()
    if value[sided].isna().any() or not (
            (repeated[sided] - value[sided].abs()).abs() < CENT_TOLERANCE).all():
        return None
    sides = pd.Series(float("nan"), index=value.index)
    sides[written_in] = 1.0
    sides[written_out] = -1.0
    return sides
