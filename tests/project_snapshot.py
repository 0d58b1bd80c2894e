"""A built test project copied between pytest-xdist workers (tests/conftest.py).

The session's generated-data project runs the same pipelines on the same inputs in every
worker: the first worker to need it runs them and saves what they wrote here; the others
copy it into their own project folder and BentoML store, so that each worker still has its
own project to write into (corrections, reruns with other parameters) and nothing another
worker does reaches it. What a run leaves:

- ``data/`` (every dataset of the catalog), ``mlartifacts/`` and ``mlflow.db``: MLflow
  records the artefacts' absolute location, which is rewritten to the copy's own folder;
- the BentoML store entries the package pipeline published (named by the manifest it wrote,
  ``data/08_reporting/packaged_models.json``), each made the store's latest, as a save is.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

FOLDERS = ("data", "mlartifacts")
STORE = "mlflow.db"
MANIFEST = "data/08_reporting/packaged_models.json"
BENTOML = "bentoml-models"


def _copy_store(source: Path, target: Path) -> None:
    """SQLite's own backup: a consistent copy even while the source is open elsewhere."""
    target.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _manifest_tags(root: Path) -> list[str]:
    path = root / MANIFEST
    return list(json.loads(path.read_text())["tags"].values()) if path.is_file() else []


def save(root: Path, bentoml_home: Path, snapshot: Path) -> None:
    """Keep the project at ``root`` (and the store entries its manifest names) in
    ``snapshot``, a folder that must not exist yet; written under a temporary name, then
    renamed, so a reader never sees half a snapshot."""
    partial = snapshot.with_name(snapshot.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    for folder in FOLDERS:
        if (root / folder).is_dir():
            shutil.copytree(root / folder, partial / folder)
    _copy_store(root / STORE, partial / STORE)
    for tag in _manifest_tags(root):
        name, version = tag.split(":")
        shutil.copytree(bentoml_home / "models" / name / version,
                        partial / BENTOML / name / version)
    (partial / "root").write_text(str(root))
    partial.rename(snapshot)


def restore(snapshot: Path, root: Path, bentoml_home: Path) -> None:
    """Make the project at ``root`` what the snapshot's project was, and publish its store
    entries into ``bentoml_home``."""
    for folder in FOLDERS:
        if (snapshot / folder).is_dir():
            shutil.copytree(snapshot / folder, root / folder, dirs_exist_ok=True)
    _copy_store(snapshot / STORE, root / STORE)
    old, new = (snapshot / "root").read_text(), str(root)
    with sqlite3.connect(root / STORE) as db:
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            for column in [c[1] for c in db.execute(f'PRAGMA table_info("{table}")')
                           if c[2].upper().startswith(("VARCHAR", "TEXT"))]:
                db.execute(f'UPDATE "{table}" SET "{column}" = replace("{column}", ?, ?) '
                           f'WHERE instr("{column}", ?) > 0', (old, new, old))
    db.close()
    models = snapshot / BENTOML
    for entry in sorted(models.glob("*/*")) if models.is_dir() else []:
        target = bentoml_home / "models" / entry.parent.name
        shutil.copytree(entry, target / entry.name)
        (target / "latest").write_text(entry.name)
