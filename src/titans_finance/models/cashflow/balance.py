"""The balance at the end of an export's last day, from its own running balance column."""

from __future__ import annotations

import numpy as np
import pandas as pd


def closing_balance_from_export(transactions: pd.DataFrame) -> float | None:
    """The balance at the end of the export's last day, read from its running ``balance``
    column (optional: None when the export has none).

    Rows of one day may be in any order in a file, so the day's closing balance is the
    written balance that equals (the day's opening balance + the day's net flow), where the
    opening is any row's balance minus its own amount, equal within half a cent whatever
    the balance (no relative tolerance); rows after the last written balance are added."""
    if "balance" not in transactions or transactions["balance"].isna().all():
        return None
    frame = pd.DataFrame({"date": pd.to_datetime(transactions["date"]).dt.normalize().to_numpy(),
                          "amount": transactions["amount"].to_numpy(dtype="float64"),
                          "balance": pd.to_numeric(transactions["balance"]).to_numpy(
                              dtype="float64")})
    if "account" in transactions and transactions["account"].nunique() > 1:
        # the total is known only when every account's is: an account without a balance
        # column would otherwise count as zero money
        parts = [closing_balance_from_export(part) for _, part in transactions.groupby("account")]
        return None if any(part is None for part in parts) else float(sum(parts))
    known = frame[frame["balance"].notna()]
    day = known["date"].max()
    rows = frame[frame["date"] == day]
    written = rows[rows["balance"].notna()]
    openings = written["balance"] - written["amount"]
    closing_candidates = openings + rows["amount"].sum()
    matches = written["balance"][np.isclose(written["balance"].to_numpy()[:, None],
                                            closing_candidates.to_numpy()[None, :],
                                            rtol=0, atol=0.005).any(axis=1)]
    closing = float(matches.iloc[0]) if len(matches) else float(written["balance"].iloc[-1])
    return closing + float(frame.loc[frame["date"] > day, "amount"].sum())
