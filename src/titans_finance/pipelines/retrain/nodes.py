"""Champion / challenger: train challengers, compare them with the champion on the same
recent hold-out, promote only when no tracked metric is worse than the configured margin
and the challenger is not worse on every metric at once."""

from __future__ import annotations

import datetime as dt
import logging
import math
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score, mean_absolute_error

from titans_finance.core.corrections import apply_corrections
from titans_finance.core.splits import time_split_mask
from titans_finance.models.amount.evaluation import evaluate_amount_model, fit_amount_model
from titans_finance.models.category import CategoryModel, fit_temperature
from titans_finance.models.category.evaluation import category_rules_for, select_candidate
from titans_finance.models.category.labels import select_labelled_transactions
from titans_finance.models.category.export_reading import for_export
from titans_finance.parameters import AmountSettings, CategorySettings, RetrainSettings

logger = logging.getLogger(__name__)

DIRECTIONS = ("higher", "lower")


class PromotionConfigError(ValueError):
    """A promotion rule in parameters_retrain.yml is unusable."""


def promotion_rules(params: dict[str, Any], model: str, known: set[str]
                    ) -> dict[str, dict[str, float | str]]:
    """The validated promotion rules of one model: metric → direction and margins."""
    rules = params["promotion"].get(model)  # a model without rules: refused below
    where = f"retrain.promotion.{model}"
    if not isinstance(rules, dict) or not rules:
        raise PromotionConfigError(f"{where}: list at least one metric with its direction")
    checked = {}
    for metric, rule in rules.items():
        if metric not in known:
            raise PromotionConfigError(f"{where}.{metric}: unknown metric; use one of "
                                       f"{sorted(known)}")
        if not isinstance(rule, dict) or rule.get("direction") not in DIRECTIONS:
            raise PromotionConfigError(f"{where}.{metric}.direction: must be one of {DIRECTIONS}")
        margins = {}
        for key in ("margin", "relative_margin"):
            if key not in rule:
                raise PromotionConfigError(f"{where}.{metric}.{key}: missing (0 when unused)")
            value = rule[key]
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
                    value) or value < 0:
                raise PromotionConfigError(f"{where}.{metric}.{key}: expected a non-negative "
                                           f"number, got {value!r}")
            margins[key] = float(value)
        unknown = set(rule) - {"direction", "margin", "relative_margin"}
        if unknown:
            raise PromotionConfigError(f"{where}.{metric}: unknown key(s) {sorted(unknown)}")
        checked[metric] = {"direction": rule["direction"], **margins}
    return checked


# Differences below this are ties (floating-point noise of the same model scored twice).
TIE = 1e-12


def decide_promotion(champion: dict[str, float] | None, challenger: dict[str, float],
                     rules: dict[str, dict[str, Any]]) -> tuple[bool, list[str]]:
    """Promote when the challenger is (1) not worse than the champion by more than the
    allowed margin on any tracked metric (the larger of ``margin`` and ``relative_margin``
    × |champion|) and (2) not worse on every tracked metric at once.

    Why margins at all: the challenger that wins is refitted on every row, the new ones
    and the users' corrections included, which the champion never saw; the hold-out
    compares the two *recipes* on a few hundred rows, where a difference inside the
    margin is noise. A tie therefore promotes (same recipe, newer data). Why (2): a
    challenger worse on every metric is consistently worse, not noisily equal, even
    when each difference is inside its margin; it is rejected.
    """
    if champion is None:
        return True, ["no champion yet: the first challenger becomes champion"]
    promote, reasons, worse_everywhere = True, [], True
    for metric, rule in rules.items():
        new, old = float(challenger[metric]), float(champion[metric])
        allowed = max(rule["margin"], rule["relative_margin"] * abs(old))
        worse_by = (old - new) if rule["direction"] == "higher" else (new - old)
        ok = worse_by <= allowed + TIE
        promote &= ok
        worse_everywhere &= worse_by > TIE
        verdict = "ok" if ok else "worse"
        reasons.append(f"{metric}: challenger {new:.4f} vs champion {old:.4f} "
                       f"({rule['direction']} is better; worse by {max(worse_by, 0):.4f}, "
                       f"allowed {allowed:.4f}) → {verdict}")
    if worse_everywhere and promote:
        promote = False
        reasons.append("worse on every tracked metric (each within its margin): consistently "
                       "worse, not noise → champion kept")
    return promote, reasons


def _category_scores(model: CategoryModel, transactions: pd.DataFrame, features: pd.DataFrame
                     ) -> dict[str, float]:
    predicted = model.predict(transactions, features, threshold=0.0)["category"].astype("str")
    truth = transactions["category"].astype("str")
    return {"holdout_accuracy": float(accuracy_score(truth, predicted)),
            "holdout_macro_f1": float(f1_score(truth, predicted, average="macro",
                                               zero_division=0))}


def holdout_temperature(model: CategoryModel, transactions: pd.DataFrame,
                        features: pd.DataFrame, min_rows: int = 20) -> float:
    """Calibration temperature of an uncalibrated model, fitted on labelled rows it was not
    trained on (only rows of categories it knows; too few: 1.0, no scaling)."""
    if model.temperature != 1.0:
        raise ValueError("holdout_temperature expects an uncalibrated model (temperature 1)")
    if getattr(model, "personal", "") is None:  # too few labels: the default model answers
        return 1.0
    truth = transactions["category"].astype("str").to_numpy()
    known = np.isin(truth, model.classes_)
    if known.sum() < min_rows:
        return 1.0
    proba = model.predict_proba(transactions[known], features[known])
    return fit_temperature(proba, np.searchsorted(model.classes_, truth[known]))


def _decision(name: str, champion_source: str, champion_version: str | None,
              champion_metrics: dict[str, float], challenger_metrics: dict[str, float],
              promote: bool, reasons: list[str], holdout: pd.Series, extra: dict[str, Any]
              ) -> dict[str, Any]:
    dates = pd.to_datetime(holdout)
    return {"model": name, "promoted": bool(promote), "reasons": reasons,
            "champion": {"source": champion_source, "version": champion_version},
            "champion_metrics": champion_metrics, "challenger_metrics": challenger_metrics,
            "holdout": {"rows": int(len(dates)), "period": [str(dates.min().date()),
                                                            str(dates.max().date())]},
            "decided_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **extra}


def _data_end(champion: Any) -> str | None:
    """The last day of the champion's training data, when the model records it."""
    return (getattr(champion, "metadata", None) or {}).get("data_end")


def _holdout(dates: pd.Series, champion: Any, retrain: dict[str, Any]
             ) -> tuple[np.ndarray, str]:
    """Rows the champion has never seen: those after its training data, when it says where
    its data ended; else the most recent ``holdout_fraction`` (then the champion may have
    trained on them, which only favours the champion)."""
    days = pd.to_datetime(dates).dt.normalize()
    data_end = _data_end(champion)
    if data_end:
        basis = f"transactions after {data_end}, the end of the champion's training data"
        return (days > pd.Timestamp(data_end)).to_numpy(), basis
    fraction = float(retrain["holdout_fraction"])
    return time_split_mask(dates, fraction).to_numpy(), f"the most recent {fraction:.0%} of rows"


def _too_little_new_data(name: str, test: np.ndarray, basis: str, retrain: dict[str, Any],
                         champion_source: str, champion_version: str | None,
                         incumbent: Any, dates: pd.Series, data_end: str | None
                         ) -> tuple[dict, dict, Any] | None:
    minimum = int(retrain["min_holdout_rows"])
    if test.sum() >= minimum and (~test).sum() >= minimum:
        return None
    export_end = pd.to_datetime(dates).max()
    export_end = "?" if pd.isna(export_end) else str(export_end.date())
    if data_end and test.sum() < minimum:
        reason = (f"no decision, champion kept: the champion was trained on data up to "
                  f"{data_end} and this export ends on {export_end}, with "
                  f"{int(test.sum())} transaction(s) after {data_end}; a challenger is judged on "
                  f"transactions the champion has never seen, so the export must run past "
                  f"{data_end} by at least {minimum} transactions (retrain.min_holdout_rows)")
    else:
        reason = (f"no decision, champion kept: only {int(test.sum())} transactions in the "
                  f"hold-out ({basis}) and {int((~test).sum())} before it; need at least "
                  f"{minimum} of each (retrain.min_holdout_rows) to judge a challenger")
    logger.warning("%s: %s", name, reason)
    decision = {"model": name, "promoted": False, "reasons": [reason],
                "champion": {"source": champion_source, "version": champion_version},
                "champion_metrics": {}, "challenger_metrics": {},
                "holdout": {"rows": int(test.sum()), "basis": basis},
                "decided_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    # nothing new is served: the "challenger model" output is the model served so far
    return ({"challenger": None, "promote": False, "decision": decision, "incumbent": incumbent},
            decision, incumbent)


def _current_champion(champion: dict[str, Any], incumbent: Any) -> tuple[Any, str, str | None]:
    if champion.get("model") is not None:
        return champion["model"], "registry", champion.get("version")
    return incumbent, "served model (no registry champion yet)", None


def default_model_with_wording(default_category_model: Any, clean_transactions: pd.DataFrame,
                               feature_table: pd.DataFrame, params: dict[str, Any]) -> Any:
    """The default model reading the latest export's lines without their statement wording,
    learnt from every line of it, account by account, under the export's own category
    prior, as the category pipeline learns them for the served model
    (`models.category.export_reading`)."""
    settings = CategorySettings.of(params)
    return for_export(default_category_model, clean_transactions, feature_table,
                      settings.statement_wording.model_dump(), settings.export_prior.model_dump())


def challenge_category_model(transactions: pd.DataFrame, features: pd.DataFrame,
                             category_rules: Any, champion: dict[str, Any], incumbent: Any,
                             params: dict[str, Any], retrain: dict[str, Any],
                             default_model: Any = None
                             ) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """Challenger trained before the hold-out, both scored on it, then the decision.

    ``transactions`` are the labelled transactions after corrections: the hold-out is
    judged against the corrected labels. ``default_model``: the category pipeline's default
    model (for unlabelled exports and unfamiliar rows), part of the challenger as it is of
    the served model. Returns the registry entry, the decision and the model to serve if
    promoted (the challenger's recipe refitted on every row).
    """
    # parsed here once; the models take their hyper-parameters as plain mappings
    params = CategorySettings.of(params).model_dump()
    retrain = RetrainSettings.of(retrain).model_dump()
    rules = promotion_rules(retrain, "category", {"holdout_accuracy", "holdout_macro_f1"})
    current, source, version = _current_champion(champion, incumbent)
    test, basis = _holdout(transactions["date"], current, retrain)
    skipped = _too_little_new_data("category", test, basis, retrain, source, version, incumbent,
                                   transactions["date"], _data_end(current))
    if skipped:
        return skipped
    train_tx, train_f = transactions[~test], features[~test]
    test_tx, test_f = transactions[test], features[test]
    selected, candidates = select_candidate(train_tx, train_f, params, default_model)
    # No out-of-fold calibration refits here (3 more fits of the selected estimator, the bulk
    # of the time when it is LightGBM): the promotion metrics are argmax metrics, which a
    # temperature does not change, so the temperature is fitted on the hold-out itself.
    challenger = CategoryModel(selected, params, category_rules_for(
        category_rules, train_tx, train_f, params), default_model).fit(train_tx, train_f,
                                                                        calibrate=False)
    champion_metrics = _category_scores(current, test_tx, test_f) if current is not None else None
    challenger_metrics = _category_scores(challenger, test_tx, test_f)
    challenger.temperature = holdout_temperature(challenger, test_tx, test_f)
    promote, reasons = decide_promotion(champion_metrics, challenger_metrics, rules)
    # the challenger's recipe on every row, with the temperature calibrated for it above
    final = CategoryModel(selected, params, category_rules_for(
        category_rules, transactions, features, params), default_model).fit(
        transactions, features, calibrate=False)
    final.temperature = challenger.temperature
    final.metadata["temperature"] = final.temperature
    final.metadata["metrics"] = challenger_metrics
    decision = _decision("category", source, version, champion_metrics or {}, challenger_metrics,
                         promote, reasons, test_tx["date"],
                         {"holdout_basis": basis, "selected_model": selected,
                          "candidates": candidates,
                          "corrected_rows": int(transactions.get("corrected", pd.Series(
                              dtype=bool)).sum())})
    logger.info("category challenger %s: %s", "PROMOTED" if promote else "rejected", reasons)
    return ({"challenger": final, "promote": promote, "decision": decision,
             "incumbent": incumbent}, decision, final)


def challenge_amount_model(clean_transactions: pd.DataFrame, feature_table: pd.DataFrame,
                           category_corrections: pd.DataFrame, champion: dict[str, Any],
                           incumbent: Any, params: dict[str, Any], retrain: dict[str, Any]
                           ) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """The amount model's challenge (categories are inputs: corrections apply here too)."""
    settings = AmountSettings.of(params)
    retrain = RetrainSettings.of(retrain).model_dump()
    rules = promotion_rules(retrain, "amount", {"holdout_mae", "interval_coverage_error"})
    corrected, _ = apply_corrections(clean_transactions, category_corrections)
    # the rows the amount pipeline trains on (its most recent max_train_rows)
    limit = settings.max_train_rows
    corrected = corrected.drop(columns="corrected").iloc[-limit:].reset_index(drop=True)
    feature_table = feature_table.iloc[-limit:].reset_index(drop=True)
    current, source, version = _current_champion(champion, incumbent)
    test, basis = _holdout(corrected["date"], current, retrain)
    skipped = _too_little_new_data("amount", test, basis, retrain, source, version, incumbent,
                                   corrected["date"], _data_end(current))
    if skipped:
        return skipped
    # the amount pipeline's own evaluation, with its hold-out set to exactly these rows
    # (the split keeps whole days; half a row below the count lands on the first test day)
    holdout_params = settings.model_copy(
        update={"test_fraction": float((test.sum() - 0.5) / len(test))})
    metrics, holdout = evaluate_amount_model(corrected, feature_table, holdout_params)
    target = settings.interval_coverage
    challenger_metrics = {"holdout_mae": metrics["holdout_mae"],
                          "interval_coverage_error": abs(metrics["interval_coverage"] - target)}
    test = corrected["transaction_id"].isin(holdout["transaction_id"]).to_numpy()
    champion_metrics = None
    if current is not None:
        predicted = current.predict(corrected[test].reset_index(drop=True),
                                    feature_table[test].reset_index(drop=True))
        actual = corrected["amount"].to_numpy()[test]
        inside = (actual >= predicted["lower"].to_numpy()) & (actual <= predicted["upper"].to_numpy())
        champion_metrics = {"holdout_mae": float(mean_absolute_error(
            actual, predicted["predicted_amount"])),
            "interval_coverage_error": abs(float(np.mean(inside)) - target)}
    promote, reasons = decide_promotion(champion_metrics, challenger_metrics, rules)
    final = fit_amount_model(corrected, feature_table, metrics, settings)
    decision = _decision("amount", source, version, champion_metrics or {}, challenger_metrics,
                         promote, reasons, corrected["date"][test],
                         {"holdout_basis": basis, "selected_model": metrics["selected_model"]})
    logger.info("amount challenger %s: %s", "PROMOTED" if promote else "rejected", reasons)
    return ({"challenger": final, "promote": promote, "decision": decision,
             "incumbent": incumbent}, decision, final)


def publish_champions(category_decision: dict[str, Any], amount_decision: dict[str, Any],
                      category_challenger: Any, amount_challenger: Any, history_state: Any,
                      clean_transactions: pd.DataFrame, packaged_models: dict[str, Any]
                      ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Promoted models into the BentoML store, with the history state of the data they were
    trained on, and the manifest of served models (``packaged_models.json``) updated to
    name them with their SHA-256: ``POST /models/reload`` then serves them."""
    from titans_finance.registry.publish import publish, training_data_metadata

    promoted = {name: (model, decision) for name, decision, model in (
        ("category", category_decision, category_challenger),
        ("amount", amount_decision, amount_challenger)) if decision["promoted"]}
    common = {**training_data_metadata(clean_transactions), "promoted_by": "retrain"}
    artefacts = {name: (model, {**common, **getattr(model, "metadata", {}),
                                "metrics": decision["challenger_metrics"]})
                 for name, (model, decision) in promoted.items()}
    manifest, tags = dict(packaged_models), {}
    if promoted:
        # the champions' history state is the one of the data they were trained on
        artefacts["history"] = (history_state, {**common,
                                                "global_count": history_state.global_count})
        champions = {name: artefacts.pop(name) for name in list(promoted)}
        manifest = publish(champions, manifest, labels={"stage": "champion"})
        manifest = publish(artefacts, manifest)
        tags = {key: manifest["tags"][key] for key in (*promoted, "history")}
        manifest["retrained"] = {"at": common["packaged_at"], "data_hash": common["data_hash"],
                                 "promoted": sorted(promoted)}
    return ({"promoted": sorted(promoted), "bentoml_tags": tags,
             "decisions": {"category": category_decision, "amount": amount_decision}}, manifest)
