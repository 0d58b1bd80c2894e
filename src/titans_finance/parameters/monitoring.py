"""``monitoring`` block: conf/base/parameters_monitoring.yml."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from titans_finance.parameters.base import Section, Settings

Rate = Annotated[float, Field(ge=0)]


class DriftThresholdSettings(Section):
    """``monitoring.thresholds`` (core/drift.py `DriftThresholds` checks their order)."""

    psi_warn: Rate
    psi_drift: Rate
    ks_warn: Rate
    ks_drift: Rate
    ks_alpha: Rate
    rate_warn: Rate
    rate_drift: Rate
    rate_alpha: Rate
    min_batch_rows: Annotated[int, Field(ge=0)]


class MonitoringSettings(Settings):
    block = "monitoring"

    features: Annotated[list[str], Field(min_length=1)]
    reference_fraction: Annotated[float, Field(gt=0, le=1)]
    n_bins: Annotated[int, Field(ge=2)]
    max_discrete: Annotated[int, Field(ge=1)]
    sample_size: Annotated[int, Field(ge=1)]
    seed: int
    thresholds: DriftThresholdSettings
