"""Anomaly model: fit on the earlier period, evaluate on the later one against the ground truth,
scored as the pipeline scores and as the service scores, beside two baselines."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import IsolationForest
from sklearn.metrics import average_precision_score

from titans_finance.core.features import build_features
from titans_finance.core.history_state import HistoryState
from titans_finance.core.fingerprint import computed_from
from titans_finance.core.scale import run_scoring
from titans_finance.core.splits import time_split_mask
from titans_finance.core.verdict import BEATS, bootstrap_comparison
from titans_finance.models.anomaly import (
    AnomalyModel,
    raw_feature_baseline_matrix,
    robust_payee_z,
    score_with_rolling_history,
)
from titans_finance.parameters import AnomalySettings, scale_of

logger = logging.getLogger(__name__)
PR_AUC_MEANING = ("PR-AUC (average precision) of the anomaly score against the labelled "
                  "anomalies of the hold-out period; higher is better, the share of anomalies "
                  "is what a random score gets")


def _ranking_metrics(truth: np.ndarray, score: np.ndarray, k: int) -> dict[str, float]:
    if truth.sum() == 0 or k == 0:
        return {"pr_auc": 0.0, "precision_at_k": 0.0, "recall_at_k": 0.0}
    top = np.argsort(-score, kind="stable")[:k]
    hits = truth[top].sum()
    return {"pr_auc": float(average_precision_score(truth, score)),
            "precision_at_k": float(hits / k), "recall_at_k": float(hits / truth.sum())}


def truth_matches_export(anomaly_truth: pd.DataFrame, clean_transactions: pd.DataFrame,
                         min_share: float = 0.9) -> bool:
    """Whether the ground truth describes *this* export.

    The truth file lists row numbers with their description; after `make run`, the
    generator's file is still on disk when a user ingests their own export, and
    row numbers alone would silently match unrelated rows.
    """
    if anomaly_truth.empty or "Description" not in anomaly_truth:
        return not anomaly_truth.empty
    by_row = clean_transactions.set_index("source_row")["description"]
    found = anomaly_truth["row_number"].map(by_row).astype(object)
    written = pd.Series([str(v) if isinstance(v, str) else "" for v in found], index=found.index)
    same = found.notna() & (written.str.strip().str.split().str.join(" ")
                            == anomaly_truth["Description"].astype("str").str.strip()
                            .str.split().str.join(" "))
    return bool(same.mean() >= min_share)


def _scorecard(metrics: dict[str, Any], truth: np.ndarray | None = None,
               scores: dict[str, np.ndarray] | None = None) -> dict[str, Any]:
    """``scores``: the hold-out scores of the model (``model``) and of each baseline, for
    the noise of the comparison (a paired bootstrap of the PR-AUC difference)."""
    if "pr_auc" not in metrics:
        return {"metric": "pr_auc", "lower_is_better": False, "model": None, "baselines": {},
                "best_baseline": None, "beats_best_baseline": None,
                "meaning": "no labelled anomalies describe this export: PR-AUC cannot be "
                           "measured (the flag rate on the hold-out still is)"}
    baselines = {"isolation_forest": metrics["baseline_pr_auc"],
                 "robust_payee_z": metrics["baseline_payee_z_pr_auc"]}
    best = max(baselines, key=baselines.get)
    # graded as the service scores (rolling history): the number a user of the service gets
    model = metrics["pr_auc_service_rolling"]
    versus_best = bootstrap_comparison(average_precision_score, truth, scores["model"],
                                       scores[best])
    return {"metric": "pr_auc", "lower_is_better": False, "model": model,
            "baselines": baselines, "best_baseline": best, **versus_best,
            "beats_best_baseline": versus_best["verdict"] == BEATS, "meaning": PR_AUC_MEANING}


def evaluate_anomaly_model(clean_transactions: pd.DataFrame, feature_table: pd.DataFrame,
                           anomaly_truth: pd.DataFrame, params: dict[str, Any] | AnomalySettings
                           ) -> dict[str, Any]:
    """Fit on the earlier part, score the later part three ways (see `docs/evaluation.md`):
    ``batch`` (the pipeline's features, each row seeing every earlier row),
    ``service_frozen`` (each row against the history frozen at training end) and
    ``service_rolling`` (each row against that history plus the transactions scored before
    it — the rolling `HistoryState` the service keeps); beside a plain IsolationForest on
    raw amount/date features and a robust per-payee z-score."""
    settings = AnomalySettings.of(params)
    test = time_split_mask(clean_transactions["date"], settings.test_fraction).to_numpy()
    train_tx, train_f = clean_transactions[~test], feature_table[~test]
    test_tx, test_f = clean_transactions[test], feature_table[test]
    model = AnomalyModel(settings.model_dump()).fit(train_tx, train_f)
    state = HistoryState.from_frame(train_tx)
    scored = {"batch": model.score(test_tx, test_f),
              "service_frozen": model.score(test_tx, build_features(test_tx, state,
                                                                     independent=True)),
              # the service's own code (core/rolling.py, its default limits), test rows
              # sent in date order
              "service_rolling": score_with_rolling_history(model, test_tx, state)[0]}
    metrics: dict[str, Any] = {
        "threshold": model.threshold, "threshold_source": model.threshold_source,
        "contamination": settings.contamination, "n_scored": int(len(test_tx)),
        "flagged_rate": float(scored["batch"]["is_anomaly"].mean()),
        "test_period": [str(test_tx["date"].min().date()), str(test_tx["date"].max().date())],
        "ground_truth": truth_matches_export(anomaly_truth, clean_transactions),
    }
    if len(anomaly_truth) and not metrics["ground_truth"]:
        logger.warning("the anomaly ground truth does not describe this export (its rows don't "
                       "match): no supervised metrics")
    if metrics["ground_truth"]:
        truth = test_tx["source_row"].isin(anomaly_truth["row_number"]).to_numpy().astype(int)
        k = int(settings.k or truth.sum())
        metrics.update(_ranking_metrics(truth, scored["batch"]["score"].to_numpy(), k))
        for mode in ("service_frozen", "service_rolling"):
            metrics[f"pr_auc_{mode}"] = _ranking_metrics(
                truth, scored[mode]["score"].to_numpy(), k)["pr_auc"]
        forest = IsolationForest(n_estimators=200, contamination="auto",
                                 random_state=settings.seed)
        forest.fit(raw_feature_baseline_matrix(train_tx))
        baseline = -forest.score_samples(raw_feature_baseline_matrix(test_tx))
        metrics.update({f"baseline_{k_}": v for k_, v in _ranking_metrics(truth, baseline, k).items()})
        payee_z = robust_payee_z(train_tx, train_f["merchant_key"], test_tx, test_f["merchant_key"])
        metrics["baseline_payee_z_pr_auc"] = _ranking_metrics(truth, payee_z, k)["pr_auc"]
        flagged = scored["batch"]["is_anomaly"].to_numpy()
        real = truth == 0
        metrics.update({"k": k, "n_true_anomalies": int(truth.sum()),
                        "precision_at_threshold": float(truth[flagged].mean()) if flagged.any()
                        else 0.0,
                        "recall_at_threshold": float(truth[flagged].sum() / max(truth.sum(), 1)),
                        "false_alarms_per_1000": float(1000 * flagged[real].mean())
                        if real.any() else 0.0,
                        "flagged_rate_on_real": float(flagged[real].mean()) if real.any()
                        else 0.0})
    if metrics["ground_truth"]:
        metrics["scorecard"] = _scorecard(metrics, truth, {
            "model": scored["service_rolling"]["score"].to_numpy(),
            "isolation_forest": baseline, "robust_payee_z": np.asarray(payee_z)})
    else:
        metrics["scorecard"] = _scorecard(metrics)
    metrics["computed_from"] = computed_from(clean_transactions)
    return metrics


def fit_anomaly_model(clean_transactions: pd.DataFrame, feature_table: pd.DataFrame,
                      metrics: dict[str, Any], params: dict[str, Any] | AnomalySettings
                      ) -> AnomalyModel:
    model = AnomalyModel(AnomalySettings.of(params).model_dump()).fit(clean_transactions,
                                                                      feature_table)
    model.metadata["metrics"] = {k: v for k, v in metrics.items() if isinstance(v, int | float | str)}
    return model


def score_transactions(model: AnomalyModel, clean_transactions: pd.DataFrame,
                       feature_table: pd.DataFrame, scale: dict[str, Any] | None = None
                       ) -> pd.DataFrame:
    """Every transaction scored by the final model, with reasons, for the report; with
    ``scale.engine: dask`` on partitions of whole accounts (the same ``score``)."""
    transactions = clean_transactions.reset_index(drop=True)
    features = feature_table.reset_index(drop=True)
    scored = run_scoring(model.score, transactions, features, scale=scale_of(scale))
    keep = [c for c in ("transaction_id", "date", "account", "description", "amount", "category")
            if c in transactions]
    return pd.concat([transactions[keep], features[["merchant_key"]],
                      scored.reset_index(drop=True)], axis=1)
