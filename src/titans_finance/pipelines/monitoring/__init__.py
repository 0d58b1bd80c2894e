"""Monitoring pipeline: drift of a new export against the training reference (on demand)."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
