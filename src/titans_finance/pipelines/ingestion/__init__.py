"""Ingestion pipeline: raw export → clean table, quarantine, duplicates, data-quality report."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
