"""Parameters for tests: the shipped YAML as Kedro loads it, overriding only what a test
means to change (a partial dict would train a different model than production; the
settings classes refuse one anyway).

    parameters("amount", candidates=["prior"])            # a plain dict, as Kedro passes it
    parameters("category", default_model={"word_variants": 1})   # nested: merged
    settings("ingestion", reference_date="2025-06-30")    # the typed settings
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

from titans_finance.parameters import SETTINGS, Settings

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@functools.cache
def _shipped(env: str) -> dict[str, Any]:
    from kedro.config import OmegaConfigLoader

    loader = OmegaConfigLoader(conf_source=str(PROJECT_ROOT / "conf"), base_env="base",
                               default_run_env=env)
    return loader["parameters"]


def shipped_parameters(env: str = "local") -> dict[str, Any]:
    """Every block of ``conf/base`` (and ``conf/<env>`` over it), as Kedro merges them."""
    return copy.deepcopy(_shipped(env))


def _merged(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def settings(block: str, env: str = "local", **overrides: Any) -> Settings:
    """The shipped ``block`` with ``overrides`` (nested mappings merged key by key),
    parsed by its settings class: an override naming an unknown key is refused."""
    return SETTINGS[block].of(_merged(shipped_parameters(env)[block], overrides),
                              source=f"the test's overrides of parameters_{block}.yml")


def parameters(block: str, env: str = "local", **overrides: Any) -> dict[str, Any]:
    """`settings` as the plain dict Kedro passes a node (and the models take)."""
    return settings(block, env, **overrides).model_dump()
