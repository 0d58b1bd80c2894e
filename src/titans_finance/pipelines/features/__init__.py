"""Features pipeline: the feature table for training and the history state for serving."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
