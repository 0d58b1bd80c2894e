"""The project's pickled models and states (``data/06_models``), refused clearly when old.

A model saved before a change to the model classes' modules fails inside unpickling with a
bare ``No module named ...``; this dataset says which file it is and how to rebuild it.
"""

from __future__ import annotations

from kedro.io import DatasetError
from kedro_datasets.pickle import PickleDataset

from titans_finance.registry.store import REBUILD

_STALE = (ModuleNotFoundError, AttributeError, ImportError)


class ModelPickleDataset(PickleDataset):
    """`kedro_datasets.pickle.PickleDataset` (versioning and all) whose load names a file
    saved by an older version of titans-finance and the command that rebuilds it."""

    def load(self):
        try:
            return super().load()
        except DatasetError as exc:
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, _STALE):
                raise DatasetError(f"{self._get_load_path()} was saved by an older version of "
                                   f"titans-finance ({cause}); {REBUILD}") from None
            raise
