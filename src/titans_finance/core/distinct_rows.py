"""The distinct rows of a few key columns, so a row-wise computation runs once per distinct
combination and its results are spread back to every row.

Rows of a real export repeat: a batch of 1,000 bank lines names ~100 distinct (payee,
category) pairs and ~300 distinct lines of text. A computation whose answer for a row
depends on that row's keys alone (each step row by row: no statistic over the batch)
gives every row of a combination the same values to the bit, so computing it on the
first row of each combination and taking the results back (`DistinctRows.spread`) is
the same answer for less work.

Keys are compared exactly as given: texts by equality (only ``str`` values: ``None``
and NaN are spelt differently by the pandas steps that read them, so columns holding
anything else are not grouped, `distinct_rows` answers None), numbers by their bits
(``-0.0`` is not ``0.0``, each NaN payload its own).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class DistinctRows:
    """``first``: the position of each distinct combination's first row (ascending);
    ``inverse``: each row's combination (an index into ``first``)."""

    first: np.ndarray
    inverse: np.ndarray

    def __len__(self) -> int:
        return len(self.first)

    @property
    def repeated(self) -> bool:
        """Whether any combination has more than one row (else grouping saves nothing)."""
        return len(self.first) < len(self.inverse)

    def take(self, values: Any) -> Any:
        """``values`` at the first row of each combination (an array, or a frame's rows)."""
        if isinstance(values, pd.DataFrame | pd.Series):
            return values.iloc[self.first]
        return np.asarray(values)[self.first]

    def spread(self, values: np.ndarray) -> np.ndarray:
        """Per-combination ``values`` (first axis) back to every row."""
        return values[self.inverse]


def _codes(values: Any) -> np.ndarray | None:
    """Each value's code (equal codes: equal values, as `distinct_rows` compares them)."""
    array = np.asarray(values)
    if array.ndim != 1:
        return None
    if array.dtype.kind in "US":  # numpy strings: every value a str (or bytes)
        return pd.factorize(array)[0]
    if array.dtype.kind == "f":  # by their bits: 0.0 and -0.0, NaNs kept apart
        bits = np.ascontiguousarray(array).view(f"i{array.dtype.itemsize}")
        return pd.factorize(bits)[0]
    if array.dtype.kind in "iub":
        return pd.factorize(array)[0]
    if array.dtype.kind == "O" and pd.api.types.infer_dtype(array, skipna=False) in (
            "string", "empty"):
        return pd.factorize(array)[0]  # every value a str (one C pass decides it)
    return None


def distinct_rows(*columns: Any) -> DistinctRows | None:
    """The distinct combinations of ``columns`` (equal lengths), in order of first
    appearance; None when a column holds values other than texts and numbers (see the
    module docstring)."""
    combined: np.ndarray | None = None
    for column in columns:
        codes = _codes(column)
        if codes is None:
            return None
        if combined is None:
            combined = codes.astype(np.int64)
        else:  # pairs of codes renumbered at each step: never past the number of rows
            combined = pd.factorize(combined * (int(codes.max(initial=0)) + 1) + codes)[0]
    if combined is None:
        raise ValueError("distinct_rows needs at least one column")
    count = int(combined.max(initial=-1)) + 1
    first = np.full(count, len(combined), dtype=np.int64)
    np.minimum.at(first, combined, np.arange(len(combined), dtype=np.int64))
    return DistinctRows(first=first, inverse=combined.astype(np.intp, copy=False))
