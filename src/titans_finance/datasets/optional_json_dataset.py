"""A JSON dataset that may not exist yet: loads ``{}`` until something saves it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kedro.io import AbstractDataset, DatasetError


class OptionalJSONDataset(AbstractDataset[dict, dict]):
    """JSON report written by an on-demand pipeline and read by the default one.

    The drift report exists only after ``kedro run --pipelines monitoring``; the
    report pipeline still runs before that and then shows how to produce it.
    """

    def __init__(self, filepath: str, metadata: dict[str, Any] | None = None):
        self._filepath = Path(filepath)
        self.metadata = metadata

    def load(self) -> dict:
        if not self._filepath.is_file():
            return {}
        try:
            return json.loads(self._filepath.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{self._filepath}: not valid JSON ({exc})") from None

    def save(self, data: dict) -> None:
        self._filepath.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._filepath.with_suffix(self._filepath.suffix + ".tmp")
        temporary.write_text(json.dumps(data, indent=2, default=str, allow_nan=False),
                             encoding="utf-8")
        temporary.replace(self._filepath)  # readers never see a half-written report

    def _exists(self) -> bool:
        return self._filepath.is_file()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath)}
