"""The chance of running short: the probability that the end-of-day balance falls below 0
(or below a declared threshold) on any day within a horizon, and the most likely first day.

Simulated balance paths: the expected daily net (every projected stream on its date plus
the other flows' typical daily net) plus *blocks* of consecutive past days of the other
flows' deviations from their typical level (a moving-block bootstrap, Künsch 1989). Whole
blocks keep what single days drawn independently would lose: a week of heavy spending
comes as a week, a withdrawal is followed by quiet days, so a path's dip is as deep as the
history's. A path starts at the balance at the end of ``as_of``; with no known balance
there is no probability (never a balance made up).

One function (`shortfall_risk`) gives the answer the report, the app and the service show.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit


@dataclass(frozen=True)
class ShortfallRisk:
    """The chance the balance falls below ``threshold`` within each horizon."""

    as_of: str
    threshold: float
    opening_balance: float | None
    balance_source: str
    # horizon (days) -> probability of at least one end-of-day balance below the threshold
    probability: dict[int, float] = field(default_factory=dict)
    # horizon -> the last day of that horizon ("before <date>": on or before it)
    horizon_end: dict[int, str] = field(default_factory=dict)
    first_day: str | None = None  # the most likely first day below, within the longest horizon
    first_day_probability: float | None = None  # share of simulated paths first below on it
    drivers: list[dict[str, Any]] = field(default_factory=list)  # schedule items before it
    n_paths: int = 0
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["probability"] = {str(k): v for k, v in self.probability.items()}
        out["horizon_end"] = {str(k): v for k, v in self.horizon_end.items()}
        return out


def block_bootstrap(residuals: np.ndarray, steps: int, n_paths: int, block_days: int,
                    rng: np.random.Generator) -> np.ndarray:
    """``n_paths`` × ``steps`` daily deviations made of blocks of ``block_days`` consecutive
    days of ``residuals`` (start drawn uniformly among the blocks that fit; a history
    shorter than a block gives its whole self as the block)."""
    residuals = np.asarray(residuals, dtype="float64")
    n = len(residuals)
    if n == 0:
        return np.zeros((n_paths, steps))
    block = max(1, min(int(block_days), n))
    n_blocks = -(-steps // block)
    starts = rng.integers(0, n - block + 1, size=(n_paths, n_blocks))
    index = (starts[:, :, None] + np.arange(block)[None, None, :]).reshape(n_paths, -1)
    return residuals[index[:, :steps]]


def balance_paths(opening_balance: float, expected: np.ndarray, residuals: np.ndarray,
                  n_paths: int, block_days: int, seed: int) -> np.ndarray:
    """Simulated end-of-day balances (``n_paths`` × days): the opening balance plus the
    running total of the expected net and bootstrapped deviations."""
    rng = np.random.default_rng(seed)
    expected = np.asarray(expected, dtype="float64")
    noise = block_bootstrap(residuals, len(expected), n_paths, block_days, rng)
    return float(opening_balance) + np.cumsum(expected[None, :] + noise, axis=1)


def recalibrated(probability: np.ndarray | float, intercept: float, slope: float,
                 n_paths: int) -> np.ndarray | float:
    """The share of simulated paths mapped to the observed frequency: logistic
    recalibration (Platt; Cox 1958) ``1 / (1 + exp(-(intercept + slope · logit p)))``, its
    two numbers fitted on real accounts with a known balance (Berka, see
    docs/evaluation.md). A share of 0 or 1 of ``n_paths`` paths is read as half a path
    from it: no simulation of 1,000 paths shows that an event cannot happen. ``(0, 1)``
    leaves the shares as simulated."""
    if intercept == 0 and slope == 1:
        return probability
    half = 0.5 / n_paths
    p = np.clip(np.asarray(probability, dtype="float64"), half, 1 - half)
    out = expit(intercept + slope * np.log(p / (1 - p)))
    return float(out) if np.ndim(out) == 0 else out


def first_days_below(paths: np.ndarray, threshold: float) -> np.ndarray:
    """Per path, the index of the first day whose balance is *below* the threshold (a
    balance exactly at it is not short); -1 when it never is."""
    below = paths < threshold
    return np.where(below.any(axis=1), below.argmax(axis=1), -1)


def shortfall_risk(opening_balance: float | None, balance_source: str, as_of: pd.Timestamp,
                   expected: np.ndarray, residuals: np.ndarray, threshold: float,
                   horizons: list[int] | tuple[int, ...], n_paths: int, block_days: int,
                   seed: int, schedule: list[dict[str, Any]] | None = None,
                   calibration: tuple[float, float] | list[float] = (0.0, 1.0)
                   ) -> ShortfallRisk:
    """The probability of a balance below ``threshold`` at the end of ``as_of`` or of any
    day within each horizon (days after ``as_of``: already below is certain), the most
    likely first such day and the scheduled outflows up
    to it (``schedule``: dicts with ``date`` and ``amount``, e.g. the projected streams).

    ``calibration``: the (intercept, slope) of `recalibrated`. Deterministic for a given
    ``seed``: every view asking for the same run gets the same figures. ``opening_balance`` None: no probability (``balance_source`` says why)."""
    as_of = pd.Timestamp(as_of).normalize()
    horizons = sorted(int(h) for h in horizons)
    longest = min(horizons[-1], len(expected))
    ends = {h: str((as_of + pd.Timedelta(days=h)).date()) for h in horizons}
    if opening_balance is None:
        return ShortfallRisk(as_of=str(as_of.date()), threshold=float(threshold),
                             opening_balance=None, balance_source=balance_source,
                             horizon_end=ends,
                             note="the balance is not known (no balance column, none declared "
                                  "or given): no chance of running short can be computed")
    if opening_balance < threshold:  # short already: certain, whatever comes after
        return ShortfallRisk(
            as_of=str(as_of.date()), threshold=float(threshold),
            opening_balance=float(opening_balance), balance_source=balance_source,
            probability={h: 1.0 for h in horizons if h <= longest},
            horizon_end={h: ends[h] for h in horizons if h <= longest},
            first_day=str(as_of.date()), first_day_probability=1.0, n_paths=int(n_paths),
            note="the balance is already below the threshold at the end of as_of")
    paths = balance_paths(opening_balance, np.asarray(expected)[:longest], residuals,
                          n_paths, block_days, seed)
    first = first_days_below(paths, threshold)
    probability = {h: float(recalibrated(float(((first >= 0) & (first < h)).mean()),
                                         *calibration, n_paths))
                   for h in horizons if h <= longest}
    first_day = first_share = None
    drivers: list[dict[str, Any]] = []
    if (first >= 0).any():
        counts = np.bincount(first[first >= 0], minlength=longest)
        day = int(counts.argmax())
        first_share = float(counts[day] / len(first))
        first_day = as_of + pd.Timedelta(days=day + 1)
        drivers = sorted((item for item in (schedule or [])
                          if item["amount"] < 0 and pd.Timestamp(item["date"]) <= first_day),
                         key=lambda item: item["amount"])[:5]
    return ShortfallRisk(
        as_of=str(as_of.date()), threshold=float(threshold),
        opening_balance=float(opening_balance), balance_source=balance_source,
        probability=probability, horizon_end={h: ends[h] for h in probability},
        first_day=str(first_day.date()) if first_day is not None else None,
        first_day_probability=first_share, drivers=drivers, n_paths=int(n_paths))
