"""kedro-mlflow's hook, with each parameter of a run written to MLflow once.

kedro-mlflow logs, before each node runs, every parameter the node reads: a node reading
``params:category`` logs each of its flattened keys (``category.seed``...), and most nodes
of a model pipeline read their block, so one category run wrote the same keys about twelve
times over (~750 SQLite transactions, ~3 ms each). MLflow keeps a parameter once per run:
writing the same value again changes nothing, writing another value is refused. So a key
already written in this run with the same text is not sent again; a new key, or the same
key with another value (refused by MLflow as before), is. The run's record is the same:
every parameter a node reads, once, with its value.

Registered in ``settings.py`` in place of the plugin's own hook
(``DISABLE_HOOKS_FOR_PLUGINS``); everything else (the run, the datasets' logging, the
model at the end of a `pipeline_ml_factory` pipeline) is kedro-mlflow's, unchanged.
"""

from __future__ import annotations

from typing import Any

from kedro.framework.hooks import hook_impl
from kedro_mlflow.framework.hooks import MlflowHook

# the distribution whose own hook this one replaces (its name in its metadata)
KEDRO_MLFLOW_DISTRIBUTION = "kedro_mlflow"


class ParametersOnceMlflowHook(MlflowHook):
    """`MlflowHook`, each parameter written once per MLflow run."""

    def __init__(self) -> None:
        super().__init__()
        # (run id, parameter name) -> the text written for it in that run
        self._written: dict[tuple[str | None, str], str] = {}

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any], pipeline: Any,
                            catalog: Any) -> None:
        # a new pipeline run: what an earlier one wrote is no longer this hook's concern
        self._written = {}
        super().before_pipeline_run(run_params=run_params, pipeline=pipeline, catalog=catalog)

    def _log_param(self, name: str, value: Any) -> Any:
        # MLflow stores a parameter (or the tag of a long one) as its text
        key, text = (self.run_id, name), str(value)
        if self._written.get(key) == text:
            return None
        logged = super()._log_param(name, value)
        self._written[key] = text
        return logged
