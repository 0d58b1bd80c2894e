"""Which export and run a view describes, and whether its inputs all come from that run.

The data-quality report names the export (its files, the fingerprint of its rows as read,
when it was read) and stamps the clean table it made; every model's metrics carry the stamp
of the clean table they were computed from (`core.fingerprint.computed_from`). The report
and the app show the first and warn when a stamp differs from the clean table they show.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

import pandas as pd

from titans_finance.core.fingerprint import mixed_inputs
from titans_finance.reporting.scorecards import MODEL_NAMES


class MixedRunsError(ValueError):
    """Tables that must describe the clean table's rows describe other rows."""


def require_rows_of(clean: pd.DataFrame, tables: dict[str, pd.DataFrame],
                    provenance: list[str]) -> None:
    """Raise `MixedRunsError` naming every table (name → table with ``transaction_id``)
    whose transactions are not the clean table's: a view cannot show one export's
    transactions with another's features or scores (it would mislabel them or fail on a
    length mismatch). ``provenance``: the lines that say which export the clean table is."""
    ids = pd.Index(clean["transaction_id"])
    stale = [f"{name} ({len(table):,} rows)" for name, table in tables.items()
             if len(table) != len(ids) or "transaction_id" not in table
             or not pd.Index(table["transaction_id"]).sort_values().equals(ids.sort_values())]
    if stale:
        raise MixedRunsError(
            f"the inputs come from different runs: {', '.join(stale)} do not describe the "
            f"{len(ids):,} rows of the clean table. {provenance[0]} Run every pipeline on one "
            "export (kedro run; --params raw_path=... for another file).")


def provenance_lines(data_quality: dict[str, Any], clean_hash: str,
                     metrics: dict[str, dict[str, Any]], what: str = "this report"
                     ) -> list[str]:
    """What the report describes — the export (file, fingerprint of its rows as read, rows,
    when it was read) and the clean table's fingerprint — and a warning naming every model
    whose figures were computed from other data (another export, or an older run)."""
    source = data_quality.get("source") or {}
    files = source.get("files") or [source]
    names = ", ".join(str(f.get("file") or PurePath(str(f.get("path", "?"))).name)
                      for f in files) or "?"
    stamp = data_quality.get("computed_from") or {}
    fingerprint = data_quality.get("export_fingerprint") or "not recorded"
    lines = [f"Export: {names} (fingerprint {fingerprint}, "
             f"{data_quality.get('rows_read', 0):,} rows)"
             + (f" read at {stamp['at']}" if stamp.get("at") else "") + "; "
             f"clean table fingerprint {clean_hash}."]
    mixed = mixed_inputs(clean_hash, {
        "the data-quality report": data_quality,
        **{f"the {MODEL_NAMES.get(name, name)} model": values
           for name, values in metrics.items()}})
    if mixed:
        lines.append(f"Warning: {what} mixes runs. Not computed from the clean table above: "
                     + "; ".join(mixed) + ". Run every pipeline on one export (kedro run; "
                     "--params raw_path=... for another file) before trusting these figures.")
    return lines
