"""Kedro project settings."""

from titans_finance.config_loader import CONFIG_LOADER_ARGS, ProjectConfigLoader
from titans_finance.hooks import ParameterValidationHook
from titans_finance.tracking_hook import KEDRO_MLFLOW_DISTRIBUTION, ParametersOnceMlflowHook

# every parameter block parsed into its settings class before anything runs; kedro-mlflow's
# hook with each parameter written once per run (tracking_hook.py), in place of its own
HOOKS = (ParameterValidationHook(), ParametersOnceMlflowHook())
DISABLE_HOOKS_FOR_PLUGINS = (KEDRO_MLFLOW_DISTRIBUTION,)

CONFIG_LOADER_CLASS = ProjectConfigLoader
__all__ = ["CONFIG_LOADER_ARGS", "CONFIG_LOADER_CLASS", "DISABLE_HOOKS_FOR_PLUGINS", "HOOKS"]
