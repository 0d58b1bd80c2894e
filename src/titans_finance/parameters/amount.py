"""``amount`` block: conf/base/parameters_amount.yml (the comments there say what each does)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from titans_finance.parameters.base import Count, Fraction, Section, Settings



class RidgeSettings(Section):
    alpha: Annotated[float, Field(gt=0)]


class AmountLightGBMSettings(Section):
    n_estimators: Count
    learning_rate: Annotated[float, Field(gt=0)]
    num_leaves: Annotated[int, Field(ge=2)]
    min_child_samples: Count


class AmountSettings(Settings):
    block = "amount"

    test_fraction: Fraction
    validation_fraction: Fraction
    candidates: Annotated[list[Literal["prior", "ridge", "lightgbm"]], Field(min_length=1)]
    selection_tolerance: Annotated[float, Field(ge=0, lt=1)]
    min_correction_rows: Annotated[int, Field(ge=0)]
    prior_min_count: Count
    prior_recent_days: Count | None
    interval_coverage: Fraction
    calibration_fraction: Annotated[float, Field(gt=0, le=1)]
    calibration_blocks: Count
    interval_spread_floor: Annotated[float, Field(ge=0)]
    max_train_rows: Count
    max_text_features: Count
    seed: int
    n_jobs: int
    ridge: RidgeSettings
    lightgbm: AmountLightGBMSettings
