"""Daily cash-flow forecaster of one export: calendar streams + an sktime forecaster for the rest.

What real current accounts look like (judged on 638 real accounts, see
docs/evaluation.md): most days have no transaction at all; the big flows are
*streams* that come back on a calendar date — a salary on the 11th (larger in
two bonus months a year), a household bill on the 6th, interest and fees on the
last day of the month, an insurance premium once a year — with amounts that
vary (bonus months, variable bills). Around them sit intermittent one-off flows
(cash withdrawals, transfers) on no fixed date.

The forecaster follows that shape:

1. **Streams** (`detect_streams`): per counterparty key and sign, the transactions
   that come back once per month (or week, or year) on the same calendar anchor —
   a day of the month, a number of days before the month's end (interest on the
   30th/31st/28th is one stream), a weekday, a day of the year. A stream needs
   ``min_occurrences`` periods and must have been present in ``min_period_share``
   of the periods since it started (one missed month is tolerated); its amount is
   the *median* of its recent amounts (tolerant: a bonus month neither blocks the
   detection nor inflates the forecast). A stream is projected on its anchor date in
   each future period it has not occurred in yet (on the next business day when the
   account never posts at weekends).
2. **The rest** (every non-stream flow) is forecast by one of the candidates:
   zero (intermittent flows: on a mostly-zero day the absolute-error-optimal
   forecast is zero, not a little flow every day) or an sktime ``NaiveForecaster``
   mean (recent or per weekday) for accounts with daily activity.
3. **Model choice is nested**: the candidates (which streams are projected × how
   the rest is forecast) are compared on backtest folds *before* the folds that
   are reported (see `nested_backtest`).
4. **Intervals** (split-conformal on the chosen candidate's errors on the folds before,
   never on the fold they are scored on): daily (the net flow of each day) separately
   for quiet days and flow days (`interval_quantiles`; on a mostly-zero account a quiet
   day's interval is [0, 0] and covers at least the share of days without flow, more
   than nominal when that share is); for the balance path, the *shape* of how far the
   non-stream flows strayed from their mean over every window of the same length in
   the history, *scaled* so that the earlier folds' cumulative error paths fall inside
   it at the nominal rate (`band_scale`).
5. **Balance and "as of"**: the forecast starts the day after the export's last day
   (``as_of``); the opening balance is the export's own running balance when it has
   one (`closing_balance_from_export`), else a declared one, else 0 (said so). The
   daily *point* is the most likely day (zero on a quiet day: what absolute error
   rewards); the *balance* follows the *expected* net — the streams plus the other
   flows' mean daily net over the last 90 days — because withdrawals that surely come
   on *some* day of the month must lower the projected balance even if no single day
   is likely to see one.

Every baseline the forecaster is compared with (`baseline_forecasts`) is computed
on the same folds: naive (last value), seasonal naive (7 days), same day last month
(calendar-aware), mean of the last 28 / 90 days, and zero.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sktime.forecasting.base import BaseForecaster, ForecastingHorizon
from sktime.forecasting.naive import NaiveForecaster

from titans_finance.core.features import normalise_merchant
from titans_finance.core.verdict import BEATS, paired_comparison

MAX_HORIZON = 90
BASELINES = ("naive", "seasonal_naive_7", "same_day_last_month", "mean_28", "mean_90", "zero")
BASELINE_MEANING = {
    "naive": "the last day's net flow, repeated",
    "seasonal_naive_7": "the same weekday of the last week",
    "same_day_last_month": "the same day of the last observed month (month end to month end)",
    "mean_28": "the mean daily net flow of the last 28 days",
    "mean_90": "the mean daily net flow of the last 90 days",
    "zero": "no flow at all",
}
# How the non-stream flows are forecast; "zero" needs no model.
REST_FORECASTERS = ("zero", "mean_28", "weekday_mean_8w", "weekday_median_8w",
                    "weekday_median_26w", "daytype_median_52w")
# Which streams are projected: only those that landed on their exact date in at least
# half of their periods ("exact": the absolute-error-optimal choice for a daily forecast),
# or every stream ("all": better for the balance when dates wobble by a day or two).
STREAM_SETS = ("exact", "all")
# A class of days (quiet / flow) needs this many earlier errors for its own interval.
MIN_CLASS_ERRORS = 20
# The balance band's floor per √step, as a share of the MASE scale (see `band_floor`).
BAND_FLOOR = 0.25


# --------------------------------------------------------------------------- daily series

def daily_flows(transactions: pd.DataFrame, end: pd.Timestamp | None = None,
                start: pd.Timestamp | None = None) -> pd.DataFrame:
    """Inflow, outflow (positive numbers) and net per calendar day, zeros filled,
    from ``start`` (default: the first transaction) to ``end`` (default: the last)."""
    dates = pd.to_datetime(transactions["date"]).dt.normalize()
    amount = transactions["amount"].to_numpy(dtype="float64")
    frame = pd.DataFrame({"date": dates.to_numpy(), "inflow": np.clip(amount, 0, None),
                          "outflow": np.clip(-amount, 0, None)})
    daily = frame.groupby("date")[["inflow", "outflow"]].sum()
    first = start if start is not None else (dates.min() if len(dates) else end)
    last = end if end is not None else dates.max()
    index = pd.date_range(first, last, freq="D")
    daily = daily.reindex(index, fill_value=0.0)
    daily.index.name = "date"
    daily["net"] = daily["inflow"] - daily["outflow"]
    return daily


# --------------------------------------------------------------------------- baselines

def _month_end(dates: pd.DatetimeIndex) -> np.ndarray:
    return (dates + pd.offsets.MonthEnd(0)).normalize().to_numpy()


def same_day_last_month_reference(future: pd.DatetimeIndex, cutoff: pd.Timestamp,
                                  first: pd.Timestamp) -> np.ndarray:
    """For each future day, the day of the latest month on or before ``cutoff`` it repeats
    (NaT when none): the last day of a month repeats the last day of the other month; a
    day that the other month does not have (the 29th-30th after February, the 31st)
    repeats nothing, so a month-end flow is never predicted twice."""
    out = np.full(len(future), np.datetime64("NaT"), dtype="datetime64[ns]")
    day = future.day.to_numpy()
    is_end = future.is_month_end
    todo = np.ones(len(future), dtype=bool)
    for back in range(1, 5):  # 30-90 day horizons reach back at most 4 months
        month = (future.to_period("M") - back).to_timestamp()
        dim = month.days_in_month.to_numpy()
        same_day = (month + pd.to_timedelta(np.minimum(day, dim) - 1, unit="D")).to_numpy()
        reference = np.where(is_end, _month_end(month), same_day)
        exists = is_end | (day < dim)
        usable = todo & (reference <= np.datetime64(cutoff))
        out[usable & exists] = reference[usable & exists]
        todo &= ~usable
    out[out < np.datetime64(first)] = np.datetime64("NaT")
    return out


def baseline_forecasts(history: pd.Series, steps: int) -> dict[str, np.ndarray]:
    """Every baseline's forecast of the ``steps`` days after the series' last day.

    ``history``: daily net flow on a complete daily DatetimeIndex. Plain numpy (a test
    checks the naive, seasonal and mean ones against sktime's `NaiveForecaster`)."""
    values = history.to_numpy(dtype="float64")
    cutoff, first = history.index[-1], history.index[0]
    future = pd.date_range(cutoff + pd.Timedelta(days=1), periods=steps, freq="D")
    n = len(values)
    lag7 = values[-7:] if n >= 7 else np.resize(values, 7)
    reference = same_day_last_month_reference(future, cutoff, first)
    known = ~pd.isna(reference)
    position = np.full(steps, -1, dtype="int64")
    position[known] = (reference[known] - np.datetime64(first)) // np.timedelta64(1, "D")
    monthly = np.where(position >= 0, values[np.clip(position, 0, n - 1)], 0.0)
    return {
        "naive": np.full(steps, values[-1]),
        "seasonal_naive_7": lag7[np.arange(steps) % 7],
        "same_day_last_month": monthly,
        "mean_28": np.full(steps, values[-28:].mean()),
        "mean_90": np.full(steps, values[-90:].mean()),
        "zero": np.zeros(steps),
    }


def mase_scale(y: pd.Series | np.ndarray, sp: int = 1) -> float:
    """Mean absolute error of the in-sample naive forecast (lag ``sp``) on the training
    series: the MASE denominator (Hyndman & Koehler 2006; sktime's default ``sp=1``).
    One scale per training series, shared by the model and every baseline."""
    values = np.asarray(y, dtype="float64")
    if len(values) <= sp:
        return 1.0
    scale = float(np.mean(np.abs(values[sp:] - values[:-sp])))
    return scale if scale > 0 else 1.0


# --------------------------------------------------------------------------- streams

@dataclass
class RecurringStream:
    """Transactions of one counterparty that come back once per period on a calendar anchor."""

    merchant: str
    sign: int  # +1 inflow, -1 outflow
    period: str  # "M" month, "W" week, "Y" year
    anchor: str  # "day": day of month / weekday / day of year; "end": days before month end
    position: int  # the anchor's value (day 1-31, weekday 0-6, day of year, or days before end)
    amount: float  # signed: the median of the recent amounts
    amount_low: float  # signed range of the recent amounts (lowest |amount|)
    amount_high: float
    exact_share: float  # share of its periods in which it landed exactly on the anchor
    occurrences: int
    last_date: pd.Timestamp
    periods_seen: set = field(default_factory=set)  # period labels it occurred in

    @property
    def kind(self) -> str:
        return {"M": "monthly", "W": "weekly", "Y": "annual"}[self.period]

    @property
    def day(self) -> int:
        return self.position

    def dates_between(self, start: pd.Timestamp, end: pd.Timestamp,
                      business_days_only: bool = False) -> pd.DatetimeIndex:
        """Its anchor dates in ``[start, end]`` for periods it has not occurred in yet."""
        if end < start:
            return pd.DatetimeIndex([])
        if self.period == "W":
            days = pd.date_range(start, end, freq="D")
            dates = days[days.dayofweek == self.position]
        elif self.period == "Y":
            years = range(start.year, end.year + 1)
            dates = pd.DatetimeIndex([pd.Timestamp(year=y, month=1, day=1)
                                      + pd.Timedelta(days=self.position - 1) for y in years])
        else:
            months = pd.date_range(start.to_period("M").to_timestamp(), end, freq="MS")
            dim = months.days_in_month.to_numpy()
            offset = (np.minimum(self.position, dim) - 1 if self.anchor == "day"
                      else np.maximum(dim - 1 - self.position, 0))
            dates = months + pd.to_timedelta(offset, unit="D")
        if business_days_only:
            dates = pd.DatetimeIndex([d + pd.offsets.BDay(0) for d in dates])
        labels = _period_labels(dates, self.period)
        keep = (dates >= start) & (dates <= end) & ~np.isin(labels, list(self.periods_seen))
        return dates[keep]


def _period_labels(dates: pd.DatetimeIndex | pd.Series, period: str) -> np.ndarray:
    dates = pd.DatetimeIndex(dates)
    if period == "W":
        return ((dates.normalize() - pd.Timestamp("1970-01-05")).days // 7).to_numpy()
    if period == "Y":
        return dates.year.to_numpy()
    return (dates.year * 12 + dates.month - 1).to_numpy()


def _coordinates(dates: pd.DatetimeIndex, period: str) -> dict[str, np.ndarray]:
    if period == "W":
        return {"day": dates.dayofweek.to_numpy()}
    if period == "Y":
        return {"day": dates.dayofyear.to_numpy()}
    return {"day": dates.day.to_numpy(), "end": (dates.days_in_month - dates.day).to_numpy()}


_PERIOD_DAYS = {"W": 7, "M": 30.44, "Y": 365.25}


def _frame_for_streams(transactions: pd.DataFrame) -> pd.DataFrame:
    reference = transactions["reference"] if "reference" in transactions else pd.Series(
        None, index=transactions.index, dtype=object)
    amount = transactions["amount"].to_numpy(dtype="float64")
    frame = pd.DataFrame({
        "merchant": normalise_merchant(transactions["description"].reset_index(drop=True),
                                       reference.reset_index(drop=True)).to_numpy(),
        "sign": np.where(amount >= 0, 1, -1),
        "date": pd.to_datetime(transactions["date"]).dt.normalize().to_numpy(),
        "amount": amount})
    transfer = transactions.get("is_transfer")
    if transfer is not None:  # transfers between the user's own accounts are not flows
        frame = frame[~transfer.fillna(False).astype(bool).to_numpy()]
    return frame.sort_values("date", kind="stable").reset_index(drop=True)


def detect_streams(transactions: pd.DataFrame, params: dict[str, Any],
                   as_of: pd.Timestamp | None = None) -> list[RecurringStream]:
    """Recurring streams in the transactions up to ``as_of`` (see the module docstring)."""
    frame = _frame_for_streams(transactions)
    if frame.empty:
        return []
    as_of = pd.Timestamp(as_of) if as_of is not None else frame["date"].max()
    return _streams_of_frame(frame[frame["date"] <= as_of], params, as_of)[0]


def _streams_of_frame(frame: pd.DataFrame, params: dict[str, Any], as_of: pd.Timestamp
                      ) -> tuple[list[RecurringStream], np.ndarray]:
    """The streams of these flows and the mask of the flows that belong to one."""
    tolerance = int(params.get("max_day_jitter", 3))
    share = float(params.get("min_period_share", 0.7))
    window = int(params.get("amount_window", 6))
    minimum = {"M": int(params.get("min_occurrences", 3)), "W": int(params.get(
        "min_weekly_occurrences", 4)), "Y": 2}
    dates = pd.DatetimeIndex(frame["date"])
    amount = frame["amount"].to_numpy(dtype="float64")
    labels = {period: _period_labels(dates, period) for period in minimum}
    coordinates = {period: _coordinates(dates, period) for period in minimum}
    in_stream = np.zeros(len(frame), dtype=bool)
    streams: list[RecurringStream] = []
    keys = frame["merchant"].astype(str) + "|" + frame["sign"].astype(str)
    for key, positions in keys.groupby(keys, sort=False).indices.items():
        if len(positions) < 2:
            continue
        remaining = np.asarray(positions)
        for period in ("M", "Y", "W"):
            for _ in range(int(params.get("max_streams_per_key", 3))):
                if len(remaining) < minimum[period]:
                    break
                found = _best_stream(remaining, labels[period], coordinates[period], period,
                                     tolerance, minimum[period])
                if found is None:
                    break
                anchor, position, used, distance = found
                # a frequent counterparty lands near any anchor by chance: the stream must
                # stand out from the key's other transactions (expected chance matches in
                # the anchor's window per period below max_chance_matches)
                others = len(remaining) - len(used)
                span = max((dates[remaining].max() - dates[remaining].min()).days + 1,
                           _PERIOD_DAYS[period])
                width = 2 * tolerance + 1 if period != "W" else 1
                if others / span * width > float(params.get("max_chance_matches", 0.3)):
                    break
                # an annual stream is seen only a few times: only a counterparty that is
                # otherwise rare counts (not a shop visited twice near the same date)
                if period == "Y" and others > len(used) // 2:
                    break
                stream = _stream(key, period, anchor, position, used, distance, dates, amount,
                                 labels[period], share, window, tolerance, as_of)
                if stream is None:
                    break
                streams.append(stream)
                in_stream[used] = True
                remaining = remaining[~np.isin(remaining, used)]
    return streams, in_stream


def _best_stream(rows: np.ndarray, labels: np.ndarray, coordinates: dict[str, np.ndarray],
                 period: str, tolerance: int, minimum: int):
    """The anchor that the most periods of these rows land on (within the tolerance),
    and the one row per period that lands closest to it."""
    label = labels[rows]
    best = None
    for anchor, all_values in coordinates.items():
        values = all_values[rows]
        for position in np.unique(values):
            distance = np.abs(values - position)
            if period == "W":
                distance = np.minimum(distance, 7 - distance)
            near = np.flatnonzero(distance <= (tolerance if period != "W" else 0))
            if len(near) < minimum:
                continue
            order = near[np.lexsort((distance[near], label[near]))]
            first = order[np.r_[True, label[order][1:] != label[order][:-1]]]
            if len(first) < minimum:
                continue
            score = (len(first), int((distance[first] == 0).sum()))
            if best is None or score > best[0]:
                best = (score, anchor, int(position), rows[first], distance[first])
    return None if best is None else best[1:]


def _stream(key: str, period: str, anchor: str, position: int, used: np.ndarray,
            distance: np.ndarray, dates: pd.DatetimeIndex, amount: np.ndarray,
            labels: np.ndarray, share: float, window: int, tolerance: int,
            as_of: pd.Timestamp) -> RecurringStream | None:
    first, last = dates[used].min(), dates[used].max()
    seen = set(labels[used].tolist())
    span = np.unique(_period_labels(pd.date_range(first, as_of, freq="D"), period))
    # the current period does not count as missed before it has seen its transaction
    expected = len(span) - (1 if len(span) and span[-1] not in seen else 0)
    if len(used) < share * max(expected, 1):
        return None
    # a stream that stopped (missed more than one and a half periods) is not projected
    if (as_of - last).days > 1.5 * _PERIOD_DAYS[period] + tolerance:
        return None
    order = np.argsort(dates[used].to_numpy(), kind="stable")
    recent = amount[used][order][-window:]
    merchant, sign = key.rsplit("|", 1)
    return RecurringStream(
        merchant=merchant, sign=int(sign), period=period, anchor=anchor, position=position,
        amount=float(np.median(recent)), amount_low=float(recent[np.argmin(np.abs(recent))]),
        amount_high=float(recent[np.argmax(np.abs(recent))]),
        exact_share=float((distance == 0).mean()), occurrences=int(len(used)),
        last_date=pd.Timestamp(last), periods_seen=seen)


def detect_recurring(transactions: pd.DataFrame, params: dict[str, Any]) -> list[RecurringStream]:
    """The streams of the whole export (kept name: the reports list them as recurring items)."""
    return detect_streams(transactions, params)


# --------------------------------------------------------------------------- one forecast

def _posts_on_weekends(transactions: pd.DataFrame) -> bool:
    weekday = pd.to_datetime(transactions["date"]).dt.dayofweek
    return bool(len(weekday) == 0 or (weekday >= 5).mean() >= 0.02)


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


def rolling_total_quantiles(residual: np.ndarray, steps: int, coverage: float,
                            min_windows: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Quantiles of the total of ``h`` consecutive days of ``residual`` for h = 1..steps,
    over every h-day window of the history: how far the next h days' unforecast flows
    may move the balance. Where the history has fewer than ``min_windows`` windows of
    length h, the last well-measured quantile is scaled by √(h/h₀)."""
    alpha = (1 - coverage) / 2
    low, high = np.zeros(steps), np.zeros(steps)
    n = len(residual)
    if n == 0:
        return low, high
    total = np.concatenate([[0.0], np.cumsum(residual)])
    last = 0
    for h in range(1, steps + 1):
        if n - h + 1 < min_windows and h > 1:
            break
        sums = total[h:] - total[:-h]
        low[h - 1], high[h - 1] = np.quantile(sums, [alpha, 1 - alpha])
        last = h
    if last < steps:
        factor = np.sqrt(np.arange(last + 1, steps + 1) / max(last, 1))
        low[last:], high[last:] = low[last - 1] * factor, high[last - 1] * factor
    return np.minimum(low, 0.0), np.maximum(high, 0.0)


def _rest_level(rest: np.ndarray, days: int) -> float:
    """The non-stream flows' mean daily net over the last ``days`` days (lumpy outflows — a
    withdrawal every other month — are part of the month's typical drift: a median month
    has none, the balance still pays for them)."""
    return float(np.mean(rest[-days:])) if len(rest) else 0.0


@dataclass
class ForecastParts:
    """What one fit at one cutoff knows: the future days and each component's forecast."""

    as_of: pd.Timestamp
    future: pd.DatetimeIndex
    streams: list[RecurringStream]
    stream_flow: dict[str, tuple[np.ndarray, np.ndarray]]  # stream set → (inflow, outflow)
    rest: dict[str, np.ndarray]  # rest forecaster → daily net
    rest_level: float  # the non-stream flows' mean daily net (the balance drifts by it)
    balance_bands: tuple[np.ndarray, np.ndarray]  # (low, high) around the expected balance

    def net(self, candidate: str) -> np.ndarray:
        streams, rest = candidate.split("+")
        inflow, outflow = self.stream_flow[streams]
        return inflow - outflow + self.rest[rest]

    def expected(self, candidate: str) -> np.ndarray:
        """The expected daily net (streams + the rest's typical daily net): what the balance
        follows.
        The point forecast is the most likely day (zero on a quiet day), which on a
        mostly-zero series leaves out the rest's flows that surely come on *some* day."""
        # every stream, also those whose day wobbles: they come within the month all the
        # same (and they are not in the rest's level)
        inflow, outflow = self.stream_flow["all"]
        return inflow - outflow + self.rest_level

    def flows(self, candidate: str) -> tuple[np.ndarray, np.ndarray]:
        streams, rest = candidate.split("+")
        inflow, outflow = self.stream_flow[streams]
        rest_net = self.rest[rest]
        return inflow + np.clip(rest_net, 0, None), outflow + np.clip(-rest_net, 0, None)


def candidate_names(params: dict[str, Any]) -> list[str]:
    names = list(params.get("candidates") or [f"{s}+{r}" for s in STREAM_SETS
                                              for r in REST_FORECASTERS])
    for name in names:
        streams, _, rest = name.partition("+")
        if streams not in STREAM_SETS or rest not in REST_FORECASTERS:
            raise ValueError(f"unknown cash-flow candidate {name!r}: use '<streams>+<rest>' with "
                             f"streams in {STREAM_SETS} and rest in {REST_FORECASTERS}")
    return names


def forecast_parts(transactions: pd.DataFrame, params: dict[str, Any], as_of: pd.Timestamp,
                   steps: int, rest_names: tuple[str, ...] = REST_FORECASTERS,
                   start: pd.Timestamp | None = None) -> ForecastParts:
    """Fit on the transactions up to ``as_of``; every candidate's forecast of the next days."""
    as_of = pd.Timestamp(as_of).normalize()
    past = transactions[pd.to_datetime(transactions["date"]) <= as_of]
    future = pd.date_range(as_of + pd.Timedelta(days=1), periods=steps, freq="D")
    frame = _frame_for_streams(past)
    streams, in_stream = _streams_of_frame(frame, params, as_of)
    business_only = not _posts_on_weekends(past)
    exact_share = float(params.get("min_exact_share", 0.5))
    stream_flow = {}
    for name in STREAM_SETS:
        inflow, outflow = np.zeros(steps), np.zeros(steps)
        for stream in streams:
            if name == "exact" and stream.exact_share < exact_share:
                continue
            dates = stream.dates_between(future[0], future[-1], business_only)
            position = ((dates - future[0]).days).to_numpy()
            target = inflow if stream.amount > 0 else outflow
            np.add.at(target, position, abs(stream.amount))
        stream_flow[name] = (inflow, outflow)
    rest_rows = frame[~in_stream]
    rest = daily_flows(rest_rows, end=as_of,
                       start=start if start is not None else (
                           frame["date"].min() if len(frame) else as_of))["net"]
    forecasts = {name: _rest_forecast(rest, name, steps) for name in rest_names}
    coverage = float(params.get("interval_coverage", 0.8))
    history = rest.to_numpy()[-int(params.get("band_history_days", 365)):]
    level = _rest_level(rest.to_numpy(), int(params.get("rest_level_days", 90)))
    # the balance band: how far the non-stream flows strayed from their typical level over
    # every window of the same length in the history
    bands = rolling_total_quantiles(history - level, steps, coverage)
    return ForecastParts(as_of=as_of, future=future, streams=streams, stream_flow=stream_flow,
                         rest=forecasts, rest_level=level, balance_bands=bands)


# --------------------------------------------------------------------------- opening balance

def closing_balance_from_export(transactions: pd.DataFrame) -> float | None:
    """The balance at the end of the export's last day, read from its running ``balance``
    column (optional: None when the export has none).

    Rows of one day may be in any order in a file, so the day's closing balance is the
    written balance that equals (the day's opening balance + the day's net flow), where the
    opening is any row's balance minus its own amount; rows after the last written
    balance are added."""
    if "balance" not in transactions or transactions["balance"].isna().all():
        return None
    frame = pd.DataFrame({"date": pd.to_datetime(transactions["date"]).dt.normalize().to_numpy(),
                          "amount": transactions["amount"].to_numpy(dtype="float64"),
                          "balance": pd.to_numeric(transactions["balance"]).to_numpy(
                              dtype="float64")})
    if "account" in transactions and transactions["account"].nunique() > 1:
        # the total is known only when every account's is: an account without a balance
        # column would otherwise count as zero money
        parts = [closing_balance_from_export(part) for _, part in transactions.groupby("account")]
        return None if any(part is None for part in parts) else float(sum(parts))
    known = frame[frame["balance"].notna()]
    day = known["date"].max()
    rows = frame[frame["date"] == day]
    written = rows[rows["balance"].notna()]
    openings = written["balance"] - written["amount"]
    closing_candidates = openings + rows["amount"].sum()
    matches = written["balance"][np.isclose(written["balance"].to_numpy()[:, None],
                                            closing_candidates.to_numpy()[None, :],
                                            atol=0.005).any(axis=1)]
    closing = float(matches.iloc[0]) if len(matches) else float(written["balance"].iloc[-1])
    return closing + float(frame.loc[frame["date"] > day, "amount"].sum())


# --------------------------------------------------------------------------- backtest

def fold_cutoffs(daily_index: pd.DatetimeIndex, horizon: int, n_folds: int,
                 min_history_days: int) -> list[pd.Timestamp]:
    """Cutoffs of horizon-long folds ending at the last day, oldest first; a fold needs
    ``min_history_days`` of training history."""
    end = daily_index[-1]
    earliest = daily_index[0] + pd.Timedelta(days=min_history_days - 1)
    cutoffs = [end - pd.Timedelta(days=horizon * k) for k in range(n_folds, 0, -1)]
    return [c for c in cutoffs if c >= earliest]


def backtest_parts(transactions: pd.DataFrame, params: dict[str, Any],
                   end: pd.Timestamp | None = None) -> tuple[pd.DataFrame, list]:
    """Every candidate and baseline forecast at every fold cutoff (outer and inner folds).

    Returns the long table (fold, cutoff, method, date, step, actual, predicted, scale)
    and the cutoffs. ``end``: the last day of the data (default: the last transaction)."""
    horizon = int(params["horizon_days"])
    daily = daily_flows(transactions, end=end)
    n_outer, n_inner = int(params["backtest_folds"]), int(params.get("inner_folds", 2))
    cutoffs = fold_cutoffs(daily.index, horizon, n_outer + n_inner,
                           int(params.get("min_history_days", 30)))
    names = candidate_names(params)
    rest_names = tuple(sorted({n.split("+")[1] for n in names}))
    rows = []
    for fold, cutoff in enumerate(cutoffs):
        train = daily.loc[:cutoff, "net"]
        actual = daily.loc[cutoff + pd.Timedelta(days=1): cutoff + pd.Timedelta(days=horizon),
                           "net"].to_numpy()
        steps = len(actual)
        parts = forecast_parts(transactions, params, cutoff, steps, rest_names,
                               start=daily.index[0])
        predictions = {name: (parts.net(name), parts.expected(name)) for name in names}
        predictions.update({f"baseline_{k}": (v, v) for k, v in baseline_forecasts(
            train, steps).items()})  # a baseline's balance follows its own forecast
        scale = mase_scale(train.to_numpy())
        nan = np.full(steps, np.nan)
        for method, (predicted, expected) in predictions.items():
            low, high = parts.balance_bands if "+" in method else (nan, nan)
            rows.append((fold, cutoff, method, parts.future, actual, predicted, scale, low, high,
                         expected))
    if not rows:
        return pd.DataFrame(columns=["fold", "cutoff", "method", "date", "step", "actual",
                                     "predicted", "scale", "band_low", "band_high", "expected",
                                     "error", "expected_error"]), cutoffs
    table = pd.DataFrame({
        "fold": np.concatenate([np.full(len(r[4]), r[0]) for r in rows]),
        "cutoff": np.concatenate([np.full(len(r[4]), np.datetime64(r[1])) for r in rows]),
        "method": np.concatenate([np.full(len(r[4]), r[2], dtype=object) for r in rows]),
        "date": np.concatenate([r[3].to_numpy() for r in rows]),
        "step": np.concatenate([np.arange(1, len(r[4]) + 1) for r in rows]),
        "actual": np.concatenate([r[4] for r in rows]),
        "predicted": np.concatenate([r[5] for r in rows]),
        "scale": np.concatenate([np.full(len(r[4]), r[6]) for r in rows]),
        "band_low": np.concatenate([r[7] for r in rows]),
        "band_high": np.concatenate([r[8] for r in rows]),
        "expected": np.concatenate([r[9] for r in rows])})
    table["error"] = table["actual"] - table["predicted"]
    table["expected_error"] = table["actual"] - table["expected"]
    return table, cutoffs


def choose_candidate(table: pd.DataFrame, folds: list[int], names: list[str],
                     default: str, tolerance: float = 0.0) -> str:
    """The first candidate (simplest first) whose mean MASE on ``folds`` is within
    ``tolerance`` (relative) of the best: a more complex candidate must beat the simpler
    ones by more than the folds' noise. ``default`` when there is no fold to choose on."""
    part = table[table["fold"].isin(folds) & table["method"].isin(names)]
    if part.empty:
        return default
    per_fold = (part.assign(abs_error=part["error"].abs()).groupby(["method", "fold"])
                .agg(mae=("abs_error", "mean"), scale=("scale", "first")))
    mase = (per_fold["mae"] / per_fold["scale"]).groupby(level="method").mean()
    best = float(mase.min())
    return next(name for name in names if name in mase.index
                and mase[name] <= best * (1.0 + tolerance) + 1e-12)


def conformal_bounds(errors: np.ndarray, coverage: float) -> tuple[float, float]:
    """Two-sided split-conformal bounds of signed errors: the ``(1-coverage)/2`` and
    ``(1+coverage)/2`` quantiles with the finite-sample correction (the rank
    ``ceil((n+1)·q)``), so that a new exchangeable error falls in ``[low, high]`` with
    probability at least ``coverage`` (exactly, up to ties). Always ``low <= 0 <= high``:
    the point stays inside its interval."""
    errors = np.sort(np.asarray(errors, dtype="float64"))
    n = len(errors)
    if n == 0:
        return 0.0, 0.0
    alpha = (1 - coverage) / 2
    k_high = int(np.ceil((n + 1) * (1 - alpha)))  # 1-based rank
    k_low = int(np.floor((n + 1) * alpha))
    high = errors[min(k_high, n) - 1] if k_high <= n else errors[-1]
    low = errors[max(k_low, 1) - 1] if k_low >= 1 else errors[0]
    return min(float(low), 0.0), max(float(high), 0.0)


def band_floor(errors: pd.DataFrame) -> float:
    """The smallest balance band per √step: ``BAND_FLOOR`` times the MASE scale (the
    typical day-to-day change of the net flow). The history's band is zero on the first
    days of a mostly-zero account (no window of one or two days strays from the typical
    level), while a stream paid a day late already moves the balance; the floor gives
    those steps a shape the conformal scale can stretch."""
    if errors.empty or "scale" not in errors:
        return 0.0
    return BAND_FLOOR * float(np.median(errors["scale"].to_numpy()))


def band_with_floor(low: np.ndarray, high: np.ndarray, step: np.ndarray, floor: float
                    ) -> tuple[np.ndarray, np.ndarray]:
    root = np.sqrt(np.asarray(step, dtype="float64"))
    return np.minimum(low, -floor * root), np.maximum(high, floor * root)


def band_scale(errors: pd.DataFrame, coverage: float) -> float:
    """How many times the history's balance band (``band_low``/``band_high``: what the
    non-stream flows did over windows of the same length) the earlier folds' cumulative
    errors needed: the conformal ``coverage`` quantile of ``cumulative error / band`` (the
    band's side the error falls on) over every (fold, step). The band gives the shape
    (how the uncertainty grows with the horizon, which days are lumpy); this factor
    calibrates its size on forecasts the model really made (streams' timing and amount
    errors included), so that the band covers ``coverage`` of the balance path."""
    if errors.empty or "band_low" not in errors:
        return float("nan")
    column = "expected_error" if "expected_error" in errors else "error"
    cumulative = errors.groupby("fold")[column].cumsum().to_numpy()
    low, high = band_with_floor(errors["band_low"].to_numpy(), errors["band_high"].to_numpy(),
                                errors["step"].to_numpy(), band_floor(errors))
    score = np.where(cumulative < 0, cumulative / low, np.where(cumulative > 0,
                                                              cumulative / high, 0.0))
    n = len(score)
    if n < 10:
        return float("nan")
    rank = int(np.ceil((n + 1) * coverage))
    return float(np.sort(score)[min(rank, n) - 1])


def interval_quantiles(errors: pd.DataFrame, coverage: float) -> dict[str, float]:
    """The chosen candidate's interval widths, from its errors on earlier folds (every
    quantile is split-conformal: `conformal_bounds`).

    Daily (the net flow of one day), separately for *quiet* days (point forecast zero: on
    a mostly-zero account the error is exactly zero on most of them, so their interval is
    often [0, 0] — the day most likely has no flow — and its coverage is at least the
    share of days without flow, above nominal when that share is) and *flow* days (a
    projected stream or a non-zero rest forecast: the stream's amount and timing errors).
    A class with fewer than ``MIN_CLASS_ERRORS`` errors uses the pooled bounds.

    Balance: ``band_scale`` (the history's band scaled to the folds' cumulative errors);
    where the band is zero, the cumulative errors per √step (``cumulative_low/high``)."""
    empty = {"daily_low": 0.0, "daily_high": 0.0, "daily_quiet_low": 0.0,
             "daily_quiet_high": 0.0, "daily_flow_low": 0.0, "daily_flow_high": 0.0,
             "cumulative_low": 0.0, "cumulative_high": 0.0, "band_scale": float("nan"),
             "n_errors": 0}
    if errors.empty:
        return empty
    daily = errors["error"].to_numpy()
    quiet = np.isclose(errors["predicted"].to_numpy(), 0.0) if "predicted" in errors else \
        np.ones(len(daily), dtype=bool)
    pooled = conformal_bounds(daily, coverage)
    by_class = {name: (conformal_bounds(daily[mask], coverage)
                       if mask.sum() >= MIN_CLASS_ERRORS else pooled)
                for name, mask in (("quiet", quiet), ("flow", ~quiet))}
    column = "expected_error" if "expected_error" in errors else "error"
    cumulative = errors.groupby("fold")[column].cumsum().to_numpy() / np.sqrt(
        errors["step"].to_numpy())
    cumulative_low, cumulative_high = conformal_bounds(cumulative, coverage)
    return {"daily_low": pooled[0], "daily_high": pooled[1],
            "daily_quiet_low": by_class["quiet"][0], "daily_quiet_high": by_class["quiet"][1],
            "daily_flow_low": by_class["flow"][0], "daily_flow_high": by_class["flow"][1],
            "cumulative_low": cumulative_low, "cumulative_high": cumulative_high,
            "band_scale": band_scale(errors, coverage), "band_floor": band_floor(errors),
            "n_errors": int(len(daily))}


def daily_interval(point: np.ndarray, q: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """The daily interval around each day's point: quiet-day or flow-day bounds."""
    quiet = np.isclose(point, 0.0)
    low = np.where(quiet, q.get("daily_quiet_low", q["daily_low"]),
                   q.get("daily_flow_low", q["daily_low"]))
    high = np.where(quiet, q.get("daily_quiet_high", q["daily_high"]),
                    q.get("daily_flow_high", q["daily_high"]))
    return point + low, point + high


def balance_interval(cumulative: np.ndarray, band_low: np.ndarray, band_high: np.ndarray,
                     q: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """The balance band around the expected cumulative net: the history's band times the
    calibrated ``band_scale``; where the band is zero (or no scale could be measured) the
    earlier folds' cumulative errors scaled by √step."""
    root = np.sqrt(np.arange(1, len(cumulative) + 1))
    fallback_low = root * min(q["cumulative_low"], 0.0)
    fallback_high = root * max(q["cumulative_high"], 0.0)
    scale = q.get("band_scale", float("nan"))
    if not np.isfinite(scale):
        return (cumulative + np.minimum(band_low, fallback_low),
                cumulative + np.maximum(band_high, fallback_high))
    low, high = band_with_floor(band_low, band_high, root ** 2, q.get("band_floor", 0.0))
    return cumulative + scale * low, cumulative + scale * high


def nested_backtest(table: pd.DataFrame, cutoffs: list, params: dict[str, Any]) -> pd.DataFrame:
    """Outer folds (the last ``backtest_folds`` cutoffs): each one's candidate is chosen on
    the ``inner_folds`` folds before it (its own data only), and its intervals come from
    the chosen candidate's errors there. Returns the outer folds' rows of the model
    (method ``model``, with the choice and the intervals) and of every baseline."""
    names = candidate_names(params)
    default = str(params.get("default_candidate", names[0]))
    n_outer, n_inner = int(params["backtest_folds"]), int(params.get("inner_folds", 2))
    coverage = float(params.get("interval_coverage", 0.8))
    outer = list(range(max(0, len(cutoffs) - n_outer), len(cutoffs)))
    pieces = []
    for fold in outer:
        inner = list(range(max(0, fold - n_inner), fold))
        chosen = choose_candidate(table, inner, names, default,
                                  float(params.get("selection_tolerance", 0.0)))
        # intervals from every earlier fold (more errors than the choice needs; still nested)
        q = interval_quantiles(table[(table["fold"] < fold) & (table["method"] == chosen)],
                               coverage)
        model = table[(table["fold"] == fold) & (table["method"] == chosen)].copy()
        model["method"], model["chosen"] = "model", chosen
        cumulative = model["expected"].cumsum().to_numpy()
        model["lower"], model["upper"] = daily_interval(model["predicted"].to_numpy(), q)
        model["cumulative_actual"] = model["actual"].cumsum().to_numpy()
        model["cumulative_lower"], model["cumulative_upper"] = balance_interval(
            cumulative, model["band_low"].to_numpy(), model["band_high"].to_numpy(), q)
        model["has_interval"] = q["n_errors"] > 0
        baselines = table[(table["fold"] == fold) & table["method"].str.startswith("baseline_")]
        pieces += [model, baselines]
    if not pieces:
        return table.iloc[0:0].assign(chosen=pd.Series(dtype=object))
    return pd.concat(pieces, ignore_index=True)


def summarise_backtest(outer: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Per method: MASE (mean over folds of fold MAE / fold scale), MAE, absolute error of
    the horizon's total net flow (the balance at the horizon's end: the model's expected
    net, a baseline's own forecast); for the model also the interval coverage."""
    if outer.empty:
        return {}
    frame = outer.assign(abs_error=outer["error"].abs())
    per_fold = frame.groupby(["method", "fold"]).agg(
        mae=("abs_error", "mean"), scale=("scale", "first"), total=("expected_error", "sum"))
    per_fold["mase"] = per_fold["mae"] / per_fold["scale"]
    per_fold["total_abs"] = per_fold["total"].abs()
    out = {method: {"mase": float(g["mase"].mean()), "mae": float(g["mae"].mean()),
                    "cumulative_net_error": float(g["total_abs"].mean())}
           for method, g in per_fold.groupby(level="method")}
    model = outer[(outer["method"] == "model") & outer.get("has_interval", True)]
    if "model" in out and len(model):
        out["model"]["coverage"] = float(((model["actual"] >= model["lower"])
                                          & (model["actual"] <= model["upper"])).mean())
        out["model"]["balance_coverage"] = float(
            ((model["cumulative_actual"] >= model["cumulative_lower"])
             & (model["cumulative_actual"] <= model["cumulative_upper"])).mean())
    return out


def versus_baseline(outer: pd.DataFrame | None, baseline: str) -> dict[str, Any]:
    """The model against ``baseline`` (a method of ``outer``, the reported folds' daily
    errors) with the noise of the comparison: paired by fold and day, each day's absolute
    error over its fold's MASE scale (their mean is the MASE); see `core.verdict`."""
    if outer is None or outer.empty:
        return {"advantage": None, "advantage_se": None, "compared_on": 0, "verdict": None}
    scaled = outer.assign(loss=outer["error"].abs() / outer["scale"])
    losses = scaled[scaled["method"].isin(["model", baseline])].pivot_table(
        index=["fold", "date"], columns="method", values="loss", aggfunc="first").dropna()
    if "model" not in losses or baseline not in losses:
        return {"advantage": None, "advantage_se": None, "compared_on": 0, "verdict": None}
    return paired_comparison(losses["model"].to_numpy(), losses[baseline].to_numpy())


def evaluate_cashflow(transactions: pd.DataFrame, params: dict[str, Any],
                      end: pd.Timestamp | None = None) -> tuple[pd.DataFrame, pd.DataFrame, list]:
    """Backtest + nested choice on one export: (all folds' table, outer folds' table, cutoffs)."""
    table, cutoffs = backtest_parts(transactions, params, end)
    return table, nested_backtest(table, cutoffs, params), cutoffs


# --------------------------------------------------------------------------- served model

class CashflowModel:
    """The forecast of one export from its last day (``as_of``), with intervals and balance."""

    def __init__(self, candidate: str, params: dict[str, Any]):
        candidate_names({"candidates": [candidate]})
        self.candidate = candidate
        self.forecaster_name = candidate
        self.params = dict(params)
        self.forecast = pd.DataFrame()
        self.quantiles = interval_quantiles(pd.DataFrame(), 0.8)
        self.recurring: list[RecurringStream] = []
        self.as_of: pd.Timestamp | None = None
        self.closing_balance = 0.0
        self.balance_source = "assumed_zero"
        self.balance_band = (np.zeros(MAX_HORIZON), np.zeros(MAX_HORIZON))
        self.metadata: dict[str, Any] = {}

    def fit(self, transactions: pd.DataFrame, quantiles: dict[str, float] | None = None,
            as_of: pd.Timestamp | str | None = None) -> CashflowModel:
        """``as_of``: the export's last day (default: its last transaction's date)."""
        last = pd.to_datetime(transactions["date"]).max().normalize()
        self.as_of = pd.Timestamp(as_of).normalize() if as_of is not None else last
        if self.as_of < last:
            raise ValueError(f"as_of {self.as_of.date()} is before the export's last transaction "
                             f"({last.date()})")
        parts = forecast_parts(transactions, self.params, self.as_of, MAX_HORIZON,
                               (self.candidate.split("+")[1],))
        inflow, outflow = parts.flows(self.candidate)
        self.forecast = pd.DataFrame({"inflow": inflow, "outflow": outflow,
                                      "net": inflow - outflow,
                                      "expected": parts.expected(self.candidate)},
                                     index=parts.future)
        low, high = parts.balance_bands
        self.balance_band = (low, high)
        self.forecast.index.name = "date"
        self.recurring = parts.streams
        self.quantiles = dict(quantiles) if quantiles else interval_quantiles(pd.DataFrame(), 0.8)
        self.closing_balance, self.balance_source = self._balance(transactions)
        dates = pd.to_datetime(transactions["date"])
        self.metadata = {"trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                         "forecaster": self.candidate, "n_recurring_series": len(self.recurring),
                         "data_start": str(dates.min().date()), "data_end": str(dates.max().date()),
                         "as_of": str(self.as_of.date()), "closing_balance": self.closing_balance,
                         "balance_source": self.balance_source}
        return self

    def _balance(self, transactions: pd.DataFrame) -> tuple[float, str]:
        from_export = closing_balance_from_export(transactions)
        if from_export is not None:
            return from_export, "export_balance_column"
        declared = self.params.get("opening_balance")
        total = float(transactions["amount"].sum())
        if declared is not None:
            return float(declared) + total, "declared_opening_balance"
        return total, "assumed_zero"

    def predict(self, horizon_days: int, opening_balance: float | None = None,
                low_balance_threshold: float | None = None,
                today: pd.Timestamp | str | None = None) -> tuple[pd.DataFrame, dict[str, Any]]:
        """Daily forecast for ``horizon_days`` (1-90) after ``as_of`` and its summary.

        ``opening_balance``: the balance at the end of ``as_of`` (default: the export's own).
        ``today``: when the forecast is asked for; later than ``as_of``, the summary says
        so (the days in between are forecast, not known)."""
        if not 1 <= int(horizon_days) <= MAX_HORIZON:
            raise ValueError(f"horizon_days must be between 1 and {MAX_HORIZON}, got {horizon_days}")
        table = self.forecast.iloc[:int(horizon_days)].copy()
        q = self.quantiles
        table["point"] = table["net"]
        table["lower"], table["upper"] = daily_interval(table["net"].to_numpy(), q)
        start = self.closing_balance if opening_balance is None else float(opening_balance)
        # the balance follows the expected net (streams + the other flows' daily mean); its
        # band: the history's band scaled to the backtest's cumulative errors
        table["expected_net"] = table["expected"]
        table["balance"] = start + table["expected_net"].cumsum()
        band_low, band_high = (b[:len(table)] for b in self.balance_band)
        table["balance_lower"], table["balance_upper"] = balance_interval(
            table["balance"].to_numpy(), band_low, band_high, q)
        threshold = float(self.params.get("low_balance_threshold", 0.0)
                          if low_balance_threshold is None else low_balance_threshold)
        below = table.index[table["balance"] < threshold]
        at_risk = table.index[table["balance_lower"] < threshold]
        table = table.reset_index()
        as_of = getattr(self, "as_of", None) or (table["date"].iloc[0] - pd.Timedelta(days=1))
        stale = 0 if today is None else max(0, (pd.Timestamp(today).normalize() - as_of).days)
        summary = {
            "as_of": str(as_of.date()), "days_after_as_of": stale,
            "note": (f"the export ends on {as_of.date()}, {stale} day(s) before the day asked "
                     "for: the forecast starts the day after the export's last day, and the "
                     "days in between are forecast, not known" if stale else ""),
            "total_inflow": float(table["inflow"].sum()), "total_outflow": float(table["outflow"].sum()),
            "net": float(table["expected_net"].sum()), "opening_balance": start,
            "balance_source": ("request" if opening_balance is not None
                               else getattr(self, "balance_source", "assumed_zero")),
            "closing_balance": float(table["balance"].iloc[-1]),
            "low_balance_threshold": threshold,
            "first_low_balance_day": str(below[0].date()) if len(below) else None,
            "first_day_balance_may_be_low": str(at_risk[0].date()) if len(at_risk) else None,
        }
        return table[["date", "point", "lower", "upper", "inflow", "outflow", "expected_net",
                      "balance", "balance_lower", "balance_upper"]], summary


# --------------------------------------------------------------------------- per account

def fit_from_backtest(transactions: pd.DataFrame, candidates: pd.DataFrame,
                      params: dict[str, Any], as_of: pd.Timestamp | str | None = None
                      ) -> CashflowModel:
    """The served model: its candidate chosen on the last ``inner_folds`` folds of the
    backtest table ``candidates`` (the most recent data), its intervals from the chosen
    candidate's errors on every fold."""
    names = candidate_names(params)
    candidates = candidates[candidates["method"].isin(names)]
    folds = sorted(candidates["fold"].unique())
    recent = folds[-int(params.get("inner_folds", 2)):]
    chosen = choose_candidate(candidates, recent, names,
                              str(params.get("default_candidate", names[0])),
                              float(params.get("selection_tolerance", 0.0)))
    quantiles = interval_quantiles(candidates[candidates["method"] == chosen],
                                   float(params.get("interval_coverage", 0.8)))
    return CashflowModel(chosen, params).fit(transactions, quantiles, as_of)


ACCOUNT_FORECAST_COLUMNS = ("account", "date", "point", "lower", "upper", "inflow", "outflow",
                            "expected_net", "balance", "balance_lower", "balance_upper")
ACCOUNT_SUMMARY_COLUMNS = ("account", "n_transactions", "evaluated", "n_folds", "candidate",
                           "mase", "best_baseline", "best_baseline_mase", "beats_best_baseline",
                           *(f"baseline_{name}_mase" for name in BASELINES),
                           "opening_balance", "balance_source", "closing_balance", "net",
                           "first_low_balance_day")


def forecast_accounts(transactions: pd.DataFrame, params: dict[str, Any],
                      end: pd.Timestamp | str | None = None
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each account's own backtest, model and ``horizon_days`` forecast (the pipeline's
    recipe, account by account): ``(forecast, summary)``, one forecast row per (account,
    day) and one summary row per account (its backtest MASE beside its strongest baseline;
    ``evaluated`` False and no forecast when the account has too little history).

    A transfer between the user's own accounts moves each account's balance, so here it is
    a flow of both accounts (``is_transfer`` is ignored); only the total forecast of all
    accounts leaves transfers out. ``end``: the last day of the data for every account
    (default: each account's last transaction). Accounts in sorted order; a function of
    each account's rows only, so any split of the table by account gives the same rows."""
    horizon = int(params["horizon_days"])
    threshold = float(params.get("low_balance_threshold", 0.0))
    accounts = (transactions["account"] if "account" in transactions
                else pd.Series("default", index=transactions.index))
    forecasts, summaries = [], []
    for account, rows in transactions.assign(account=accounts).groupby("account", sort=True):
        rows = rows.drop(columns=[c for c in ("is_transfer",) if c in rows]).reset_index(
            drop=True)
        summary: dict[str, Any] = {"account": account, "n_transactions": len(rows),
                                   "evaluated": False}
        table, outer, _ = evaluate_cashflow(rows, params,
                                            pd.Timestamp(end) if end is not None else None)
        if outer.empty or not (outer["method"] == "model").any():
            summaries.append(summary)
            continue
        scores = summarise_backtest(outer)
        baselines = {name: scores[f"baseline_{name}"]["mase"] for name in BASELINES
                     if f"baseline_{name}" in scores}
        best = min(baselines, key=baselines.get)
        model = fit_from_backtest(rows, table, params, end)
        forecast, result = model.predict(horizon, low_balance_threshold=threshold)
        forecasts.append(forecast.assign(account=account))
        summary.update({"evaluated": True, "n_folds": int(outer["fold"].nunique()),
                        "candidate": model.candidate,
                        **{f"baseline_{k}_mase": v for k, v in baselines.items()},
                        "mase": scores["model"]["mase"], "best_baseline": best,
                        "best_baseline_mase": baselines[best],
                        # a win only beyond the noise of the backtest (core.verdict)
                        "beats_best_baseline": versus_baseline(
                            outer, f"baseline_{best}")["verdict"] == BEATS,
                        **{k: result[k] for k in ("opening_balance", "balance_source",
                                                  "closing_balance", "net",
                                                  "first_low_balance_day")}})
        summaries.append(summary)
    forecast = (pd.concat(forecasts, ignore_index=True) if forecasts
                else pd.DataFrame(columns=list(ACCOUNT_FORECAST_COLUMNS)))
    summary = pd.DataFrame(summaries).reindex(columns=list(ACCOUNT_SUMMARY_COLUMNS))
    # fixed dtypes, whatever the accounts: tables of several partitions concatenate alike
    text = ["account", "candidate", "best_baseline", "balance_source", "first_low_balance_day"]
    summary[text] = summary[text].astype("str")
    summary["evaluated"] = summary["evaluated"].astype(bool)
    summary["beats_best_baseline"] = summary["beats_best_baseline"].astype("boolean")
    counts = ["n_transactions", "n_folds"]
    summary[counts] = summary[counts].astype("Int64")
    numbers = [c for c in summary if c not in {*text, *counts, "evaluated",
                                               "beats_best_baseline"}]
    summary[numbers] = summary[numbers].astype("float64")
    return forecast[list(ACCOUNT_FORECAST_COLUMNS)], summary
