"""The models and data health page: each model beside its strongest baseline, data quality,
the user's anomaly reviews, drift, what was trained when, how to retrain."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from titans_finance.app import views
from titans_finance.app.labels import read_anomaly_labels
from titans_finance.app.outputs import RUN_FIRST, data_hash_of, load, money_for
from titans_finance.app.project import Project
from titans_finance.reporting import charts, scorecards


def health_page(project: Project) -> None:
    st.header("Models and data health")
    metrics = {model: load(project, f"metrics_{model}")
               for model in ("category", "amount", "anomaly", "cashflow")}
    clean = load(project, "clean_transactions")
    money = money_for(project, clean) if clean is not None else charts.UNKNOWN_MONEY
    st.subheader("Each model against its strongest simple baseline")
    st.write("Scored on the most recent part of the history, which the model never saw in "
             "training, beside the strongest of several simple rules on the same data.")
    st.dataframe(views.scorecards(metrics, money), hide_index=True, key="health_scorecards")
    for line in scorecards.scorecard_findings({k: v or {} for k, v in metrics.items()}, money):
        st.markdown(f"- {line}")
    st.subheader("Data quality")
    quality = load(project, "data_quality")
    if quality is None:
        st.info(RUN_FIRST.format(what="data/08_reporting/data_quality.json"))
    else:
        columns = st.columns(4)
        for column, key, label in zip(columns, ("rows_read", "rows_clean", "rows_quarantined",
                                                "rows_duplicate"),
                                      ("rows read", "clean", "quarantined", "duplicates"),
                                      strict=True):
            column.metric(label, f"{int(quality.get(key, 0)):,}")
        reasons = quality.get("quarantine_reasons") or {}
        if reasons:
            st.dataframe(pd.DataFrame({"reason": list(reasons), "rows": list(reasons.values())}),
                         hide_index=True, key="health_reasons")
    st.subheader("Your anomaly reviews")
    st.markdown(views.anomaly_review_summary(read_anomaly_labels(project.anomaly_labels_path)))
    st.subheader("Drift")
    st.markdown(views.drift_status(load(project, "drift_report"), data_hash_of(
        str(project.root), project.modified(("clean_transactions",)))))
    st.subheader("What was trained when")
    versions = {model: project.latest_version(f"{model}_model")
                for model in ("category", "amount", "anomaly", "cashflow")}
    st.dataframe(views.training_runs(load(project, "packaged_models"), metrics, versions,
                                     data_hash_of(str(project.root), project.modified(
                                         ("clean_transactions",)))),
                 hide_index=True, key="health_runs")
    report = load(project, "category_corrections_report")
    if report:
        st.write(f"The last training read {report.get('lines', 0)} correction lines: "
                 f"{report.get('matched_lines', 0)} matched a transaction, "
                 f"{report.get('unmatched_lines', 0)} matched none, "
                 f"{len(report.get('invalid') or [])} unusable.")
    st.subheader("Retrain with your corrections")
    st.write("Every correction saved in the review queue is used by the next training. "
             "Retrain everything on the current export, or let a new export challenge the "
             "served models (promoted only when better on the same hold-out):")
    st.code("make run\nmake retrain RAW=/path/to/latest_export.csv", language="bash")
