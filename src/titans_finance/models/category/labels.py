"""The labelled rows a category model learns from: the export's labels after users'
corrections, transfers left out, the most recent ``max_train_rows``. Shared by the
category and retrain pipelines (no Kedro import)."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from titans_finance.core.corrections import apply_corrections
from titans_finance.parameters import CategorySettings

logger = logging.getLogger(__name__)


def select_labelled_transactions(clean_transactions: pd.DataFrame, feature_table: pd.DataFrame,
                                 category_corrections: pd.DataFrame,
                                 params: dict[str, Any] | CategorySettings
                                 ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Transactions with a category after users' corrections (the most recent
    ``max_train_rows``), their features, and what the corrections did.

    Corrections override the export's labels (and label rows the export left
    uncategorised); the ``corrected`` column marks the rows they touched. Income and
    expenses alike: an export that labels its income trains the model on it too. No
    labels at all is fine: the default model then categorises the export.
    """
    settings = CategorySettings.of(params)
    if len(clean_transactions) != len(feature_table) or not (
            clean_transactions["transaction_id"].to_numpy()
            == feature_table["transaction_id"].to_numpy()).all():
        raise ValueError("feature_table does not match clean_transactions row for row: "
                         "re-run the features pipeline")
    clean_transactions, corrections_report = apply_corrections(clean_transactions,
                                                               category_corrections)
    if corrections_report["invalid"]:
        logger.warning("category corrections: %d unusable line(s) ignored, e.g. %s",
                       len(corrections_report["invalid"]), corrections_report["invalid"][:3])
    if corrections_report["lines"]:
        logger.info("category corrections: %d of %d line(s) matched, %d label(s) changed",
                    corrections_report["matched_lines"], corrections_report["lines"],
                    corrections_report["labels_changed"])
    labelled = clean_transactions["category"].notna().to_numpy()
    if "is_transfer" in clean_transactions:  # transfers are decided by ingestion, not learnt
        # not in place: pandas 3 (copy-on-write) hands out read-only views
        labelled = labelled & ~clean_transactions["is_transfer"].fillna(False).to_numpy(dtype=bool)
    transactions = clean_transactions[labelled].reset_index(drop=True)
    features = feature_table[labelled].reset_index(drop=True)
    limit = settings.max_train_rows
    if len(transactions) > limit:
        transactions, features = transactions.iloc[-limit:], features.iloc[-limit:]
    if len(transactions) < settings.personal_min_labels:
        logger.warning("%d labelled transactions: the default model categorises this export "
                       "(a personal model needs %s)", len(transactions),
                       settings.personal_min_labels)
    return (transactions.reset_index(drop=True), features.reset_index(drop=True),
            corrections_report)
