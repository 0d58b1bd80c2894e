"""Category corrections made by users: the file format, safe appends, and applying them.

A correction names a transaction — by its export ``reference`` with its ``date`` and
``amount``, or by ``date`` + ``description`` + ``amount`` — and the category it should have.
A line with a reference alone (written by hand) names every transaction with that reference.
The service appends corrections (``POST /feedback``); the category pipeline reads
the file and lets corrections override the export's labels (the latest correction
of a transaction wins). Corrections that match nothing stay in the file: they may
match a later export.

The file is meant to be opened in a spreadsheet: a text cell that a spreadsheet would run
as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is
written with a leading ``'`` and read back without it (`neutralise_formula` /
`restore_formula`, exact round trip). Each line records who sent it (``submitted_by``:
the service's non-secret key id); `corrections_by_key` and `remove_corrections_by` let an
operator review and revert one key's corrections (``titans-finance corrections``).
"""

from __future__ import annotations

import csv
import datetime as dt
import fcntl
import io
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

CORRECTION_COLUMNS = ["reference", "date", "description", "amount", "category",
                      "predicted_category", "submitted_at", "submitted_by"]
# the header written before corrections recorded who sent them (upgraded on first append)
_LEGACY_COLUMNS = CORRECTION_COLUMNS[:-1]
_CATEGORY = re.compile(r"[a-z0-9]+(_[a-z0-9]+)*")
# first characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_TEXT_COLUMNS = ("reference", "description", "category", "predicted_category", "submitted_by")
_BOM = "\ufeff"


class CorrectionsFileError(ValueError):
    """The corrections file cannot be appended to or read as a whole."""


class CorrectionsCapReached(CorrectionsFileError):
    """One key already has as many corrections in the file as it may."""


def neutralise_formula(text: str) -> str:
    """``text`` as a spreadsheet shows it literally: a leading ``'`` before a formula
    trigger (and before a leading ``'`` that would otherwise be taken for ours)."""
    if text.startswith(FORMULA_TRIGGERS) or (text.startswith("'") and
                                              text[1:].startswith((*FORMULA_TRIGGERS, "'"))):
        return "'" + text
    return text


def restore_formula(text: str) -> str:
    """Inverse of `neutralise_formula` (``restore_formula(neutralise_formula(t)) == t``)."""
    if text.startswith("'") and text[1:].startswith((*FORMULA_TRIGGERS, "'")):
        return text[1:]
    return text


def _description_key(description: pd.Series) -> pd.Series:
    return description.fillna("").astype("str").str.casefold().str.split().str.join(" ")


def _amount_key(amount: pd.Series) -> pd.Series:
    return pd.to_numeric(amount, errors="coerce").abs().round(2)


def validate_corrections(corrections: pd.DataFrame) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Usable corrections (with their ``line`` in the file) and one error per unusable line."""
    # a spreadsheet may have saved the file with a byte-order mark before the first header
    corrections = corrections.rename(columns=lambda c: str(c).lstrip(_BOM).strip())
    frame = corrections.reindex(columns=CORRECTION_COLUMNS).astype("object").reset_index(drop=True)
    frame = frame.where(frame.notna(), "").astype("str").apply(lambda c: c.str.strip())
    for column in _TEXT_COLUMNS:
        frame[column] = frame[column].map(restore_formula)
    frame["line"] = np.arange(len(frame)) + 2  # line 1 is the header
    date = pd.to_datetime(frame["date"], format="%Y-%m-%d", errors="coerce")
    amount = pd.to_numeric(frame["amount"], errors="coerce")
    errors: list[dict[str, Any]] = []
    valid = np.ones(len(frame), dtype=bool)
    for i, row in frame.iterrows():
        problem = None
        if any("\x00" in str(value) for value in row.to_numpy()):
            problem = "contains a NUL byte (the line was damaged); retype it"
        elif not _CATEGORY.fullmatch(row["category"]):
            problem = f"category: must be snake_case, got {row['category']!r}"
        elif not row["reference"] and not (row["date"] and row["description"] and row["amount"]):
            problem = "either reference, or date + description + amount, is required"
        elif row["date"] and pd.isna(date[i]):  # with a reference too: never widened
            problem = f"date: expected YYYY-MM-DD, got {row['date']!r}"
        elif row["amount"] and not np.isfinite(amount[i]):
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
            # a reference with a date and an amount names one transaction (many exports
            # repeat the payee's reference on every line of a merchant); alone, every
            # transaction with that reference (a line an operator wrote by hand)
            keys = by_reference.assign(key=by_reference["reference"].str.casefold(),
                                       want_day=by_reference["date"].dt.normalize(),
                                       want_money=_amount_key(by_reference["amount"]))
            rows = pd.DataFrame({"row": np.arange(len(result)), "key": reference.to_numpy(),
                                 "day": pd.to_datetime(result["date"]).dt.normalize().to_numpy(),
                                 "money": _amount_key(result["amount"]).to_numpy()})
            hits = rows.merge(keys[["key", "category", "line", "want_day", "want_money"]],
                              on="key")
            hits = hits[(hits["want_day"].isna() | (hits["want_day"] == hits["day"]))
                        & (hits["want_money"].isna() | (hits["want_money"] == hits["money"]))]
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
    """One CSV line (with its newline) for a correction record; text is `neutralise_formula`-d.
    A NUL byte is refused (a CSV reader would silently cut the field there)."""
    return csv_line(record, CORRECTION_COLUMNS, _TEXT_COLUMNS)


def csv_line(record: dict[str, Any], columns: list[str], text_columns: tuple[str, ...]) -> str:
    """One CSV line of ``columns`` (missing: empty; ``submitted_at``: now when absent), each
    of ``text_columns`` `neutralise_formula`-d; a NUL byte is refused."""
    buffer = io.StringIO()
    row = {**{c: "" for c in columns}, **{k: v for k, v in record.items()
                                           if v is not None and k in columns}}
    if "submitted_at" in row and not row["submitted_at"]:
        row["submitted_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    for column in text_columns:
        text = str(row[column])
        if "\x00" in text:
            raise ValueError(f"{column}: contains a NUL byte")
        row[column] = neutralise_formula(text)
    csv.writer(buffer, lineterminator="\n").writerow([row[c] for c in columns])
    return buffer.getvalue()


def _header_of(content: bytes) -> str:
    return content.split(b"\n", 1)[0].decode("utf-8", "replace").lstrip(_BOM).strip()


def _count_by(content: bytes, key_id: str) -> int:
    rows = csv.reader(io.StringIO(content.decode("utf-8", "replace").lstrip(_BOM)))
    header = next(rows, [])
    if "submitted_by" not in header:
        return 0
    at = header.index("submitted_by")
    return sum(1 for row in rows if len(row) > at and row[at] == key_id)


class LockedFile:
    """A CSV file of ``columns`` opened for appending under an exclusive ``flock`` (threads
    and processes); the header is checked, written when the file is empty, and upgraded (a
    copy kept as ``.bak``) when it is the ``legacy`` header (the corrections file's from
    before ``submitted_by``)."""

    def __init__(self, path: str | Path, columns: list[str] = CORRECTION_COLUMNS,
                 legacy: list[str] | None = _LEGACY_COLUMNS):
        self.path = Path(path)
        self.header = ",".join(columns)
        self.legacy = ",".join(legacy) if legacy else None

    def __enter__(self) -> LockedFile:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            self.content = self._read()
            header = _header_of(self.content)
            if not self.content:
                self._write((self.header + "\n").encode())
            elif self.legacy is not None and header == self.legacy:
                self._upgrade()
            elif header != self.header:
                raise CorrectionsFileError(
                    f"{self.path}: unexpected header {header[:200]!r}; expected "
                    f"{self.header!r} (move the file away to start a new one)")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _read(self) -> bytes:
        size = os.fstat(self.fd).st_size
        return os.pread(self.fd, size, 0) if size else b""

    def _write(self, payload: bytes) -> None:
        view = memoryview(payload)
        while view:  # os.write may write less than asked; the lock keeps the rest in order
            view = view[os.write(self.fd, view):]
        os.fsync(self.fd)
        self.content = self._read()

    def replace_content(self, content: bytes) -> None:
        """Rewrite the whole file in place (same inode: other writers wait on our lock),
        after saving the current content as ``<name>.bak``."""
        backup = self.path.with_name(self.path.name + ".bak")
        backup.write_bytes(self.content)
        os.ftruncate(self.fd, 0)
        self._write(content)

    def _upgrade(self) -> None:
        text = self.content.decode("utf-8", "replace").lstrip(_BOM)
        body = text.split("\n", 1)[1] if "\n" in text else ""
        if body and not body.endswith("\n"):
            body += "\n"
        self.replace_content((self.header + "\n" + body).encode())

    def rows(self) -> list[list[str]]:
        """The file's lines as CSV rows (the header first)."""
        return list(csv.reader(io.StringIO(self.content.decode("utf-8").lstrip(_BOM))))

    def replace_rows(self, rows: list[list[str]]) -> None:
        """Rewrite the file as ``rows`` (the header first; the previous file kept as
        ``<name>.bak``)."""
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        self.replace_content(buffer.getvalue().encode("utf-8"))

    def remove(self, which: Callable[[list[list[str]]], list[int]]) -> int:
        """Remove the data rows at the positions ``which(rows)`` gives (the previous file
        kept as ``<name>.bak`` when any is removed); how many were removed."""
        rows = self.rows()
        drop = set(which(rows[1:]))
        if drop:
            self.replace_rows([rows[0], *(row for i, row in enumerate(rows[1:])
                                          if i not in drop)])
        return len(drop)

    def append(self, line: bytes) -> None:
        # a hand-edited file may lack its final newline: never glue two lines together
        self._write((b"" if self.content.endswith(b"\n") else b"\n") + line)

    def __exit__(self, *exc) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def append_correction(path: str | Path, record: dict[str, Any],
                      max_per_key: int | None = None) -> None:
    """Append one correction; safe with concurrent writers (threads or processes).

    An exclusive ``flock`` serialises writers, the header is written by whichever writer
    finds the file empty, and each line goes out in one ``write`` on an ``O_APPEND``
    descriptor followed by ``fsync``: no lost, interleaved or torn lines. With
    ``max_per_key``, a record whose ``submitted_by`` already has that many lines in the
    file is refused (`CorrectionsCapReached`).
    """
    line = correction_line(record).encode("utf-8")
    with LockedFile(path) as corrections:
        who = record.get("submitted_by") or ""
        if max_per_key is not None and who and _count_by(corrections.content, who) >= max_per_key:
            raise CorrectionsCapReached(
                f"this key already has {max_per_key} corrections on file, the most one key "
                "may send; an operator can review them (`titans-finance corrections list`)")
        corrections.append(line)


def corrections_by_key(path: str | Path) -> pd.DataFrame:
    """One row per ``submitted_by`` (empty: written by hand or before keys were recorded):
    number of corrections, first and last ``submitted_at``."""
    frame = pd.read_csv(path, dtype="str", keep_default_na=False, encoding="utf-8-sig")
    frame = frame.reindex(columns=CORRECTION_COLUMNS).fillna("")
    return (frame.groupby("submitted_by").agg(corrections=("category", "size"),
                                              first=("submitted_at", "min"),
                                              last=("submitted_at", "max"))
            .reset_index().sort_values("corrections", ascending=False, kind="stable"))


def remove_corrections_by(path: str | Path, key_id: str) -> int:
    """Remove every correction ``key_id`` sent (the previous file is kept as ``.bak``);
    returns how many lines were removed. Holds the same lock as `append_correction`."""
    if not key_id:
        raise ValueError("name the key id whose corrections to remove")
    at = CORRECTION_COLUMNS.index("submitted_by")
    with LockedFile(path) as corrections:
        return corrections.remove(lambda rows: [i for i, row in enumerate(rows)
                                                if len(row) > at and row[at] == key_id])


def remove_correction(path: str | Path, record: dict[str, Any]) -> int:
    """Remove the last line that is exactly ``record`` as `append_correction` wrote it
    (its ``submitted_at`` included): 1, or 0 when no line is."""
    wanted = next(csv.reader(io.StringIO(correction_line(record))))
    with LockedFile(path) as corrections:
        return corrections.remove(lambda rows: [i for i, row in enumerate(rows)
                                                if row == wanted][-1:])
