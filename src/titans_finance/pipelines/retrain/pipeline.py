from kedro.pipeline import Node, Pipeline

from titans_finance.pipelines.category.nodes import select_labelled_expenses

from .nodes import challenge_amount_model, challenge_category_model, publish_champions


def create_pipeline(**kwargs) -> Pipeline:
    # Reads the latest clean data and features: run it after ingestion and features,
    #   kedro run --pipelines ingestion,features,retrain --params raw_path=<latest export>
    return Pipeline(
        [
            Node(select_labelled_expenses, ["clean_transactions", "feature_table",
                                            "category_corrections", "params:category"],
                 ["retrain_category_transactions", "retrain_category_features",
                  "retrain_corrections_report"], name="select_labelled_expenses_for_retraining"),
            Node(challenge_category_model,
                 ["retrain_category_transactions", "retrain_category_features", "category_rules",
                  "category_champion", "category_model", "params:category", "params:retrain"],
                 ["category_registry_entry", "category_retrain_decision",
                  "category_challenger_model"], name="challenge_category_model"),
            Node(challenge_amount_model,
                 ["clean_transactions", "feature_table", "category_corrections",
                  "amount_champion", "amount_model", "params:amount", "params:retrain"],
                 ["amount_registry_entry", "amount_retrain_decision", "amount_challenger_model"],
                 name="challenge_amount_model"),
            Node(publish_champions,
                 ["category_retrain_decision", "amount_retrain_decision",
                  "category_challenger_model", "amount_challenger_model", "history_state",
                  "clean_transactions", "packaged_models_before_retrain"],
                 ["retrain_report", "packaged_models"], name="publish_champions"),
        ]
    )
