from kedro.pipeline import Node, Pipeline

from .nodes import build_drift_reference, package_models


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(build_drift_reference,
                 ["clean_transactions", "feature_table", "anomaly_scores", "category_predictions",
                  "params:monitoring"], "drift_reference", name="build_drift_reference"),
            Node(package_models,
                 ["category_model", "amount_model", "anomaly_model", "cashflow_model",
                  "history_state", "drift_reference", "clean_transactions", "metrics_category",
                  "metrics_amount", "metrics_anomaly", "metrics_cashflow"],
                 "packaged_models", name="package_models_for_bentoml"),
        ]
    )
