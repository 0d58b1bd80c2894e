import json

import pandas as pd
import pytest

from tests.conftest import make_project

KEYS = ["holdout_accuracy", "holdout_macro_f1", "cv_accuracy", "baseline_accuracy",
        "coverage_at_threshold", "accuracy_at_threshold", "selected_model", "n_train", "n_test",
        "confusion_matrix"]


def _metrics(project):
    return json.loads(project.path("data/08_reporting/metrics_category.json").read_text())


def test_category_pipeline_on_generated_data(kedro_project):
    kedro_project.run("ingestion", "features", "category")
    metrics = _metrics(kedro_project)
    assert set(KEYS) <= set(metrics)
    assert metrics["holdout_accuracy"] >= metrics["baseline_accuracy"] - 0.01
    assert 0 < metrics["coverage_at_threshold"] <= 1
    predictions = pd.read_parquet(kedro_project.path(
        "data/07_model_output/category_predictions.parquet"))
    assert predictions["predicted_category"].notna().all()
    assert set(predictions["split"]) == {"holdout", "unlabelled"}
    assert (predictions["split"] == "holdout").sum() == metrics["n_test"]
    assert list(kedro_project.path("data/06_models/category_model.pkl").glob("*/category_model.pkl"))
    client = kedro_project.mlflow_client()
    runs = client.search_runs([e.experiment_id for e in client.search_experiments()],
                              filter_string="tags.`mlflow.runName` = 'category'")
    assert runs, "no MLflow run for the category pipeline"
    assert runs[0].data.metrics["category.holdout_accuracy"] == pytest.approx(
        metrics["holdout_accuracy"])
    assert "category.confidence_threshold" in runs[0].data.params


def test_time_split_has_no_leakage(kedro_project):
    kedro_project.run("ingestion", "features", "category")
    metrics = _metrics(kedro_project)
    clean = pd.read_parquet(kedro_project.path("data/03_primary/clean_transactions.parquet"))
    labelled = clean[(clean["type"] == "expense") & clean["category"].notna()]
    test_start = pd.Timestamp(metrics["test_period"][0])
    assert (labelled["date"] < test_start).sum() == metrics["n_train"]
    assert (labelled["date"] >= test_start).sum() == metrics["n_test"]


def test_reference_export_beats_the_original_system(tmp_path, seed_csv):
    project = make_project(tmp_path)
    project.run("ingestion", "features", "category", params={"raw_path": str(seed_csv)})
    metrics = _metrics(project)
    assert metrics["cv_accuracy"] >= 0.65  # the original system published 0.15
    assert metrics["holdout_accuracy"] > metrics["baseline_accuracy"]
    assert metrics["n_classes"] == 22


def test_corrections_override_labels_and_a_consistently_corrected_merchant_becomes_a_rule(
        tmp_path, generated_data):
    from titans_finance.core.corrections import append_correction
    from titans_finance.core.features import build_features

    export, truth = generated_data
    project = make_project(tmp_path, export, truth)
    fast = {"category": {"candidates": ["logistic_regression"], "cv_folds": 2}}
    project.run("ingestion", "features", "category", params=fast)
    catalog = project.catalog()
    clean, history = catalog.load("clean_transactions"), catalog.load("history_state")
    merchant = catalog.load("feature_table")["merchant_key"]
    starbucks = clean[(merchant == "starbucks").to_numpy()
                      & (clean["category"] == "meals_entertainment").to_numpy()]
    assert len(starbucks) >= 3
    new = starbucks.tail(1).assign(date=pd.Timestamp("2026-01-05"), category=None)
    before = catalog.load("category_model").predict(new, build_features(new, history))
    assert before["category"].iloc[0] == "meals_entertainment"

    path = project.path("data/01_raw/category_corrections.csv")
    for row in starbucks.tail(3).itertuples():  # named by content: date + description + amount
        append_correction(path, {"date": row.date.date().isoformat(),
                                 "description": row.description, "amount": row.amount,
                                 "category": "coffee", "predicted_category": "meals_entertainment"})
    append_correction(path, {"reference": "", "category": "Not Snake"})  # reported, ignored
    project.run("category", params=fast, force=True)

    catalog = project.catalog()
    after = catalog.load("category_model").predict(new, build_features(new, history))
    assert after["category"].iloc[0] == "coffee" and after["source"].iloc[0] == "rule"
    report = json.loads(project.path("data/08_reporting/corrections_category.json").read_text())
    assert report["matched_lines"] == 3 and report["labels_changed"] == 3
    assert report["invalid"][0]["line"] == 5  # the header is line 1
