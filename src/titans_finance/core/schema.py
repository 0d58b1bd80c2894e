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

# Further columns of the raw table every reader returns (strings, "" when the
# export has no such field). "Money In"/"Money Out" are split amount columns;
# "Debit/Credit" an indicator that signs an unsigned amount; "Bank Transaction ID"
# the bank's own id of the line (OFX FITID, CAMT AcctSvcrRef, MT940 bank reference);
# "Source File" the export's file name; "Fee" a fee written beside the amount (app exports).
EXTRA_RAW_COLUMNS: tuple[str, ...] = (
    "Value Date",
    "Money In",
    "Money Out",
    "Debit/Credit",
    "Account",
    "Balance",
    "Currency",
    "Bank Transaction ID",
    "Source File",
    "Fee",
)
# The raw table: what every reader returns, whatever the format of the export.
READ_COLUMNS: tuple[str, ...] = RAW_COLUMNS + EXTRA_RAW_COLUMNS

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

# The clean (primary) table, in this order. ``source_row`` is the 1-based row
# number in the raw table (the rows read, over all files in reading order), so any
# clean, quarantined or duplicate row can be traced back to its line in the user's
# export together with ``source_file``; ``transaction_id`` is a stable hash of the
# normalised content. ``account`` is never missing (the export's account id, else the
# file name stem); ``balance`` is the running balance after the line as written;
# ``original_description`` the description exactly as written; ``is_transfer`` marks a
# transfer between two of the user's own accounts; ``bank_transaction_id`` is the
# bank's id of the line when the format has one.
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
    "account",
    "balance",
    "currency",
    "original_description",
    "is_transfer",
    "source_file",
    "bank_transaction_id",
)

# Clean columns that hold text (missing allowed except where the schema says otherwise).
TEXT_COLUMNS: tuple[str, ...] = (
    "transaction_id", "type", "description", "category", "payment_method", "status",
    "reference", "receipt_url", "account", "currency", "original_description", "source_file",
    "bank_transaction_id",
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
# Description of a line the export wrote without any text (payee, memo, description):
# the transaction is kept (the money moved), marked rather than given invented words.
NO_DESCRIPTION = "(no description)"


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
            "account": pa.Column(str, pa.Check.str_length(min_value=1), nullable=False),
            "balance": pa.Column(float, nullable=True),
            "currency": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$"), nullable=True),
            "original_description": pa.Column(str, nullable=True),
            "is_transfer": pa.Column(bool, nullable=False),
            "source_file": pa.Column(str, nullable=True),
            "bank_transaction_id": pa.Column(str, nullable=True),
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

