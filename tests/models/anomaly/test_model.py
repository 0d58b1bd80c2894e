import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import IsolationForest
from sklearn.metrics import average_precision_score

from tests.conftest import clean_rows
from tests.parameters import parameters
from titans_finance.core.features import build_features
from titans_finance.core.history_state import HistoryState
from titans_finance.models.anomaly import (
    AnomalyModel,
    raw_feature_baseline_matrix,
    robust_payee_z,
    score_with_rolling_history,
)
from titans_finance.synthetic.anomalies import inject_anomalies

# the shipped parameters; the fixed score_threshold (no contamination quantile) and a
# smaller forest unless a test says otherwise
PARAMS = parameters("anomaly", contamination=None, seed=0, isolation_forest={"n_estimators": 50})


def _life(days=240, seed=0, start="2024-01-01"):
    """An ordinary account: a 2.80 fare most weekdays, coffee, weekly groceries, monthly rent
    and salary, and now and then a purchase at a shop never seen before."""
    rng = np.random.default_rng(seed)
    rows = []
    for day in pd.date_range(start, periods=days, freq="D"):
        if day.dayofweek < 5 and rng.random() < 0.9:
            rows.append((day, "METRO FARE", "metro", -2.80))
        if rng.random() < 0.5:
            price = -round(float(rng.uniform(3.5, 6.0)), 2)
            rows.append((day, "Blue Bottle", "blue bottle", price))
        if day.dayofweek == 5:
            rows.append((day, "Grocer", "grocer", -round(float(rng.lognormal(np.log(80), 0.3)), 2)))
        if day.day == 1:
            rows.append((day, "Rent", "landlord", -1800.0))
        if day.day == 25:
            rows.append((day, "Salary", "employer", 3200.0))
        if rng.random() < 0.04:
            shop = f"shop {rng.integers(1_000_000)}"
            rows.append((day, shop, shop, -round(float(rng.lognormal(np.log(40), 0.5)), 2)))
    return clean_rows(rows, "debit_card")


def _split(frame, test_days=60):
    start = frame["date"].max() - pd.Timedelta(days=test_days - 1)
    return start, (frame["date"] < start).to_numpy()


def test_ordinary_life_is_not_an_anomaly():
    frame = _life()
    start, train = _split(frame)
    features = build_features(frame)
    model = AnomalyModel(PARAMS).fit(frame[train], features[train])
    scored = model.score(frame[~train], features[~train])
    test = frame[~train]
    # fares repeated every day, coffee, rent and salary on their dates, new shops at ordinary
    # amounts (weekends included): nothing to flag
    assert not scored["is_anomaly"].any(), test[scored["is_anomaly"].to_numpy()]
    new_shops = test["reference"].str.startswith("shop").to_numpy()
    assert new_shops.any() and (scored.loc[new_shops, "score"] < 0.2).all()


def _case():
    frame = _life()
    start, train = _split(frame)
    last = frame["date"].max()
    extra = pd.DataFrame([
        (last - pd.Timedelta(days=20), "Grocer", "grocer", -640.0),  # 8x the usual
        (last - pd.Timedelta(days=10), "Rent", "landlord", -1800.0),  # rent charged twice
        (last - pd.Timedelta(days=5), "Transfer to ZZ 8812", "zz 8812", -9000.0),  # new payee
        (last - pd.Timedelta(days=3), "Vinyl shop", "vinyl shop", -35.0),  # ordinary new shop
    ], columns=["date", "description", "reference", "amount"])
    frame = pd.concat([frame, extra.assign(type="expense", category=None,
                                           payment_method="debit_card", receipt_url=None)],
                      ignore_index=True).sort_values("date", kind="stable").reset_index(drop=True)
    frame["transaction_id"] = [f"t{i}" for i in range(len(frame))]
    frame["source_row"] = np.arange(1, len(frame) + 1)
    return frame, (frame["date"] < start).to_numpy()


def test_each_kind_is_flagged_and_names_its_reference():
    frame, train = _case()
    features = build_features(frame)
    model = AnomalyModel(PARAMS).fit(frame[train], features[train])
    scored = model.score(frame[~train], features[~train]).set_index(frame.loc[~train,
                                                                               "description"],
                                                                     append=True)
    test = frame[~train].reset_index()

    def row(description, amount):
        i = test.index[(test["description"] == description) & (test["amount"] == amount)][-1]
        return scored.iloc[i]

    spike = row("Grocer", -640.0)
    assert spike["is_anomaly"] and "payments to this payee" in spike["reasons"]
    assert "category" not in spike["reasons"]  # no category was sent: none is invented
    transfer = row("Transfer to ZZ 8812", -9000.0)
    assert transfer["is_anomaly"] and "first payment to this payee" in transfer["reasons"]
    # the second rent of the month is 20 days after the first: a duplicate only within 3 days
    assert not row("Rent", -1800.0)["is_anomaly"]
    assert not row("Vinyl shop", -35.0)["is_anomaly"]


def test_a_duplicate_after_training_is_caught_with_the_rolling_history():
    frame = _life()
    start, train = _split(frame)
    features = build_features(frame)
    model = AnomalyModel(PARAMS).fit(frame[train], features[train])
    state = HistoryState.from_frame(frame[train])
    test = frame[~train]
    rent = test[test["description"] == "Rent"].iloc[[0]]
    doubled = pd.concat([test, rent.assign(transaction_id="dup", source_row=10_000)],
                        ignore_index=True).sort_values(["date", "source_row"]).reset_index(
        drop=True)
    rolling, history = score_with_rolling_history(model, doubled, state)
    frozen = model.score(doubled, build_features(doubled, state, independent=True))
    duplicate = (doubled["transaction_id"] == "dup").to_numpy()
    assert rolling.loc[duplicate, "is_anomaly"].all()
    assert "same amount to the same payee on" in rolling.loc[duplicate, "reasons"].iloc[0]
    assert not frozen.loc[duplicate, "is_anomaly"].any()  # why the service needs the rolling state
    assert history.state().global_count == state.global_count + len(doubled)
    # one transaction at a time equals the one-call features over the same history
    one_call = model.score(doubled, build_features(doubled, state))
    np.testing.assert_allclose(rolling["score"], one_call["score"], atol=1e-12)


def test_contamination_promises_the_flag_rate_on_scores_it_was_not_fitted_on():
    frame = _life(days=900, seed=3)
    features = build_features(frame)
    later = (frame["date"] >= frame["date"].max() - pd.Timedelta(days=199)).to_numpy()
    for contamination in (0.02, 0.05):
        params = {**PARAMS, "contamination": contamination, "min_calibration_rows": 200}
        model = AnomalyModel(params).fit(frame[~later], features[~later])
        assert model.threshold_source.startswith("contamination")
        # the last 200 days (~1,100 rows) were seen neither by the fit nor by the threshold
        rate = model.score(frame[later], features[later])["is_anomaly"].mean()
        assert contamination / 2 <= rate <= 2 * contamination, (contamination, rate)
    small = AnomalyModel({**params, "min_calibration_rows": 10_000}).fit(frame[~later],
                                                                        features[~later])
    assert small.threshold == 0.5 and small.threshold_source.startswith("score_threshold")


def test_beats_both_baselines_on_injected_fraud_by_more_than_the_noise():
    margins = []
    for seed in range(4):
        frame = _life(days=200, seed=seed)
        start, _ = _split(frame)
        rows = inject_anomalies(frame, start, np.random.default_rng(seed), per_kind=2)
        train = (rows["date"] < start).to_numpy()
        features = build_features(rows)
        model = AnomalyModel(PARAMS).fit(rows[train], features[train])
        truth = rows.loc[~train, "injected"].to_numpy()
        ours = average_precision_score(truth, model.score(rows[~train],
                                                          features[~train])["score"])
        forest = IsolationForest(n_estimators=100, random_state=0).fit(
            raw_feature_baseline_matrix(rows[train]))
        plain = average_precision_score(truth, -forest.score_samples(
            raw_feature_baseline_matrix(rows[~train])))
        payee = average_precision_score(truth, robust_payee_z(
            rows[train], features.loc[train, "merchant_key"], rows[~train],
            features.loc[~train, "merchant_key"]))
        margins.append(ours - max(plain, payee))
    margins = np.array(margins)
    assert (margins > 0).all() and margins.mean() > 3 * margins.std() / np.sqrt(len(margins))


def test_too_little_data_is_a_clear_error():
    frame = _life(days=3)
    with pytest.raises(ValueError, match="at least 10"):
        AnomalyModel(PARAMS).fit(frame.iloc[:5], build_features(frame.iloc[:5]))


def test_amounts_are_judged_against_the_account_s_own_payments():
    """Two accounts pay the same grocer: one ~80 a week, the other ~400. 400 is ordinary for
    the second account and a spike for the first."""
    small = _life(days=200, seed=1).assign(account="personal")
    large = _life(days=200, seed=2).assign(account="business")
    grocer = large["reference"] == "grocer"
    large.loc[grocer, "amount"] = large.loc[grocer, "amount"] * 5
    both = pd.concat([small, large], ignore_index=True)
    both["transaction_id"] = [f"t{i}" for i in range(len(both))]
    model = AnomalyModel(PARAMS).fit(both, build_features(both))
    counts = both["account"].value_counts()
    assert model.default_account == counts.idxmax() and counts.max() > counts.min()
    state = HistoryState.from_frame(both)
    asks = both.iloc[[0, 0]].assign(date=pd.Timestamp("2024-07-20"), description="Grocer",
                                    reference="grocer", amount=-400.0,
                                    account=["personal", "business"]).reset_index(drop=True)
    scored = model.score(asks, build_features(asks, state, independent=True))
    assert scored.loc[0, "amount_score"] > 0.5 and scored.loc[0, "is_anomaly"]
    assert "median of the" in scored.loc[0, "reasons"]
    assert scored.loc[1, "amount_score"] == 0.0
    # each account's statistics are its own: the same model on one account alone scores
    # that account's request the same
    alone = AnomalyModel(PARAMS).fit(large, build_features(large))
    assert alone.score(asks.iloc[[1]], build_features(
        asks.iloc[[1]], HistoryState.from_frame(large), independent=True)).loc[
        1, "amount_score"] == 0.0


# ---- what a reason compares with: the boundaries of the reference statistics ----------
def _edge(extra, train_rows=None, **overrides):
    from tests.models.anomaly.test_boundaries import PARAMS as EDGE, _scored

    return _scored(extra, train_rows, {**EDGE, **overrides})


def test_rows_without_a_category_column_score_as_rows_without_a_category():
    model, scored, test, features = _edge([(62, "Jeweller", "jeweller", -2400.0)])
    pd.testing.assert_frame_equal(model.score(test.drop(columns="category"), features), scored)


def test_a_model_saved_before_category_and_sign_statistics_still_scores():
    # (pickled before they existed: its payees judged as before, no new-payee evidence)
    model, scored, test, features = _edge([(61, "Web Test", "web test", -0.01),
                                           (62, "Jeweller", "jeweller", -2400.0)])
    assert (scored["new_payee_score"] == 1.0).all()
    without_p10 = pickle.loads(pickle.dumps(model))
    without_p10.sign_stats = model.sign_stats.drop(columns="p10")
    no_tiny = without_p10.score(test, features)
    assert no_tiny["new_payee_score"].tolist() == [0.0, 1.0]
    assert no_tiny["reasons"].iloc[1] == scored["reasons"].iloc[1]
    legacy = pickle.loads(pickle.dumps(model))  # before per-account statistics: plain keys
    del legacy.stats_by_account
    assert len(legacy.score(test, features)) == len(test)
    old = pickle.loads(pickle.dumps(model))
    del old.category_stats, old.sign_stats
    again = old.score(test, features)
    assert (again["new_payee_score"] == 0).all()
    np.testing.assert_array_equal(again["amount_score"], scored["amount_score"])


def test_a_payee_new_since_training_is_compared_with_the_mean_of_its_earlier_payments():
    # parking at 0.50 three times, then 0.55 (ordinary) and 40.00 (~78x): the ratio is to
    # the earlier payments' size however small (no floor above a cent)
    earlier = [0.50, 0.50, 0.50, 0.55]
    _, scored, _, _ = _edge([(60 + 2 * k, "Parking", "parking", -a) for k, a in enumerate(earlier)]
                            + [(70, "Parking", "parking", -40.0)])
    ordinary, spike = scored.iloc[3], scored.iloc[4]
    assert ordinary["amount_score"] == 0.0 and "median" not in ordinary["reasons"]
    ratio = 40.0 / np.expm1(np.mean(np.log1p(earlier)))
    assert spike["reasons"].startswith(f"amount {ratio:.1f}× the median of the 4 earlier "
                                       "payments to this payee")


def test_a_new_payee_is_compared_with_an_account_of_small_payments_as_it_is():
    # an account of tolls under one unit: 45.00 to a new payee is 45 / its usual largest
    tolls = [(pd.Timestamp("2024-01-01") + pd.Timedelta(days=d), "Toll", "toll",
              -round(0.5 + 0.01 * (d % 30), 2)) for d in range(60)]
    _, scored, _, _ = _edge([(61, "Jeweller", "jeweller", -45.0)], tolls)
    largest = np.expm1(np.quantile(np.log1p([-r[3] for r in tolls]), 0.9))
    assert largest < 1
    assert scored["reasons"].iloc[0].startswith(
        f"first payment to this payee, {45.0 / largest:.1f}× this account's usual largest")


def test_no_reference_no_amount_evidence_even_from_amount_z_start_zero():
    _, scored, _, _ = _edge([(62, "Jeweller", "jeweller", -2400.0)], amount_z_start=0.0)
    assert scored["amount_score"].iloc[0] == 0.0  # no payee history, no category
    assert "median" not in scored["reasons"].iloc[0]


def test_a_payee_paid_two_weeks_ago_is_no_longer_new_nor_a_burst():
    extra = [(61, "Bike Shop", "bike shop", -30.0), (75, "Bike Shop", "bike shop", -2400.0),
             (76, "Bike Shop", "bike shop", -5.0), (77, "Bike Shop", "bike shop", -6.0)]
    _, scored, _, _ = _edge(extra)
    # 2,400 at a payee never seen would be full new-payee evidence (the jeweller's above)
    assert (scored["new_payee_score"] == 0).all() and (scored["burst_score"] == 0).all()


@pytest.mark.parametrize("side", ["large", "small"])
def test_new_payee_evidence_is_the_log_ratio_past_the_percentile_full_at_ratio_full(side):
    from tests.models.anomaly.test_boundaries import _ordinary

    paid = np.log1p([-r[3] for r in _ordinary() if r[3] < 0])
    edge = {"large": np.quantile(paid, 0.9) + np.log(1.5),
            "small": np.quantile(paid, 0.1) - np.log(1.5)}[side]
    _, scored, _, _ = _edge([(61, "New Shop", "new shop", -float(np.expm1(edge))),
                             (62, "Web Test", "web test", -0.01)])
    # 1.5x past the percentile, full evidence at 2x (new_payee_ratio_full)
    assert scored["new_payee_score"].iloc[0] == pytest.approx(np.log(1.5) / np.log(2.0))
    assert scored["new_payee_score"].iloc[1] == 1.0  # far below: never more than full


def test_amount_evidence_grows_linearly_from_amount_z_start_to_amount_z_full():
    # three florist payments of 20-22: median 21, spread min_log_spread 0.1 (their MAD is
    # smaller); z = 4.5 is half way from 3 to 6; the reason is this one alone
    rows = [(pd.Timestamp("2024-01-04") + pd.Timedelta(days=10 * k), "Florist", "florist",
             -20.0 - k) for k in range(3)]
    from tests.models.anomaly.test_boundaries import _ordinary

    amount = float(np.expm1(np.log1p(21.0) + 0.45))
    _, scored, _, _ = _edge([(61, "Florist", "florist", -amount)], _ordinary() + rows)
    row = scored.iloc[0]
    assert row["amount_score"] == pytest.approx(0.5)
    expected = [f"amount {amount / 21.0:.1f}× the median of the 3 payments to this payee in "
                "the training data"] + (["unusual combination of amount, timing and history"]
                                        if row["isolation_score"] > 0 else [])
    assert row["reasons"].split("; ") == expected
