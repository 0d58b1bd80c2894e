"""Thin nodes over `titans_finance.core.features` (the code serving uses too)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from titans_finance.core.features import build_features, feature_groups
from titans_finance.core.history_state import HistoryState
from titans_finance.core.scale import run_rows
from titans_finance.parameters import FeaturesSettings, scale_of


def build_feature_table(clean_transactions: pd.DataFrame,
                        params: dict[str, Any] | FeaturesSettings,
                        scale: dict[str, Any] | None = None) -> pd.DataFrame:
    """Features of every clean transaction, history features from earlier rows of its
    account only; with ``scale.engine: dask`` computed on partitions of whole accounts."""
    return run_rows(clean_transactions, build_features, None,
                    FeaturesSettings.of(params).feature_params(), scale=scale_of(scale))


def build_history_state(clean_transactions: pd.DataFrame,
                        params: dict[str, Any] | FeaturesSettings) -> HistoryState:
    """The history after the last clean transaction: what serving needs for new ones."""
    return HistoryState.from_frame(clean_transactions,
                                   FeaturesSettings.of(params).feature_params())


def summarise_features(feature_table: pd.DataFrame, params: dict[str, Any] | FeaturesSettings
                       ) -> dict[str, Any]:
    """Groups, columns and basic health of the feature table, for the report and reviewers."""
    groups = feature_groups(FeaturesSettings.of(params).feature_params())
    numeric = [c for cols in groups.values() for c in cols if c in feature_table
               and pd.api.types.is_numeric_dtype(feature_table[c])]
    values = feature_table[numeric].to_numpy(dtype="float64") if numeric else np.empty((0, 0))
    return {
        "n_rows": int(len(feature_table)),
        "n_features": int(sum(len(c) for c in groups.values())),
        "n_numeric_features": len(numeric),
        "groups": {name: list(columns) for name, columns in groups.items()},
        "non_finite_values": int((~np.isfinite(values)).sum()) if values.size else 0,
        "share_recurring": float(feature_table["is_recurring"].mean()) if len(feature_table) else 0.0,
    }
