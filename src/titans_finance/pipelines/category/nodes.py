"""Category model: candidate selection, honest evaluation against a baseline, final fit."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.model_selection import cross_val_score

from titans_finance.core.corrections import apply_corrections
from titans_finance.core.schema import UNCERTAIN_CATEGORY
from titans_finance.core.splits import time_split_mask
from titans_finance.models.category import (
    CategoryModel,
    design_frame,
    kfold_for,
    make_estimator,
    parse_rules,
    rules_from_corrections,
)

logger = logging.getLogger(__name__)


def select_labelled_expenses(clean_transactions: pd.DataFrame, feature_table: pd.DataFrame,
                             category_corrections: pd.DataFrame, params: dict[str, Any]
                             ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Expenses with a category after users' corrections (the most recent ``max_train_rows``),
    their features, and what the corrections did.

    Corrections override the export's labels (and label expenses the export left
    uncategorised); the ``corrected`` column marks the rows they touched.
    """
    if len(clean_transactions) != len(feature_table) or not (
            clean_transactions["transaction_id"].to_numpy()
            == feature_table["transaction_id"].to_numpy()).all():
        raise ValueError("feature_table does not match clean_transactions row for row: "
                         "re-run the features pipeline")
    clean_transactions, corrections_report = apply_corrections(clean_transactions,
                                                               category_corrections)
    if corrections_report["invalid"]:
        logger.warning("category corrections: %d unusable line(s) ignored, e.g. %s",
                       len(corrections_report["invalid"]), corrections_report["invalid"][:3])
    if corrections_report["lines"]:
        logger.info("category corrections: %d of %d line(s) matched, %d label(s) changed",
                    corrections_report["matched_lines"], corrections_report["lines"],
                    corrections_report["labels_changed"])
    labelled = ((clean_transactions["type"] == "expense")
                & clean_transactions["category"].notna()).to_numpy()
    transactions = clean_transactions[labelled].reset_index(drop=True)
    features = feature_table[labelled].reset_index(drop=True)
    limit = params.get("max_train_rows")
    if limit and len(transactions) > int(limit):
        transactions, features = transactions.iloc[-int(limit):], features.iloc[-int(limit):]
    if transactions["category"].nunique() < 2 or len(transactions) < 10:
        raise ValueError(f"not enough labelled expenses to train the category model "
                         f"({len(transactions)} rows, {transactions['category'].nunique()} categories)")
    return (transactions.reset_index(drop=True), features.reset_index(drop=True),
            corrections_report)


def category_rules_for(category_rules: Any, transactions: pd.DataFrame, features: pd.DataFrame,
                       params: dict[str, Any]) -> list:
    """The user's rules first, then the rules learnt from consistent corrections of these rows."""
    min_count = int(params.get("corrections", {}).get("rule_min_count", 3))
    corrected = (transactions["corrected"] if "corrected" in transactions
                 else pd.Series(False, index=transactions.index))
    return parse_rules(category_rules) + rules_from_corrections(
        features["merchant_key"], transactions["category"], corrected, min_count)


def _merchant_majority_baseline(train_tx, train_f, test_f) -> np.ndarray:
    majority = (pd.DataFrame({"merchant": train_f["merchant_key"].to_numpy(),
                              "category": train_tx["category"].to_numpy()})
                .groupby("merchant")["category"].agg(lambda s: s.value_counts().index[0]))
    overall = train_tx["category"].value_counts().index[0]
    return test_f["merchant_key"].map(majority).fillna(overall).to_numpy()


def _predictions_table(tx: pd.DataFrame, predictions: pd.DataFrame, split: str) -> pd.DataFrame:
    return pd.DataFrame({
        "transaction_id": tx["transaction_id"].to_numpy(), "date": tx["date"].to_numpy(),
        "description": tx["description"].to_numpy(), "amount": tx["amount"].to_numpy(),
        "category": tx["category"].to_numpy(),
        "predicted_category": predictions["category"].to_numpy(),
        "confidence": predictions["confidence"].to_numpy(),
        "source": predictions["source"].to_numpy(),
        "top_k": predictions["top_k"].map(lambda items: "; ".join(
            f"{i['category']} {i['probability']:.2f}" for i in items)).to_numpy(),
        "split": split,
    })


def select_candidate(train_tx: pd.DataFrame, train_f: pd.DataFrame, params: dict[str, Any]
                     ) -> tuple[str, dict[str, dict[str, float]]]:
    """The candidate with the best accuracy on the last part of the training period.

    Never on the hold-out; on big exports the comparison uses the most recent
    ``selection_max_rows`` before the validation part.
    """
    inner = time_split_mask(train_tx["date"], float(params["validation_fraction"])).to_numpy()
    selection_rows = int(params.get("selection_max_rows", 30_000))
    fit_tx, fit_f = train_tx[~inner].iloc[-selection_rows:], train_f[~inner].iloc[-selection_rows:]
    candidates = {}
    for name in params["candidates"]:
        estimator = make_estimator(name, params).fit(design_frame(fit_tx, fit_f),
                                                     fit_tx["category"].astype("str"))
        predicted = estimator.predict(design_frame(train_tx[inner], train_f[inner]))
        candidates[name] = {"validation_accuracy": float(accuracy_score(
            train_tx["category"][inner].astype("str"), predicted))}
    selected = max(candidates, key=lambda n: candidates[n]["validation_accuracy"])
    logger.info("category candidates %s → %s", candidates, selected)
    return selected, candidates


def evaluate_category_model(transactions: pd.DataFrame, features: pd.DataFrame,
                            category_rules: Any, params: dict[str, Any]
                            ) -> tuple[dict[str, Any], pd.DataFrame]:
    """Time-aware hold-out, candidate selection on an inner time split, 5-fold shuffled CV.

    Returns the metrics and the hold-out predictions of the model trained on the
    earlier period only (honest predictions for the report).
    """
    seed = int(params.get("seed", 42))
    test = time_split_mask(transactions["date"], float(params["test_fraction"])).to_numpy()
    train_tx, train_f = transactions[~test], features[~test]
    # rules learnt from corrections of training-period rows only: no hold-out peeking
    rules = category_rules_for(category_rules, train_tx, train_f, params)
    test_tx, test_f = transactions[test], features[test]

    selected, candidates = select_candidate(train_tx, train_f, params)

    model = CategoryModel(selected, params, rules).fit(train_tx, train_f)
    predicted = model.predict(test_tx, test_f, threshold=0.0)
    truth = test_tx["category"].astype("str").to_numpy()
    at_threshold = model.predict(test_tx, test_f)
    confident = (at_threshold["category"] != UNCERTAIN_CATEGORY).to_numpy()
    baseline = _merchant_majority_baseline(train_tx, train_f, test_f)

    # Comparable with the original system's random split: shuffled folds on all labelled rows.
    cv_rows = int(params.get("cv_max_rows", 20_000))
    cv_tx, cv_f = transactions.iloc[-cv_rows:], features.iloc[-cv_rows:]
    y = cv_tx["category"].astype("str")
    cv_scores = cross_val_score(make_estimator(selected, params), design_frame(cv_tx, cv_f), y,
                                cv=kfold_for(y, int(params.get("cv_folds", 5)), seed))

    labels = sorted(set(truth) | set(predicted["category"]))
    metrics = {
        "holdout_accuracy": float(accuracy_score(truth, predicted["category"])),
        "holdout_macro_f1": float(f1_score(truth, predicted["category"], average="macro",
                                           zero_division=0)),
        "cv_accuracy": float(np.mean(cv_scores)),
        "cv_accuracy_std": float(np.std(cv_scores)),
        "baseline_accuracy": float(accuracy_score(truth, baseline)),
        "confidence_threshold": model.threshold,
        "coverage_at_threshold": float(confident.mean()) if len(confident) else 0.0,
        "accuracy_at_threshold": float(accuracy_score(truth[confident], at_threshold["category"][
            confident])) if confident.any() else 0.0,
        "selected_model": selected,
        "candidates": candidates,
        "temperature": model.temperature,
        "n_train": int(len(train_tx)), "n_test": int(len(test_tx)),
        "n_classes": int(transactions["category"].nunique()),
        "n_rules": len(rules),
        "test_period": [str(test_tx["date"].min().date()), str(test_tx["date"].max().date())],
        "confusion_matrix": {"labels": labels,
                             "matrix": confusion_matrix(truth, predicted["category"],
                                                        labels=labels).tolist()},
    }
    return metrics, _predictions_table(test_tx, at_threshold, "holdout")


def fit_category_model(transactions: pd.DataFrame, features: pd.DataFrame, category_rules: Any,
                       metrics: dict[str, Any], params: dict[str, Any]) -> CategoryModel:
    """The selected candidate refitted on every labelled expense, for serving.

    The calibration temperature is the one fitted (out of fold) for the evaluated model:
    the same recipe on a little more data, and it saves the out-of-fold refits.
    """
    model = CategoryModel(metrics["selected_model"], params,
                          category_rules_for(category_rules, transactions, features, params))
    model.fit(transactions, features, calibrate=False)
    model.temperature = float(metrics.get("temperature", 1.0))
    model.metadata["temperature"] = model.temperature
    model.metadata["metrics"] = {k: v for k, v in metrics.items()
                                 if isinstance(v, int | float | str)}
    return model


def predict_categories(model: CategoryModel, clean_transactions: pd.DataFrame,
                       feature_table: pd.DataFrame, holdout_predictions: pd.DataFrame
                       ) -> pd.DataFrame:
    """Categories for the unlabelled expenses (final model) plus the hold-out predictions."""
    unlabelled = ((clean_transactions["type"] == "expense")
                  & clean_transactions["category"].isna()).to_numpy()
    tx = clean_transactions[unlabelled].reset_index(drop=True)
    if len(tx):
        predicted = model.predict(tx, feature_table[unlabelled].reset_index(drop=True))
        table = _predictions_table(tx, predicted, "unlabelled")
        return pd.concat([holdout_predictions, table], ignore_index=True)
    return holdout_predictions
