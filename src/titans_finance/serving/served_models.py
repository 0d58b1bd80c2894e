"""The set of models one prediction needs (`ServedModels`): loaded from the manifest's
versions, each verified against its digest, checked on an example transaction, swapped as
a whole on reload. The per-tenant rolling history rides along (serving/tenant_history.py).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import bentoml

from titans_finance.registry.store import STORE_NAMES, Manifest, ManifestError, load
from titans_finance.serving.schemas import Transaction, transactions_frame
from titans_finance.serving.settings import ServingSettings

_EXAMPLE = Transaction.model_config["json_schema_extra"]["example"]

MODEL_NAMES = ("category", "amount", "anomaly", "cashflow")


def manifest_path() -> str:
    return ServingSettings.get().manifest_path


@dataclass(frozen=True)
class ServedModels:
    """Everything one prediction needs, swapped as a whole on reload (requests in flight
    keep the set they started with). ``rolling``: each tenant's per-account rolling history
    on top of ``history`` (`TenantHistories`: mutable, locked; carried over on reload)."""

    models: dict[str, Any]
    history: Any
    drift_reference: Any
    versions: dict[str, str]
    info: dict[str, dict[str, Any]]
    data_hash: str | None = None
    packaged_at: str | None = None
    rolling: Any = None

    @classmethod
    def from_manifest(cls, manifest: Manifest, limits: dict[str, int] | None = None
                      ) -> ServedModels:
        """Load the versions ``manifest`` names, each verified against its digest; every
        model answers one example transaction before the set is used (`check`)."""
        try:
            entries = {name: bentoml.models.get(tag) for name, tag in manifest.tags.items()}
        except bentoml.exceptions.NotFound as exc:
            raise ManifestError(f"{manifest.path} names a version that is not in the BentoML "
                                f"store ({os.environ.get('BENTOML_HOME', '~/bentoml')}): "
                                f"{exc}; package again (`kedro run --pipelines package`)") from None
        return cls.from_store_entries(entries, manifest.sha256, manifest.data_hash,
                                      manifest.packaged_at, limits)

    @classmethod
    def from_store_entries(cls, entries: dict[str, Any], digests: dict[str, str],
                           data_hash: str | None = None, packaged_at: str | None = None,
                           limits: dict[str, int] | None = None) -> ServedModels:
        """``entries``: store name key (``category``..., ``history``, ``drift_reference``) →
        a BentoML model (``.path``, ``.tag``, ``.info.metadata``); ``digests``: the SHA-256
        recorded for each when it was packaged."""
        objects = {name: load(entry.path, digests[name]) for name, entry in entries.items()}
        info = {}
        for name in MODEL_NAMES:
            metadata = entries[name].info.metadata
            info[name] = {"name": name, "version": str(entries[name].tag),
                          "trained_at": metadata.get("trained_at"),
                          "metrics": metadata.get("metrics", {}),
                          "data_hash": data_hash or metadata.get("data_hash")}
        info["anomaly"]["threshold"] = float(objects["anomaly"].threshold)
        info["cashflow"]["as_of"] = forecast_as_of(objects["cashflow"])
        from titans_finance.core.rolling import RollingLimits
        from titans_finance.serving.tenant_history import TenantHistories

        served = cls(models={name: objects[name] for name in MODEL_NAMES},
                     history=objects["history"], drift_reference=objects["drift_reference"],
                     versions={name: str(entry.tag) for name, entry in entries.items()},
                     info=info, data_hash=data_hash, packaged_at=packaged_at,
                     rolling=TenantHistories(objects["history"], RollingLimits(**(limits or {}))))
        served.check()
        return served

    def check(self) -> None:
        """Score one example transaction with every model; raise `IncompatibleModels`
        naming the model if one cannot (e.g. pickled by an older version of the code):
        better refused at start or reload than a 500 on every request."""
        from titans_finance.core.features import build_features

        frame = transactions_frame([Transaction(**_EXAMPLE)])
        try:
            features = build_features(frame, self.history, independent=True)
        except Exception as exc:
            raise IncompatibleModels("history", self.versions.get("history"), exc) from exc
        checks = {**{name: functools.partial(score, self.models[name], frame, features)
                     for name, score in TRANSACTION_SCORERS.items()},
                  "cashflow": functools.partial(self.models["cashflow"].predict, 1, None, None)}
        for name, call in checks.items():
            try:
                call()
            except Exception as exc:
                raise IncompatibleModels(name, self.versions.get(name), exc) from exc

    def describe(self) -> str:
        """One line: which versions and which training data are served."""
        versions = ", ".join(self.versions[name] for name in STORE_NAMES)
        return (f"serving {versions}; trained on data {self.data_hash or 'unknown'} "
                f"(packaged {self.packaged_at or 'unknown'})")


def bound_text_memos(max_bytes: int) -> None:
    """Each memo of request text this process keeps (`core.merchant_key`'s merchant keys
    of descriptions, `core.feature_text`'s keyword flags and a description's own text
    features, each text vectoriser's word columns, and what `models.category.row_memo`
    keeps of a line for the category models) holds at most ``max_bytes`` from now on
    (``TITANS_TEXT_MEMO_BYTES``; the pipelines' own bounds are larger)."""
    from titans_finance.core.feature_text import (
        bound_description_text_memo,
        bound_keyword_memo,
    )
    from titans_finance.core.merchant_key import bound_description_memo
    from titans_finance.models.category.row_memo import bound_row_memos
    from titans_finance.models.category.text_features import bound_word_memos

    bound_description_memo(max_bytes)
    bound_word_memos(max_bytes)
    bound_row_memos(max_bytes)
    bound_keyword_memo(max_bytes)
    bound_description_text_memo(max_bytes)


def forecast_as_of(model: Any) -> str | None:
    """The last day of data the cash-flow forecast starts after (its 'as of' date)."""
    end = getattr(model, "metadata", {}).get("data_end")
    if end:
        return str(end)[:10]
    forecast = getattr(model, "forecast", None)
    if forecast is not None and len(forecast):
        import pandas as pd

        return str((pd.Timestamp(forecast.index[0]) - pd.Timedelta(days=1)).date())
    return None


# A batch's rows reach each model in slices of at most this many. Every model answers row
# by row (the parity tests: a row's answer is the same alone or in any batch), so the
# answers are the same to the bit; a 10,000-row batch held ~40 MiB of one model's working
# arrays at once, and the worker's memory kept much of that peak after it.
SCORING_SLICE_ROWS = 1_000


def _in_slices(score: Callable[[Any, Any, Any], Any]) -> Callable[[Any, Any, Any], Any]:
    def scored(model: Any, frame: Any, features: Any) -> Any:
        rows = len(frame)
        if rows <= SCORING_SLICE_ROWS:
            return score(model, frame, features)
        import pandas as pd

        answer = pd.concat([score(model, frame.iloc[start:start + SCORING_SLICE_ROWS],
                                  features.iloc[start:start + SCORING_SLICE_ROWS])
                            for start in range(0, rows, SCORING_SLICE_ROWS)])
        if answer.index.equals(frame.index):  # the frame's own index (a range stays one)
            answer.index = frame.index
        return answer
    return scored


# How each per-transaction model scores (transactions frame, features) → its output frame:
# one table for the endpoints and for the load-time check.
TRANSACTION_SCORERS = {
    "category": _in_slices(lambda model, frame, features: model.predict(frame, features)),
    "amount": _in_slices(lambda model, frame, features: model.predict(frame, features)),
    "anomaly": _in_slices(lambda model, frame, features: model.score(frame, features)),
}


# Whether a model reads the transaction's history: the category model reads the row's own
# text and amount only (models/category/model.py NUMERIC_INPUTS, the text of description and
# merchant: `core.features.own_features`), so /predict/category takes no history lock, no
# history round-trip, and computes no feature it does not read.
USES_HISTORY = {"category": False, "amount": True, "anomaly": True}


class IncompatibleModels(RuntimeError):
    def __init__(self, name: str, version: str | None, cause: Exception) -> None:
        super().__init__(f"model {name!r} ({version}) cannot score an example transaction "
                         f"({type(cause).__name__}: {cause}); it was probably saved by another "
                         f"version of titans-finance: retrain (`make run`) or package again")

