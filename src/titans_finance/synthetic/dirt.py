"""Dirty rows of the generated export: typos in enum values, other date and amount formats,
stray whitespace, missing fields, garbage values. "Recoverable" kinds are repaired by
ingestion; "garbage" ones must end in quarantine."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Dirty kinds and their share of dirty rows. "recoverable" ones are repaired by
# ingestion; "garbage" ones must end in quarantine.
DIRTY_KINDS = {
    "payment_typo": 0.16, "type_typo": 0.10, "amount_format": 0.14, "date_format": 0.14,
    "whitespace": 0.10, "missing_category": 0.06, "missing_payment": 0.05, "garbage": 0.10,
    "exact_duplicate": 0.15,
}


def dirty_rows(export: pd.DataFrame, rng, n_dirty: int) -> pd.DataFrame:
    kinds = np.array(list(DIRTY_KINDS))
    shares = np.array(list(DIRTY_KINDS.values()))
    counts = np.floor(shares / shares.sum() * n_dirty).astype(int)
    counts[0] += n_dirty - counts.sum()
    candidates = rng.permutation(np.flatnonzero(export["_anomaly"].to_numpy() == ""))
    position = 0
    picks = {}
    for kind, count in zip(kinds, counts, strict=True):
        picks[kind] = candidates[position:position + count]
        position += count
    e = export
    rows = picks["payment_typo"]
    typos = np.array(["credit_car", "Credit Card", "paypall", "bank transfer", "CREDIT_CARD", "debit"])
    e.loc[e.index[rows], "Payment Method"] = typos[rng.integers(0, len(typos), len(rows))]
    rows = picks["type_typo"]
    e.loc[e.index[rows], "Type"] = np.where(e.loc[e.index[rows], "Type"] == "Expense",
                                            np.array(["Expence", "expense", "EXPENSE"])[
                                                rng.integers(0, 3, len(rows))], "INCOME")
    rows = picks["amount_format"]
    values = pd.to_numeric(e.loc[e.index[rows], "Amount"])
    style = rng.integers(0, 3, len(rows))
    plain = values.abs().map("{:.2f}".format).astype("str")
    dollars = "$" + values.abs().map("{:,.2f}".format).astype("str")
    negative = (values < 0).to_numpy()
    formatted = np.where(style == 0, np.where(negative, "-", "") + dollars,
                         np.where(style == 1, np.where(negative, "(" + plain + ")", plain),
                                  # style 2: trailing minus, as some accounting exports write it.
                                  # (A dropped sign is no formatting dirt: the sign written in a
                                  # file wins in ingestion, so it would be money in.)
                                  plain + np.where(negative, "-", "")))
    e.loc[e.index[rows], "Amount"] = formatted
    rows = picks["date_format"]
    dates = pd.to_datetime(e.loc[e.index[rows], "Date"])
    style = rng.integers(0, 3, len(rows))
    e.loc[e.index[rows], "Date"] = np.where(style == 0, dates.dt.strftime("%m/%d/%Y"), np.where(
        style == 1, dates.dt.strftime("%Y/%m/%d"), dates.dt.strftime("%d %b %Y")))
    rows = picks["whitespace"]
    e.loc[e.index[rows], "Description"] = "  " + e.loc[e.index[rows], "Description"] + "   "
    e.loc[e.index[rows], "Reference"] = " " + e.loc[e.index[rows], "Reference"]
    rows = picks["missing_category"]
    e.loc[e.index[rows], "Category"] = ""
    rows = picks["missing_payment"]
    e.loc[e.index[rows], "Payment Method"] = ""
    rows = picks["garbage"]
    style = rng.integers(0, 4, len(rows))
    for value, column, kind in (("abc", "Amount", 0), ("2024-13-45", "Date", 1), ("", "Amount", 2),
                                ("", "Date", 3)):
        sel = e.index[rows[style == kind]]
        e.loc[sel, column] = value
    e["_dirty"] = ""
    for kind, rows in picks.items():
        e.loc[e.index[rows], "_dirty"] = kind
    return e
