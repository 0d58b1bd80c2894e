"""The frame the models read of a request's transactions (the clean table's columns), built
from validated `Transaction` objects or from the same values column by column (a batch
validated column-wise: serving/batch_rows.py) — one builder, the same frame."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from titans_finance.serving.schemas import Transaction


def transactions_frame(transactions: list[Transaction]) -> pd.DataFrame:
    """Validated transactions → a frame with the clean-table columns the models expect."""
    return request_frame(
        types=[t.type for t in transactions], amounts=[t.amount for t in transactions],
        dates=[t.date for t in transactions],
        descriptions=[t.description for t in transactions],
        categories=[t.category for t in transactions],
        payment_methods=[t.payment_method for t in transactions],
        merchants=[t.merchant for t in transactions],
        accounts=[t.account for t in transactions])


def request_frame(*, types: list, amounts: list, dates: list, descriptions: list,
                  categories: list, payment_methods: list, merchants: list,
                  accounts: list) -> pd.DataFrame:
    """The frame of validated values, one list per field (every list as long)."""
    import pandas as pd

    n = len(types)
    # Expenses negative, income positive, as in the clean table (on the values, before the
    # frame: pandas' masked assignment cost ~1 ms, most of a one-transaction frame)
    signed: list[Any] = [-amount if (kind == "expense" and amount > 0)
                         or (kind == "income" and amount < 0) else amount
                         for amount, kind in zip(amounts, types, strict=True)]
    return pd.DataFrame(
        {
            "transaction_id": [f"req_{i}" for i in range(n)],
            "source_row": range(1, n + 1),
            "date": pd.to_datetime(dates).astype("datetime64[ns]"),
            "type": types,
            "description": descriptions,
            "amount": signed,
            "category": categories,
            "payment_method": payment_methods,
            "status": [None] * n,
            "reference": merchants,
            "receipt_url": [None] * n,
            "account": [account or None for account in accounts],
        }
    )
