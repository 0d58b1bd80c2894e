"""The prior's per-payee quantiles in one pass equal numpy's, one call per payee, to the bit."""

import numpy as np
import pandas as pd
import pytest

from titans_finance.models.amount.prior import MedianPrior, group_quantiles


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("q", [0.0, 0.1, 0.5, 0.9, 1.0])
def test_each_groups_quantile_is_numpys_to_the_bit(seed, q):
    rng = np.random.default_rng(seed)
    # groups of 1 to 40 values (1 and 2: the bounds of the interpolation), ties included
    sizes = np.concatenate([[1, 2, 3, 11], rng.integers(1, 40, 200)])
    codes = rng.permutation(np.repeat(np.arange(len(sizes)), sizes))
    values = np.round(rng.gamma(2.0, 2.0, len(codes)), int(rng.integers(0, 6)))
    expected = np.array([np.quantile(values[codes == g], q) for g in range(len(sizes))])
    assert np.array_equal(group_quantiles(codes, values, q, len(sizes)), expected)


def test_a_quantile_that_interpolates_past_half_way_is_taken_from_the_upper_value():
    # 0.9 of 3 values: virtual index 1.8, 0.8 of the way from 0.03 to 8.16; numpy computes
    # 8.16 - 8.13 * 0.2, which differs in the last bit from 0.03 + 8.13 * 0.8
    values = np.array([8.16, 0.03, 0.0])
    assert 8.16 - (8.16 - 0.03) * (1 - 0.8) != 0.03 + (8.16 - 0.03) * 0.8
    assert group_quantiles(np.zeros(3, dtype=int), values, 0.9, 1)[0] == np.quantile(values, 0.9)
    assert group_quantiles(np.zeros(3, dtype=int), values, 0.9, 1)[0] == 8.16 - 8.13 * (1 - 0.8)


def test_the_similar_payees_statistics_are_each_payees_median_and_percentiles():
    rng = np.random.default_rng(3)
    merchants = np.array([f"payee {i % 37}" for i in range(600)], dtype=object)
    groups = np.array([["groceries", "fuel", "rent"][i % 3] for i in range(600)], dtype=object)
    y = rng.normal(3.0, 1.0, 600)
    prior = MedianPrior(2).fit(merchants, groups, y)
    frame = pd.DataFrame({"group": groups, "merchant": merchants, "y": y})
    expected = frame.groupby(["group", "merchant"])["y"].agg(
        median="median", low=lambda v: np.quantile(v, 0.1),
        high=lambda v: np.quantile(v, 0.9)).reset_index()
    pd.testing.assert_frame_equal(prior.similar_index, expected, check_exact=True)
