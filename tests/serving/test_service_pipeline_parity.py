"""The service path and the pipeline path give the same answers on the same rows.

Pipeline path: the clean table's rows, the features pipeline's feature table, the trained
models (what the pipelines score and report). Service path: the same rows as a client
sends them (`Transaction` → `transactions_frame` → `build_features` against the history
state of the rows before each one, as the service keeps it) and the same models. Category,
confidence, amount (point and interval) and anomaly score must agree: a request that lacks
a column the training rows had (status, receipt, account...) or a parser or frame slip
that changes a value would show here. No server needed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from titans_finance.core.features import FEATURE_GROUPS, build_features, own_features
from titans_finance.core.history_state import HistoryState
from titans_finance.core.rolling import RollingHistory
from titans_finance.serving.schemas import Transaction, transactions_frame
from titans_finance.serving.service import TRANSACTION_SCORERS, USES_HISTORY

N_ROWS = 40


@pytest.fixture(scope="module")
def pipeline_side(kedro_project):
    kedro_project.run("ingestion", "features", "category", "amount", "anomaly")
    catalog = kedro_project.catalog()
    clean = catalog.load("clean_transactions")
    table = catalog.load("feature_table")
    models = {name: catalog.load(f"{name}_model") for name in ("category", "amount", "anomaly")}
    order = np.lexsort((clean["source_row"].to_numpy(), clean["date"].to_numpy()))
    clean = clean.iloc[order].reset_index(drop=True)
    table = table.set_index("transaction_id").loc[clean["transaction_id"]].reset_index()
    # rows of the last weeks (after training for most), a share of them with a known merchant
    picked = np.random.default_rng(0).choice(np.arange(len(clean) - 400, len(clean)), N_ROWS,
                                             replace=False)
    return clean, table, models, np.sort(picked)


def _request(row: pd.Series) -> Transaction:
    """The row as a client sends it: only what a request carries, amount and date written
    as strings (a day-first date where the day tells)."""
    optional = {field: None if pd.isna(row[column]) else row[column]
                for field, column in (("payment_method", "payment_method"),
                                      ("merchant", "reference"), ("category", "category"))}
    return Transaction(description=row["description"], amount=f"{row['amount']:.2f}",
                       date=row["date"].strftime("%d/%m/%Y") if row["date"].day > 12
                       else row["date"].date().isoformat(), type=row["type"], **optional)


@pytest.fixture(scope="module")
def both_paths(pipeline_side):
    clean, table, models, picked = pipeline_side
    pipeline = {name: TRANSACTION_SCORERS[name](model, clean.iloc[picked], table.iloc[picked])
                for name, model in models.items()}
    served: dict[str, list[pd.DataFrame]] = {name: [] for name in models}
    for i in picked:
        frame = transactions_frame([_request(clean.iloc[i])])
        features = build_features(frame, HistoryState.from_frame(clean.iloc[:i]),
                                  independent=True)
        for name, model in models.items():
            served[name].append(TRANSACTION_SCORERS[name](model, frame, features))
    return pipeline, {name: pd.concat(parts, ignore_index=True) for name, parts in served.items()}


def test_the_request_frame_carries_the_rows_values(pipeline_side):
    clean, _, _, picked = pipeline_side
    frame = transactions_frame([_request(clean.iloc[i]) for i in picked])
    expected = clean.iloc[picked].reset_index(drop=True)
    for column in ("date", "type", "description", "amount", "category", "payment_method"):
        pd.testing.assert_series_equal(frame[column], expected[column], check_dtype=False,
                                       check_names=False, obj=column)
    pd.testing.assert_series_equal(frame["reference"], expected["reference"], check_dtype=False)


def test_same_category_and_confidence(both_paths):
    pipeline, served = both_paths
    assert served["category"]["category"].tolist() == pipeline["category"]["category"].tolist()
    assert served["category"]["source"].tolist() == pipeline["category"]["source"].tolist()
    np.testing.assert_allclose(served["category"]["confidence"],
                               pipeline["category"]["confidence"], rtol=1e-9, atol=1e-12)
    # not a vacuous comparison: the rows get real, varied answers
    assert pipeline["category"]["category"].nunique() >= 3


def test_same_amount_and_interval(both_paths):
    pipeline, served = both_paths
    for column in ("predicted_amount", "lower", "upper"):
        np.testing.assert_allclose(served["amount"][column], pipeline["amount"][column],
                                   rtol=1e-7, atol=1e-6, err_msg=column)


def test_same_anomaly_score_and_flag(both_paths):
    pipeline, served = both_paths
    np.testing.assert_allclose(served["anomaly"]["score"], pipeline["anomaly"]["score"],
                               rtol=1e-7, atol=1e-9)
    assert served["anomaly"]["is_anomaly"].tolist() == pipeline["anomaly"]["is_anomaly"].tolist()
    assert served["anomaly"]["reasons"].tolist() == pipeline["anomaly"]["reasons"].tolist()


def test_a_model_said_to_read_no_history_answers_the_same_whatever_the_history(pipeline_side):
    """/predict/category skips the rolling history (`USES_HISTORY`) and reads the rows' own
    features (`own_features`): its answers are the same from those, against the shipped
    state, against a history that recorded the rows (every history feature changed), and
    with every history feature replaced by noise."""
    clean, _, models, picked = pipeline_side
    frame = transactions_frame([_request(clean.iloc[i]) for i in picked])
    state = HistoryState.from_frame(clean.iloc[:picked[0]])
    alone = build_features(frame, state, independent=True)
    rolling = RollingHistory(state)
    rolling.features(frame)
    seen = rolling.features(frame, record=False)
    history = FEATURE_GROUPS["history"] + FEATURE_GROUPS["category_history"]
    assert (seen[history].to_numpy() != alone[history].to_numpy()).any(axis=0).sum() >= 10
    noise = alone.copy()
    noise[history] = np.random.default_rng(0).normal(size=(len(noise), len(history))) * 50
    for name, reads_history in USES_HISTORY.items():
        if reads_history:
            continue
        answers = [TRANSACTION_SCORERS[name](models[name], frame, features)
                   for features in (own_features(frame, state), alone, seen, noise)]
        for other in answers[1:]:
            pd.testing.assert_frame_equal(other, answers[0])
