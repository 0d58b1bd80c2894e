"""Kedro project settings."""

from kedro.config import OmegaConfigLoader
from omegaconf.resolvers import oc

CONFIG_LOADER_CLASS = OmegaConfigLoader
CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    # Environment variables in configuration (e.g. MLFLOW_TRACKING_URI), as documented
    # in conf/base/mlflow.yml.
    "custom_resolvers": {"oc.env": oc.env},
    "config_patterns": {
        # kedro-mlflow reads its own file through the loader
        "mlflow": ["mlflow*", "mlflow*/**"],
    },
}
