"""Amount model training: candidate selection, hold-out evaluation against a median
baseline, final fit. Plain functions on DataFrames (no Kedro), shared by the amount and
retrain pipelines and the real-data benchmarks."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import mean_absolute_error, median_absolute_error, r2_score

from titans_finance.core.fingerprint import computed_from
from titans_finance.core.splits import time_split_mask
from titans_finance.core.verdict import BEATS, paired_comparison
from titans_finance.models.amount import AmountModel
from titans_finance.parameters import AmountSettings

logger = logging.getLogger(__name__)


def _check_aligned(clean_transactions: pd.DataFrame, feature_table: pd.DataFrame) -> None:
    if len(clean_transactions) != len(feature_table) or not (
            clean_transactions["transaction_id"].to_numpy()
            == feature_table["transaction_id"].to_numpy()).all():
        raise ValueError("feature_table does not match clean_transactions row for row: "
                         "re-run the features pipeline")


def median_baseline(train: pd.DataFrame, train_merchant: pd.Series, test: pd.DataFrame,
                    test_merchant: pd.Series) -> np.ndarray:
    """Median signed amount of the merchant, else of the category (or type), else overall."""
    group = train["category"].fillna("__" + train["type"] + "__")
    by_merchant = train["amount"].groupby(train_merchant.to_numpy()).median()
    by_group = train["amount"].groupby(group.to_numpy()).median()
    test_group = test["category"].fillna("__" + test["type"] + "__")
    prediction = test_merchant.map(by_merchant).to_numpy()
    prediction = np.where(np.isnan(prediction), test_group.map(by_group).to_numpy(), prediction)
    return np.where(np.isnan(prediction), train["amount"].median(), prediction)


def select_candidate(candidates: dict[str, dict[str, Any]], tolerance: float) -> str:
    """Walk the candidates from simplest to most complex; a later one replaces the current
    choice only if its validation MAE is lower by more than ``tolerance`` (relative) *and*
    by more than two standard errors of the paired per-row difference (when the rows'
    errors are given): a learnt correction has to earn its variance, else the validation
    split's noise picks it as often as not (on a small export, always)."""
    if not 0.0 <= tolerance < 1.0:
        raise ValueError(f"amount.selection_tolerance must be in [0, 1), got {tolerance}")
    names = list(candidates)
    current = names[0]
    for name in names[1:]:
        gain = candidates[current]["validation_mae"] - candidates[name]["validation_mae"]
        noise = 0.0
        errors = (candidates[current].get("errors"), candidates[name].get("errors"))
        if errors[0] is not None and errors[1] is not None and len(errors[0]) > 1:
            difference = np.asarray(errors[0]) - np.asarray(errors[1])
            noise = 2.0 * float(difference.std(ddof=1)) / np.sqrt(len(difference))
        if gain > max(tolerance * candidates[current]["validation_mae"], noise):
            current = name
    return current


def evaluate_amount_model(clean_transactions: pd.DataFrame, feature_table: pd.DataFrame,
                          params: dict[str, Any] | AmountSettings
                          ) -> tuple[dict[str, Any], pd.DataFrame]:
    """Time-aware hold-out; candidates compared on the last part of the training period."""
    settings = AmountSettings.of(params)
    model_params = settings.model_dump()
    _check_aligned(clean_transactions, feature_table)
    limit = settings.max_train_rows
    tx = clean_transactions.iloc[-limit:].reset_index(drop=True)
    features = feature_table.iloc[-limit:].reset_index(drop=True)
    test = time_split_mask(tx["date"], settings.test_fraction).to_numpy()
    train_tx, train_f, test_tx, test_f = tx[~test], features[~test], tx[test], features[test]

    inner = time_split_mask(train_tx["date"], settings.validation_fraction).to_numpy()
    candidates = {}
    names = list(settings.candidates)
    if (~inner).sum() < settings.min_correction_rows:
        # a learnt correction from a few dozen rows is noise that a small validation slice
        # can mistake for a gain (on a real account: a fixed bill priced at twice its
        # amount): below the minimum only the prior competes
        names = names[:1]
    for name in names:
        # compared on point predictions: no interval calibration needed (nor its cost)
        candidate = AmountModel(name, model_params).fit(train_tx[~inner], train_f[~inner],
                                                  intervals=False)
        predicted = candidate.predict(train_tx[inner], train_f[inner])["predicted_amount"]
        errors = np.abs(train_tx["amount"][inner].to_numpy() - predicted.to_numpy())
        candidates[name] = {"validation_mae": float(errors.mean()), "errors": errors}
    selected = select_candidate(candidates, settings.selection_tolerance)
    candidates = {name: {"validation_mae": c["validation_mae"]} for name, c in candidates.items()}
    logger.info("amount candidates %s → %s", candidates, selected)

    model = AmountModel(selected, model_params).fit(train_tx, train_f)
    predicted = model.predict(test_tx, test_f)
    actual = test_tx["amount"].to_numpy()
    baseline = median_baseline(train_tx, train_f["merchant_key"], test_tx, test_f["merchant_key"])
    inside = (actual >= predicted["lower"].to_numpy()) & (actual <= predicted["upper"].to_numpy())
    metrics = {
        "holdout_mae": float(mean_absolute_error(actual, predicted["predicted_amount"])),
        "holdout_median_ae": float(median_absolute_error(actual, predicted["predicted_amount"])),
        "holdout_r2": float(r2_score(actual, predicted["predicted_amount"])),
        "baseline_mae": float(mean_absolute_error(actual, baseline)),
        "baseline_r2": float(r2_score(actual, baseline)),
        "interval_coverage": float(inside.mean()),
        "interval_target_coverage": model.coverage,
        "mean_interval_width": float((predicted["upper"] - predicted["lower"]).abs().mean()),
        "selected_model": selected,
        "candidates": candidates,
        "n_test_known_payee": int(predicted["known_payee"].sum()),
        "n_test_new_payee": int((~predicted["known_payee"]).sum()),
        "n_train": int(len(train_tx)), "n_test": int(len(test_tx)),
        "test_period": [str(test_tx["date"].min().date()), str(test_tx["date"].max().date())],
    }
    mae, baseline_mae = metrics["holdout_mae"], metrics["baseline_mae"]
    versus_baseline = paired_comparison(np.abs(actual - predicted["predicted_amount"].to_numpy()),
                                        np.abs(actual - np.asarray(baseline, dtype="float64")))
    metrics["scorecard"] = {
        "metric": "mae", "lower_is_better": True, "model": mae,
        "baselines": {"payee_median": baseline_mae}, "best_baseline": "payee_median",
        **versus_baseline, "beats_best_baseline": versus_baseline["verdict"] == BEATS,
        "meaning": "mean absolute error of the predicted amount of each held-out transaction "
                   "(what the next payment to this payee will be); the baseline is the median "
                   "of the payee's earlier amounts, else of its category or type"}
    if versus_baseline["verdict"] != BEATS:
        logger.warning("the amount model (MAE %.2f) does not beat the per-payee median "
                       "(%.2f) by more than the noise on this export: %s", mae, baseline_mae,
                       versus_baseline["verdict"])
    holdout = pd.DataFrame({"transaction_id": test_tx["transaction_id"].to_numpy(),
                            "date": test_tx["date"].to_numpy(), "actual": actual,
                            "predicted": predicted["predicted_amount"].to_numpy(),
                            "lower": predicted["lower"].to_numpy(),
                            "upper": predicted["upper"].to_numpy(), "baseline": baseline,
                            "known_payee": predicted["known_payee"].to_numpy()})
    metrics["computed_from"] = computed_from(clean_transactions)
    return metrics, holdout


def fit_amount_model(clean_transactions: pd.DataFrame, feature_table: pd.DataFrame,
                     metrics: dict[str, Any], params: dict[str, Any] | AmountSettings
                     ) -> AmountModel:
    settings = AmountSettings.of(params)
    limit = settings.max_train_rows
    model = AmountModel(metrics["selected_model"], settings.model_dump()).fit(
        clean_transactions.iloc[-limit:].reset_index(drop=True),
        feature_table.iloc[-limit:].reset_index(drop=True))
    model.metadata["metrics"] = {k: v for k, v in metrics.items() if isinstance(v, int | float | str)}
    return model
