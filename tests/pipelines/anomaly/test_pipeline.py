import json

import pandas as pd
import pytest

from tests.conftest import make_project

KEYS = ["pr_auc", "precision_at_k", "recall_at_k", "baseline_pr_auc", "baseline_precision_at_k",
        "baseline_recall_at_k", "threshold", "flagged_rate", "n_scored", "ground_truth",
        "pr_auc_service_frozen", "pr_auc_service_rolling", "baseline_payee_z_pr_auc",
        "false_alarms_per_1000", "scorecard"]


def test_anomaly_pipeline_beats_the_plain_isolation_forest(kedro_project):
    kedro_project.run("ingestion", "features", "anomaly")
    metrics = json.loads(kedro_project.path("data/08_reporting/metrics_anomaly.json").read_text())
    assert set(KEYS) <= set(metrics) and metrics["ground_truth"] is True
    card = metrics["scorecard"]
    assert card["beats_best_baseline"] and set(card["baselines"]) == {"isolation_forest",
                                                                      "robust_payee_z"}
    # graded as the service scores with its rolling history: as good as the batch pipeline
    assert card["model"] == pytest.approx(metrics["pr_auc_service_rolling"])
    assert metrics["pr_auc_service_rolling"] == pytest.approx(metrics["pr_auc"], abs=1e-9)
    assert metrics["pr_auc"] > max(card["baselines"].values()) + 0.1
    # the generator's injections are not built from the detector's rules: duplicates of
    # charges after training are only caught with the rolling history
    assert metrics["pr_auc_service_frozen"] < metrics["pr_auc_service_rolling"]
    assert metrics["false_alarms_per_1000"] <= 2 * 1000 * 0.01 + 5
    scores = pd.read_parquet(kedro_project.path("data/07_model_output/anomaly_scores.parquet"))
    assert scores["score"].between(0, 1).all()
    assert (scores.loc[scores["is_anomaly"], "reasons"] != "").all()
    client = kedro_project.mlflow_client()
    runs = client.search_runs([e.experiment_id for e in client.search_experiments()],
                              filter_string="tags.`mlflow.runName` = 'anomaly'")
    assert runs and runs[0].data.metrics["anomaly.pr_auc"] == pytest.approx(metrics["pr_auc"])


def test_own_export_without_ground_truth_is_still_scored(tmp_path, seed_csv, generated_data):
    # the generator's truth file is on disk (as after `make run`): it must not be applied
    # to another export's rows
    export, truth = generated_data
    project = make_project(tmp_path, export, truth)
    project.run("ingestion", "features", "anomaly", params={"raw_path": str(seed_csv)})
    metrics = json.loads(project.path("data/08_reporting/metrics_anomaly.json").read_text())
    assert metrics["ground_truth"] is False and "pr_auc" not in metrics
    assert metrics["scorecard"]["model"] is None
    scores = pd.read_parquet(project.path("data/07_model_output/anomaly_scores.parquet"))
    assert len(scores) == 127 and (scores.loc[scores["is_anomaly"], "reasons"] != "").all()
