"""Model classes (plain Python, no Kedro): trained by the pipelines, used by the service."""

import warnings
from collections.abc import Iterable, Mapping
from typing import Any


def check_hyper_parameters(params: Mapping[str, Any], names: Iterable[str], owner: str,
                           source: str) -> None:
    """A model's hyper-parameters are stored as given and checked when it is fitted: every
    name must be there (the models have no defaults of their own: ``source``, the shipped
    YAML, is the one place the values live)."""
    missing = [name for name in names if name not in params]
    if missing:
        raise ValueError(f"{owner}: missing hyper-parameter(s) {', '.join(missing)} (the "
                         f"values of {source}; tests: tests/parameters.py)")


# sktime (< 1.3) warns, each time a forecaster is constructed, that the default of its
# ``remember_data`` config will change in 1.3: a notice about a version this project does
# not run (requirements.lock pins sktime), repeated for every forecaster a run builds
# (~15 in `make run`), burying the warnings about the user's data. Only that message from
# that module is silenced; every other warning, sktime's included, is shown.
_KNOWN_NOTICES = (
    (r"The default of config ``remember_data`` will change", FutureWarning,
     r"sktime\.forecasting\.base\._base"),
)


def ignore_known_third_party_notices() -> None:
    """Install the targeted filters for `_KNOWN_NOTICES` (on import of this package)."""
    for message, category, module in _KNOWN_NOTICES:
        warnings.filterwarnings("ignore", message=message, category=category, module=module)


ignore_known_third_party_notices()
