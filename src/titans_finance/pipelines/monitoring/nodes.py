"""Drift of a new batch of transactions against the training reference."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from titans_finance.core.drift import DriftReference
from titans_finance.core.feature_rows import as_history_account
from titans_finance.core.features import build_features
from titans_finance.core.history_state import HistoryState
from titans_finance.parameters import MonitoringSettings

logger = logging.getLogger(__name__)


def score_batch(batch: pd.DataFrame, history_state: HistoryState, category_model,
                anomaly_model) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Features of the batch from the training history (as in serving) and the models' outputs.
    A single-account batch continues the history of a single-account training export
    whatever its file is called (`as_history_account`)."""
    batch = as_history_account(batch, history_state)
    features = build_features(batch, history_state)
    return features, category_model.predict(batch, features), anomaly_model.score(batch, features)


def detect_drift(drift_reference: DriftReference, batch: pd.DataFrame, features: pd.DataFrame,
                 category_predictions: pd.DataFrame, anomaly_scores: pd.DataFrame,
                 quarantine: pd.DataFrame, duplicates: pd.DataFrame,
                 params: dict[str, Any] | MonitoringSettings) -> dict[str, Any]:
    """The drift report, with what happened to every row of the batch's export."""
    if batch.empty:
        raise ValueError("the batch has no clean transaction to compare: see its quarantine "
                         f"reasons ({len(quarantine)} rows quarantined)")
    report = drift_reference.compare(batch, features, category_predictions, anomaly_scores,
                                     MonitoringSettings.of(params).model_dump())
    reasons = (quarantine["reasons"].str.split("; ").explode().str.split(":").str[0]
               .value_counts().to_dict() if len(quarantine) else {})
    report["batch_rows"] = {"clean": int(len(batch)), "quarantined": int(len(quarantine)),
                            "duplicates": int(len(duplicates)),
                            "quarantine_reasons": {str(k): int(v) for k, v in reasons.items()}}
    drifted = [f["feature"] for f in report["features"] if f["verdict"] == "drift"]
    log = logger.warning if report["verdict"] != "ok" else logger.info
    log("drift verdict %s on %d transactions (%s); drifted features: %s", report["verdict"],
        len(batch), report["counts"], drifted or "none")
    return report
