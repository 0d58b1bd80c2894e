"""Category models on public real labelled exports, side by side (docs/evaluation.md).

    .venv/bin/python -m benchmarks.evaluation.category_benchmark   # writes benchmarks/results/category.json

For each export (benchmarks/evaluation/public_exports.py): the same rows and the same 5 shuffled
folds for every model —
- personal: the project's `CategoryModel` (personal model + default-model prior + rules
  from nothing), its candidate chosen inside each training fold (never on the fold
  reported); accuracy and macro-F1 when it always answers; coverage and accuracy at its
  confidence threshold; expected calibration error (ECE) of its confidence;
- smart_importer-style: bag of words (1-2 grams) of the description → linear SVM, C
  chosen by an inner 3-fold search on the training fold;
- char TF-IDF logistic regression: character 2-5-grams → logistic regression, C chosen
  the same way;
- default model with no labels at all: its taxonomy answer against the export's labels
  mapped to the taxonomy (the mapping in public_exports.py), always answering and at its
  threshold, its ECE, and the share of spending (by amount) whose category is right:
  what a "where the money goes" chart gets right.
"""

from __future__ import annotations

import json
import os
import sys
import time
import warnings
from pathlib import Path

# small linear models: one BLAS thread each (threads fighting over shared cores are slower)
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd
import yaml
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

ROOT = Path(__file__).resolve().parents[2]
from benchmarks.evaluation.public_exports import (  # noqa: E402
    available_exports,
    shipped_default_model,
)

from titans_finance.core.features import build_features  # noqa: E402
from titans_finance.core.schema import UNCERTAIN_CATEGORY  # noqa: E402
from titans_finance.models.category import CategoryModel, model_inputs  # noqa: E402
from titans_finance.models.category.evaluation import (  # noqa: E402
    expected_calibration_error,
    select_candidate,
)

FOLDS, SEED = 5, 0


def _params() -> dict:
    return yaml.safe_load((ROOT / "conf/base/parameters_category.yml").read_text())["category"]


def _folds(y: np.ndarray):
    counts = pd.Series(y).value_counts()
    splitter = (StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
                if counts.min() >= FOLDS else KFold(FOLDS, shuffle=True, random_state=SEED))
    return list(splitter.split(np.zeros(len(y)), y))


def _peer(kind: str):
    inner = KFold(3, shuffle=True, random_state=SEED)
    if kind == "smart_importer_svm":
        pipe = make_pipeline(CountVectorizer(ngram_range=(1, 2)), LinearSVC())
        grid = {"linearsvc__C": [0.1, 1.0, 10.0]}
    else:
        pipe = make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5),
                                             sublinear_tf=True),
                             LogisticRegression(max_iter=3000))
        grid = {"logisticregression__C": [1.0, 10.0, 100.0]}
    return GridSearchCV(pipe, grid, cv=inner)


def _score(truth, predicted) -> dict:
    return {"accuracy": float(accuracy_score(truth, predicted)),
            "macro_f1": float(f1_score(truth, predicted, average="macro", zero_division=0))}


def evaluate_export(tx: pd.DataFrame, default_model, params: dict) -> dict:
    features = build_features(tx)
    y = tx["category"].astype(str).to_numpy()
    text = tx["description"].astype(str).to_numpy()
    predictions = {k: np.empty(len(y), dtype=object) for k in
                   ("personal", "personal_at_threshold", "smart_importer_svm", "char_tfidf_lr")}
    answered_by_personal = np.zeros(len(y), dtype=bool)
    confidence = np.zeros(len(y))
    for train, test in _folds(y):
        train_tx, train_f = tx.iloc[train], features.iloc[train]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            selected, _ = select_candidate(train_tx, train_f, params, default_model)
            model = CategoryModel(selected, params, [], default_model).fit(train_tx, train_f)
            always = model.predict(tx.iloc[test], features.iloc[test], threshold=0.0)
            predictions["personal"][test] = always["category"].to_numpy()
            confidence[test] = always["confidence"].to_numpy()
            at_threshold = model.predict(tx.iloc[test], features.iloc[test])
            predictions["personal_at_threshold"][test] = at_threshold["category"].to_numpy()
            answered_by_personal[test] = ((at_threshold["source"] == "model")
                                          & (at_threshold["category"] != UNCERTAIN_CATEGORY)
                                          ).to_numpy()
            for peer in ("smart_importer_svm", "char_tfidf_lr"):
                fitted = _peer(peer).fit(text[train], y[train])
                predictions[peer][test] = fitted.predict(text[test])
    answered = predictions["personal_at_threshold"] != UNCERTAIN_CATEGORY
    correct = predictions["personal"] == y
    result = {"rows": int(len(y)), "categories": int(len(set(y))),
              "personal": {**_score(y, predictions["personal"]),
                           "coverage_at_threshold": float(answered.mean()),
                           "accuracy_at_threshold": float(np.mean(
                               predictions["personal_at_threshold"][answered] == y[answered])),
                           # the personal model alone (its abstentions left unanswered)
                           "personal_only_coverage": float(answered_by_personal.mean()),
                           "personal_only_accuracy": float(np.mean(
                               predictions["personal_at_threshold"][answered_by_personal]
                               == y[answered_by_personal])) if answered_by_personal.any()
                           else 0.0,
                           "ece": expected_calibration_error(confidence, correct)},
              "smart_importer_svm": _score(y, predictions["smart_importer_svm"]),
              "char_tfidf_lr": _score(y, predictions["char_tfidf_lr"])}
    # the default model, no labels: against the labels mapped to the taxonomy
    mapped = tx["taxonomy"].notna().to_numpy()
    text_in, _, sign = model_inputs(tx, features)
    default = default_model.predict_raw(text_in[mapped], sign[mapped])
    truth = tx["taxonomy"].to_numpy()[mapped]
    right = default["category"].to_numpy() == truth
    answers = default["answers"].to_numpy()
    spend = tx["amount"].to_numpy()[mapped] < 0
    weight = np.abs(tx["amount"].to_numpy()[mapped])
    group = default_model.taxonomy.categories["group"]
    # a group answer holds its group itself (level "group"); a leaf answer is judged by its group
    answer_group = np.where(default["level"].to_numpy() == "group", default["category"].to_numpy(),
                            pd.Series(default["category"].to_numpy()).map(group).to_numpy())
    right_group = answer_group == pd.Series(truth).map(group).to_numpy()
    result["default_no_labels"] = {
        "rows_mapped": int(mapped.sum()), "accuracy": float(right.mean()),
        "coverage_at_threshold": float(answers.mean()),
        "accuracy_at_threshold": float(right[answers].mean()) if answers.any() else 0.0,
        "ece": expected_calibration_error(default["confidence"].to_numpy(), right),
        "spending_share_right": float((weight * right)[spend].sum() / weight[spend].sum())
        if spend.any() else float("nan"),
        "group_accuracy": float(right_group.mean()),
        "spending_share_right_group": float((weight * right_group)[spend].sum()
                                            / weight[spend].sum()) if spend.any() else float("nan"),
        "wrong_above_0_9": int(((default["confidence"].to_numpy() > 0.9) & ~right).sum())}
    return result


def main() -> None:
    params = _params()
    exports = available_exports()
    if not exports:
        sys.exit("no export found: see benchmarks/evaluation/public_exports.py")
    started = time.time()
    default_model = shipped_default_model(params)
    results = {}
    for name, tx in exports.items():
        results[name] = evaluate_export(tx, default_model, params)
        print(name, json.dumps(results[name], indent=1), flush=True)
    out = {"command": "python -m benchmarks.evaluation.category_benchmark", "folds": FOLDS, "seed": SEED,
           "seconds": round(time.time() - started, 1), "exports": results}
    path = ROOT / "benchmarks/results/category.json"
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(f"written {path}")


if __name__ == "__main__":
    main()
