"""Reviews of flagged anomalies made in the app (``expected`` or ``fraud``), appended to a CSV
beside the category corrections: labels for evaluating the anomaly model on the user's own
data (precision of its flags). Appends are serialised with an exclusive ``flock`` and written
in one ``write`` each, as the corrections file's are; text is written as a spreadsheet shows
it literally (`core.corrections.neutralise_formula`).
"""

from __future__ import annotations

import csv
import datetime as dt
import fcntl
import io
import os
from pathlib import Path
from typing import Any

import pandas as pd

from titans_finance.core.corrections import neutralise_formula, restore_formula

LABEL_COLUMNS = ["transaction_id", "date", "description", "amount", "score", "label",
                 "submitted_at", "submitted_by"]
LABELS = ("expected", "fraud")


def append_anomaly_label(path: str | Path, record: dict[str, Any]) -> None:
    """Append one review (``label`` must be one of `LABELS`)."""
    if record.get("label") not in LABELS:
        raise ValueError(f"label must be one of {', '.join(LABELS)}, got {record.get('label')!r}")
    row = {c: record.get(c, "") for c in LABEL_COLUMNS}
    row["submitted_at"] = row["submitted_at"] or dt.datetime.now(dt.UTC).isoformat(
        timespec="seconds")
    row["description"] = neutralise_formula(str(row["description"]))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([row[c] for c in LABEL_COLUMNS])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        head = os.pread(fd, size, 0) if size else b""
        if not head:
            head = (",".join(LABEL_COLUMNS) + "\n").encode()
            os.write(fd, head)
        elif head.split(b"\n", 1)[0].decode("utf-8", "replace").strip() != ",".join(
                LABEL_COLUMNS):
            raise ValueError(f"{path}: unexpected header; expected {','.join(LABEL_COLUMNS)}")
        prefix = b"" if head.endswith(b"\n") else b"\n"
        os.write(fd, prefix + buffer.getvalue().encode("utf-8"))
        os.fsync(fd)
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def read_anomaly_labels(path: str | Path) -> pd.DataFrame:
    """Every review on file (the latest per transaction wins where one was reviewed twice)."""
    path = Path(path)
    if not path.is_file():
        return pd.DataFrame(columns=LABEL_COLUMNS)
    frame = pd.read_csv(path, dtype="str", keep_default_na=False)
    frame["description"] = frame["description"].map(restore_formula)
    return frame.drop_duplicates("transaction_id", keep="last").reset_index(drop=True)
