"""Save the current models into the BentoML model store with their metadata."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd

from titans_finance.core.fingerprint import data_hash
from titans_finance.serving.store import STORE_NAMES, artefact_digests, save


def store_metadata(value: Any) -> Any:
    """JSON-compatible copy without nulls (BentoML metadata accepts no None)."""
    value = json.loads(json.dumps(value, default=str))

    def strip(item):
        if isinstance(item, dict):
            return {k: strip(v) for k, v in item.items() if v is not None}
        if isinstance(item, list):
            return [strip(v) for v in item if v is not None]
        return item

    return strip(value)


def package_models(category_model, amount_model, anomaly_model, cashflow_model, history_state,
                   drift_reference, clean_transactions: pd.DataFrame, metrics_category: dict,
                   metrics_amount: dict, metrics_anomaly: dict, metrics_cashflow: dict
                   ) -> dict[str, Any]:
    """One store entry per model; the returned manifest (``packaged_models.json``) names the
    versions the service of this checkout loads, with the SHA-256 of each artefact, which
    the service checks before unpickling (serving/store.py)."""
    content_hash = data_hash(clean_transactions)
    packaged_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    common = {"data_hash": content_hash, "packaged_at": packaged_at,
              "n_transactions": int(len(clean_transactions))}
    metrics = {"category": metrics_category, "amount": metrics_amount, "anomaly": metrics_anomaly,
               "cashflow": metrics_cashflow}
    models = {"category": category_model, "amount": amount_model, "anomaly": anomaly_model,
              "cashflow": cashflow_model}
    tags = {}
    for key, model in models.items():
        scalar_metrics = {k: v for k, v in metrics[key].items()
                          if isinstance(v, int | float | str | bool) or v is None}
        metadata = store_metadata({**common, **getattr(model, "metadata", {}),
                               "metrics": scalar_metrics})
        tags[key] = save(STORE_NAMES[key], model, metadata, {"project": "titans-finance"})
    tags["history"] = save(STORE_NAMES["history"], history_state,
                           store_metadata({**common, "global_count": history_state.global_count}),
                           {"project": "titans-finance"})
    tags["drift_reference"] = save(STORE_NAMES["drift_reference"], drift_reference,
                                   store_metadata({**common, "features": list(drift_reference.features)}),
                                   {"project": "titans-finance"})
    return {"packaged_at": packaged_at, "data_hash": content_hash, "tags": tags,
            "sha256": artefact_digests(tags)}
