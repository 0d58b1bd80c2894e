"""A CSV dataset that may be absent: loads an empty frame with the expected columns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from kedro.io import AbstractDataset, DatasetError


class OptionalCSVDataset(AbstractDataset[None, pd.DataFrame]):
    """Read-only CSV that is optional, e.g. the generator's ground truth of anomalies.

    A user's own export has no ground truth: then ``load`` returns an empty
    frame with ``columns``, and the consumer reports that no supervised
    evaluation was possible.
    """

    def __init__(self, filepath: str, columns: list[str] | None = None,
                 load_args: dict[str, Any] | None = None, metadata: dict[str, Any] | None = None):
        self._filepath = Path(filepath)
        self._columns = list(columns or [])
        self._load_args = dict(load_args or {})
        self.metadata = metadata

    def load(self) -> pd.DataFrame:
        if not self._filepath.is_file():
            return pd.DataFrame({c: pd.Series(dtype="object") for c in self._columns})
        frame = pd.read_csv(self._filepath, **self._load_args)
        missing = [c for c in self._columns if c not in frame.columns]
        if missing:
            raise DatasetError(f"{self._filepath}: missing column(s) {missing}")
        return frame

    def save(self, data: pd.DataFrame) -> None:
        raise DatasetError(f"{self._filepath}: read-only dataset")

    def _exists(self) -> bool:
        return self._filepath.is_file()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "columns": self._columns}
