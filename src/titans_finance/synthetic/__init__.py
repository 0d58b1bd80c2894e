"""Synthetic data: the default export's generator, multi-account exports and anomalies
injected into real accounts, for `titans-finance generate`, tests and benchmarks.

A model that learns from our generator learns the generator, so production code (models,
readers, serving, app) must not import this package (the default category model learns
from open knowledge only: conf/base/knowledge/)."""
