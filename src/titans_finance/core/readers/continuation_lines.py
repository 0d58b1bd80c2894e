"""Lines that continue the description of the transaction above them.

Banks wrap a long narrative onto extra lines of the table: a line carrying text in the
description column(s) and nothing in any other column (no date, no amount, no balance,
no reference) right under a transaction. Such a line is no transaction of its own; its
text is the end of the description above. It is joined only under a transaction (a line
with a date and an amount that is not quarantined), or under another such line that is
itself joined (two in a row, in order); a text-only line anywhere else (under a summary
or a repeated header, before the first transaction) is left to be quarantined as before.
The number of lines joined goes into the reading report: nothing changes silently.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from titans_finance.core.readers.base import PARSE_ERROR_COLUMN

_AMOUNT_ROLES = ("Amount", "Money In", "Money Out")


def _written(values: pd.Series) -> np.ndarray:
    return (values.fillna("").astype("str").str.strip() != "").to_numpy(dtype=bool)


def continuation_anchors(frame: pd.DataFrame, roles: dict[str, list[str]],
                         errors: pd.Series) -> np.ndarray:
    """For each row, the position of the transaction whose description it continues, or -1.

    ``frame``: the rows with every column as read; ``roles``: role -> columns;
    ``errors``: the quarantine reason found so far for each row ("" for none).
    """
    n = len(frame)
    anchors = np.full(n, -1, dtype=np.int64)
    text_columns = roles.get("Description", [])
    date_columns = roles.get("Date", [])
    amount_columns = [c for r in _AMOUNT_ROLES for c in roles.get(r, [])]
    if not n or not text_columns or not date_columns or not amount_columns:
        return anchors
    columns = [c for c in frame.columns if c != PARSE_ERROR_COLUMN]
    clean = (errors.reset_index(drop=True) == "").to_numpy(dtype=bool)
    others = [c for c in columns if c not in text_columns]
    has_text = np.logical_or.reduce([_written(frame[c]) for c in text_columns])
    nothing_else = ~np.logical_or.reduce([_written(frame[c]) for c in others]) if others \
        else np.ones(n, dtype=bool)
    candidate = clean & has_text & nothing_else
    if not candidate.any():
        return anchors
    dated = frame[date_columns[0]].fillna("").astype("str").str.contains(
        r"\d", regex=True).to_numpy(dtype=bool)
    with_amount = np.logical_or.reduce([_written(frame[c]) for c in amount_columns])
    transaction = clean & dated & with_amount & ~candidate
    anchor = -1
    for row in range(n):
        if candidate[row]:
            anchors[row] = anchor
        else:
            anchor = row if transaction[row] else -1
    return anchors


def join_continuations(out: dict[str, pd.Series], anchors: np.ndarray
                       ) -> tuple[dict[str, pd.Series], np.ndarray]:
    """``out`` (role -> values, one per row) with each continuation line's description
    appended, in order, to its transaction's and the line itself removed; plus the rows
    kept (a boolean mask over the rows given)."""
    joined = anchors >= 0
    if not joined.any():
        return out, np.ones(len(anchors), dtype=bool)
    description = out["Description"].fillna("").astype("str").reset_index(drop=True).copy()
    values = description.to_numpy(dtype=object)
    for row in np.flatnonzero(joined):
        anchor, part = int(anchors[row]), str(values[row]).strip()
        head = str(values[anchor]).rstrip()
        values[anchor] = f"{head} {part}" if head else part
    kept = ~joined
    result = {}
    for role, series in out.items():
        series = series.reset_index(drop=True)
        if role == "Description":
            series = pd.Series(values, dtype="str")
        result[role] = series[kept].reset_index(drop=True)
    return result, kept
