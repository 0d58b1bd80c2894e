from kedro.pipeline import Node, Pipeline

from .nodes import SECTIONS, assemble_report, build_charts, categorise_transactions

CHARTS = [name for name, _, _ in SECTIONS]


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(categorise_transactions,
                 ["clean_transactions", "category_predictions", "category_corrections",
                  "category_taxonomy"],
                 ["report_categorised_transactions", "categorised_transactions"],
                 name="categorise_transactions"),
            Node(build_charts,
                 ["clean_transactions", "report_categorised_transactions", "feature_table",
                  "data_quality", "anomaly_scores", "cashflow_forecast", "metrics_category",
                  "metrics_amount", "metrics_anomaly", "metrics_cashflow", "drift_report",
                  "params:reporting", "params:cashflow", "cashflow_forecast_accounts",
                  "cashflow_accounts"], [*CHARTS, "report_notes"],
                 name="build_report_charts"),
            Node(assemble_report, ["report_notes", *CHARTS], "report_html",
                 name="assemble_report"),
        ]
    )
