"""The anomaly model's look-ups by dict (its repeat base rates, its category keys) and its
reasons built as lists, against the pandas code they replace, on the generated default
data: training rows, rows it never saw, payees and size bands it never saw."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.models.conftest import clean_frame
from tests.parameters import parameters
from titans_finance.core.features import build_features
from titans_finance.models.anomaly import AnomalyModel
from titans_finance.synthetic.generator import generate_transactions


@pytest.fixture(scope="module")
def fitted():
    export, _ = generate_transactions(3000, seed=7, dirty_rate=0.0)
    frame = clean_frame(export)
    features = build_features(frame)
    train = (frame["date"] < frame["date"].quantile(0.7)).to_numpy()
    params = parameters("anomaly", contamination=None, seed=0,
                        isolation_forest={"n_estimators": 50})
    model = AnomalyModel(params).fit(frame[train], features[train])
    later = frame[~train].reset_index(drop=True)
    later.loc[::5, "description"] = [f"NEVER SEEN {i}" for i in range(len(later.loc[::5]))]
    later.loc[::7, "amount"] = -1e7  # a size band no training payment had
    return model, later, build_features(later)


def _keys(model, later, features):
    accounts = model._accounts(later)
    merchants = model._keys(later, features["merchant_key"].to_numpy(), accounts)
    band = np.floor(np.log2(np.abs(later["amount"].to_numpy()) + 1.0)).astype("int64")
    account_band = model._keys(later, band.astype(str).astype(object), accounts)
    return {"band": band, "account_band": account_band, "payee": merchants}


def test_each_base_rate_looked_up_is_the_reindexed_one(fitted):
    model, later, features = fitted
    keys = _keys(model, later, features)
    for level, rates in model.repeat_rates.items():
        if level == "overall":
            continue
        for wanted in (keys[level], keys[level][::-1], keys[level][:0], rates.index.to_numpy()):
            got = model._looked_up(rates, wanted)
            expected = rates.reindex(wanted).to_numpy(dtype="float64")
            assert got.dtype == expected.dtype and got.tobytes() == expected.tobytes(), level
    assert np.isnan(model._looked_up(model.repeat_rates["payee"], keys["payee"])).any()
    assert not np.isnan(model._looked_up(model.repeat_rates["payee"], keys["payee"])).all()


def test_a_rows_repeat_rate_is_the_reindexed_levels_one(fitted):
    model, later, features = fitted
    keys, rates = _keys(model, later, features), model.repeat_rates
    expected = rates["band"].reindex(keys["band"]).to_numpy(dtype="float64")
    expected = np.where(np.isnan(expected), float(rates["overall"].iloc[0]), expected)
    for level in ("account_band", "payee"):
        found = rates[level].reindex(keys[level]).to_numpy(dtype="float64")
        expected = np.where(np.isnan(found), expected, found)
    got = model._repeat_rate(later, keys["payee"])
    assert got.tobytes() == expected.tobytes()


@pytest.mark.parametrize("categories", [
    [None, None, None], [np.nan, None, pd.NA], ["groceries", None, "rent"], [None], []])
def test_category_keys_are_the_pandas_ones(fitted, categories):
    """No category sent (the service's usual request): no key at all, as the pandas
    expression gave; some sent: their keys."""
    model, later, _ = fitted
    rows = later.iloc[:len(categories)]
    category = np.array(categories, dtype=object)
    missing = pd.isna(category)
    text = pd.Series(category, dtype=object).where(~missing, "").astype(str).to_numpy(
        dtype=object)
    expected = np.where(missing, None, model._keys(rows, text))
    got = model._category_keys(rows, category)
    assert got.dtype == expected.dtype and got.tolist() == expected.tolist()


def test_reasons_name_the_earlier_day_of_a_duplicate_and_nothing_on_a_score_of_zero(fitted):
    model, later, features = fitted
    scored = model.score(later, features)
    shown = (scored["is_anomaly"] | (scored["score"] > 0)).to_numpy()
    reasons = scored["reasons"].to_numpy()
    assert (reasons[~shown] == "").all() and (reasons[shown] != "").all()
    duplicate = (scored["duplicate_score"] > 0).to_numpy()
    assert duplicate.sum() >= 3 and (~duplicate & shown).sum() >= 3
    days = features["days_since_same_amount"].to_numpy()
    for i in np.flatnonzero(duplicate):
        day = (later["date"].iloc[i] - pd.Timedelta(days=int(days[i]))).strftime("%Y-%m-%d")
        assert f"same amount to the same payee on {day}" in reasons[i].split("; ")
    assert not any("same amount" in r for r in reasons[~duplicate])
