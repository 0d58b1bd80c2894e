"""Boundaries of the amount model: the split-conformal rank ceil((n+1)·coverage) of its
interval widths and the minimum count below which the fallback is used; the payee level's
minimum count and the recent window (its first day excluded, the next one in)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from titans_finance.models.amount import MedianPrior, conformal_quantile


@pytest.mark.parametrize("n, coverage, rank", [
    (10, 0.75, 9),   # ceil(11 * 0.75) = 9 (ceil(10 * 0.75) = 8 would under-cover)
    (10, 0.5, 6),
    (10, 0.8, 9),
    (19, 0.8, 16),
    (20, 0.8, 17),
    (10, 0.9, 10),   # ceil(9.9) = 10: the largest
    (10, 0.95, 10),  # ceil(10.45) = 11 > n: the largest (no finite bound; the widest seen)
])
def test_the_quantile_is_the_ceil_n_plus_one_rank_of_the_residuals(n, coverage, rank):
    residuals = np.random.default_rng(n).permutation(np.arange(1, n + 1, dtype=float))
    assert conformal_quantile(residuals, coverage) == float(rank)


@pytest.mark.parametrize("n, expected", [(9, -1.0), (10, 9.0)])
def test_fewer_residuals_than_the_minimum_use_the_fallback(n, expected):
    residuals = np.arange(1, n + 1, dtype=float)
    assert conformal_quantile(residuals, 0.8, fallback=-1.0, minimum=10) == expected


def _prior_frame(days: list[int], amounts: list[float]):
    dates = pd.Timestamp("2024-01-01") + pd.to_timedelta(days, unit="D")
    n = len(days)
    return (np.array(["rent"] * n, dtype=object), np.array(["housing"] * n, dtype=object),
            np.log1p(np.array(amounts)), dates.to_numpy())


@pytest.mark.parametrize("old_day, level", [(69, 100.0), (70, 100.0), (71, 500.0)])
def test_the_recent_window_starts_the_day_after_recent_days_before_the_last(old_day, level):
    # last payment on day 100; recent_days 30: days 71..100 are recent (day 70 is not).
    # With min_count 2: the recent median (500) when two payments are recent, else all (100).
    merchant, group, y, dates = _prior_frame([0, 10, 20, old_day, 100],
                                             [100.0, 100.0, 100.0, 500.0, 500.0])
    prior = MedianPrior(min_count=2, recent_days=30).fit(merchant, group, y, dates)
    assert np.expm1(prior.merchant["rent"]) == pytest.approx(level)


@pytest.mark.parametrize("payments, known", [(2, False), (3, True)])
def test_a_payee_level_needs_min_count_payments(payments, known):
    merchant, group, y, dates = _prior_frame(list(range(payments)), [50.0] * payments)
    prior = MedianPrior(min_count=3).fit(merchant, group, y, dates)
    assert ("rent" in prior.merchant.index) is known


@pytest.mark.parametrize("step, priced", [(0, True), (1, False)])
def test_a_similar_payee_counts_from_exactly_min_similarity(step, priced):
    # the new payee's cosine similarity to the one known payee of its group, as the prior
    # computes it; at exactly that minimum the known payee prices it, a hair above not
    from titans_finance.models.category.text_features import tfidf_transform

    merchant = np.array(["city gym"] * 3, dtype=object)
    group = np.array(["sport"] * 3, dtype=object)
    prior = MedianPrior(min_count=3, min_similarity=0.5).fit(
        merchant, group, np.log1p(np.array([40.0, 40.0, 40.0])))
    similarity = float((tfidf_transform(prior.vectorizer, ["city gyms"])
                        @ prior.similar_matrix.T).toarray()[0, 0])
    assert 0 < similarity < 1
    prior.min_similarity = similarity if step == 0 else np.nextafter(similarity, 2.0)
    median, _, _ = prior.similar(np.array(["city gyms"], dtype=object),
                                 np.array(["sport"], dtype=object))
    assert (not np.isnan(median[0])) is priced
    if priced:
        assert np.expm1(median[0]) == pytest.approx(40.0)


def test_too_few_residuals_without_a_fallback_give_a_zero_width():
    assert conformal_quantile(np.array([3.0, 1.0]), 0.8) == 0.0
