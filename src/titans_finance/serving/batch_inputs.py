"""Request bodies of the batch endpoints, and their items validated off the event loop."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    InstanceOf,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import from_json

from titans_finance.serving.errors import field_errors
from titans_finance.serving.schemas import (
    MAX_BATCH,
    Transaction,
    preparse_items,
    refuse_oversized,
)
from titans_finance.serving.tenants import scope_to_caller

_EXAMPLE = Transaction.model_config["json_schema_extra"]["example"]


class TransactionInput(Transaction):
    """One transaction (request body of the single-prediction endpoints)."""


class BatchInput(BaseModel):
    """Up to `MAX_BATCH` transactions. Only the list is checked while the request is parsed
    (on the event loop); the items are validated with the scoring, on the batch thread, so
    the probes never wait behind a large body (`validated_transactions`)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {
        "transactions": [_EXAMPLE]}})
    # InstanceOf: in Python mode (the parsed body, `model_validate_json`) each item is
    # checked to be a dict and kept, not copied; in JSON mode validated as a dict, as before
    transactions: Annotated[list[InstanceOf[dict]], Field(
        min_length=1, max_length=MAX_BATCH,
        description=f"1 to {MAX_BATCH} transactions; more gives 413"), WithJsonSchema({
            "type": "array", "minItems": 1, "maxItems": MAX_BATCH,
            "items": Transaction.model_json_schema(),
            "description": f"1 to {MAX_BATCH} transactions; more gives 413"})]

    @model_validator(mode="before")
    @classmethod
    def _at_most_max_batch(cls, data: Any) -> Any:
        return refuse_oversized(data)

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, **kwargs: Any
                            ) -> BatchInput:
        """The body as BentoML reads it (``model_validate_json``): parsed to Python by the
        same JSON parser (pydantic-core's `from_json`: its numbers, strings, depth limit
        and refusals), then validated by this model in Python mode, each item kept as
        parsed: ~0.5 ms against ~1.0 for a 1,000-item body. A body the parse or the model
        refuses, or a call with options, goes through pydantic's own JSON validation: the
        error it always gave
        (tests/serving/test_batch_inputs.py compares both on the boundaries)."""
        if not kwargs:
            try:
                return cls.model_validate(from_json(json_data))
            except (ValueError, ValidationError):  # ValidationError is a ValueError
                pass
        return super().model_validate_json(json_data, **kwargs)


class InvalidBatch(Exception):
    def __init__(self, message: str, detail: list[dict[str, Any]]):
        super().__init__(message)
        self.detail = detail


_TRANSACTIONS = TypeAdapter(list[Transaction])


# items validated per call of the validator: one call holds the interpreter throughout
# (~40 µs an item), so a batch is validated in pieces that let the other threads run
VALIDATION_CHUNK = 250


def validated_transactions(items: list[dict[str, Any]]) -> list[Transaction]:
    """The items of a batch as transactions (string amounts and dates parsed in one call
    each), their accounts the caller's tenant's (`tenants.scope_to_caller`), or
    `InvalidBatch` with every failing field as ``transactions.<i>.<field>``."""
    items = preparse_items(items)
    transactions: list[Transaction] = []
    errors: list[dict[str, Any]] = []
    for start in range(0, len(items), VALIDATION_CHUNK):
        try:
            transactions += _TRANSACTIONS.validate_python(items[start:start + VALIDATION_CHUNK])
        except ValidationError as exc:
            errors += [{**e, "loc": ("transactions", start + e["loc"][0], *e["loc"][1:])}
                       for e in exc.errors(include_url=False, include_input=False,
                                           include_context=False)]
    if errors:
        message, detail = field_errors(errors)
        raise InvalidBatch(message, detail)
    return scope_to_caller(transactions)


class ValidateInput(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {
        "transactions": [_EXAMPLE, {"description": "", "amount": "abc", "date": "2024-13-45"}]}})
    transactions: Annotated[list[dict[str, Any]], Field(
        min_length=1, max_length=MAX_BATCH,
        description=f"1 to {MAX_BATCH} transactions, checked one by one; more gives 413")]

    @model_validator(mode="before")
    @classmethod
    def _at_most_max_batch(cls, data: Any) -> Any:
        return refuse_oversized(data)  # items are pre-parsed and validated in the endpoint


def validate_items(transactions: list[dict[str, Any]]) -> dict[str, Any]:
    items = []
    for index, item in enumerate(preparse_items(transactions)):
        try:
            Transaction.model_validate(item)
            items.append({"index": index, "valid": True, "errors": []})
        except ValidationError as exc:
            _, detail = field_errors(exc.errors(include_url=False, include_input=False,
                                                include_context=False))
            items.append({"index": index, "valid": False, "errors": [
                {"field": ".".join(str(p) for p in d["loc"]) or "(item)", "message": d["msg"]}
                for d in detail]})
    return {"valid": all(i["valid"] for i in items), "items": items}
