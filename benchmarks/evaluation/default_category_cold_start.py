"""The default category model with no labels at all (cold start) on the public labelled
exports (benchmarks/evaluation/public_exports.py), as issue #26 measures it:

    .venv/bin/python -m benchmarks.evaluation.default_category_cold_start
    # writes benchmarks/results/default_category_cold_start.json

For each export's expenses whose label maps to the taxonomy: the share the model answers
(confidence at least its threshold), the share of those answers that are *sensible* (the
category or its taxonomy group is the label's), sensible answers of all expenses, and the
answers wrong above 0.9 confidence. The model is trained exactly as the pipeline trains it
(conf/base: taxonomy, lexicon, brand knowledge, parameters).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pandas as pd
import yaml

from benchmarks.evaluation.public_exports import available_exports
from titans_finance.core.features import build_features
from titans_finance.models.category import model_inputs
from titans_finance.models.category_default import train_default_model

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results"


def cold_start(model, tx: pd.DataFrame) -> dict:
    features = build_features(tx)
    expenses = tx["taxonomy"].notna().to_numpy() & (tx["amount"].to_numpy() < 0)
    text, _, sign = model_inputs(tx, features)
    out = model.predict_raw(text[expenses], sign[expenses])
    truth = tx["taxonomy"].to_numpy()[expenses]
    predicted, answered = out["category"].to_numpy(), out["answers"].to_numpy()
    group = model.taxonomy.categories["group"]
    right = predicted == truth
    sensible = right | (pd.Series(predicted).map(group).to_numpy()
                        == pd.Series(truth).map(group).to_numpy())
    return {"expenses": int(expenses.sum()), "answered": float(answered.mean()),
            "sensible_of_answered": float(sensible[answered].mean()) if answered.any() else 0.0,
            "sensible_of_all": float((sensible & answered).mean()),
            "wrong_above_0_9": int(((out["confidence"].to_numpy() > 0.9) & ~right).sum())}


def main() -> None:
    exports = available_exports()
    if not exports:
        sys.exit("no export found: see benchmarks/evaluation/public_exports.py")
    conf = ROOT / "conf/base"
    params = yaml.safe_load((conf / "parameters_category.yml").read_text())["category"]
    started = time.process_time()
    model = train_default_model(
        yaml.safe_load((conf / "category_taxonomy.yml").read_text()),
        yaml.safe_load((conf / "category_lexicon.yml").read_text()),
        pd.read_csv(conf / "knowledge/osm_brands.csv", dtype=str, keep_default_na=False),
        pd.read_csv(conf / "knowledge/spending_words.csv", dtype=str, keep_default_na=False),
        {**params["default_model"], "seed": params["seed"]})
    result = {"command": "python -m benchmarks.evaluation.default_category_cold_start",
              "fit_cpu_seconds": round(time.process_time() - started, 1),
              "exports": {name: cold_start(model, tx) for name, tx in exports.items()}}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "default_category_cold_start.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
