"""Boundaries of the anomaly detector: a score exactly at the threshold (and one float step
either side), the duplicate window's last day, the habitual-payee gap limit, the payee
statistics' minimum count, the burst's first charge, and the minimum number of rows to
calibrate the threshold on."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.conftest import clean_rows
from titans_finance.core.features import build_features
from tests.parameters import parameters
from titans_finance.core.splits import time_split_mask
from titans_finance.models.anomaly import AnomalyModel

PARAMS = {**parameters("anomaly"), "contamination": None, "score_threshold": 0.5, "seed": 0, "min_group_count": 3,
          "weights": {"isolation": 0.3, "amount": 1.0, "duplicate": 0.9, "new_payee": 0.9,
                      "burst": 0.8},
          "isolation_forest": {"n_estimators": 20, "max_samples": 64}, "isolation_floor": 0.95,
          "new_payee_ratio_full": 2.0, "duplicate_window_days": 3, "burst_min_earlier": 2,
          "n_jobs": 1}
DAY0 = pd.Timestamp("2024-01-01")
TRAIN_DAYS = 60


def _ordinary(days: int = TRAIN_DAYS) -> list[tuple]:
    """Coffee most days at varying prices, weekly groceries: the training period."""
    rng = np.random.default_rng(0)
    rows = []
    for d in range(days):
        day = DAY0 + pd.Timedelta(days=d)
        rows.append((day, "Blue Bottle", "blue bottle", -round(float(rng.uniform(3.5, 6.0)), 2)))
        if d % 7 == 5:
            rows.append((day, "Grocer", "grocer",
                         -round(float(rng.lognormal(np.log(80), 0.3)), 2)))
    return rows


def _scored(extra: list[tuple], train_rows: list[tuple] | None = None, params=None):
    """Fit on the training rows, score ``extra`` (day offsets after training start) with
    the features of the whole table, as the pipeline does."""
    train_rows = _ordinary() if train_rows is None else train_rows
    later = [(DAY0 + pd.Timedelta(days=d), text, ref, amount) for d, text, ref, amount in extra]
    frame = clean_rows(train_rows + later, "debit_card")
    frame = frame.sort_values("date", kind="stable").reset_index(drop=True)
    frame["source_row"] = np.arange(1, len(frame) + 1)
    features = build_features(frame)
    train = (frame["date"] < DAY0 + pd.Timedelta(days=TRAIN_DAYS)).to_numpy()
    model = AnomalyModel(params or PARAMS).fit(frame[train], features[train])
    return model, model.score(frame[~train], features[~train]), frame[~train], features[~train]


@pytest.fixture(scope="module")
def fitted():
    return _scored([(TRAIN_DAYS + 2, "Jeweller", "jeweller", -2400.0),
                    (TRAIN_DAYS + 3, "Blue Bottle", "blue bottle", -4.10)])


def test_a_score_exactly_at_the_threshold_is_flagged_one_step_above_is_not(fitted):
    model, scored, test, features = fitted
    score = float(scored["score"].iloc[0])
    assert 0 < score < 1
    for threshold, flagged in ((np.nextafter(score, 0.0), True), (score, True),
                               (np.nextafter(score, 1.0), False)):
        model.threshold = threshold
        assert bool(model.score(test, features)["is_anomaly"].iloc[0]) is flagged, threshold


def test_a_score_of_zero_is_never_flagged_even_with_threshold_zero(fitted):
    model, scored, test, features = fitted
    model.threshold = 0.0
    again = model.score(test, features)
    assert ((again["score"] > 0) == again["is_anomaly"]).all()
    assert (again["score"] == 0).any() and not again.loc[again["score"] == 0, "is_anomaly"].any()


def _repeat(gap: int, price_gap: int = 9) -> pd.Series:
    """A hardware store (varying prices, every ``price_gap`` days in training), then a 37.50
    charge and the same charge again ``gap`` days later."""
    rows = _ordinary() + [(DAY0 + pd.Timedelta(days=d), "Hardware", "hardware",
                           -round(20.0 + 3.7 * k, 2)) for k, d in enumerate(range(1, 58,
                                                                                   price_gap))]
    _, scored, _, _ = _scored([(TRAIN_DAYS + 1, "Hardware", "hardware", -37.50),
                               (TRAIN_DAYS + 1 + gap, "Hardware", "hardware", -37.50)], rows)
    return scored.iloc[-1]


@pytest.mark.parametrize("gap, duplicate", [(2, True), (3, True), (4, False)])
def test_the_same_charge_again_is_a_duplicate_up_to_the_window_day_inclusive(gap, duplicate):
    repeat = _repeat(gap)
    assert bool(repeat["duplicate_score"] > 0) is duplicate
    assert ("same amount to the same payee" in repeat["reasons"]) is duplicate


def _fare(every: int) -> pd.Series:
    """A fare of 2.80 every ``every`` days in training, then charged twice a day apart."""
    rows = _ordinary() + [(DAY0 + pd.Timedelta(days=d), "Metro", "metro", -2.80)
                          for d in range(0, TRAIN_DAYS, every)]
    last = max(d for d in range(0, TRAIN_DAYS, every))
    _, scored, _, _ = _scored([(last + every, "Metro", "metro", -2.80),
                               (last + every + 1, "Metro", "metro", -2.80)], rows)
    return scored.iloc[-1]


@pytest.mark.parametrize("every, habitual", [(5, True), (6, True), (7, False)])
def test_a_fixed_price_payee_charged_at_most_every_two_windows_is_habitual(every, habitual):
    # duplicate_window_days 3: a usual gap of up to 6 days makes a repeat normal
    assert bool(_fare(every)["duplicate_score"] == 0) is habitual


@pytest.mark.parametrize("payments, judged", [(2, False), (3, True)])
def test_a_payee_amount_is_judged_from_min_group_count_payments_on(payments, judged):
    rows = _ordinary() + [(DAY0 + pd.Timedelta(days=10 * k + 3), "Florist", "florist",
                           -20.0 - k) for k in range(payments)]
    _, scored, _, _ = _scored([(TRAIN_DAYS + 1, "Florist", "florist", -900.0)], rows)
    row = scored.iloc[-1]
    assert bool(row["amount_score"] > 0) is judged
    if judged:
        assert (f"the median of the {payments} payments to this payee in the training data"
                in row["reasons"])


@pytest.mark.parametrize("charges, burst", [(2, False), (3, True), (4, True)])
def test_a_burst_starts_at_burst_min_earlier_earlier_charges_at_a_new_payee(charges, burst):
    extra = [(TRAIN_DAYS + 1 + k, "Web Shop 77", "web shop", -1.0 - k) for k in range(charges)]
    _, scored, _, _ = _scored(extra)
    assert bool(scored["burst_score"].iloc[-1] > 0) is burst
    assert scored["burst_score"].iloc[-1] == pytest.approx(max(0, charges - 2) / 3)
    # the explanation counts every charge of the week, this one included
    said = f"{charges} charges within 7 days at a payee first seen this week"
    assert (said in scored["reasons"].iloc[-1]) is burst


def test_a_duplicate_names_the_day_of_the_earlier_charge_up_to_the_window_s_last_day():
    # charged on day 61 and again on day 64 (duplicate_window_days 3); dates given as
    # ISO text are read as dates
    first = f"{DAY0 + pd.Timedelta(days=TRAIN_DAYS + 1):%Y-%m-%d}"
    repeat = _repeat(3)
    assert repeat["reasons"].split("; ") == [f"same amount to the same payee on {first}"] + (
        ["unusual combination of amount, timing and history"]
        if repeat["isolation_score"] > 0 else [])
    model, scored, test, features = _scored([(61, "Hardware", "hardware", -37.5),
                                             (64, "Hardware", "hardware", -37.5)])
    as_text = model.score(test.assign(date=test["date"].dt.strftime("%Y-%m-%d")), features)
    assert f"on {first}" in as_text["reasons"].iloc[-1]
    pd.testing.assert_frame_equal(as_text, scored)


@pytest.mark.parametrize("extra_rows, calibrated", [(0, True), (1, False)])
def test_the_threshold_is_calibrated_from_min_calibration_rows_out_of_sample_scores(
        extra_rows, calibrated):
    frame = clean_rows(_ordinary(), "debit_card")
    features = build_features(frame)
    later = int(time_split_mask(frame["date"], 0.3).sum())
    params = {**PARAMS, "contamination": 0.05, "calibration_fraction": 0.3,
              "min_calibration_rows": later + extra_rows}
    model = AnomalyModel(params).fit(frame, features)
    assert model.threshold_source.startswith("contamination") is calibrated
    assert bool(model.threshold == 0.5) is not calibrated


@pytest.mark.parametrize("in_training, habitual", [(1, False), (2, True)])
def test_a_fare_is_habitual_from_min_group_count_earlier_payments(in_training, habitual):
    # fares every 5 days; the repeat (a day after the next fare) has in_training + 1 earlier
    # fares: 3 = min_group_count makes the repeat normal, 2 does not
    rows = _ordinary() + [(DAY0 + pd.Timedelta(days=55 - 5 * k), "Metro", "metro", -2.80)
                          for k in range(in_training)]
    _, scored, _, _ = _scored([(TRAIN_DAYS, "Metro", "metro", -2.80),
                               (TRAIN_DAYS + 1, "Metro", "metro", -2.80)], rows)
    assert bool(scored["duplicate_score"].iloc[-1] == 0) is habitual


@pytest.mark.parametrize("earlier, judged", [(2, False), (3, True)])
def test_a_payee_new_since_training_is_judged_from_min_group_count_payments_in_the_history(
        earlier, judged):
    extra = [(TRAIN_DAYS + 2 * k, "Florist", "florist", -20.0 - k) for k in range(earlier)]
    _, scored, _, _ = _scored(extra + [(TRAIN_DAYS + 20, "Florist", "florist", -900.0)])
    row = scored.iloc[-1]
    assert bool(row["amount_score"] > 0) is judged
    if judged:
        assert f"the median of the {earlier} earlier payments to this payee" in row["reasons"]


def test_an_unfitted_model_says_so():
    with pytest.raises(RuntimeError, match="^AnomalyModel is not fitted$"):
        AnomalyModel(PARAMS).score(pd.DataFrame(), pd.DataFrame())


def _with_categories(rows: list[tuple], categories: dict[str, str]) -> pd.DataFrame:
    frame = clean_rows(rows, "debit_card")
    frame["category"] = frame["reference"].map(categories)
    return frame


@pytest.mark.parametrize("florists, category, judged", [
    (2, "flowers", False),  # two payments of the category: too few to judge by
    (3, "flowers", True),  # min_group_count payments of the category: judged by them
    (3, None, False),  # no category on the new row: nothing to judge it by
])
def test_a_new_payee_is_judged_by_its_category_from_min_group_count_payments(
        florists, category, judged):
    # each florist paid once (no payee has min_group_count payments); a new florist's 900
    # is judged against the category's 20-22 when the category has enough payments
    rows = _ordinary() + [(DAY0 + pd.Timedelta(days=10 * k + 3), f"Florist {k}",
                           f"florist {k}", -20.0 - k) for k in range(florists)]
    new = (DAY0 + pd.Timedelta(days=TRAIN_DAYS + 1), "Bloom Shop", "bloom shop", -900.0)
    frame = _with_categories(rows + [new], {**{f"florist {k}": "flowers"
                                               for k in range(florists)},
                                            "bloom shop": category})
    frame = frame.sort_values("date", kind="stable").reset_index(drop=True)
    features = build_features(frame)
    train = (frame["date"] < DAY0 + pd.Timedelta(days=TRAIN_DAYS)).to_numpy()
    model = AnomalyModel(PARAMS).fit(frame[train], features[train])
    row = model.score(frame[~train], features[~train]).iloc[-1]
    assert bool(row["amount_score"] > 0) is judged
    assert bool(row["amount_score"] == 1.0) is judged  # 900 against ~21: past amount_z_full
    assert ("× the median of its category" in row["reasons"]) is judged


@pytest.mark.parametrize("early, calibrated", [(9, False), (10, True), (11, True)])
def test_the_threshold_is_calibrated_only_on_a_fit_of_at_least_ten_earlier_rows(early,
                                                                                calibrated):
    # the out-of-sample scores come from a model fitted on the earlier rows: it needs the
    # ten rows any fit needs (the latest 30 % of days are scored)
    def frame_of(days: int) -> pd.DataFrame:
        return clean_rows(_ordinary(days), "debit_card")

    days = next(d for d in range(12, 40)
                if (~time_split_mask(frame_of(d)["date"], 0.3)).sum() == early)
    frame = frame_of(days)
    params = {**PARAMS, "contamination": 0.05, "calibration_fraction": 0.3,
              "min_calibration_rows": 1}
    model = AnomalyModel(params).fit(frame, build_features(frame))
    assert model.threshold_source.startswith("contamination") is calibrated


def test_a_new_payee_is_explained_against_the_account_s_own_payments_or_credits():
    # the account's usual largest payments: the 90th percentile of its payments' sizes in
    # training (its smallest: the 10th); credits against its credits
    rows = _ordinary() + [(DAY0 + pd.Timedelta(days=10 * k + 2), "Employer", "employer",
                           2000.0) for k in range(5)]
    _, scored, _, _ = _scored([(TRAIN_DAYS + 2, "Jeweller", "jeweller", -2400.0),
                               (TRAIN_DAYS + 3, "Web Test", "web test", -0.01),
                               (TRAIN_DAYS + 4, "Lottery", "lottery", 90000.0),
                               (TRAIN_DAYS + 5, "Blue Bottle", "blue bottle", -4.10),
                               (TRAIN_DAYS + 6, "Jeweller", "jeweller", -2400.0)], rows)
    paid = np.log1p([abs(r[3]) for r in rows if r[3] < 0])
    largest_paid = np.expm1(np.quantile(paid, 0.9))
    reasons = scored["reasons"].tolist()
    assert reasons[0].startswith(f"first payment to this payee, {2400 / largest_paid:.1f}× "
                                 "this account's usual largest payments")
    assert reasons[1].startswith("first payment to this payee, far below this account's "
                                 "usual smallest payments")
    assert reasons[2].startswith(f"first payment to this payee, {90000 / 2000:.1f}× this "
                                 "account's usual largest credits")
    # an ordinary coffee: no score, no reason
    assert scored["score"].iloc[3] == 0 and reasons[3] == ""
    # the same payee again that week: still new, but not its first payment
    assert reasons[4].startswith(f"payee first seen this week, {2400 / largest_paid:.1f}× ")
    assert scored["is_anomaly"].tolist() == [True, True, True, False, True]


def test_isolation_counts_a_training_row_at_its_own_rank_above_the_floor():
    # the training rows scored again: the most isolated is at rank n of n (ties count
    # themselves), so exactly 1; every row at or under the floor's rank is exactly 0
    frame = clean_rows(_ordinary(), "debit_card")
    features = build_features(frame)
    scored = AnomalyModel(PARAMS).fit(frame, features).score(frame, features)
    isolation = scored["isolation_score"].to_numpy()
    assert isolation.max() == 1.0 and isolation.min() == 0.0
    assert (isolation > 0).sum() <= len(frame) - int(PARAMS["isolation_floor"] * len(frame))
    said = scored["reasons"].str.split("; ").map(
        lambda parts: "unusual combination of amount, timing and history" in parts)
    np.testing.assert_array_equal(said.to_numpy(), isolation > 0)


@pytest.mark.parametrize("burst_min_earlier, charges, last", [
    (1, 2, 1 / 3),  # one earlier charge is enough: the second charge starts the burst
    (3, 2, 0.0),  # one earlier of three needed: no evidence (never below 0)
    (2, 7, 1.0),  # six earlier charges: full evidence, never above 1
])
def test_the_burst_evidence_grows_by_a_third_a_charge_from_burst_min_earlier_up_to_one(
        burst_min_earlier, charges, last):
    extra = [(TRAIN_DAYS + k, "Web Shop 77", "web shop", -1.0 - k) for k in range(charges)]
    _, scored, _, _ = _scored(extra, params={**PARAMS, "burst_min_earlier": burst_min_earlier})
    burst = scored["burst_score"].to_numpy()
    assert ((burst >= 0) & (burst <= 1)).all()
    assert burst[-1] == pytest.approx(last)
    parts = scored["reasons"].iloc[-1].split("; ")  # each reason whole, beside the others
    assert (f"{charges} charges within 7 days at a payee first seen this week" in parts) is \
        (last > 0)


def test_a_weight_above_one_saturates_the_score_at_one():
    rows = _ordinary() + [(DAY0 + pd.Timedelta(days=10 * k + 3), "Florist", "florist",
                           -20.0 - k) for k in range(3)]
    params = {**PARAMS, "weights": {**PARAMS["weights"], "amount": 2.0}}
    _, scored, _, _ = _scored([(TRAIN_DAYS + 1, "Florist", "florist", -900.0)], rows, params)
    assert scored["amount_score"].iloc[-1] == 1.0 and scored["score"].iloc[-1] == 1.0
