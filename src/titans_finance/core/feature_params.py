"""The feature parameters, the constants and the row order every part of the features
shares (core/features.py and the modules it is built from: feature_text, feature_rows,
history_state, history_lookup)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EPOCH = np.datetime64("1970-01-01", "D")
NO_HISTORY_DAYS = 9999.0  # "never seen": days since a previous transaction that does not exist
MISSING_KEY = "__none__"
DEFAULT_ACCOUNT = "default"  # the clean table's account when an export names none
# joins account and merchant/category into one history key; a control character no
# account name or merchant key contains (both are cleaned text)
ACCOUNT_SEPARATOR = "\x1f"


@dataclass(frozen=True)
class FeatureParams:
    windows: tuple[int, ...] = (7, 30, 90)
    recurring_min_count: int = 3
    recurring_gap_range: tuple[float, float] = (25.0, 35.0)
    recurring_gap_std_max: float = 4.0
    recurring_amount_cv_max: float = 0.1

    @property
    def max_window_days(self) -> int:
        return int(max(self.windows))

    @classmethod
    def from_any(cls, params: FeatureParams | dict | None) -> FeatureParams:
        if params is None:
            return cls()
        if isinstance(params, cls):
            return params
        known = {k: v for k, v in dict(params).items() if k in cls.__dataclass_fields__}
        for key in ("windows", "recurring_gap_range"):
            if key in known:
                known[key] = tuple(known[key])
        unknown = set(params) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown feature parameter(s): {', '.join(sorted(unknown))}")
        result = cls(**known)
        if not result.windows or min(result.windows) < 1:
            raise ValueError(f"features.windows must be positive day counts, got {result.windows}")
        return result




def _chronological_order(day: np.ndarray, source_row: np.ndarray) -> np.ndarray:
    return np.lexsort((np.arange(len(day)), source_row, day))
