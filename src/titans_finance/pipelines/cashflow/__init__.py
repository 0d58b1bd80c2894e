"""Cash-flow pipeline: daily series, backtested 30-day forecast with intervals, projected balance."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
