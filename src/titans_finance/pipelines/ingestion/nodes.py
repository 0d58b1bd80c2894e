"""Ingestion: raw export strings → clean validated table + quarantine + duplicates.

Conservation rule, checked in `summarise_data_quality`: every raw row is in
exactly one of the clean table, the quarantine table or the duplicate table,
and no row is in two of them (or twice in one). Each row's reading (dates, amounts
and their sign rule, text, reasons for quarantine) is `core.export_rows`.
"""

from __future__ import annotations

import logging
from pathlib import PurePath
from typing import Any

import numpy as np
import pandas as pd

from titans_finance.core.export_rows import REASONS_COLUMN, WRITTEN_ACCOUNT, normalise_rows
from titans_finance.core.fingerprint import computed_from, data_hash
from titans_finance.core.normalise import by_distinct_value
from titans_finance.core.readers.reconcile import CONTRADICTED, NOT_POSSIBLE
from titans_finance.core.schema import CLEAN_COLUMNS, clean_transactions_schema
from titans_finance.datasets.raw_export_dataset import PARSE_ERROR_COLUMN, file_sources
from titans_finance.parameters import IngestionSettings

logger = logging.getLogger(__name__)

_OCCURRENCE = "_occurrence"
# What makes two lines the same transaction: the account as written, the day, the
# signed amount, the description (case and spacing aside), the bank's id of the line
# and the running balance after it. Lines equal in all of these are indistinguishable.
_DUPLICATE_KEY = [WRITTEN_ACCOUNT, "date", "amount", "_description_key", "bank_transaction_id",
                  "balance"]


class ConservationError(AssertionError):
    """Rows were lost, invented or double-counted between the raw file and the outputs."""

def normalise_transactions(
    raw_transactions: pd.DataFrame, params: dict[str, Any] | IngestionSettings
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Parse and normalise every raw row; split valid candidates from rejected rows
    (`core.export_rows.normalise_rows`): ``(candidates, quarantine, fixes)``."""
    return normalise_rows(raw_transactions, IngestionSettings.of(params))


@by_distinct_value
def _description_key(description: pd.Series) -> pd.Series:
    return description.str.lower().str.replace(r"\s+", " ", regex=True)


def _key_frame(candidates: pd.DataFrame) -> pd.DataFrame:
    key = candidates.assign(_description_key=_description_key(candidates["description"]))
    return key[_DUPLICATE_KEY]


def _hex_ids(hashed: np.ndarray) -> pd.Series:
    """``tx_`` and the 16 hex digits of each 64-bit hash (``f"tx_{h:016x}"``), formatted for
    the whole column at once: a Python format per row cost seconds on a million rows."""
    digits = np.frombuffer(hashed.astype(">u8").tobytes().hex().encode("ascii"), dtype="S16")
    return pd.Series(np.char.add(b"tx_", digits).astype("U19"), dtype="str")


def transaction_ids(frame: pd.DataFrame) -> pd.Series:
    """Stable id from the normalised content and the line's occurrence (1st, 2nd... identical
    line of its file): the same transaction keeps its id across runs, row order and
    overlapping exports of its account."""
    key = _key_frame(frame)
    occurrence = frame[_OCCURRENCE] if _OCCURRENCE in frame else pd.Series(0, index=frame.index)
    hashed = pd.util.hash_pandas_object(key.assign(_occurrence=occurrence),
                                        index=False).to_numpy()
    return _hex_ids(hashed).set_axis(frame.index)


def deduplicate_transactions(candidates: pd.DataFrame, params: dict[str, Any] | IngestionSettings
                             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tell repeated transactions from repeated exports.

    Lines equal in every field of the duplicate key (account as written, day, signed
    amount, description, bank id, running balance) are indistinguishable. Inside one
    file such lines are separate transactions (two coffees on one day), unless
    ``identical_lines_in_one_file: duplicate`` says the exporter repeats lines. Across
    files they are matched as multisets: a line written k times in one file and m times
    in another (overlapping statements of one account) is max(k, m) transactions; the
    others are duplicates, each pointing at the ``source_row`` it repeats.

    Returns ``(clean table sorted by date then source row, duplicates)``.
    """
    settings = IngestionSettings.of(params)
    frame = candidates.copy()
    key = _key_frame(frame)
    key_hash = pd.Series(pd.util.hash_pandas_object(key, index=False).to_numpy(),
                         index=frame.index)
    files = frame["source_file"].fillna("")
    if settings.identical_lines_in_one_file == "duplicate":
        frame[_OCCURRENCE] = 0
    else:
        frame[_OCCURRENCE] = key_hash.groupby([key_hash, files]).cumcount()
    first_row = frame.groupby([key_hash, frame[_OCCURRENCE]], sort=False)["source_row"].transform(
        "min")
    is_duplicate = frame["source_row"] != first_row
    frame["transaction_id"] = transaction_ids(frame)
    duplicates = frame[is_duplicate].copy()
    duplicates["duplicate_of_source_row"] = first_row[is_duplicate].astype("int64")
    clean = (frame[~is_duplicate].sort_values(["date", "source_row"], kind="stable")
             .reset_index(drop=True))
    drop = [WRITTEN_ACCOUNT, _OCCURRENCE]
    duplicates = duplicates.drop(columns=drop).reset_index(drop=True)
    return clean.drop(columns=drop)[list(CLEAN_COLUMNS)], duplicates


def mark_transfers(clean: pd.DataFrame, params: dict[str, Any] | IngestionSettings
                   ) -> pd.DataFrame:
    """Mark transfers between the user's own accounts: an amount out of one account and
    the same amount into another within ``transfer_window_days``, paired one to one
    (closest dates first). Only when the table holds several accounts. Lines already
    marked while normalising (payments into a card account) stay marked, and pair with
    the paying account's debit when that account's export is read too."""
    settings = IngestionSettings.of(params)
    clean = clean.copy()
    already = (clean["is_transfer"].fillna(False).to_numpy(dtype=bool)
               if "is_transfer" in clean else np.zeros(len(clean), dtype=bool))
    clean["is_transfer"] = already
    if clean.empty or clean["account"].nunique() < 2:
        return clean
    window = pd.Timedelta(days=settings.transfer_window_days)
    cents = (clean["amount"].abs() * 100).round().astype("int64")
    sides = pd.DataFrame({"row": np.arange(len(clean)), "account": clean["account"].to_numpy(),
                          "date": clean["date"].to_numpy(), "cents": cents.to_numpy()})
    out_side = sides[(clean["amount"] < 0).to_numpy()]
    in_side = sides[(clean["amount"] > 0).to_numpy()]
    # Only amounts present on both sides in different accounts can pair: keeps the join small.
    shared = np.intersect1d(out_side["cents"].unique(), in_side["cents"].unique())
    out_side, in_side = out_side[out_side["cents"].isin(shared)], in_side[in_side["cents"].isin(shared)]
    pairs = out_side.merge(in_side, on="cents", suffixes=("_out", "_in"))
    pairs = pairs[(pairs["account_out"] != pairs["account_in"])
                  & ((pairs["date_out"] - pairs["date_in"]).abs() <= window)]
    if pairs.empty:
        return clean
    pairs = pairs.assign(gap=(pairs["date_out"] - pairs["date_in"]).abs()).sort_values(
        ["gap", "row_out", "row_in"], kind="stable")
    chosen_out, chosen_in = set(), set()
    for row_out, row_in in zip(pairs["row_out"].to_numpy(), pairs["row_in"].to_numpy()):
        if row_out not in chosen_out and row_in not in chosen_in:
            chosen_out.add(row_out)
            chosen_in.add(row_in)
    marked = already.copy()
    marked[list(chosen_out | chosen_in)] = True
    clean["is_transfer"] = marked
    return clean


def _reason_counts(quarantine: pd.DataFrame) -> dict[str, int]:
    if quarantine.empty:
        return {}
    codes = quarantine[REASONS_COLUMN].str.split("; ").explode().str.split(":").str[0]
    return {str(k): int(v) for k, v in codes.value_counts().sort_index().items()}


def _file_report(raw: pd.DataFrame, fixes: dict[str, Any]) -> list[dict[str, Any]]:
    decided = fixes.get("files", {})
    report = []
    for info in file_sources(raw):
        keep = {k: v for k, v in info.items() if k not in ("hints", "name")}
        keep["file"] = info.get("name") or PurePath(str(info.get("path", ""))).name
        keep["path"] = str(info.get("path", keep["file"]))
        if PurePath(keep["path"]).is_absolute():  # never a machine's absolute path
            keep["path"] = PurePath(keep["path"]).name
        keep.update(decided.get(keep["file"], decided.get("export", {})))
        report.append(keep)
    return report


def summarise_data_quality(
    raw_transactions: pd.DataFrame,
    clean_transactions: pd.DataFrame,
    quarantined_transactions: pd.DataFrame,
    duplicate_transactions: pd.DataFrame,
    fixes: dict[str, Any],
) -> dict[str, Any]:
    """Data-quality report; raises `ConservationError` if any raw row is unaccounted for,
    appears twice, or was never read."""
    rows_read = len(raw_transactions)
    report = {
        "rows_read": rows_read,
        "rows_clean": len(clean_transactions),
        "rows_quarantined": len(quarantined_transactions),
        "rows_duplicate": len(duplicate_transactions),
    }
    accounted = report["rows_clean"] + report["rows_quarantined"] + report["rows_duplicate"]
    seen_rows = pd.concat([clean_transactions["source_row"], quarantined_transactions["source_row"],
                           duplicate_transactions["source_row"]], ignore_index=True)
    counted_twice = sorted(seen_rows[seen_rows.duplicated()].unique().tolist())[:10]
    expected = set(range(1, rows_read + 1))
    seen = set(seen_rows.tolist())
    lost, invented = sorted(expected - seen)[:10], sorted(seen - expected)[:10]
    if accounted != rows_read or counted_twice or lost or invented:
        raise ConservationError(
            f"rows_read={rows_read} but clean+quarantined+duplicate={accounted}; "
            f"source rows counted twice: {counted_twice}, lost: {lost}, never read: {invented}"
        )
    dates = clean_transactions["date"]
    file_fixes = {k: v for k, v in fixes.items() if k != "files"}
    files = _file_report(raw_transactions, fixes)
    source = files[0] if len(files) == 1 else {"files": files}
    ambiguous = [f["file"] for f in files if f.get("date_order_ambiguous")]
    contradicted = [f["file"] for f in files
                    if (f.get("reconciliation") or {}).get("status") == CONTRADICTED]
    report.update(
        {
            "quarantine_reasons": _reason_counts(quarantined_transactions),
            "fixes": file_fixes,
            "clean_date_range": [str(dates.min().date()), str(dates.max().date())]
            if len(dates) else None,
            "clean_by_type": {str(k): int(v) for k, v in
                              clean_transactions["type"].value_counts().sort_index().items()},
            "expenses_without_category": int(((clean_transactions["type"] == "expense")
                                              & clean_transactions["category"].isna()).sum()),
            "accounts": {str(k): int(v) for k, v in
                         clean_transactions["account"].value_counts().sort_index().items()}
            if "account" in clean_transactions else {},
            "transfers_marked": int(clean_transactions["is_transfer"].sum())
            if "is_transfer" in clean_transactions else 0,
            "date_order_ambiguous_files": ambiguous,
            # files whose lines read mostly as money in with nothing proving the signs
            "sign_unproven_files": [f["file"] for f in files if f.get("sign_unproven")],
            # files whose amounts do not carry their balances: read, but not proven
            "reconciliation_contradicted_files": contradicted,
            "reconciliation": {f["file"]: (f.get("reconciliation") or {}).get(
                "status", NOT_POSSIBLE) for f in files},
            "source": source,
            # which export this run read (its rows as read, whatever the file is called)
            # and the clean table it made: the report and the app name them and compare
            # every output's stamp with it
            "export_fingerprint": data_hash(raw_transactions.drop(
                columns=[c for c in raw_transactions
                         if c in (PARSE_ERROR_COLUMN, "Source File")])),
            "computed_from": computed_from(clean_transactions, when=False),
        }
    )
    for name in ambiguous:
        logger.warning("%s: day/month order cannot be told from the dates; read as %s "
                       "(declare day_first for this file to be sure)", name,
                       "day-first" if next(f for f in files if f["file"] == name)["day_first"]
                       else "month-first")
    for name in contradicted:
        found = next(f for f in files if f["file"] == name)["reconciliation"]
        logger.warning("%s: the amounts read do not carry the file's balances (%s); %s", name,
                       {k: v for k, v in found.items() if k not in ("status", "explanation")},
                       found.get("explanation", ""))
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
