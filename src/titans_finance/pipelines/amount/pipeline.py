from kedro.pipeline import Node, Pipeline

from titans_finance.tracking import model_for_mlflow

from .nodes import amount_metrics_for_mlflow, evaluate_amount_model, fit_amount_model


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(evaluate_amount_model, ["clean_transactions", "feature_table", "params:amount"],
                 ["metrics_amount", "amount_predictions"], name="evaluate_amount_model"),
            Node(fit_amount_model, ["clean_transactions", "feature_table", "metrics_amount",
                                    "params:amount"], "amount_model", name="fit_amount_model"),
            Node(amount_metrics_for_mlflow, "metrics_amount", "amount_mlflow_metrics",
                 name="log_amount_metrics"),
            Node(model_for_mlflow, "amount_model", "amount_model_mlflow", name="log_amount_model"),
        ]
    )
