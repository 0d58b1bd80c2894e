from kedro.pipeline import Node, Pipeline

from .nodes import (
    deduplicate_transactions,
    mark_transfers,
    normalise_transactions,
    publish_ingestion_outputs,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                normalise_transactions,
                inputs=["raw_transactions", "params:ingestion"],
                outputs=["normalised_transactions", "quarantine_candidates", "ingestion_fixes"],
                name="normalise_transactions",
            ),
            Node(
                deduplicate_transactions,
                inputs=["normalised_transactions", "params:ingestion"],
                outputs=["unique_transactions", "duplicate_candidates"],
                name="deduplicate_transactions",
            ),
            Node(
                mark_transfers,
                inputs=["unique_transactions", "params:ingestion"],
                outputs="deduplicated_transactions",
                name="mark_transfers",
            ),
            Node(
                publish_ingestion_outputs,
                inputs=["raw_transactions", "deduplicated_transactions", "quarantine_candidates",
                        "duplicate_candidates", "ingestion_fixes"],
                outputs=["clean_transactions", "quarantined_transactions",
                         "duplicate_transactions", "data_quality"],
                name="check_conservation_and_publish",
            ),
        ]
    )
