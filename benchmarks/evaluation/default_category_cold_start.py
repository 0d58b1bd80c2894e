"""The default category model with no labels at all (cold start) on the public labelled
exports, by set (benchmarks/evaluation/public_sets.yml: ``dev`` is what knowledge and
parameters are tuned on, ``test`` is only reported), as issue #26 measures it:

    .venv/bin/python -m benchmarks.evaluation.default_category_cold_start          # both sets
    .venv/bin/python -m benchmarks.evaluation.default_category_cold_start --set dev  # tuning
    # writes benchmarks/results/default_category_cold_start.json (both sets only)

For each export's expenses whose label maps to the taxonomy: the share the model answers
(a leaf or a group at least at its threshold), the share of those answers that are
*sensible* (the answer's group is the label's group: a leaf of the right group, or the right
group), sensible answers of all expenses, and the answers wrong above 0.9 confidence (a
leaf that is not the label, a group that is not the label's group; a label that names a
group, the seed's "food", is right for any leaf of it), with the answers above 0.9 and the
top bucket's reliability (of the answers at 0.9 or more — the ceiling of an answer no
second word corroborates — the share right). The model is trained
exactly as the pipeline trains it (conf/base: taxonomy, lexicon, knowledge, parameters),
and for each export reads its lines as `kedro run` on that export would hand it on: without
the statement wording learnt from all of the export's lines, labels hidden
(`public_exports.with_export_wording`); each line is then scored by its own text.
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

from benchmarks.evaluation.public_exports import (
    EXPORTS,
    PATHS,
    shipped_default_model,
    with_export_wording,
)
from titans_finance.core.features import build_features
from titans_finance.models.category import model_inputs

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results"
SETS = ROOT / "benchmarks" / "evaluation" / "public_sets.yml"


def cold_start(model, tx: pd.DataFrame) -> dict:
    features = build_features(tx)
    expenses = tx["taxonomy"].notna().to_numpy() & (tx["amount"].to_numpy() < 0)
    text, _, sign = model_inputs(tx, features)
    out = model.predict_raw(text[expenses], sign[expenses],
                            shown=tx["description"].to_numpy(dtype=object)[expenses])
    truth = tx["taxonomy"].to_numpy()[expenses]
    group_of = model.taxonomy.categories["group"]
    level = out["level"].to_numpy()
    answered = out["answers"].to_numpy()
    predicted = out["category"].to_numpy()
    # a label that names a group (public_exports.named_group) is right for any of its leaves
    named = (tx["taxonomy_group"].to_numpy(dtype=object)[expenses] if "taxonomy_group" in tx
             else np.full(int(expenses.sum()), None, dtype=object))
    names_group = pd.notna(named)
    truth_group = np.where(names_group, named, pd.Series(truth).map(group_of).to_numpy())
    # a group answer holds the group itself; a leaf answer is judged by its group
    answer_group = np.where(level == "group", predicted,
                            pd.Series(predicted).map(group_of).to_numpy())
    sensible = answered & (answer_group == truth_group)
    right = np.where((level == "group") | names_group, answer_group == truth_group,
                     predicted == truth)
    n = int(expenses.sum())
    confidence = out["confidence"].to_numpy()
    above, at_least = answered & (confidence > 0.9), answered & (confidence >= 0.9)
    return {"expenses": n, "answered": float(answered.mean()) if n else 0.0,
            "answered_as_group": float((level == "group").mean()) if n else 0.0,
            "sensible_of_answered": float(sensible.sum() / answered.sum()) if answered.any()
            else 0.0,
            "sensible_of_all": float(sensible.mean()) if n else 0.0,
            "sensible": int(sensible.sum()),
            "above_0_9": int(above.sum()),
            "wrong_above_0_9": int((above & ~right).sum()),
            # how often an answer at the ceiling or above is right: the top bucket's reliability
            "right_at_or_above_0_9": (float(right[at_least].mean()) if at_least.any()
                                      else None),
            "at_or_above_0_9": int(at_least.sum())}


def _pooled(results: dict[str, dict]) -> dict:
    expenses = sum(r["expenses"] for r in results.values())
    return {"expenses": expenses,
            "sensible_of_all": (sum(r["sensible"] for r in results.values()) / expenses
                                if expenses else None),
            "above_0_9": sum(r["above_0_9"] for r in results.values()),
            "wrong_above_0_9": sum(r["wrong_above_0_9"] for r in results.values())}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("dev", "test", "both"), default="both")
    args = parser.parse_args(argv)
    manifest = yaml.safe_load(SETS.read_text())
    names = {key: name for name, (key, _) in EXPORTS.items()}
    chosen = ("dev", "test") if args.set == "both" else (args.set,)
    conf = ROOT / "conf/base"
    params = yaml.safe_load((conf / "parameters_category.yml").read_text())["category"]
    started = time.process_time()
    model = shipped_default_model(params, conf)
    result = {"command": "python -m benchmarks.evaluation.default_category_cold_start",
              "fit_cpu_seconds": round(time.process_time() - started, 1), "sets": {}}
    for set_name in chosen:
        exports = {}
        for entry in manifest.get(set_name) or []:
            key = entry["key"]
            if not PATHS[key]().exists():
                print(f"{set_name}: {key} absent ({PATHS[key]()}), skipped", file=sys.stderr)
                continue
            tx = EXPORTS[names[key]][1]()
            read = with_export_wording(model, tx, params)
            exports[key] = {"name": names[key], **cold_start(read, tx),
                            "statement_wording": read.metadata["statement_wording"]}
        result["sets"][set_name] = {"pooled": _pooled(exports), "exports": exports}
    if not any(s["exports"] for s in result["sets"].values()):
        sys.exit("no export found: see benchmarks/evaluation/public_exports.py")
    if args.set == "both":
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "default_category_cold_start.json").write_text(
            json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
