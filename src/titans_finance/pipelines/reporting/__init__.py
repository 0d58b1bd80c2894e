"""Reporting pipeline: charts (plotly JSON, previewed by kedro-viz) and a self-contained HTML report."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
