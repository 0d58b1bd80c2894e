"""The trust boundary of the model store: only artefacts with the digest recorded at
packaging are unpickled (no server needed; tests/conftest.py points BENTOML_HOME at a
throw-away store)."""

import json
import os
import pickle

import pytest

from titans_finance.registry.store import (
    ARTEFACT_FORMAT,
    STORE_NAMES,
    Manifest,
    ManifestError,
    StaleArtefact,
    UntrustedArtefact,
    artefact_digest,
    load,
    save,
    verify_stored,
)


class _Planted:
    """A pickle that runs a command when loaded (what an attacker would put in the store)."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_saved_artefact_loads_with_its_digest_and_a_swapped_one_never_runs(tmp_path):
    import bentoml

    tag, digest = save("titans_test_artefact", {"weights": [1, 2, 3]}, {"note": "test"})
    assert digest == artefact_digest(tag)
    path = bentoml.models.get(tag).path
    assert load(path, digest) == {"weights": [1, 2, 3]}
    marker = tmp_path / "pwned"
    with open(os.path.join(path, "model.pkl"), "wb") as handle:
        pickle.dump(_Planted(marker), handle)
    with pytest.raises(UntrustedArtefact, match="SHA-256.*recorded when it was packaged"):
        load(path, digest)
    with pytest.raises(UntrustedArtefact):
        verify_stored({"test": tag}, {"test": digest})
    assert not marker.exists()


def _write(path, payload):
    path.write_text(json.dumps(payload))
    return path


def test_the_manifest_must_name_every_artefact_with_a_digest(tmp_path):
    with pytest.raises(ManifestError, match="not found: no models packaged.*make run"):
        Manifest.read(tmp_path / "missing.json")
    tags = {key: f"{name}:v1" for key, name in STORE_NAMES.items()}
    digests = dict.fromkeys(STORE_NAMES, "a" * 64)
    with pytest.raises(ManifestError, match="older version"):
        Manifest.read(_write(tmp_path / "old.json", {"tags": tags}))
    with pytest.raises(ManifestError, match="tags.amount must be a titans_amount"):
        Manifest.read(_write(tmp_path / "bad.json", {
            "tags": {**tags, "amount": "titans_category:v1"}, "sha256": digests,
            "artefact_format": ARTEFACT_FORMAT}))
    with pytest.raises(ManifestError, match="sha256.history"):
        Manifest.read(_write(tmp_path / "short.json", {
            "tags": tags, "sha256": {**digests, "history": "abc"}, "artefact_format": ARTEFACT_FORMAT}))
    manifest = Manifest.read(_write(tmp_path / "ok.json", {
        "tags": tags, "sha256": digests, "data_hash": "0123", "packaged_at": "2025-01-01",
        "artefact_format": ARTEFACT_FORMAT}))
    assert manifest.tags == tags and manifest.data_hash == "0123"
    with pytest.raises(ManifestError, match="not in the BentoML store"):
        verify_stored(manifest.tags, manifest.sha256)


def test_the_recorded_digest_is_of_the_bytes_written_not_of_the_store_read_back(tmp_path,
                                                                                 monkeypatch):
    """A pickle planted in the shared store between our write and a re-read was approved
    when the manifest's digest came from reading the file back (issue #27)."""
    import builtins

    import bentoml

    marker = tmp_path / "pwned"
    real_open = builtins.open

    def open_then_plant(file, mode="r", *args, **kwargs):
        handle = real_open(file, mode, *args, **kwargs)
        if str(file).endswith("model.pkl") and "w" in mode:
            # another process writes into the entry as soon as ours is closed
            close = handle.close

            def close_then_plant():
                close()
                with real_open(file, "wb") as planted:
                    pickle.dump(_Planted(marker), planted)

            handle.close = close_then_plant
        return handle

    monkeypatch.setattr(builtins, "open", open_then_plant)
    saved = save("titans_test_artefact", {"weights": [4, 5]}, {"note": "race"})
    monkeypatch.setattr(builtins, "open", real_open)
    assert saved.sha256 == __import__("hashlib").sha256(
        pickle.dumps({"weights": [4, 5]}, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()
    assert artefact_digest(saved.tag) != saved.sha256
    with pytest.raises(UntrustedArtefact):
        load(bentoml.models.get(saved.tag).path, saved.sha256)
    assert not marker.exists()


@pytest.mark.parametrize("written", [None, ARTEFACT_FORMAT - 1, ARTEFACT_FORMAT + 1])
def test_a_manifest_of_another_artefact_format_is_refused_with_what_to_run(tmp_path, written):
    payload = {"tags": {key: f"{name}:v1" for key, name in STORE_NAMES.items()},
               "sha256": dict.fromkeys(STORE_NAMES, "a" * 64)}
    if written is not None:
        payload["artefact_format"] = written
    with pytest.raises(StaleArtefact, match=rf"reads format {ARTEFACT_FORMAT}: retrain.*make run"):
        Manifest.read(_write(tmp_path / "manifest.json", payload))


class Gone:
    """A model class whose module disappears after it was pickled (a moved module)."""


def _stale_pickle(monkeypatch) -> bytes:
    import sys
    import types

    module = types.ModuleType("titans_finance_removed_module")
    Gone.__module__ = module.__name__
    module.Gone = Gone
    monkeypatch.setitem(sys.modules, module.__name__, module)
    data = pickle.dumps(Gone())
    monkeypatch.delitem(sys.modules, module.__name__)
    return data


def test_an_artefact_of_code_that_moved_is_refused_by_name(monkeypatch):
    from titans_finance.registry.store import unpickled

    with pytest.raises(StaleArtefact, match=r"model.pkl was saved by an older version.*"
                                            r"titans_finance_removed_module.*make run"):
        unpickled(_stale_pickle(monkeypatch), "model.pkl")
    assert unpickled(pickle.dumps({"fine": 1}), "model.pkl") == {"fine": 1}


def test_a_kedro_model_file_of_code_that_moved_is_refused_by_name(monkeypatch, tmp_path):
    from kedro.io import DatasetError

    from titans_finance.datasets.model_pickle_dataset import ModelPickleDataset

    path = tmp_path / "category_model.pkl"
    path.write_bytes(_stale_pickle(monkeypatch))
    with pytest.raises(DatasetError, match=r"category_model.pkl was saved by an older version"
                                           r".*make run"):
        ModelPickleDataset(filepath=str(path)).load()
    ModelPickleDataset(filepath=str(path)).save({"fresh": True})
    assert ModelPickleDataset(filepath=str(path)).load() == {"fresh": True}
