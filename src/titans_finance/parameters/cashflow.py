"""``cashflow`` block: conf/base/parameters_cashflow.yml."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from titans_finance.parameters.base import Count, Settings

Share = Annotated[float, Field(gt=0, le=1)]


class CashflowSettings(Settings):
    block = "cashflow"

    horizon_days: Count
    interval_coverage: Annotated[float, Field(gt=0, lt=1)]
    backtest_folds: Count
    inner_folds: Count
    min_history_days: Count
    candidates: Annotated[list[str], Field(min_length=1)]
    default_candidate: str
    selection_tolerance: Annotated[float, Field(ge=0, lt=1)]
    min_exact_share: Share
    min_occurrences: Count
    min_weekly_occurrences: Count
    min_period_share: Share
    max_day_jitter: Annotated[int, Field(ge=0)]
    amount_window: Count
    max_streams_per_key: Count
    max_chance_matches: Annotated[float, Field(gt=0)]
    # a cycle stream's largest recent amount over its smallest (in size) for the daily
    # forecast to project it: 1 = the same amount every time
    cycle_max_amount_ratio: Annotated[float, Field(ge=1)]
    # a young schedule's largest month over its smallest (in size): 1 = the same amount
    young_schedule_max_amount_ratio: Annotated[float, Field(ge=1)]
    # months (of the last 3 ended) a month-end-only counterparty's small booking needs
    young_month_end_min_months: Annotated[int, Field(ge=1, le=3)]
    # ... and its size over the median day with flows at most this
    young_month_end_max_share: Annotated[float, Field(gt=0)]
    # months (of the last 3) a bank transfer of a counterparty seen on no other day needs
    young_transfer_min_months: Annotated[int, Field(ge=1, le=3)]
    rest_level_days: Count
    band_history_days: Count
    opening_balance: float | None
    low_balance_threshold: float
    # horizons (days) of the chance of running short: within the model's 90-day forecast
    shortfall_horizons: Annotated[list[Annotated[int, Field(ge=1, le=90)]], Field(min_length=1)]
    shortfall_paths: Count
    shortfall_block_days: Count
    shortfall_seed: Annotated[int, Field(ge=0)]
    # (intercept, slope) of the logistic recalibration of the simulated share
    shortfall_calibration_below_zero: Annotated[list[float], Field(min_length=2, max_length=2)]
    shortfall_calibration_below_threshold: Annotated[list[float],
                                                     Field(min_length=2, max_length=2)]
