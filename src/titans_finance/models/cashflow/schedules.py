"""Schedules as a budgeting app's user types them in (Actual, Firefly III, YNAB): every
payment that recurred on its day of month in 2 of the last 3 months, with its latest
amount. The scorecard's scheduled-payments peer repeats them; the model adds the *young*
ones (not yet seen often enough to be a stream) to its streams, with what a user would
know better than a day-of-month rule: the month's last day is an anchor too (where a
small booking of a counterparty seen on no other day, the bank's interest or fee, needs
only the last month), and a counterparty seen often or amounts that disagree are chance,
not a schedule."""

from __future__ import annotations

import numpy as np
import pandas as pd

from titans_finance.models.cashflow.streams import _frame_for_streams

SCHEDULE_MONTHS = 3  # "in 2 of the last 3 months"
SCHEDULE_MIN_MONTHS = 2


def schedules(transactions: pd.DataFrame, cutoff: pd.Timestamp,
              months: int = SCHEDULE_MONTHS, min_months: int = SCHEDULE_MIN_MONTHS,
              anchors: tuple[str, ...] = ("day",),
              max_chance_matches: float | None = None,
              max_amount_ratio: float | None = None,
              month_end_alone_min_months: int | None = None,
              month_end_alone_max_share: float = 0.5,
              transfer_alone_min_months: int | None = None) -> pd.DataFrame:
    """The payments that recurred on the same calendar anchor (same counterparty, same
    direction) in at least ``min_months`` of the ``months`` month-long windows before
    ``cutoff`` (window k: after cutoff − k months, up to cutoff − (k−1) months).

    ``anchors``: "day" (the day of month, what a budgeting app's user types in) and, in
    that order, "month_end" (the month's last day: interest on the 30th, 31st and 28th
    is one schedule); a payment that makes a schedule on an earlier anchor is not used
    again on a later one.
    ``max_chance_matches``: a counterparty seen often lands on the same day twice by
    chance (cash withdrawals): with it, a schedule is kept only when its counterparty's
    other transactions in the windows are at most this many per day (the expected chance
    matches of one day per window); None: every schedule (the peer's).
    ``max_amount_ratio``: a fixed payment comes back with about the same amount, two
    withdrawals that happen to share a day rarely do: with it, a schedule is kept only
    when its largest window total is at most this many times its smallest (in size), or
    when it is a month-end schedule of a counterparty seen on no other day (no chance
    match possible; interest follows the balance).

    One row per schedule: merchant, day (1-31), anchor, position (the anchor's value: the
    day, or days before the end), amount (signed: the latest window's total of that
    counterparty on that anchor, what a user would type in)."""
    cutoff = pd.Timestamp(cutoff).normalize()
    frame = _frame_for_streams(transactions[pd.to_datetime(transactions["date"]) <= cutoff])
    columns = ["merchant", "day", "anchor", "position", "amount"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    edges = [cutoff - pd.DateOffset(months=k) for k in range(months + 1)]
    window = np.full(len(frame), -1)
    for k in range(months):  # k = 0: the most recent month
        inside = (frame["date"] > edges[k + 1]) & (frame["date"] <= edges[k])
        window[inside.to_numpy()] = k
    calendar = month_end_windows(frame["date"], cutoff)
    everything = frame.assign(window=window,
                              month_end_window=np.where(calendar < months, calendar, -1))
    available = np.ones(len(everything), dtype=bool)  # not yet part of a schedule
    month_end = (everything["date"].dt.day == everything["date"].dt.days_in_month).to_numpy()
    found = []
    for anchor in anchors:
        frame = everything[available & (everything["window"] >= 0).to_numpy()]
        if anchor == "month_end":
            # the month's last day is no fixed day of month: windows a month long that end
            # on the cutoff put October's 31st and November's 30th both in one window for
            # a cutoff on December 30th (and none in the window before), so a month-end
            # schedule's windows are the last calendar months that have ended
            keyed = everything[available & month_end
                               & (everything["month_end_window"] >= 0).to_numpy()]
            keyed = keyed.assign(position=0, window=keyed["month_end_window"].to_numpy())
        else:
            keyed = frame.assign(position=frame["date"].dt.day.to_numpy())
        per_window = keyed.groupby(["merchant", "sign", "position", "window"], as_index=False)[
            "amount"].sum()
        counts = per_window.groupby(["merchant", "sign", "position"])["window"].nunique()
        kept = counts[counts >= min_months].index
        if anchor == "month_end" and month_end_alone_min_months is not None:
            kept = kept.append(_month_end_alone(per_window, counts, frame, keyed, min_months,
                                                month_end_alone_min_months,
                                                month_end_alone_max_share))
        if anchor == "day" and transfer_alone_min_months is not None:
            kept = kept.append(_transfer_alone(per_window, counts, frame, keyed, min_months,
                                               transfer_alone_min_months))
        if max_chance_matches is not None and len(kept):
            per_key = frame.groupby(["merchant", "sign"]).size()
            on_anchor = keyed.groupby(["merchant", "sign", "position"]).size().loc[kept]
            others = (per_key.reindex(on_anchor.index.droplevel(2)).fillna(0).to_numpy()
                      - on_anchor).clip(lower=0)
            days = max((edges[0] - edges[months]).days, 1)
            kept = kept[(others / days <= max_chance_matches + 1e-12).to_numpy()]
        if max_amount_ratio is not None and len(kept):
            size = per_window.set_index(["merchant", "sign", "position"])["amount"].abs()
            spread = size.groupby(level=[0, 1, 2]).agg(["min", "max"]).loc[kept]
            agree = (spread["max"] <= max_amount_ratio * spread["min"] + 1e-9).to_numpy()
            # chance needs other transactions of the counterparty: one seen on no other
            # day of the windows, on the month's last day, is a schedule whatever its
            # amounts (interest and fees are booked there and follow the balance; a new
            # account's first month is a part month)
            per_key = frame.groupby(["merchant", "sign"]).size()
            on_anchor = keyed.groupby(["merchant", "sign", "position"]).size().loc[kept]
            alone = (per_key.reindex(on_anchor.index.droplevel(2)).fillna(0).to_numpy()
                     - on_anchor.to_numpy()) <= 0
            kept = kept[agree | (alone & (anchor == "month_end"))]
        if len(kept) == 0:
            continue
        latest = (per_window.set_index(["merchant", "sign", "position"]).loc[kept]
                  .sort_values("window").groupby(level=[0, 1, 2])["amount"].first())
        rows = latest.reset_index().assign(anchor=anchor)
        rows["day"] = rows["position"] if anchor == "day" else 31
        found.append(rows)
        used = pd.MultiIndex.from_frame(keyed[["merchant", "sign", "position"]]).isin(kept)
        available[everything.index.get_indexer(keyed.index[used])] = False
    if not found:
        return pd.DataFrame(columns=columns)
    return pd.concat(found, ignore_index=True)[columns]


def _month_end_alone(per_window: pd.DataFrame, counts: pd.Series, frame: pd.DataFrame,
                     keyed: pd.DataFrame, min_months: int, fewest: int,
                     max_share: float) -> pd.MultiIndex:
    """`_alone_in_last_month`'s month-end keys whose latest month's total is at most
    ``max_share`` of the median day with flows (in size): the bank's own bookings on the
    month's last day (interest, fees: a new account's first interest comes again a month
    later), not a one-off payment that happened to land on the 31st (one month says
    nothing about that one)."""
    young = _alone_in_last_month(per_window, counts, frame, keyed, min_months, fewest)
    if len(young) == 0:
        return young
    latest = per_window[per_window["window"] == 0].set_index(
        ["merchant", "sign", "position"])["amount"]
    days = frame.groupby("date")["amount"].sum().abs()
    typical = float(days[days > 0].median()) if (days > 0).any() else 0.0
    return young[latest.loc[young].abs().to_numpy() <= max_share * typical + 1e-9]


def _alone_in_last_month(per_window: pd.DataFrame, counts: pd.Series, frame: pd.DataFrame,
                         keyed: pd.DataFrame, min_months: int, fewest: int) -> pd.MultiIndex:
    """The keys seen in fewer than ``min_months`` but at least ``fewest`` of the windows,
    the last one among them, whose counterparty came on no other day of the windows."""
    young = counts[(counts >= fewest) & (counts < min_months)].index
    last = per_window[per_window["window"] == 0].set_index(["merchant", "sign", "position"])
    young = young[young.isin(last.index)]
    if len(young) == 0:
        return young
    per_key = frame.groupby(["merchant", "sign"]).size()
    on_anchor = keyed.groupby(["merchant", "sign", "position"]).size().loc[young]
    others = per_key.reindex(on_anchor.index.droplevel(2)).fillna(0).to_numpy() - \
        on_anchor.to_numpy()
    return young[others <= 0]


def _transfer_alone(per_window: pd.DataFrame, counts: pd.Series, frame: pd.DataFrame,
                    keyed: pd.DataFrame, min_months: int, fewest: int) -> pd.MultiIndex:
    """`_alone_in_last_month`'s day-of-month keys whose payments are all bank transfers:
    a transfer to or from an account is a standing order or a salary far more often than
    a one-off (a cash withdrawal is not: it comes when it comes)."""
    young = _alone_in_last_month(per_window, counts, frame, keyed, min_months, fewest)
    if len(young) == 0:
        return young
    transfer = keyed.groupby(["merchant", "sign", "position"])["bank_transfer"].all()
    return young[transfer.loc[young].to_numpy()]


def month_end_windows(dates: pd.Series, cutoff: pd.Timestamp) -> np.ndarray:
    """Each date's calendar month counted back from the last month that has ended by
    ``cutoff`` (0: that month; a cutoff on a month's last day has ended that month; -1: a
    month not ended yet)."""
    cutoff = pd.Timestamp(cutoff).normalize()
    last_ended = cutoff.year * 12 + cutoff.month - 1 - (0 if cutoff.is_month_end else 1)
    dates = pd.DatetimeIndex(dates)
    back = last_ended - (dates.year * 12 + dates.month - 1).to_numpy()
    return np.where(back >= 0, back, -1)


def schedule_dates(day_of_month: int, future: pd.DatetimeIndex,
                   business_days_only: bool = False, anchor: str = "day",
                   position: int | None = None) -> pd.DatetimeIndex:
    """The days of ``future`` a schedule on ``day_of_month`` falls on (the month's last day
    when the month is shorter; the next business day for an account that never posts at
    weekends, when that day is still in ``future``). ``anchor`` "month_end": the month's
    last day."""
    day = future.day.to_numpy()
    if anchor == "end":
        days_before_end = future.days_in_month.to_numpy() - day
        dates = future[days_before_end == 0]
    else:
        dates = future[day == np.minimum(int(day_of_month), future.days_in_month.to_numpy())]
    if business_days_only:
        dates = pd.DatetimeIndex([d + pd.offsets.BDay(0) for d in dates])
        dates = dates[dates <= future[-1]]
    return dates


def project_schedules(found: pd.DataFrame, future: pd.DatetimeIndex,
                      business_days_only: bool = False) -> np.ndarray:
    """Daily net flow over ``future`` of the schedules ``found`` (`schedules`' rows)."""
    out = np.zeros(len(future))
    anchors = found["anchor"] if "anchor" in found else pd.Series("day", index=found.index)
    positions = found["position"] if "position" in found else found["day"]
    for schedule_day, anchor, position, amount in zip(
            found["day"].to_numpy(), anchors.to_numpy(), positions.to_numpy(),
            found["amount"].to_numpy()):
        dates = schedule_dates(int(schedule_day), future, business_days_only, str(anchor),
                               int(position))
        np.add.at(out, (dates - future[0]).days.to_numpy(), float(amount))
    return out


def scheduled_payments_forecast(transactions: pd.DataFrame, cutoff: pd.Timestamp,
                                steps: int) -> np.ndarray:
    """Daily net flow of the ``steps`` days after ``cutoff`` from the `schedules`: each on
    its day of month (the month's last day when the month is shorter), nothing else: what
    a budgeting app's user would have typed in (the scorecard's peer)."""
    cutoff = pd.Timestamp(cutoff).normalize()
    future = pd.date_range(cutoff + pd.Timedelta(days=1), periods=steps, freq="D")
    return project_schedules(schedules(transactions, cutoff), future)


