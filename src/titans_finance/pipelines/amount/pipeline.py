from kedro.pipeline import Node, Pipeline

from titans_finance.tracking import mlflow_logging_nodes

from .nodes import evaluate_amount_model, fit_amount_model


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(evaluate_amount_model, ["clean_transactions", "feature_table", "params:amount"],
                 ["metrics_amount", "amount_predictions"], name="evaluate_amount_model"),
            Node(fit_amount_model, ["clean_transactions", "feature_table", "metrics_amount",
                                    "params:amount"], "amount_model", name="fit_amount_model"),
            *mlflow_logging_nodes("amount"),
        ]
    )
