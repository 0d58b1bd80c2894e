from kedro.pipeline import Node, Pipeline

from .nodes import package_models


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(package_models,
                 ["category_model", "amount_model", "anomaly_model", "cashflow_model",
                  "history_state", "clean_transactions", "metrics_category", "metrics_amount",
                  "metrics_anomaly", "metrics_cashflow"],
                 "packaged_models", name="package_models_for_bentoml"),
        ]
    )
