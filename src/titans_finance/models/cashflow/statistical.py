"""Standard statistical forecasters of the daily net flow, the statistical peers of the
scorecard: exponential smoothing with a weekly season (ETS(A,N,A)) and the Theta method.

sktime's own `ExponentialSmoothing` and `ThetaForecaster` need statsmodels, which the
project does not depend on; these are the textbook definitions as sktime forecasters
(numpy + scipy), fitted by minimising the one-step squared error like statsmodels does:

- **ETS(A,N,A)** (Hyndman et al., *Forecasting with Exponential Smoothing*, 2008, table
  2.1): level ``l_t = α(y_t − s_{t−m}) + (1−α) l_{t−1}``, season
  ``s_t = γ(y_t − l_{t−1}) + (1−γ) s_{t−m}``; forecast ``l_n + s_{n+h−m(k+1)}``.
- **Theta** (Assimakopoulos & Nikolopoulos 2000, as Hyndman & Billah 2003 showed it:
  simple exponential smoothing with drift half the slope of the linear trend), on the
  series with its additive weekly season removed (the classical decomposition's
  weekday means of the series less its centred 7-day moving average), the season
  added back.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.optimize import minimize, minimize_scalar
from scipy.signal import lfilter
from sktime.forecasting.base import BaseForecaster, ForecastingHorizon

STATISTICAL_PEERS = ("ets_weekly", "theta_weekly")
# the last year of daily flows is what both see (older years add fitting time, not skill)
HISTORY_DAYS = 364


def _seasonal_indices(values: np.ndarray, sp: int) -> np.ndarray:
    """Additive season of the classical decomposition: the mean per season of the series
    minus its centred ``sp``-day moving average, centred on zero. Position k is the season
    of the values ``n-1-k`` mod sp days before the last (k = 0: the last day's)."""
    n = len(values)
    trend = pd.Series(values).rolling(sp, center=True).mean().to_numpy()
    detrended = values - trend
    season = (np.arange(n) - (n - 1)) % sp
    known = ~np.isnan(detrended)
    means = np.array([detrended[known & (season == k)].mean()
                      if (known & (season == k)).any() else 0.0 for k in range(sp)])
    return means - means.mean()


def _ses_level(values: np.ndarray, alpha: float) -> tuple[np.ndarray, float]:
    """One-step forecasts of ``values[1:]`` by simple exponential smoothing (level
    started at the first value) and the last level."""
    b, a = [alpha], [1.0, -(1.0 - alpha)]
    level, _ = lfilter(b, a, values[1:], zi=[(1.0 - alpha) * values[0]])
    levels = np.concatenate([[values[0]], level])
    return levels[:-1], float(levels[-1])


class _WeeklySeasonForecaster(BaseForecaster):
    """What both statistical peers share: a univariate daily series with a season of ``sp``
    days (a week), no exogenous data, no missing values."""

    _tags = {"y_inner_mtype": "pd.Series", "scitype:y": "univariate",
             "requires-fh-in-fit": False, "capability:exogenous": False,
             "capability:missing_values": False, "authors": ["titans-finance"]}

    def __init__(self, sp: int = 7):
        self.sp = sp
        super().__init__()


class ThetaWeeklyForecaster(_WeeklySeasonForecaster):
    """The Theta method with an additive weekly season (see the module docstring)."""

    def _fit(self, y, X=None, fh=None):
        values = y.to_numpy(dtype="float64")
        n = len(values)
        self.season_ = (_seasonal_indices(values, self.sp) if n >= 2 * self.sp
                        else np.zeros(self.sp))
        position = (np.arange(n) - (n - 1)) % self.sp
        adjusted = values - self.season_[position]
        if n < 3 or np.allclose(adjusted, adjusted[0]):
            self.alpha_, self.level_, self.slope_, self.n_ = 1.0, float(adjusted[-1]), 0.0, n
            return self

        def sse(alpha: float) -> float:
            fitted, _ = _ses_level(adjusted, alpha)
            return float(np.sum((adjusted[1:] - fitted) ** 2))

        self.alpha_ = float(minimize_scalar(sse, bounds=(0.01, 0.99), method="bounded").x)
        _, self.level_ = _ses_level(adjusted, self.alpha_)
        self.slope_ = float(np.polyfit(np.arange(n), adjusted, 1)[0])
        self.n_ = n
        return self

    def _predict(self, fh, X=None):
        steps = np.asarray(fh.to_relative(self.cutoff), dtype="float64")
        alpha = self.alpha_
        drift = 0.5 * self.slope_ * (steps - 1 + 1 / alpha - (1 - alpha) ** self.n_ / alpha)
        season = self.season_[steps.astype("int64") % self.sp]
        return pd.Series(self.level_ + drift + season, index=fh.to_absolute_index(self.cutoff))


def _ets_ana(values: np.ndarray, alpha: float, gamma: float, sp: int
             ) -> tuple[float, float, np.ndarray]:
    """ETS(A,N,A) recursion: (sum of squared one-step errors, last level, last season of
    each position, newest last)."""
    level = float(values[:sp].mean())
    season = list(values[:sp] - level)
    sse = 0.0
    for t in range(sp, len(values)):
        s = season[t - sp]
        error = values[t] - (level + s)
        sse += error * error
        previous = level
        level = alpha * (values[t] - s) + (1 - alpha) * level
        season.append(gamma * (values[t] - previous) + (1 - gamma) * s)
    return sse, level, np.array(season[-sp:])


class ETSWeeklyForecaster(_WeeklySeasonForecaster):
    """Additive exponential smoothing with an additive weekly season, ETS(A,N,A)."""

    def _fit(self, y, X=None, fh=None):
        values = y.to_numpy(dtype="float64")
        if len(values) < 2 * self.sp:
            self.level_, self.season_ = float(values.mean()), np.zeros(self.sp)
            self.alpha_ = self.gamma_ = float("nan")
            return self
        result = minimize(lambda p: _ets_ana(values, p[0], p[1], self.sp)[0],
                          x0=np.array([0.1, 0.05]), method="L-BFGS-B",
                          bounds=[(1e-4, 0.9999), (1e-4, 0.9999)],
                          options={"maxiter": 50})
        self.alpha_, self.gamma_ = (float(v) for v in result.x)
        _, self.level_, self.season_ = _ets_ana(values, self.alpha_, self.gamma_, self.sp)
        return self

    def _predict(self, fh, X=None):
        steps = np.asarray(fh.to_relative(self.cutoff), dtype="int64")
        # season_[-1] is the last observed day's; step h repeats the day h - sp·k before
        season = self.season_[(steps - 1) % self.sp]
        return pd.Series(self.level_ + season, index=fh.to_absolute_index(self.cutoff))


def statistical_forecasts(history: pd.Series, steps: int) -> dict[str, np.ndarray]:
    """Each statistical peer's forecast of the ``steps`` days after the daily series
    ``history`` (complete daily index), fitted on its last ``HISTORY_DAYS`` days."""
    recent = history.iloc[-HISTORY_DAYS:]
    series = pd.Series(recent.to_numpy(dtype="float64"),
                       index=pd.PeriodIndex(recent.index, freq="D"))
    horizon = ForecastingHorizon(np.arange(1, steps + 1))
    out = {}
    with warnings.catch_warnings():  # sktime's notice about a future default
        warnings.simplefilter("ignore", FutureWarning)
        for name, forecaster in (("ets_weekly", ETSWeeklyForecaster()),
                                 ("theta_weekly", ThetaWeeklyForecaster())):
            forecaster.set_config(remember_data=False)
            forecaster.fit(series)
            out[name] = forecaster.predict(horizon).to_numpy(dtype="float64")
    return out
