"""Content fingerprints: which data a model, a drift reference or a report was built from."""

from __future__ import annotations

import pandas as pd


def data_hash(transactions: pd.DataFrame) -> str:
    """Content hash of a table (row order and values; not the file it was read from)."""
    total = int(pd.util.hash_pandas_object(transactions, index=False).sum()) & (2**64 - 1)
    return f"{total:016x}"
