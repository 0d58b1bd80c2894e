import json

import numpy as np
import pandas as pd
import pytest
import yaml

from tests.conftest import PROJECT_ROOT, make_project

KEYS = ["holdout_accuracy", "holdout_macro_f1", "baseline_accuracy", "coverage_at_threshold",
        "accuracy_at_threshold", "expected_calibration_error", "selected_model", "n_train",
        "n_test", "confusion_matrix", "scorecard", "default_model"]
# The default model is part of every category run: the runs on their own projects below take
# the shipped one, trained once per test run for every project (`trained_default_model` in
# tests/conftest.py) instead of a lighter one of their own (a second fit of ~2/3 the cost).


def _metrics(project):
    return json.loads(project.path("data/08_reporting/metrics_category.json").read_text())


def test_category_pipeline_on_generated_data(kedro_project):
    kedro_project.run("ingestion", "features", "category")
    metrics = _metrics(kedro_project)
    assert set(KEYS) <= set(metrics)
    # better than the merchant-majority baseline by more than the noise (2 standard errors
    # of the paired accuracy difference on the hold-out)
    margin = metrics["holdout_accuracy"] - metrics["baseline_accuracy"]
    assert margin > 2 * metrics["accuracy_minus_baseline_se"] > 0, metrics
    assert metrics["scorecard"]["beats_best_baseline"]
    assert metrics["scorecard"]["best_baseline"] == "merchant_majority"
    # generated data is easy: nearly every row is answered, and the answers stay right
    assert metrics["coverage_at_threshold"] >= 0.9
    assert metrics["accuracy_at_threshold"] >= 0.95
    assert metrics["expected_calibration_error"] < 0.05
    predictions = pd.read_parquet(kedro_project.path(
        "data/07_model_output/category_predictions.parquet"))
    assert set(predictions["split"]) == {"holdout", "unlabelled"}
    assert (predictions["split"] == "holdout").sum() == metrics["n_test"]
    unlabelled = predictions[predictions["split"] == "unlabelled"]
    income = unlabelled[unlabelled["amount"] > 0]
    assert len(income) and income["predicted_category"].isin(
        ["business_income", "salary", "other_income", "interest_dividends", "refund",
         "transfer", "uncertain", "income", "transfers"]).all()  # or their groups
    assert set(predictions["level"]) <= {"category", "group", "uncertain"}
    models = kedro_project.path("data/06_models/category_model.pkl")
    assert list(models.glob("*/category_model.pkl"))
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
    labelled = clean[clean["category"].notna()]
    test_start = pd.Timestamp(metrics["test_period"][0])
    assert (labelled["date"] < test_start).sum() == metrics["n_train"]
    assert (labelled["date"] >= test_start).sum() == metrics["n_test"]


def test_reference_export_beats_the_original_system(tmp_path, seed_csv):
    project = make_project(tmp_path)
    project.run("ingestion", "features", "category", params={"raw_path": str(seed_csv)})
    metrics = _metrics(project)
    assert metrics["n_classes"] == 22
    # The original system published 0.15. The hold-out (the last 20 % of the period) has
    # only ~20 rows, so each bound is stated in standard errors of that hold-out: measured
    # 0.85 (binomial SE 0.08) against a floor of 0.55 (3.8 SE below), and 0.60 above the
    # merchant-majority baseline (SE of the paired difference 0.11).
    n, accuracy = metrics["n_test"], metrics["holdout_accuracy"]
    standard_error = (accuracy * (1 - accuracy) / n) ** 0.5
    assert n >= 15 and accuracy >= 0.55 and accuracy - 3 * standard_error > 0.15, metrics
    margin = accuracy - metrics["baseline_accuracy"]
    assert margin > 2 * metrics["accuracy_minus_baseline_se"] > 0, metrics


def _taxonomy_truth(categories: pd.Series) -> pd.Series:
    mapping = yaml.safe_load((PROJECT_ROOT / "conf/base/category_taxonomy.yml").read_text())
    return categories.map(mapping["generator"])


def test_an_export_without_categories_is_categorised_and_one_correction_fixes_a_merchant(
        tmp_path, generated_data):
    from titans_finance.core.corrections import append_correction

    export, truth = generated_data
    unlabelled = export.assign(Category="")
    project = make_project(tmp_path, unlabelled, truth)
    project.run("ingestion", "features", "category")
    metrics = _metrics(project)
    assert metrics["personal_model"] is False and metrics["n_labelled"] == 0
    predictions = pd.read_parquet(project.path("data/07_model_output/category_predictions.parquet"))
    catalog = project.catalog()
    clean = catalog.load("clean_transactions")
    assert len(predictions) == len(clean) and set(predictions["split"]) == {"unlabelled"}
    assert (predictions["source"] == "default").all()
    # against the generator's own labels mapped to the taxonomy
    labels = clean["category"]
    # the generator's own labels (blanked in the file), mapped to the taxonomy
    expected = pd.Series(_taxonomy_truth(export["Category"]).to_numpy()[
        clean["source_row"].to_numpy() - 1])
    predicted = predictions.set_index("transaction_id")["predicted_category"].reindex(
        clean["transaction_id"]).to_numpy()
    spend = (clean["amount"] < 0).to_numpy() & expected.notna().to_numpy()
    accuracy = float(np.mean(predicted[spend] == expected.to_numpy()[spend]))
    assert accuracy >= 0.7, accuracy
    assert labels.isna().all()
    queue = pd.read_csv(project.path("data/08_reporting/category_review_queue.csv"))
    assert 0 < len(queue) <= 20 and queue["merchant_key"].is_unique

    # correct one transaction of the most doubtful merchant: all its transactions follow
    first = queue.iloc[0]
    row = clean[clean["transaction_id"] == first["transaction_id"]].iloc[0]
    append_correction(project.path("data/01_raw/category_corrections.csv"),
                      {"date": row["date"].date().isoformat(), "description": row["description"],
                       "amount": row["amount"], "category": "client_gifts"})
    project.run("category", force=True)
    predictions = pd.read_parquet(project.path("data/07_model_output/category_predictions.parquet"))
    merchant = catalog.load("feature_table")["merchant_key"].to_numpy() == first["merchant_key"]
    ids = set(clean["transaction_id"][merchant])
    others = predictions[predictions["transaction_id"].isin(ids)]
    assert len(others) >= first["transactions_of_merchant"] - 1
    assert (others["predicted_category"] == "client_gifts").all()
    assert (others["source"] == "rule").all()


def test_corrections_override_labels_and_a_corrected_merchant_becomes_a_rule(
        tmp_path, generated_data):
    from titans_finance.core.corrections import append_correction
    from titans_finance.core.features import build_features

    export, truth = generated_data
    project = make_project(tmp_path, export, truth)
    # one candidate and no calibration folds: what is checked is the corrections' effect on
    # labels and rules, not the choice between recipes nor the confidences' temperature
    fast = {"category": {"candidates": ["logistic_regression"], "calibration_folds": 0}}
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
