"""A batch's items validated column by column, straight into the frame the models read.

`Transaction` (serving/schemas.py) validates one item at a time: a dozen Python validators
an item and a pydantic object each, then the frame is built from the objects — ~9 ms of
CPU for 1,000 items, a tenth of the batch. Here the items go through one pydantic-core pass
of the same fields, types and limits without the Python validators (`_ITEMS`: ~1 µs an
item), then each rule of those validators is applied to a whole column at once: control
characters, a description's spaces, known types and payment methods, categories in
snake_case, the date's range, amounts as numbers within the limit, the type inferred from
the sign. Any item the pass or a rule would refuse sends the whole batch through
`validated_transactions`, item by item: a refused batch gets exactly the errors it always
got; an accepted one the frame, record flags and ids the objects give
(tests/serving/test_batch_rows.py compares both ways on every spelling the tests use).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import ConfigDict, TypeAdapter, ValidationError
from typing_extensions import NotRequired, Required, TypedDict

from titans_finance.serving.batch_inputs import VALIDATION_CHUNK, validated_transactions
from titans_finance.serving.request_frame import request_frame, transactions_frame
from titans_finance.serving.schemas import (
    _CONTROL,
    MAX_ABS_AMOUNT,
    MIN_DATE,
    Transaction,
    _corrected,
    inferred_type,
    latest_date,
    payment_method_of,
    preparse_items,
    read_spellings,
    snake_case,
)
from titans_finance.serving.tenants import scoped_accounts_of_caller

if TYPE_CHECKING:
    import pandas as pd

# the text fields `Transaction` checks for control characters (its `_printable`)
_TEXTS = ("description", "merchant", "category", "type", "payment_method", "account",
          "transaction_id")


def _item_type() -> type:
    """`Transaction`'s fields with their types and limits (pydantic-core checks them, as for
    `Transaction`), without its Python validators; amount and date as sent (read as
    `preparse_items` reads them on the columns, then checked here)."""
    fields: dict[str, Any] = {}
    for name, info in Transaction.model_fields.items():
        kind = (Any if name in ("amount", "date") else
                Annotated[(info.annotation, *info.metadata)] if info.metadata
                else info.annotation)
        fields[name] = Required[kind] if info.is_required() else NotRequired[kind]
    item = TypedDict("_Item", fields)  # noqa: UP013 (names known at run time only)
    item.__pydantic_config__ = ConfigDict(extra="forbid", str_strip_whitespace=True)
    return item


_ITEMS = TypeAdapter(list[_item_type()])
_DEFAULTS = {name: info.default for name, info in Transaction.model_fields.items()
             if not info.is_required()}


class _Refused(Exception):
    """An item a rule of `Transaction` refuses: the batch is validated item by item."""


@dataclass(frozen=True)
class BatchRows:
    """A validated batch: the request frame, each row's ``record`` and ``transaction_id``."""

    frame: pd.DataFrame
    record: list[bool]
    transaction_ids: list[str | None]

    def __len__(self) -> int:
        return len(self.record)

    @classmethod
    def of(cls, transactions: list[Transaction]) -> BatchRows:
        """Validated `Transaction` objects (single requests) as rows."""
        return cls(transactions_frame(transactions), [t.record for t in transactions],
                   [t.transaction_id for t in transactions])


def validated_rows(items: list[dict[str, Any]]) -> BatchRows:
    """The items of a batch as `BatchRows` (accounts the caller's tenant's), or
    `InvalidBatch` with every failing field as ``transactions.<i>.<field>``: what
    `validated_transactions` and `transactions_frame` give, column by column."""
    read = read_spellings(items)  # the amounts and dates read as `preparse_items` reads them
    try:
        values: list[dict[str, Any]] = []
        for start in range(0, len(items), VALIDATION_CHUNK):  # let other threads run
            values += _ITEMS.validate_python(items[start:start + VALIDATION_CHUNK])
        return _rows(values, read)
    except (ValidationError, _Refused):  # or raises InvalidBatch
        return BatchRows.of(validated_transactions(preparse_items(items)))


def _column(values: list[dict[str, Any]], name: str) -> list:
    # `dict.get` mapped over the items: no Python frame an item (~2x a comprehension)
    return list(map(dict.get, values, itertools.repeat(name),
                    itertools.repeat(_DEFAULTS.get(name))))


def _rows(values: list[dict[str, Any]], read: tuple[dict, list, dict] | None) -> BatchRows:
    columns = {name: _column(values, name) for name in Transaction.model_fields}
    if read is not None:  # `preparse_items`' replacements, on the columns (no item copied)
        amount_of, texts, date_of = read
        columns["amount"] = [amount_of[v] if isinstance(v, str) and v in amount_of else v
                             for v in columns["amount"]]
        columns["date"] = [date_of[t] if t is not None and t in date_of else v
                           for v, t in zip(columns["date"], texts, strict=True)]
    for name in _TEXTS:
        # (None and "" left out: neither holds a character)
        if _CONTROL.search("\n".join(filter(None, columns[name]))):
            raise _Refused(name)  # "\n" is not a control character of the rule
    descriptions = [" ".join(v.split()) for v in columns["description"]]
    if not all(descriptions):
        raise _Refused("description")
    return BatchRows(
        request_frame(types=_types(columns), amounts=columns["amount"],
                      dates=_dates(columns["date"]), descriptions=descriptions,
                      categories=columns["category"],
                      payment_methods=_mapped(columns["payment_method"], payment_method_of),
                      merchants=columns["merchant"],
                      accounts=scoped_accounts_of_caller(columns["account"])),
        columns["record"], columns["transaction_id"])


def _amounts(amounts: list) -> list[float]:
    """`Transaction.amount` of numbers within the limit (anything else: refused here)."""
    out = []
    for amount in amounts:
        if type(amount) is not float and type(amount) is not int:  # bool, text: item by item
            raise _Refused("amount")
        if not -MAX_ABS_AMOUNT <= amount <= MAX_ABS_AMOUNT or not math.isfinite(amount):
            raise _Refused("amount")
        out.append(float(amount))
    return out


def _dates(dates: list) -> list[dt.date]:
    if not set(map(type, dates)) <= {dt.date}:  # unread spellings, datetimes
        raise _Refused("date")
    if dates and not (MIN_DATE <= min(dates) and max(dates) <= latest_date()):
        raise _Refused("date")
    return dates


def _mapped(values: list, rule) -> list:
    """``rule`` of each value, computed once per distinct value (None: None)."""
    found = {v: rule(v) for v in set(values) if v is not None}
    return [None if v is None else found[v] for v in values]


def _known_type(value: str) -> str | None:
    result, unknown = _corrected(value, "type")
    if unknown:
        raise _Refused("type")
    return result


def _category(value: str) -> str | None:
    return snake_case(value) if value.strip() else None


def _types(columns: dict[str, list]) -> list[str]:
    """Each row's type: as written (corrected), else inferred from the sign and category
    (`Transaction._infer_type`); the amount and category columns replaced by their
    validated values (the inference reads them)."""
    columns["amount"] = _amounts(columns["amount"])
    columns["category"] = _mapped(columns["category"], _category)
    types = _mapped(columns["type"], _known_type)
    return [kind if kind is not None else inferred_type(amount, category)
            for kind, amount, category in zip(types, columns["amount"], columns["category"],
                                               strict=True)]
