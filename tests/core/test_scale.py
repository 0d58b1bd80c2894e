"""The Dask path runs the pandas functions on partitions of whole accounts: same rows."""

import pandas as pd
import pytest

from tests.parameters import parameters
from titans_finance.core.features import build_features
from titans_finance.core.scale import ScaleParams, by_account, run_accounts, run_rows
from titans_finance.models.cashflow import forecast_accounts

SYNC = parameters("scale", engine="dask", scheduler="synchronous", partitions=3)


@pytest.fixture(scope="module")
def accounts_table():
    """A small multi-account clean table through the real ingestion (transfers marked),
    shuffled so that accounts interleave."""
    from titans_finance.datasets.raw_export_dataset import parse_export_text
    from titans_finance.synthetic.accounts import generate_accounts
    from titans_finance.pipelines.ingestion.nodes import (
        deduplicate_transactions,
        mark_transfers,
        normalise_transactions,
    )

    export, _ = generate_accounts(accounts=5, rows=1500, seed=7)
    raw, _ = parse_export_text(export.to_csv(index=False), "accounts.csv")
    candidates, _, _ = normalise_transactions(raw, parameters("ingestion"))
    table, _ = deduplicate_transactions(candidates, parameters("ingestion"))
    table = mark_transfers(table, parameters("ingestion"))
    assert table["account"].nunique() == 5 and table["is_transfer"].any()
    return table.sample(frac=1.0, random_state=0).set_axis(
        pd.Index([f"row{i}" for i in range(len(table))]), axis=0)


def test_every_account_lands_in_one_partition(accounts_table):
    import dask

    parts = dask.compute(*by_account(accounts_table, 3).to_delayed(), scheduler="synchronous")
    seen = [set(p["account"]) for p in parts]
    assert sum(len(s) for s in seen) == 5  # no account in two partitions
    assert set().union(*seen) == set(accounts_table["account"])


def test_dask_features_equal_pandas_row_for_row(accounts_table):
    pandas_rows = build_features(accounts_table)
    dask_rows = run_rows(accounts_table, build_features, scale=SYNC)
    pd.testing.assert_frame_equal(dask_rows, pandas_rows, check_exact=True)


# a fixed threshold and a small forest: these tests compare engines, not detectors
SMALL_ANOMALY = parameters("anomaly", contamination=None, seed=0, n_jobs=1,
                           isolation_forest={"n_estimators": 20})
SMALL_BACKTEST = {"backtest_folds": 1, "inner_folds": 1,
                  "candidates": ["exact+zero", "all+weekday_median_8w"]}


def _cashflow_params():
    return parameters("cashflow", **SMALL_BACKTEST)


def test_dask_forecasts_equal_pandas_per_account(accounts_table):
    params = _cashflow_params()
    subset = accounts_table[accounts_table["account"].isin(
        sorted(accounts_table["account"].unique())[:3])]
    forecast, summary = run_accounts(subset, forecast_accounts, params)
    dask_forecast, dask_summary = run_accounts(subset, forecast_accounts, params,
                                               scale={**SYNC, "scheduler": "threads"})
    pd.testing.assert_frame_equal(dask_forecast, forecast, check_exact=True)
    pd.testing.assert_frame_equal(dask_summary, summary, check_exact=True)
    assert summary["evaluated"].all() and len(forecast) == 3 * params["horizon_days"]


@pytest.mark.slow
def test_a_local_cluster_named_by_the_environment_gives_the_pandas_rows(accounts_table,
                                                                         monkeypatch):
    """The distributed scheduler on a real LocalCluster (2 worker processes, started as the
    run starts one), then reached as an existing cluster through DASK_SCHEDULER_ADDRESS."""
    import os

    from titans_finance.core.scale import dask_session
    from titans_finance.models.anomaly import AnomalyModel
    from titans_finance.pipelines.anomaly.nodes import score_transactions

    with dask_session({"engine": "dask", "n_workers": 2}) as client:
        # distributed's MALLOC_TRIM_THRESHOLD_ made numpy-heavy scoring 4x slower per CPU
        assert set(client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_")).values()) \
            == {None}
        address = client.scheduler.address
        monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", address)
        assert ScaleParams.from_any({"engine": "dask"}).scheduler_address == address
        rows = run_rows(accounts_table, build_features, scale={"engine": "dask"})
        # batch scoring: the model scattered to the workers, rows and features together
        model = AnomalyModel(SMALL_ANOMALY).fit(accounts_table, rows)
        scores = score_transactions(model, accounts_table, rows,
                                    scale=parameters("scale", engine="dask"))
    pd.testing.assert_frame_equal(rows, build_features(accounts_table), check_exact=True)
    pd.testing.assert_frame_equal(scores, score_transactions(model, accounts_table, rows),
                                  check_exact=True)


def test_worker_malloc_trim_is_unset_unless_asked():
    from titans_finance.core.scale import MALLOC_TRIM_KEY, local_worker_config

    assert local_worker_config(ScaleParams()) == {MALLOC_TRIM_KEY: None}
    assert local_worker_config(ScaleParams.from_any({"malloc_trim_threshold": 65536})) == {
        MALLOC_TRIM_KEY: 65536}


def test_bad_scale_parameters_are_named():
    with pytest.raises(ValueError, match="scale.engine must be one of"):
        ScaleParams.from_any({"engine": "spark"})
    with pytest.raises(ValueError, match="unknown scale parameter.*workers"):
        ScaleParams.from_any({"workers": 2})
    with pytest.raises(ValueError, match="scale.n_workers must be at least 1"):
        ScaleParams.from_any({"engine": "dask", "n_workers": 0})


def test_dask_batch_scoring_equals_pandas(accounts_table):
    from titans_finance.models.anomaly import AnomalyModel
    from titans_finance.pipelines.anomaly.nodes import score_transactions

    features = build_features(accounts_table)
    model = AnomalyModel(SMALL_ANOMALY).fit(accounts_table, features)
    pandas_scores = score_transactions(model, accounts_table, features)
    dask_scores = score_transactions(model, accounts_table, features, scale=SYNC)
    pd.testing.assert_frame_equal(dask_scores, pandas_scores, check_exact=True)
    assert pandas_scores["account"].tolist() == accounts_table["account"].tolist()
    assert pandas_scores["score"].gt(0).any()


def _fitted_category_and_amount_models(table, features):
    from titans_finance.models.amount import AmountModel
    from titans_finance.models.category import CategoryModel

    params = {n: parameters(n) for n in ("category", "amount")}
    labelled = table["category"].notna().to_numpy()
    category = CategoryModel("logistic_regression", params["category"]).fit(
        table[labelled], features[labelled], calibrate=False)
    amount = AmountModel("prior", params["amount"]).fit(table.reset_index(drop=True),
                                                        features.reset_index(drop=True))
    return category, amount


def test_dask_category_and_amount_scoring_equal_pandas(accounts_table):
    from titans_finance.core.scale import run_scoring
    from titans_finance.pipelines.category.nodes import predict_categories

    features = build_features(accounts_table)
    category, amount = _fitted_category_and_amount_models(accounts_table, features)
    for predict in (category.predict, amount.predict):
        pandas_rows = predict(accounts_table, features)
        dask_rows = run_scoring(predict, accounts_table, features, scale=SYNC)
        pd.testing.assert_frame_equal(dask_rows, pandas_rows, check_exact=True)
        assert dask_rows.index.equals(accounts_table.index)
    holdout = pd.DataFrame()
    unlabelled = accounts_table.assign(category=None)  # every row scored by the node
    pd.testing.assert_frame_equal(
        predict_categories(category, unlabelled, features, holdout, scale=SYNC),
        predict_categories(category, unlabelled, features, holdout), check_exact=True)


def _read_export(path: str) -> pd.DataFrame:
    """One export file through the ingestion's reader and normaliser."""
    from pathlib import Path

    from titans_finance.datasets.raw_export_dataset import parse_export_text
    from titans_finance.pipelines.ingestion.nodes import normalise_transactions

    raw, _ = parse_export_text(Path(path).read_text(encoding="utf-8"), Path(path).name)
    return normalise_transactions(raw, parameters("ingestion"))[0]


def test_many_export_files_read_on_dask_then_scored_equal_pandas(tmp_path):
    """Each file read on a worker by the pandas reader (one partition per file of whole
    accounts), then features per partition without a shuffle: the pandas rows."""
    import numpy as np

    from titans_finance.core.scale import dask_session, map_by_account, read_files
    from titans_finance.synthetic.accounts import generate_accounts

    paths = []
    for i in range(3):
        export, _ = generate_accounts(2, 400, np.random.SeedSequence([7, i]), first=2 * i)
        paths.append(tmp_path / f"export_{i}.csv")
        export.to_csv(paths[-1], index=False)
    pandas_table = pd.concat([_read_export(str(p)) for p in paths], ignore_index=True)
    scale = {**SYNC, "scheduler": "threads"}
    with dask_session(scale) as client:
        frame = read_files(paths, _read_export)
        assert frame.npartitions == 3
        pd.testing.assert_frame_equal(frame.compute().reset_index(drop=True), pandas_table,
                                      check_exact=True)
        parts = map_by_account(frame, build_features, scale=scale, client=client,
                               whole_accounts=True)
    assert len(parts) == 3
    pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True),
                                  build_features(pandas_table), check_exact=True)
    with pytest.raises(ValueError, match="no file given"):
        read_files([], _read_export)


@pytest.mark.parametrize("env, engine", [("base", "pandas"), ("dask", "dask")])
def test_the_shipped_scale_parameters_are_valid(env, engine):
    """`kedro run` (pandas) and `kedro run --env dask` (Dask): every key known, valid."""
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[2]
    raw = yaml.safe_load((root / f"conf/{env}/parameters_scale.yml").read_text())["scale"]
    params = ScaleParams.from_any(raw)
    assert params.engine == engine and params.malloc_trim_threshold is None
