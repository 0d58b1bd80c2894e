from kedro.pipeline import Node, Pipeline

from titans_finance.tracking import model_for_mlflow

from .nodes import (
    anomaly_metrics_for_mlflow,
    evaluate_anomaly_model,
    fit_anomaly_model,
    score_transactions,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(evaluate_anomaly_model, ["clean_transactions", "feature_table", "anomaly_truth",
                                          "params:anomaly"], "metrics_anomaly",
                 name="evaluate_anomaly_model"),
            Node(fit_anomaly_model, ["clean_transactions", "feature_table", "metrics_anomaly",
                                     "params:anomaly"], "anomaly_model", name="fit_anomaly_model"),
            Node(score_transactions, ["anomaly_model", "clean_transactions", "feature_table"],
                 "anomaly_scores", name="score_transactions"),
            Node(anomaly_metrics_for_mlflow, "metrics_anomaly", "anomaly_mlflow_metrics",
                 name="log_anomaly_metrics"),
            Node(model_for_mlflow, "anomaly_model", "anomaly_model_mlflow",
                 name="log_anomaly_model"),
        ]
    )
