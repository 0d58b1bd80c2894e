"""Model classes (plain Python, no Kedro): trained by the pipelines, used by the service."""

import warnings

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
