"""The parsed form of a request's amount and date spellings, cached by spelling: single
requests and batches repeat them, and the ingestion's parsers (`core.normalise`) cost ~1 ms
a call whatever its size. Each spelling is read as a single value would be, never decided by
the others in the same call. pandas is imported only when a spelling is first parsed (the
service's module import stays free of it: tests/serving/test_memory.py)."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import OrderedDict
from typing import Any

# the longest amount or date spelling read (longer ones are refused by the item validator)
MAX_VALUE_CHARS = 40


class Unreadable:
    """A value the batch pre-parse could not read (the item validator reports it)."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


class SpellingCache:
    """Parsed values by spelling, shared by single requests and batches: requests repeat
    dates and amounts, and the parsers cost ~1 ms per call whatever its size. Bounded:
    at most ``size`` spellings of at most MAX_VALUE_CHARS characters (oldest dropped)."""

    def __init__(self, parse_many, size: int = 4096):
        self._parse_many, self._size = parse_many, size
        self._values: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, spellings: set[str]) -> dict[str, Any]:
        """Parsed value (or `Unreadable`) of each spelling; the unseen ones in one call."""
        with self._lock:
            found = {s: self._values[s] for s in spellings if s in self._values}
        missing = sorted(spellings - found.keys())
        if missing:
            parsed = dict(zip(missing, self._parse_many(missing), strict=True))
            with self._lock:
                self._values.update(parsed)
                while len(self._values) > self._size:
                    self._values.popitem(last=False)
            found.update(parsed)
        return found

    def get(self, spelling: str) -> Any:
        return self.get_many({spelling})[spelling]


def parse_amount_spellings(spellings: list[str]) -> list[Any]:
    """Each spelling as a single value would be read, never decided by the others (read as
    one column, ``-34,12`` beside ``£34.12`` made one of them invalid, depending on which
    spellings were already cached): the decimal-point reading, else the decimal-comma one.
    A value that tells its own mark (``12,50``, ``1.234,56``) is invalid under the other;
    one that cannot (``1,200``) reads as a single value does, with the decimal point."""
    import pandas as pd

    from titans_finance.core.normalise import parse_amounts

    series = pd.Series(spellings, dtype="object")
    point, point_invalid = parse_amounts(series, decimal=".")
    comma, comma_invalid = parse_amounts(series, decimal=",")
    return [float(p) if not p_bad and not pd.isna(p) else
            (float(c) if not c_bad and not pd.isna(c) else Unreadable(k))
            for k, p, p_bad, c, c_bad in zip(spellings, point.tolist(), point_invalid.tolist(),
                                             comma.tolist(), comma_invalid.tolist(), strict=True)]


# ``YYYY-MM-DD`` in the years a datetime64[ns] holds (core/normalise.py `_assemble`): one
# reading whatever the day/month order, the calendar date it names (`iso_day`)
_PLAIN_ISO_DATE = re.compile(r"(1[6-9]|2[0-2])[0-9]{2}-[0-9]{2}-[0-9]{2}")


def iso_day(spelling: str) -> dt.date | None:
    """The date of a plain ISO spelling as `parse_dates` reads it (None: not one, or not a
    calendar date: the parser decides), without its ~20 ms of pandas per call."""
    if not _PLAIN_ISO_DATE.fullmatch(spelling) or not 1678 <= int(spelling[:4]) <= 2261:
        return None
    try:
        return dt.date.fromisoformat(spelling)
    except ValueError:
        return None


# day.month.year: the numeric date written with dots is a day-first convention (German,
# Dutch, Nordic, Czech, Russian... banks); no month-first locale writes dots
_DOTTED_DATE = re.compile(r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{2,4}")


def parse_date_spellings(spellings: list[str]) -> list[Any]:
    """Each spelling as a single value would be read, never decided by the others: the
    month-first reading, else the day-first one (14/03/2025 can only be day-first; 03/04/2025
    is month-first, as the parser decides a column without evidence); a dotted date
    (01.03.2025) day-first first."""
    plain = {s: iso_day(s) for s in spellings}
    rest = [s for s in spellings if plain[s] is None]
    parsed = dict(zip(rest, parse_date_spellings_with_pandas(rest), strict=True)) if rest else {}
    return [plain[s] if plain[s] is not None else parsed[s] for s in spellings]


def parse_date_spellings_with_pandas(spellings: list[str]) -> list[Any]:
    import pandas as pd

    from titans_finance.core.normalise import parse_dates

    series = pd.Series(spellings, dtype="object")
    month_first, month_invalid = parse_dates(series, day_first=False)
    day_first, day_invalid = parse_dates(series, day_first=True)
    readings = []
    for k, d, bad, e, other_bad in zip(spellings, month_first.tolist(), month_invalid.tolist(),
                                       day_first.tolist(), day_invalid.tolist(), strict=True):
        if _DOTTED_DATE.fullmatch(k.strip()):
            (d, bad), (e, other_bad) = (e, other_bad), (d, bad)
        readings.append(d.date() if not bad and not pd.isna(d) else
                        (e.date() if not other_bad and not pd.isna(e) else Unreadable(k)))
    return readings


AMOUNTS = SpellingCache(parse_amount_spellings)
DATES = SpellingCache(parse_date_spellings)
