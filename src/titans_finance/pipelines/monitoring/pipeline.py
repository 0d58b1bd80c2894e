from kedro.pipeline import Node, Pipeline

from titans_finance.pipelines.ingestion.nodes import (
    deduplicate_transactions,
    normalise_transactions,
)
from titans_finance.pipelines.reporting import create_pipeline as reporting_pipeline

from .nodes import detect_drift, score_batch


def create_pipeline(**kwargs) -> Pipeline:
    # The batch goes through the same ingestion functions as training data, into its
    # own (in-memory) datasets: a drift check never overwrites the training tables.
    drift = Pipeline(
        [
            Node(normalise_transactions, ["raw_transactions", "params:ingestion"],
                 ["monitoring_normalised", "monitoring_quarantine", "monitoring_fixes"],
                 name="normalise_monitoring_batch"),
            Node(deduplicate_transactions, ["monitoring_normalised", "params:ingestion"],
                 ["monitoring_batch", "monitoring_duplicates"], name="deduplicate_monitoring_batch"),
            Node(score_batch, ["monitoring_batch", "history_state", "category_model",
                               "anomaly_model"],
                 ["monitoring_features", "monitoring_category_predictions",
                  "monitoring_anomaly_scores"], name="score_monitoring_batch"),
            Node(detect_drift, ["drift_reference", "monitoring_batch", "monitoring_features",
                                "monitoring_category_predictions", "monitoring_anomaly_scores",
                                "monitoring_quarantine", "monitoring_duplicates",
                                "params:monitoring"], "drift_report", name="detect_drift"),
        ]
    )
    # the report is re-rendered so its drift section shows this batch
    return drift + reporting_pipeline()
