"""A model in the MLflow model registry, addressed by alias (``champion``).

``load`` returns the current champion (or no model when none is registered yet).
``save`` registers a challenger as a new model version, with the decision and its
reasons as version tags, and moves the alias to it only when it was promoted. The
models are our own pickled classes, logged as artifacts of the active run.
"""

from __future__ import annotations

import json
import pickle
import tempfile
from pathlib import Path
from typing import Any

from kedro.io import AbstractDataset, DatasetError

from titans_finance.registry.store import unpickled

FILENAME = "model.pkl"


class MlflowChampionDataset(AbstractDataset[dict, dict]):
    def __init__(self, registered_model_name: str, alias: str = "champion",
                 metadata: dict[str, Any] | None = None):
        self._name = registered_model_name
        self._alias = alias
        self.metadata = metadata

    @staticmethod
    def _client():
        from mlflow import MlflowClient

        return MlflowClient()

    def _champion_version(self):
        from mlflow.exceptions import MlflowException

        try:
            return self._client().get_model_version_by_alias(self._name, self._alias)
        except MlflowException:  # no such model or alias yet
            return None

    def load(self) -> dict:
        import mlflow

        version = self._champion_version()
        if version is None:
            return {"model": None, "version": None, "tags": {}}
        with tempfile.TemporaryDirectory() as folder:
            path = mlflow.artifacts.download_artifacts(
                artifact_uri=f"models:/{self._name}@{self._alias}", dst_path=folder)
            # our own registry entries; one saved by an older version is refused by name
            model = unpickled((Path(path) / FILENAME).read_bytes(),
                              f"{self._name}@{self._alias}")
        return {"model": model, "version": str(version.version), "tags": dict(version.tags)}

    def _register(self, model: Any, role: str, tags: dict[str, str]) -> str:
        import mlflow

        client = self._client()
        run = mlflow.active_run() or mlflow.start_run(run_name="retrain")
        artifact_path = f"registry/{self._name}/{role}"
        with tempfile.TemporaryDirectory() as folder:
            with open(Path(folder) / FILENAME, "wb") as handle:
                pickle.dump(model, handle, protocol=pickle.HIGHEST_PROTOCOL)
            mlflow.log_artifact(str(Path(folder) / FILENAME), artifact_path=artifact_path)
        try:
            client.get_registered_model(self._name)
        except Exception:  # noqa: BLE001 - any "not found" flavour of the store
            client.create_registered_model(self._name)
        version = client.create_model_version(
            self._name, f"runs:/{run.info.run_id}/{artifact_path}", run_id=run.info.run_id,
            tags={k: str(v)[:5000] for k, v in tags.items()})
        return str(version.version)

    def save(self, data: dict) -> None:
        """``data``: ``challenger`` (model), ``promote`` (bool), ``decision`` (dict), and
        ``incumbent`` (the model served so far, registered as champion when the registry
        has none, so the registry always knows what is served)."""
        import mlflow

        if not isinstance(data, dict) or "challenger" not in data or "promote" not in data:
            raise DatasetError(f"{self._name}: save expects a dict with challenger and promote")
        client = self._client()
        decision = data.get("decision", {})
        if self._champion_version() is None and data.get("incumbent") is not None:
            version = self._register(data["incumbent"], "incumbent",
                                     {"role": "incumbent", "note": "served before the first retrain"})
            client.set_registered_model_alias(self._name, self._alias, version)
        if data["challenger"] is None:  # nothing was trained (too little new data)
            return
        version = self._register(data["challenger"], "challenger", {
            "role": "challenger", "decision": "promoted" if data["promote"] else "rejected",
            "reasons": "; ".join(decision.get("reasons", [])),
            "metrics": json.dumps(decision.get("challenger_metrics", {}))})
        if data["promote"]:
            client.set_registered_model_alias(self._name, self._alias, version)
        short = self._name.rsplit(".", 1)[-1]
        mlflow.set_tags({f"{short}.decision": "promoted" if data["promote"] else "rejected",
                         f"{short}.registered_version": version,
                         f"{short}.reasons": "; ".join(decision.get("reasons", []))[:5000]})
        mlflow.log_dict(decision, f"retrain/{short}_decision.json")

    def _exists(self) -> bool:
        return self._champion_version() is not None

    def _describe(self) -> dict[str, Any]:
        return {"registered_model_name": self._name, "alias": self._alias}
