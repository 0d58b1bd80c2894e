"""``retrain`` block: conf/base/parameters_retrain.yml."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from titans_finance.parameters.base import Section, Settings

Margin = Annotated[float, Field(ge=0)]


class PromotionRule(Section):
    """The challenger may be worse on this metric by at most max(margin,
    relative_margin × |champion value|)."""

    direction: Literal["higher", "lower"]
    margin: Margin
    relative_margin: Margin


class RetrainSettings(Settings):
    block = "retrain"

    holdout_fraction: Annotated[float, Field(gt=0, lt=1)]
    min_holdout_rows: Annotated[int, Field(ge=1)]
    # model (category, amount) → metric → rule; the metric names are checked against the
    # model's metrics when the challenge runs (retrain/nodes.py `promotion_rules`)
    promotion: dict[Literal["category", "amount"],
                    Annotated[dict[str, PromotionRule], Field(min_length=1)]]
