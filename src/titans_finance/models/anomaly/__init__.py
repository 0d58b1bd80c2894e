"""The anomaly model: explained flags worth reading.

`model` (the detector, `AnomalyModel`), `rolling_scores` (scoring against a rolling history),
`flat_forest` (the isolation forest as flat arrays, for fast scoring), `baselines` (the
peers it is scored against). No Kedro import.
"""

from titans_finance.models.anomaly.baselines import raw_feature_baseline_matrix, robust_payee_z
from titans_finance.models.anomaly.model import (
    COMPONENTS,
    HYPER_PARAMETERS,
    ISOLATION_INPUTS,
    AnomalyModel,
)
from titans_finance.models.anomaly.rolling_scores import score_with_rolling_history

__all__ = ["COMPONENTS", "HYPER_PARAMETERS", "ISOLATION_INPUTS", "AnomalyModel",
           "raw_feature_baseline_matrix", "robust_payee_z", "score_with_rolling_history"]
