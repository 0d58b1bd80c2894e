"""The booking day of an ISO 20022 date-time (``2014-01-04T23:00:00.000Z``).

A date-time with an offset is an instant; the day a bank books it on is the day in the
statement's own time zone. ``23:00Z`` is the 5th in Amsterdam (+01:00), the 4th in
London. The zone is known, in this order, from:

1. the offsets the statement writes itself that are not UTC (``CreDtTm``, ``FrDtTm``,
   ``ToDtTm`` with ``+01:00``): the statement speaks that zone;
2. the statement's period (``FrDtTm``..``ToDtTm``) when every one of its times is in UTC:
   a booking instant outside the period, which the smallest whole-hour shift
   (-12..+14 h) brings inside for every booking, tells the zone the period was cut in;
3. otherwise none is known: a UTC date-time is read on its UTC day, and the reading says
   that this was assumed.

A date-time without an offset is a local time already: its day is the day written, and so
is that of a date-time with its own non-UTC offset. Plain module (no Kedro).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

_SHIFTS_HOURS = sorted(range(-12, 15), key=lambda h: (abs(h), -h))


def _instant(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        return None


def _is_utc(moment: datetime) -> bool:
    return moment.utcoffset() == timedelta(0)


def statement_zone(statement_times: list[str], period: tuple[str, str] | None,
                   bookings: list[str]) -> tuple[timezone | None, str]:
    """The statement's time zone and what decided it (see the module's order)."""
    written = [m for m in map(_instant, statement_times) if m is not None]
    zoned = [m for m in written if m.tzinfo is not None and not _is_utc(m)]
    if zoned:
        offset = zoned[0].utcoffset()
        return timezone(offset), f"the statement's own offset ({_label(offset)})"
    instants = [m for m in map(_instant, bookings)
                if m is not None and m.tzinfo is not None and _is_utc(m)]
    if not instants:
        return None, "no UTC date-times to place"
    start, end = (_instant(t) if t else None for t in (period or ("", "")))
    if start is not None and end is not None and start.tzinfo and end.tzinfo:
        for hours in _SHIFTS_HOURS:
            shift = timedelta(hours=hours)
            if all(start <= m + shift <= end for m in instants):
                if hours == 0:
                    return timezone.utc, "the statement period (UTC)"
                # the period's bounds were local times written as UTC
                return timezone(shift), f"the statement period ({_label(shift)})"
    return timezone.utc, "assumed UTC: the statement writes no other offset"


def _label(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def booking_day(text: str, zone: timezone | None) -> str:
    """``YYYY-MM-DD`` of a date-time in the statement's zone (a UTC instant moved into
    it; a local time, or one with its own non-UTC offset, on the day written)."""
    moment = _instant(text)
    if moment is None:
        return text.strip()[:10]
    if moment.tzinfo is not None and _is_utc(moment) and zone is not None:
        moment = moment.astimezone(zone)
    return moment.date().isoformat()
