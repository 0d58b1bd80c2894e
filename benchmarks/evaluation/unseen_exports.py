"""Held-back real exports that the readers were never tuned on: is every transaction's date and
signed amount read right, and when not, does the reading say so?

    TITANS_PUBLIC_DATA=/work/publicdata python -m benchmarks.evaluation.unseen_exports [SET]

Reads ``$TITANS_PUBLIC_DATA/readers_test/files/*`` (or ``SET/files/*``; sources and licences
in ``SOURCES.md`` there) and, for each, ``expected/<file>.csv`` (date,amount in file order),
written from a reading of the file independent of our readers (its ``:61:`` lines,
``<STMTTRN>``, ``<Ntry>``, QIF records, the CSV columns named by its parser project's
configuration, its balances).
Each file runs through the shipped readers and the ingestion pipeline's normalisation, and
lands in exactly one class:

- ``right``: every (date, signed amount) as expected (compared as multisets);
- ``refused``: the file was stopped with a message (acceptable when the message says what to
  declare);
- ``wrong_flagged``: read wrong, but the reading said so (reconciliation contradicted, lines
  quarantined, date order reported ambiguous, signs reported unproven, lines reported without
  a booking date);
- ``wrong_silent``: read wrong without any complaint — the worst case.

The set is scored, never tuned on: a fix is a general rule with its own boundary test, and a
file it repairs moves to the development corpus (``tests/data/exports/``).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

from titans_finance.datasets.raw_export_dataset import read_export_files
from titans_finance.pipelines.ingestion.nodes import normalise_transactions

ROOT = Path(__file__).resolve().parents[2]

RESULT = ROOT / "benchmarks" / "results" / "unseen_exports.json"
CLASSES = ("right", "refused", "wrong_flagged", "wrong_silent")


def _ingestion_parameters() -> dict[str, Any]:
    from kedro.config import OmegaConfigLoader

    loader = OmegaConfigLoader(conf_source=str(ROOT / "conf"), base_env="base",
                               default_run_env="local")
    return loader["parameters"]["ingestion"]


def _pairs(dates: pd.Series, amounts: pd.Series) -> Counter:
    return Counter(zip(dates, [round(float(a), 2) for a in amounts]))


def score_file(path: Path, expected: pd.DataFrame, params: dict[str, Any]) -> dict[str, Any]:
    """The class of one file and what the reading said."""
    theirs = _pairs(expected["date"].astype(str), expected["amount"])
    try:
        raw = read_export_files(str(path), [])
        source = raw.attrs.get("source", {})  # (the normaliser takes the attrs)
        clean, quarantine, fixes = normalise_transactions(raw, params)
    except Exception as error:  # the reader's refusal, whatever its type, is the measure
        return {"class": "refused", "message": f"{type(error).__name__}: {error}"[:400],
                "expected_rows": sum(theirs.values())}
    ours = _pairs(clean["date"].dt.strftime("%Y-%m-%d"), clean["amount"])
    report = fixes.get("files", {}).get(path.name, {})
    reconciliation = report.get("reconciliation", {}).get("status")
    complaints = []
    if reconciliation == "contradicted":
        complaints.append("reconciliation contradicted")
    if len(quarantine):
        reasons = quarantine["reasons"].value_counts().to_dict()
        complaints.append(f"quarantined {reasons}")
    # the normaliser reports the date order per file (the reader's info never holds it)
    if report.get("date_order_ambiguous"):
        complaints.append("date order ambiguous")
    # most lines read as money in and no balance proves the signs (core.movements)
    if report.get("sign_unproven"):
        complaints.append("sign unproven")
    # lines the file gives no booking date (dated by their value date: pending)
    if report.get("lines_without_booking_date"):
        complaints.append(f"{report['lines_without_booking_date']} lines without a booking date")
    # of two date columns, the one the reader took said unsure by the values (readers/date_columns)
    unsure_dates = (source.get("date_columns") or {}).get("unsure")
    if unsure_dates:
        complaints.append("date columns unsure")
    right = ours == theirs
    out = {"class": "right" if right else ("wrong_flagged" if complaints else "wrong_silent"),
           "rows": sum(ours.values()), "expected_rows": sum(theirs.values()),
           "sum": round(sum(a * n for (_, a), n in ours.items()), 2),
           "expected_sum": round(sum(a * n for (_, a), n in theirs.items()), 2),
           "reconciliation": reconciliation, "complaints": complaints}
    if not right:
        out["ours_only"] = [list(k) for k in sorted((ours - theirs).elements())][:5]
        out["expected_only"] = [list(k) for k in sorted((theirs - ours).elements())][:5]
    return out


def main() -> None:
    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    # another held-back set beside readers_test (e.g. ``readers4``) is scored the same way,
    # printed only: benchmarks/results keeps the reference set's latest run
    name = sys.argv[1] if len(sys.argv) > 1 else "readers_test"
    base = Path(os.environ.get("TITANS_PUBLIC_DATA", ROOT / "benchmarks" / "data")) / name
    files = sorted(p for p in (base / "files").glob("*") if p.is_file())
    if not files:
        sys.exit(f"no held-back exports under {base}/files: set TITANS_PUBLIC_DATA")
    params = _ingestion_parameters()
    results = {}
    for path in files:
        expected = pd.read_csv(base / "expected" / f"{path.name}.csv", dtype={"date": str})
        results[path.name] = score_file(path, expected, params)
        r = results[path.name]
        detail = r.get("message") or "; ".join(r.get("complaints", [])) or ""
        print(f"{r['class']:14s} {path.name:42s} {detail[:110]}")
    counts = Counter(r["class"] for r in results.values())
    summary = {c: counts.get(c, 0) for c in CLASSES}
    print(f"\n{len(files)} files: " + ", ".join(f"{c} {n}" for c, n in summary.items()))
    if name != "readers_test":
        return
    RESULT.write_text(json.dumps({
        "command": "TITANS_PUBLIC_DATA=/work/publicdata python -m benchmarks.evaluation.unseen_exports",
        "files": len(files), **summary, "per_file": results}, indent=1, default=str) + "\n")


if __name__ == "__main__":
    main()
