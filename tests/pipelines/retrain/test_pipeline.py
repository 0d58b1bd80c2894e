"""Champion / challenger: a better challenger is promoted, a worse one is not."""

import json

import numpy as np
import pandas as pd
import pytest

from tests.conftest import make_project
from tests.parameters import parameters
from titans_finance.pipelines.retrain.nodes import (
    PromotionConfigError,
    decide_promotion,
    promotion_rules,
)

RULES = {"holdout_accuracy": {"direction": "higher", "margin": 0.01, "relative_margin": 0.0},
         "holdout_mae": {"direction": "lower", "margin": 0.0, "relative_margin": 0.05}}
# the test is about the promotion logic, not model quality: one candidate each, few folds
# (the amount intervals from 2 rolling-origin blocks, not 4: the amount decision is not
# what is checked here, and each block is a refit of the prior and the correction);
# the shipped default model, trained once per test run (`trained_default_model` in
# tests/conftest.py: the session's category run trains the same one)
FAST = {"category": {"candidates": ["logistic_regression"], "calibration_folds": 0},
        "amount": {"candidates": ["ridge"], "calibration_blocks": 2}}
# a deliberately weak recipe: linear models regularised into near-constants
WEAK = {"category": {**FAST["category"], "logistic_regression": {"C": 1e-4}},
        "amount": {**FAST["amount"], "ridge": {"alpha": 1e7}}}


def test_promotion_needs_every_metric_within_its_margin():
    champion = {"holdout_accuracy": 0.90, "holdout_mae": 100.0}
    # a trade-off inside the margins: worse on one metric, better on the other
    assert decide_promotion(champion, {"holdout_accuracy": 0.895, "holdout_mae": 96.0}, RULES)[0]
    promote, reasons = decide_promotion(champion, {"holdout_accuracy": 0.95, "holdout_mae": 106.0},
                                        RULES)
    assert not promote and reasons[1].endswith("worse") and reasons[0].endswith("ok")
    assert decide_promotion(None, {"holdout_accuracy": 0.1, "holdout_mae": 1e9}, RULES)[0]


def test_a_challenger_worse_on_every_metric_is_not_promoted_even_within_the_margins():
    champion = {"holdout_accuracy": 0.90, "holdout_mae": 100.0}
    promote, reasons = decide_promotion(champion, {"holdout_accuracy": 0.895,
                                                   "holdout_mae": 104.0}, RULES)
    assert not promote and "worse on every tracked metric" in reasons[-1]


def test_a_tie_promotes_the_same_recipe_refitted_on_newer_data():
    champion = {"holdout_accuracy": 0.90, "holdout_mae": 100.0}
    assert decide_promotion(champion, dict(champion), RULES)[0]


class _Served:
    """A served model that records where its training data ended."""

    metadata = {"data_end": "2024-06-30"}


def test_an_export_that_does_not_run_past_the_training_end_says_so():
    from titans_finance.pipelines.retrain.nodes import challenge_category_model

    dates = pd.date_range("2024-01-01", "2024-06-30", periods=200)
    transactions = pd.DataFrame({"date": dates, "category": "fuel"})
    entry, decision, served = challenge_category_model(
        transactions, pd.DataFrame(index=transactions.index), [], {}, _Served(),
        parameters("category"), parameters("retrain"))
    assert not decision["promoted"] and served is entry["incumbent"]
    (reason,) = decision["reasons"]
    assert "trained on data up to 2024-06-30" in reason and "ends on 2024-06-30" in reason
    assert "must run past 2024-06-30" in reason


@pytest.mark.parametrize("rules, message", [
    ({}, "at least one metric"), ({"accuracy": {"direction": "higher"}}, "unknown metric"),
    ({"holdout_accuracy": {"direction": "up"}}, "direction"),
    ({"holdout_accuracy": {"direction": "higher", "margin": -1}}, "margin"),
    ({"holdout_accuracy": {"direction": "higher", "margin": 0.01}}, "relative_margin: missing"),
])
def test_bad_promotion_rules_name_the_setting(rules, message):
    with pytest.raises(PromotionConfigError, match=message):
        promotion_rules({"promotion": {"category": rules}}, "category", {"holdout_accuracy"})


# What the served models, the report and the metrics were built from: a retrain leaves it.
TRAINING_STATE = ("data/03_primary/clean_transactions.parquet",
                  "data/04_feature/feature_table.parquet", "data/06_models/history_state.pkl",
                  "data/08_reporting/data_quality.json")


def _export_until(export: pd.DataFrame, end: str) -> pd.DataFrame:
    dates = pd.to_datetime(export["Date"], errors="coerce", format="mixed")
    return export[~(dates >= pd.Timestamp(end))]  # unparseable dates stay (they are quarantined)


def test_better_challenger_is_promoted_and_a_worse_one_is_not(tmp_path):
    import bentoml

    from titans_finance.synthetic.generator import generate_transactions
    from titans_finance.registry import store

    export, _ = generate_transactions(1500, 7)  # March 2023 to December 2025
    project = make_project(tmp_path, _export_until(export, "2024-07-01"))
    # 1. the model served today was trained on data until mid-2024 with the weak recipe
    project.run("ingestion", "features", "category", "amount", params=WEAK)

    trained = {name: project.path(name).read_bytes() for name in TRAINING_STATE}
    # the manifest `package` would have written (retrain updates the served versions in it)
    manifest_path = project.path("data/08_reporting/packaged_models.json")
    manifest_path.write_text(json.dumps({"tags": {"anomaly": "titans_anomaly:kept"},
                                         "sha256": {"anomaly": "0" * 64},
                                         "artefact_format": store.ARTEFACT_FORMAT}))

    # 2. months later: a normal challenger trained on the same period beats it on the new rows
    latest = project.path("data/01_raw/latest.csv")
    _export_until(export, "2025-04-01").to_csv(latest, index=False)
    project.run("retrain", params={**FAST, "raw_path": str(latest)}, force=True)
    # the training tables stay those of the served models, report and metrics
    assert {name: project.path(name).read_bytes() for name in TRAINING_STATE} == trained
    retrained = pd.read_parquet(project.path("data/03_primary/retrain/clean_transactions.parquet"))
    assert str(retrained["date"].max().date()) >= "2025-03-01"
    assert project.path("data/08_reporting/retrain/data_quality.json").is_file()
    report = json.loads(project.path("data/08_reporting/retrain.json").read_text())
    category = report["decisions"]["category"]
    assert category["promoted"], category["reasons"]
    assert category["holdout"]["period"][0] >= "2024-07-01"
    assert (category["challenger_metrics"]["holdout_accuracy"]
            > category["champion_metrics"]["holdout_accuracy"])
    assert "category" in report["promoted"]
    client = project.mlflow_client()
    champion = client.get_model_version_by_alias("titans_finance.category", "champion")
    assert champion.tags["decision"] == "promoted"
    served = bentoml.models.get("titans_category:latest")
    assert served.info.labels["stage"] == "champion"
    # the promoted model answers unfamiliar rows as the trained one does: with the default
    # model, not by forcing the personal model's guess
    promoted = store.load(served.path, store.artefact_digest(str(served.tag)))
    assert promoted.default_model is not None
    assert str(served.tag) == report["bentoml_tags"]["category"]
    from titans_finance.registry.store import artefact_digest

    manifest = json.loads(manifest_path.read_text())
    assert manifest["tags"]["category"] == str(served.tag)  # what POST /models/reload serves
    assert manifest["sha256"]["category"] == artefact_digest(str(served.tag))
    assert manifest["tags"]["anomaly"] == "titans_anomaly:kept"  # not promoted: unchanged

    # 3. more months: a weak challenger is registered but not promoted
    export.to_csv(latest, index=False)
    project.run("retrain", params={**WEAK, "raw_path": str(latest)}, force=True)
    report = json.loads(project.path("data/08_reporting/retrain.json").read_text())
    category = report["decisions"]["category"]
    assert not category["promoted"] and any(r.endswith("worse") for r in category["reasons"])
    assert category["champion"] == {"source": "registry", "version": str(champion.version)}
    assert client.get_model_version_by_alias("titans_finance.category",
                                             "champion").version == champion.version
    versions = client.search_model_versions("name = 'titans_finance.category'")
    rejected = [v for v in versions if v.tags.get("decision") == "rejected"]
    assert rejected and "worse" in rejected[0].tags["reasons"]
    assert str(bentoml.models.get("titans_category:latest").tag) == str(served.tag)
    runs = client.search_runs([e.experiment_id for e in client.search_experiments()],
                              filter_string="tags.`category.decision` = 'rejected'")
    assert runs, "the retrain run records its decision"


class _Overconfident:
    """Right 7 times in 10, always 99 % sure: a calibrated temperature must soften it."""

    classes_ = np.array(["fuel", "rent"])
    temperature = 1.0

    def predict_proba(self, transactions, features):
        first = np.where(np.arange(len(transactions)) % 10 < 7, 0.99, 0.01)
        return np.column_stack([first, 1 - first])


def test_challenger_temperature_is_fitted_on_the_holdout_without_refits():
    from titans_finance.pipelines.retrain.nodes import holdout_temperature

    truth = pd.DataFrame({"category": ["fuel"] * 100 + ["parking"] * 5})  # parking: unknown
    temperature = holdout_temperature(_Overconfident(), truth, pd.DataFrame(index=truth.index))
    assert temperature > 2.0
    assert holdout_temperature(_Overconfident(), truth.head(10), pd.DataFrame(index=range(10))) == 1
