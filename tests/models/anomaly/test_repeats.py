"""A possible duplicate is a repeat that is unusual for its payee: two teas a day at the café
are how that café is used; the rent paid twice is not."""

import numpy as np
import pandas as pd

from tests.conftest import clean_rows
from tests.parameters import parameters
from titans_finance.core.features import build_features
from titans_finance.models.anomaly import AnomalyModel

PARAMS = parameters("anomaly", contamination=None, score_threshold=0.5, seed=0,
                    min_group_count=3,
                    weights={"isolation": 0.3, "amount": 1.0, "duplicate": 0.9,
                             "new_payee": 0.9, "burst": 0.8},
                    isolation_forest={"n_estimators": 50}, isolation_floor=0.95,
                    new_payee_ratio_full=2.0, duplicate_window_days=3)
MENU = (-3.20, -4.50, -2.80)  # tea, latte, cookie: a café's few prices, none every day


def _account(days=200, seed=1):
    rng = np.random.default_rng(seed)
    rows = []
    for day in pd.date_range("2024-01-01", periods=days, freq="D"):
        for _ in range(int(rng.integers(0, 3))):
            rows.append((day, "TEA HOUSE", "tea house", float(rng.choice(MENU))))
        if day.day == 1:
            rows.append((day, "Office Rent", "property management", -1200.0))
        if day.dayofweek == 5:
            rows.append((day, "Grocer", "grocer", -round(float(rng.lognormal(np.log(80), 0.3)), 2)))
        if day.day == 25:
            rows.append((day, "Salary", "employer", 3200.0))
    return clean_rows(rows, "debit_card")


def _scored(extra):
    history = _account()
    last = history["date"].max()
    rows = [(last + pd.Timedelta(days=1 + i // 2), *row) for i, row in enumerate(extra)]
    test = clean_rows(rows, "debit_card")
    frame = pd.concat([history, test], ignore_index=True)
    frame["transaction_id"] = [f"t{i}" for i in range(len(frame))]
    frame["source_row"] = np.arange(1, len(frame) + 1)
    features = build_features(frame)
    train = np.arange(len(frame)) < len(history)
    model = AnomalyModel(PARAMS).fit(frame[train], features[train])
    return model, model.score(frame[~train], features[~train])


def test_two_teas_on_one_day_are_not_a_duplicate_but_rent_twice_is():
    model, scored = _scored([("TEA HOUSE", "tea house", -3.20), ("TEA HOUSE", "tea house", -3.20),
                             ("Office Rent", "property management", -1200.0),
                             ("Office Rent", "property management", -1200.0)])
    teas, rent = scored.iloc[1], scored.iloc[3]
    assert not teas["is_anomaly"] and teas["duplicate_score"] < 0.5
    assert rent["is_anomaly"] and "same amount to the same payee" in rent["reasons"]
    assert rent["duplicate_score"] > 0.8


def test_the_base_rate_is_learnt_per_payee_and_shrunk_towards_its_size_band():
    model, _ = _scored([])
    payee = model.repeat_rates["payee"]
    tea = payee[payee.index.str.endswith("tea house")].iloc[0]
    rent = payee[payee.index.str.endswith("property management")].iloc[0]
    assert tea > 0.5 and rent < 0.1
    # a payee never seen takes its account's band's rate; a model saved before base rates
    # weighs every repeat fully
    model.repeat_rates = {}
    assert (model._repeat_rate(pd.DataFrame({"amount": [-3.2], "account": ["default"]}),
                               np.array(["x"])) == 0).all()
