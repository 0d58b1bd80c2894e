"""Amount pipeline: amount regressor with prediction intervals."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
