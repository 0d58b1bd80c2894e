"""Where the service's time goes, in-process (the breakdown in docs/benchmarks.md).

    .venv/bin/python -m benchmarks.performance.serving_profile [--repeats 7]

Needs the models of `make run` (data/06_models, data/03_primary). Runs the service's own
functions, stage by stage, as `/predict/*` and `/predict/batch` call them (no HTTP, no
BentoML): one transaction at a time over 200 distinct transactions of the default data
(median per transaction), and batches of 1,000 distinct transactions (median per
batch) — JSON parsing and validation, the request frame, features, each model, the
result objects and the JSON answer. Writes benchmarks/results/serving_profile.json and
the table between the ``bench:serving_profile`` markers of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]
from benchmarks.performance.run_benchmarks import RESULTS, machine, write_section  # noqa: E402
from benchmarks.performance.serving_load import _transactions  # noqa: E402

STAGES = ("json + validation", "frame", "features", "category", "amount", "anomaly",
          "result objects", "json answer")


def _load_models() -> dict:
    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project

    bootstrap_project(ROOT)
    with KedroSession.create(project_path=ROOT) as session:
        catalog = session.load_context().catalog
        try:
            return {name: catalog.load(name) for name in ("category_model", "amount_model",
                                                          "anomaly_model", "history_state")}
        except Exception as exc:  # a missing model names itself in the message
            raise SystemExit(f"cannot load the models of `make run`: {exc}") from None


def _profile(items: list[dict], models: dict) -> dict[str, float]:
    """Seconds per stage for one request carrying ``items``."""
    from titans_finance.core.features import build_features
    from titans_finance.serving.schemas import transactions_frame
    from titans_finance.serving.service import TRANSACTION_SCORERS, TitansFinanceService
    from titans_finance.serving.service import validated_transactions

    body = json.dumps({"transactions": items}).encode()
    served = SimpleNamespace(
        versions={"category": "c:1", "amount": "a:1", "anomaly": "n:1"},
        info={"anomaly": {"threshold": float(models["anomaly_model"].threshold)}})
    seconds: dict[str, float] = {}
    clock = time.perf_counter

    started = clock()
    transactions = validated_transactions(json.loads(body)["transactions"])
    seconds["json + validation"], started = clock() - started, clock()
    frame = transactions_frame(transactions)
    seconds["frame"], started = clock() - started, clock()
    features = build_features(frame, models["history_state"], independent=True)
    seconds["features"] = clock() - started
    out = {}
    for name in ("category", "amount", "anomaly"):
        started = clock()
        out[name] = TRANSACTION_SCORERS[name](models[f"{name}_model"], frame, features)
        seconds[name] = clock() - started
    started = clock()
    service = getattr(TitansFinanceService, "inner", TitansFinanceService)  # the plain class
    response = {"results": [
        {"category": c, "amount": a, "anomaly": n} for c, a, n in zip(
            service._category_items(out["category"], served),
            service._amount_items(out["amount"], served),
            service._anomaly_items(out["anomaly"], served), strict=True)]}
    seconds["result objects"], started = clock() - started, clock()
    json.dumps(response)
    seconds["json answer"] = clock() - started
    return seconds


def _medians(runs: list[dict[str, float]]) -> dict[str, float]:
    return {stage: statistics.median(run[stage] for run in runs) for stage in STAGES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="batches of 1,000 timed")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    models = _load_models()
    singles = _transactions(200, seed=1)
    batches = [_transactions(1000, seed=10 + i) for i in range(args.repeats)]
    _profile(singles[:5], models)  # warm caches and lazy imports
    single = _medians([_profile([item], models) for item in singles])
    batch = _medians([_profile(items, models) for items in batches])
    result = {"machine": machine(), "load_average_1min": [round(load_before, 2),
                                                          round(os.getloadavg()[0], 2)],
              "single_ms": {k: v * 1e3 for k, v in single.items()},
              "batch_1000_ms": {k: v * 1e3 for k, v in batch.items()},
              "single_total_ms": sum(single.values()) * 1e3,
              "batch_1000_total_ms": sum(batch.values()) * 1e3}
    result["batch_transactions_per_s_in_process"] = 1000 / (result["batch_1000_total_ms"] / 1e3)
    (RESULTS / "serving_profile.json").write_text(json.dumps(result, indent=2) + "\n")
    rows = "\n".join(f"| {s} | {result['single_ms'][s]:.2f} | {result['batch_1000_ms'][s]:.1f} |"
                     for s in STAGES)
    m = result["machine"]
    write_section("serving_profile", (
        f"Measured {m['date']} on {m['cores']} cores ({m['cpu']}); command: "
        f"`.venv/bin/python -m benchmarks.performance.serving_profile --repeats {args.repeats}` (models of "
        "`make run`; medians; in-process, no HTTP; each transaction new to the service, so no "
        f"spelling-cache hits). Load average {result['load_average_1min'][0]:g} before and "
        f"{result['load_average_1min'][1]:g} after on {m['cores']} cores: above 1 per core, "
        "other jobs shared the CPU and every figure is an upper bound.\n\n"
        "| stage | one transaction (ms) | batch of 1,000 (ms) |\n|---|---|---|\n"
        f"{rows}\n| **total** | **{result['single_total_ms']:.1f}** | "
        f"**{result['batch_1000_total_ms']:.0f}** |\n\n"
        f"In-process ceiling of the batch path: "
        f"{result['batch_transactions_per_s_in_process']:,.0f} transactions/s."))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
