"""The personal model against its peers on a time-aware hold-out of each public export.

    TITANS_PUBLIC_DATA=/work/publicdata .venv/bin/python -m benchmarks.evaluation.personal_holdout
    # writes benchmarks/results/category_personal.json and prints the docs/evaluation.md table

For each export of ``public_sets.yml`` (development and test sets, reported apart): the latest
``test_fraction`` of the timeline (whole days, `core.splits`) is held out; every model learns
from the earlier rows only and answers the same hold-out rows —

- personal: the project's `CategoryModel` as the pipeline builds it (candidate chosen on the
  last part of the training period, default-model prior, calibration), always answering; its
  default model reads the export's lines without the statement wording learnt from all of
  them, labels not read, as `kedro run` on the export hands it on (`with_export_wording`);
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

Rolling origin (`rolling_origin.py`), beside the single hold-out: the last ``--scored-share``
(0.5) of each export's timeline cut into ``--folds`` (5) blocks of whole days; each fold trains
every model on the rows before its block (candidate and ``C`` chosen inside those rows, as
above) and scores the block, so every row is scored at most once. The outcomes are pooled per
export and per set; the standard error of each paired difference comes from a bootstrap over
blocks of ``--block-days`` (7) calendar days, McNemar's test from the pooled rows where only
one model is right. ``--folds 0``: the single hold-out only.

Choosing a shipped parameter (development exports only, never the test set): the same folds,
the shipped personal model against one with parameters overridden, each with its standard
error (prints, writes nothing) —

    ... -m benchmarks.evaluation.personal_holdout --tune --folds 5 --set min_text_df=2 \
        --set block_weights.default=2.0
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
    with_export_wording,
)

from benchmarks.evaluation.rolling_origin import (  # noqa: E402
    day_blocks,
    pooled_versus,
    rolling_origin,
)

from titans_finance.core.features import build_features  # noqa: E402
from titans_finance.core.splits import time_split_mask  # noqa: E402
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


def fold_answers(tx: pd.DataFrame, features: pd.DataFrame, default_model, params: dict,
                 train: np.ndarray, test: np.ndarray,
                 personal_params: dict[str, dict] | None = None) -> dict:
    """Every model trained on the ``train`` positions only (its candidate or ``C`` chosen on
    the last part of them), answering the ``test`` positions: ``answers`` (model → answers),
    the personal model's candidate, the peers' ``C``, each fit's CPU seconds.
    ``personal_params``: personal models to train (name → parameters; default: ``personal``
    with ``params``)."""
    y = tx["category"].astype(str).to_numpy()
    text = tx["description"].astype(str).to_numpy()
    answers, chosen, cpu = {}, {}, {}
    train_tx, train_f = tx.iloc[train], features.iloc[train]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, settings in (personal_params or {"personal": params}).items():
            began = time.process_time()
            chosen[name], _ = select_candidate(train_tx, train_f, settings, default_model)
            model = CategoryModel(chosen[name], settings, [], default_model).fit(train_tx,
                                                                                 train_f)
            cpu[name] = time.process_time() - began
            answers[name] = model.predict(tx.iloc[test], features.iloc[test],
                                          threshold=0.0)["category"].to_numpy()
        for kind in PEERS:
            began = time.process_time()
            fitted, chosen[kind] = tuned_peer(kind, text[train], y[train],
                                              tx["date"].iloc[train], params)
            cpu[kind] = time.process_time() - began
            answers[kind] = fitted.predict(text[test])
    return {"answers": answers, "chosen": chosen,
            "fit_cpu_seconds": {name: round(seconds, 2) for name, seconds in cpu.items()}}


def evaluate_export(tx: pd.DataFrame, default_model, params: dict,
                    split: tuple[np.ndarray, np.ndarray] | None = None) -> dict:
    """Every model on the rows of ``split`` (default: the time-aware hold-out)."""
    tx = tx.reset_index(drop=True)
    features = build_features(tx)
    train, test = split or time_holdout(tx["date"], float(params["test_fraction"]))
    y = tx["category"].astype(str).to_numpy()
    fold = fold_answers(tx, features, default_model, params, train, test)
    predicted, chosen = fold["answers"], fold["chosen"]
    truth = y[test]
    correct = {name: answer == truth for name, answer in predicted.items()}
    return {"rows": int(len(tx)), "categories": int(len(set(y))),
            "train_rows": int(len(train)), "holdout_rows": int(len(test)),
            "holdout_period": [str(tx["date"].iloc[test].min().date()),
                               str(tx["date"].iloc[test].max().date())],
            "selected_candidate": chosen["personal"],
            "peer_C": {kind: chosen[kind] for kind in PEERS},
            "fit_cpu_seconds": fold["fit_cpu_seconds"],
            **{name: _score(truth, answer) for name, answer in predicted.items()},
            "personal_versus": {kind: versus(correct["personal"], correct[kind])
                                for kind in PEERS}}


def _versus_cell(against: dict, p_digits: int = 3) -> str:
    """The personal model against its best peer: advantage ± SE, verdict, the rows only one
    of them got right and McNemar's p (both tables)."""
    return (f"{100 * against['advantage']:+.1f} ± {100 * against['advantage_se']:.1f} pts | "
            f"{against['verdict']} | {against['only_personal_right']} / "
            f"{against['only_peer_right']}, {against['mcnemar_p']:.{p_digits}f}"
            f"{'' if against['decidable'] else ' (too few to decide)'}")


def _comparison_table(results: dict, rows_title: str, se_note: str, scores, rows_cell,
                      p_digits: int) -> str:
    """One row per export: the personal model and the peers (accuracy / macro-F1) and the
    personal model against its best peer; ``scores`` picks an export's figures (the single
    hold-out's or the rolling origin's), ``rows_cell`` writes its rows column."""
    lines = [f"| set | export | {rows_title} | personal acc. / macro-F1 | smart_importer-style "
             f"SVM | char TF-IDF LR | personal − best peer (± 1 SE{se_note}) | verdict | rows "
             "only personal / only peer right, McNemar p |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        figures = scores(r)
        best = max(PEERS, key=lambda kind: figures[kind]["accuracy"])
        cells = [f"{100 * figures[m]['accuracy']:.1f} % / {figures[m]['macro_f1']:.3f}"
                 for m in ("personal", *PEERS)]
        lines.append(f"| {r['set']} | {name} | {rows_cell(r)} | {' | '.join(cells)} | "
                     f"{_versus_cell(figures['personal_versus'][best], p_digits)} |")
    return "\n".join(lines)


def markdown_table(results: dict) -> str:
    return _comparison_table(results, "rows (hold-out)", "", lambda r: r,
                             lambda r: f"{r['rows']} ({r['holdout_rows']})", p_digits=2)


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


def rolling_export(tx: pd.DataFrame, default_model, params: dict, settings: argparse.Namespace,
                   personal_params: dict[str, dict] | None = None) -> dict:
    """Every model over the rolling-origin folds of one export (`rolling_origin`): each fold
    trains on the rows before its block, chooses its candidate / ``C`` inside them, answers
    the block; the outcomes pooled, each peer compared with the personal model on the same
    rows. ``_correct`` and ``_blocks`` (per scored row) are for pooling over exports,
    ``_rows`` and ``_answers`` for reading the rows."""
    tx = tx.reset_index(drop=True)
    features = build_features(tx)
    y = tx["category"].astype(str).to_numpy()
    result = rolling_origin(tx["date"], settings.folds, settings.scored_share,
                            lambda train, test: fold_answers(tx, features, default_model, params,
                                                             train, test, personal_params))
    truth = y[result["rows"]]
    blocks = day_blocks(tx["date"].iloc[result["rows"]], settings.block_days)
    correct = {name: answer == truth for name, answer in result["answers"].items()}
    personal = [name for name in correct if name not in PEERS]
    return {"folds": result["folds"], "scored_rows": int(len(truth)),
            **{name: _score(truth, answer) for name, answer in result["answers"].items()},
            **{f"{name}_versus": {kind: pooled_versus(correct[name], correct[kind], blocks,
                                                      settings.bootstrap_rounds)
                                  for kind in PEERS} for name in personal},
            "_correct": correct, "_blocks": blocks, "_rows": result["rows"],
            "_answers": result["answers"]}


def pooled_over_exports(results: dict[str, dict], first: str, second: str,
                        rounds: int) -> dict:
    """``first`` against ``second`` over the scored rows of several exports' folds (the day
    blocks of each export kept apart)."""
    return pooled_versus(
        np.concatenate([r["_correct"][first] for r in results.values()]),
        np.concatenate([r["_correct"][second] for r in results.values()]),
        np.concatenate([[f"{name}:{b}" for b in r["_blocks"]] for name, r in results.items()]),
        rounds)


def rolling_table(results: dict) -> str:
    return _comparison_table(
        results, "rows scored (folds)", ", day blocks", lambda r: r["rolling_origin"],
        lambda r: f"{r['rolling_origin']['scored_rows']} ({len(r['rolling_origin']['folds'])})",
        p_digits=3)


def tune(exports: dict, sets: dict, default_model, params: dict, variant: dict,
         settings: argparse.Namespace) -> None:
    """Development exports only: the shipped personal model, the ``variant`` (the ``--set``
    parameters) and the peers over the rolling-origin folds; prints each export's accuracies
    and the variant against the shipped model and the best peer, per export and pooled."""
    models = {"personal": params, "variant": variant} if variant != params else {
        "personal": params}
    results = {}
    for name, tx in exports.items():
        if sets[export_key(name)] != "dev":
            continue
        r = rolling_export(tx, with_export_wording(default_model, tx, params), params,
                           settings, models)
        results[name] = r
        best = max(PEERS, key=lambda kind: r[kind]["accuracy"])
        line = [name, {m: round(100 * r[m]["accuracy"], 2) for m in (*models, *PEERS)},
                f"({r['scored_rows']} rows)"]
        for model in models:
            line += [f"| {model} − {best}:", _versus_cell(r[f"{model}_versus"][best])]
        if "variant" in models:
            line += ["| variant − shipped:", _versus_cell(pooled_over_exports(
                {name: r}, "variant", "personal", settings.bootstrap_rounds))]
        print(*line, flush=True)
    pairs = [(model, kind) for model in models for kind in PEERS]
    if "variant" in models:
        pairs.insert(0, ("variant", "personal"))
    for first, second in pairs:
        print(f"pooled {first} − {second}:",
              _versus_cell(pooled_over_exports(results, first, second,
                                               settings.bootstrap_rounds)), flush=True)


def _public(result: dict) -> dict:
    """A result without its per-row arrays (for the JSON)."""
    return {key: value for key, value in result.items() if not key.startswith("_")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5,
                        help="rolling-origin folds (cut points) per export; 0: only the "
                             "single hold-out")
    parser.add_argument("--scored-share", type=float, default=0.5,
                        help="share of each export's timeline the rolling folds score")
    parser.add_argument("--block-days", type=int, default=7,
                        help="calendar days per block of the paired bootstrap")
    parser.add_argument("--bootstrap-rounds", type=int, default=2000)
    parser.add_argument("--tune", action="store_true",
                        help="development exports only: shipped parameters against --set "
                             "ones over the rolling folds; prints, writes nothing")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a category parameter (with --tune)")
    args = parser.parse_args()
    params = yaml.safe_load((ROOT / "conf/base/parameters_category.yml").read_text())["category"]
    if args.set and not args.tune:
        parser.error("--set tunes: only with --tune (the reported run uses the shipped YAML)")
    if args.tune and args.folds < 1:
        parser.error("--tune needs --folds 1 or more")
    variant = overridden(params, args.set)
    sets = public_sets()
    exports = {name: tx for name, tx in available_exports().items() if export_key(name) in sets}
    if not exports:
        sys.exit("no export found: set TITANS_PUBLIC_DATA (benchmarks/evaluation/public_exports.py)")
    started = time.time()
    default_model = shipped_default_model(params)
    if args.tune:
        tune(exports, sets, default_model, params, variant, args)
        return
    results = {}
    for name, tx in sorted(exports.items(), key=lambda item: sets[export_key(item[0])]):
        began = time.time()
        # as `kedro run` on the export hands it on: its statement wording learnt from all of
        # its lines, labels not read (the category pipeline's learn_statement_wording)
        read = with_export_wording(default_model, tx, params)
        results[name] = {"set": sets[export_key(name)], **evaluate_export(tx, read, params)}
        if args.folds:
            results[name]["rolling_origin"] = rolling_export(tx, read, params, args)
        results[name]["seconds"] = round(time.time() - began, 1)
        print(name, json.dumps({k: v for k, v in results[name].items()
                                if k != "rolling_origin"}), flush=True)
    pooled = {}
    if args.folds:
        for set_name in ("dev", "test"):
            members = {name: r["rolling_origin"] for name, r in results.items()
                       if r["set"] == set_name}
            pooled[set_name] = {kind: pooled_over_exports(members, "personal", kind,
                                                          args.bootstrap_rounds)
                                for kind in PEERS} if members else {}
        for r in results.values():
            r["rolling_origin"] = _public(r["rolling_origin"])
    out = {"command": "TITANS_PUBLIC_DATA=... python -m benchmarks.evaluation.personal_holdout"
                      f" --folds {args.folds} --scored-share {args.scored_share} --block-days "
                      f"{args.block_days}",
           "test_fraction": params["test_fraction"],
           "rolling_origin": {"folds": args.folds, "scored_share": args.scored_share,
                              "block_days": args.block_days,
                              "bootstrap_rounds": args.bootstrap_rounds,
                              "pooled_personal_versus": pooled},
           "seconds": round(time.time() - started, 1), "exports": results}
    path = ROOT / "benchmarks/results/category_personal.json"
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(markdown_table(results))
    if args.folds:
        print(rolling_table(results))
        for set_name, against in pooled.items():
            for kind, result in against.items():
                print(f"pooled {set_name} personal − {kind}: {_versus_cell(result)}")
    print(f"written {path} ({out['seconds']} s)")


if __name__ == "__main__":
    main()
