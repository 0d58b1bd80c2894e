"""Start-up checks of `bentoml serve`: refuse at once, with one line, what cannot work."""

from __future__ import annotations

import os
import sys

import bentoml

from titans_finance.registry.store import (
    STORE_NAMES,
    Manifest,
    ManifestError,
    UntrustedArtefact,
    verify_stored,
)
from titans_finance.serving.history_store import HistoryStoreError, RecordedHistoryStore
from titans_finance.serving.security import ConfigurationError
from titans_finance.serving.served_models import IncompatibleModels, ServedModels, manifest_path
from titans_finance.serving.settings import ServingSettings


def preflight() -> int:
    """Load and check the manifest's models as the worker will (run in a child process of
    `check_start_up`, so that the supervisor never holds the models): 0, or 2 with the
    reason on stderr."""
    try:
        ServedModels.from_manifest(Manifest.read(manifest_path()))
    except (ManifestError, UntrustedArtefact, IncompatibleModels) as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


def _preflight_in_a_child() -> None:
    import subprocess

    code = ("import sys; from titans_finance.serving.start_up import preflight; "
            "sys.exit(preflight())")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=os.environ, check=False)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        raise ManifestError(lines[-1] if lines else f"model check exited {result.returncode}")


def check_start_up() -> None:
    """Exit with status 2 and one line on stderr if the service cannot work: bad key
    settings, no usable manifest, an artefact changed since packaging, a model that cannot
    score. Run by `bentoml serve` once, before the workers start (a worker that fails to
    start is restarted over and over by BentoML's supervisor: refuse here instead)."""
    try:
        settings = ServingSettings.get().security  # every TITANS_* setting checked here
        manifest = Manifest.read(manifest_path())
        verify_stored(manifest.tags, manifest.sha256)
        RecordedHistoryStore(ServingSettings.get().history_db).close()
        _preflight_in_a_child()
    except (ConfigurationError, ManifestError, UntrustedArtefact, HistoryStoreError) as exc:
        print(f"titans-finance service cannot start: {exc}", file=sys.stderr, flush=True)
        sys.exit(2)
    for warning in settings.warnings:
        print(f"titans-finance service: WARNING: {warning}", file=sys.stderr, flush=True)
    versions = ", ".join(manifest.tags[name] for name in STORE_NAMES)
    print(f"titans-finance service: serving {versions} from {manifest.path}; trained on data "
          f"{manifest.data_hash} (packaged {manifest.packaged_at})", file=sys.stderr, flush=True)


def _declared_models() -> dict[str, bentoml.models.BentoModel]:
    """The manifest's versions as BentoML model references, so that `bentoml build` packs
    exactly these into the bento (none when the manifest is missing: serving then refuses
    to start with the reason)."""
    try:
        manifest = Manifest.read(manifest_path())
        for tag in manifest.tags.values():
            bentoml.models.get(tag)
    except (ManifestError, ConfigurationError, bentoml.exceptions.NotFound):
        return {}
    return {f"{name}_ref": bentoml.models.BentoModel(tag) for name, tag in manifest.tags.items()}



def _backstop_timeout() -> float:
    """BentoML's own request timeout, outside our middleware: it answers in BentoML's shape,
    so it must never fire before ours (body time + answer time); and it keeps a timer of
    every request, answered or not, for that long (~5 KB each, measured): not longer."""
    try:
        settings = ServingSettings.get().security
    except ConfigurationError:  # refused at start-up with the reason (check_start_up)
        return 95.0
    return settings.body_timeout + settings.request_timeout + 5.0


# BentoML's own HTTP metrics label requests with their raw path before authentication
