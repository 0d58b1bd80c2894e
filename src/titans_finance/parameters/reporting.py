"""``reporting`` block: conf/base/parameters_reporting.yml."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from titans_finance.parameters.base import Settings


class ReportingSettings(Settings):
    block = "reporting"

    currency: Annotated[str, Field(pattern=r"^[A-Za-z]{3}$")] | None  # ISO 4217
    account: Annotated[str, Field(min_length=1)] | None
