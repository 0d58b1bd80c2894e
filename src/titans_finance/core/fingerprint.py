"""Content fingerprints: which data a model, a drift reference or a report was built from.

Every output a reader sees first (the data-quality report, each model's metrics) carries
the ``computed_from`` stamp of the clean table it was computed from (`computed_from`); the
report and the app compare those stamps with the clean table they show (`mixed_inputs`),
so a ``data/`` folder left with the clean table of one export and the models of another
says so instead of mixing them silently.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd


def data_hash(transactions: pd.DataFrame) -> str:
    """Content hash of a table (row order and values; not the file it was read from)."""
    total = int(pd.util.hash_pandas_object(transactions, index=False).sum()) & (2**64 - 1)
    return f"{total:016x}"


def computed_from(clean_transactions: pd.DataFrame, when: bool = True) -> dict[str, Any]:
    """The stamp of an output: the fingerprint and size of the clean table it was computed
    from, and (``when``) when, in UTC. Outputs that must be a function of their inputs alone
    (the ingestion stage's, which DVC rebuilds byte for byte on a fresh clone) go without
    the time."""
    stamp: dict[str, Any] = {"data_hash": data_hash(clean_transactions),
                             "rows": int(len(clean_transactions))}
    if when:
        stamp["at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return stamp


def mixed_inputs(clean_hash: str, outputs: dict[str, dict[str, Any] | None]) -> list[str]:
    """One sentence per output (name → its metrics or report) that was not computed from the
    clean table of fingerprint ``clean_hash``: another export or another run of it, or an
    output that carries no stamp (written before outputs were stamped). Absent outputs
    (``None`` or empty: not run) are not named."""
    lines = []
    for name, output in outputs.items():
        if not output:
            continue
        stamp = output.get("computed_from") or {}
        if not stamp.get("data_hash"):
            lines.append(f"{name}: says nothing of the data it was computed from (an older run)")
        elif stamp["data_hash"] != clean_hash:
            rows = stamp.get("rows")
            lines.append(f"{name}: computed at {stamp.get('at', '?')} from other data "
                         f"(fingerprint {stamp['data_hash']}"
                         + (f", {rows:,} clean rows)" if rows is not None else ")"))
    return lines
