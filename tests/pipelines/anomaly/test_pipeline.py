import json

import pandas as pd
import pytest

from tests.conftest import make_project

KEYS = ["pr_auc", "precision_at_k", "recall_at_k", "baseline_pr_auc", "baseline_precision_at_k",
        "baseline_recall_at_k", "threshold", "flagged_rate", "n_scored", "ground_truth"]


def test_anomaly_pipeline_beats_the_plain_isolation_forest(kedro_project):
    kedro_project.run("ingestion", "features", "anomaly")
    metrics = json.loads(kedro_project.path("data/08_reporting/metrics_anomaly.json").read_text())
    assert set(KEYS) <= set(metrics) and metrics["ground_truth"] is True
    assert metrics["pr_auc"] > metrics["baseline_pr_auc"] + 0.2
    assert metrics["precision_at_k"] > metrics["baseline_precision_at_k"]
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
    scores = pd.read_parquet(project.path("data/07_model_output/anomaly_scores.parquet"))
    assert len(scores) == 127 and (scores.loc[scores["is_anomaly"], "reasons"] != "").all()
