"""One way to publish models: save each artefact as a new store version and name it, with
the SHA-256 of the bytes written, in the manifest (``packaged_models.json``) that the
service of this checkout serves from. The package pipeline publishes everything it
trained; the retrain pipeline publishes the promoted champions into the manifest it had."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import pandas as pd

from titans_finance.core.fingerprint import data_hash
from titans_finance.registry.store import ARTEFACT_FORMAT, REBUILD, STORE_NAMES, StaleArtefact, save

LABELS = {"project": "titans-finance"}


def store_metadata(value: Any) -> Any:
    """JSON-compatible copy without nulls (BentoML metadata accepts no None)."""
    value = json.loads(json.dumps(value, default=str))

    def strip(item):
        if isinstance(item, dict):
            return {k: strip(v) for k, v in item.items() if v is not None}
        if isinstance(item, list):
            return [strip(v) for v in item if v is not None]
        return item

    return strip(value)


def training_data_metadata(clean_transactions: pd.DataFrame) -> dict[str, Any]:
    """What every published artefact records about the data it came from, and when."""
    return {"data_hash": data_hash(clean_transactions),
            "packaged_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "n_transactions": int(len(clean_transactions))}


def publish(artefacts: Mapping[str, tuple[Any, dict[str, Any]]],
            manifest: Mapping[str, Any] | None = None,
            labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Save every ``{key: (object, metadata)}`` (keys of `STORE_NAMES`) as a new store
    version; the manifest given (or an empty one) with those keys' tags and digests
    replaced, the others kept."""
    unknown = sorted(set(artefacts) - set(STORE_NAMES))
    if unknown:
        raise ValueError(f"no store name for {unknown}; known: {sorted(STORE_NAMES)}")
    kept = set((manifest or {}).get("tags", {})) - set(artefacts)
    if kept and (manifest or {}).get("artefact_format") != ARTEFACT_FORMAT:
        # the manifest would name new artefacts beside old ones this version cannot read
        raise StaleArtefact(f"the packaged models ({', '.join(sorted(kept))}) were saved by an "
                            f"older version of titans-finance; {REBUILD}")
    saved = {key: save(STORE_NAMES[key], obj, store_metadata(metadata), {**LABELS, **(labels or {})})
             for key, (obj, metadata) in artefacts.items()}
    out = dict(manifest or {})
    out["tags"] = {**out.get("tags", {}), **{key: s.tag for key, s in saved.items()}}
    out["sha256"] = {**out.get("sha256", {}), **{key: s.sha256 for key, s in saved.items()}}
    out["artefact_format"] = ARTEFACT_FORMAT
    return out
