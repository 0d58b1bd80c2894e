"""Recurring streams: the flows of one counterparty that come back once per period on a
calendar anchor (a day of the month, days before its end, a weekday, a day of the year)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from titans_finance.core.feature_text import normalise_merchant


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
    # > 0: it comes every cycle_days days rather than on its calendar anchor (a withdrawal
    # every 30 days drifts through the month); projected from last_date on
    cycle_days: int = 0
    recent_amounts: tuple = ()  # the recent signed amounts its amount is the median of

    def likely_amount(self) -> float:
        """The amount to forecast on its day when the forecast is scored day by day (by
        absolute error): it lands on its day with about ``exact_share`` chance, so the
        day's median is the (1 − 0.5 / exact_share) quantile of its recent amounts in size
        (their median when it always lands, smaller as it lands less often: a withdrawal
        of 100 to 10,700 on its day 3 times in 4 is forecast at its 33rd percentile)."""
        recent = np.abs(np.asarray(getattr(self, "recent_amounts", ()), dtype="float64"))
        if self.exact_share >= 1.0 or len(recent) == 0:
            return self.amount
        level = max(0.0, 1.0 - 0.5 / self.exact_share) if self.exact_share > 0 else 0.0
        return float(np.sign(self.amount) * np.quantile(recent, level))

    @property
    def kind(self) -> str:
        return {"M": "monthly", "W": "weekly", "Y": "annual"}[self.period]

    @property
    def day(self) -> int:
        return self.position

    @property
    def when(self) -> int | str:
        """When it comes, as the metrics list it: its day (of the month, week or year),
        days before the month's end, or its cycle."""
        cycle = getattr(self, "cycle_days", 0)  # 0 on a stream pickled before cycles
        if cycle:
            return f"every {cycle} days"
        return f"{self.position} before month end" if self.anchor == "end" else self.position

    def dates_between(self, start: pd.Timestamp, end: pd.Timestamp,
                      business_days_only: bool = False, by_cycle: bool = True
                      ) -> pd.DatetimeIndex:
        """Its dates in ``[start, end]``: every ``cycle_days`` from its last date when it
        has a cycle and ``by_cycle``, else its calendar anchor's dates in the periods it
        has not occurred in yet (once per period).

        ``by_cycle`` False is for the balance: the cycle is the gap that foretold the exact
        next day most often (what a forecast scored day by day needs); the stream itself is
        one occurrence per period, and a second one in a period (every 30 days: the 1st
        and the 31st) is left to the other flows, whose mean level the balance also
        follows — projecting the cycle there would pay it twice. A few days off the cycle
        cost a running total little."""
        if end < start:
            return pd.DatetimeIndex([])
        cycle = getattr(self, "cycle_days", 0)  # 0 on a stream pickled before cycles
        if cycle > 0 and by_cycle:
            steps = np.arange(1, (end - self.last_date).days // cycle + 1)
            dates = self.last_date + pd.to_timedelta(steps * cycle, unit="D")
            if business_days_only:
                dates = pd.DatetimeIndex([d + pd.offsets.BDay(0) for d in dates])
            return pd.DatetimeIndex(dates[(dates >= start) & (dates <= end)])
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
        "amount": amount,
        # a bank transfer names its counterparty's account (a standing order, a salary)
        "bank_transfer": (transactions["payment_method"].astype(str).to_numpy() == "bank_transfer"
                          if "payment_method" in transactions
                          else np.zeros(len(transactions), dtype=bool))})
    transfer = transactions.get("is_transfer")
    if transfer is not None:  # transfers between the user's own accounts are not flows
        frame = frame[~transfer.fillna(False).astype(bool).to_numpy()]
    return frame.sort_values("date", kind="stable").reset_index(drop=True)


def detect_streams(transactions: pd.DataFrame, params: dict[str, Any],
                   as_of: pd.Timestamp | None = None) -> list[RecurringStream]:
    """Recurring streams in the transactions up to ``as_of`` (see `models.cashflow`)."""
    frame = _frame_for_streams(transactions)
    if frame.empty:
        return []
    as_of = pd.Timestamp(as_of) if as_of is not None else frame["date"].max()
    return _streams_of_frame(frame[frame["date"] <= as_of], params, as_of)[0]


def _streams_of_frame(frame: pd.DataFrame, params: dict[str, Any], as_of: pd.Timestamp
                      ) -> tuple[list[RecurringStream], np.ndarray]:
    """The streams of these flows and the mask of the flows that belong to one."""
    tolerance = int(params["max_day_jitter"])
    share = float(params["min_period_share"])
    window = int(params["amount_window"])
    minimum = {"M": int(params["min_occurrences"]), "W": int(params["min_weekly_occurrences"]),
               "Y": 2}
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
            for _ in range(int(params["max_streams_per_key"])):
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
                if others / span * width > float(params["max_chance_matches"]):
                    break
                # an annual stream is seen only a few times: only a counterparty that is
                # otherwise rare counts (not a shop visited twice near the same date)
                if period == "Y" and others > len(used) // 2:
                    break
                stream = _stream(key, period, anchor, position, used, distance, dates, amount,
                                 labels[period], share, window, tolerance, as_of,
                                 float(params["cycle_max_amount_ratio"]))
                if stream is None:
                    break
                streams.append(stream)
                in_stream[used] = True
                remaining = remaining[~np.isin(remaining, used)]
    return streams, in_stream


def _best_stream(rows: np.ndarray, labels: np.ndarray, coordinates: dict[str, np.ndarray],
                 period: str, tolerance: int, minimum: int):
    """The anchor that explains these rows best — the periods that land on it within the
    tolerance plus those that land on it exactly — and the one row per period that lands
    closest to it.

    Counting the exact ones too: a deposit on the 11th of every month lands within 3 days
    of "17 days before the month's end" in as many months (30-11, 31-11 and 28-11 are 19,
    20 and 17), and in one more when a first deposit came on the 15th; the day of month
    that it lands on exactly eight times is the anchor, the one it hit once is not (a
    daily forecast projects the anchor's own day)."""
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
            exact = int((distance[first] == 0).sum())
            score = (len(first) + exact, len(first))
            if best is None or score > best[0]:
                best = (score, anchor, int(position), rows[first], distance[first])
    return None if best is None else best[1:]


def _stream(key: str, period: str, anchor: str, position: int, used: np.ndarray,
            distance: np.ndarray, dates: pd.DatetimeIndex, amount: np.ndarray,
            labels: np.ndarray, share: float, window: int, tolerance: int,
            as_of: pd.Timestamp, cycle_max_amount_ratio: float) -> RecurringStream | None:
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
    exact_share = float((distance == 0).mean())
    cycle, cycle_share = (_cycle(dates[used][order]) if period == "M" else (0, 0.0))
    cycle = cycle if cycle > 0 and cycle_share > exact_share else 0
    if cycle:
        # a fixed cycle foretells the day of a fixed payment (a standing order every 4
        # weeks); cash withdrawals of 100 to 10,700 every 30 days are a habit whose next
        # event often comes with another amount or sign (a deposit on the withdrawals'
        # day): the daily forecast leaves such a stream out (exact share 0), the balance
        # and the "all" set keep it
        exact_share = cycle_share if amounts_agree(recent, cycle_max_amount_ratio) else 0.0
    return RecurringStream(
        merchant=merchant, sign=int(sign), period=period, anchor=anchor, position=position,
        amount=_stream_amount(recent), amount_low=float(recent[np.argmin(np.abs(recent))]),
        amount_high=float(recent[np.argmax(np.abs(recent))]),
        exact_share=exact_share, occurrences=int(len(used)),
        last_date=pd.Timestamp(last), periods_seen=seen,
        recent_amounts=tuple(recent.tolist()), cycle_days=cycle)


def amounts_agree(amounts: np.ndarray, max_ratio: float) -> bool:
    """Whether the largest of ``amounts`` (in size) is at most ``max_ratio`` times the
    smallest: a fixed payment comes back with about its amount."""
    size = np.abs(np.asarray(amounts, dtype="float64"))
    return bool(len(size) and size.max() <= max_ratio * size.min() + 1e-9)


def _cycle(dates: pd.DatetimeIndex) -> tuple[int, float]:
    """The most common gap in days between consecutive dates (the shortest of equally
    common ones) and the share of gaps exactly that long: how often "the last date plus
    the cycle" foretold the next one (a calendar anchor's own share of exact days is the
    other explanation)."""
    if len(dates) < 3:
        return 0, 0.0
    gaps = np.diff(dates.to_numpy()).astype("timedelta64[D]").astype("int64")
    values, counts = np.unique(gaps, return_counts=True)
    cycle = int(values[np.argmax(counts)])
    return cycle, float((gaps == cycle).mean())


def _stream_amount(recent: np.ndarray) -> float:
    """The amount to project: the median of the recent amounts (a bonus month or a variable
    bill does not move it), unless the last two agree with each other and not with it — a
    new rent, a raised salary: the amount has moved, and the median would lag behind it
    for half the window."""
    median = float(np.median(recent))
    if len(recent) >= 2 and np.isclose(recent[-1], recent[-2]) and not np.isclose(
            recent[-1], median):
        return float(recent[-1])
    return median


def detect_recurring(transactions: pd.DataFrame, params: dict[str, Any]) -> list[RecurringStream]:
    """The streams of the whole export (kept name: the reports list them as recurring items)."""
    return detect_streams(transactions, params)
