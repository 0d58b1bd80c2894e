"""Where the service's time goes, in-process (the breakdown in docs/benchmarks.md).

    .venv/bin/python -m benchmarks.performance.serving_profile [--repeats 5] [--label before]

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
import gc
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

STAGES = ("json + validation", "frame", "features (fixed state)", "own features",
          "history + features", "category", "amount", "anomaly", "result objects", "json answer")
# stages timed beside the service's paths, not on them
BESIDE = ("features (fixed state)",)
# what each service path runs: the stages of the endpoint, and whether it records
PATHS = {"/predict/category": ("category", False), "/predict/amount": ("amount", False),
         "/predict/anomaly": ("anomaly", True)}


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


def _clocks() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _profile(items: list[dict], models: dict, rolling, record: bool,
             account: str | None = None) -> dict[str, tuple[float, float]]:
    """(wall, CPU) seconds per stage for one request carrying ``items``, scored as the
    service scores it: against ``rolling`` (the service's per-account history), recorded
    or not. "features (fixed state)": the same features against the shipped state alone
    (what the history costs on top of them is the difference)."""
    from titans_finance.core import features as feature_code
    from titans_finance.serving.schemas import transactions_frame
    from titans_finance.serving.service import TRANSACTION_SCORERS, TitansFinanceService
    from titans_finance.serving.answers import amount_items, anomaly_items, category_items
    from titans_finance.serving.service import validated_transactions

    if account is not None:
        items = [{**item, "account": account} for item in items]
    body = json.dumps({"transactions": items}).encode()
    served = SimpleNamespace(
        versions={"category": "c:1", "amount": "a:1", "anomaly": "n:1"},
        info={"anomaly": {"threshold": float(models["anomaly_model"].threshold)}})
    seconds: dict[str, tuple[float, float]] = {}
    last = _clocks()

    def lap(stage: str) -> None:
        nonlocal last
        now = _clocks()
        seconds[stage] = (now[0] - last[0], now[1] - last[1])
        last = _clocks()

    transactions = validated_transactions(json.loads(body)["transactions"])
    lap("json + validation")
    frame = transactions_frame(transactions)
    lap("frame")
    feature_code.build_features(frame, models["history_state"], independent=True)
    lap("features (fixed state)")
    if hasattr(feature_code, "own_features"):  # not in the code before issue 29
        feature_code.own_features(frame)
    lap("own features")
    features = rolling.features(frame, record=[record and t.record for t in transactions],
                                transaction_ids=[t.transaction_id for t in transactions])
    lap("history + features")
    out = {}
    for name in ("category", "amount", "anomaly"):
        out[name] = TRANSACTION_SCORERS[name](models[f"{name}_model"], frame, features)
        lap(name)
    service = getattr(TitansFinanceService, "inner", TitansFinanceService)  # the plain class
    response = {"results": [
        {"category": c, "amount": a, "anomaly": n} for c, a, n in zip(
            category_items(out["category"], served),
            amount_items(out["amount"], served),
            anomaly_items(out["anomaly"], served), strict=True)]}
    lap("result objects")
    try:  # the service's own encoder of a batch's answer (serving/batch_thread.py)
        from titans_finance.serving.batch_thread import json_answer
    except ImportError:  # the code before it
        json.dumps(response)
    else:
        json_answer(response["results"])
    lap("json answer")
    return seconds


def _medians(runs: list[dict[str, tuple[float, float]]], clock: int) -> dict[str, float]:
    return {stage: statistics.median(run[stage][clock] for run in runs) * 1e3
            for stage in STAGES}


def _endpoint_ms(stages: dict[str, float], model: str) -> float:
    """One endpoint's in-process cost: its stages, its own model only. The category model
    reads no history (service.py `USES_HISTORY`): own features, no history; the others
    the history and every feature."""
    features = "own features" if model == "category" else "history + features"
    return sum(v for k, v in stages.items()
               if k not in (*BESIDE, "own features", "history + features", "category",
                            "amount", "anomaly") or k in (model, features))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="batches of 1,000 timed")
    parser.add_argument("--singles", type=int, default=200, help="single requests timed")
    parser.add_argument("--label", default="", help="stored in the results file")
    args = parser.parse_args()
    from titans_finance.core.rolling import RollingHistory

    load_before = os.getloadavg()[0]
    models = _load_models()
    gc.freeze()  # as the service does once its models are loaded (`freeze_loaded_objects`)
    state = models["history_state"]
    singles = _transactions(args.singles, seed=1)
    batches = [_transactions(1000, seed=10 + i) for i in range(args.repeats)]
    _profile(singles[:5], models, RollingHistory(state), record=False)  # lazy imports, caches
    runs = {}
    reading = RollingHistory(state)
    runs["one transaction, read"] = [_profile([item], models, reading, record=False)
                                     for item in singles]
    recording = RollingHistory(state)  # a bank feed: in date order, into an account
    runs["one transaction, recorded"] = [  # of its own (each one recorded)
        _profile([item], models, recording, record=True, account="profile-feed")
        for item in sorted(singles, key=lambda t: t["date"])]
    in_order = RollingHistory(state)  # each batch sorted by date, in an account of its own
    runs["batch of 1,000 in date order"] = [
        _profile(sorted(items, key=lambda t: t["date"]), models, in_order, record=True,
                 account=f"profile-{i}") for i, items in enumerate(batches)]
    shuffled = RollingHistory(state)  # the default account: every row late (dated before
    runs["batch of 1,000 in random order"] = [  # the account's latest day)
        _profile(items, models, shuffled, record=True) for items in batches]
    result = {"machine": machine(), "label": args.label,
              "load_average_1min": [round(load_before, 2)], "wall_ms": {}, "cpu_ms": {}}
    for name, scenario in runs.items():
        result["wall_ms"][name] = _medians(scenario, 0)
        result["cpu_ms"][name] = _medians(scenario, 1)
    result["load_average_1min"].append(round(os.getloadavg()[0], 2))
    endpoints = {}
    for clock in ("wall_ms", "cpu_ms"):
        read, recorded = (result[clock][f"one transaction, {k}"] for k in ("read", "recorded"))
        endpoints[clock] = {"/predict/category": _endpoint_ms(read, "category"),
                            "/predict/amount": _endpoint_ms(read, "amount"),
                            "/predict/anomaly": _endpoint_ms(recorded, "anomaly")}
        for name in ("batch of 1,000 in date order", "batch of 1,000 in random order"):
            total = sum(v for k, v in result[clock][name].items()
                        if k not in (*BESIDE, "own features"))
            endpoints[clock][f"/predict/batch, {name[len('batch of 1,000 '):]}"] = total
    result["endpoints"] = endpoints
    result["batch_transactions_per_s_in_process"] = {
        k: round(1000 / (v / 1e3)) for k, v in endpoints["wall_ms"].items() if "batch" in k}
    # one results file, the latest run (its label is inside it: history in docs)
    (RESULTS / "serving_profile.json").write_text(json.dumps(result, indent=2) + "\n")
    names = list(runs)
    header = ("| stage | " + " | ".join(names) + " |\n|---|" + "---:|" * len(names) + "\n")
    rows = "\n".join(
        f"| {stage} | " + " | ".join(f"{result['wall_ms'][n][stage]:.2f} / "
                                     f"{result['cpu_ms'][n][stage]:.2f}" for n in names) + " |"
        for stage in STAGES)
    ends = "\n".join(f"| {k} | {endpoints['wall_ms'][k]:.2f} | {endpoints['cpu_ms'][k]:.2f} |"
                      for k in endpoints["wall_ms"])
    m = result["machine"]
    write_section("serving_profile", (
        f"Measured {m['date']} on {m['cores']} cores ({m['cpu']}); command: "
        f"`.venv/bin/python -m benchmarks.performance.serving_profile --repeats {args.repeats}` (models of "
        "`make run`; medians; in-process, no HTTP; distinct transactions of the default data). "
        f"Load average {result['load_average_1min'][0]:g} before and "
        f"{result['load_average_1min'][1]:g} after on {m['cores']} cores: above 1 per core, "
        "other jobs shared the CPU, and wall times are upper bounds (CPU times are the "
        "load-robust figure).\n\n"
        "Per stage, wall / CPU ms (median): one transaction read against the rolling history "
        "(/predict/category, /predict/amount), or recorded (/predict/anomaly: in date order "
        "into an account of its own, so that each is recorded); batches of 1,000 "
        "recorded, sorted by date in an account of their own, or in random order in the "
        "default account (every row dated before the account's latest day). "
        "\"features (fixed state)\" is the same features against the shipped state alone, "
        "timed beside the service path, not part of it; \"own features\" is what "
        "/predict/category computes instead of history + features.\n\n" + header + rows +
        "\n\n"
        "Per endpoint, in-process (its stages, its own model):\n\n"
        "| endpoint | wall ms | CPU ms |\n|---|---:|---:|\n" + ends + "\n\n"
        "In-process ceiling of the batch path (wall): " + ", ".join(
            f"{k.split(', ')[1]} {v:,} transactions/s"
            for k, v in result["batch_transactions_per_s_in_process"].items()) + "."))
    print(json.dumps(result["endpoints"], indent=2))


if __name__ == "__main__":
    main()
