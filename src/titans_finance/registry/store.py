"""Saving to and loading from the BentoML model store (plain module, used by publishing and serving).

Trust boundary: an artefact is a pickle, and unpickling runs code. The BentoML store
(``$BENTOML_HOME``, by default ``~/bentoml``) is shared by every project and user that
points at it, so it is *not* trusted. What is trusted is this checkout: the package
pipeline records, in ``data/08_reporting/packaged_models.json`` (the manifest), the
exact tag *and the SHA-256 digest* of every artefact it saved; the service reads the
manifest, and `load` refuses an artefact whose bytes do not have the recorded digest
before anything is unpickled. A planted or swapped pickle in the store is never loaded.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import pickle
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

# Store name of each artefact the service needs. The history state is not a model
# but is shipped the same way: history features of new transactions need it.
STORE_NAMES = {
    "category": "titans_category",
    "amount": "titans_amount",
    "anomaly": "titans_anomaly",
    "cashflow": "titans_cashflow",
    "history": "titans_history_state",
    "drift_reference": "titans_drift_reference",
}
FILENAME = "model.pkl"
# The layout of the pickled model classes. Bump it when a change to the model classes or
# their modules makes artefacts saved before it unusable (moved modules, new attributes
# the code reads): the service then refuses an old manifest with a clear message instead
# of failing inside unpickling or, worse, on the first request.
ARTEFACT_FORMAT = 3  # 3: the amount, anomaly and category models became packages
_SHA256 = re.compile(r"[0-9a-f]{64}")


class UntrustedArtefact(RuntimeError):
    """An artefact's bytes differ from the digest recorded when it was packaged."""


class ManifestError(RuntimeError):
    """The manifest of packaged models is missing or unusable."""


class StaleArtefact(ManifestError):
    """An artefact or manifest saved by a version of titans-finance this one cannot read."""


REBUILD = "retrain and package with this version: `make run`"


def unpickled(data: bytes, where: str) -> Any:
    """The object pickled in ``data``; `StaleArtefact` (naming ``where``) when it refers to
    code that no longer exists (a module moved, a class renamed)."""
    try:
        return pickle.loads(data)  # noqa: S301 - callers pass trusted bytes only
    except (ModuleNotFoundError, AttributeError, ImportError) as exc:
        raise StaleArtefact(f"{where} was saved by an older version of titans-finance "
                            f"({exc}); {REBUILD}") from None


class SavedArtefact(NamedTuple):
    """A new store version and the SHA-256 of the bytes written to it."""

    tag: str
    sha256: str


def save(name: str, obj: Any, metadata: dict[str, Any], labels: dict[str, str] | None = None
         ) -> SavedArtefact:
    """Save ``obj`` as a new version of ``name``: its tag (``name:version``) and the digest
    of the bytes this call wrote, for the manifest. The digest comes from the bytes in
    memory, never from reading the store back: a write into the shared store between our
    write and a re-read would otherwise be approved."""
    import bentoml

    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    with bentoml.models.create(name, metadata=metadata, labels=labels or {}) as model:
        with open(model.path_of(FILENAME), "wb") as handle:
            handle.write(data)
    return SavedArtefact(str(model.tag), hashlib.sha256(data).hexdigest())


def artefact_digest(tag: str) -> str:
    """SHA-256 (hex) of the artefact file of store entry ``tag`` as it is now (checks and
    tests; publishing records the digest `save` computed)."""
    import bentoml

    return _file_digest(Path(bentoml.models.get(tag).path) / FILENAME)


def _file_digest(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def load(path: str | Path, sha256: str) -> Any:
    """Load an artefact saved by `save` from its model folder, after checking that its
    bytes have the digest ``sha256`` recorded at packaging (`UntrustedArtefact` if not:
    nothing is unpickled)."""
    data = (Path(path) / FILENAME).read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if not hmac.compare_digest(actual, sha256):
        raise UntrustedArtefact(
            f"{Path(path) / FILENAME}: SHA-256 {actual[:12]}... differs from the "
            f"{sha256[:12]}... recorded when it was packaged; the store entry was changed "
            "after packaging: not loaded")
    return unpickled(data, str(Path(path) / FILENAME))  # bytes verified against the manifest


def verify_stored(tags: dict[str, str], digests: dict[str, str]) -> None:
    """Check, without unpickling anything, that every tag is in the store with the recorded
    digest (`ManifestError` / `UntrustedArtefact` naming the first that is not)."""
    import bentoml

    for key, tag in tags.items():
        try:
            path = Path(bentoml.models.get(tag).path) / FILENAME
        except bentoml.exceptions.NotFound:
            raise ManifestError(f"{tag} ({key}) is not in the BentoML store; package again "
                                "(`kedro run --pipelines package`)") from None
        actual = _file_digest(path)
        if not hmac.compare_digest(actual, digests[key]):
            raise UntrustedArtefact(f"{path}: SHA-256 {actual[:12]}... differs from the "
                                    f"{digests[key][:12]}... recorded when it was packaged; "
                                    "the store entry was changed after packaging")


@dataclass(frozen=True)
class Manifest:
    """Which store versions this checkout packaged (``packaged_models.json``)."""

    path: str
    tags: dict[str, str]
    sha256: dict[str, str]
    data_hash: str | None
    packaged_at: str | None
    artefact_format: int = ARTEFACT_FORMAT

    @classmethod
    def read(cls, path: str | Path) -> Manifest:
        path = Path(path)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ManifestError(
                f"{path} not found: no models packaged in this checkout; run `make run` (or "
                "`kedro run --pipelines package` after training), or set "
                "TITANS_PACKAGED_MODELS to the manifest to serve") from None
        except (OSError, ValueError) as exc:
            raise ManifestError(f"{path}: unreadable manifest ({exc})") from None
        tags = raw.get("tags") if isinstance(raw, dict) else None
        digests = raw.get("sha256") if isinstance(raw, dict) else None
        if not isinstance(tags, dict) or not isinstance(digests, dict):
            raise ManifestError(f"{path}: no 'tags' and 'sha256' of the packaged models (written "
                                "by an older version?): run `kedro run --pipelines package`")
        written = raw.get("artefact_format")
        if written != ARTEFACT_FORMAT:
            raise StaleArtefact(
                f"{path}: models packaged in artefact format {written or 'before 2'}; this "
                f"version of titans-finance reads format {ARTEFACT_FORMAT}: {REBUILD}")
        for key, store_name in STORE_NAMES.items():
            tag, digest = tags.get(key), digests.get(key)
            if not isinstance(tag, str) or not tag.startswith(f"{store_name}:"):
                raise ManifestError(f"{path}: tags.{key} must be a {store_name}:<version> tag, "
                                    f"got {str(tag)[:80]!r}")
            if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
                raise ManifestError(f"{path}: sha256.{key} must be a SHA-256 hex digest: run "
                                    "`kedro run --pipelines package`")
        return cls(path=str(path), tags={k: tags[k] for k in STORE_NAMES},
                   sha256={k: digests[k] for k in STORE_NAMES},
                   data_hash=raw.get("data_hash"), packaged_at=raw.get("packaged_at"))
