"""The session project copied between pytest-xdist workers (tests/project_snapshot.py): the
copy is the built project in another folder, its MLflow paths its own, the published store
entries in the other worker's store, and nothing of a later change of the original."""

import json
import sqlite3

import pytest

from tests import project_snapshot


def _built(root, home):
    """A project as a run leaves it: outputs, an MLflow store recording absolute artefact
    paths, a manifest naming store entries (one older entry not in it)."""
    (root / "data/08_reporting").mkdir(parents=True)
    (root / "data/03_primary").mkdir(parents=True)
    (root / "data/03_primary/clean.parquet").write_bytes(b"\x00clean")
    (root / "mlartifacts/run1").mkdir(parents=True)
    (root / "mlartifacts/run1/model.pkl").write_bytes(b"model")
    with sqlite3.connect(root / "mlflow.db") as db:
        db.execute("CREATE TABLE runs (run_uuid VARCHAR(32), artifact_uri VARCHAR(200), n INTEGER)")
        db.execute("CREATE TABLE tags (key VARCHAR(250), value TEXT)")
        db.execute("INSERT INTO runs VALUES ('r1', ?, 1)", (f"file://{root}/mlartifacts/run1",))
        db.execute("INSERT INTO tags VALUES ('source', ?)", (f"{root}/conf",))
        db.execute("INSERT INTO tags VALUES ('other', '/elsewhere')")
    db.close()
    for name, version in (("titans_category", "v2"), ("titans_category", "v1"),
                          ("titans_amount", "a1")):
        (home / "models" / name / version).mkdir(parents=True)
        (home / "models" / name / version / "model.pkl").write_text(f"{name}:{version}")
    (root / project_snapshot.MANIFEST).write_text(json.dumps(
        {"tags": {"category": "titans_category:v2", "amount": "titans_amount:a1"}}))


def test_a_restored_project_is_the_built_one_in_its_own_folder(tmp_path):
    built, home = tmp_path / "gw0" / "project0", tmp_path / "gw0" / "bentoml"
    _built(built, home)
    snapshot = tmp_path / "session-project"
    project_snapshot.save(built, home, snapshot)
    assert not snapshot.with_name("session-project.partial").exists()

    copy, other_home = tmp_path / "gw1" / "project0", tmp_path / "gw1" / "bentoml"
    (copy / "data/01_raw").mkdir(parents=True)
    (copy / "data/01_raw/transactions.csv").write_text("Date,Description,Amount\n")
    (other_home / "models/titans_category/v0").mkdir(parents=True)  # published earlier here
    (other_home / "models/titans_category/latest").write_text("v0")
    (built / "data/03_primary/clean.parquet").write_bytes(b"changed later")  # not in the copy
    project_snapshot.restore(snapshot, copy, other_home)

    assert (copy / "data/03_primary/clean.parquet").read_bytes() == b"\x00clean"
    assert (copy / "data/01_raw/transactions.csv").is_file()  # what was there stays
    assert (copy / "mlartifacts/run1/model.pkl").read_bytes() == b"model"
    with sqlite3.connect(copy / "mlflow.db") as db:
        assert db.execute("SELECT artifact_uri, n FROM runs").fetchall() == [
            (f"file://{copy}/mlartifacts/run1", 1)]
        assert dict(db.execute("SELECT key, value FROM tags")) == {
            "source": f"{copy}/conf", "other": "/elsewhere"}
    db.close()
    # the manifest's entries, each the store's latest as a save makes it; not the older one
    assert (other_home / "models/titans_category/v2/model.pkl").read_text() == \
        "titans_category:v2"
    assert (other_home / "models/titans_category/latest").read_text() == "v2"
    assert (other_home / "models/titans_amount/latest").read_text() == "a1"
    assert not (other_home / "models/titans_category/v1").exists()
    assert (other_home / "models/titans_category/v0").is_dir()


def test_a_snapshot_is_written_once(tmp_path):
    built, home = tmp_path / "project", tmp_path / "bentoml"
    _built(built, home)
    project_snapshot.save(built, home, tmp_path / "snapshot")
    with pytest.raises(OSError):
        project_snapshot.save(built, home, tmp_path / "snapshot")
