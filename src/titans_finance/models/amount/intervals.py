"""Split-conformal intervals of the amount model: the quantile of calibration residuals."""

from __future__ import annotations

import numpy as np


def conformal_quantile(residuals: np.ndarray, coverage: float, fallback: float = 0.0,
                        minimum: int = 10) -> float:
    """The split-conformal ``coverage`` quantile of absolute residuals: the
    ``ceil((n+1)·coverage)``-th smallest (the largest when that rank exceeds n); ``fallback``
    when there are fewer than ``minimum`` of them. (Not ``np.quantile`` at rank/n: its
    "higher" method reads position (n-1)·rank/n and returned the next rank up.)"""
    n = len(residuals)
    if n < minimum:
        return float(fallback)
    rank = int(np.ceil((n + 1) * coverage))
    return float(np.sort(np.asarray(residuals, dtype="float64"))[min(rank, n) - 1])
