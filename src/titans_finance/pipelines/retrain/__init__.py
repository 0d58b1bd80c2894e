"""Retrain pipeline: challengers on the latest data + corrections, champion/challenger promotion."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
