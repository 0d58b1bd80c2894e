"""Amount pipeline nodes: the training steps of `models.amount.evaluation`, one per node."""

from __future__ import annotations

from typing import Any

import pandas as pd

from titans_finance.models.amount import AmountModel
from titans_finance.models.amount.evaluation import evaluate_amount_model as _evaluate
from titans_finance.models.amount.evaluation import fit_amount_model as _fit
from titans_finance.parameters import AmountSettings


def evaluate_amount_model(clean_transactions: pd.DataFrame, feature_table: pd.DataFrame,
                          params: dict[str, Any] | AmountSettings
                          ) -> tuple[dict[str, Any], pd.DataFrame]:
    """Time-aware hold-out; candidates compared on the last part of the training period."""
    return _evaluate(clean_transactions, feature_table, params)


def fit_amount_model(clean_transactions: pd.DataFrame, feature_table: pd.DataFrame,
                     metrics: dict[str, Any], params: dict[str, Any] | AmountSettings
                     ) -> AmountModel:
    """The selected candidate fitted on all (recent) rows, with its hold-out metrics."""
    return _fit(clean_transactions, feature_table, metrics, params)
