"""The date an MT940 statement line carries (``:61:``): the entry (booking) date when the line
writes one, else the value date.

SWIFT's field 61 writes the value date first (YYMMDD, always) and the entry date after it
(MMDD, optional: "the date the transaction was booked to the account"). The project's
convention dates every line by the day the money moved on the account — the booking date,
without one the value date (docs/data_contract.md, "The date a line carries") — so an entry
date, when written, dates the line; the value date stays beside it. The entry date writes no
year: it takes the year that puts it nearest the value date (a line valued 31 December and
booked 2 January is booked in the next year; valued 2 January and booked 31 December, in the
year before). Both readers (the mt-940 library's and the tolerant one) date lines here, and
the reading report says how many lines each date dated (``info["date_columns"]``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

# No year puts a day further than this from a given day (366 / 2): an entry date further
# from its value date in every year (0229 beside a value date far from a leap year's
# February) is no day of this line.
HALF_YEAR_DAYS = 183
ENTRY_DATE = "entry date (:61:)"
VALUE_DATE = "value date (:61:)"


def entry_date(value_date: str, mmdd: str) -> str | None:
    """The entry date ``mmdd`` (``"0102"``) as an ISO day in the year nearest the ISO
    ``value_date``; of two years as near (half a year each way), the value date's own.
    None when ``mmdd`` is no day of those years within `HALF_YEAR_DAYS` of the value date
    (``"1332"``; ``"0229"`` beside a value date of 2023)."""
    try:
        value = dt.date.fromisoformat(value_date)
    except ValueError:  # (no day: the line is quarantined on its value date)
        return None
    month, day = int(mmdd[:2]), int(mmdd[2:])
    candidates = []
    for offset in (0, -1, 1):  # (the value date's year first: it wins a tie)
        try:
            candidates.append(dt.date(value.year + offset, month, day))
        except ValueError:
            continue
    nearest = min(candidates, key=lambda d: abs((d - value).days), default=None)
    if nearest is None or abs((nearest - value).days) > HALF_YEAR_DAYS:
        return None
    return nearest.isoformat()


def line_dates(value_dates: list[str], entries: list[str]) -> tuple[list[str], dict[str, Any]]:
    """``(dates, evidence)``: each line's date — its entry date when written (``entries``:
    MMDD or ``""``), else its value date (ISO) — and what dated the lines, for the reading
    report (the ``date_columns`` entry the import page's *dated by* row shows). An entry
    date written but no day (``1332``) leaves the line on its value date, and the reading
    says it is unsure."""
    dates, by_entry, unreadable, earlier, later = [], 0, 0, 0, 0
    for value, written in zip(value_dates, entries, strict=True):
        entry = entry_date(value, written) if written.strip().isdigit() and len(
            written.strip()) == 4 and value else None
        unreadable += bool(written.strip()) and entry is None
        if entry is None:
            dates.append(value)
            continue
        by_entry += 1
        earlier += entry < value
        later += entry > value
        dates.append(entry)
    evidence: dict[str, Any] = {
        "columns": [ENTRY_DATE, VALUE_DATE],
        "booking_date": ENTRY_DATE if by_entry else VALUE_DATE,
        "decided_by": "entry_date_when_written" if by_entry else "no_entry_date_written",
        "lines": {ENTRY_DATE: by_entry, VALUE_DATE: len(dates) - by_entry},
        f"{ENTRY_DATE} before {VALUE_DATE}": earlier,
        f"{VALUE_DATE} before {ENTRY_DATE}": later}
    if unreadable:
        evidence["unsure"] = (f"{unreadable} of {len(dates)} :61: lines write an entry date that "
                              "is no day (MMDD): dated by their value date")
    return dates, evidence
