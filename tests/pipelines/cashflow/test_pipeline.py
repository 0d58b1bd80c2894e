import json

import pandas as pd
import pytest

KEYS = ["mase", "mae", "coverage", "baseline_last_mase", "baseline_seasonal7_mase",
        "baseline_last_mae", "baseline_seasonal7_mae", "n_days_history", "horizon_days",
        "n_recurring_series", "first_low_balance_day"]


def test_cashflow_pipeline_beats_seasonal_naive(kedro_project):
    kedro_project.run("ingestion", "features", "cashflow")
    metrics = json.loads(kedro_project.path("data/08_reporting/metrics_cashflow.json").read_text())
    assert set(KEYS) <= set(metrics)
    assert metrics["mase"] < metrics["baseline_seasonal7_mase"]
    assert 0.6 <= metrics["coverage"] <= 0.95
    assert metrics["n_recurring_series"] >= 8  # rent, subscriptions, insurance, retainer...
    forecast = pd.read_parquet(kedro_project.path("data/07_model_output/cashflow_forecast.parquet"))
    assert len(forecast) == 30
    assert (forecast["lower"] <= forecast["point"]).all() and (
        forecast["point"] <= forecast["upper"]).all()
    backtest = pd.read_parquet(kedro_project.path("data/07_model_output/cashflow_backtest.parquet"))
    for _, fold in backtest.groupby("fold"):  # each fold forecasts only days after its cutoff
        assert (fold["date"] > fold["cutoff"]).all()
    client = kedro_project.mlflow_client()
    runs = client.search_runs([e.experiment_id for e in client.search_experiments()],
                              filter_string="tags.`mlflow.runName` = 'cashflow'")
    assert runs and runs[0].data.metrics["cashflow.mase"] == pytest.approx(metrics["mase"])
