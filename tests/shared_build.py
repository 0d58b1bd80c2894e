"""The session project's shared build, started in the background when a pytest-xdist run
begins (tests/conftest.py; docs/testing.md, fast tier).

Many tests need the default category model (a 20-45 CPU s fit) or the session project
after `SHARED_PIPELINES` (tests/conftest.py): the first worker to need them used to build
them in-process while the other worker, needing them too, waited on the lock with its core
idle. Now, as soon as the workers have collected, worker ``gw0`` starts this module as a
separate process that takes the same locks and builds the same things the same way
(`trained_default_model`, then the project saved with tests/project_snapshot.py), and the
tests that need them run last (`needing_the_build_last`): both workers run the other tests
while it builds, and a worker that reaches a test needing the build waits for it while the
other worker and the builder keep both cores busy.

Nothing depends on the builder winning a race: it takes the locks the workers take. If a
worker takes one first, the worker builds and the builder finds it built; if the builder
fails, the lock is freed when it exits, and the first worker to need the build builds it
in-process and meets the same error in a test. Its output: ``shared-build.log`` in the
run's base temporary folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# a test needs the build when its fixtures (directly or through others) include one of these
NEEDS_BUILD = frozenset({"kedro_project", "default_category_model"})
LAUNCHER = "gw0"  # the worker that starts the builder (every xdist run has it)
LOG = "shared-build.log"


def _needs_build(item) -> bool:
    return bool(NEEDS_BUILD.intersection(getattr(item, "fixturenames", ())))


def needing_the_build_last(items: list) -> list:
    """The items in their order, except that every test file holding a test that needs the
    build comes after the others (whole files: their module fixtures are set up once)."""
    late = {item.path for item in items if _needs_build(item)}
    return ([item for item in items if item.path not in late]
            + [item for item in items if item.path in late])


def start(items: list, shared_folder: Path) -> subprocess.Popen | None:
    """Start the builder when this is the launching worker of an xdist run and a collected
    test needs the build; None otherwise."""
    if os.environ.get("PYTEST_XDIST_WORKER") != LAUNCHER or not any(map(_needs_build, items)):
        return None
    log = (shared_folder / LOG).open("ab")
    try:
        return subprocess.Popen([sys.executable, "-m", "tests.shared_build", str(shared_folder)],
                                cwd=Path(__file__).resolve().parents[1], stdout=log,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    finally:
        log.close()


def finish(process: subprocess.Popen | None, cut_short: bool) -> None:
    """As its worker ends: wait for the builder, which the other worker may still be waiting
    for (this worker may simply have run out of tests); end it if the run was cut short."""
    if process is None or process.poll() is not None:
        return
    if cut_short:
        process.terminate()
    process.wait()


def build(shared_folder: Path) -> None:
    """Take the session project's lock, train the default model (its own lock: released
    for the tests that need only the model), then run and save the project, unless a
    worker built it first."""
    from filelock import FileLock

    from tests import conftest, project_snapshot

    snapshot = conftest.shared_build_folder(shared_folder)
    with FileLock(f"{snapshot}.lock"):
        if snapshot.is_dir():
            print(f"{snapshot}: built by a worker", flush=True)
            return
        conftest.trained_default_model(*conftest.shipped_default_model_inputs())
        print("default category model trained", flush=True)
        export, truth = conftest.generate_test_data()
        root = shared_folder / "shared-build-project"
        project = conftest.make_project(root, export, truth)
        project._run(list(conftest.SHARED_PIPELINES), None)
        project_snapshot.save(project.root, Path(os.environ["BENTOML_HOME"]), snapshot)
        print(f"{snapshot}: saved", flush=True)


def main(shared_folder: Path) -> None:
    from tests import conftest

    conftest._SHARED_FOLDER = shared_folder  # where `trained_default_model` keeps the model
    build(shared_folder)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
