"""Publish the trained models, the history state and the drift reference to the BentoML
store, with the manifest the service serves from."""

from __future__ import annotations

from typing import Any

import pandas as pd

from titans_finance.core.drift import DriftReference
from titans_finance.core.fingerprint import data_hash
from titans_finance.core.schema import UNCERTAIN_CATEGORY
from titans_finance.parameters import MonitoringSettings
from titans_finance.registry.publish import publish, training_data_metadata


def build_drift_reference(clean_transactions: pd.DataFrame, feature_table: pd.DataFrame,
                          anomaly_scores: pd.DataFrame, category_predictions: pd.DataFrame,
                          params: dict[str, Any] | MonitoringSettings) -> DriftReference:
    """Reference distributions of the training data (shipped with the models; the
    monitoring pipeline compares new batches with it).

    The category model's confidence reference is its hold-out confidence — the
    model trained on the earlier period scoring later, unseen expenses — which is
    what a healthy new batch should look like; on its own training rows a model
    is over-confident.
    """
    if len(anomaly_scores) != len(clean_transactions):
        raise ValueError("anomaly_scores does not match clean_transactions: re-run the anomaly "
                         "pipeline")
    holdout = category_predictions[category_predictions["split"] == "holdout"]
    decided = holdout[holdout["source"] == "model"]
    reference = DriftReference.fit(clean_transactions, feature_table,
                                   anomaly_scores["is_anomaly"].to_numpy(dtype="bool"),
                                   decided["confidence"].to_numpy(dtype="float64"),
                                   (decided["predicted_category"] == UNCERTAIN_CATEGORY).to_numpy(),
                                   MonitoringSettings.of(params).model_dump())
    reference.data_hash = data_hash(clean_transactions)
    return reference


def package_models(category_model, amount_model, anomaly_model, cashflow_model, history_state,
                   drift_reference, clean_transactions: pd.DataFrame, metrics_category: dict,
                   metrics_amount: dict, metrics_anomaly: dict, metrics_cashflow: dict
                   ) -> dict[str, Any]:
    """One store entry per model; the returned manifest (``packaged_models.json``) names the
    versions the service of this checkout loads, with the SHA-256 of each artefact, which
    the service checks before unpickling (registry/store.py)."""
    common = training_data_metadata(clean_transactions)
    metrics = {"category": metrics_category, "amount": metrics_amount, "anomaly": metrics_anomaly,
               "cashflow": metrics_cashflow}
    models = {"category": category_model, "amount": amount_model, "anomaly": anomaly_model,
              "cashflow": cashflow_model}
    artefacts = {}
    for key, model in models.items():
        scalar_metrics = {k: v for k, v in metrics[key].items()
                          if isinstance(v, int | float | str | bool) or v is None}
        artefacts[key] = (model, {**common, **getattr(model, "metadata", {}),
                                  "metrics": scalar_metrics})
    artefacts["history"] = (history_state, {**common, "global_count": history_state.global_count})
    artefacts["drift_reference"] = (drift_reference,
                                    {**common, "features": list(drift_reference.features)})
    manifest = publish(artefacts)
    return {"packaged_at": common["packaged_at"], "data_hash": common["data_hash"],
            "tags": manifest["tags"], "sha256": manifest["sha256"],
            "artefact_format": manifest["artefact_format"]}
