"""Measurements that are too heavy for the test suite, by kind: `performance` (time and
memory), `evaluation` (models on real data against their peers), `quality` (does the test
suite catch bugs; supply chain). Run each from the project root as a module, e.g.
``.venv/bin/python -m benchmarks.evaluation.cashflow_berka``; results go to
``benchmarks/results/`` (each file the latest run of its command; history in docs/)."""
