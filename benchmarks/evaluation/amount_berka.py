"""Amount model vs the per-payee median on every Berka account (one export per account).

    nice .venv/bin/python -m benchmarks.evaluation.amount_berka             # all 638 accounts
    nice .venv/bin/python -m benchmarks.evaluation.amount_berka --limit 40  # a quick look

Each account runs the amount pipeline's own evaluation (`evaluate_amount_model`: the last
``test_fraction`` of its transactions held out by date, candidates chosen on the last
part of the training period — nested), with the pipeline's parameters. The question
it answers: what will the next payment to (or from) this payee be? Compared with the
median of the payee's earlier amounts (else the type's). Accounts too short for a
hold-out with a calibration slice are counted, not scored. Writes
``benchmarks/results/amount_berka.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from benchmarks.evaluation.berka import BERKA_PATH, accounts, berka_exports  # noqa: E402

from titans_finance.core.features import build_features
from titans_finance.models.amount.evaluation import evaluate_amount_model

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    if not BERKA_PATH.is_file():
        sys.exit(f"Berka data not found at {BERKA_PATH}")
    params = {**yaml.safe_load((ROOT / "conf/base/parameters_amount.yml").read_text())["amount"],
              "n_jobs": 1}
    started = time.perf_counter()
    frame = berka_exports()
    rows, pieces, too_short = [], [], 0
    for i, (account, export) in enumerate(accounts(frame)):
        if args.limit is not None and i >= args.limit:
            break
        features = build_features(export)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                metrics, holdout = evaluate_amount_model(export, features, params)
        except ValueError:  # too few rows for a hold-out and a calibration slice
            too_short += 1
            continue
        rows.append({"account": account, "mae": metrics["holdout_mae"],
                     "baseline_mae": metrics["baseline_mae"], "selected": metrics["selected_model"],
                     "coverage": metrics["interval_coverage"], "n_test": metrics["n_test"]})
        # a payee whose training amounts never varied (a fixed bill): its amount repeats
        # exactly, so any interval around it covers it — coverage there says little
        payee = features["merchant_key"].astype(str).to_numpy()
        test = export["transaction_id"].isin(holdout["transaction_id"]).to_numpy()
        distinct = pd.Series(export["amount"].to_numpy()[~test]).groupby(payee[~test]).nunique()
        key = pd.Series(payee, index=export["transaction_id"].to_numpy())[
            holdout["transaction_id"]].to_numpy()
        pieces.append(holdout.assign(account=account,
                                     fixed_payee=pd.Series(key).map(distinct).eq(1).to_numpy()))
    table, holdout = pd.DataFrame(rows), pd.concat(pieces, ignore_index=True)
    error = (holdout["actual"] - holdout["predicted"]).abs()
    base_error = (holdout["actual"] - holdout["baseline"]).abs()
    inside = (holdout["actual"] >= holdout["lower"]) & (holdout["actual"] <= holdout["upper"])
    log_error = np.abs(np.log1p(holdout["actual"].abs()) - np.log1p(holdout["predicted"].abs()))
    log_base = np.abs(np.log1p(holdout["actual"].abs()) - np.log1p(holdout["baseline"].abs()))

    def split(mask) -> dict:
        return {"n": int(mask.sum()), "mae": float(error[mask].mean()),
                "baseline_mae": float(base_error[mask].mean()),
                "median_abs_log_error": float(log_error[mask].median()),
                "baseline_median_abs_log_error": float(log_base[mask].median()),
                "interval_coverage": float(inside[mask].mean()),
                "median_interval_width": float((holdout["upper"] - holdout["lower"])[mask]
                                               .abs().median())}

    known = holdout["known_payee"].astype(bool)
    result = {
        "command": "nice .venv/bin/python -m benchmarks.evaluation.amount_berka"
                   + (f" --limit {args.limit}" if args.limit else ""),
        "n_accounts_evaluated": int(len(table)), "n_accounts_too_short": too_short,
        "n_test_transactions": int(len(holdout)),
        "per_account": {
            "median_mae": float(table["mae"].median()),
            "median_baseline_mae": float(table["baseline_mae"].median()),
            "share_of_accounts_won": float((table["mae"] < table["baseline_mae"] - 1e-9).mean()),
            "share_of_accounts_tied": float(np.isclose(table["mae"], table["baseline_mae"]).mean()),
            "median_interval_coverage": float(table["coverage"].median()),
            "selected": table["selected"].value_counts().to_dict()},
        "pooled": {"all": split(np.ones(len(holdout), dtype=bool)), "known_payee": split(known),
                   "known_payee_amounts_vary": split(known & ~holdout["fixed_payee"]),
                   "known_payee_fixed_amount": split(known & holdout["fixed_payee"]),
                   "new_payee": split(~known)},
        "interval_nominal": float(params["interval_coverage"]),
        "seconds": round(time.perf_counter() - started, 1),
    }
    name = "amount_berka" if args.limit is None else f"amount_berka_first{args.limit}"
    (ROOT / "benchmarks" / "results" / f"{name}.json").write_text(json.dumps(result, indent=2)
                                                                  + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
