"""One fit at one cutoff: the streams, each candidate's daily forecast, the expected net and
the running total's band shape (`forecast_parts`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from titans_finance.models.cashflow.flows import daily_flows
from titans_finance.models.cashflow.intervals import rolling_total_quantiles
from titans_finance.models.cashflow.schedules import project_schedules, schedules
from titans_finance.models.cashflow.streams import (
    RecurringStream,
    _frame_for_streams,
    _streams_of_frame,
)

# Which streams are projected: only those that landed on their exact date in at least
# half of their periods ("exact": the absolute-error-optimal choice for a daily forecast),
# or every stream ("all": better for the balance when dates wobble by a day or two).
# "exact_young" / "all_young": the same plus the *young* schedules — payments on the same
# day of month in 2 of the last 3 months whose counterparty is no stream yet (a new
# salary, a new loan), as a budgeting app's user would type them in (`schedules`).
STREAM_SETS = ("exact", "all", "exact_young", "all_young")
# The young schedules' anchors: the day of month, then the month's last day (interest
# and fees on the last day: the 30th, 31st or 28th)
YOUNG_SCHEDULE_ANCHORS = ("day", "month_end")



def _posts_on_weekends(transactions: pd.DataFrame) -> bool:
    weekday = pd.to_datetime(transactions["date"]).dt.dayofweek
    return bool(len(weekday) == 0 or (weekday >= 5).mean() >= 0.02)


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
    # stream set → (inflow, outflow); "balance": every stream on its calendar anchor, what
    # the expected balance follows (not a candidate's daily forecast)
    stream_flow: dict[str, tuple[np.ndarray, np.ndarray]]
    rest: dict[str, np.ndarray]  # rest forecaster → daily net
    rest_level: float  # the non-stream flows' mean daily net (the balance drifts by it)
    balance_bands: tuple[np.ndarray, np.ndarray]  # (low, high) around the expected balance
    # the non-stream flows' mean daily inflow and outflow (their difference: rest_level)
    rest_flow_levels: tuple[float, float] = (0.0, 0.0)
    # the non-stream flows' daily deviations from their level over the band's history,
    # oldest first: what the days around the expected path looked like (`shortfall`)
    rest_residuals: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # every projected stream occurrence (date, merchant, signed amount), date order
    schedule: list[dict[str, Any]] = field(default_factory=list)

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
        inflow, outflow = self.expected_flows(candidate)
        return inflow - outflow

    def expected_flows(self, candidate: str) -> tuple[np.ndarray, np.ndarray]:
        """The expected daily inflow and outflow (every stream, and the rest's mean daily
        inflow and outflow): their difference is `expected`."""
        inflow, outflow = self.stream_flow["balance"]
        rest_in, rest_out = self.rest_flow_levels
        return inflow + rest_in, outflow + rest_out

    def flows(self, candidate: str) -> tuple[np.ndarray, np.ndarray]:
        streams, rest = candidate.split("+")
        inflow, outflow = self.stream_flow[streams]
        rest_net = self.rest[rest]
        return inflow + np.clip(rest_net, 0, None), outflow + np.clip(-rest_net, 0, None)


def _near_a_stream(day: int, anchor: str, stream: RecurringStream, jitter: int) -> bool:
    """Whether a schedule on ``day`` of the month (``anchor`` "month_end": the month's
    last day) lands within ``jitter`` days of the monthly ``stream``'s anchor in some
    month (28 to 31 days long); a weekly or annual stream is near every day."""
    if stream.period != "M":
        return True
    last = (28, 31)  # the month's last day, in the shortest and the longest month
    days = last if anchor == "month_end" else (day, day)
    if stream.anchor == "day":
        low, high = stream.position - jitter, stream.position + jitter
        return days[0] <= high and days[1] >= low
    # days before the end: the month's last day is 0 of them; day d is 28-d to 31-d
    before = (0, 0) if anchor == "month_end" else (last[0] - day, last[1] - day)
    return before[0] <= stream.position + jitter and before[1] >= stream.position - jitter


def _young_schedules(found: pd.DataFrame, streams: list[RecurringStream],
                     future: pd.DatetimeIndex, jitter: int) -> np.ndarray:
    """Daily net of the schedules ``found`` (2 of the last 3 months on their day of month
    or on the month's last day) that no stream of their counterparty and direction
    already covers, on their day (two months say little about weekend rolling: a pension
    seen on a Sunday twice would be moved to the Monday). A schedule within ``jitter``
    days of such a stream's anchor is that stream, even one whose dates wobble too much
    to be projected (measured on Berka: projecting such a stream's exact days adds more
    misses than it catches); one on another day of the month is a schedule of its own (a
    monthly deposit on the 10th beside small ones around the 14th)."""
    if found.empty:
        return np.zeros(len(future))
    by_key: dict[tuple[str, int], list[RecurringStream]] = {}
    for stream in streams:
        by_key.setdefault((stream.merchant, stream.sign), []).append(stream)
    sign = np.where(found["amount"].to_numpy() >= 0, 1, -1)
    keep = [not any(_near_a_stream(int(day), str(anchor), stream, jitter)
                    for stream in by_key.get((merchant, int(g)), []))
            for merchant, g, day, anchor in zip(found["merchant"], sign, found["day"],
                                                found["anchor"])]
    return project_schedules(found[keep], future)


def candidate_names(params: dict[str, Any]) -> list[str]:
    # the forecasters (sktime) imported when fitting only: the served model forecasts from
    # its stored parts, and the service's worker never pays for sktime (~9 MiB)
    from titans_finance.models.cashflow.forecasters import REST_FORECASTERS

    names = list(params["candidates"])
    for name in names:
        streams, _, rest = name.partition("+")
        if streams not in STREAM_SETS or rest not in REST_FORECASTERS:
            raise ValueError(f"unknown cash-flow candidate {name!r}: use '<streams>+<rest>' with "
                             f"streams in {STREAM_SETS} and rest in {REST_FORECASTERS}")
    return names


def forecast_parts(transactions: pd.DataFrame, params: dict[str, Any], as_of: pd.Timestamp,
                   steps: int, rest_names: tuple[str, ...] | None = None,
                   start: pd.Timestamp | None = None) -> ForecastParts:
    """Fit on the transactions up to ``as_of``; every candidate's forecast of the next days
    (the rest forecasters ``rest_names``, all of `REST_FORECASTERS` when None)."""
    from titans_finance.models.cashflow.forecasters import REST_FORECASTERS, _rest_forecast

    rest_names = REST_FORECASTERS if rest_names is None else rest_names
    as_of = pd.Timestamp(as_of).normalize()
    past = transactions[pd.to_datetime(transactions["date"]) <= as_of]
    future = pd.date_range(as_of + pd.Timedelta(days=1), periods=steps, freq="D")
    frame = _frame_for_streams(past)
    streams, in_stream = _streams_of_frame(frame, params, as_of)
    business_only = not _posts_on_weekends(past)
    exact_share = float(params["min_exact_share"])
    stream_flow = {}
    schedule = []
    for name in ("exact", "all", "balance"):
        inflow, outflow = np.zeros(steps), np.zeros(steps)
        for stream in streams:
            if name == "exact" and stream.exact_share < exact_share:
                continue
            # the daily forecasts ("exact", "all") project a cycle stream on its cycle; the
            # balance ("balance") on its calendar anchor, once per period (`dates_between`)
            dates = stream.dates_between(future[0], future[-1], business_only,
                                         by_cycle=name != "balance")
            position = ((dates - future[0]).days).to_numpy()
            target = inflow if stream.amount > 0 else outflow
            # the daily forecast ("exact"): the day's most likely amount; "all" and the
            # balance the stream's typical amount
            amount = stream.likely_amount() if name == "exact" else stream.amount
            np.add.at(target, position, abs(amount))
            if name == "balance":  # the occurrences the balance's path pays
                schedule += [{"date": str(d.date()), "merchant": stream.merchant,
                              "amount": float(stream.amount)} for d in dates]
        stream_flow[name] = (inflow, outflow)
    found = schedules(past, as_of, anchors=YOUNG_SCHEDULE_ANCHORS,
                      max_chance_matches=float(params["max_chance_matches"]),
                      max_amount_ratio=float(params["young_schedule_max_amount_ratio"]),
                      month_end_alone_min_months=int(params["young_month_end_min_months"]),
                      month_end_alone_max_share=float(params["young_month_end_max_share"]),
                      transfer_alone_min_months=int(params["young_transfer_min_months"]))
    young = _young_schedules(found, streams, future, int(params["max_day_jitter"]))
    for name in ("exact", "all"):
        inflow, outflow = stream_flow[name]
        stream_flow[f"{name}_young"] = (inflow + np.clip(young, 0, None),
                                        outflow + np.clip(-young, 0, None))
    rest_rows = frame[~in_stream]
    rest_daily = daily_flows(rest_rows, end=as_of,
                             start=start if start is not None else (
                                 frame["date"].min() if len(frame) else as_of))
    rest = rest_daily["net"]
    forecasts = {name: _rest_forecast(rest, name, steps) for name in rest_names}
    coverage = float(params["interval_coverage"])
    history = rest.to_numpy()[-int(params["band_history_days"]):]
    level_days = int(params["rest_level_days"])
    rest_in = _rest_level(rest_daily["inflow"].to_numpy(), level_days)
    rest_out = _rest_level(rest_daily["outflow"].to_numpy(), level_days)
    level = rest_in - rest_out
    # the balance band: how far the non-stream flows strayed from their typical level over
    # every window of the same length in the history
    bands = rolling_total_quantiles(history - level, steps, coverage)
    return ForecastParts(as_of=as_of, future=future, streams=streams, stream_flow=stream_flow,
                         rest=forecasts, rest_level=level, balance_bands=bands,
                         rest_flow_levels=(rest_in, rest_out),
                         rest_residuals=history - level,
                         schedule=sorted(schedule, key=lambda item: item["date"]))
