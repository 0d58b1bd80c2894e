from kedro.pipeline import Node, Pipeline

from titans_finance.tracking import mlflow_logging_nodes

from .nodes import (
    category_review_queue,
    default_model_with_wording,
    evaluate_category,
    fit_category_model,
    fit_default_category_model,
    predict_categories,
    select_labelled_transactions,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(select_labelled_transactions, ["clean_transactions", "feature_table",
                                                "category_corrections", "params:category"],
                 ["category_training_transactions", "category_training_features",
                  "category_corrections_report"], name="select_labelled_transactions"),
            Node(fit_default_category_model, ["category_taxonomy", "category_lexicon",
                                              "category_brands", "category_words",
                                              "category_company_words", "params:category"],
                 "default_category_model",
                 name="fit_default_category_model"),
            Node(default_model_with_wording, ["default_category_model", "clean_transactions",
                                              "feature_table", "params:category"],
                 "default_category_model_with_wording", name="learn_statement_wording"),
            Node(evaluate_category,
                 ["category_training_transactions", "category_training_features", "category_rules",
                  "default_category_model_with_wording", "params:category", "clean_transactions"],
                 ["metrics_category", "category_holdout_predictions"],
                 name="evaluate_category_model"),
            Node(fit_category_model,
                 ["category_training_transactions", "category_training_features", "category_rules",
                  "default_category_model_with_wording", "metrics_category", "params:category"],
                 "category_model", name="fit_category_model"),
            Node(predict_categories, ["category_model", "clean_transactions", "feature_table",
                                      "category_holdout_predictions", "params:scale"],
                 "category_predictions",
                 name="predict_categories"),
            Node(category_review_queue, ["category_model", "clean_transactions", "feature_table",
                                         "params:category"], "category_review_queue",
                 name="category_review_queue"),
            *mlflow_logging_nodes("category"),
        ]
    )
