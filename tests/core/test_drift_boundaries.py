"""Boundaries of the drift verdicts: a PSI, a KS statistic and a rate change exactly at their
warn/drift thresholds (and one float step either side), the significance level itself, and
the thresholds' own checks."""

from __future__ import annotations

import numpy as np
import pytest

from titans_finance.core.drift import (
    DriftConfigError,
    DriftThresholds,
    FeatureReference,
    _rate_shift,
    psi,
)

RNG = np.random.default_rng(0)
REFERENCE = FeatureReference.fit("amount", RNG.normal(0, 1, 2000), n_bins=10, max_discrete=5,
                                 sample_size=2000, rng=np.random.default_rng(1))
BATCH = RNG.normal(0.4, 1, 500)
PSI = psi(REFERENCE.shares, REFERENCE.batch_shares(BATCH))
KS = REFERENCE.compare(BATCH, DriftThresholds())["ks"]


def _verdict(**thresholds) -> str:
    return REFERENCE.compare(BATCH, DriftThresholds(**thresholds))["verdict"]


def test_the_batch_really_moved():
    assert 0.05 < PSI < 1 and KS > 0.05


@pytest.mark.parametrize("drift_at, verdict", [(np.nextafter(PSI, 0), "drift"), (PSI, "drift"),
                                               (np.nextafter(PSI, 1), "warn")])
def test_a_psi_exactly_at_the_drift_threshold_is_drift(drift_at, verdict):
    # ks_alpha 0: the KS test never counts, the PSI alone decides
    assert _verdict(psi_warn=0.0, psi_drift=drift_at, ks_alpha=0.0) == verdict


@pytest.mark.parametrize("warn_at, verdict", [(PSI, "warn"), (np.nextafter(PSI, 1), "ok")])
def test_a_psi_exactly_at_the_warn_threshold_is_warn(warn_at, verdict):
    assert _verdict(psi_warn=warn_at, psi_drift=10.0, ks_alpha=0.0) == verdict


def _ks_stat() -> float:
    from scipy.stats import ks_2samp

    return float(ks_2samp(REFERENCE.sample, BATCH).statistic)


@pytest.mark.parametrize("step, verdict", [(0, "drift"), (1, "warn")])
def test_a_ks_statistic_exactly_at_the_drift_threshold_is_drift(step, verdict):
    stat = _ks_stat()
    drift_at = stat if step == 0 else np.nextafter(stat, 1)
    assert _verdict(psi_warn=10.0, psi_drift=10.0, ks_alpha=1.0, ks_warn=0.0,
                    ks_drift=drift_at) == verdict


@pytest.mark.parametrize("step, verdict", [(0, "warn"), (1, "ok")])
def test_a_ks_statistic_exactly_at_the_warn_threshold_is_warn(step, verdict):
    stat = _ks_stat()
    warn_at = stat if step == 0 else np.nextafter(stat, 1)
    assert _verdict(psi_warn=10.0, psi_drift=10.0, ks_alpha=1.0, ks_warn=warn_at,
                    ks_drift=1.0) == verdict


def _rate(**thresholds) -> dict:
    # 0.25 → 0.5 on 1,000 rows: a relative change of exactly 1.0, p tiny
    return _rate_shift("anomaly_rate", 0.25, 0.5, 1000, DriftThresholds(**thresholds))


@pytest.mark.parametrize("drift_at, verdict", [(1.0, "drift"), (np.nextafter(1.0, 2), "warn")])
def test_a_rate_change_exactly_at_the_drift_threshold_is_drift(drift_at, verdict):
    shift = _rate(rate_warn=0.5, rate_drift=drift_at, rate_alpha=0.01)
    assert shift["relative_change"] == 1.0 and shift["verdict"] == verdict


@pytest.mark.parametrize("warn_at, verdict", [(1.0, "warn"), (np.nextafter(1.0, 2), "ok")])
def test_a_rate_change_exactly_at_the_warn_threshold_is_warn(warn_at, verdict):
    assert _rate(rate_warn=warn_at, rate_drift=5.0, rate_alpha=0.01)["verdict"] == verdict


def test_a_p_value_exactly_at_the_significance_level_is_not_significant():
    # 0.25 → 0.3 on 200 rows: a change of 0.2, p well above 0 and below 1
    p = _rate_shift("r", 0.25, 0.3, 200, DriftThresholds())["p_value"]
    assert 0 < p < 1
    at = _rate_shift("r", 0.25, 0.3, 200, DriftThresholds(rate_warn=0.1, rate_drift=5.0,
                                                         rate_alpha=p))
    above = _rate_shift("r", 0.25, 0.3, 200, DriftThresholds(rate_warn=0.1, rate_drift=5.0,
                                                            rate_alpha=np.nextafter(p, 1)))
    assert at["verdict"] == "ok" and above["verdict"] == "warn"


def _thresholds(**changed) -> dict:
    from tests.parameters import parameters

    return {"thresholds": {**parameters("monitoring")["thresholds"], **changed}}


def test_warn_may_equal_drift_but_not_exceed_it():
    assert DriftThresholds.from_params(_thresholds(psi_warn=0.2, psi_drift=0.2))
    with pytest.raises(DriftConfigError, match="psi_warn must not exceed psi_drift"):
        DriftThresholds.from_params(_thresholds(psi_warn=0.21, psi_drift=0.2))
    assert DriftThresholds.from_params(_thresholds(min_batch_rows=0))
    with pytest.raises(DriftConfigError, match="non-negative"):
        DriftThresholds.from_params(_thresholds(ks_alpha=-1e-9))


def test_a_ks_p_value_exactly_at_ks_alpha_is_not_significant():
    from scipy.stats import ks_2samp

    p = float(ks_2samp(REFERENCE.sample, BATCH).pvalue)
    assert 0 < p < 1
    common = {"psi_warn": 10.0, "psi_drift": 10.0, "ks_warn": 0.0, "ks_drift": 1.0}
    assert _verdict(ks_alpha=p, **common) == "ok"
    assert _verdict(ks_alpha=np.nextafter(p, 1), **common) == "warn"


def test_confidence_is_lower_only_beyond_the_noise_of_the_two_means():
    from titans_finance.core.drift import confidence_is_lower
    from titans_finance.core.verdict import MARGIN_SE

    reference = np.array([0.9, 1.0] * 50)  # mean 0.95
    batch = np.array([0.8, 1.0] * 50)  # mean 0.9: the spread sets the noise
    noise = np.sqrt(np.var(reference, ddof=1) / 100 + np.var(batch, ddof=1) / 100)
    edge = reference.mean() - MARGIN_SE * noise  # the lowest mean still within the noise
    at = batch - batch.mean() + edge  # (its mean is the edge to within a float's rounding)
    assert not confidence_is_lower(reference, at + 1e-12)
    assert confidence_is_lower(reference, at - 1e-6)
    assert not confidence_is_lower(reference, at + 1e-6)
    assert not confidence_is_lower(reference, reference)  # the same confidences
    assert not confidence_is_lower(np.array([]), batch)  # nothing to compare with


@pytest.mark.parametrize("rows, reliable", [(199, False), (200, True), (201, True)])
def test_a_batch_of_exactly_min_batch_rows_is_reliable(rows, reliable):
    from tests.core.test_drift import _frames
    from tests.parameters import parameters
    from titans_finance.core.drift import DriftReference
    params = parameters("monitoring", features=["log_abs_amount"], reference_fraction=1.0)
    assert params["thresholds"]["min_batch_rows"] == 200
    tx, features, predictions, scores = _frames(600)
    reference = DriftReference.fit(tx, features, scores["is_anomaly"].to_numpy(),
                                   predictions["confidence"].to_numpy(),
                                   np.zeros(len(tx), bool), params)
    report = reference.compare(*_frames(rows, seed=1), params)
    assert report["reliable"] is reliable
    assert (report["note"] is None) is reliable


def test_confidence_without_spread_is_lower_only_when_its_mean_is():
    """No noise (every confidence the same): equal means are not lower, one float under is."""
    from titans_finance.core.drift import confidence_is_lower

    # 0.75 and sizes that are powers of two: every mean is exact, every variance exactly 0
    reference = np.full(8, 0.75)
    assert not confidence_is_lower(reference, np.full(4, 0.75))
    assert confidence_is_lower(reference, np.full(4, np.nextafter(0.75, 0)))
    assert not confidence_is_lower(reference, np.full(4, np.nextafter(0.75, 1)))


@pytest.mark.parametrize("distinct, kind", [(4, "discrete"), (5, "discrete"), (6, "continuous")])
def test_a_feature_with_exactly_max_discrete_values_is_discrete(distinct, kind):
    values = np.repeat(np.arange(distinct, dtype="float64"), 20)
    reference = FeatureReference.fit("weekday", values, n_bins=10, max_discrete=5,
                                     sample_size=1000, rng=np.random.default_rng(0))
    assert reference.kind == kind


@pytest.mark.parametrize("labelled, source", [(2, "labels"), (1, "predicted"), (3, "labels")])
def test_the_category_mix_comes_from_labels_when_at_least_half_the_expenses_carry_one(
        labelled, source):
    import pandas as pd

    from titans_finance.core.drift import batch_signals

    # four expenses (and an income, which never counts), ``labelled`` of them labelled
    transactions = pd.DataFrame({
        "type": ["expense"] * 4 + ["income"],
        "category": ["groceries"] * labelled + [None] * (4 - labelled) + ["salary"]})
    predictions = pd.DataFrame({"category": ["rent"] * 5, "source": "model",
                                "confidence": 0.9})
    signals = batch_signals(transactions, predictions, pd.DataFrame({"is_anomaly": [False] * 5}))
    assert signals["mix_source"] == source
    assert list(signals["categories"].dropna())[:1] == (
        ["groceries"] if source == "labels" else ["rent"])
