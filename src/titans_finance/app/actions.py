"""What the app does on demand: score one transaction with the four trained models, and read
an export the way ``kedro run`` would before it is used (plain functions, no Streamlit).

One transaction is checked by the service's own request model (`serving.schemas.Transaction`:
the same clear errors as the REST API) and its features come from `core.features` with the
history state of the last run — the code path of training and serving. An export is read by
the ingestion readers and then put through the ingestion *pipeline* itself, on an in-memory
catalog: what the page shows is exactly what the next run would keep, quarantine or drop as a
duplicate.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from titans_finance.core.features import build_features
from titans_finance.core.schema import UNCERTAIN_CATEGORY


def try_transaction(models: dict[str, Any], history: Any, description: str, amount: float,
                    date: dt.date, merchant: str | None = None, kind: str | None = None
                    ) -> dict[str, Any]:
    """The four models' answers for one transaction (``models``: category, amount, anomaly,
    cashflow, as the last run saved them; a model that is ``None`` — not trained on this
    export — gives no answer). Raises ``pydantic.ValidationError`` for a value the
    service would refuse."""
    from titans_finance.serving.schemas import Transaction, transactions_frame

    transaction = Transaction(description=description, amount=amount, date=date,
                              merchant=merchant or None, type=kind or None)
    frame = transactions_frame([transaction])
    features = build_features(frame, history, independent=True)
    answers: dict[str, Any] = {"transaction": frame.iloc[0].to_dict(),
                               "merchant_key": str(features["merchant_key"].iloc[0])}
    if models.get("category") is not None:
        category = models["category"].predict(frame, features).iloc[0]
        answers["category"] = {"category": category["category"],
                               "uncertain": category["category"] == UNCERTAIN_CATEGORY,
                               "confidence": float(category["confidence"]),
                               "source": category["source"], "top_k": category["top_k"]}
    if models.get("amount") is not None:
        amount_answer = models["amount"].predict(frame, features).iloc[0]
        answers["amount"] = {"predicted": float(amount_answer["predicted_amount"]),
                             "lower": float(amount_answer["lower"]),
                             "upper": float(amount_answer["upper"]),
                             "known_payee": bool(amount_answer["known_payee"])}
    if models.get("anomaly") is not None:
        anomaly = models["anomaly"].score(frame, features).iloc[0]
        answers["anomaly"] = {"score": float(anomaly["score"]),
                              "flagged": bool(anomaly["is_anomaly"]),
                              "reasons": anomaly["reasons"] or "nothing unusual",
                              "threshold": float(getattr(models["anomaly"], "threshold",
                                                         float("nan")))}
    if models.get("cashflow") is not None:
        answers["cashflow"] = balance_with(models["cashflow"], pd.Timestamp(date),
                                           float(frame["amount"].iloc[0]))
    return answers


def balance_with(cashflow_model: Any, day: pd.Timestamp, amount: float, horizon: int = 90
                 ) -> dict[str, Any]:
    """The projected balance with and without one extra transaction on ``day`` (when it
    falls in the forecast), and the first day it would fall below the alert threshold.
    Without a known balance: the change since the export's last day, as the overview
    shows it, and no low-balance day."""
    from titans_finance.app.views import KNOWN_BALANCE

    forecast, summary = cashflow_model.predict(horizon)
    dates = pd.to_datetime(forecast["date"])
    threshold = float(summary.get("low_balance_threshold", 0.0))
    known = summary.get("balance_source") in KNOWN_BALANCE
    running = (float(summary["opening_balance"]) if known else 0.0) + forecast["change"]
    inside = dates.iloc[0] <= day <= dates.iloc[-1]
    balance = running + (amount * (dates >= day) if inside else 0.0)
    low = dates[balance < threshold]
    return {"as_of": summary.get("as_of"), "inside_forecast": bool(inside),
            "first_date": str(dates.iloc[0].date()), "end_date": str(dates.iloc[-1].date()),
            "balance_known": known, "balance_without": float(running.iloc[-1]),
            "balance_with": float(balance.iloc[-1]), "threshold": threshold,
            "first_low_day_without": summary.get("first_low_balance_day") if known else None,
            "first_low_day_with": str(low.iloc[0].date()) if known and len(low) else None}


@dataclass
class ImportedExport:
    """An export as the next run would read it."""

    info: list[dict[str, Any]]  # per file: format, encoding, delimiter, date order...
    clean: pd.DataFrame
    quarantined: pd.DataFrame
    duplicates: pd.DataFrame
    quality: dict[str, Any]

    def accounts(self) -> pd.DataFrame:
        account = self.clean.get("account", pd.Series("default", index=self.clean.index))
        frame = self.clean.assign(account=account.fillna("default"))
        return (frame.groupby("account").agg(transactions=("amount", "size"),
                                             first=("date", "min"), last=("date", "max"),
                                             net=("amount", "sum")).reset_index())


def inspect_export(data: bytes, name: str, ingestion_params: dict[str, Any],
                   mapping_files: list[str]) -> ImportedExport:
    """Read ``data`` (one export file, any supported format) with the ingestion readers and
    the ingestion pipeline, without touching the project's datasets. Raises
    `readers.ExportReadError` (what and where) when it is not a transaction file at all."""
    from kedro.io import DataCatalog, MemoryDataset
    from kedro.runner import SequentialRunner

    from titans_finance.datasets.raw_export_dataset import RawExportDataset
    from titans_finance.pipelines.ingestion import create_pipeline

    with tempfile.TemporaryDirectory(prefix="titans-import-") as folder:
        path = Path(folder) / Path(name).name
        path.write_bytes(data)
        raw = RawExportDataset(filepath=str(path), mapping_files=mapping_files)
        outputs = ("clean_transactions", "quarantined_transactions", "duplicate_transactions",
                   "data_quality")
        catalog = DataCatalog({"raw_transactions": raw,
                               "params:ingestion": MemoryDataset(ingestion_params),
                               **{name: MemoryDataset(copy_mode="assign") for name in outputs}})
        SequentialRunner().run(create_pipeline(), catalog)
        clean, quarantined, duplicates, quality = (catalog.load(n) for n in outputs)
    files = quality.get("files") or [quality.get("source") or {}]
    return ImportedExport(info=files, clean=clean, quarantined=quarantined,
                          duplicates=duplicates, quality=quality)
