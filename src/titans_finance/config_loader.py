"""The project's configuration loader and its arguments (registered in ``settings.py``).

Apart from the settings module so that what reads the project's configuration without a
Kedro session (the app's `Project`) does not import what a session needs (the hooks: MLflow).
"""

from pathlib import Path
from typing import Any

from kedro.config import OmegaConfigLoader
from omegaconf.resolvers import oc

from titans_finance.tracking import resolve_sqlite_uri


class ProjectConfigLoader(OmegaConfigLoader):
    """Kedro's loader, with the MLflow store of ``mlflow.yml`` anchored in the project root.

    A relative SQLite URI (the default ``sqlite:///mlflow.db``) names the file in the
    project root whatever the working directory (a notebook runs in ``notebooks/``).
    """

    def __getitem__(self, key: str) -> dict[str, Any]:
        config = super().__getitem__(key)
        if key == "mlflow" and isinstance(config.get("server"), dict):
            root = Path(str(self.conf_source)).parent
            for name in ("mlflow_tracking_uri", "mlflow_registry_uri"):
                config["server"][name] = resolve_sqlite_uri(config["server"].get(name), root)
        return config


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
