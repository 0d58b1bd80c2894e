from kedro.pipeline import Node, Pipeline

from titans_finance.pipelines.ingestion import create_pipeline as ingestion_pipeline
from titans_finance.pipelines.reporting import create_pipeline as reporting_pipeline

from .nodes import detect_drift, score_batch

NAMESPACE = "monitoring"
# what the batch's ingestion hands to the drift check, under the names it reads
INGESTED = {"deduplicated_transactions": "monitoring_batch",
            "quarantine_candidates": "monitoring_quarantine",
            "duplicate_candidates": "monitoring_duplicates"}


def create_pipeline(**kwargs) -> Pipeline:
    # The batch goes through the ingestion pipeline itself (normalise, de-duplicate, mark
    # transfers: the same functions as training data), namespaced into in-memory datasets
    # of its own: a drift check never overwrites the training tables.
    ingestion = ingestion_pipeline().to_outputs(*INGESTED)
    batch = Pipeline(ingestion, namespace=NAMESPACE, inputs={"raw_transactions"},
                     parameters={"ingestion"}, outputs=INGESTED)
    drift = Pipeline(
        [
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
    return batch + drift + reporting_pipeline()
