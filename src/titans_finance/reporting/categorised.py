"""Every transaction with the category the report uses, and where that category comes from.

Order of trust: the user's correction, then the category the export gives, then the
category model's prediction for a transaction the export left uncategorised (marked
``predicted``, with the model's confidence: expenses, and income, refunds and transfers in
the taxonomy's income kinds); a transaction the model is unsure about stays uncategorised
(``model unsure``). A prediction of a taxonomy group (the model sure of the group, not the
leaf) shows as the group's name, "Food and drink (group)", never its raw id (which an
export's own "food" label could be); ``category_reason`` says why the model answered only
the group, or was unsure.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from titans_finance.core.corrections import apply_corrections
from titans_finance.core.schema import UNCERTAIN_CATEGORY

SOURCES = ("your correction", "export", "predicted", "model unsure", "none")
# Optional columns of the clean table (data contract) carried into the CSV when present.
OPTIONAL = ("account", "currency", "balance", "payment_method", "reference", "status")
# A text cell starting with one of these is a formula to a spreadsheet (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def group_label(group: str, taxonomy: dict[str, Any] | None) -> str:
    """How a group answer is shown: the group's name in the taxonomy (its id, readable,
    when the taxonomy does not name it), marked as a group."""
    names = (taxonomy or {}).get("groups") or {}
    return f"{names.get(group) or str(group).replace('_', ' ').capitalize()} (group)"


def categorise(clean: pd.DataFrame, predictions: pd.DataFrame,
               corrections: pd.DataFrame | None = None,
               taxonomy: dict[str, Any] | None = None) -> pd.DataFrame:
    """The clean transactions with ``category``, ``category_source``, ``model_confidence``,
    ``model_top_3`` and ``category_reason`` (``predictions``: the category pipeline's
    ``category_predictions``; ``taxonomy``: conf/base/category_taxonomy.yml as loaded, for
    the names of the groups)."""
    if corrections is not None and len(corrections):
        labelled, _ = apply_corrections(clean, corrections)
        corrected = labelled["corrected"].to_numpy(dtype=bool)
    else:
        labelled, corrected = clean, np.zeros(len(clean), dtype=bool)
    category = labelled["category"].astype("object").where(labelled["category"].notna(), None)
    source = np.where(corrected, SOURCES[0], np.where(category.notna(), SOURCES[1], SOURCES[4]))

    unlabelled = predictions[predictions["split"] == "unlabelled"].drop_duplicates(
        "transaction_id", keep="last").set_index("transaction_id")
    ids = labelled["transaction_id"]
    predicted = ids.map(unlabelled["predicted_category"])
    confidence = ids.map(unlabelled["confidence"])
    top = (ids.map(unlabelled["top_k"]) if "top_k" in unlabelled
           else pd.Series(None, index=ids.index, dtype="object"))
    level = (ids.map(unlabelled["level"]) if "level" in unlabelled
             else pd.Series("category", index=ids.index, dtype="object"))
    reason = (ids.map(unlabelled["reason"]).fillna("") if "reason" in unlabelled
              else pd.Series("", index=ids.index, dtype="object"))
    # a group answer by its name, never the raw id
    is_group = (level == "group").to_numpy() & predicted.notna().to_numpy()
    predicted = predicted.astype("object").where(~is_group, predicted.map(
        lambda group: group_label(group, taxonomy)))
    uncategorised = category.isna().to_numpy()
    has_prediction = predicted.notna().to_numpy()
    sure = has_prediction & (predicted != UNCERTAIN_CATEGORY).to_numpy()
    use = uncategorised & sure
    category = category.where(~use, predicted)
    source = np.where(use, SOURCES[2], np.where(uncategorised & has_prediction & ~sure,
                                                 SOURCES[3], source))
    shown = uncategorised & has_prediction

    table = pd.DataFrame({
        "transaction_id": labelled["transaction_id"].to_numpy(),
        "date": pd.to_datetime(labelled["date"]).to_numpy(),
        "type": labelled["type"].to_numpy(),
        "description": labelled["description"].to_numpy(),
        "amount": labelled["amount"].to_numpy(dtype="float64"),
        "category": category.to_numpy(),
        "category_source": source,
        "model_confidence": np.where(shown, confidence.to_numpy(dtype="float64"), np.nan),
        "model_top_3": np.where(shown, top.to_numpy(dtype="object"), None),
        "category_reason": np.where(shown, reason.to_numpy(dtype="object"), ""),
    })
    for column in OPTIONAL:
        if column in labelled:
            table[column] = labelled[column].to_numpy()
    return table


def _spreadsheet_text(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def for_spreadsheet(categorised: pd.DataFrame) -> pd.DataFrame:
    """The categorised table as a person opens it: readable columns in a useful order,
    dates as days, money to the cent, and text that a spreadsheet would run as a formula
    (``=HYPERLINK(...)`` in a description) written with a leading ``'``."""
    first = ["date", "account", "type", "description", "amount", "currency", "category",
             "category_source", "category_reason", "model_confidence", "model_top_3"]
    columns = [c for c in first if c in categorised] + [
        c for c in categorised if c not in first and c != "transaction_id"] + ["transaction_id"]
    table = categorised[columns].copy()
    table["date"] = pd.to_datetime(table["date"]).dt.strftime("%Y-%m-%d")
    table["amount"] = table["amount"].round(2)
    table["model_confidence"] = table["model_confidence"].round(3)
    if "balance" in table:
        table["balance"] = pd.to_numeric(table["balance"], errors="coerce").round(2)
    for column in table.columns:
        if table[column].dtype == object or pd.api.types.is_string_dtype(table[column]):
            table[column] = table[column].map(_spreadsheet_text)
    return table
