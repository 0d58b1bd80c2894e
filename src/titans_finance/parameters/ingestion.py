"""``ingestion`` block: conf/base/parameters_ingestion.yml."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from titans_finance.parameters.base import Settings


def _iso_date(value: Any) -> Any:
    """A YAML date (``2025-06-30`` unquoted) or an ISO string, kept as the ISO string."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}") from None
    return value


IsoDate = Annotated[str, BeforeValidator(_iso_date)]


def _flag_or_auto(value: Any) -> Any:
    # a Literal[True] would take 1 (1 == True): a count is not a yes/no
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(f"expected auto, true or false, got {value!r}")
    return value


class IngestionSettings(Settings):
    block = "ingestion"

    day_first: Annotated[Literal["auto", True, False], BeforeValidator(_flag_or_auto)]
    min_date: IsoDate
    max_future_days: Annotated[int, Field(ge=0)]
    reference_date: IsoDate | None
    max_abs_amount: Annotated[float, Field(gt=0)]
    category_vocabulary_min_count: Annotated[int, Field(ge=1)]
    category_typo_cutoff: Annotated[float, Field(gt=0, le=1)]
    identical_lines_in_one_file: Literal["keep", "duplicate"]
    transfer_window_days: Annotated[int, Field(ge=0)]
    payment_against_purchases_share: Annotated[float, Field(ge=0, lt=1)]
