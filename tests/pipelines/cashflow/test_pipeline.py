import json

import pandas as pd
import pytest

KEYS = ["mase", "mae", "coverage", "balance_coverage", "scorecard", "baselines",
        "baseline_same_day_last_month_mase", "baseline_zero_mase", "n_days_history",
        "horizon_days", "n_recurring_series", "first_low_balance_day", "as_of", "balance_source"]


def test_cashflow_pipeline_beats_every_baseline_on_generated_data(kedro_project):
    kedro_project.run("ingestion", "features", "cashflow")
    metrics = json.loads(kedro_project.path("data/08_reporting/metrics_cashflow.json").read_text())
    assert set(KEYS) <= set(metrics)
    card = metrics["scorecard"]
    assert set(card["baselines"]) == {"naive", "seasonal_naive_7", "same_day_last_month",
                                      "mean_28", "mean_90", "zero"}
    assert card["best_baseline"] == min(card["baselines"], key=card["baselines"].get)
    assert card["beats_best_baseline"] and card["model"] < card["baselines"][card["best_baseline"]]
    # rent, subscriptions, insurance, fees and the retainer: 12 streams, nothing else
    assert 10 <= metrics["n_recurring_series"] <= 14
    forecast = pd.read_parquet(kedro_project.path("data/07_model_output/cashflow_forecast.parquet"))
    assert len(forecast) == 30
    # the generated export has no balance column and none is declared: no balance is shown,
    # the running change is, and the metrics say which clean table they come from
    assert metrics["balance_source"] == "unknown" and metrics["opening_balance"] is None
    assert forecast["balance"].isna().all() and forecast["change"].notna().all()
    assert metrics["net"] == pytest.approx(forecast["expected_net"].sum())
    from titans_finance.core.fingerprint import data_hash
    clean = kedro_project.catalog().load("clean_transactions")
    assert metrics["computed_from"]["data_hash"] == data_hash(clean)
    assert forecast["date"].iloc[0] == pd.Timestamp(metrics["as_of"]) + pd.Timedelta(days=1)
    assert (forecast["lower"] <= forecast["point"]).all() and (
        forecast["point"] <= forecast["upper"]).all()
    backtest = pd.read_parquet(kedro_project.path("data/07_model_output/cashflow_backtest.parquet"))
    for _, fold in backtest.groupby("fold"):  # each fold forecasts only days after its cutoff
        assert (fold["date"] > fold["cutoff"]).all()
    client = kedro_project.mlflow_client()
    runs = client.search_runs([e.experiment_id for e in client.search_experiments()],
                              filter_string="tags.`mlflow.runName` = 'cashflow'")
    assert runs and runs[0].data.metrics["cashflow.mase"] == pytest.approx(metrics["mase"])
