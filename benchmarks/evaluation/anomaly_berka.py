"""Anomaly detector vs a plain IsolationForest and a robust per-payee z-score on Berka accounts.

    nice .venv/bin/python -m benchmarks.evaluation.anomaly_berka             # all 638 accounts
    nice .venv/bin/python -m benchmarks.evaluation.anomaly_berka --limit 50  # a quick look

Each account is one export: the model is fitted on its transactions before the last 90
days (the pipeline's parameters, nothing tuned per account); labelled anomalies are
injected into those 90 days (`titans_finance.synthetic.anomalies`: a duplicated
charge, a burst of small card-testing charges, a spike at a known payee, a large
transfer to a new payee — designed from public descriptions of real fraud and errors),
and the test rows are scored three ways:

- ``batch``: as the pipeline scores (features over the whole table, each row seeing the
  rows before it);
- ``service_frozen``: as the service scores today (each row against the history frozen
  at the end of training, rows independent);
- ``service_rolling``: as the service scores, with the service's own code
  (`score_with_rolling_history` → `titans_finance.core.rolling.RollingHistory`, the
  service's default limits): the test rows sent in date order, each against the account's
  training history followed by every transaction recorded before it. On the first
  ``--rolling-check`` accounts it is also run one transaction at a time (the definition)
  and checked equal to the vectorised runs the service computes.

Metrics pooled over all accounts: PR-AUC of the injected labels, false alarms per 1,000
real transactions and the flag rate on real rows at each method's own threshold, recall
per kind. Writes ``benchmarks/results/anomaly_berka.json``.
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
from sklearn.ensemble import IsolationForest
from sklearn.metrics import average_precision_score

from benchmarks.evaluation.berka import BERKA_END, BERKA_PATH, accounts, berka_exports  # noqa: E402

from titans_finance.core.features import build_features
from titans_finance.core.history_state import HistoryState
from titans_finance.models.anomaly import (
    AnomalyModel,
    raw_feature_baseline_matrix,
    robust_payee_z,
    score_with_rolling_history,
)
from titans_finance.synthetic.anomalies import KINDS, inject_anomalies

ROOT = Path(__file__).resolve().parents[2]
TEST_DAYS = 90
Z_THRESHOLD = 3.5  # the usual cut of the robust (modified) z-score, Iglewicz & Hoaglin


def evaluate_account(export: pd.DataFrame, params: dict, rng, check_rolling: bool = False
                     ) -> pd.DataFrame | None:
    start = BERKA_END - pd.Timedelta(days=TEST_DAYS - 1)
    rows = inject_anomalies(export, start, rng)
    train_mask = (rows["date"] < start).to_numpy()
    if train_mask.sum() < 20 or (~train_mask).sum() == 0:
        return None
    features = build_features(rows)
    train, test = rows[train_mask], rows[~train_mask]
    model = AnomalyModel(params).fit(train, features[train_mask])
    out = pd.DataFrame({"account": export["account"].iloc[0],
                        "anomaly_type": test["anomaly_type"].to_numpy(),
                        "injected": test["injected"].to_numpy()})
    batch = model.score(test, features[~train_mask])
    state = HistoryState.from_frame(train)
    frozen = model.score(test, build_features(test, state, independent=True))
    rolling, _ = score_with_rolling_history(model, test, state)  # the service's code
    if check_rolling:  # against the definition: one row at a time, `HistoryState.update`
        ordered = test.iloc[np.lexsort((np.arange(len(test)), test["date"].to_numpy()))]
        history, parts = state, []
        for k in range(len(ordered)):
            row = ordered.iloc[k:k + 1]
            parts.append(build_features(row, history, independent=True))
            history = history.update(row)
        one_by_one = model.score(ordered, pd.concat(parts)).loc[test.index]
        difference = float(np.abs(one_by_one["score"].to_numpy() - rolling["score"].to_numpy())
                           .max())
        if difference > 1e-9:
            raise AssertionError(f"rolling service scores differ from the one-call scores by "
                                 f"{difference}")
    for name, scored in (("batch", batch), ("service_frozen", frozen),
                         ("service_rolling", rolling)):
        out[f"{name}_score"] = scored["score"].to_numpy()
        out[f"{name}_flag"] = scored["is_anomaly"].to_numpy()
    forest = IsolationForest(n_estimators=200, contamination=float(params["contamination"]),
                             random_state=int(params.get("seed", 42)), n_jobs=1)
    forest.fit(raw_feature_baseline_matrix(train))
    test_matrix = raw_feature_baseline_matrix(test)
    out["isolation_forest_score"] = -forest.score_samples(test_matrix)
    out["isolation_forest_flag"] = forest.predict(test_matrix) == -1
    z = robust_payee_z(train, features.loc[train_mask, "merchant_key"], test,
                       features.loc[~train_mask, "merchant_key"])
    out["payee_z_score"], out["payee_z_flag"] = z, z > Z_THRESHOLD
    return out


METHODS = ("batch", "service_frozen", "service_rolling", "isolation_forest", "payee_z")


def summarise(table: pd.DataFrame) -> dict:
    truth = table["injected"].to_numpy()
    real = ~truth
    out = {}
    for method in METHODS:
        score, flag = table[f"{method}_score"].to_numpy(), table[f"{method}_flag"].to_numpy()
        per_account = [average_precision_score(g["injected"], g[f"{method}_score"])
                       for _, g in table.groupby("account") if g["injected"].any()
                       and not g["injected"].all()]
        out[method] = {
            "pr_auc_pooled": float(average_precision_score(truth, score)),
            "pr_auc_per_account_median": float(np.median(per_account)),
            "false_alarms_per_1000_real": float(1000 * flag[real].mean()),
            "flag_rate_on_real": float(flag[real].mean()),
            "recall_at_threshold": float(flag[truth].mean()),
            "recall_by_kind": {k: float(flag[(table["anomaly_type"] == k).to_numpy()].mean())
                               for k in KINDS},
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--rolling-check", type=int, default=40,
                        help="accounts also scored one transaction at a time (slow)")
    args = parser.parse_args()
    if not BERKA_PATH.is_file():
        sys.exit(f"Berka data not found at {BERKA_PATH}")
    params = yaml.safe_load((ROOT / "conf/base/parameters_anomaly.yml").read_text())["anomaly"]
    params = {**params, "n_jobs": 1}
    started = time.perf_counter()
    frame = berka_exports()
    rng = np.random.default_rng(20240501)
    pieces, skipped = [], 0
    for i, (_, export) in enumerate(accounts(frame)):
        if args.limit is not None and i >= args.limit:
            break
        result = evaluate_account(export, params, rng, i < args.rolling_check)
        if result is None:
            skipped += 1
        else:
            pieces.append(result)
    table = pd.concat(pieces, ignore_index=True)
    result = {
        "command": "nice .venv/bin/python -m benchmarks.evaluation.anomaly_berka"
                   + (f" --limit {args.limit}" if args.limit else ""),
        "n_accounts_evaluated": int(table["account"].nunique()),
        "n_accounts_skipped_under_20_training_rows": skipped,
        "test_days": TEST_DAYS, "n_real_test_transactions": int((~table["injected"]).sum()),
        "rolling_checked_one_transaction_at_a_time_on_accounts": args.rolling_check,
        "n_injected": {k: int((table["anomaly_type"] == k).sum()) for k in KINDS},
        "nominal_flag_rate": params.get("contamination"),
        "methods": summarise(table), "seconds": round(time.perf_counter() - started, 1),
    }
    name = "anomaly_berka" if args.limit is None else f"anomaly_berka_first{args.limit}"
    (ROOT / "benchmarks" / "results" / f"{name}.json").write_text(json.dumps(result, indent=2)
                                                                  + "\n")
    for method, values in result["methods"].items():
        print(f"{method:17s} PR-AUC {values['pr_auc_pooled']:.3f} (acct median "
              f"{values['pr_auc_per_account_median']:.3f})  false alarms/1000 "
              f"{values['false_alarms_per_1000_real']:.1f}  "
              f"recall {values['recall_at_threshold']:.2f}"
              f"  {({k: round(v, 2) for k, v in values['recall_by_kind'].items()})}")
    print({k: result[k] for k in ("n_accounts_evaluated", "n_real_test_transactions", "seconds")})


if __name__ == "__main__":
    main()
