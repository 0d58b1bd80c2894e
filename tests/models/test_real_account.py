"""One real bank account (Berka / PKDD'99, read from ../shared) end to end through the numeric
models: the export built from its codes, the cash-flow forecast from its last day and its own
balance, the anomaly detector as the service scores, the amount model. Skips without ../shared."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.parameters import parameters

from benchmarks.evaluation.berka import BERKA_END, BERKA_PATH, berka_exports

ROOT = Path(__file__).resolve().parents[2]


def _params(name: str) -> dict:
    return parameters(name)


@pytest.fixture(scope="module")
def account() -> pd.DataFrame:
    if not BERKA_PATH.is_file():
        pytest.skip(f"Berka data not found at {BERKA_PATH}")
    frame = berka_exports()
    # the first account (by id) with a full year of history: a rule, not a pick
    span = frame.groupby("account")["date"].agg(lambda d: (d.max() - d.min()).days)
    size = frame.groupby("account").size()
    chosen = sorted((span[(span >= 400) & (size >= 60)]).index, key=int)[0]
    return frame[frame["account"] == chosen].reset_index(drop=True)


def test_cash_flow_from_the_exports_last_day_and_balance(account):
    from titans_finance.models.cashflow import CashflowModel, evaluate_cashflow
    from titans_finance.pipelines.cashflow.nodes import backtest_cashflow, fit_cashflow_model

    params = _params("cashflow")
    metrics, table = backtest_cashflow(account, params)
    card = metrics["scorecard"]
    assert card["best_baseline"] in card["baselines"] and np.isfinite(card["model"])
    model = fit_cashflow_model(account, table, metrics, params)
    assert isinstance(model, CashflowModel)
    forecast, summary = model.predict(30, today=BERKA_END + pd.Timedelta(days=10))
    last = account.sort_values(["date", "source_row"]).iloc[-1]
    assert summary["as_of"] == str(account["date"].max().date())
    assert summary["balance_source"] == "export_balance_column"
    assert summary["opening_balance"] == pytest.approx(last["balance"])
    assert summary["days_after_as_of"] > 0 and summary["note"]
    np.testing.assert_allclose(forecast["balance"],
                               last["balance"] + forecast["expected_net"].cumsum(), atol=1e-6)
    # month-end interest is a stream on the last day of the month
    assert any(s.merchant == "interest" and s.anchor == "end" for s in model.recurring)
    _, outer, _ = evaluate_cashflow(account, params, BERKA_END)
    assert (outer["date"] > outer["cutoff"]).all()


def test_anomalies_on_a_real_account_as_the_service_scores(account):
    from titans_finance.core.features import build_features
    from titans_finance.core.history_state import HistoryState
    from titans_finance.models.anomaly import AnomalyModel, score_with_rolling_history
    from titans_finance.synthetic.anomalies import inject_anomalies

    start = BERKA_END - pd.Timedelta(days=89)
    rows = inject_anomalies(account, start, np.random.default_rng(0))
    train = (rows["date"] < start).to_numpy()
    model = AnomalyModel(_params("anomaly")).fit(rows[train], build_features(rows[train]))
    scored, _ = score_with_rolling_history(model, rows[~train],
                                           HistoryState.from_frame(rows[train]))
    injected = rows.loc[~train, "injected"].to_numpy()
    flagged = scored["is_anomaly"].to_numpy()
    assert flagged[injected].any()
    assert flagged[~injected].mean() <= 0.1  # real transactions: few false alarms
    assert (scored.loc[flagged, "reasons"] != "").all()
    assert not scored["reasons"].str.contains("category").any()  # Berka sends none


def test_amounts_on_a_real_account(account):
    from titans_finance.core.features import build_features
    from titans_finance.models.amount.evaluation import evaluate_amount_model

    metrics, holdout = evaluate_amount_model(account, build_features(account), _params("amount"))
    assert metrics["n_test"] > 0 and np.isfinite(metrics["holdout_mae"])
    assert (holdout["lower"] <= holdout["predicted"]).all()
    assert (holdout["predicted"] <= holdout["upper"]).all()
