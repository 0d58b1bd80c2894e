from kedro.pipeline import Node, Pipeline

from .nodes import build_feature_table, build_history_state, summarise_features


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(build_feature_table, ["clean_transactions", "params:features", "params:scale"],
                 "feature_table",
                 name="build_feature_table"),
            Node(build_history_state, ["clean_transactions", "params:features"], "history_state",
                 name="build_history_state"),
            Node(summarise_features, ["feature_table", "params:features"], "feature_summary",
                 name="summarise_features"),
        ]
    )
