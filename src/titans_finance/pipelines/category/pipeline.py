from kedro.pipeline import Node, Pipeline

from titans_finance.tracking import mlflow_logging_nodes

from .nodes import (
    evaluate_category_model,
    fit_category_model,
    predict_categories,
    select_labelled_expenses,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(select_labelled_expenses, ["clean_transactions", "feature_table",
                                            "category_corrections", "params:category"],
                 ["category_training_transactions", "category_training_features",
                  "category_corrections_report"], name="select_labelled_expenses"),
            Node(evaluate_category_model,
                 ["category_training_transactions", "category_training_features", "category_rules",
                  "params:category"], ["metrics_category", "category_holdout_predictions"],
                 name="evaluate_category_model"),
            Node(fit_category_model,
                 ["category_training_transactions", "category_training_features", "category_rules",
                  "metrics_category", "params:category"], "category_model",
                 name="fit_category_model"),
            Node(predict_categories, ["category_model", "clean_transactions", "feature_table",
                                      "category_holdout_predictions"], "category_predictions",
                 name="predict_categories"),
            *mlflow_logging_nodes("category"),
        ]
    )
