"""Scorecards: each model against its strongest baseline, as the report, the app and the
health page read them (the verdict with its noise margin, the numbers in words, the table
figure). Pure functions (no I/O)."""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go

from titans_finance.core.verdict import BEATS, BEHIND, LEVEL, MARGIN_SE, scorecard_verdict
from titans_finance.reporting.charts import UNKNOWN_MONEY, _table
from titans_finance.reporting.glossary import baseline_meaning, metric_meaning
from titans_finance.reporting.money import Money


METRIC_NAMES = {"holdout_accuracy": "accuracy", "accuracy": "accuracy", "holdout_mae": "MAE",
                "mae": "MAE", "pr_auc": "PR-AUC", "mase": "MASE", "holdout_macro_f1": "macro-F1"}
MODEL_NAMES = {"cashflow": "cash-flow"}
MODELS = {
    "category": "the category of an expense",
    "amount": "the amount of a transaction",
    "anomaly": "which transactions are unusual",
    "cashflow": "the daily net cash flow, 30 days ahead",
}
# Each model's headline metric and baselines in the metrics keys of older runs (before the
# metrics JSONs carried a "scorecard"): metric, {baseline: key}, lower is better.
LEGACY_HEADLINE = {
    "category": ("holdout_accuracy", {"merchant_majority": "baseline_accuracy"}, False),
    "amount": ("holdout_mae", {"median_per_merchant": "baseline_mae"}, True),
    "anomaly": ("pr_auc", {"isolation_forest": "baseline_pr_auc"}, False),
    "cashflow": ("mase", {"naive": "baseline_last_mase",
                          "seasonal_naive_7": "baseline_seasonal7_mase"}, True),
}
# Further measurements shown without a baseline: model, key, label.
OTHER_MEASUREMENTS = [
    ("category", "cv_accuracy", "5-fold CV accuracy"),
    ("category", "coverage_at_threshold", "coverage at the confidence threshold"),
    ("category", "accuracy_at_threshold", "accuracy when it answers"),
    ("amount", "holdout_r2", "R²"),
    ("amount", "interval_coverage", "80 % range coverage"),
    ("anomaly", "precision_at_k", "precision@k"),
    ("cashflow", "coverage", "80 % range coverage"),
]


def scorecard_of(model: str, metrics: dict[str, Any]) -> dict[str, Any] | None:
    """The model's scorecard (contract: ``scorecard`` in its metrics JSON), or one built from
    the older metrics keys, with the *strongest* of the baselines found there."""
    card = metrics.get("scorecard")
    if card:
        return card
    if model not in LEGACY_HEADLINE or metrics.get(LEGACY_HEADLINE[model][0]) is None:
        return None
    metric, keys, lower = LEGACY_HEADLINE[model]
    value = float(metrics[metric])
    baselines = {name: float(metrics[key]) for name, key in keys.items()
                 if metrics.get(key) is not None}
    best = (min if lower else max)(baselines, key=baselines.get) if baselines else None
    beats = None if best is None else bool(value < baselines[best] if lower
                                           else value > baselines[best])
    return {"metric": metric, "lower_is_better": lower, "model": value, "baselines": baselines,
            "best_baseline": best, "beats_best_baseline": beats, "meaning": metric_meaning(metric)}


def score_text(metric: str, value: Any, money: Money = UNKNOWN_MONEY) -> str:
    """A scorecard number as the report writes it (money for an MAE)."""
    return _number(metric, value, money)


def _number(metric: str, value: Any, money: Money) -> str:
    if value is None:
        return "not measured"
    return money.format(float(value), 2) if "mae" in metric else f"{float(value):,.3f}"


def scorecard_findings(metrics: dict[str, dict[str, Any]], money: Money = UNKNOWN_MONEY
                       ) -> list[str]:
    """Plain sentences: each model against its strongest baseline."""
    lines = []
    for model in MODELS:
        card = scorecard_of(model, metrics.get(model, {}))
        if not card:
            continue
        best, name = card.get("best_baseline"), MODEL_NAMES.get(model, model)
        if card.get("model") is None or best is None:
            lines.append(f"The {name} model could not be measured here: {card.get('meaning', '')}")
            continue
        metric = METRIC_NAMES.get(card["metric"], card["metric"])
        model_value = _number(card["metric"], card["model"], money)
        base_value = _number(card["metric"], card["baselines"][best], money)
        against = (f"{baseline_meaning(best)} ({metric} {model_value} against {base_value}"
                   f"{_noise(card, money)})")
        verdict = scorecard_verdict(card)
        if verdict == BEATS:
            lines.append(f"The {name} model beats its strongest simple baseline, {against}.")
        elif verdict == BEHIND:
            lines.append(f"The {name} model is behind its strongest simple baseline, {against}: "
                         "on this data that simple rule is better.")
        elif verdict == LEVEL:
            lines.append(f"The {name} model is level with its strongest simple baseline, "
                         f"{against}: the difference is inside the noise of the hold-out, so it "
                         "does not beat that simple rule.")
        else:
            lines.append(f"The {name} model against its strongest simple baseline, {against}: "
                         "these metrics carry no noise estimate, so no verdict (`make run` "
                         "writes one).")
    return lines


# the scorecard table's verdict column: the model against its strongest baseline
VERDICT_COLUMN = "against it"


def verdict_cell(card: dict[str, Any]) -> str:
    """One word or two for a table cell (the same verdict as `scorecard_findings`)."""
    if card.get("model") is None or card.get("best_baseline") is None:
        return "not measured"
    return scorecard_verdict(card) or "no noise estimate"


def _noise(card: dict[str, Any], money: Money) -> str:
    error = card.get("advantage_se")
    if card.get("advantage") is None or error is None or not np.isfinite(error):
        return ""
    return (f"; difference {_number(card['metric'], abs(card['advantage']), money)}, "
            f"noise margin {_number(card['metric'], MARGIN_SE * error, money)}")


def model_scorecard(metrics: dict[str, dict[str, Any]], money: Money = UNKNOWN_MONEY) -> go.Figure:
    """Per model: its headline metric (with its meaning) beside the strongest simple baseline
    and a plain verdict; then further measurements without a baseline."""
    rows = []
    for model, purpose in MODELS.items():
        card = scorecard_of(model, metrics.get(model, {}))
        if not card:
            continue
        best, metric = card.get("best_baseline"), card["metric"]
        verdict = verdict_cell(card)
        baseline = ("" if best is None else
                    f"{_number(metric, card['baselines'][best], money)} — {baseline_meaning(best)}")
        direction = "lower is better" if card.get("lower_is_better") else "higher is better"
        rows.append((model, purpose, f"{card.get('meaning') or metric_meaning(metric)} "
                                     f"({direction})",
                     _number(metric, card.get("model"), money), baseline, verdict))
    for model, key, label in OTHER_MEASUREMENTS:
        value = metrics.get(model, {}).get(key)
        if value is not None:
            meaning = metric_meaning(key)
            described = meaning if meaning.startswith(label) else f"{label}: {meaning}"
            rows.append((model, "", described, _number(key, value, money), "", ""))
    columns = [list(column) for column in zip(*rows, strict=True)] if rows else [[]] * 6
    return _table(["model", "predicts", "measured by", "model's score",
                   "strongest simple baseline", VERDICT_COLUMN], columns,
                  "Model scorecard (time-aware hold-out; every baseline on the same data)",
                  [10, 18, 40, 10, 26, 8])
