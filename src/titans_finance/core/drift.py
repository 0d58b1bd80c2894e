"""Drift between a new batch of transactions and the training reference.

Used by the ``monitoring`` pipeline and by the service's ``POST /monitor/drift``
(one code path). The reference is a compact summary of the training data —
per-feature bins and proportions plus a bounded sample for the KS test, the
category mix, the anomaly rate and the category model's confidence on unseen
(hold-out) data — so it ships with the models and never needs the training table.

Per feature: the population stability index (PSI) over the reference's bins
(quantile bins for continuous features, one bin per value for discrete ones) and
the two-sample Kolmogorov–Smirnov statistic; the verdict (ok / warn / drift) is
the worse of the two against configurable thresholds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import binomtest, fisher_exact, ks_2samp

from titans_finance.core.schema import UNCERTAIN_CATEGORY
from titans_finance.core.splits import time_split_mask
from titans_finance.core.verdict import MARGIN_SE

VERDICTS = ("ok", "warn", "drift")
_EPS = 1e-4  # floor of a bin's share: an empty bin must not make PSI infinite


class DriftConfigError(ValueError):
    """A monitoring setting has an unusable value."""


@dataclass(frozen=True)
class DriftThresholds:
    psi_warn: float = 0.1
    psi_drift: float = 0.25
    ks_warn: float = 0.1
    ks_drift: float = 0.2
    ks_alpha: float = 0.01
    rate_warn: float = 0.5   # relative change of the anomaly / abstention rate
    rate_drift: float = 1.0
    rate_alpha: float = 0.01  # a rate change counts only when a test this strict sees it
    min_batch_rows: int = 200

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> DriftThresholds:
        """``params["thresholds"]`` (every field: the YAML holds them all), checked."""
        raw = dict(params["thresholds"])
        unknown = set(raw) - set(cls.__dataclass_fields__)
        if unknown:
            raise DriftConfigError(f"monitoring.thresholds: unknown key(s) {sorted(unknown)}")
        missing = [name for name in cls.__dataclass_fields__ if name not in raw]
        if missing:
            raise DriftConfigError(f"monitoring.thresholds: missing key(s) {missing}")
        values = {}
        for name, value in raw.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
                    value) or value < 0:
                raise DriftConfigError(
                    f"monitoring.thresholds.{name}: expected a non-negative number, got {value!r}")
            values[name] = value
        thresholds = cls(**values)
        for low, high in (("psi_warn", "psi_drift"), ("ks_warn", "ks_drift"),
                          ("rate_warn", "rate_drift")):
            if getattr(thresholds, low) > getattr(thresholds, high):
                raise DriftConfigError(f"monitoring.thresholds: {low} must not exceed {high}")
        return thresholds


def _shares(counts: np.ndarray) -> np.ndarray:
    total = counts.sum()
    shares = counts / total if total else np.full(len(counts), 1.0 / max(len(counts), 1))
    return np.clip(shares, _EPS, None)


def psi(reference_shares: np.ndarray, batch_shares: np.ndarray) -> float:
    """Population stability index of two distributions over the same bins."""
    ref, new = np.clip(reference_shares, _EPS, None), np.clip(batch_shares, _EPS, None)
    return float(np.sum((new - ref) * np.log(new / ref)))


def _worse(*verdicts: str) -> str:
    return max(verdicts, key=VERDICTS.index)


@dataclass
class FeatureReference:
    """Bins of one feature in the reference: ``edges`` (continuous) or ``values`` (discrete)."""

    name: str
    kind: str  # "continuous" or "discrete"
    shares: np.ndarray
    sample: np.ndarray
    edges: np.ndarray | None = None
    values: np.ndarray | None = None

    @classmethod
    def fit(cls, name: str, values: np.ndarray, n_bins: int, max_discrete: int,
            sample_size: int, rng: np.random.Generator) -> FeatureReference:
        values = values[np.isfinite(values)]
        sample = values if len(values) <= sample_size else rng.choice(values, sample_size,
                                                                      replace=False)
        distinct = np.unique(values)
        if len(distinct) <= max_discrete:
            counts = np.array([(values == v).sum() for v in distinct], dtype="float64")
            return cls(name, "discrete", _shares(counts), np.sort(sample), values=distinct)
        edges = np.unique(np.quantile(values, np.linspace(0, 1, n_bins + 1)[1:-1]))
        counts = np.bincount(np.searchsorted(edges, values, side="right"),
                             minlength=len(edges) + 1).astype("float64")
        return cls(name, "continuous", _shares(counts), np.sort(sample), edges=edges)

    def batch_shares(self, values: np.ndarray) -> np.ndarray:
        if self.kind == "discrete":
            counts = [(values == v).sum() for v in self.values]
            # values the reference never saw count as their own (empty in the reference) bin
            unseen = len(values) - sum(counts)
            shares = _shares(np.array([*counts, unseen], dtype="float64"))
            return shares
        counts = np.bincount(np.searchsorted(self.edges, values, side="right"),
                             minlength=len(self.edges) + 1).astype("float64")
        return _shares(counts)

    def compare(self, values: np.ndarray, thresholds: DriftThresholds) -> dict[str, Any]:
        values = values[np.isfinite(values)]
        if len(values) == 0:
            return {"feature": self.name, "kind": self.kind, "n": 0, "psi": None, "ks": None,
                    "ks_pvalue": None, "verdict": "ok", "note": "no finite values in the batch"}
        new = self.batch_shares(values)
        ref = np.append(self.shares, _EPS) if self.kind == "discrete" else self.shares
        value_psi = psi(ref, new)
        ks = ks_2samp(self.sample, values)
        ks_stat, ks_p = float(ks.statistic), float(ks.pvalue)
        by_psi = ("drift" if value_psi >= thresholds.psi_drift
                  else "warn" if value_psi >= thresholds.psi_warn else "ok")
        significant = ks_p < thresholds.ks_alpha
        by_ks = ("drift" if significant and ks_stat >= thresholds.ks_drift
                 else "warn" if significant and ks_stat >= thresholds.ks_warn else "ok")
        return {"feature": self.name, "kind": self.kind, "n": int(len(values)),
                "psi": round(value_psi, 6), "ks": round(ks_stat, 6), "ks_pvalue": ks_p,
                "reference_mean": float(self.sample.mean()) if len(self.sample) else None,
                "batch_mean": float(values.mean()), "verdict": _worse(by_psi, by_ks)}


@dataclass
class DriftReference:
    """What a batch is compared with: built once from the training data."""

    features: dict[str, FeatureReference]
    category_mix: dict[str, float]
    anomaly_rate: float
    confidence: FeatureReference | None
    abstention_rate: float | None
    n_reference: int
    period: list[str] = field(default_factory=list)
    # the monitoring parameters it was built with: thresholds for callers that bring none
    params: dict[str, Any] = field(default_factory=dict)
    # content hash of the training table it describes (core.fingerprint.data_hash): a report
    # shows a drift check only next to the training data it was made against
    data_hash: str | None = None
    # rows of the hold-out the abstention rate was measured on: a rate of 0 seen on a few
    # hundred rows is an estimate, not a certainty (one abstention in a batch is no drift)
    n_abstention_reference: int | None = None

    @classmethod
    def fit(cls, transactions: pd.DataFrame, features: pd.DataFrame, anomaly_flags: np.ndarray,
            holdout_confidence: np.ndarray, holdout_abstained: np.ndarray,
            params: dict[str, Any]) -> DriftReference:
        """Reference from the most recent ``reference_fraction`` of the training timeline.

        History features of the first months of an export are immature (no merchant
        has a past yet); new batches are scored with the full history, so the
        reference is the recent part of the data, where history is mature too.
        """
        columns = drift_features(params, features)
        fraction = float(params["reference_fraction"])
        if not 0.0 < fraction <= 1.0:
            raise DriftConfigError(f"monitoring.reference_fraction: expected a number in (0, 1], "
                                   f"got {fraction}")
        recent = (time_split_mask(transactions["date"], fraction).to_numpy() if fraction < 1.0
                  else np.ones(len(transactions), dtype=bool))
        transactions, features = transactions[recent], features[recent]
        anomaly_flags = np.asarray(anomaly_flags)[recent]
        n_bins, max_discrete = int(params["n_bins"]), int(params["max_discrete"])
        sample_size = int(params["sample_size"])
        rng = np.random.default_rng(int(params["seed"]))
        refs = {c: FeatureReference.fit(c, features[c].to_numpy(dtype="float64"), n_bins,
                                        max_discrete, sample_size, rng) for c in columns}
        confidence = None
        if len(holdout_confidence):
            confidence = FeatureReference.fit("category_confidence", np.asarray(
                holdout_confidence, dtype="float64"), n_bins, 0, sample_size, rng)
        dates = pd.to_datetime(transactions["date"])
        expense = (transactions["type"] == "expense").to_numpy()
        return cls(features=refs, category_mix=category_mix(transactions["category"][expense]),
                   anomaly_rate=float(np.mean(anomaly_flags)) if len(anomaly_flags) else 0.0,
                   confidence=confidence,
                   abstention_rate=float(np.mean(holdout_abstained)) if len(holdout_abstained)
                   else None, n_reference=int(len(transactions)),
                   n_abstention_reference=int(len(holdout_abstained)) or None,
                   period=[str(dates.min().date()), str(dates.max().date())] if len(dates) else [],
                   params=dict(params))

    def compare(self, transactions: pd.DataFrame, features: pd.DataFrame,
                category_predictions: pd.DataFrame, anomaly_scores: pd.DataFrame,
                params: dict[str, Any] | None = None) -> dict[str, Any]:
        """The drift report of a batch (JSON-ready).

        ``category_predictions`` (category, confidence, source) and ``anomaly_scores``
        (is_anomaly) are the served models' outputs on the batch, row for row.
        """
        thresholds = DriftThresholds.from_params(self.params if params is None else params)
        n = int(len(transactions))
        signals = batch_signals(transactions, category_predictions, anomaly_scores)
        anomaly_flags = signals["anomaly_flags"]
        category_confidence = signals["confidence"]
        category_abstained = signals["abstained"]
        per_feature = [ref.compare(features[name].to_numpy(dtype="float64"), thresholds)
                       for name, ref in self.features.items() if name in features]
        mix = category_mix(signals["categories"])
        categories = sorted(set(self.category_mix) | set(mix))
        mix_psi = psi(np.array([self.category_mix.get(c, 0.0) for c in categories]),
                      np.array([mix.get(c, 0.0) for c in categories])) if mix else None
        mix_verdict = ("ok" if mix_psi is None else "drift" if mix_psi >= thresholds.psi_drift
                       else "warn" if mix_psi >= thresholds.psi_warn else "ok")
        anomaly_rate = float(np.mean(anomaly_flags)) if n else 0.0
        anomaly = _rate_shift("anomaly_rate", self.anomaly_rate, anomaly_rate, n, thresholds,
                              self.n_reference)
        confidence = None
        if self.confidence is not None and len(category_confidence):
            batch_confidence = np.asarray(category_confidence, "float64")
            confidence = self.confidence.compare(batch_confidence, thresholds)
            if confidence["n"] and not confidence_is_lower(self.confidence.sample,
                                                           batch_confidence):
                # a model more sure of itself than on unseen hold-out data is not a warning sign
                # (the served model has seen more data than the hold-out model had)
                confidence["verdict"] = "ok"
                confidence["note"] = "confidence not lower than on the reference hold-out"
            confidence["abstention"] = _rate_shift(
                "abstention_rate", self.abstention_rate or 0.0,
                float(np.mean(category_abstained)), len(category_abstained), thresholds,
                self.n_abstention_reference)
            confidence["verdict"] = _worse(confidence["verdict"],
                                           confidence["abstention"]["verdict"])
        verdicts = [f["verdict"] for f in per_feature] + [mix_verdict, anomaly["verdict"]] + (
            [confidence["verdict"]] if confidence else [])
        counts = {v: verdicts.count(v) for v in VERDICTS}
        dates = pd.to_datetime(transactions["date"])
        return json_ready({
            "verdict": _worse("ok", *verdicts),
            "counts": counts,
            "n_batch": n,
            "n_reference": self.n_reference,
            "reliable": n >= thresholds.min_batch_rows,
            "note": None if n >= thresholds.min_batch_rows else (
                f"only {n} transactions (< {thresholds.min_batch_rows}): "
                "drift statistics are noisy on small batches"),
            "batch_period": [str(dates.min().date()), str(dates.max().date())] if n else [],
            "reference_period": self.period,
            "reference_data_hash": self.data_hash,
            "thresholds": thresholds.__dict__,
            "features": per_feature,
            "category_mix": {"psi": None if mix_psi is None else round(mix_psi, 6),
                             "verdict": mix_verdict, "source": signals["mix_source"],
                             "reference": self.category_mix,
                             "batch": mix},
            "anomaly_rate": anomaly,
            "category_confidence": confidence,
        })


def confidence_is_lower(reference: np.ndarray, batch: np.ndarray) -> bool:
    """The batch's mean confidence is below the reference's by more than the noise of the two
    means (`core.verdict.MARGIN_SE` standard errors of their difference): a mean lower by a
    few millionths (0.9866259 against 0.9866288 on a batch from the same distribution) is
    no sign that the model meets unfamiliar data."""
    if len(reference) == 0 or len(batch) == 0:
        return False
    spread = [float(np.var(values, ddof=1)) / len(values) if len(values) > 1 else 0.0
              for values in (reference, batch)]
    noise = math.sqrt(sum(spread))
    return float(batch.mean()) < float(reference.mean()) - MARGIN_SE * noise


def _rate_shift(name: str, reference: float, batch: float, n: int,
                thresholds: DriftThresholds, n_reference: int | None = None) -> dict[str, Any]:
    """Relative change of a rate, judged only when the batch could show it.

    Flags are rare (an anomaly rate of 0.5 % is 3 rows in 600), so "two standard errors"
    of a normal approximation raised false alarms on batches from the same distribution.
    The change counts only when an exact test rejects "same rate" at ``rate_alpha``:
    Fisher's exact test on the two counts when the reference's size is known (its rate is
    an estimate too), else a binomial test of the batch against the reference rate.
    """
    change = (batch - reference) / reference if reference > 0 else (math.inf if batch > 0 else 0.0)
    flagged = int(round(batch * n))
    if n <= 0:
        p_value = 1.0
    elif n_reference:
        reference_flagged = int(round(reference * n_reference))
        p_value = float(fisher_exact([[flagged, n - flagged],
                                      [reference_flagged, n_reference - reference_flagged]])[1])
    else:
        p_value = float(binomtest(flagged, n, min(max(reference, 0.0), 1.0)).pvalue)
    significant = p_value < thresholds.rate_alpha
    verdict = ("drift" if significant and abs(change) >= thresholds.rate_drift
               else "warn" if significant and abs(change) >= thresholds.rate_warn else "ok")
    return {"name": name, "reference": reference, "batch": batch,
            "relative_change": change if math.isfinite(change) else None,
            "p_value": p_value, "verdict": verdict}


def batch_signals(transactions: pd.DataFrame, category_predictions: pd.DataFrame,
                  anomaly_scores: pd.DataFrame) -> dict[str, Any]:
    """Model-output signals of a batch: confidence and abstention of the category model on
    expenses it decided (not the rules), anomaly flags, and the category mix — the labels
    the export carries, or the predictions when most expenses come unlabelled."""
    expense = (transactions["type"] == "expense").to_numpy()
    decided_by_model = expense & (category_predictions["source"] == "model").to_numpy()
    predicted = category_predictions["category"].to_numpy()
    labels = transactions["category"][expense]
    if expense.any() and labels.notna().mean() >= 0.5:
        categories, mix_source = labels, "labels"
    else:
        chosen = predicted[expense]
        categories = pd.Series(chosen[chosen != UNCERTAIN_CATEGORY], dtype="object")
        mix_source = "predicted"
    return {
        "confidence": category_predictions["confidence"].to_numpy(dtype="float64")[
            decided_by_model],
        "abstained": predicted[decided_by_model] == UNCERTAIN_CATEGORY,
        "anomaly_flags": anomaly_scores["is_anomaly"].to_numpy(dtype="bool"),
        "categories": categories,
        "mix_source": mix_source,
    }


def category_mix(categories: pd.Series) -> dict[str, float]:
    labelled = categories.dropna().astype("str")
    if labelled.empty:
        return {}
    return {str(k): float(v) for k, v in labelled.value_counts(normalize=True).sort_index().items()}


def drift_features(params: dict[str, Any], features: pd.DataFrame) -> list[str]:
    """The configured drift features; every one must be a numeric feature column."""
    columns = list(params["features"])
    if not columns:
        raise DriftConfigError("monitoring.features: list at least one feature column")
    bad = [c for c in columns if c not in features or not pd.api.types.is_numeric_dtype(
        features[c])]
    if bad:
        raise DriftConfigError(f"monitoring.features: not numeric feature columns: {bad}")
    return columns


def json_ready(value: Any) -> Any:
    """Plain JSON types; non-finite numbers become null (strict JSON has no NaN)."""
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
