"""Category corrections made by users: the file format, safe appends, and applying them.

A correction names a transaction — by its export ``reference``, or by ``date`` +
``description`` + ``amount`` when it has none — and the category it should have.
The service appends corrections (``POST /feedback``); the category pipeline reads
the file and lets corrections override the export's labels (the latest correction
of a transaction wins). Corrections that match nothing stay in the file: they may
match a later export.
"""

from __future__ import annotations

import csv
import datetime as dt
import fcntl
import io
import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

CORRECTION_COLUMNS = ["reference", "date", "description", "amount", "category",
                      "predicted_category", "submitted_at"]
_CATEGORY = re.compile(r"[a-z0-9]+(_[a-z0-9]+)*")


class CorrectionsFileError(ValueError):
    """The corrections file cannot be appended to or read as a whole."""


def _description_key(description: pd.Series) -> pd.Series:
    return description.fillna("").astype("str").str.casefold().str.split().str.join(" ")


def _amount_key(amount: pd.Series) -> pd.Series:
    return pd.to_numeric(amount, errors="coerce").abs().round(2)


def validate_corrections(corrections: pd.DataFrame) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Usable corrections (with their ``line`` in the file) and one error per unusable line."""
    frame = corrections.reindex(columns=CORRECTION_COLUMNS).astype("object").reset_index(drop=True)
    frame = frame.where(frame.notna(), "").astype("str").apply(lambda c: c.str.strip())
    frame["line"] = np.arange(len(frame)) + 2  # line 1 is the header
    date = pd.to_datetime(frame["date"], format="%Y-%m-%d", errors="coerce")
    amount = pd.to_numeric(frame["amount"], errors="coerce")
    errors: list[dict[str, Any]] = []
    valid = np.ones(len(frame), dtype=bool)
    for i, row in frame.iterrows():
        problem = None
        if not _CATEGORY.fullmatch(row["category"]):
            problem = f"category: must be snake_case, got {row['category']!r}"
        elif not row["reference"] and not (row["date"] and row["description"] and row["amount"]):
            problem = "either reference, or date + description + amount, is required"
        elif not row["reference"] and pd.isna(date[i]):
            problem = f"date: expected YYYY-MM-DD, got {row['date']!r}"
        elif not row["reference"] and not np.isfinite(amount[i]):
            problem = f"amount: not a number: {row['amount']!r}"
        if problem:
            valid[i] = False
            errors.append({"line": int(row["line"]), "error": problem})
    usable = frame[valid].copy()
    usable["date"] = date[valid]
    usable["amount"] = amount[valid]
    return usable.reset_index(drop=True), errors


def apply_corrections(transactions: pd.DataFrame, corrections: pd.DataFrame
                      ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """``transactions`` with corrected categories and a boolean ``corrected`` column, and a summary.

    Each usable correction overrides the category of every transaction it names;
    when several corrections name one transaction, the last line of the file wins.
    """
    usable, errors = validate_corrections(corrections)
    result = transactions.copy()
    result["corrected"] = False
    matched_lines: set[int] = set()
    new_category = pd.Series([None] * len(result), index=result.index, dtype="object")
    if len(usable):
        reference = result["reference"].fillna("").astype("str").str.strip().str.casefold()
        by_reference = usable[usable["reference"] != ""]
        by_content = usable[usable["reference"] == ""]
        targets = []
        if len(by_reference):
            keys = by_reference.assign(key=by_reference["reference"].str.casefold())
            hits = pd.DataFrame({"row": np.arange(len(result)), "key": reference.to_numpy()}).merge(
                keys[["key", "category", "line"]], on="key")
            targets.append(hits[["row", "category", "line"]])
        if len(by_content):
            content = pd.DataFrame({
                "row": np.arange(len(result)),
                "day": pd.to_datetime(result["date"]).dt.normalize().to_numpy(),
                "text": _description_key(result["description"]).to_numpy(),
                "money": _amount_key(result["amount"]).to_numpy()})
            keys = pd.DataFrame({"day": by_content["date"].dt.normalize(),
                                 "text": _description_key(by_content["description"]),
                                 "money": _amount_key(by_content["amount"]),
                                 "category": by_content["category"], "line": by_content["line"]})
            hits = content.merge(keys, on=["day", "text", "money"])
            targets.append(hits[["row", "category", "line"]])
        if targets:
            hits = pd.concat(targets).sort_values("line", kind="stable")
            matched_lines = set(hits["line"].astype(int))
            latest = hits.groupby("row").tail(1)  # the last line of the file wins
            positions = latest["row"].to_numpy()
            new_category.iloc[positions] = latest["category"].to_numpy()
    changed = new_category.notna().to_numpy()
    before = result["category"].to_numpy(dtype="object")
    result.loc[changed, "category"] = new_category[changed].to_numpy()
    result["corrected"] = changed
    relabelled = int((changed & (pd.Series(before).fillna("").to_numpy()
                                 != new_category.fillna("").to_numpy())).sum())
    summary = {
        "lines": int(len(corrections)),
        "usable": int(len(usable)),
        "invalid": errors,
        "matched_lines": len(matched_lines),
        "unmatched_lines": int(len(usable) - len(matched_lines)),
        "transactions_corrected": int(changed.sum()),
        "labels_changed": relabelled,
    }
    return result, summary


def correction_line(record: dict[str, Any]) -> str:
    """One CSV line (with its newline) for a correction record."""
    buffer = io.StringIO()
    row = {**{c: "" for c in CORRECTION_COLUMNS}, **{k: v for k, v in record.items()
                                                      if v is not None}}
    row.setdefault("submitted_at", "")
    if not row["submitted_at"]:
        row["submitted_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    csv.writer(buffer, lineterminator="\n").writerow([row[c] for c in CORRECTION_COLUMNS])
    return buffer.getvalue()


def append_correction(path: str | Path, record: dict[str, Any]) -> None:
    """Append one correction; safe with concurrent writers (threads or processes).

    An exclusive ``flock`` serialises writers, the header is written by whichever
    writer finds the file empty, and each line goes out in one ``write`` on an
    ``O_APPEND`` descriptor followed by ``fsync``: no lost, interleaved or torn lines.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = correction_line(record).encode("utf-8")
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        if size == 0:
            payload = (",".join(CORRECTION_COLUMNS) + "\n").encode() + line
        else:
            header = os.pread(fd, min(size, 4096), 0).split(b"\n", 1)[0].decode(
                "utf-8", "replace").strip()
            if header != ",".join(CORRECTION_COLUMNS):
                raise CorrectionsFileError(
                    f"{path}: unexpected header {header!r}; expected "
                    f"{','.join(CORRECTION_COLUMNS)!r} (move the file away to start a new one)")
            # a hand-edited file may lack its final newline: never glue two lines together
            last = os.pread(fd, 1, size - 1)
            payload = (b"\n" if last != b"\n" else b"") + line
        view = memoryview(payload)
        while view:  # os.write may write less than asked; the lock keeps the rest in order
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
