"""Ingestion: raw export strings → clean validated table + quarantine + duplicates.

Conservation rule, checked in `summarise_data_quality`: every raw row is in
exactly one of the clean table, the quarantine table or the duplicate table.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
import pandera.errors

from titans_finance.core.normalise import (
    clean_strings,
    correct_enum,
    correct_payment_methods,
    correct_statuses,
    correct_types,
    parse_amounts,
    parse_dates,
    snake_token,
)
from titans_finance.core.schema import (
    CLEAN_COLUMNS,
    KNOWN_CATEGORIES,
    RAW_COLUMNS,
    clean_transactions_schema,
)
from titans_finance.datasets.raw_export_dataset import PARSE_ERROR_COLUMN

logger = logging.getLogger(__name__)

REASONS_COLUMN = "reasons"
# Columns that identify a transaction for exact-duplicate detection: all of them,
# after normalisation, so "  Shell " and "Shell" are the same export line.
_DUPLICATE_KEY = [c for c in CLEAN_COLUMNS if c not in ("transaction_id", "source_row")]


class ConservationError(AssertionError):
    """Rows were lost or double-counted between the raw file and the outputs."""


def _add_reason(reasons: pd.Series, mask: pd.Series, reason: str) -> pd.Series:
    mask = mask.fillna(False).astype(bool)
    if not mask.any():
        return reasons
    separator = reasons.where(reasons == "", "; ").where(reasons != "", "")
    return reasons.where(~mask, reasons + separator + reason)


def _category_vocabulary(tokens: pd.Series, min_count: int) -> list[str]:
    """Known categories plus the file's own categories used at least ``min_count`` times."""
    counts = tokens.value_counts()
    frequent = counts[counts >= min_count].index.tolist()
    return sorted(set(KNOWN_CATEGORIES) | set(frequent))


def _date_bounds(params: dict[str, Any]) -> tuple[pd.Timestamp, pd.Timestamp]:
    min_date = pd.Timestamp(params.get("min_date", "1970-01-01"))
    max_future_days = int(params.get("max_future_days", 31))
    reference = pd.Timestamp(params["reference_date"]) if params.get("reference_date") else (
        pd.Timestamp.today())
    return min_date, (reference + pd.Timedelta(days=max_future_days)).normalize()


def normalise_transactions(
    raw_transactions: pd.DataFrame, params: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Parse and normalise every raw row; split valid candidates from rejected rows.

    Returns ``(candidates, quarantine, fix_counts)``:
    - candidates: rows that passed, in the clean columns (not yet de-duplicated);
    - quarantine: each rejected raw row unchanged (all raw fields as strings), its
      ``source_row`` and ``reasons`` ("; "-separated ``code: detail``);
    - fix_counts: what normalisation repaired, for the data-quality report.
    """
    raw = raw_transactions.reset_index(drop=True)
    n = len(raw)
    reasons = pd.Series([""] * n, dtype="object")
    parse_errors = raw[PARSE_ERROR_COLUMN] if PARSE_ERROR_COLUMN in raw else pd.Series([""] * n)
    reasons = _add_reason(reasons, parse_errors != "", "malformed_line")

    out = pd.DataFrame(index=raw.index)
    out["source_row"] = np.arange(1, n + 1, dtype="int64")

    day_first = params.get("day_first", "auto")
    out["date"], bad_date = parse_dates(raw["Date"], None if day_first == "auto" else bool(day_first))
    min_date, max_date = _date_bounds(params)
    reasons = _add_reason(reasons, clean_strings(raw["Date"]).isna(), "missing_date")
    reasons = _add_reason(reasons, bad_date, "invalid_date")
    implausible = out["date"].notna() & ((out["date"] < min_date) | (out["date"] > max_date))
    reasons = _add_reason(reasons, implausible, "implausible_date")

    amount, bad_amount = parse_amounts(raw["Amount"])
    reasons = _add_reason(reasons, clean_strings(raw["Amount"]).isna(), "missing_amount")
    reasons = _add_reason(reasons, bad_amount, "invalid_amount")
    max_abs = float(params.get("max_abs_amount", 1e9))
    reasons = _add_reason(reasons, amount.abs() > max_abs, "implausible_amount")

    description = clean_strings(raw["Description"])
    reference = clean_strings(raw["Reference"])
    description_from_reference = description.isna() & reference.notna()
    out["description"] = description.fillna(reference)
    reasons = _add_reason(reasons, out["description"].isna(), "missing_description")

    category_tokens = snake_token(raw["Category"])
    vocabulary = _category_vocabulary(category_tokens, int(params.get("category_vocabulary_min_count", 3)))
    category, _ = correct_enum(raw["Category"], vocabulary,
                               cutoff=float(params.get("category_typo_cutoff", 0.85)))
    out["category"] = category

    tx_type, bad_type = correct_types(raw["Type"])
    reasons = _add_reason(reasons, bad_type, "invalid_type")
    # Missing type: an amount with a minus sign or a category means money out.
    inferred = np.where((amount < 0) | category.notna(), "expense", "income")
    type_inferred = tx_type.isna() & amount.notna()
    out["type"] = tx_type.where(~type_inferred, pd.Series(inferred, index=raw.index))

    # Sign convention: expenses negative, income positive, whatever the export did.
    flip = ((out["type"] == "expense") & (amount > 0)) | ((out["type"] == "income") & (amount < 0))
    out["amount"] = amount.where(~flip, -amount)

    payment_method, unknown_method = correct_payment_methods(raw["Payment Method"])
    # An unrecognised payment method is kept as "other": the transaction itself is fine.
    out["payment_method"] = payment_method.where(~unknown_method, "other")
    status, _ = correct_statuses(raw["Status"])
    out["status"] = status
    out["reference"] = reference
    out["receipt_url"] = clean_strings(raw["Receipt URL"])

    fixes = {
        "type_inferred_from_amount": int(type_inferred.sum()),
        "type_corrected": _count_changed(snake_token(raw["Type"]), out["type"], bad_type),
        "sign_flipped": int(flip.sum()),
        "payment_method_corrected": _count_changed(snake_token(raw["Payment Method"]),
                                                   out["payment_method"], unknown_method),
        "payment_method_unknown_to_other": int(unknown_method.sum()),
        "category_corrected": _count_changed(category_tokens, out["category"]),
        "status_corrected": _count_changed(snake_token(raw["Status"]), out["status"]),
        "description_from_reference": int(description_from_reference.sum()),
        "amount_reformatted": int((amount.notna() & ~raw["Amount"].str.strip().str.fullmatch(
            r"-?\d+(\.\d+)?")).sum()),
        "date_reformatted": int((out["date"].notna() & ~raw["Date"].str.strip().str.fullmatch(
            r"\d{4}-\d{2}-\d{2}")).sum()),
    }

    out["transaction_id"] = ""
    out = out[list(CLEAN_COLUMNS)]
    passed = reasons == ""
    candidates = out[passed].copy()
    candidates["transaction_id"] = transaction_ids(candidates)

    # The declared schema is the last word: anything it rejects is quarantined with
    # the failing check as reason (normalisation above should leave nothing for it).
    schema = clean_transactions_schema(str(min_date.date()), str(max_date.date()), unique_ids=False)
    try:
        schema.validate(candidates, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        failures = errors.failure_cases.dropna(subset=["index"])
        for (column, check), group in failures.groupby(["column", "check"], dropna=False):
            where = raw.index.isin(group["index"].astype("int64"))
            label = f"schema: {check}" if column in (None, np.nan) or pd.isna(column) else (
                f"schema: {column} {check}")
            reasons = _add_reason(reasons, pd.Series(where, index=raw.index), label)
        passed = reasons == ""
        candidates = candidates[passed[candidates.index]]

    quarantine = raw.loc[~passed, list(RAW_COLUMNS)].copy()
    quarantine.insert(0, "source_row", out.loc[~passed, "source_row"])
    quarantine[REASONS_COLUMN] = reasons[~passed]
    return candidates.reset_index(drop=True), quarantine.reset_index(drop=True), fixes


def _count_changed(before: pd.Series, after: pd.Series, exclude: pd.Series | None = None) -> int:
    changed = before.notna() & after.notna() & (before != after)
    if exclude is not None:
        changed &= ~exclude
    return int(changed.sum())


def transaction_ids(frame: pd.DataFrame) -> pd.Series:
    """Stable id from the normalised content (the same transaction keeps its id across runs)."""
    hashed = pd.util.hash_pandas_object(frame[_DUPLICATE_KEY], index=False).to_numpy()
    return pd.Series([f"tx_{h:016x}" for h in hashed], index=frame.index, dtype="str")


def deduplicate_transactions(candidates: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drop exact duplicate export lines (same normalised content), keeping the first.

    Returns ``(clean table sorted by date then source row, duplicates)``; each
    duplicate row records the ``source_row`` of the line it repeats.
    """
    first_row = candidates.groupby("transaction_id", sort=False)["source_row"].transform("min")
    is_duplicate = candidates["source_row"] != first_row
    duplicates = candidates[is_duplicate].copy()
    duplicates["duplicate_of_source_row"] = first_row[is_duplicate].astype("int64")
    clean = (candidates[~is_duplicate].sort_values(["date", "source_row"], kind="stable")
             .reset_index(drop=True))
    return clean, duplicates.reset_index(drop=True)


def _reason_counts(quarantine: pd.DataFrame) -> dict[str, int]:
    if quarantine.empty:
        return {}
    codes = quarantine[REASONS_COLUMN].str.split("; ").explode()
    return {str(k): int(v) for k, v in codes.value_counts().sort_index().items()}


def summarise_data_quality(
    raw_transactions: pd.DataFrame,
    clean_transactions: pd.DataFrame,
    quarantined_transactions: pd.DataFrame,
    duplicate_transactions: pd.DataFrame,
    fixes: dict[str, Any],
) -> dict[str, Any]:
    """Data-quality report; raises `ConservationError` if any raw row is unaccounted for."""
    rows_read = len(raw_transactions)
    report = {
        "rows_read": rows_read,
        "rows_clean": len(clean_transactions),
        "rows_quarantined": len(quarantined_transactions),
        "rows_duplicate": len(duplicate_transactions),
    }
    accounted = report["rows_clean"] + report["rows_quarantined"] + report["rows_duplicate"]
    seen_rows = pd.concat([clean_transactions["source_row"], quarantined_transactions["source_row"],
                           duplicate_transactions["source_row"]])
    if accounted != rows_read or seen_rows.nunique() != rows_read:
        raise ConservationError(
            f"rows_read={rows_read} but clean+quarantined+duplicate={accounted} "
            f"({seen_rows.nunique()} distinct source rows)"
        )
    source = dict(raw_transactions.attrs.get("source", {}))
    dates = clean_transactions["date"]
    report.update(
        {
            "quarantine_reasons": _reason_counts(quarantined_transactions),
            "fixes": fixes,
            "clean_date_range": [str(dates.min().date()), str(dates.max().date())]
            if len(dates) else None,
            "clean_by_type": {str(k): int(v) for k, v in
                              clean_transactions["type"].value_counts().sort_index().items()},
            "expenses_without_category": int(((clean_transactions["type"] == "expense")
                                              & clean_transactions["category"].isna()).sum()),
            "source": source,
        }
    )
    if report["rows_quarantined"]:
        logger.warning("%d of %d rows quarantined: %s", report["rows_quarantined"], rows_read,
                       report["quarantine_reasons"])
    return report


def publish_ingestion_outputs(
    raw_transactions: pd.DataFrame,
    deduplicated_transactions: pd.DataFrame,
    quarantine: pd.DataFrame,
    duplicates: pd.DataFrame,
    fixes: dict[str, Any],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Check conservation, then hand the three tables and the report to the catalog.

    The persisted outputs all come from this one node, so a run that fails the
    check (or fails earlier) writes no partial clean table.
    """
    report = summarise_data_quality(raw_transactions, deduplicated_transactions, quarantine,
                                    duplicates, fixes)
    clean_transactions_schema().validate(deduplicated_transactions)
    return deduplicated_transactions, quarantine, duplicates, report
