"""Shared fixtures: a throw-away copy of the Kedro project running on generated data.

`kedro_project` copies ``conf/`` and ``pyproject.toml`` into a temporary folder,
writes a small generated export into its ``data/01_raw`` and points MLflow at a
SQLite store inside it. ``kedro_project.run("ingestion", "features")`` runs
pipelines through a real `KedroSession` (hooks included, so kedro-mlflow logs
runs); each pipeline runs at most once per test session, later calls reuse its
outputs. Tests that need their own data make their own project with
`make_project`.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pandas as pd
import pytest
import yaml

from tests import shared_build

os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("BENTOML_DO_NOT_TRACK", "true")
# Kedro's log records through a plain handler, not rich's (tests/logging.yml: the same records;
# ~0.6 ms of CPU less each). Set before Kedro's project module is first imported: it reads the
# variable once.
os.environ.setdefault("KEDRO_LOGGING_CONFIG", str(Path(__file__).with_name("logging.yml")))
# A pytest-xdist worker (`make test`: one per core) shares the cores with the others: one
# BLAS/OpenMP thread of its own, and OpenMP threads (LightGBM's n_jobs) that sleep instead of
# spinning while they wait, so a worker's idle threads do not burn the other worker's core.
# Set before numpy or LightGBM is first imported (both read them once); the models' n_jobs
# settings are not changed.
if os.environ.get("PYTEST_XDIST_WORKER"):
    for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_variable, "1")
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
# Anything a test saves to the BentoML store in-process (the retrain pipeline publishing a
# champion) goes to a throw-away store, never the developer's ~/bentoml. Set before
# BentoML is first imported: it reads BENTOML_HOME once.
os.environ["BENTOML_HOME"] = tempfile.mkdtemp(prefix="titans-test-bentoml-")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SEED_CSV = PROJECT_ROOT.parent / "shared" / "data" / "seed_transactions.csv"
# Small enough for seconds-long training, large enough for every model to see
# each category, recurring series and a few dozen anomalies.
TEST_ROWS = 3000
TEST_SEED = 7


# Two tiers (docs/testing.md): `make test` runs what is decided in this process in a few
# minutes; `make test-e2e` runs what needs real processes (a `bentoml serve`, a browser,
# notebooks, DVC, kedro-viz) or is marked slow. A test is end-to-end when it uses a fixture
# declared with `@end_to_end` (directly or through another fixture) or is marked `e2e`
# itself: the marker follows the fixtures, so a new test that starts a server cannot land
# in the fast tier by mistake.
END_TO_END_FIXTURES: set[str] = set()
_BUILDER = pytest.StashKey()


def end_to_end(fixture_function):
    """Declare a fixture end-to-end (put it under ``@pytest.fixture``): every test that
    uses it, directly or through other fixtures, is marked ``e2e``."""
    END_TO_END_FIXTURES.add(fixture_function.__name__)
    return fixture_function


def pytest_collection_modifyitems(config, items):
    for item in items:
        if END_TO_END_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.e2e)
    # the tests that need the default model or the session project's build run last, so
    # that the workers have other tests to run while it is built (tests/shared_build.py)
    items[:] = shared_build.needing_the_build_last(items)


@pytest.hookimpl(tryfirst=True)  # before the xdist worker reports its collection
def pytest_collection_finish(session):
    """Under pytest-xdist, start building the default model and the session project in the
    background before any test runs (tests/shared_build.py)."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = session.config._tmp_path_factory.getbasetemp().parent
        session.config.stash[_BUILDER] = shared_build.start(session.items, shared)


def pytest_sessionfinish(session, exitstatus):
    shared_build.finish(session.config.stash.get(_BUILDER, None),
                        cut_short=exitstatus == pytest.ExitCode.INTERRUPTED
                        or bool(session.shouldstop))


def pytest_unconfigure(config):
    shared_build.finish(config.stash.get(_BUILDER, None), cut_short=True)  # if still running


@contextlib.contextmanager
def _environment(**variables: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# Where the default category models trained in this test run are kept (`trained_default_model`):
# the run's base temporary folder, shared by the pytest-xdist workers (each worker's own
# folder is inside it). Set by `_shared_training_folder` before the first test.
_SHARED_FOLDER: Path | None = None


@pytest.fixture(scope="session", autouse=True)
def _shared_training_folder(tmp_path_factory) -> None:
    global _SHARED_FOLDER
    base = tmp_path_factory.getbasetemp()
    _SHARED_FOLDER = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _content_digest(*parts) -> str:
    """A digest of the inputs of a training: a frame by its columns, dtypes and values, the
    rest (parsed YAML, parameters) by its pickle, in order (a reordered lexicon is another
    input)."""
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, pd.DataFrame):
            digest.update(pickle.dumps((list(part.columns), [str(t) for t in part.dtypes])))
            digest.update(pd.util.hash_pandas_object(part, index=True).to_numpy().tobytes())
        else:
            digest.update(pickle.dumps(part))
    return digest.hexdigest()


def trained_default_model(taxonomy_raw, lexicon_raw, brands: pd.DataFrame, words: pd.DataFrame,
                          company_words: pd.DataFrame, params: dict):
    """`train_default_model` on these inputs, trained once per test run for the same inputs.

    The default model is a pure function of the taxonomy, lexicon, knowledge files and its
    parameters ("same files and parameters, same model on every machine"), and takes 20-45
    CPU s to train: the session's category run, the `default_category_model` fixture and
    the category and retrain tests on their own projects trained the same two models 9-10
    times a run. Here the first caller trains it and pickles it into the run's shared folder
    (under a lock: the other pytest-xdist worker waits instead of training the same model);
    every caller gets its own unpickled copy, as the pipeline's own catalog gives it
    (`default_category_model` is a pickle dataset), so no test sees another's changes. Other
    inputs (another parameter, a changed knowledge file) are another key: trained anew."""
    from filelock import FileLock

    from titans_finance.models.category.default import train_default_model

    if _SHARED_FOLDER is None:  # outside a test session (a helper called by hand)
        return train_default_model(taxonomy_raw, lexicon_raw, brands, words, company_words,
                                   params)
    key = _content_digest(taxonomy_raw, lexicon_raw, brands, words, company_words, params)
    path = _SHARED_FOLDER / f"default-category-model-{key[:24]}.pkl"
    with FileLock(f"{path}.lock"):
        if not path.is_file():
            model = train_default_model(taxonomy_raw, lexicon_raw, brands, words, company_words,
                                        params)
            partial = path.with_suffix(".partial")
            partial.write_bytes(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
            partial.replace(path)
        return pickle.loads(path.read_bytes())


def shipped_default_model_inputs() -> tuple:
    """What the category pipeline trains the default model from, read from the shipped
    conf/ as its catalog reads them: taxonomy, lexicon, open-knowledge brands and words,
    company words, the default model's parameters."""
    from tests.parameters import settings

    base, knowledge = PROJECT_ROOT / "conf/base", PROJECT_ROOT / "conf/base/knowledge"
    return (yaml.safe_load((base / "category_taxonomy.yml").read_text()),
            yaml.safe_load((base / "category_lexicon.yml").read_text()),
            pd.read_csv(knowledge / "osm_brands.csv", dtype=str, keep_default_na=False),
            pd.read_csv(knowledge / "spending_words.csv", dtype=str, keep_default_na=False),
            pd.read_csv(knowledge / "company_words.csv", dtype=str, keep_default_na=False),
            settings("category").default_model_params())


# The session project's pipelines that (nearly) every worker needs: the models and their
# publication to the worker's BentoML store (`kedro_project`).
SHARED_PIPELINES = ("ingestion", "features", "category", "amount", "anomaly", "cashflow",
                    "package")


class KedroTestProject:
    """A temporary copy of the project; runs pipelines in a real Kedro session.

    ``shared_build``: where the run keeps what `SHARED_PIPELINES` wrote, built by the
    background builder (tests/shared_build.py) or else by the first pytest-xdist worker to
    need them (tests/project_snapshot.py); the workers copy it instead of running the same
    pipelines on the same inputs again. Only runs with the project's own parameters are
    shared; a run with ``params`` or ``force`` runs here."""

    def __init__(self, root: Path, shared_build: Path | None = None):
        self.root = root
        self.tracking_uri = f"sqlite:///{root / 'mlflow.db'}"
        self._ran: set[str] = set()
        self._shared_build = shared_build

    def path(self, relative: str) -> Path:
        return self.root / relative

    def run(self, *pipeline_names: str, params: dict | None = None, force: bool = False) -> None:
        todo = [p for p in pipeline_names if force or p not in self._ran]
        if (self._shared_build is not None and not params and not force
                and set(todo) & set(SHARED_PIPELINES)
                and not self._ran & set(SHARED_PIPELINES)):
            self._build_or_copy_shared()
            todo = [p for p in todo if p not in self._ran]
        if todo:
            self._run(todo, params)

    def _build_or_copy_shared(self) -> None:
        from filelock import FileLock

        from tests import project_snapshot

        bentoml_home = Path(os.environ["BENTOML_HOME"])
        with FileLock(f"{self._shared_build}.lock"):
            if self._shared_build.is_dir():
                project_snapshot.restore(self._shared_build, self.root, bentoml_home)
                self._ran.update(SHARED_PIPELINES)
            else:
                self._run(list(SHARED_PIPELINES), None)
                project_snapshot.save(self.root, bentoml_home, self._shared_build)

    def _run(self, todo: list[str], params: dict | None) -> None:
        from kedro.framework.session import KedroSession
        from kedro.framework.startup import bootstrap_project

        cwd = os.getcwd()
        with _environment(MLFLOW_TRACKING_URI=self.tracking_uri,
                          TITANS_MLFLOW_ARTIFACTS=(self.root / "mlartifacts").as_uri()):
            try:
                os.chdir(self.root)
                bootstrap_project(self.root)
                for name in todo:
                    try:
                        # the category pipeline's default model: trained once per test
                        # run for the same inputs (`trained_default_model`)
                        with KedroSession.create(project_path=self.root,
                                                 runtime_params=params or {}) as session, \
                                mock.patch("titans_finance.pipelines.category.nodes."
                                           "train_default_model", trained_default_model):
                            session.run(pipeline_names=[name])
                    finally:
                        # kedro-mlflow leaves its run open in-process (a CLI run is closed
                        # by MLflow at exit); close it so each pipeline gets its own run.
                        import mlflow

                        while mlflow.active_run():
                            mlflow.end_run()
                    self._ran.add(name)
            finally:
                os.chdir(cwd)

    def catalog(self, params: dict | None = None):
        """The project's catalog (load outputs with ``.load(name)``)."""
        from kedro.framework.session import KedroSession
        from kedro.framework.startup import bootstrap_project

        bootstrap_project(self.root)
        with KedroSession.create(project_path=self.root, runtime_params=params or {}) as session:
            context = session.load_context()
            catalog = context.catalog
        return _ChdirCatalog(catalog, self.root)

    def mlflow_client(self):
        import mlflow

        return mlflow.MlflowClient(tracking_uri=self.tracking_uri)


class _ChdirCatalog:
    """Catalog wrapper that resolves the relative data paths against the project root."""

    def __init__(self, catalog, root: Path):
        self._catalog, self._root = catalog, root

    def load(self, name: str):
        cwd = os.getcwd()
        try:
            os.chdir(self._root)
            return self._catalog.load(name)
        finally:
            os.chdir(cwd)


@functools.cache
def _migrated_empty_mlflow_store() -> Path:
    """An empty MLflow SQLite store whose schema is already at MLflow's latest revision.

    A new store runs ~130 alembic migrations when it is first opened (5-10 s of CPU):
    every throw-away project starts from a copy of this one instead, so the migrations
    run once per test run: in the run's shared folder when there is one (the pytest-xdist
    workers and the background build copy the same file, made by the first under a lock),
    else once per process. Each project still has its own store file."""
    from filelock import FileLock

    if _SHARED_FOLDER is None:  # outside a test session (a helper called by hand)
        return _new_migrated_store(Path(tempfile.mkdtemp(prefix="titans-test-mlflow-")))
    path = _SHARED_FOLDER / "migrated-empty-mlflow.db"
    with FileLock(f"{path}.lock"):
        if not path.is_file():
            made = _new_migrated_store(Path(tempfile.mkdtemp(prefix="titans-test-mlflow-")))
            shutil.copy(made, path.with_suffix(".partial"))
            path.with_suffix(".partial").replace(path)
    return path


def _new_migrated_store(folder: Path) -> Path:
    import mlflow

    mlflow.MlflowClient(tracking_uri=f"sqlite:///{folder / 'mlflow.db'}").search_experiments()
    return folder / "mlflow.db"


def make_project(root: Path, export: pd.DataFrame | Path | None = None,
                 truth: pd.DataFrame | None = None,
                 shared_build: Path | None = None) -> KedroTestProject:
    """Copy conf/ and pyproject.toml into ``root`` and place the raw export (if any);
    ``shared_build``: see `KedroTestProject`."""
    shutil.copytree(PROJECT_ROOT / "conf", root / "conf",
                    ignore=shutil.ignore_patterns("credentials*"))
    shutil.copy(PROJECT_ROOT / "pyproject.toml", root / "pyproject.toml")
    shutil.copy(_migrated_empty_mlflow_store(), root / "mlflow.db")
    # Kedro's bootstrap wants a source dir; the package itself comes from the installed project
    (root / "src").mkdir()
    raw_dir = root / "data" / "01_raw"
    raw_dir.mkdir(parents=True)
    if isinstance(export, Path):
        shutil.copy(export, raw_dir / "transactions.csv")
    elif export is not None:
        from titans_finance.synthetic.generator import write_export

        write_export(export, truth, raw_dir / "transactions.csv")
    return KedroTestProject(root, shared_build)


def clean_rows(rows: list[tuple], payment_method: str) -> pd.DataFrame:
    """A clean table from ``(date, description, reference, signed amount)`` rows, in the
    order given: type from the sign, no categories, ids and source rows numbered."""
    import numpy as np

    frame = pd.DataFrame(rows, columns=["date", "description", "reference", "amount"])
    frame["type"] = np.where(frame["amount"] > 0, "income", "expense")
    frame["category"] = None
    frame["payment_method"] = payment_method
    frame["transaction_id"] = [f"t{i}" for i in range(len(frame))]
    frame["source_row"] = np.arange(1, len(frame) + 1)
    frame["receipt_url"] = None
    return frame


def generate_test_data() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(export, truth) from the project's generator, fixed seed: the session project's."""
    from titans_finance.synthetic.generator import generate_transactions

    return generate_transactions(rows=TEST_ROWS, seed=TEST_SEED)


def shared_build_folder(shared_folder: Path) -> Path:
    """Where the session project's shared build is saved in a run's shared folder."""
    return shared_folder / "session-project"


@pytest.fixture(scope="session")
def generated_data() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(export, truth) from the project's generator, fixed seed."""
    return generate_test_data()


@pytest.fixture(scope="session")
def kedro_project(tmp_path_factory, generated_data) -> KedroTestProject:
    """The generated-data project of this worker; under pytest-xdist, `SHARED_PIPELINES` run
    once (tests/shared_build.py) and each worker copies their outputs (the same pipelines,
    data and parameters)."""
    export, truth = generated_data
    shared = (shared_build_folder(tmp_path_factory.getbasetemp().parent)
              if os.environ.get("PYTEST_XDIST_WORKER") else None)
    return make_project(tmp_path_factory.mktemp("project"), export, truth, shared)


@pytest.fixture
def seed_csv() -> Path:
    if not SEED_CSV.is_file():
        pytest.skip(f"reference export not found at {SEED_CSV}")
    return SEED_CSV
