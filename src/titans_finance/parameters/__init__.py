"""Typed parameters: one frozen settings class per block of ``conf/*/parameters_*.yml``.

Nodes parse the dict Kedro passes (``params:<block>``) once at entry with
``<Block>Settings.of(params)``; the project hook (`titans_finance.hooks`) validates every
block when a Kedro context is created, so an unknown key stops ``kedro run`` before any
node runs. Domain code (core/, models/) never imports this package: nodes translate
settings into the plain arguments the models take.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from titans_finance.parameters.amount import AmountSettings
from titans_finance.parameters.anomaly import AnomalySettings
from titans_finance.parameters.app import AppSettings
from titans_finance.parameters.base import ParameterError, Settings
from titans_finance.parameters.cashflow import CashflowSettings
from titans_finance.parameters.category import CategorySettings
from titans_finance.parameters.features import FeaturesSettings
from titans_finance.parameters.ingestion import IngestionSettings
from titans_finance.parameters.monitoring import MonitoringSettings
from titans_finance.parameters.reporting import ReportingSettings
from titans_finance.parameters.retrain import RetrainSettings
from titans_finance.parameters.scale import ScaleSettings, scale_of

SETTINGS: dict[str, type[Settings]] = {cls.block: cls for cls in (
    AmountSettings, AnomalySettings, AppSettings, CashflowSettings, CategorySettings,
    FeaturesSettings, IngestionSettings, MonitoringSettings, ReportingSettings, RetrainSettings, ScaleSettings)}

__all__ = ["SETTINGS", "AmountSettings", "AnomalySettings", "AppSettings", "CashflowSettings",
           "CategorySettings", "FeaturesSettings", "IngestionSettings", "MonitoringSettings",
           "ParameterError", "ReportingSettings", "RetrainSettings", "ScaleSettings", "Settings",
           "scale_of", "validate_parameters"]


def validate_parameters(parameters: Mapping[str, Any], sources: Mapping[str, str] | None = None,
                    runtime_names: frozenset[str] | set[str] = frozenset()
                    ) -> dict[str, Settings]:
    """Every block of ``parameters`` (the whole ``params`` of a Kedro context) parsed;
    `ParameterError` listing every problem otherwise. ``sources``: block (or dotted key)
    → the file it comes from, for the messages; ``runtime_names``: top-level names
    that are not blocks but run-time values the catalog reads (``raw_path``...)."""
    sources = sources or {}
    parsed, problems = {}, []
    for name, value in parameters.items():
        if name in SETTINGS:
            try:
                parsed[name] = SETTINGS[name].of(value, sources.get(name))
            except ParameterError as error:
                problems.append(str(error))
        elif name not in runtime_names:
            problems.append(
                f"unknown parameter block '{name}' in {sources.get(name, 'the parameters')}; "
                f"known: {', '.join(SETTINGS)}"
                + (f" (or run-time values: {', '.join(sorted(runtime_names))})"
                   if runtime_names else ""))
    missing = [name for name in SETTINGS if name not in parameters]
    if missing:
        problems.append(f"missing parameter block(s) {', '.join(missing)} (each in "
                        "conf/base/parameters_<block>.yml)")
    if problems:
        raise ParameterError("\n".join(problems))
    return parsed
