"""The personal model against its peers on a time-aware hold-out of each public export.

    TITANS_PUBLIC_DATA=/work/publicdata .venv/bin/python -m benchmarks.evaluation.personal_holdout
    # writes benchmarks/results/category_personal.json and prints the docs/evaluation.md table

For each export of ``public_sets.yml`` (development and test sets, reported apart): the latest
``test_fraction`` of the timeline (whole days, `core.splits`) is held out; every model learns
from the earlier rows only and answers the same hold-out rows —

- personal: the project's `CategoryModel` as the pipeline builds it (candidate chosen on the
  last part of the training period, default-model prior, calibration), always answering;
- smart_importer-style SVM: word (1-2-gram) and character (2-5-gram) TF-IDF of the description,
  linear SVM;
- character TF-IDF logistic regression: character 2-5-grams;

each peer's C chosen from a grid of three exactly as the personal model's candidate is: on the
last ``validation_fraction`` of the training period (time-aware, `tuned_peer`), then refitted
on every training row.

Reported: accuracy and macro-F1 of each, the fit CPU seconds of each, and the personal model's
advantage over each peer with the standard error of the paired per-row difference and its
verdict (`core.verdict`: beats / level with / behind at 2 standard errors), and McNemar's
exact test on the rows where only one of the two is right (a hold-out with fewer than 6 such
rows cannot show a difference: `decidable` false).

Choosing a shipped parameter (development exports only, never the test set): expanding-window
folds over the last 45 % of each development export's timeline, with parameters overridden —

    ... -m benchmarks.evaluation.personal_holdout --dev-folds 3 --set min_text_df=1 \
        --set block_weights.default=2.0        # prints accuracies, writes nothing
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from scipy.stats import binomtest
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline
from sklearn.svm import LinearSVC

ROOT = Path(__file__).resolve().parents[2]
from benchmarks.evaluation.public_exports import (  # noqa: E402
    available_exports,
    export_key,
    shipped_default_model,
)

from titans_finance.core.features import build_features  # noqa: E402
from titans_finance.core.splits import expanding_window_folds, time_split_mask  # noqa: E402
from titans_finance.core.verdict import paired_comparison  # noqa: E402
from titans_finance.models.category import CategoryModel  # noqa: E402
from titans_finance.models.category.evaluation import select_candidate  # noqa: E402

PEERS = ("smart_importer_svm", "char_tfidf_lr")


def public_sets(path: Path = ROOT / "benchmarks/evaluation/public_sets.yml") -> dict[str, str]:
    """Export key → ``dev`` or ``test`` (an export listed in neither is not reported)."""
    manifest = yaml.safe_load(path.read_text())
    return {item["key"]: name for name in ("dev", "test") for item in manifest.get(name) or []}


def time_holdout(dates: pd.Series, test_fraction: float) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the training rows (before the cutoff day) and the hold-out rows (from it)."""
    test = time_split_mask(dates.reset_index(drop=True), test_fraction).to_numpy()
    return np.flatnonzero(~test), np.flatnonzero(test)


# each peer's regularisation grid, searched like the personal model's candidates
PEER_GRIDS = {"smart_importer_svm": ("linearsvc__C", (0.1, 1.0, 10.0)),
              "char_tfidf_lr": ("logisticregression__C", (1.0, 10.0, 100.0))}


def peer(kind: str) -> Pipeline:
    if kind == "smart_importer_svm":
        features = FeatureUnion([
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True))])
        return make_pipeline(features, LinearSVC())
    if kind == "char_tfidf_lr":
        return make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5),
                                             sublinear_tf=True), LogisticRegression(max_iter=3000))
    raise ValueError(f"unknown peer {kind!r}: one of {PEERS}")


def tuned_peer(kind: str, text: np.ndarray, y: np.ndarray, dates: pd.Series, params: dict
               ) -> tuple[Pipeline, float]:
    """The peer with its ``C`` chosen as the personal model's candidate is (`select_candidate`):
    fitted on the training rows before the last ``validation_fraction`` of their timeline (at
    most the latest ``selection_max_rows``), scored on that last part, the most accurate
    refitted on every training row. Nothing of the hold-out is seen."""
    key, grid = PEER_GRIDS[kind]
    inner = time_split_mask(dates.reset_index(drop=True),
                            float(params["validation_fraction"])).to_numpy()
    fit = np.flatnonzero(~inner)[-int(params["selection_max_rows"]):]
    if inner.any() and len(set(y[fit])) >= 2:
        accuracy = {c: accuracy_score(y[inner], peer(kind).set_params(**{key: c})
                                      .fit(text[fit], y[fit]).predict(text[inner]))
                    for c in grid}
        chosen = max(grid, key=lambda c: accuracy[c])  # ties: the stronger regularisation
    else:
        chosen = grid[len(grid) // 2]
    return peer(kind).set_params(**{key: chosen}).fit(text, y), chosen


def versus(personal_right: np.ndarray, peer_right: np.ndarray) -> dict:
    """The paired comparison (`core.verdict`: advantage, its standard error, verdict at 2 SE)
    and McNemar's exact test on the rows where exactly one of the two is right: its
    two-sided p-value, and whether the hold-out could show a difference at all (with fewer
    than 6 such rows even a 6–0 split is not below 0.05)."""
    result = paired_comparison(1.0 - personal_right, 1.0 - peer_right)
    only_personal = int(np.sum(personal_right & ~peer_right))
    only_peer = int(np.sum(peer_right & ~personal_right))
    disagreements = only_personal + only_peer
    p_value = (float(binomtest(only_personal, disagreements, 0.5).pvalue) if disagreements
               else 1.0)
    return {**result, "only_personal_right": only_personal, "only_peer_right": only_peer,
            "mcnemar_p": p_value, "decidable": bool(2 * 0.5 ** disagreements < 0.05)}


def _score(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    return {"accuracy": float(accuracy_score(truth, predicted)),
            "macro_f1": float(f1_score(truth, predicted, average="macro", zero_division=0))}


def evaluate_export(tx: pd.DataFrame, default_model, params: dict,
                    split: tuple[np.ndarray, np.ndarray] | None = None) -> dict:
    """Every model on the rows of ``split`` (default: the time-aware hold-out)."""
    tx = tx.reset_index(drop=True)
    features = build_features(tx)
    train, test = split or time_holdout(tx["date"], float(params["test_fraction"]))
    y = tx["category"].astype(str).to_numpy()
    text = tx["description"].astype(str).to_numpy()
    predicted, chosen, cpu = {}, {}, {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        began = time.process_time()
        train_tx, train_f = tx.iloc[train], features.iloc[train]
        selected, _ = select_candidate(train_tx, train_f, params, default_model)
        model = CategoryModel(selected, params, [], default_model).fit(train_tx, train_f)
        cpu["personal"] = time.process_time() - began
        predicted["personal"] = model.predict(tx.iloc[test], features.iloc[test],
                                              threshold=0.0)["category"].to_numpy()
        for kind in PEERS:
            began = time.process_time()
            fitted, chosen[kind] = tuned_peer(kind, text[train], y[train],
                                              tx["date"].iloc[train], params)
            cpu[kind] = time.process_time() - began
            predicted[kind] = fitted.predict(text[test])
    truth = y[test]
    correct = {name: answer == truth for name, answer in predicted.items()}
    return {"rows": int(len(tx)), "categories": int(len(set(y))),
            "train_rows": int(len(train)), "holdout_rows": int(len(test)),
            "holdout_period": [str(tx["date"].iloc[test].min().date()),
                               str(tx["date"].iloc[test].max().date())],
            "selected_candidate": selected, "peer_C": chosen,
            "fit_cpu_seconds": {name: round(seconds, 2) for name, seconds in cpu.items()},
            **{name: _score(truth, answer) for name, answer in predicted.items()},
            "personal_versus": {kind: versus(correct["personal"], correct[kind])
                                for kind in PEERS}}


def markdown_table(results: dict) -> str:
    lines = ["| set | export | rows (hold-out) | personal acc. / macro-F1 | smart_importer-style "
             "SVM | char TF-IDF LR | personal − best peer (± 1 SE) | verdict | rows only "
             "personal / only peer right, McNemar p |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        best = max(PEERS, key=lambda kind: r[kind]["accuracy"])
        against = r["personal_versus"][best]
        cells = [f"{100 * r[m]['accuracy']:.1f} % / {r[m]['macro_f1']:.3f}"
                 for m in ("personal", *PEERS)]
        lines.append(f"| {r['set']} | {name} | {r['rows']} ({r['holdout_rows']}) | "
                     f"{' | '.join(cells)} | {100 * against['advantage']:+.1f} "
                     f"± {100 * against['advantage_se']:.1f} pts | {against['verdict']} | "
                     f"{against['only_personal_right']} / {against['only_peer_right']}, "
                     f"{against['mcnemar_p']:.2f}"
                     f"{'' if against['decidable'] else ' (too few to decide)'} |")
    return "\n".join(lines)


def overridden(params: dict, assignments: list[str]) -> dict:
    """``params`` with ``key=value`` / ``block.key=value`` assignments (values read as YAML)."""
    params = copy.deepcopy(params)
    for assignment in assignments:
        path, _, value = assignment.partition("=")
        *parents, leaf = path.split(".")
        target = params
        for key in parents:
            target = target[key]
        if leaf not in target:
            raise KeyError(f"--set {assignment}: no parameter {path!r} in category")
        target[leaf] = yaml.safe_load(value)
    return params


def dev_folds(exports: dict, sets: dict, default_model, params: dict, folds: int) -> None:
    """Accuracy of every model over expanding-window folds of the development exports."""
    for name, tx in exports.items():
        if sets[export_key(name)] != "dev":
            continue
        tx = tx.reset_index(drop=True)
        right = dict.fromkeys(("personal", *PEERS), 0.0)
        rows = 0
        for split in expanding_window_folds(tx["date"], folds, 0.45):
            result = evaluate_export(tx, default_model, params, split)
            rows += result["holdout_rows"]
            for model in right:
                right[model] += result[model]["accuracy"] * result["holdout_rows"]
        print(name, {model: round(100 * hits / rows, 1) for model, hits in right.items()},
              f"({rows} rows)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev-folds", type=int, default=0,
                        help="expanding-window folds on the development exports only")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a category parameter (with --dev-folds)")
    args = parser.parse_args()
    params = yaml.safe_load((ROOT / "conf/base/parameters_category.yml").read_text())["category"]
    if args.set and not args.dev_folds:
        parser.error("--set tunes: only with --dev-folds (the reported run uses the shipped YAML)")
    params = overridden(params, args.set)
    sets = public_sets()
    exports = {name: tx for name, tx in available_exports().items() if export_key(name) in sets}
    if not exports:
        sys.exit("no export found: set TITANS_PUBLIC_DATA (benchmarks/evaluation/public_exports.py)")
    started = time.time()
    default_model = shipped_default_model(params)
    if args.dev_folds:
        dev_folds(exports, sets, default_model, params, args.dev_folds)
        return
    results = {}
    for name, tx in sorted(exports.items(), key=lambda item: sets[export_key(item[0])]):
        began = time.time()
        results[name] = {"set": sets[export_key(name)], **evaluate_export(tx, default_model, params),
                         "seconds": round(time.time() - began, 1)}
        print(name, json.dumps(results[name]), flush=True)
    out = {"command": "TITANS_PUBLIC_DATA=... python -m benchmarks.evaluation.personal_holdout",
           "test_fraction": params["test_fraction"], "seconds": round(time.time() - started, 1),
           "exports": results}
    path = ROOT / "benchmarks/results/category_personal.json"
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(markdown_table(results))
    print(f"written {path} ({out['seconds']} s)")


if __name__ == "__main__":
    main()
