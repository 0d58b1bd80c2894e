"""What each page of the app shows, from the pipelines' tables (plain pandas: no Streamlit, no
Kedro), so that it is tested on its own and the page script stays thin.

Categories come from `reporting.categorised.categorise` (the report's own order of trust:
your correction, the export, the category model), merchants are named as the export writes
them (`reporting.merchants`), scorecards are read as the report reads them
(`reporting.scorecards.scorecard_of`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from titans_finance.app.text import as_text
from titans_finance.core.movements import without_transfers
from titans_finance.models.cashflow import MAX_HORIZON, horizon_net_change
from titans_finance.reporting.categorised import categorise
from titans_finance.reporting.charts import UNKNOWN_MONEY
from titans_finance.reporting.scorecards import (
    MODEL_NAMES,
    MODELS,
    VERDICT_COLUMN,
    score_text,
    scorecard_of,
    verdict_cell,
)
from titans_finance.reporting.glossary import baseline_meaning
from titans_finance.reporting.merchants import merchant_names
from titans_finance.reporting.money import Money
from titans_finance.reporting.provenance import provenance_lines
from titans_finance.reporting.shortfall import shortfall_sentence

ALL_ACCOUNTS = "All accounts"
HORIZONS = (30, 60, 90)
PAGE_SIZES = (50, 100, 500)


def transactions_table(clean: pd.DataFrame, predictions: pd.DataFrame | None,
                       corrections: pd.DataFrame | None, feature_table: pd.DataFrame | None,
                       anomaly_scores: pd.DataFrame | None,
                       taxonomy: dict[str, Any] | None = None) -> pd.DataFrame:
    """One row per clean transaction: its category and where it comes from (a group answer
    by the group's name in ``taxonomy``, with the model's reason), its merchant (as
    written), and its anomaly score and reasons when the anomaly model scored it."""
    if predictions is None:
        predictions = pd.DataFrame(columns=["transaction_id", "predicted_category", "confidence",
                                            "top_k", "split"])
    table = categorise(clean, predictions, corrections, taxonomy)
    if "account" not in table:
        table["account"] = "default"
    table["account"] = table["account"].fillna("default").astype("str")
    ids = pd.Index(table["transaction_id"])
    if feature_table is not None and "merchant_key" in feature_table:
        key = _aligned(ids, feature_table, {"merchant_key": ""})["merchant_key"]
        table["merchant_key"] = key
        names = merchant_names(pd.Series(key, index=table.index), clean["description"],
                               clean.get("reference"))
        table["merchant"] = pd.Series(key).map(names).fillna("").to_numpy()
    else:
        table["merchant_key"] = ""
        table["merchant"] = ""
    scores = anomaly_scores if anomaly_scores is not None else pd.DataFrame(
        columns=["transaction_id", "score", "is_anomaly", "reasons"])
    scored = _aligned(ids, scores, {"score": np.nan, "is_anomaly": False, "reasons": ""})
    table["anomaly_score"] = scored["score"].astype("float64")
    table["is_anomaly"] = scored["is_anomaly"].astype(bool)
    table["anomaly_reasons"] = scored["reasons"]
    table["category"] = table["category"].astype("object")
    return table.sort_values(["date", "transaction_id"], ascending=[False, True],
                             kind="stable").reset_index(drop=True)


def _aligned(ids: pd.Index, frame: pd.DataFrame, columns: dict[str, Any]
             ) -> dict[str, np.ndarray]:
    """``frame[column]`` for each of ``ids`` (by ``transaction_id``), for each of ``columns``
    (name → the value where the frame has no row): one index lookup for all of them, then
    positional takes (a million rows in about a second)."""
    unique = frame.drop_duplicates("transaction_id")
    positions = pd.Index(unique["transaction_id"]).get_indexer(ids)
    found = positions >= 0
    result = {}
    for column, missing in columns.items():
        out = np.full(len(ids), missing, dtype=object)
        out[found] = unique[column].to_numpy(dtype=object)[positions[found]]
        result[column] = out
    return result


@dataclass(frozen=True)
class Filters:
    """What the transactions page narrows to; ``None`` / empty means no restriction."""

    start: dt.date | None = None
    end: dt.date | None = None
    accounts: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # where the category comes from (categorised.SOURCES)
    merchant: str = ""
    text: str = ""
    min_amount: float | None = None
    max_amount: float | None = None
    anomalies_only: bool = False


def filter_transactions(table: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The rows that pass every filter (vectorised: a million rows in well under a second)."""
    keep = np.ones(len(table), dtype=bool)
    if filters.start is not None or filters.end is not None:
        day = table["date"].to_numpy(dtype="datetime64[ns]")
        if filters.start is not None:
            keep &= day >= np.datetime64(filters.start, "ns")
        if filters.end is not None:
            keep &= day < np.datetime64(filters.end + dt.timedelta(days=1), "ns")
    if filters.accounts:
        keep &= table["account"].isin(filters.accounts).to_numpy()
    if filters.categories:
        category = table["category"].fillna("uncategorised")
        keep &= category.isin(filters.categories).to_numpy()
    if filters.sources:
        keep &= table["category_source"].isin(filters.sources).to_numpy()
    if filters.merchant.strip():
        keep &= table["merchant"].str.contains(filters.merchant.strip(), case=False,
                                               regex=False, na=False).to_numpy()
    if filters.text.strip():
        keep &= table["description"].astype("str").str.contains(
            filters.text.strip(), case=False, regex=False, na=False).to_numpy()
    amount = table["amount"].to_numpy(dtype="float64")
    if filters.min_amount is not None:
        keep &= amount >= filters.min_amount
    if filters.max_amount is not None:
        keep &= amount <= filters.max_amount
    if filters.anomalies_only:
        keep &= table["is_anomaly"].to_numpy(dtype=bool)
    return table[keep]


def page_count(rows: int, size: int) -> int:
    return max(1, -(-rows // size))


def page_of(table: pd.DataFrame, page: int, size: int) -> pd.DataFrame:
    """Rows of page ``page`` (1-based; clipped to the pages there are)."""
    page = min(max(1, int(page)), page_count(len(table), size))
    return table.iloc[(page - 1) * size: page * size]


DISPLAY_COLUMNS = ["date", "account", "description", "merchant", "amount", "category",
                   "category_source", "category_reason", "model_confidence", "anomaly_score",
                   "anomaly_reasons"]


# shares of one (the category model's confidence), shown as percentages
PERCENT_COLUMNS = ("model_confidence",)


def for_display(rows: pd.DataFrame) -> pd.DataFrame:
    columns = [c for c in DISPLAY_COLUMNS if c in rows]
    return dates_as_days(rows[columns])


def dates_as_days(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every date-time column whose values are all at midnight as plain
    dates (``2021-09-03``, not ``2021-09-03 00:00:00``)."""
    shown = frame.copy()
    for column in shown.columns:
        values = shown[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            present = values.dropna()
            if (present == present.dt.normalize()).all():
                shown[column] = values.dt.date
    return shown


# ---- overview ----------------------------------------------------------------------------

def for_account(table: pd.DataFrame, account: str) -> pd.DataFrame:
    return table if account == ALL_ACCOUNTS else table[table["account"] == account]


def income_and_expenses(table: pd.DataFrame) -> dict[str, float]:
    """Income and spending, without transfers between the user's own accounts."""
    table = without_transfers(table)
    income = float(table.loc[table["amount"] > 0, "amount"].sum())
    expenses = float(-table.loc[table["amount"] < 0, "amount"].sum())
    return {"income": income, "expenses": expenses, "net": income - expenses}


def latest_balances(clean: pd.DataFrame) -> pd.DataFrame:
    """Each account's balance after its last transaction, as the export writes it (empty
    when the export has no balance column)."""
    if "balance" not in clean or clean["balance"].isna().all():
        return pd.DataFrame(columns=["account", "date", "balance"])
    frame = clean[clean["balance"].notna()].assign(
        account=clean.get("account", pd.Series("default", index=clean.index)).fillna("default"))
    order = ["date", "source_row"] if "source_row" in frame else ["date"]
    last = frame.sort_values(order, kind="stable").groupby("account").tail(1)
    return last[["account", "date", "balance"]].reset_index(drop=True)


KNOWN_BALANCE = ("export_balance_column", "declared_opening_balance")


def projected_balances(cashflow_model: Any, horizons: tuple[int, ...] = HORIZONS
                       ) -> tuple[pd.DataFrame, dict[str, Any], pd.DataFrame]:
    """The balance ``horizons`` days after the export's last day with its 80 % range, the
    forecast summary (as of, first low-balance day...) and the daily forecast table. Each
    horizon's net change is `horizon_net_change` (the report's, the chart's and the API's
    figure). When the balance is not known (no balance column, no declared opening
    balance) ``balance`` is that change since the export's last day, as the report shows."""
    days = max(horizons)
    forecast, summary = cashflow_model.predict(days)
    summary["balance_known"] = summary.get("balance_source") in KNOWN_BALANCE
    start = float(summary["opening_balance"]) if summary["balance_known"] else 0.0
    rows = []
    for horizon in horizons:
        if horizon <= len(forecast):
            change = horizon_net_change(forecast, horizon)
            rows.append({"days": horizon, "date": pd.Timestamp(change.last_day).date(),
                         "net_change": change.expected, "balance": start + change.expected,
                         "lower": start + change.lower, "upper": start + change.upper})
    return pd.DataFrame(rows), summary, forecast


def shortfall_text(summary: dict[str, Any], money) -> str:
    """The overview's chance of running short: below 0, and below the alert threshold
    when one is declared (`reporting.shortfall.shortfall_sentence`, the report's words)."""
    text = shortfall_sentence(summary.get("shortfall"), money)
    threshold = summary.get("shortfall_threshold")
    if threshold and threshold.get("threshold") and threshold.get("probability"):
        text += " " + shortfall_sentence(threshold, money)
    return as_text(text)


def run_provenance(data_quality: dict[str, Any], clean_hash: str,
                   metrics: dict[str, dict[str, Any] | None]) -> list[str]:
    """The export and run the app's pages describe, then one warning when the models'
    figures come from other data (`reporting.provenance`), as Markdown-safe text."""
    lines = provenance_lines(data_quality, clean_hash,
                             {name: values for name, values in metrics.items() if values},
                             what="the app's data")
    return [as_text(line) for line in lines]


def try_dates(cashflow_model: Any, clean: pd.DataFrame | None = None
              ) -> tuple[dt.date, dt.date] | None:
    """The days on which a tried transaction changes the projected balance: the forecast's
    days, from the day after the export's last day to the last day the model forecasts
    (None without a model or an export)."""
    as_of = getattr(cashflow_model, "as_of", None)
    if as_of is None and clean is not None and len(clean):
        as_of = pd.to_datetime(clean["date"]).max()
    if as_of is None:
        return None
    first = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
    days = len(getattr(cashflow_model, "forecast", ())) or MAX_HORIZON
    return first.date(), (first + pd.Timedelta(days=days - 1)).date()


def spending_by(table: pd.DataFrame, column: str, top: int = 10) -> pd.DataFrame:
    """Total spent per ``column`` value (the ``top`` largest), expenses only (no transfers)."""
    table = without_transfers(table)
    expenses = table[table["amount"] < 0]
    key = expenses[column].astype("object").where(expenses[column].notna() &
                                                   (expenses[column] != ""), "uncategorised")
    spent = (-expenses["amount"]).groupby(key).sum().nlargest(top)
    return spent.rename("spent").rename_axis(column).reset_index()


def monthly_income_and_expenses(table: pd.DataFrame) -> pd.DataFrame:
    table = without_transfers(table)
    month = pd.to_datetime(table["date"]).dt.to_period("M").dt.to_timestamp()
    amount = table["amount"]
    frame = pd.DataFrame({"month": month, "income": amount.clip(lower=0),
                          "expenses": -amount.clip(upper=0)})
    monthly = frame.groupby("month").sum()
    monthly["net"] = monthly["income"] - monthly["expenses"]
    return monthly


def recurring_payments(metrics_cashflow: dict[str, Any] | None, names: dict[str, str] | None = None
                       ) -> pd.DataFrame:
    """The recurring series the cash-flow model projects, with the next date it expects."""
    details = (metrics_cashflow or {}).get("recurring_details") or []
    rows = []
    for item in details:
        rows.append({"merchant": (names or {}).get(item.get("merchant"), item.get("merchant")),
                     "every": item.get("kind"), "amount": item.get("amount"),
                     "last seen": item.get("last_date"),
                     "next date": item.get("next_date") or _next_date(item),
                     "times": item.get("occurrences")})
    return pd.DataFrame(rows, columns=["merchant", "every", "amount", "last seen", "next date",
                                       "times"])


_PERIODS = {"monthly": pd.DateOffset(months=1), "weekly": pd.DateOffset(weeks=1),
            "yearly": pd.DateOffset(years=1), "annual": pd.DateOffset(years=1)}


def _next_date(item: dict[str, Any]) -> str | None:
    """One period after the last occurrence, when the series does not say it itself."""
    step = _PERIODS.get(str(item.get("kind", "")).split()[0].lower())
    if step is None or not item.get("last_date"):
        return None
    return str((pd.Timestamp(item["last_date"]) + step).date())


# ---- review queue ------------------------------------------------------------------------

def top_choices(top_k: Any, limit: int = 3) -> list[tuple[str, float]]:
    """The model's top choices as (category, probability), best first: from the model's
    list of ``{"category", "probability"}`` or the predictions table's ``"fuel 0.93; food
    0.05"``."""
    if top_k is None or (isinstance(top_k, float) and np.isnan(top_k)):
        return []
    if isinstance(top_k, str):
        pairs = [part.strip().rsplit(" ", 1) for part in top_k.split(";") if part.strip()]
        return [(name, float(value)) for name, value in pairs[:limit]]
    items = []
    for item in list(top_k)[:limit]:
        if isinstance(item, dict):
            items.append((str(item.get("category")), float(item.get("probability",
                                                                    item.get("score", 0.0)))))
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            items.append((str(item[0]), float(item[1])))
    return items


# ---- models and data health --------------------------------------------------------------

def scorecards(metrics: dict[str, dict[str, Any] | None], money: Money = UNKNOWN_MONEY
               ) -> pd.DataFrame:
    """Per model: what it predicts, its headline metric, the strongest simple baseline on the
    same hold-out, and whether the model beats it by more than the noise (from each model's
    metrics JSON, the cards the report's scorecard reads). Scores are text, as the report
    writes them: a cell without one says why, never ``None``."""
    rows = []
    for model, purpose in MODELS.items():
        card = scorecard_of(model, metrics.get(model) or {})
        if not card:
            rows.append({"model": MODEL_NAMES.get(model, model), "predicts": purpose,
                         "metric": "", "model score": "", "strongest baseline": "",
                         "baseline score": "", VERDICT_COLUMN: "not trained yet"})
            continue
        best, metric = card.get("best_baseline"), card["metric"]
        rows.append({
            "model": MODEL_NAMES.get(model, model), "predicts": purpose,
            "metric": f"{metric} ({'lower' if card.get('lower_is_better') else 'higher'}"
                      " is better)",
            "model score": score_text(metric, card.get("model"), money),
            "strongest baseline": baseline_meaning(best) if best else "none measured",
            "baseline score": score_text(metric, (card.get("baselines") or {}).get(best),
                                         money) if best else "",
            VERDICT_COLUMN: verdict_cell(card),
        })
    return pd.DataFrame(rows)


def training_runs(packaged: dict[str, Any] | None, metrics: dict[str, dict[str, Any] | None],
                  versions: dict[str, str | None], data_hash: str | None) -> pd.DataFrame:
    """What was trained when and on which data: each model's latest saved version (its save
    time), the rows it was trained on, the fingerprint of the clean table, and the tag the
    service serves when the models were packaged."""
    packaged = packaged or {}
    tags = packaged.get("tags") or {}
    rows = []
    for model in MODELS:
        values = metrics.get(model) or {}
        trained = values.get("n_train") or values.get("rows_train") or values.get(
            "n_days_history")
        unit = "days" if "n_train" not in values and values.get("n_days_history") else "rows"
        rows.append({"model": MODEL_NAMES.get(model, model),
                     "saved (UTC)": _version_time(versions.get(model)),
                     "trained on": f"{int(trained):,} {unit}" if trained else "",
                     "training data": data_hash or "",
                     "served as": tags.get(model, "not packaged")})
    return pd.DataFrame(rows)


def _version_time(version: str | None) -> str:
    """``2026-11-25T21.54.06.123Z`` (a Kedro version) → ``2026-11-25 21:54:06``."""
    if not version:
        return "not trained yet"
    day, _, clock = version.partition("T")
    return f"{day} {clock[:8].replace('.', ':')}" if clock else version


def anomaly_review_summary(labels: pd.DataFrame) -> str:
    """What the anomaly reviews made in the app say of the model's flags: of the flagged
    transactions a person looked at, the share that were really fraud or errors (the precision
    of the flags on this user's own data)."""
    if labels is None or not len(labels):
        return ("No flagged transaction reviewed yet: mark them *expected* or *fraud or error* "
                "in the review queue to measure the anomaly model on your own data.")
    fraud = int((labels["label"] == "fraud").sum())
    return (f"Of {len(labels)} flagged transactions reviewed, {fraud} were fraud or errors: "
            f"the flags' precision on your data is {fraud / len(labels):.0%} "
            f"({len(labels) - fraud} were expected).")


def drift_status(drift: dict[str, Any] | None, current_hash: str | None = None) -> str:
    """The latest drift check (``make monitor``) in one or two sentences: its verdict, the
    batch it checked, the features that moved, and whether it was against this run's data."""
    if not drift:
        return ("No drift check has been run yet: `make monitor RAW=/path/to/new_export.csv` "
                "compares a new export with the training data.")
    period = drift.get("batch_period") or []
    batch = (f"{drift.get('n_batch', '?')} transactions"
             + (f" from {period[0]} to {period[1]}" if len(period) == 2 else ""))
    moved = [f["feature"] for f in drift.get("features") or [] if f.get("verdict") == "drift"]
    text = (f"Latest drift check: **{drift.get('verdict', 'unknown')}** on {batch}; features "
            f"that moved: {', '.join(moved) if moved else 'none'}.")
    if drift.get("note"):
        text += f" Note: {drift['note']}."
    if current_hash and drift.get("reference_data_hash") not in (None, current_hash):
        text += (" It compared with the training data of an earlier run, not this one: run "
                 "`make monitor` again.")
    return text
