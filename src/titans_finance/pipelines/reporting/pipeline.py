from kedro.pipeline import Node, Pipeline

from .nodes import SECTIONS, assemble_report, build_charts

CHARTS = [name for name, _, _ in SECTIONS]


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(build_charts,
                 ["clean_transactions", "feature_table", "data_quality", "anomaly_scores",
                  "cashflow_forecast", "metrics_category", "metrics_amount", "metrics_anomaly",
                  "metrics_cashflow", "drift_report"], CHARTS, name="build_report_charts"),
            Node(assemble_report, ["data_quality", "metrics_cashflow", *CHARTS], "report_html",
                 name="assemble_report"),
        ]
    )
