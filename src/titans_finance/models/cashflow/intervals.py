"""Split-conformal intervals: of each day's net flow, and the band of the running total
(the history's band shape, scaled to the backtest's cumulative errors, never narrowing)."""

from __future__ import annotations

import numpy as np
import pandas as pd

# A class of days (quiet / flow) needs this many earlier errors for its own interval.
MIN_CLASS_ERRORS = 20
# The balance band's floor per √step, as a share of the MASE scale (see `band_floor`).
BAND_FLOOR = 0.25


def rolling_total_quantiles(residual: np.ndarray, steps: int, coverage: float,
                            min_windows: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Quantiles of the total of ``h`` consecutive days of ``residual`` for h = 1..steps,
    over every h-day window of the history: how far the next h days' unforecast flows
    may move the balance. Where the history has fewer than ``min_windows`` windows of
    length h, the last well-measured quantile is scaled by √(h/h₀)."""
    alpha = (1 - coverage) / 2
    low, high = np.zeros(steps), np.zeros(steps)
    n = len(residual)
    if n == 0:
        return low, high
    total = np.concatenate([[0.0], np.cumsum(residual)])
    last = 0
    for h in range(1, steps + 1):
        if n - h + 1 < min_windows and h > 1:
            break
        sums = total[h:] - total[:-h]
        low[h - 1], high[h - 1] = np.quantile(sums, [alpha, 1 - alpha])
        last = h
    if last < steps:
        factor = np.sqrt(np.arange(last + 1, steps + 1) / max(last, 1))
        low[last:], high[last:] = low[last - 1] * factor, high[last - 1] * factor
    # as measured (narrower at whole months when a lumpy flow comes once a month): the
    # calibration (`band_scale`) sizes this shape; the served band is made monotone after
    return np.minimum(low, 0.0), np.maximum(high, 0.0)


def monotone_band(low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each side of a band around a cumulative sum pushed outwards to its widest so far:
    the width never shrinks with the horizon. Applied to the calibrated band
    (`balance_interval`), so it only ever widens it: on 40 Berka accounts, applying it
    to the shape before calibration lowered the balance coverage (mean 0.727 vs 0.753).

    Why: the history's h-day totals narrow at whole months when a lumpy flow comes once a
    month on no fixed day (every 30-day window holds one), but the forecast cannot rely
    on it — the flow may land on either side of the window's edge (none or two in the
    window), and what was uncertain by day 10 is not known better by day 25. The
    cumulative sum of the unforecast flows is random-walk-like: its range grows."""
    return np.minimum.accumulate(low), np.maximum.accumulate(high)


def conformal_bounds(errors: np.ndarray, coverage: float) -> tuple[float, float]:
    """Two-sided split-conformal bounds of signed errors: the ``(1-coverage)/2`` and
    ``(1+coverage)/2`` quantiles with the finite-sample correction (the rank
    ``ceil((n+1)·q)``), so that a new exchangeable error falls in ``[low, high]`` with
    probability at least ``coverage`` (exactly, up to ties). Always ``low <= 0 <= high``:
    the point stays inside its interval."""
    errors = np.sort(np.asarray(errors, dtype="float64"))
    n = len(errors)
    if n == 0:
        return 0.0, 0.0
    alpha = (1 - coverage) / 2
    k_high = int(np.ceil((n + 1) * (1 - alpha)))  # 1-based rank
    k_low = int(np.floor((n + 1) * alpha))
    high = errors[min(k_high, n) - 1]  # a rank past n: the largest error
    low = errors[max(k_low, 1) - 1]  # a rank below 1: the smallest
    return min(float(low), 0.0), max(float(high), 0.0)


def band_floor(errors: pd.DataFrame) -> float:
    """The smallest balance band per √step: ``BAND_FLOOR`` times the MASE scale (the
    typical day-to-day change of the net flow). The history's band is zero on the first
    days of a mostly-zero account (no window of one or two days strays from the typical
    level), while a stream paid a day late already moves the balance; the floor gives
    those steps a shape the conformal scale can stretch."""
    if errors.empty or "scale" not in errors:
        return 0.0
    return BAND_FLOOR * float(np.median(errors["scale"].to_numpy()))


def band_with_floor(low: np.ndarray, high: np.ndarray, step: np.ndarray, floor: float
                    ) -> tuple[np.ndarray, np.ndarray]:
    root = np.sqrt(np.asarray(step, dtype="float64"))
    return np.minimum(low, -floor * root), np.maximum(high, floor * root)


def band_scale(errors: pd.DataFrame, coverage: float) -> float:
    """How many times the history's balance band (``band_low``/``band_high``: what the
    non-stream flows did over windows of the same length) the earlier folds' cumulative
    errors needed: the conformal ``coverage`` quantile of ``cumulative error / band`` (the
    band's side the error falls on) over every (fold, step). The band gives the shape
    (how the uncertainty grows with the horizon, which days are lumpy); this factor
    calibrates its size on forecasts the model really made (streams' timing and amount
    errors included), so that the band covers ``coverage`` of the balance path."""
    if errors.empty or "band_low" not in errors:
        return float("nan")
    column = "expected_error" if "expected_error" in errors else "error"
    cumulative = errors.groupby("fold")[column].cumsum().to_numpy()
    low, high = band_with_floor(errors["band_low"].to_numpy(), errors["band_high"].to_numpy(),
                                errors["step"].to_numpy(), band_floor(errors))
    score = np.where(cumulative < 0, cumulative / low, np.where(cumulative > 0,
                                                              cumulative / high, 0.0))
    n = len(score)
    if n < 10:
        return float("nan")
    rank = int(np.ceil((n + 1) * coverage))
    return float(np.sort(score)[min(rank, n) - 1])


def interval_quantiles(errors: pd.DataFrame, coverage: float) -> dict[str, float]:
    """The chosen candidate's interval widths, from its errors on earlier folds (every
    quantile is split-conformal: `conformal_bounds`).

    Daily (the net flow of one day), separately for *quiet* days (point forecast zero: on
    a mostly-zero account the error is exactly zero on most of them, so their interval is
    often [0, 0] — the day most likely has no flow — and its coverage is at least the
    share of days without flow, above nominal when that share is) and *flow* days (a
    projected stream or a non-zero rest forecast: the stream's amount and timing errors).
    A class with fewer than ``MIN_CLASS_ERRORS`` errors uses the pooled bounds.

    Balance: ``band_scale`` (the history's band scaled to the folds' cumulative errors);
    where the band is zero, the cumulative errors per √step (``cumulative_low/high``)."""
    empty = {"daily_low": 0.0, "daily_high": 0.0, "daily_quiet_low": 0.0,
             "daily_quiet_high": 0.0, "daily_flow_low": 0.0, "daily_flow_high": 0.0,
             "cumulative_low": 0.0, "cumulative_high": 0.0, "band_scale": float("nan"),
             "band_floor": 0.0, "n_errors": 0}
    if errors.empty:
        return empty
    daily = errors["error"].to_numpy()
    quiet = np.isclose(errors["predicted"].to_numpy(), 0.0) if "predicted" in errors else \
        np.ones(len(daily), dtype=bool)
    pooled = conformal_bounds(daily, coverage)
    by_class = {name: (conformal_bounds(daily[mask], coverage)
                       if mask.sum() >= MIN_CLASS_ERRORS else pooled)
                for name, mask in (("quiet", quiet), ("flow", ~quiet))}
    column = "expected_error" if "expected_error" in errors else "error"
    cumulative = errors.groupby("fold")[column].cumsum().to_numpy() / np.sqrt(
        errors["step"].to_numpy())
    cumulative_low, cumulative_high = conformal_bounds(cumulative, coverage)
    return {"daily_low": pooled[0], "daily_high": pooled[1],
            "daily_quiet_low": by_class["quiet"][0], "daily_quiet_high": by_class["quiet"][1],
            "daily_flow_low": by_class["flow"][0], "daily_flow_high": by_class["flow"][1],
            "cumulative_low": cumulative_low, "cumulative_high": cumulative_high,
            "band_scale": band_scale(errors, coverage), "band_floor": band_floor(errors),
            "n_errors": int(len(daily))}


def daily_interval(point: np.ndarray, q: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """The daily interval around each day's point: quiet-day or flow-day bounds."""
    quiet = np.isclose(point, 0.0)
    low = np.where(quiet, q.get("daily_quiet_low", q["daily_low"]),
                   q.get("daily_flow_low", q["daily_low"]))
    high = np.where(quiet, q.get("daily_quiet_high", q["daily_high"]),
                    q.get("daily_flow_high", q["daily_high"]))
    return point + low, point + high


def balance_interval(cumulative: np.ndarray, band_low: np.ndarray, band_high: np.ndarray,
                     q: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """The balance band around the expected cumulative net: the history's band times the
    calibrated ``band_scale``; where the band is zero (or no scale could be measured) the
    earlier folds' cumulative errors scaled by √step."""
    root = np.sqrt(np.arange(1, len(cumulative) + 1))
    fallback_low = root * min(q["cumulative_low"], 0.0)
    fallback_high = root * max(q["cumulative_high"], 0.0)
    scale = q.get("band_scale", float("nan"))
    if not np.isfinite(scale):
        low, high = np.minimum(band_low, fallback_low), np.maximum(band_high, fallback_high)
    else:
        low, high = band_with_floor(band_low, band_high, root ** 2, q.get("band_floor", 0.0))
        low, high = scale * low, scale * high
    low, high = monotone_band(np.minimum(low, 0.0), np.maximum(high, 0.0))
    return cumulative + low, cumulative + high
