from kedro.pipeline import Node, Pipeline

from titans_finance.pipelines.features import create_pipeline as features_pipeline
from titans_finance.pipelines.ingestion import create_pipeline as ingestion_pipeline

from .nodes import (
    challenge_amount_model,
    challenge_category_model,
    default_model_with_wording,
    publish_champions,
    select_labelled_transactions,
)

NAMESPACE = "retrain"
# Project datasets a retrain run may write (the registry entries, its report, the manifest
# of served models); everything else it produces is its own (retrain.<name>).
PROJECT_OUTPUTS = {"category_registry_entry", "amount_registry_entry", "retrain_report",
                   "packaged_models"}


def create_pipeline(**kwargs) -> Pipeline:
    """``kedro run --pipelines retrain --params raw_path=<latest export>`` (``make retrain``).

    The latest export goes through the same ingestion and feature pipelines as training
    data, into datasets of its own (``retrain.clean_transactions``, ``retrain.feature_table``,
    ``retrain.history_state``, ``retrain.data_quality``...): the tables, metrics, report and
    models of the last ``kedro run`` stay consistent with each other, whatever the
    challengers' fate.
    """
    challenge = Pipeline(
        [
            Node(select_labelled_transactions, ["clean_transactions", "feature_table",
                                            "category_corrections", "params:category"],
                 ["category_transactions", "category_features", "category_corrections_report"],
                 name="select_labelled_expenses_for_retraining"),
            Node(default_model_with_wording, ["default_category_model", "clean_transactions",
                                              "feature_table", "params:category"],
                 "default_category_model_with_wording", name="learn_statement_wording"),
            Node(challenge_category_model,
                 ["category_transactions", "category_features", "category_rules",
                  "category_champion", "category_model", "params:category", "params:retrain",
                  "default_category_model_with_wording"],
                 ["category_registry_entry", "category_decision", "category_challenger"],
                 name="challenge_category_model"),
            Node(challenge_amount_model,
                 ["clean_transactions", "feature_table", "category_corrections",
                  "amount_champion", "amount_model", "params:amount", "params:retrain"],
                 ["amount_registry_entry", "amount_decision", "amount_challenger"],
                 name="challenge_amount_model"),
            Node(publish_champions,
                 ["category_decision", "amount_decision", "category_challenger",
                  "amount_challenger", "history_state", "clean_transactions",
                  "packaged_models_before_retrain"], ["retrain_report", "packaged_models"],
                 name="publish_champions"),
        ]
    )
    whole = ingestion_pipeline() + features_pipeline() + challenge
    free = whole.inputs()
    # Only what this pipeline produces is renamed retrain.<name>; its inputs (the export,
    # corrections, rules, champions, the served models) and parameters are the project's.
    return Pipeline(whole, namespace=NAMESPACE,
                    inputs={name for name in free if not name.startswith("params:")},
                    parameters={name.removeprefix("params:") for name in free
                                if name.startswith("params:")},
                    outputs=PROJECT_OUTPUTS & whole.all_outputs())
