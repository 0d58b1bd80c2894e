"""A possible duplicate is a repeat that is unusual for its payee: two teas a day at the café
are how that café is used; the rent paid twice is not."""

import numpy as np
import pandas as pd
import pytest

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


def _scored(extra, history_rows=()):
    history = _account()
    if history_rows:
        history = pd.concat([history, clean_rows(list(history_rows), "debit_card")],
                            ignore_index=True).sort_values("date", kind="stable",
                                                           ignore_index=True)
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



def test_a_payee_that_never_repeats_is_judged_by_its_own_rate_not_its_size_band_s():
    # a car wash at the tea house's prices every ten days: its band's repeats are the teas'
    wash = [(day, "CAR WASH", "car wash", -3.50)
            for day in pd.date_range("2024-01-05", periods=20, freq="10D")]
    model, scored = _scored([("CAR WASH", "car wash", -3.50), ("CAR WASH", "car wash", -3.50)],
                            wash)
    payee, band = model.repeat_rates["payee"], model.repeat_rates["account_band"]
    own = float(payee[payee.index.str.endswith("car wash")].iloc[0])
    assert own < 0.2 < 0.5 < band.max()  # the teas make the band's rate high
    # the same day: 1 - 0 / (window + 1) of the evidence, as far as the payee's rate allows
    assert scored["duplicate_score"].iloc[1] == pytest.approx(1 - own)


def test_a_zero_line_or_a_small_credit_twice_is_no_duplicate_the_smallest_charge_is():
    # a card check of 0.00 and a 0.50 cashback are no money out; a 0.01 charge is
    _, scored = _scored([("CARD CHECK", "card check", 0.0), ("CARD CHECK", "card check", 0.0),
                         ("CASHBACK", "cashback", 0.50), ("CASHBACK", "cashback", 0.50),
                         ("WEB TEST", "web test", -0.01), ("WEB TEST", "web test", -0.01)])
    assert scored["duplicate_score"].tolist()[1::2][:2] == [0.0, 0.0]
    assert scored["duplicate_score"].iloc[5] > 0


def _gap_scores() -> list[float]:
    from tests.models.anomaly.test_boundaries import _repeat

    return [float(_repeat(gap)["duplicate_score"]) for gap in range(4)]


def test_duplicate_evidence_falls_by_one_window_plus_one_th_a_day():
    # duplicate_window_days 3: the same charge again 0, 1, 2, 3 days later weighs 4/4 .. 1/4
    # of the same payee's unusualness
    same_day, *later = _gap_scores()
    assert same_day > 0
    np.testing.assert_allclose(np.array(later) / same_day, [3 / 4, 2 / 4, 1 / 4])


def _fares(days_in_training: list[int], later: list[int]):
    """Metro fares of 2.80 on the given days (offsets from 2024-01-01; training: the first
    200 days of `_account`), scored with the fitted model; returns the model, the test rows'
    frame and features."""
    history = _account()
    start = pd.Timestamp("2024-01-01")
    fares = clean_rows([(start + pd.Timedelta(days=d), "METRO", "metro", -2.80)
                        for d in days_in_training + later], "debit_card")
    frame = pd.concat([history, fares], ignore_index=True).sort_values("date", kind="stable",
                                                                        ignore_index=True)
    frame["transaction_id"] = [f"t{i}" for i in range(len(frame))]
    features = build_features(frame)
    train = (frame["date"] < start + pd.Timedelta(days=200)).to_numpy()
    model = AnomalyModel(PARAMS).fit(frame[train], features[train])
    return model, frame[~train], features[~train]


@pytest.mark.parametrize("mad, habitual", [(np.nextafter(0.01, 0.0), True), (0.01, False)])
def test_a_payee_is_fixed_price_while_its_training_mad_is_under_half_the_spread_limit(
        mad, habitual):
    # exactly min_group_count fares in training (judged by the training MAD), then a fare
    # and the same fare the next day; spread limit 0.02 (FIXED_PRICE_LOG_SPREAD)
    model, test, features = _fares([185, 190, 195], [200, 201])
    stats = model.merchant_stats.copy()
    stats.loc[stats.index.str.endswith("metro"), "mad"] = mad
    model.merchant_stats = stats
    assert bool(model.score(test, features)["duplicate_score"].iloc[-1] == 0) is habitual


@pytest.mark.parametrize("std, habitual", [(np.nextafter(0.02, 0.0), True), (0.02, False)])
def test_a_payee_new_since_training_is_fixed_price_while_its_std_is_under_the_limit(
        std, habitual):
    model, test, features = _fares([], [200, 205, 210, 215, 216])
    features = features.copy()
    features.iloc[-1, features.columns.get_loc("merchant_prior_std_log")] = std
    assert bool(model.score(test, features)["duplicate_score"].iloc[-1] == 0) is habitual
