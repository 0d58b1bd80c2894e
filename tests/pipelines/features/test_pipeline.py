import json

import pandas as pd

from titans_finance.core.features import HistoryState, feature_columns


def test_features_pipeline_writes_table_state_and_summary(kedro_project):
    kedro_project.run("ingestion", "features")
    clean = pd.read_parquet(kedro_project.path("data/03_primary/clean_transactions.parquet"))
    table = pd.read_parquet(kedro_project.path("data/04_feature/feature_table.parquet"))
    assert len(table) == len(clean)
    assert (table["transaction_id"].to_numpy() == clean["transaction_id"].to_numpy()).all()
    assert set(feature_columns()) <= set(table.columns)
    state = kedro_project.catalog().load("history_state")
    assert isinstance(state, HistoryState) and state.global_count == len(clean)
    summary = json.loads(kedro_project.path("data/08_reporting/feature_summary.json").read_text())
    assert summary["n_rows"] == len(clean) and summary["n_numeric_features"] >= 50
    assert summary["non_finite_values"] == 0
