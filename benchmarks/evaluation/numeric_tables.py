"""Markdown tables of the numeric models' Berka results, for docs/evaluation.md.

    .venv/bin/python -m benchmarks.evaluation.numeric_tables [--amount amount_berka_first100]  # a --limit run's file

Reads ``benchmarks/results/{cashflow,anomaly,amount}_berka.json`` (written by
``cashflow_berka.py``, ``anomaly_berka.py`` and ``amount_berka.py``) and prints the tables
the numeric section of docs/evaluation.md shows; nothing is computed here but formatting.
"""

from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1] / "results"


def _load(name: str) -> dict:
    return json.loads((RESULTS / f"{name}.json").read_text())


def cashflow() -> None:
    result = _load("cashflow_berka")
    for metric, label in (("mase", "MASE"), ("mae", "MAE (CZK/day)"),
                          ("cumulative_net_error", "30-day total error, absolute (CZK)")):
        d = result[metric]
        print(f"\n{label} over {result['n_accounts_evaluated']} accounts "
              f"(best baseline: {d['best_baseline']})\n")
        print("| forecast | Q1 | median | Q3 | share of accounts the model beats |")
        print("|---|---:|---:|---:|---:|")
        for name, values in d.items():
            if not isinstance(values, dict) or "median" not in values:
                continue
            won = "" if name == "model" else f"{d['share_of_accounts_won'][name]:.1%}"
            print(f"| {name} | {values['q1']:,.3f} | {values['median']:,.3f} | "
                  f"{values['q3']:,.3f} | {won} |")
        print(f"\nThe model beats each account's own best baseline on "
              f"{d['share_of_accounts_won_against_each_accounts_best_baseline']:.1%} of accounts.")
        ratios = d.get("model_median_over_peer_median") or {}
        if ratios:
            print("Model median over each peer's median: " + ", ".join(
                f"{name} {ratio:.3f}" for name, ratio in ratios.items()) + ".")
    parts = result.get("versus_schedules_peer_by_part") or {}
    if parts:
        print("\nThe model against the schedules peer, per part of the accounts (tuning: "
              "every third account in account-id order, where the rules were chosen)\n")
        print("| accounts | n | model median | peer median | ratio | lower | equal | higher |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for name in ("tuning", "held_out", "all"):
            if name in parts:
                v = parts[name]
                print(f"| {name.replace('_', ' ')} | {v['n_accounts']} | "
                      f"{v['model_median']:.3f} | {v['peer_median']:.3f} | "
                      f"{v['ratio_of_medians']:.3f} | {v['share_lower']:.1%} | "
                      f"{v['share_equal']:.1%} | {v['share_higher']:.1%} |")
    print("\nInterval coverage per account (nominal 80 %)\n")
    print("| interval | accounts | Q1 | median | Q3 | mean | accounts within 5 points | "
          "same if perfectly calibrated (expected) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, c in result["interval_coverage"].items():
        expected = c.get("expected_share_within_5_points_if_calibrated")
        print(f"| {name} | {c['n_accounts']} | {c['q1']:.3f} | {c['median']:.3f} | "
              f"{c['q3']:.3f} | {c['mean']:.3f} | {c['share_within_5_points']:.1%} | "
              + (f"{expected:.1%} |" if expected is not None else "|"))
    daily = result["interval_coverage"]["coverage"]
    if "floor_median" in daily:
        reach = daily["accounts_floor_within_reach"]
        print(f"\nDaily coverage floor (share of hold-out days whose point is exact; any "
              f"interval containing its point covers at least that): median "
              f"{daily['floor_median']:.3f}; above 85 % on "
              f"{daily['share_of_accounts_floor_above_nominal_plus_5']:.1%} of accounts. On the "
              f"{reach['n_accounts']} accounts whose floor is at most 85 %: median coverage "
              f"{reach['median']:.3f}, within 5 points on {reach['share_within_5_points']:.1%}.")
    print("\nDefault generated data (20,000 rows, seed 42)\n")
    print("| forecast | MASE | MAE | 30-day total error (abs) |")
    print("|---|---:|---:|---:|")
    for name, v in sorted(result["default_data"].items(), key=lambda kv: kv[1]["mase"]):
        print(f"| {name} | {v['mase']:.3f} | {v['mae']:,.1f} | {v['cumulative_net_error']:,.0f} |")


def shortfall() -> None:
    result = _load("shortfall_berka")
    print(f"\nChance of running short, {result['pooled']['n_accounts']} accounts, "
          f"{result['pooled']['n_cases']:,} cases (recalibrated, cross-fitted)\n")
    print("| event | cases | base rate | mean predicted | Brier | Brier of the base rate | "
          "Brier skill score | as simulated: skill |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    raw = result["simulated_shares_as_they_are"]["results"]
    for name, r in result["results"].items():
        print(f"| {name} | {r['n_cases']:,} | {r['base_rate']:.3f} | {r['mean_predicted']:.3f} | "
              f"{r['brier']:.4f} | {r['brier_climatology']:.4f} | "
              f"{r['brier_skill_score']:.3f} | {raw[name]['brier_skill_score']:.3f} |")
    print("\nReliability, every case pooled\n")
    print("| predicted | cases | mean predicted | observed | gap (points) |")
    print("|---|---:|---:|---:|---:|")
    for row in result["pooled"]["reliability"]:
        if row["n"]:
            print(f"| {row['bin']} | {row['n']:,} | {row['mean_predicted']:.3f} | "
                  f"{row['observed']:.3f} | {row['gap_points']:+.1f} |")


def anomaly() -> None:
    result = _load("anomaly_berka")
    print(f"\n{result['n_accounts_evaluated']} accounts, {result['n_real_test_transactions']:,} "
          f"real test transactions, injected: {result['n_injected']}\n")
    print("| method | PR-AUC (pooled) | PR-AUC (median per account) | false alarms per 1,000 "
          "real | recall at threshold | duplicate | card testing | spike at known payee | "
          "large transfer to new payee |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, m in result["methods"].items():
        kinds = m["recall_by_kind"]
        print(f"| {name} | {m['pr_auc_pooled']:.3f} | {m['pr_auc_per_account_median']:.3f} | "
              f"{m['false_alarms_per_1000_real']:.1f} | {m['recall_at_threshold']:.2f} | "
              f"{kinds['duplicate_charge']:.2f} | {kinds['card_testing']:.2f} | "
              f"{kinds['spike_known_payee']:.2f} | {kinds['large_transfer_new_payee']:.2f} |")


def amount(name: str = "amount_berka") -> None:
    result = _load(name)
    print(f"\nCommand: `{result['command']}`")
    p = result["per_account"]
    print(f"\n{result['n_accounts_evaluated']} accounts evaluated "
          f"({result['n_accounts_too_short']} too short), {result['n_test_transactions']:,} "
          f"held-out transactions; candidates chosen: {p['selected']}\n")
    print(f"Per account: median MAE {p['median_mae']:,.1f} vs per-payee median "
          f"{p['median_baseline_mae']:,.1f}; the model beats it on {p['share_of_accounts_won']:.1%}"
          f" of accounts and ties on {p['share_of_accounts_tied']:.1%}; median interval "
          f"coverage {p['median_interval_coverage']:.3f}.\n")
    print("| transactions | n | MAE | per-payee median MAE | median abs log error | baseline's "
          "| 80 % interval coverage | median interval width |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, s in result["pooled"].items():
        print(f"| {name} | {s['n']} | {s['mae']:,.1f} | {s['baseline_mae']:,.1f} | "
              f"{s['median_abs_log_error']:.3f} | {s['baseline_median_abs_log_error']:.3f} | "
              f"{s['interval_coverage']:.3f} | {s['median_interval_width']:,.0f} |")


if __name__ == "__main__":
    import argparse
    import functools

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--amount", default="amount_berka", help="amount results file stem")
    args = parser.parse_args()
    for section in (cashflow, shortfall, anomaly, functools.partial(amount, args.amount)):
        print(f"\n## {getattr(section, '__name__', 'amount')}")
        try:
            section()
        except FileNotFoundError as missing:
            print(f"(no results yet: {missing.filename})")
