import numpy as np
import pandas as pd
import pytest

from tests.parameters import parameters
from titans_finance.core.drift import (
    DriftConfigError,
    DriftReference,
    DriftThresholds,
    FeatureReference,
    psi,
)
from titans_finance.core.schema import UNCERTAIN_CATEGORY

RNG = np.random.default_rng(0)


def _reference(values: np.ndarray, **kwargs) -> FeatureReference:
    return FeatureReference.fit("x", values, n_bins=10, max_discrete=kwargs.get("max_discrete", 5),
                                sample_size=5000, rng=np.random.default_rng(1))


def test_psi_is_zero_for_identical_shares_and_grows_with_shift():
    shares = np.array([0.2, 0.3, 0.5])
    assert psi(shares, shares) == pytest.approx(0.0)
    assert 0 < psi(shares, np.array([0.25, 0.3, 0.45])) < psi(shares, np.array([0.6, 0.3, 0.1]))


def test_same_distribution_is_ok_and_a_shift_is_drift():
    reference = _reference(RNG.normal(0, 1, 20_000))
    thresholds = DriftThresholds()
    assert reference.compare(RNG.normal(0, 1, 2000), thresholds)["verdict"] == "ok"
    shifted = reference.compare(RNG.normal(1.0, 1, 2000), thresholds)
    assert shifted["verdict"] == "drift" and shifted["psi"] > 0.25 and shifted["ks"] > 0.2


def test_discrete_feature_counts_unseen_values_as_drift():
    reference = _reference(RNG.integers(0, 3, 5000).astype(float))
    assert reference.kind == "discrete"
    report = reference.compare(np.full(500, 7.0), DriftThresholds())
    assert report["verdict"] == "drift"


def test_non_finite_batch_values_are_ignored_not_fatal():
    reference = _reference(RNG.normal(0, 1, 1000))
    report = reference.compare(np.array([np.nan, np.inf]), DriftThresholds())
    assert report["n"] == 0 and report["verdict"] == "ok"


@pytest.mark.parametrize("thresholds, message", [
    ({"psi_warn": -1}, "psi_warn"), ({"psi_warn": "high"}, "psi_warn"),
    ({"psi_warn": 0.5, "psi_drift": 0.2}, "psi_warn must not exceed psi_drift"),
    ({"unknown": 1}, "unknown key"), ({"psi_warn": None}, "psi_warn"),
])
def test_bad_thresholds_name_the_setting(thresholds, message):
    with pytest.raises(DriftConfigError, match=message):
        DriftThresholds.from_params(
            {"thresholds": {**parameters("monitoring")["thresholds"], **thresholds}})


def test_a_missing_threshold_is_named_not_defaulted():
    thresholds = parameters("monitoring")["thresholds"]
    del thresholds["psi_drift"]
    with pytest.raises(DriftConfigError, match=r"missing key\(s\) \['psi_drift'\]"):
        DriftThresholds.from_params({"thresholds": thresholds})


def _frames(n: int, shift: float = 0.0, seed: int = 0):
    rng = np.random.default_rng(seed)
    tx = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=n, freq="h"),
                       "type": "expense",
                       "category": rng.choice(["fuel", "meals"], n)})
    features = pd.DataFrame({"log_abs_amount": rng.normal(3 + shift, 1, n),
                             "payment_method_code": rng.integers(0, 3, n).astype(float)})
    predictions = pd.DataFrame({"category": tx["category"], "confidence": rng.uniform(0.6, 1, n),
                                "source": "model"})
    scores = pd.DataFrame({"is_anomaly": rng.random(n) < 0.01})
    return tx, features, predictions, scores


def test_reference_report_has_a_verdict_per_signal():
    tx, features, predictions, scores = _frames(3000)
    params = parameters("monitoring", features=["log_abs_amount", "payment_method_code"],
                        reference_fraction=1.0)
    reference = DriftReference.fit(tx, features, scores["is_anomaly"].to_numpy(),
                                   predictions["confidence"].to_numpy(),
                                   np.zeros(len(tx), bool), params)
    same = reference.compare(*_frames(800, seed=1), params)
    assert same["verdict"] == "ok" and same["reliable"]
    shifted = reference.compare(*_frames(800, shift=1.5, seed=2), params)
    assert shifted["verdict"] == "drift"
    assert {f["feature"]: f["verdict"] for f in shifted["features"]} == {
        "log_abs_amount": "drift", "payment_method_code": "ok"}
    small = reference.compare(*_frames(50, seed=3), params)
    assert not small["reliable"] and "noisy" in small["note"]


def test_unknown_drift_feature_is_a_clear_error():
    tx, features, _, scores = _frames(100)
    with pytest.raises(DriftConfigError, match="not numeric feature columns: \\['nope'\\]"):
        DriftReference.fit(tx, features, scores["is_anomaly"].to_numpy(), np.array([]),
                           np.array([]), parameters("monitoring", features=["nope"]))


def test_a_rare_rate_moved_by_chance_is_not_drift_but_a_real_jump_is():
    from titans_finance.core.drift import DriftThresholds, _rate_shift

    thresholds = DriftThresholds()
    # 0.56 % flagged on 1,800 reference rows; a same-distribution batch of 620 rows shows 8
    # flags by chance about 2 % of the time: not a verdict to wake anyone for
    chance = _rate_shift("anomaly_rate", 10 / 1800, 8 / 620, 620, thresholds, 1800)
    assert chance["verdict"] == "ok" and 0.01 < chance["p_value"] < 0.1
    # five times the rate is drift, with or without the reference's size
    jump = _rate_shift("anomaly_rate", 10 / 1800, 17 / 620, 620, thresholds, 1800)
    assert jump["verdict"] == "drift" and jump["p_value"] < 0.001
    assert _rate_shift("anomaly_rate", 10 / 1800, 17 / 620, 620, thresholds)["verdict"] == "drift"
    # the same +100 % on a small batch is noise
    assert _rate_shift("abstention_rate", 0.1, 0.2, 20, thresholds)["verdict"] == "ok"


def _abstaining(n: int, abstained: int, seed: int):
    tx, features, predictions, scores = _frames(n, seed=seed)
    predictions.loc[predictions.index[:abstained], "category"] = UNCERTAIN_CATEGORY
    return tx, features, predictions, scores


@pytest.mark.parametrize(("abstained", "verdict"), [(0, "ok"), (1, "ok"), (60, "drift")])
def test_an_abstention_rate_of_zero_on_the_hold_out_is_an_estimate_from_its_rows(abstained,
                                                                                 verdict):
    """No abstention on 300 hold-out rows does not make one abstention in 600 a drift (a
    binomial test against a rate of exactly 0 rejects any abstention); 10 % of a batch is."""
    tx, features, predictions, scores = _frames(3000)
    params = parameters("monitoring", features=["log_abs_amount"], reference_fraction=1.0)
    reference = DriftReference.fit(tx, features, scores["is_anomaly"].to_numpy(),
                                   predictions["confidence"].to_numpy()[:300],
                                   np.zeros(300, bool), params)
    assert reference.abstention_rate == 0.0 and reference.n_abstention_reference == 300
    report = reference.compare(*_abstaining(600, abstained, seed=4), params)
    assert report["category_confidence"]["abstention"]["verdict"] == verdict
