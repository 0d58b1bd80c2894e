"""Evaluation of the category models, shared by the category and retrain pipelines and the
benchmarks: candidate choice on an inner split, time-aware hold-out against baselines,
calibration error, and the review queue (which corrections help most)."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

from titans_finance.core.review import review_queue  # noqa: F401 (part of the evaluation API)
from titans_finance.core.schema import UNCERTAIN_CATEGORY
from titans_finance.core.splits import time_split_mask
from titans_finance.core.verdict import BEATS, paired_comparison
from titans_finance.models.category import (
    CategoryModel,
    PersonalClassifier,
    candidate_names,
    model_inputs,
    parse_rules,
    rules_from_corrections,
)

logger = logging.getLogger(__name__)


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10
                               ) -> float:
    """ECE: the mean |accuracy − confidence| over equal-width confidence bins, weighted by
    the share of rows in each bin (0 = perfectly calibrated)."""
    confidence, correct = np.asarray(confidence, float), np.asarray(correct, float)
    if len(confidence) == 0:
        return float("nan")
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    error = 0.0
    for b in range(bins):
        rows = which == b
        if rows.any():
            error += rows.mean() * abs(correct[rows].mean() - confidence[rows].mean())
    return float(error)


def category_rules_for(category_rules: Any, transactions: pd.DataFrame, features: pd.DataFrame,
                       params: dict[str, Any]) -> list:
    """The user's rules first, then the rules learnt from consistent corrections of these rows."""
    min_count = int(params["corrections"]["rule_min_count"])
    corrected = (transactions["corrected"] if "corrected" in transactions
                 else pd.Series(False, index=transactions.index))
    return parse_rules(category_rules) + rules_from_corrections(
        features["merchant_key"], transactions["category"], corrected, min_count)


def merchant_majority_baseline(train_tx, train_f, test_f) -> np.ndarray:
    """Each merchant's most frequent training category, else the most frequent overall."""
    majority = (pd.DataFrame({"merchant": train_f["merchant_key"].to_numpy(),
                              "category": train_tx["category"].to_numpy()})
                .groupby("merchant")["category"].agg(lambda s: s.value_counts().index[0]))
    overall = train_tx["category"].value_counts().index[0]
    return test_f["merchant_key"].map(majority).fillna(overall).to_numpy()


def best_candidate(accuracy: dict[str, float]) -> str:
    """The candidate of the highest validation accuracy; of tied ones, the first listed (the
    YAML lists the strongest regularisation first). Other rules were measured on the
    development exports' rolling folds — the larger C, the validation log-loss, one standard
    error, two inner splits — and none gained beyond its standard error without losing rows
    on another export (docs/evaluation.md, session 18)."""
    if not accuracy:
        raise ValueError("category candidate choice: no candidate was scored")
    best = max(accuracy.values())
    return next(name for name, score in accuracy.items() if score == best)


def select_candidate(train_tx: pd.DataFrame, train_f: pd.DataFrame, params: dict[str, Any],
                     default_model: Any = None) -> tuple[str, dict[str, dict[str, float]]]:
    """The candidate (family and regularisation) with the best accuracy on the last part of
    the training period: never on the hold-out or the reported folds."""
    names = candidate_names(params)
    if len(names) == 1:
        return names[0], {}
    inner = time_split_mask(train_tx["date"], float(params["validation_fraction"])).to_numpy()
    rows = int(params["selection_max_rows"])
    fit_tx, fit_f = train_tx[~inner].iloc[-rows:], train_f[~inner].iloc[-rows:]
    y_fit = fit_tx["category"].astype("str").to_numpy()
    if inner.sum() == 0 or len(set(y_fit)) < 2:
        return names[0], {}
    inputs = model_inputs(fit_tx, fit_f)
    val_inputs = model_inputs(train_tx[inner], train_f[inner])
    truth = train_tx["category"][inner].astype("str").to_numpy()
    candidates = {}
    for name in names:
        model = PersonalClassifier(name, params, default_model).fit(
            *inputs, y_fit, fit_tx["date"].to_numpy())
        candidates[name] = {"validation_accuracy": float(accuracy_score(
            truth, model.predict(*val_inputs)))}
    selected = best_candidate({n: c["validation_accuracy"] for n, c in candidates.items()})
    logger.info("category candidates %s → %s", candidates, selected)
    return selected, candidates


def predictions_table(tx: pd.DataFrame, predictions: pd.DataFrame, split: str) -> pd.DataFrame:
    """The `category_predictions` contract (brief, contract 3)."""
    return pd.DataFrame({
        "transaction_id": tx["transaction_id"].to_numpy(), "date": tx["date"].to_numpy(),
        "description": tx["description"].to_numpy(), "amount": tx["amount"].to_numpy(),
        "category": tx["category"].to_numpy(),
        "predicted_category": predictions["category"].to_numpy(),
        "confidence": predictions["confidence"].to_numpy(dtype="float64"),
        "source": predictions["source"].to_numpy(),
        "top_k": predictions["top_k"].map(lambda items: "; ".join(
            f"{i['category']} {i['probability']:.2f}" for i in items)).to_numpy(),
        "split": split,
        # added after the contract's columns: the level answered and why it is not a category
        "level": predictions["level"].to_numpy(), "reason": predictions["reason"].to_numpy(),
    })


def _no_holdout_metrics(transactions: pd.DataFrame, params: dict[str, Any], reason: str
                        ) -> dict[str, Any]:
    return {"personal_model": False, "reason": reason,
            "n_labelled": int(len(transactions)),
            "n_classes": int(transactions["category"].nunique()) if len(transactions) else 0,
            "confidence_threshold": float(params["confidence_threshold"]),
            "confusion_matrix": {"labels": [], "matrix": []}}


def evaluate_category_model(transactions: pd.DataFrame, features: pd.DataFrame,
                            category_rules: Any, params: dict[str, Any],
                            default_model: Any = None) -> tuple[dict[str, Any], pd.DataFrame]:
    """Time-aware hold-out of the whole answer (rules, personal and default models), with
    candidate choice on an inner split of the training period only.

    Returns the metrics (with the scorecard of contract 2) and the hold-out predictions of
    the model trained on the earlier period. With too few labels there is no hold-out:
    the metrics say so and the default model answers alone.
    """
    min_rows = int(params["personal_min_labels"])
    if len(transactions) < max(min_rows, 10) or transactions["category"].nunique() < 2:
        return _no_holdout_metrics(transactions, params, (
            f"{len(transactions)} labelled transactions: too few for a personal model and a "
            "hold-out; the default model categorises the export")), predictions_table(
            transactions.iloc[0:0], pd.DataFrame({"category": [], "confidence": [],
                                                  "source": [], "top_k": [], "level": [],
                                                  "reason": []}), "holdout")
    test = time_split_mask(transactions["date"], float(params["test_fraction"])).to_numpy()
    train_tx, train_f = transactions[~test], features[~test]
    test_tx, test_f = transactions[test], features[test]
    # rules learnt from corrections of training-period rows only: no hold-out peeking
    rules = category_rules_for(category_rules, train_tx, train_f, params)
    selected, candidates = select_candidate(train_tx, train_f, params, default_model)
    model = CategoryModel(selected, params, rules, default_model).fit(train_tx, train_f)
    truth = test_tx["category"].astype("str").to_numpy()
    always = model.predict(test_tx, test_f, threshold=0.0)
    at_threshold = model.predict(test_tx, test_f)
    answered = (at_threshold["category"] != UNCERTAIN_CATEGORY).to_numpy()
    correct_always = always["category"].to_numpy() == truth
    baseline_correct = {
        "merchant_majority": merchant_majority_baseline(train_tx, train_f, test_f) == truth,
        "most_frequent": truth == train_tx["category"].value_counts().index[0],
    }
    baselines = {name: float(np.mean(correct)) for name, correct in baseline_correct.items()}
    best = max(baselines, key=baselines.get)
    accuracy = float(correct_always.mean())
    # noise of the comparison: standard error of the accuracy difference (paired rows)
    difference = correct_always.astype(float) - baseline_correct["merchant_majority"].astype(float)
    versus_best = paired_comparison(1.0 - correct_always, 1.0 - baseline_correct[best])
    labels = sorted(set(truth) | set(always["category"]))
    metrics = {
        "personal_model": model.personal is not None,
        "holdout_accuracy": accuracy,
        "holdout_macro_f1": float(f1_score(truth, always["category"], average="macro",
                                           zero_division=0)),
        "baseline_accuracy": baselines["merchant_majority"],
        "baselines": baselines,
        "accuracy_minus_baseline_se": float(difference.std(ddof=1) / np.sqrt(len(difference)))
        if len(difference) > 1 else float("nan"),
        "confidence_threshold": model.threshold,
        "coverage_at_threshold": float(answered.mean()) if len(answered) else 0.0,
        "accuracy_at_threshold": float(np.mean(at_threshold["category"].to_numpy()[answered]
                                               == truth[answered])) if answered.any() else 0.0,
        "expected_calibration_error": expected_calibration_error(
            always["confidence"].to_numpy(), correct_always),
        "answered_by": always["source"].value_counts().to_dict(),
        "selected_model": selected,
        "candidates": candidates,
        "temperature": model.temperature,
        "n_train": int(len(train_tx)), "n_test": int(len(test_tx)),
        "n_labelled": int(len(transactions)),
        "n_classes": int(transactions["category"].nunique()),
        "n_rules": len(rules),
        "test_period": [str(test_tx["date"].min().date()), str(test_tx["date"].max().date())],
        "confusion_matrix": {"labels": labels,
                             "matrix": confusion_matrix(truth, always["category"],
                                                        labels=labels).tolist()},
        "scorecard": {"metric": "accuracy", "lower_is_better": False, "model": accuracy,
                      "baselines": baselines, "best_baseline": best,
                      **versus_best,
                      "beats_best_baseline": versus_best["verdict"] == BEATS,
                      "meaning": "share of hold-out transactions (the latest period) given "
                                 "their labelled category; the model always answers here"},
    }
    return metrics, predictions_table(test_tx, at_threshold, "holdout")
