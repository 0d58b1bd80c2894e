"""Request and response models of the REST API (pydantic; the OpenAPI page is built from them).

Validation reuses the ingestion normalisers, so the service accepts exactly the
spellings an export may use (``credit_car``, ``Expence``...) and rejects what the
ingestion would quarantine, with a message naming the field.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

if TYPE_CHECKING:
    import pandas as pd

MAX_BATCH = 10_000
MIN_DATE = dt.date(1970, 1, 1)
MAX_FUTURE_DAYS = 366
MAX_ABS_AMOUNT = 1e9

_EXAMPLE = {
    "description": "SHELL OIL 57444 HOUSTON TX",
    "amount": -64.20,
    "date": "2025-03-14",
    "type": "expense",
    "payment_method": "credit_card",
    "merchant": "Shell",
}


@functools.lru_cache(maxsize=4096)
def _corrected(value: str, field: str) -> tuple[str | None, bool]:
    """(canonical value, unknown?) for one raw enum value; requests repeat a handful of values,
    so the pandas-based normaliser runs once per distinct value, not once per item."""
    import pandas as pd  # here, not at import: the serving supervisor process stays light

    from titans_finance.core.normalise import correct_payment_methods, correct_types

    corrector = correct_types if field == "type" else correct_payment_methods
    corrected, unknown = corrector(pd.Series([value]))
    result = corrected.iloc[0]
    return (None if pd.isna(result) else str(result)), bool(unknown.iloc[0])


def _normalise_enum(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    result, unknown = _corrected(value, field)
    if unknown:
        raise ValueError(f"unknown {field} {value!r}")
    return result


class Transaction(BaseModel):
    """One transaction as the service receives it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True,
                              json_schema_extra={"example": _EXAMPLE})

    description: Annotated[str, Field(min_length=1, max_length=500,
                                      description="Text of the bank line or the user's note")]
    amount: Annotated[float, Field(allow_inf_nan=False, ge=-MAX_ABS_AMOUNT, le=MAX_ABS_AMOUNT,
                                   description="Signed amount: money out negative")]
    date: Annotated[dt.date, Field(description="Transaction date, YYYY-MM-DD")]
    type: Annotated[str | None, Field(default=None, description="income or expense; "
                                      "inferred from the sign when absent")] = None
    payment_method: Annotated[str | None, Field(default=None, max_length=50)] = None
    merchant: Annotated[str | None, Field(default=None, max_length=200,
                                          description="Merchant / payee (the export's Reference)")] = None
    category: Annotated[str | None, Field(default=None, max_length=100,
                                          description="Known category, if any (used by the "
                                          "amount and anomaly models)")] = None

    @field_validator("description")
    @classmethod
    def _description_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("description must not be empty")
        return " ".join(value.split())

    @field_validator("date")
    @classmethod
    def _plausible_date(cls, value: dt.date) -> dt.date:
        latest = dt.date.today() + dt.timedelta(days=MAX_FUTURE_DAYS)
        if not MIN_DATE <= value <= latest:
            raise ValueError(f"date must be between {MIN_DATE} and {latest}")
        return value

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str | None) -> str | None:
        return _normalise_enum(value, "type")

    @field_validator("payment_method")
    @classmethod
    def _known_payment_method(cls, value: str | None) -> str | None:
        if value is None:
            return None
        result, unknown = _corrected(value, "payment_method")
        # As in ingestion, an unrecognised method is "other", not an error.
        return "other" if unknown else result

    @field_validator("category")
    @classmethod
    def _snake_category(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return "_".join(value.lower().replace("-", " ").split())

    @model_validator(mode="after")
    def _infer_type(self) -> Transaction:
        if self.type is None:
            self.type = "expense" if self.amount < 0 or self.category else "income"
        return self


def transactions_frame(transactions: list[Transaction]) -> pd.DataFrame:
    """Validated transactions → a frame with the clean-table columns the models expect."""
    import pandas as pd

    frame = pd.DataFrame(
        {
            "transaction_id": [f"req_{i}" for i in range(len(transactions))],
            "source_row": range(1, len(transactions) + 1),
            "date": pd.to_datetime([t.date for t in transactions]).astype("datetime64[ns]"),
            "type": [t.type for t in transactions],
            "description": [t.description for t in transactions],
            "amount": [t.amount for t in transactions],
            "category": [t.category for t in transactions],
            "payment_method": [t.payment_method for t in transactions],
            "status": [None] * len(transactions),
            "reference": [t.merchant for t in transactions],
            "receipt_url": [None] * len(transactions),
        }
    )
    # Expenses negative, income positive, as in the clean table.
    sign_wrong = ((frame["type"] == "expense") & (frame["amount"] > 0)) | (
        (frame["type"] == "income") & (frame["amount"] < 0))
    frame.loc[sign_wrong, "amount"] = -frame.loc[sign_wrong, "amount"]
    return frame


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    transactions: Annotated[list[Transaction], Field(min_length=1, max_length=MAX_BATCH,
                                                     description=f"1 to {MAX_BATCH} transactions")]


class ForecastRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {"horizon_days": 30}})
    horizon_days: Annotated[int, Field(ge=1, le=90, description="Days to forecast, 1-90")] = 30
    opening_balance: Annotated[float | None, Field(default=None, allow_inf_nan=False,
                                                   description="Balance today; default: the "
                                                   "model's own projected balance")] = None
    low_balance_threshold: Annotated[float | None, Field(default=None, allow_inf_nan=False)] = None


def finite_or_none(value: Any) -> float | None:
    """JSON-safe number: NaN/inf become null."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


class Feedback(BaseModel):
    """A user's correction of a transaction's category (appended to the corrections file)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={
        "example": {"reference": "INV-2025-0042", "category": "software",
                    "predicted_category": "office_supplies"}})

    category: Annotated[str, Field(min_length=1, max_length=100,
                                   description="The correct category (snake_case after "
                                   "normalisation: 'Office Supplies' → office_supplies)")]
    reference: Annotated[str | None, Field(default=None, max_length=200,
                                           description="The export's Reference of the "
                                           "transaction; else give date, description, amount")] = None
    date: dt.date | None = None
    description: Annotated[str | None, Field(default=None, max_length=500)] = None
    amount: Annotated[float | None, Field(default=None, allow_inf_nan=False,
                                          ge=-MAX_ABS_AMOUNT, le=MAX_ABS_AMOUNT)] = None
    predicted_category: Annotated[str | None, Field(default=None, max_length=100)] = None

    @field_validator("category", "predicted_category")
    @classmethod
    def _snake(cls, value: str | None) -> str | None:
        if value is None:
            return None
        snake = "_".join(value.lower().replace("-", " ").split())
        if not re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", snake):
            raise ValueError("must be letters, digits and spaces/underscores, e.g. office_supplies")
        return snake

    @model_validator(mode="after")
    def _names_a_transaction(self) -> Feedback:
        if not self.reference and not (self.date and self.description and self.amount is not None):
            raise ValueError("name the transaction: reference, or date + description + amount")
        return self

    def record(self) -> dict[str, Any]:
        return {"reference": self.reference or "", "date": self.date.isoformat() if self.date
                else "", "description": self.description or "",
                "amount": "" if self.amount is None else self.amount,
                "category": self.category, "predicted_category": self.predicted_category or ""}
