"""How the non-stream flows are forecast: sktime forecasters (ours and `NaiveForecaster`)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sktime.forecasting.base import BaseForecaster, ForecastingHorizon
from sktime.forecasting.naive import NaiveForecaster

# How the non-stream flows are forecast; "zero" needs no model.
REST_FORECASTERS = ("zero", "mean_28", "weekday_mean_8w", "weekday_median_8w",
                    "weekday_median_26w", "daytype_median_52w")


class SeasonalMedianForecaster(BaseForecaster):
    """Median of the same season (weekday) over the last ``window_length`` days.

    The absolute-error-optimal cousin of ``NaiveForecaster(strategy="mean", sp=7)``: on an
    account with daily spending, the median day of each weekday; on a mostly-zero series,
    zero — never "a little flow every day"."""

    _tags = {"y_inner_mtype": "pd.Series", "scitype:y": "univariate",
             "requires-fh-in-fit": False, "capability:exogenous": False,
             "capability:missing_values": False, "authors": ["titans-finance"]}

    def __init__(self, sp: int = 7, window_length: int = 56):
        self.sp = sp
        self.window_length = window_length
        super().__init__()

    def _fit(self, y, X=None, fh=None):
        values = y.to_numpy(dtype="float64")[-self.window_length:]
        n = len(values)
        season = (np.arange(n) - (n - 1)) % self.sp  # counted back from the last day
        self.medians_ = np.array([np.median(values[season == k]) if (season == k).any()
                                  else 0.0 for k in range(self.sp)])
        return self

    def _predict(self, fh, X=None):
        steps = np.asarray(fh.to_relative(self.cutoff), dtype="int64")
        return pd.Series(self.medians_[steps % self.sp], index=fh.to_absolute_index(self.cutoff))


class DayTypeMedianForecaster(BaseForecaster):
    """Median net flow of business days and of weekend days over the last ``window_length``
    days.

    Flows that come on business days at random (client payments: on a given weekday
    more often than not, never at weekends) give business days a typical net that
    differs from the weekend's; a median per weekday over 8 weeks rests on 8 days of a
    bimodal distribution (a payment or none) and jumps between the modes, while the
    business days of a year are 260. On a mostly-zero account both medians are zero
    (the forecast "zero", as it should be): it generalises that candidate."""

    _tags = {"y_inner_mtype": "pd.Series", "scitype:y": "univariate",
             "requires-fh-in-fit": False, "capability:exogenous": False,
             "capability:missing_values": False, "authors": ["titans-finance"]}

    def __init__(self, window_length: int = 364):
        self.window_length = window_length
        super().__init__()

    @staticmethod
    def _weekend(index) -> np.ndarray:
        index = index.to_timestamp() if isinstance(index, pd.PeriodIndex) else index
        return np.asarray(pd.DatetimeIndex(index).dayofweek >= 5)

    def _fit(self, y, X=None, fh=None):
        y = y.iloc[-self.window_length:]
        values, weekend = y.to_numpy(dtype="float64"), self._weekend(y.index)
        self.medians_ = {flag: float(np.median(values[weekend == flag]))
                         if (weekend == flag).any() else 0.0 for flag in (False, True)}
        return self

    def _predict(self, fh, X=None):
        index = fh.to_absolute_index(self.cutoff)
        weekend = self._weekend(index)
        return pd.Series(np.where(weekend, self.medians_[True], self.medians_[False]),
                         index=index)


def _rest_forecast(rest: pd.Series, name: str, steps: int) -> np.ndarray:
    """The non-stream daily net flow forecast by an sktime forecaster (or zero)."""
    if name == "zero" or len(rest) == 0:
        return np.zeros(steps)
    if name == "mean_28":
        forecaster = NaiveForecaster(strategy="mean", window_length=min(28, len(rest)))
    elif name in ("weekday_median_8w", "weekday_median_26w"):
        weeks = 8 if name.endswith("8w") else 26
        forecaster = SeasonalMedianForecaster(sp=7, window_length=min(7 * weeks, max(
            7, len(rest) // 7 * 7)))
    elif name == "daytype_median_52w":
        forecaster = DayTypeMedianForecaster(window_length=min(364, len(rest)))
    elif name == "weekday_mean_8w":
        if len(rest) < 14:
            return np.full(steps, float(rest.mean()))
        forecaster = NaiveForecaster(strategy="mean", sp=7, window_length=min(56, len(rest)
                                                                             // 7 * 7))
    else:
        raise ValueError(f"unknown rest forecaster {name!r}; use one of {REST_FORECASTERS}")
    series = pd.Series(rest.to_numpy(dtype="float64"), index=pd.PeriodIndex(rest.index, freq="D"))
    forecaster.set_config(remember_data=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        forecaster.fit(series)
        return forecaster.predict(ForecastingHorizon(np.arange(1, steps + 1))).to_numpy(
            dtype="float64")
