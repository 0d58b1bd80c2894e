"""sktime's "remember_data default will change" notice is silenced, nothing else."""

import warnings

import pytest

from titans_finance.models import ignore_known_third_party_notices

sktime = pytest.importorskip("sktime")


def _caught(action):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ignore_known_third_party_notices()
        action()
    return [str(w.message) for w in caught if issubclass(w.category, FutureWarning)]


def test_constructing_forecasters_raises_no_remember_data_notice():
    from sktime.forecasting.naive import NaiveForecaster

    from titans_finance.models.cashflow import DayTypeMedianForecaster, SeasonalMedianForecaster

    def build():
        for _ in range(15):
            NaiveForecaster(strategy="mean", sp=7)
            SeasonalMedianForecaster()
            DayTypeMedianForecaster()

    assert not [m for m in _caught(build) if "remember_data" in m]


def test_other_future_warnings_still_show_even_from_sktime():
    def other():
        warnings.warn_explicit("something else will change", FutureWarning, "_base.py", 1,
                               module="sktime.forecasting.base._base")
        warnings.warn("The default of config ``remember_data`` will change", FutureWarning)

    # another message from the same module, and the same message from another module
    assert len(_caught(other)) == 2
