from kedro.pipeline import Node, Pipeline

from titans_finance.tracking import mlflow_logging_nodes

from .nodes import (
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
            Node(score_transactions, ["anomaly_model", "clean_transactions", "feature_table",
                                      "params:scale"],
                 "anomaly_scores", name="score_transactions"),
            *mlflow_logging_nodes("anomaly"),
        ]
    )
