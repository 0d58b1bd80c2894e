"""Category pipeline: rules + calibrated classifier for expense categories."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
