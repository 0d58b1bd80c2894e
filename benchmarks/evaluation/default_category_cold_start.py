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
second word corroborates — the share right), and the reliability of every confidence band
(`reliability`: per band of the answers' confidence, how many, the share right and the mean
confidence; `calibration_error`: the bands' gaps between the two weighed by their answers,
and `overconfidence` the part where the confidence is the higher). The model is trained
exactly as the pipeline trains it (conf/base: taxonomy, lexicon, knowledge, parameters),
and for each export reads its lines as `kedro run` on that export would hand it on: without
the statement wording learnt from all of the export's lines, labels hidden
(`public_exports.with_export_wording`); each line is then scored by its own text.

On the development set it also counts the top bucket's proof (`top_bucket`: the distinct
lines of the answers several words corroborate, and how many are right, what
``category.default_model.corroborated_proof`` records) and each export against the proof
of the others (`leave_one_export_out`); and the proof of the answers no second word
corroborates (`uncorroborated_proof`: per answer, the distinct lines that reached the
ceiling and how many are right, what ``category.default_model.uncorroborated_proof``
records; `models/category/earned_ceiling.py`), with each export scored under the ceilings
the other exports' proof earns (`earned_leave_one_out`).
"""

from __future__ import annotations

import argparse
import copy
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
from titans_finance.models.category.earned_ceiling import earned_ceilings
from titans_finance.models.category.proof import proven_confidence

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results"
SETS = ROOT / "benchmarks" / "evaluation" / "public_sets.yml"
# the lower edges of the confidence bands of `reliability` (the last band holds 1.0 too)
BAND_EDGES = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9)


def cold_start(model, tx: pd.DataFrame) -> dict:
    features = build_features(tx)
    expenses = tx["taxonomy"].notna().to_numpy() & (tx["amount"].to_numpy() < 0)
    text, _, sign = model_inputs(tx, features)
    out = model.predict_raw(text[expenses], sign[expenses],
                            shown=tx["description"].to_numpy(dtype=object)[expenses])
    result, _ = _scored(model, tx, expenses, out)
    return result


def top_bucket(model, tx: pd.DataFrame) -> dict:
    """The corroborated answers (above the ceiling before the proof's cap: `proof.py`) of an
    export's expenses, as distinct lines (the line the model reads and its label, once) and
    how many of them are right: what `category.default_model.corroborated_proof` counts."""
    features = build_features(tx)
    expenses = tx["taxonomy"].notna().to_numpy() & (tx["amount"].to_numpy() < 0)
    text, _, sign = model_inputs(tx, features)
    saved = model.proven_ceiling
    try:
        model.proven_ceiling = 1.0  # the bucket as the words alone would lift it
        out = model.predict_raw(text[expenses], sign[expenses])
    finally:
        model.proven_ceiling = saved
    _, right = _scored(model, tx, expenses, out)
    lifted = out["answers"].to_numpy() & (out["confidence"].to_numpy() > model.ceiling)
    lines = pd.DataFrame({"text": text[expenses], "label": tx["taxonomy"].to_numpy()[expenses],
                          "right": right})[lifted].drop_duplicates(["text", "label"])
    return {"lines": int(len(lines)), "right": int(lines["right"].sum())}


def uncorroborated_proof(model, tx: pd.DataFrame) -> dict[str, dict]:
    """Per answer (a leaf, or a group answered as such), the distinct lines (the line the
    model reads and its label, once) of an export's expenses whose answer no second word
    corroborates reached the ceiling, and how many of them are right: what
    `category.default_model.uncorroborated_proof` counts. Scored with the earned ceilings
    lifted to the one ceiling, which such an answer then holds exactly."""
    features = build_features(tx)
    expenses = tx["taxonomy"].notna().to_numpy() & (tx["amount"].to_numpy() < 0)
    text, _, sign = model_inputs(tx, features)
    lifted = copy.copy(model)
    lifted.proven_ceiling = 1.0  # a corroborated answer above the ceiling: not counted here
    lifted.answer_ceilings_, lifted.unproven_ceiling_ = {}, model.ceiling
    out = lifted.predict_raw(text[expenses], sign[expenses])
    _, right = _scored(model, tx, expenses, out)
    reached = out["answers"].to_numpy() & (out["confidence"].to_numpy() == model.ceiling)
    lines = pd.DataFrame({"text": text[expenses], "label": tx["taxonomy"].to_numpy()[expenses],
                          "answer": out["category"].to_numpy(), "right": right}
                         )[reached].drop_duplicates(["text", "label"])
    return {str(answer): {"lines": int(len(part)), "right": int(part["right"].sum())}
            for answer, part in lines.groupby("answer")}


def earned_leave_one_out(read: dict[str, tuple], proofs: dict[str, dict], z: float) -> dict:
    """Each export (``read``: its model as read for it and its transactions) scored under the
    ceilings the other exports' ``proofs`` (`uncorroborated_proof`) earn at ``z``: its
    answers at 0.9 or more, the share right, those wrong above 0.9 and its calibration."""
    table = {}
    for key, (model, tx) in read.items():
        merged = merged_proof({k: p for k, p in proofs.items() if k != key})
        held = copy.copy(model)
        categories = model.taxonomy.categories
        held.answer_ceilings_, held.unproven_ceiling_ = earned_ceilings(
            merged, z, model.ceiling, model.threshold,
            set(categories.index) | set(categories["group"]))
        scored = cold_start(held, tx)
        table[key] = {name: scored[name] for name in (
            "at_or_above_0_9", "right_at_or_above_0_9", "wrong_above_0_9", "calibration_error",
            "overconfidence", "reliability")}
    return {"exports": table, "pooled": {
        **_pooled_reliability(table),
        "wrong_above_0_9": sum(r["wrong_above_0_9"] for r in table.values())}}


def merged_proof(proofs: dict[str, dict]) -> dict[str, dict]:
    """The exports' `uncorroborated_proof` counts summed per answer, answers in order."""
    merged: dict[str, dict] = {}
    for proof in proofs.values():
        for answer, count in proof.items():
            was = merged.setdefault(answer, {"lines": 0, "right": 0})
            was["lines"] += count["lines"]
            was["right"] += count["right"]
    return dict(sorted(merged.items()))


def leave_one_export_out(buckets: dict[str, dict], z: float, ceiling: float) -> dict:
    """Each export's corroborated lines against the proof the other exports give (their
    lines and right ones, `proven_confidence` at ``z``): the most confidence its corroborated
    answers would get, and how many of its lines would be wrong above the ceiling."""
    table = {}
    for key, own in buckets.items():
        lines = sum(b["lines"] for k, b in buckets.items() if k != key)
        right = sum(b["right"] for k, b in buckets.items() if k != key)
        bound = proven_confidence(right, lines, z)
        proven = max(ceiling, bound)
        table[key] = {"proof_lines": lines, "proof_right": right, "bound": round(bound, 4),
                      "proven": round(proven, 4),
                      "lines": own["lines"], "right": own["right"],
                      "wrong_above_ceiling": (own["lines"] - own["right"]
                                              if proven > ceiling else 0)}
    return table


def _scored(model, tx: pd.DataFrame, expenses: np.ndarray, out: pd.DataFrame
            ) -> tuple[dict, np.ndarray]:
    """The export's figures from the model's answers ``out`` on its ``expenses``, and
    whether each answer is right."""
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
    bands = reliability(confidence[answered], right[answered])
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
            "at_or_above_0_9": int(at_least.sum()), **bands}, right


def reliability(confidence: np.ndarray, right: np.ndarray) -> dict:
    """The answers by band of confidence (`BAND_EDGES`; a band holds its lower edge, the
    last one 1.0 too): how many, the share right and the mean confidence of each band with
    answers; the calibration error (expected calibration error: the bands' |share right -
    mean confidence| weighed by their answers) and its overconfident part (the bands where
    the confidence is above the share right)."""
    band = np.searchsorted(np.asarray(BAND_EDGES), confidence, side="right") - 1
    table, gap, over = [], 0.0, 0.0
    for i, low in enumerate(BAND_EDGES):
        inside = band == i
        if not inside.any():
            continue
        share, mean = float(right[inside].mean()), float(confidence[inside].mean())
        table.append({"band": low, "answers": int(inside.sum()), "right": round(share, 4),
                      "confidence": round(mean, 4)})
        gap += inside.sum() * abs(share - mean)
        over += inside.sum() * max(0.0, mean - share)
    n = max(len(confidence), 1)
    return {"reliability": table, "calibration_error": round(gap / n, 4),
            "overconfidence": round(over / n, 4)}


def _pooled_reliability(results: dict[str, dict]) -> dict:
    """`reliability` of every export's answers together, from the exports' band tables."""
    bands: dict[float, list[float]] = {}
    for result in results.values():
        for row in result["reliability"]:
            count = bands.setdefault(row["band"], [0, 0.0, 0.0])
            count[0] += row["answers"]
            count[1] += row["answers"] * row["right"]
            count[2] += row["answers"] * row["confidence"]
    answers = sum(c[0] for c in bands.values())
    table = [{"band": low, "answers": c[0], "right": round(c[1] / c[0], 4),
              "confidence": round(c[2] / c[0], 4)} for low, c in sorted(bands.items())]
    return {"reliability": table,
            "calibration_error": round(sum(abs(c[1] - c[2]) for c in bands.values())
                                       / max(answers, 1), 4),
            "overconfidence": round(sum(max(0.0, c[2] - c[1]) for c in bands.values())
                                    / max(answers, 1), 4),
            "at_or_above_0_9": sum(c[0] for low, c in bands.items() if low >= 0.9),
            "right_at_or_above_0_9": next((round(c[1] / c[0], 4) for low, c in bands.items()
                                           if low >= 0.9), None)}


def _pooled(results: dict[str, dict]) -> dict:
    expenses = sum(r["expenses"] for r in results.values())
    return {"expenses": expenses, **_pooled_reliability(results),
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
    buckets: dict[str, dict] = {}
    proofs: dict[str, dict] = {}
    dev_read: dict[str, tuple] = {}
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
            if set_name == "dev":  # the proof is counted on the development set only
                buckets[key] = top_bucket(read, tx)
                proofs[key] = uncorroborated_proof(read, tx)
                dev_read[key] = (read, tx)
        result["sets"][set_name] = {"pooled": _pooled(exports), "exports": exports}
    if buckets:
        z = float(params["default_model"]["proof_z"])
        result["top_bucket"] = {
            "lines": sum(b["lines"] for b in buckets.values()),
            "right": sum(b["right"] for b in buckets.values()),
            "leave_one_export_out": leave_one_export_out(buckets, z, model.ceiling)}
        result["uncorroborated_proof"] = merged_proof(proofs)
        result["earned_leave_one_out"] = earned_leave_one_out(dev_read, proofs, z)
    if not any(s["exports"] for s in result["sets"].values()):
        sys.exit("no export found: see benchmarks/evaluation/public_exports.py")
    if args.set == "both":
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "default_category_cold_start.json").write_text(
            json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
