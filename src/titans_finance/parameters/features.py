"""``features`` block: conf/base/parameters_features.yml."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from titans_finance.core.feature_params import FeatureParams
from titans_finance.parameters.base import Count, Settings



class FeaturesSettings(Settings):
    block = "features"

    windows: Annotated[list[Count], Field(min_length=1)]
    recurring_min_count: Count
    recurring_gap_range: Annotated[list[Annotated[float, Field(ge=0)]],
                                   Field(min_length=2, max_length=2)]
    recurring_gap_std_max: Annotated[float, Field(ge=0)]
    recurring_amount_cv_max: Annotated[float, Field(ge=0)]

    def feature_params(self) -> FeatureParams:
        """The domain's `FeatureParams` (what `build_features` and the history take)."""
        return FeatureParams.from_any(self.model_dump())
