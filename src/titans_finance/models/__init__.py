"""Model classes (plain Python, no Kedro): trained by the pipelines, used by the service."""

from collections.abc import Iterable, Mapping
from typing import Any


def check_hyper_parameters(params: Mapping[str, Any], names: Iterable[str], owner: str,
                           source: str) -> None:
    """A model's hyper-parameters are stored as given and checked when it is fitted: every
    name must be there (the models have no defaults of their own: ``source``, the shipped
    YAML, is the one place the values live)."""
    missing = [name for name in names if name not in params]
    if missing:
        raise ValueError(f"{owner}: missing hyper-parameter(s) {', '.join(missing)} (the "
                         f"values of {source}; tests: tests/parameters.py)")
