import json

import pandas as pd
import pytest

from titans_finance.core.features import feature_columns
from titans_finance.core.history_state import HistoryState


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


def test_feature_values_are_what_the_history_says(kedro_project):
    """Values, not shapes: a sample of rows of the pipeline's feature table recomputed here
    by brute force from the clean table (plain pandas over the strictly earlier rows in
    ``(date, source_row)`` order), so a window bound or an ordering slip cannot pass."""
    import numpy as np

    from titans_finance.core.feature_params import NO_HISTORY_DAYS

    kedro_project.run("ingestion", "features")
    clean = pd.read_parquet(kedro_project.path("data/03_primary/clean_transactions.parquet"))
    table = pd.read_parquet(kedro_project.path("data/04_feature/feature_table.parquet"))
    rows = clean.assign(merchant_key=table["merchant_key"].to_numpy(),
                        day=clean["date"].dt.normalize())
    rows = rows.sort_values(["day", "source_row"], kind="stable")
    table = table.set_index("transaction_id")
    rng = np.random.default_rng(3)
    position = rng.choice(len(rows), 150, replace=False)
    # rows whose merchant comes back, where the history features are not all zero
    repeated = np.flatnonzero(rows["merchant_key"].duplicated().to_numpy())
    position = np.concatenate([position, rng.choice(repeated, 150, replace=False)])
    checked_history = 0
    for i in position:
        row = rows.iloc[i]
        earlier = rows.iloc[:i]
        same = earlier[earlier["merchant_key"] == row["merchant_key"]]
        got = table.loc[row["transaction_id"]]
        assert got["global_prior_count"] == i
        assert got["merchant_prior_count"] == len(same)
        days = (row["day"] - same["day"].max()).days if len(same) else NO_HISTORY_DAYS
        assert got["days_since_merchant"] == days
        for window in (7, 30, 90):
            within = same[same["day"] >= row["day"] - pd.Timedelta(days=window)]
            assert got[f"merchant_count_{window}d"] == len(within), (window, row["transaction_id"])
            assert got[f"merchant_sum_{window}d"] == pytest.approx(
                within["amount"].abs().sum(), abs=1e-6)
        if len(same):
            checked_history += 1
            assert got["merchant_prior_mean_abs"] == pytest.approx(same["amount"].abs().mean())
        assert got["log_abs_amount"] == pytest.approx(np.log1p(abs(row["amount"])))
        assert got["amount_sign"] == np.sign(row["amount"])
        assert got["day_of_week"] == row["day"].dayofweek
        assert got["day_of_month"] == row["day"].day
    assert checked_history >= 150
