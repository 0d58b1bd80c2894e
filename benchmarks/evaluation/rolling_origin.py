"""Rolling-origin (expanding-window) evaluation: several cut points instead of one hold-out.

A single hold-out of the latest 20 % is often too small to decide between two models that
agree on most rows (5 rows where only one is right cannot reach p < 0.05). Rolling origin
scores more rows without letting any model see its future:

- the last ``scored_share`` of the timeline is cut into ``folds`` consecutive blocks of whole
  days (`core.splits.expanding_window_folds`); fold k trains on every row dated before its
  block and answers the block's rows, so every row is scored at most once, by models that
  only saw earlier days;
- every choice a model makes (the personal model's candidate, a peer's ``C``) is made inside
  the fold's training rows (the caller's ``evaluate`` gets only the training positions to
  learn from);
- the per-row outcomes of all folds are pooled and compared pairwise (`pooled_versus`). Rows
  of one week share a merchant's run, a trip, a re-filing, so they are not independent: the
  standard error of the difference comes from a paired bootstrap over blocks of
  ``block_days`` calendar days (the same blocks for both models), and McNemar's exact test
  counts the pooled rows where only one of the two is right.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy.stats import binomtest

from titans_finance.core.splits import expanding_window_folds
from titans_finance.core.verdict import BEATS, BEHIND, LEVEL, verdict_of

# McNemar: the fewest rows where only one model is right for a 2-sided p below 0.05 to be
# possible at all (a 6-0 split: p = 2 * 0.5 ** 6 = 0.031; 5-0: 0.0625)
MIN_DECIDABLE_DISAGREEMENTS = 6
# A pooled verdict other than "level with" needs both tests: the advantage beyond 2 block
# standard errors and McNemar's exact p below this (7 rows split 6-1 pass the first at
# +1.2 ± 0.6 points on 406 rows, while their exact p is 0.125)
MCNEMAR_ALPHA = 0.05


def rolling_origin_folds(dates: pd.Series, folds: int, scored_share: float
                         ) -> list[tuple[np.ndarray, np.ndarray]]:
    """``[(train positions, scored positions), ...]`` of each fold, oldest block first."""
    if int(folds) < 1:
        raise ValueError(f"rolling origin needs at least 1 fold, got {folds}")
    return expanding_window_folds(pd.Series(dates).reset_index(drop=True), int(folds),
                                  float(scored_share))


def day_blocks(dates: pd.Series, block_days: int) -> np.ndarray:
    """Each row's block of ``block_days`` consecutive calendar days, counted from the
    earliest date given (0, 1, ...)."""
    if int(block_days) < 1:
        raise ValueError(f"a day block needs at least 1 day, got {block_days}")
    days = pd.to_datetime(pd.Series(dates)).dt.normalize()
    return ((days - days.min()).dt.days // int(block_days)).to_numpy(dtype=np.int64)


def block_bootstrap_se(difference: np.ndarray, blocks: np.ndarray, rounds: int = 2000,
                       seed: int = 0) -> float:
    """Standard error of the mean of ``difference`` (one value per row), resampling whole
    blocks with replacement; NaN with fewer than two blocks."""
    difference = np.asarray(difference, dtype="float64")
    _, codes = np.unique(np.asarray(blocks), return_inverse=True)
    n_blocks = int(codes.max()) + 1 if len(codes) else 0
    if n_blocks < 2:
        return float("nan")
    sums = np.bincount(codes, weights=difference, minlength=n_blocks)
    sizes = np.bincount(codes, minlength=n_blocks).astype("float64")
    drawn = np.random.default_rng(seed).integers(0, n_blocks, size=(rounds, n_blocks))
    # each resample: the mean over the rows of its drawn blocks (sums / sizes per draw)
    means = sums[drawn].sum(axis=1) / sizes[drawn].sum(axis=1)
    return float(np.std(means, ddof=1))


def pooled_versus(personal_right: np.ndarray, peer_right: np.ndarray, blocks: np.ndarray,
                  rounds: int = 2000, seed: int = 0) -> dict:
    """The personal model against a peer on the same pooled rows: the advantage in accuracy,
    its block-bootstrap standard error, the row-wise standard error beside it (it assumes
    independent rows), McNemar's exact test on the rows where only one of the two is right,
    and the verdict: ``beats`` / ``behind`` when the advantage is beyond 2 block standard
    errors (`core.verdict`) and McNemar's p is below `MCNEMAR_ALPHA`, else ``level with``."""
    personal_right = np.asarray(personal_right, dtype=bool)
    peer_right = np.asarray(peer_right, dtype=bool)
    if personal_right.shape != peer_right.shape or personal_right.shape != np.shape(blocks):
        raise ValueError("personal, peer and blocks must describe the same rows, got shapes "
                         f"{personal_right.shape}, {peer_right.shape}, {np.shape(blocks)}")
    difference = personal_right.astype(float) - peer_right.astype(float)
    n = len(difference)
    advantage = float(difference.mean()) if n else float("nan")
    error = block_bootstrap_se(difference, blocks, rounds, seed)
    only_personal = int(np.sum(personal_right & ~peer_right))
    only_peer = int(np.sum(peer_right & ~personal_right))
    disagreements = only_personal + only_peer
    p_value = (float(binomtest(only_personal, disagreements, 0.5).pvalue) if disagreements
               else 1.0)
    verdict = verdict_of(advantage, error)
    if verdict in (BEATS, BEHIND) and p_value >= MCNEMAR_ALPHA:
        verdict = LEVEL  # the normal approximation outruns the exact count of few rows
    return {"advantage": advantage, "advantage_se": error,
            "row_se": float(difference.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan"),
            "blocks": int(len(np.unique(blocks))), "compared_on": n,
            "verdict": verdict,
            "only_personal_right": only_personal, "only_peer_right": only_peer,
            "mcnemar_p": p_value,
            "decidable": disagreements >= MIN_DECIDABLE_DISAGREEMENTS}


def rolling_origin(dates: pd.Series, folds: int, scored_share: float,
                   evaluate: Callable[[np.ndarray, np.ndarray], dict]) -> dict:
    """Every fold of ``dates``: ``evaluate(train, scored)`` (positions) returns
    ``{"answers": {model: answers of the scored rows}, **anything}``. Returns the folds'
    other fields (``folds``), the scored positions in fold order (``rows``) and each model's
    answers over them (``answers``)."""
    dates = pd.Series(dates).reset_index(drop=True)
    details, rows, answers = [], [], {}
    for train, scored in rolling_origin_folds(dates, folds, scored_share):
        result = evaluate(train, scored)
        for model, answer in result.pop("answers").items():
            if len(answer) != len(scored):
                raise ValueError(f"{model} answered {len(answer)} rows of a fold of "
                                 f"{len(scored)}")
            answers.setdefault(model, []).append(np.asarray(answer))
        details.append({"train_rows": int(len(train)), "scored_rows": int(len(scored)),
                        "period": [str(dates.iloc[scored].min().date()),
                                   str(dates.iloc[scored].max().date())], **result})
        rows.append(scored)
    return {"folds": details,
            "rows": np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64),
            "answers": {model: np.concatenate(parts) for model, parts in answers.items()}}
