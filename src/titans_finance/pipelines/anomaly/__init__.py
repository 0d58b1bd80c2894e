"""Anomaly pipeline: scored, explained, thresholded transactions."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
