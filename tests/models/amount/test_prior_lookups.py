"""The amount prior's look-ups by dict (each group's median and range, the similar
payees' statistics), against the pandas reindex and map they replace, on a model
trained on the generated default data: groups seen, never seen, missing."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from tests.models.conftest import clean_frame
from tests.parameters import parameters
from titans_finance.core.features import build_features
from titans_finance.models.amount.model import AmountModel
from titans_finance.synthetic.generator import generate_transactions


@pytest.fixture(scope="module")
def prior():
    export, _ = generate_transactions(1500, seed=7, dirty_rate=0.0)
    frame = clean_frame(export)
    return AmountModel("prior", parameters("amount")).fit(
        frame, build_features(frame)).prior


def _groups(prior):
    seen = prior.group.index.to_numpy(dtype=object)
    return np.concatenate([seen, seen[::-1], np.array(
        ["never_seen", "", None, np.nan, "FUEL", seen[0] + " "], dtype=object)])


def test_each_groups_median_and_range_are_the_reindexed_ones(prior):
    groups = _groups(prior)
    assert len(prior.group) >= 5 and len(prior.group_range) >= 5
    for keys in (groups, groups[:0], groups[-6:]):
        median = pd.Series(keys, dtype=object).map(prior.group).to_numpy(dtype="float64")
        assert prior._reindexed("group", keys).tobytes() == median.tobytes()
        ranges = prior.group_range.reindex(keys)
        expected = np.column_stack([ranges["low"].to_numpy(dtype="float64"),
                                    ranges["high"].to_numpy(dtype="float64")])
        got = prior._reindexed("group_range", keys)
        assert got.shape == expected.shape and got.tobytes() == expected.tobytes()
    assert np.isnan(prior._reindexed("group", groups[-6:])).all()


def test_the_similar_payees_arrays_are_the_index_columns(prior):
    groups, stats = prior._similar_arrays()
    index = prior.similar_index
    assert groups.tolist() == index["group"].to_numpy().tolist()
    assert stats.tobytes() == index[["median", "low", "high"]].to_numpy().tobytes()


def test_what_prediction_derives_is_not_pickled_and_is_built_again(prior):
    keys = _groups(prior)
    before = prior._reindexed("group", keys)
    prior._similar_arrays()
    assert {"_lookup_tables", "_similar_cache"} <= set(vars(prior))
    copy = pickle.loads(pickle.dumps(prior))
    assert not {"_lookup_tables", "_similar_cache"} & set(vars(copy))
    assert copy._reindexed("group", keys).tobytes() == before.tobytes()
    copy.group = copy.group + 1.0  # fitted again: its own table, not the earlier one
    assert copy._reindexed("group", keys[:3]).tolist() == (before[:3] + 1.0).tolist()


def test_each_pairs_prior_is_the_pandas_mapped_one(prior):
    """Texts (the service's rows: looked up by dict), numpy strings, None, NaN and numbers
    (through pandas): the prior of each (payee, group) pair as pandas maps it."""
    pairs = prior.pair.index.str.split("|", n=1, regex=False)
    merchant = np.array([p[0] for p in pairs] + ["never seen", "", "shell"], dtype=object)
    group = np.array([p[1] for p in pairs] + ["__expense__", "__expense__", "fuel"],
                     dtype=object)
    assert len(pairs) >= 20

    def expected(m, g):
        return pd.Series(prior._pair(m, g)).map(prior.pair).to_numpy(dtype="float64")

    for m, g in ((merchant, group), (merchant[::-1], group[::-1]), (merchant[:0], group[:0]),
                 (merchant.astype(str), group.astype(str)),  # numpy strings
                 (np.append(merchant[:5], [None, np.nan, 7]),
                  np.append(group[:5], ["fuel", None, "fuel"]))):
        got = prior._paired(m, g)
        assert got.dtype == np.float64 and got.tobytes() == expected(m, g).tobytes()
    assert not np.isnan(prior._paired(merchant, group)[:-3]).any()


def test_each_payees_spread_is_the_pandas_mapped_one(prior):
    """Every row's payee (repeated, never seen, empty, NaN, None): its spread as the
    Series map gave it."""
    seen = prior.merchant_spread.index.to_numpy(dtype=object)
    assert len(seen) >= 20 and not np.isnan(prior.merchant_spread.to_numpy()).all()
    for merchant in (np.concatenate([seen, seen[::-1], seen[:7]]),
                     np.array(["never seen", "", np.nan, None, seen[0].upper()], dtype=object),
                     seen[:0], seen.astype(str)):
        expected = pd.Series(merchant).map(prior.merchant_spread).to_numpy(dtype="float64")
        got = prior.spread(merchant)
        assert got.dtype == np.float64 and got.tobytes() == expected.tobytes()
