"""Synthetic data: the default export's generator, multi-account exports and anomalies
injected into real accounts, for `titans-finance generate`, tests and benchmarks.

A model that learns from our generator learns the generator, so production code (models,
readers, serving, app) must not import this package. One exception remains: the default
category model adds `generated_rows` of the embedded default data to its lexicon lines
(models/category_default.py); measured on the seed export it is worth 0.84 vs 0.76 top-1
accuracy, which says the generator's merchants overlap the evaluation file — replacing it
with open brand knowledge is issue #26's work."""
