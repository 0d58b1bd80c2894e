"""Precision of the anomaly model's "same amount to the same payee" flag, by amount band.

    nice .venv/bin/python -m benchmarks.evaluation.anomaly_duplicates --limit 50

Real accounts (Berka, `benchmarks/berka.py`), each one export: fitted on its rows before
the last 90 days, labelled anomalies injected into those 90 days as in
`benchmarks/anomaly_berka.py` (one duplicated charge per account among them), the test rows
scored as the pipeline scores. A *duplicate flag* is a flagged row whose duplicate signal
fired (its reasons say "same amount to the same payee"); its precision is the share of
those rows that are injected anomalies (a real row of a real account flagged as a
duplicate is a false alarm: Berka's own repeats are genuine). Bands are of the absolute
amount (CZK). Also the seed export (`../shared/data/seed_transactions.csv`, no labels):
every duplicate flag on its real rows is counted. And the project's default data
(generator, 20,000 rows, seed 42: its own labelled anomalies), the last 20 % of its days.
Writes ``benchmarks/results/anomaly_duplicates.json`` (the latest run, its ``command`` with
the ``--limit`` it used; earlier runs are in git history and docs/evaluation.md).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from benchmarks.evaluation.berka import BERKA_END, BERKA_PATH, accounts, berka_exports

from titans_finance.core.features import build_features
from titans_finance.models.anomaly import AnomalyModel
from titans_finance.synthetic.anomalies import inject_anomalies

ROOT = Path(__file__).resolve().parents[2]
SEED_PATH = ROOT.parent / "shared" / "data" / "seed_transactions.csv"
TEST_DAYS = 90
BANDS = (0, 100, 1_000, 10_000, np.inf)  # |amount| in the export's currency


def _band(amount: np.ndarray) -> np.ndarray:
    labels = [f"{lo:,.0f}-{hi:,.0f}" if np.isfinite(hi) else f"{lo:,.0f}+"
              for lo, hi in zip(BANDS[:-1], BANDS[1:], strict=True)]
    index = np.searchsorted(np.asarray(BANDS[1:-1]), np.abs(amount), side="right")
    return np.array(labels, dtype=object)[index]


def score_account(rows: pd.DataFrame, start: pd.Timestamp, params: dict) -> pd.DataFrame | None:
    train_mask = (rows["date"] < start).to_numpy()
    if train_mask.sum() < 20 or (~train_mask).sum() == 0:
        return None
    features = build_features(rows)
    model = AnomalyModel(params).fit(rows[train_mask], features[train_mask])
    test = rows[~train_mask]
    scored = model.score(test, features[~train_mask])
    return pd.DataFrame({
        "account": test["account"].to_numpy(), "amount": test["amount"].to_numpy(),
        "anomaly_type": test.get("anomaly_type", pd.Series("", index=test.index)).to_numpy(),
        "injected": test.get("injected", pd.Series(False, index=test.index)).to_numpy(),
        "flagged": scored["is_anomaly"].to_numpy(),
        "duplicate_flag": (scored["is_anomaly"] & (scored["duplicate_score"] > 0)).to_numpy()})


def by_band(table: pd.DataFrame) -> dict:
    out = {}
    table = table.assign(band=_band(table["amount"].to_numpy()))
    for band, rows in table.groupby("band", sort=False):
        flags = rows[rows["duplicate_flag"]]
        out[band] = {"duplicate_flags": int(len(flags)),
                     "true": int(flags["injected"].sum()),
                     "precision": float(flags["injected"].mean()) if len(flags) else None,
                     "injected_duplicates": int((rows["anomaly_type"] == "duplicate_charge").sum()),
                     "injected_duplicates_flagged": int(
                         (rows["flagged"] & (rows["anomaly_type"] == "duplicate_charge")).sum())}
    return dict(sorted(out.items(), key=lambda kv: float(kv[0].split("-")[0].rstrip("+")
                                                         .replace(",", ""))))


def seed_table(params: dict) -> pd.DataFrame | None:
    if not SEED_PATH.is_file():
        return None
    raw = pd.read_csv(SEED_PATH)
    clean = pd.DataFrame({
        "transaction_id": [f"s{i}" for i in range(len(raw))],
        "date": pd.to_datetime(raw["Date"]), "type": raw["Type"].str.lower(),
        "description": raw["Description"], "amount": raw["Amount"].astype(float),
        "category": raw["Category"], "payment_method": raw["Payment Method"],
        "status": raw["Status"], "reference": raw["Reference"], "receipt_url": None,
        "account": "seed"}).sort_values("date", kind="stable").reset_index(drop=True)
    clean["source_row"] = np.arange(1, len(clean) + 1)
    start = clean["date"].max() - pd.Timedelta(days=29)  # the last 30 days scored
    return score_account(clean, start, params)


def generated_table(params: dict, rows: int, seed: int) -> pd.DataFrame:
    """The project's default data (`make run`: 20,000 rows, seed 42), its labelled anomalies
    (the generator's truth), the last 20 % of its days scored."""
    from titans_finance.synthetic.generator import generate_transactions

    from titans_finance.core.normalise import parse_amounts, parse_dates

    export, truth = generate_transactions(rows=rows, seed=seed)
    # the export's own dirt (date orders, amount formats) read by the ingestion's parsers
    dates, _ = parse_dates(export["Date"].astype("str"))
    amounts, _ = parse_amounts(export["Amount"].astype("str"))
    clean = pd.DataFrame({
        "transaction_id": [f"g{i}" for i in range(len(export))],
        "source_row": np.arange(1, len(export) + 1),
        "date": dates, "type": np.where(amounts < 0, "expense", "income"),
        "description": export["Description"], "amount": amounts,
        "category": export["Category"].replace("", None), "payment_method": "other",
        "status": export["Status"], "reference": export["Reference"].replace("", None),
        "receipt_url": None, "account": "default"})
    labelled = truth.loc[truth["anomaly_type"].fillna("") != "", ["row_number", "anomaly_type"]]
    kinds = clean["source_row"].map(labelled.set_index("row_number")["anomaly_type"])
    clean["anomaly_type"] = kinds.fillna("").to_numpy()
    clean["injected"] = kinds.notna().to_numpy()
    clean = clean.dropna(subset=["date", "amount"])  # the rows ingestion quarantines
    clean = clean.sort_values(["date", "source_row"], kind="stable").reset_index(drop=True)
    days = np.sort(clean["date"].unique())
    return score_account(clean, pd.Timestamp(days[int(len(days) * 0.8)]), params)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--generated-rows", type=int, default=20_000)
    args = parser.parse_args()
    if not BERKA_PATH.is_file():
        sys.exit(f"Berka data not found at {BERKA_PATH}")
    params = yaml.safe_load((ROOT / "conf/base/parameters_anomaly.yml").read_text())["anomaly"]
    params = {**params, "n_jobs": 1}
    started = time.perf_counter()
    rng = np.random.default_rng(20240501)
    start = BERKA_END - pd.Timedelta(days=TEST_DAYS - 1)
    pieces = []
    for i, (_, export) in enumerate(accounts(berka_exports())):
        if i >= args.limit:
            break
        result = score_account(inject_anomalies(export, start, rng), start, params)
        if result is not None:
            pieces.append(result)
    table = pd.concat(pieces, ignore_index=True)
    flags = table[table["duplicate_flag"]]
    seed = seed_table(params)
    generated = generated_table(params, args.generated_rows, 42)
    generated_flags = generated[generated["duplicate_flag"]]
    result = {
        "command": f"nice .venv/bin/python -m benchmarks.evaluation.anomaly_duplicates --limit {args.limit}"
                   f" --generated-rows {args.generated_rows}",
        "n_accounts": int(table["account"].nunique()),
        "n_real_test_rows": int((~table["injected"]).sum()),
        "berka_duplicate_flags": int(len(flags)),
        "berka_duplicate_flag_precision": float(flags["injected"].mean()) if len(flags) else None,
        "berka_by_amount_band_czk": by_band(table),
        "berka_recall_duplicate_charge": float(table.loc[table["anomaly_type"] == "duplicate_charge",
                                                          "flagged"].mean()),
        "berka_recall_all_injected": float(table.loc[table["injected"], "flagged"].mean()),
        "berka_false_alarms_per_1000_real": float(1000 * table.loc[~table["injected"],
                                                                   "flagged"].mean()),
        "generated_default_data": {
            "rows": args.generated_rows, "seed": 42, "scored_rows": int(len(generated)),
            "duplicate_flags": int(len(generated_flags)),
            "duplicate_flag_precision": float(generated_flags["injected"].mean())
            if len(generated_flags) else None,
            "recall_duplicate_charge": float(generated.loc[
                generated["anomaly_type"] == "duplicate_charge", "flagged"].mean()),
            "recall_all_labelled": float(generated.loc[generated["injected"], "flagged"].mean()),
            "by_amount_band_usd": by_band(generated)},
        "seed_last_30_days": None if seed is None else {
            "rows": int(len(seed)), "flags": int(seed["flagged"].sum()),
            "duplicate_flags_on_real_rows": int(seed["duplicate_flag"].sum()),
            "by_amount_band_usd": by_band(seed)},
        "seconds": round(time.perf_counter() - started, 1),
    }
    (ROOT / "benchmarks" / "results" / "anomaly_duplicates.json").write_text(json.dumps(result, indent=2)
                                                                  + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
