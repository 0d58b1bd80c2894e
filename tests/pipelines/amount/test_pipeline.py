import json

import pandas as pd
import pytest

from tests.conftest import make_project

KEYS = ["holdout_mae", "holdout_r2", "baseline_mae", "interval_coverage", "holdout_median_ae",
        "selected_model", "n_train", "n_test"]


def _metrics(project):
    return json.loads(project.path("data/08_reporting/metrics_amount.json").read_text())


def test_amount_pipeline_on_generated_data(kedro_project):
    kedro_project.run("ingestion", "features", "amount")
    metrics = _metrics(kedro_project)
    assert set(KEYS) <= set(metrics)
    assert 0.7 <= metrics["interval_coverage"] <= 0.9
    holdout = pd.read_parquet(kedro_project.path("data/07_model_output/amount_predictions.parquet"))
    assert (holdout["lower"] <= holdout["predicted"]).all() and (
        holdout["predicted"] <= holdout["upper"]).all()
    clean = pd.read_parquet(kedro_project.path("data/03_primary/clean_transactions.parquet"))
    test_dates = clean.set_index("transaction_id").loc[holdout["transaction_id"], "date"]
    assert test_dates.min() == pd.Timestamp(metrics["test_period"][0])  # no earlier row tested
    client = kedro_project.mlflow_client()
    runs = client.search_runs([e.experiment_id for e in client.search_experiments()],
                              filter_string="tags.`mlflow.runName` = 'amount'")
    assert runs and runs[0].data.metrics["amount.holdout_mae"] == pytest.approx(
        metrics["holdout_mae"])


def test_amount_beats_the_median_baseline_on_generated_data(kedro_project):
    kedro_project.run("ingestion", "features", "amount")
    metrics = _metrics(kedro_project)
    assert metrics["holdout_mae"] < metrics["baseline_mae"]


def test_reference_export_beats_the_original_system(tmp_path, seed_csv):
    project = make_project(tmp_path)
    project.run("ingestion", "features", "amount", params={"raw_path": str(seed_csv)})
    metrics = _metrics(project)
    assert metrics["holdout_mae"] < 292.3  # the original system's published MAE
