"""titans-finance: transaction intelligence built as Kedro pipelines."""

__version__ = "0.1.0"
