"""Request and response models of the REST API (pydantic; the OpenAPI page is built from them).

Values are read by the ingestion's own parsers (`core.normalise`): a request accepts
exactly the spellings an export may use — amounts such as ``"-34,12"``, ``"£34.12"``,
``"1.234,56"`` or ``"(34.12)"``, dates such as ``14/03/2025``, ``14.03.2025``,
``20250314`` or ``2025-03-14T10:22:00`` (an ambiguous ``03/04/2025`` is read month-first,
as for an export with no day-first evidence), enum typos such as ``credit_car`` or
``Expence`` — and refuses what the ingestion would quarantine, with a message naming the
field. Every string has a length limit; messages quote at most a short prefix of a value.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from titans_finance.serving.errors import TOO_MANY_ITEMS, quote
from titans_finance.serving.request_frame import transactions_frame  # noqa: F401 (its old home)
from titans_finance.serving.spellings import AMOUNTS, DATES, MAX_VALUE_CHARS, Unreadable

MAX_BATCH = 10_000
MIN_DATE = dt.date(1970, 1, 1)
MAX_ABS_AMOUNT = 1e9
MAX_FORECAST_DAYS = 90
# longest spelling of an amount or a date the parsers are asked to read
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_EXAMPLE = {
    "description": "SHELL OIL 57444 HOUSTON TX",
    "amount": -64.20,
    "date": "2025-03-14",
    "type": "expense",
    "payment_method": "credit_card",
    "merchant": "Shell",
}


def max_future_days() -> int:
    from titans_finance.core.normalise import MAX_FUTURE_DAYS

    return MAX_FUTURE_DAYS


def latest_date() -> dt.date:
    """The latest date a request may carry: today plus `max_future_days`, read at each
    request (a service running past midnight moves it; tests pin it here)."""
    return dt.date.today() + dt.timedelta(days=max_future_days())


def preparse_items(items: Any) -> Any:
    """Read the string amounts and dates of many raw items with one call of each parser
    for the spellings not seen before (a batch of 10,000 would take minutes value by
    value); values are replaced by their parsed form, unreadable ones by a marker the
    item validator reports."""
    read = read_spellings(items)
    if read is None:
        return items
    amount_of, texts, date_of = read
    out = []
    for item, text in zip(items, texts, strict=True):
        if isinstance(item, dict):
            item = dict(item)
            if isinstance(item.get("amount"), str) and item["amount"] in amount_of:
                item["amount"] = amount_of[item["amount"]]
            if text is not None and text in date_of:
                item["date"] = date_of[text]
        out.append(item)
    return out


def read_spellings(items: Any) -> tuple[dict, list, dict] | None:
    """What `preparse_items` reads of the items, before it copies them: the parsed form of
    each distinct string amount, each item's date as text (None: no date to read) and the
    parsed form of each distinct date text. None: nothing to read (then the items stay as
    they are)."""
    if not isinstance(items, list) or not items or len(items) > MAX_BATCH:
        return None
    amounts = {v for i in items if isinstance(i, dict) and isinstance(v := i.get("amount"), str)
               and len(v) <= MAX_VALUE_CHARS}
    # each item's date as text, once (None: no date to read)
    # (`_date_text` written out, a tuple of types: no call an item, ~0.04 ms of 1,000)
    texts = [str(v).strip() if isinstance(i, dict) and isinstance(v := i.get("date"), (str, int))
             and not isinstance(v, bool) else None for i in items]
    dates = {t for t in texts if t is not None and len(t) <= MAX_VALUE_CHARS}
    if not amounts and not dates:
        return None
    return (AMOUNTS.get_many(amounts) if amounts else {}, texts,
            DATES.get_many(dates) if dates else {})


def _date_text(value: str | int) -> str:
    return str(value).strip()


def _no_control_characters(value: str | None, field: str) -> str | None:
    if value is not None and _CONTROL.search(value):
        raise ValueError(f"{field} contains a control character (NUL, escape...); remove it")
    return value


@functools.lru_cache(maxsize=1024)
def _corrected(value: str, field: str) -> tuple[str | None, bool]:
    """(canonical value, unknown?) for one raw enum value (at most 50 characters: the
    fields' limit); requests repeat a handful of values, so the pandas-based normaliser
    runs once per distinct value, not once per item."""
    import pandas as pd  # here, not at import: the serving supervisor process stays light

    from titans_finance.core.normalise import correct_payment_methods, correct_types

    corrector = correct_types if field == "type" else correct_payment_methods
    corrected, unknown = corrector(pd.Series([value]))
    result = corrected.iloc[0]
    return (None if pd.isna(result) else str(result)), bool(unknown.iloc[0])


def payment_method_of(value: str) -> str | None:
    """The canonical payment method; as in ingestion, an unrecognised one is "other"."""
    result, unknown = _corrected(value, "payment_method")
    return "other" if unknown else result


def snake_case(value: str) -> str:
    """A category as the models name it: lower case, words joined by underscores."""
    return "_".join(value.lower().replace("-", " ").split())


def inferred_type(amount: float, category: str | None) -> str:
    """The type of a transaction sent without one: money out, or a category named, is an
    expense."""
    return "expense" if amount < 0 or category else "income"


def read_amount(value: Any) -> Any:
    """A request's amount: a JSON number as is, a string by the ingestion's parser."""
    if isinstance(value, bool):
        raise ValueError("amount must be a number, not true/false")
    if isinstance(value, Unreadable):
        raise ValueError(f"not an amount: {quote(value.text)}")
    if isinstance(value, str):
        number = AMOUNTS.get(value) if len(value) <= MAX_VALUE_CHARS else None
        if number is None or isinstance(number, Unreadable):
            raise ValueError(f"not an amount: {quote(value)}")
        return number
    return value


def read_date(value: Any) -> Any:
    """A request's date: a string (or an integer such as 20250314) by the ingestion's parser;
    never a number of seconds."""
    if value is None:
        return None
    if isinstance(value, Unreadable):
        raise ValueError(f"not a date: {quote(value.text)} (write e.g. 2025-03-14)")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str | int) and not isinstance(value, bool):
        text = _date_text(value)
        parsed = DATES.get(text) if len(text) <= MAX_VALUE_CHARS else None
        if parsed is None or isinstance(parsed, Unreadable):
            raise ValueError(f"not a date: {quote(text)} (write e.g. 2025-03-14)")
        return parsed
    raise ValueError("date must be a string such as \"2025-03-14\"")


_AMOUNT_SCHEMA = WithJsonSchema({
    "anyOf": [{"type": "number"}, {"type": "string", "maxLength": MAX_VALUE_CHARS}],
    "description": "Signed amount, money out negative: a number, or a string as exports "
                   "write it (\"-34,12\", \"£34.12\", \"1.234,56\", \"(34.12)\")"})
_DATE_SCHEMA = WithJsonSchema({
    "type": "string", "maxLength": MAX_VALUE_CHARS, "examples": ["2025-03-14"],
    "description": "Transaction date as exports write it: 2025-03-14, 14/03/2025, 14.03.2025, "
                   "20250314, 2025-03-14T10:22:00, 14 Mar 2025 (ambiguous day/month: "
                   "month first with slashes, day first with dots); at most MAX_FUTURE_DAYS (31) days after today"})


class Transaction(BaseModel):
    """One transaction as the service receives it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True,
                              json_schema_extra={"example": _EXAMPLE})

    description: Annotated[str, Field(min_length=1, max_length=500,
                                      description="Text of the bank line or the user's note")]
    amount: Annotated[float, Field(allow_inf_nan=False, ge=-MAX_ABS_AMOUNT, le=MAX_ABS_AMOUNT),
                      _AMOUNT_SCHEMA]
    date: Annotated[dt.date, _DATE_SCHEMA]
    type: Annotated[str | None, Field(default=None, max_length=20,
                                      description="income or expense (typos corrected); "
                                      "inferred from the sign when absent")] = None
    payment_method: Annotated[str | None, Field(default=None, max_length=50)] = None
    merchant: Annotated[str | None, Field(default=None, max_length=200,
                                          description="Merchant / payee (the export's Reference)")] = None
    category: Annotated[str | None, Field(default=None, max_length=100,
                                          description="Known category, if any (used by the "
                                          "amount and anomaly models)")] = None
    account: Annotated[str | None, Field(
        default=None, max_length=100,
        description="The account this transaction belongs to (history, anomaly statistics "
        "and duplicates are the account's own); absent: the default account, the training "
        "export's account with the most transactions (a single-account export's only one)")
    ] = None
    transaction_id: Annotated[str | None, Field(
        default=None, min_length=1, max_length=100,
        description="The client's id of this transaction. A transaction whose id is already "
        "recorded in its account (a retried request) is answered as the first time and not "
        "recorded again; the same id with other values is refused (409)")] = None
    record: Annotated[bool, Field(
        description="/predict/anomaly and /predict/batch: add this transaction to its "
        "account's rolling history after scoring it, so later ones see it (a second send of "
        "the same charge is a possible duplicate). false: a dry run, nothing kept. "
        "/predict/category and /predict/amount never record")] = True

    @field_validator("amount", mode="before")
    @classmethod
    def _read_amount(cls, value: Any) -> Any:
        return read_amount(value)

    @field_validator("date", mode="before")
    @classmethod
    def _read_date(cls, value: Any) -> Any:
        return read_date(value)

    @field_validator("date")
    @classmethod
    def _plausible_date(cls, value: dt.date) -> dt.date:
        latest = latest_date()
        if not MIN_DATE <= value <= latest:
            raise ValueError(f"date must be between {MIN_DATE} and {latest} "
                             f"(at most {max_future_days()} days after today)")
        return value

    @field_validator("description", "merchant", "category", "type", "payment_method", "account",
                     "transaction_id")
    @classmethod
    def _printable(cls, value: str | None, info) -> str | None:
        return _no_control_characters(value, info.field_name)

    @field_validator("description")
    @classmethod
    def _description_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("description must not be empty")
        return " ".join(value.split())

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str | None) -> str | None:
        if value is None:
            return None
        result, unknown = _corrected(value, "type")
        if unknown:
            raise ValueError(f"unknown type {quote(value)}: use income or expense")
        return result

    @field_validator("payment_method")
    @classmethod
    def _known_payment_method(cls, value: str | None) -> str | None:
        return None if value is None else payment_method_of(value)

    @field_validator("category")
    @classmethod
    def _snake_category(cls, value: str | None) -> str | None:
        return snake_case(value) if value is not None and value.strip() else None

    @model_validator(mode="after")
    def _infer_type(self) -> Transaction:
        if self.type is None:
            self.type = inferred_type(self.amount, self.category)
        return self


def refuse_oversized(data: Any) -> Any:
    """Refuse a body of more than `MAX_BATCH` transactions before any is validated (a list's
    ``max_length`` is checked only after every item was)."""
    if isinstance(data, dict) and isinstance(data.get("transactions"), list):
        count = len(data["transactions"])
        if count > MAX_BATCH:
            raise PydanticCustomError(
                TOO_MANY_ITEMS, "at most {limit} transactions per request, got {count}",
                {"limit": MAX_BATCH, "count": count})
    return data


class ForecastRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {"horizon_days": 30}})
    horizon_days: Annotated[int, Field(ge=1, le=MAX_FORECAST_DAYS, description=(
        f"Days to forecast, 1-{MAX_FORECAST_DAYS} (the model stores {MAX_FORECAST_DAYS} days "
        "after the end of its training data)"))] = 30
    opening_balance: Annotated[float | None, Field(
        default=None, allow_inf_nan=False, ge=-1e12, le=1e12,
        description="Balance on the 'as of' day; default: the model's own projected balance")
    ] = None
    low_balance_threshold: Annotated[float | None, Field(default=None, allow_inf_nan=False,
                                                         ge=-1e12, le=1e12)] = None


FORECAST_DAY_FIELDS = ("point", "lower", "upper", "expected_net", "change", "change_lower",
                       "change_upper", "balance", "balance_lower", "balance_upper")


def forecast_days(table: Any) -> list[dict[str, Any]]:
    """The days of `/forecast/cashflow`: the daily net (point and range), the expected net
    and its running total ``change`` since ``as_of`` (with its range), and the balance —
    null when none is known (the export has no balance and none is declared or given)."""
    return [{"date": str(row["date"].date()),
             **{name: finite_or_none(row[name], 2) for name in FORECAST_DAY_FIELDS}}
            for row in table.to_dict("records")]


def finite_or_none(value: Any, digits: int | None = None) -> float | None:
    """JSON-safe number: NaN/inf become null; rounded to ``digits`` when given."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    return round(number, digits) if digits is not None else number


class Feedback(BaseModel):
    """A user's correction of a transaction's category (appended to the corrections file)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={
        "example": {"reference": "INV-2025-0042", "date": "2025-03-14", "amount": -49.0,
                    "category": "software", "predicted_category": "office_supplies"}})

    category: Annotated[str, Field(min_length=1, max_length=100,
                                   description="The correct category (snake_case after "
                                   "normalisation: 'Office Supplies' → office_supplies)")]
    reference: Annotated[str | None, Field(default=None, max_length=200,
                                           description="The export's Reference of the "
                                           "transaction (with its date and amount); else its "
                                           "description")] = None
    date: Annotated[dt.date | None, _DATE_SCHEMA] = None
    description: Annotated[str | None, Field(default=None, max_length=500)] = None
    amount: Annotated[float | None, Field(default=None, allow_inf_nan=False,
                                          ge=-MAX_ABS_AMOUNT, le=MAX_ABS_AMOUNT),
                      _AMOUNT_SCHEMA] = None
    predicted_category: Annotated[str | None, Field(default=None, max_length=100)] = None
    dry_run: Annotated[bool, Field(description="Check and show the line that would be "
                                   "recorded, without recording it")] = False

    @field_validator("amount", mode="before")
    @classmethod
    def _read_amount(cls, value: Any) -> Any:
        return None if value is None else read_amount(value)

    @field_validator("date", mode="before")
    @classmethod
    def _read_date(cls, value: Any) -> Any:
        return read_date(value)

    @field_validator("reference", "description", "category", "predicted_category")
    @classmethod
    def _printable(cls, value: str | None, info) -> str | None:
        return _no_control_characters(value, info.field_name)

    @field_validator("category", "predicted_category")
    @classmethod
    def _snake(cls, value: str | None) -> str | None:
        if value is None:
            return None
        snake = snake_case(value)
        if not re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", snake):
            raise ValueError("must be letters, digits and spaces/underscores, e.g. office_supplies")
        return snake

    @model_validator(mode="after")
    def _names_a_transaction(self) -> Feedback:
        # a reference alone is a payee, not a transaction: it relabelled every charge to it
        if self.date is None or self.amount is None or not (self.reference or self.description):
            raise ValueError("name one transaction: its date and amount, with its reference "
                             "(or its description when it has none); a reference alone names "
                             "every transaction to that payee")
        return self

    def record(self) -> dict[str, Any]:
        return {"reference": self.reference or "", "date": self.date.isoformat() if self.date
                else "", "description": self.description or "",
                "amount": "" if self.amount is None else self.amount,
                "category": self.category, "predicted_category": self.predicted_category or ""}
