"""Champion / challenger: a better challenger is promoted, a worse one is not."""

import json

import pandas as pd
import pytest

from tests.conftest import make_project
from titans_finance.pipelines.retrain.nodes import (
    PromotionConfigError,
    decide_promotion,
    promotion_rules,
)

RULES = {"holdout_accuracy": {"direction": "higher", "margin": 0.01, "relative_margin": 0.0},
         "holdout_mae": {"direction": "lower", "margin": 0.0, "relative_margin": 0.05}}
# the test is about the promotion logic, not model quality: one candidate each, few folds
FAST = {"category": {"candidates": ["logistic_regression"], "cv_folds": 2, "calibration_folds": 0},
        "amount": {"candidates": ["ridge"]}}
# a deliberately weak recipe: linear models regularised into near-constants
WEAK = {"category": {**FAST["category"], "logistic_regression": {"C": 1e-4}},
        "amount": {"candidates": ["ridge"], "ridge": {"alpha": 1e7}}}


def test_promotion_needs_every_metric_within_its_margin():
    champion = {"holdout_accuracy": 0.90, "holdout_mae": 100.0}
    assert decide_promotion(champion, {"holdout_accuracy": 0.895, "holdout_mae": 104.0}, RULES)[0]
    promote, reasons = decide_promotion(champion, {"holdout_accuracy": 0.95, "holdout_mae": 106.0},
                                        RULES)
    assert not promote and reasons[1].endswith("worse") and reasons[0].endswith("ok")
    assert decide_promotion(None, {"holdout_accuracy": 0.1, "holdout_mae": 1e9}, RULES)[0]


@pytest.mark.parametrize("rules, message", [
    ({}, "at least one metric"), ({"accuracy": {"direction": "higher"}}, "unknown metric"),
    ({"holdout_accuracy": {"direction": "up"}}, "direction"),
    ({"holdout_accuracy": {"direction": "higher", "margin": -1}}, "margin"),
])
def test_bad_promotion_rules_name_the_setting(rules, message):
    with pytest.raises(PromotionConfigError, match=message):
        promotion_rules({"promotion": {"category": rules}}, "category", {"holdout_accuracy"})


def _export_until(export: pd.DataFrame, end: str) -> pd.DataFrame:
    dates = pd.to_datetime(export["Date"], errors="coerce", format="mixed")
    return export[~(dates >= pd.Timestamp(end))]  # unparseable dates stay (they are quarantined)


def test_better_challenger_is_promoted_and_a_worse_one_is_not(tmp_path):
    import bentoml

    from titans_finance.generator import generate_transactions

    export, _ = generate_transactions(1500, 7)  # March 2023 to December 2025
    project = make_project(tmp_path, _export_until(export, "2024-07-01"))
    raw = project.path("data/01_raw/transactions.csv")
    # 1. the model served today was trained on data until mid-2024 with the weak recipe
    project.run("ingestion", "features", "category", "amount", params=WEAK)

    # the manifest `package` would have written (retrain updates the served versions in it)
    manifest_path = project.path("data/08_reporting/packaged_models.json")
    manifest_path.write_text(json.dumps({"tags": {"anomaly": "titans_anomaly:kept"},
                                         "sha256": {"anomaly": "0" * 64}}))

    # 2. months later: a normal challenger trained on the same period beats it on the new rows
    _export_until(export, "2025-04-01").to_csv(raw, index=False)
    project.run("ingestion", "features", "retrain", params=FAST, force=True)
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
    assert str(served.tag) == report["bentoml_tags"]["category"]
    from titans_finance.serving.store import artefact_digest

    manifest = json.loads(manifest_path.read_text())
    assert manifest["tags"]["category"] == str(served.tag)  # what POST /models/reload serves
    assert manifest["sha256"]["category"] == artefact_digest(str(served.tag))
    assert manifest["tags"]["anomaly"] == "titans_anomaly:kept"  # not promoted: unchanged

    # 3. more months: a weak challenger is registered but not promoted
    export.to_csv(raw, index=False)
    project.run("ingestion", "features", "retrain", params=WEAK, force=True)
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
