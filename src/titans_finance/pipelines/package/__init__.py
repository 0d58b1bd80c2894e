"""Package pipeline: the trained models into the BentoML model store, for `bentoml serve`."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
