"""The data contract: raw export columns, the clean table and its enums.

Plain module (no Kedro import) shared by the pipelines and the serving layer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Columns of the export format, as the original system writes them.
RAW_COLUMNS: tuple[str, ...] = (
    "Date",
    "Type",
    "Description",
    "Amount",
    "Category",
    "Payment Method",
    "Status",
    "Reference",
    "Receipt URL",
)

# Clean column name for each raw column.
RAW_TO_CLEAN: dict[str, str] = {
    "Date": "date",
    "Type": "type",
    "Description": "description",
    "Amount": "amount",
    "Category": "category",
    "Payment Method": "payment_method",
    "Status": "status",
    "Reference": "reference",
    "Receipt URL": "receipt_url",
}

# The clean (primary) table, in this order. ``source_row`` is the 1-based data
# row number in the raw file (header excluded), so any clean or quarantined row
# can be traced back to its line in the user's export; ``transaction_id`` is a
# stable hash of the normalised content.
CLEAN_COLUMNS: tuple[str, ...] = (
    "transaction_id",
    "source_row",
    "date",
    "type",
    "description",
    "amount",
    "category",
    "payment_method",
    "status",
    "reference",
    "receipt_url",
)

REQUIRED_RAW_COLUMNS: tuple[str, ...] = ("Date", "Description", "Amount")

TRANSACTION_TYPES: tuple[str, ...] = ("income", "expense")
PAYMENT_METHODS: tuple[str, ...] = (
    "credit_card",
    "debit_card",
    "bank_transfer",
    "cash",
    "check",
    "paypal",
    "other",
)
STATUSES: tuple[str, ...] = (
    "paid",
    "received",
    "pending",
    "written_off",
    "refunded",
    "cancelled",
)

# Expense categories used by the seed export and the generator. The model is not
# limited to these (a user's export may have its own); they seed the generator
# and the typo correction of enum-like fields.
KNOWN_CATEGORIES: tuple[str, ...] = (
    "bad_debts",
    "computer_equipment",
    "entertainment",
    "food",
    "fuel",
    "furniture",
    "hardware",
    "home_office",
    "maintenance",
    "meals_entertainment",
    "office_supplies",
    "other",
    "professional_fees",
    "rent",
    "repairs",
    "software",
    "supplies",
    "telephone",
    "training",
    "travel",
    "vehicle",
    "vehicle_expenses",
)

UNCERTAIN_CATEGORY = "uncertain"


# --------------------------------------------------------------------------- declared schema

def clean_transactions_schema(
    min_date: str = "1970-01-01", max_date: str | None = None, unique_ids: bool = True
):
    """The pandera schema every row of the clean table satisfies.

    Built by a function so the plausible date range comes from configuration;
    pandera is imported here, not at module import, to keep the contract module
    light for the serving process. ``unique_ids=False`` checks rows before
    de-duplication, where repeated export lines legitimately share an id.
    """
    import pandera.pandas as pa

    max_ts = pd.Timestamp(max_date) if max_date else None
    date_checks = [pa.Check.ge(pd.Timestamp(min_date))]
    if max_ts is not None:
        date_checks.append(pa.Check.le(max_ts))
    snake = r"^[a-z0-9]+(_[a-z0-9]+)*$"
    return pa.DataFrameSchema(
        {
            "transaction_id": pa.Column(str, unique=unique_ids, nullable=False),
            "source_row": pa.Column("int64", pa.Check.ge(1), unique=True, nullable=False),
            "date": pa.Column("datetime64[ns]", date_checks, nullable=False),
            "type": pa.Column(str, pa.Check.isin(TRANSACTION_TYPES), nullable=False),
            "description": pa.Column(str, pa.Check.str_length(min_value=1), nullable=False),
            "amount": pa.Column(float, pa.Check(np.isfinite, name="finite"), nullable=False),
            "category": pa.Column(str, pa.Check.str_matches(snake), nullable=True),
            "payment_method": pa.Column(str, pa.Check.isin(PAYMENT_METHODS), nullable=True),
            "status": pa.Column(str, pa.Check.str_matches(snake), nullable=True),
            "reference": pa.Column(str, nullable=True),
            "receipt_url": pa.Column(str, nullable=True),
        },
        checks=[
            # Sign convention of the clean table: money out is negative, money in positive.
            pa.Check(lambda df: (df["type"] != "expense") | (df["amount"] <= 0),
                     name="expense_amount_not_positive"),
            pa.Check(lambda df: (df["type"] != "income") | (df["amount"] >= 0),
                     name="income_amount_not_negative"),
        ],
        strict=True,
        ordered=True,
        coerce=False,
        name="clean_transactions",
    )

