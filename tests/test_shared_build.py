"""The shared build started in the background of a pytest-xdist run (tests/shared_build.py):
which tests wait for it and run last, who starts it, and that the builder leaves a build it
finds alone."""

from pathlib import Path
from types import SimpleNamespace

from tests import shared_build


def _item(path: str, *fixtures: str) -> SimpleNamespace:
    return SimpleNamespace(path=Path(path), fixturenames=["request", *fixtures],
                           name=f"{path}:{'+'.join(fixtures)}")


def test_files_with_a_test_needing_the_build_run_last_whole_and_in_their_order():
    items = [_item("tests/app/test_a.py", "tmp_path"),
             _item("tests/app/test_a.py", "kedro_project"),
             _item("tests/app/test_a.py"),
             _item("tests/core/test_b.py"),
             _item("tests/models/test_c.py", "default_category_model"),
             _item("tests/core/test_d.py", "generated_data")]
    ordered = shared_build.needing_the_build_last(items)
    assert [i.name for i in ordered] == [i.name for i in (items[3], items[5], items[0], items[1],
                                                          items[2], items[4])]
    unchanged = [_item("tests/core/test_b.py"), _item("tests/core/test_d.py", "tmp_path")]
    assert shared_build.needing_the_build_last(unchanged) == unchanged


def test_only_the_launching_worker_starts_the_builder_and_only_when_a_test_needs_it(
        tmp_path, monkeypatch):
    needing, other = [_item("tests/app/test_a.py", "kedro_project")], [_item("tests/x.py")]
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    assert shared_build.start(needing, tmp_path) is None  # no xdist: built in-process
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    assert shared_build.start(needing, tmp_path) is None
    monkeypatch.setenv("PYTEST_XDIST_WORKER", shared_build.LAUNCHER)
    assert shared_build.start(other, tmp_path) is None
    assert not list(tmp_path.iterdir())


def test_the_builder_runs_as_its_own_process_and_leaves_a_build_it_finds(tmp_path,
                                                                         monkeypatch):
    from tests.conftest import shared_build_folder

    snapshot = shared_build_folder(tmp_path)
    snapshot.mkdir()
    (snapshot / "root").write_text("/built/by/a/worker")
    monkeypatch.setenv("PYTEST_XDIST_WORKER", shared_build.LAUNCHER)
    process = shared_build.start([_item("tests/app/test_a.py", "kedro_project")], tmp_path)
    assert process is not None and process.wait(timeout=120) == 0
    log = (tmp_path / shared_build.LOG).read_text()
    assert f"{snapshot}: built by a worker" in log, log
    assert [p.name for p in snapshot.iterdir()] == ["root"]
    assert not (tmp_path / "shared-build-project").exists()
    shared_build.finish(process, cut_short=True)  # already ended: nothing to do


def test_a_worker_that_ends_waits_for_the_builder_unless_the_run_was_cut_short():
    import signal
    import subprocess
    import time

    waited = subprocess.Popen(["sleep", "0.3"])
    shared_build.finish(waited, cut_short=False)
    assert waited.returncode == 0
    cut, started = subprocess.Popen(["sleep", "30"]), time.monotonic()
    shared_build.finish(cut, cut_short=True)
    assert cut.returncode == -signal.SIGTERM and time.monotonic() - started < 10
    shared_build.finish(None, cut_short=True)  # no builder (not the launching worker)
