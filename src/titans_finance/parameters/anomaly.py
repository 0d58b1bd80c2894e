"""``anomaly`` block: conf/base/parameters_anomaly.yml."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from titans_finance.parameters.base import Count, Fraction, Section, Settings, Weight



class AnomalyWeights(Section):
    """Weights of the noisy-OR signals (models/anomaly/model.py ``COMPONENTS``)."""

    isolation: Weight
    amount: Weight
    duplicate: Weight
    new_payee: Weight
    burst: Weight


class IsolationForestSettings(Section):
    n_estimators: Count
    max_samples: Count


class AnomalySettings(Settings):
    block = "anomaly"

    test_fraction: Fraction
    contamination: Annotated[float, Field(gt=0, lt=1)] | None
    calibration_fraction: Fraction
    min_calibration_rows: Count
    score_threshold: Annotated[float, Field(ge=0, le=1)]
    weights: AnomalyWeights
    amount_z_start: Annotated[float, Field(ge=0)]
    amount_z_full: Annotated[float, Field(gt=0)]
    min_group_count: Count
    min_log_spread: Annotated[float, Field(gt=0)]
    new_payee_ratio_full: Annotated[float, Field(gt=1)]
    duplicate_window_days: Annotated[int, Field(ge=0)]
    burst_min_earlier: Count
    isolation_floor: Annotated[float, Field(ge=0, lt=1)]
    isolation_forest: IsolationForestSettings
    k: Count | None
    seed: int
    n_jobs: int
