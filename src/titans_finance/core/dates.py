"""Date columns read as a whole: ISO, numeric and month-name dates, times and zones,
the day/month order decided per column from all of its values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from titans_finance.core.column_values import _distinct, _spread, clean_strings
from titans_finance.core.file_memo import remembered, values_key
from titans_finance.core.month_names import read_month_words

# A time of day after the date ("2021-02-02 14:05", "...T10:30:00Z", "03/01/2024 06:50 PM"):
# the transaction's day is the day written, whatever the time zone.
# A time-zone suffix: ``Z``, ``UTC``, ``+02:00``, ``-0500``, OFX's ``[-5:EST]``.
_ZONE = r"(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?|\[[^\]]*\])"
_TIME_OF_DAY = re.compile(
    r"(?i)(?:[ T]|, ?)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AP]\.?M\.?)?\s*"
    rf"{_ZONE}?$"
    # ISO 20022 and XML dates may carry a zone without a time (``2017-04-01+02:00``);
    # OFX writes date-times without separators (``20240102120000.000[-5:EST]``)
    rf"|(?<=^\d{{4}}-\d{{2}}-\d{{2}})\s*{_ZONE}$"
    rf"|(?<=^\d{{8}})(?:\d{{4}}(?:\d{{2}}(?:\.\d+)?)?\s*{_ZONE}?|\s*{_ZONE})$")
# A numeric date closed by a dot, as Hungarian writes it (``2019.04.19.``) and some day-first
# exports do (``19.04.2019.``), and a month named in words too (``24 lug 2024.``, as
# Satispay writes it before the time): the dot ends the date, it is no part of it.
_CLOSING_DOT = (r"^(\d{4}\.\d{1,2}\.\d{1,2}|\d{1,2}\.\d{1,2}\.\d{2,4}"
                r"|\d{1,2}\.?\s+[^\W\d_]+\.?\s+\d{4})\.$")
# (a year first may be followed by colons too: "2012:03:01", as some banks and EXIF write)
_ISO_DATE = r"^(?P<year>\d{4})[-/.:]?(?P<month>\d{1,2})[-/.:]?(?P<day>\d{1,2})$"
_NUMERIC_DATE = r"^(?P<first>\d{1,2})(?P<sep>[/.\-])\s?(?P<second>\d{1,2})(?P=sep)\s?(?P<year>\d{4}|\d{2})$"
# Two-digit year first (``13/08/12``, ``13/3/3``: 2013-08-12, 2013-03-03), as some QIF
# writers do: read only when the usual orders leave values unreadable and this reads them all.
_SHORT_YEAR_FIRST = r"^(?P<year>\d{2})(?P<sep>[/.\-])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})$"
_TEXT_DATE_FORMATS = ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y",
                      "%d-%b-%Y", "%d-%b-%y", "%d %b %y", "%d/%b/%Y", "%d.%b.%Y", "%d. %B %Y",
                      "%d. %b %Y")
# A word of a date: letters, perhaps closed by a dot (``lug.``, ``Sept.``); month words of
# every language are read by `month_names` (CLDR), decided for the column as a whole.
_WORD = re.compile(r"[^\W\d_]+\.?")
# The most words a date with a month word writes (``Sept. 3, 2024``, ``Mon 12 Mar 2024``)
_DATE_WORDS = 2
# How a value writes its day, month word and year (CLDR's ``d MMM y``, ``MMM d, y``,
# ``y MMM d``): the languages that write dates so are the ones its month word is read in.
_MONTH_WORD_ORDERS = {
    "dMy": re.compile(r"^\d{1,2}\.?[\s\-/.]*[^\W\d_]+\.?[\s\-/.,]*\d{2,4}$"),
    "Mdy": re.compile(r"^[^\W\d_]+\.?[\s\-/.]*\d{1,2}[\s\-/.,]*\d{4}$"),
    "yMd": re.compile(r"^\d{4}[\s\-/.]*[^\W\d_]+\.?[\s\-/.]*\d{1,2}$"),
}


# A date written the East Asian way (``2024年4月30日``, ``4月30日``, ``2024년 4월 30일``):
# with its year, ISO; without one, day and English month, which a year written after it
# (`_with_year`) completes.
_EAST_ASIAN_DATE = re.compile(r"^(?:(\d{4})\s*[年년]\s*)?(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]?"
                              r"(?:\s+(\d{4}))?$")
_ENGLISH_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                   "Dec")


def _east_asian(match: re.Match) -> str:
    year, month, day = match.group(1) or match.group(4), int(match.group(2)), match.group(3)
    if not 1 <= month <= 12:
        return match.group(0)
    return f"{year}-{month:02d}-{int(day):02d}" if year else f"{day} {_ENGLISH_MONTHS[month - 1]}"


def _english_months(text: pd.Series, language: str | None
                    ) -> tuple[pd.Series, dict[str, tuple[int, ...]]]:
    """``text`` with every month word (of any language) written as the English abbreviation
    the formats read. A value holding a word that stays ambiguous (`read_month_words`) is
    not read at all (not even as the English word the formats would take it for): it is
    invalid, and the words are returned for the reader to say so."""
    # month words are read in values shaped like a date (a number, one or two words): a
    # sentence under the table (Promerica's notice: ``… POR SU SEGURIDAD``) names no month
    found = text.str.findall(_WORD)
    datelike = text.str.contains(r"\d", na=False) & (found.str.len() <= _DATE_WORDS)
    words = set(found[datelike].explode().dropna())
    orders = frozenset(order for order, shape in _MONTH_WORD_ORDERS.items()
                       if text.str.match(shape, na=False).any())
    resolved, ambiguous = read_month_words(words, language, orders)
    english = {word: _ENGLISH_MONTHS[month - 1] for word, month in resolved.items()}
    if english:
        text = text.str.replace(_WORD, lambda m: english.get(m.group(0), m.group(0)),
                                regex=True)
    if ambiguous:
        unsure = text.str.findall(_WORD).map(
            lambda found: isinstance(found, list) and not ambiguous.keys().isdisjoint(found))
        text = text.where(~unsure.astype(bool))
    return text, ambiguous


@dataclass(frozen=True)
class ParsedDates:
    """A date column parsed as a whole (see `read_dates`)."""

    values: pd.Series  # datetime64[ns] at midnight, NaT where missing or invalid
    invalid: pd.Series
    day_first: bool
    # True when the file does not tell day-first from month-first: no value has a part
    # above 12 (or values contradict each other) while some could be read both ways.
    ambiguous: bool
    evidence: dict[str, int | str]


def _date_order_evidence(parts: pd.DataFrame) -> dict[str, int]:
    first = pd.to_numeric(parts["first"], errors="coerce")
    second = pd.to_numeric(parts["second"], errors="coerce")
    return {"day_first_values": int((first > 12).sum()),
            "month_first_values": int((second > 12).sum()),
            "either_way_values": int(((first <= 12) & (second <= 12) & (first != second)).sum())}


def infer_day_first(values: pd.Series, hint: bool = False) -> bool:
    """Decide day-first vs month-first for a whole file from unambiguous values.

    A numeric date whose first part exceeds 12 can only be day-first; one whose
    second part exceeds 12 can only be month-first. The majority wins; with no
    evidence, ``hint`` decides (the file's convention; month-first by default,
    as US exports write).
    """
    parts = clean_strings(values).str.replace(_TIME_OF_DAY, "", regex=True).str.extract(
        _NUMERIC_DATE)
    evidence = _date_order_evidence(parts)
    if evidence["day_first_values"] == evidence["month_first_values"]:
        return hint
    return evidence["day_first_values"] > evidence["month_first_values"]


def _two_digit_year(year: pd.Series) -> pd.Series:
    number = pd.to_numeric(year, errors="coerce")
    # strptime's pivot: 69-99 are 1969-1999, 00-68 are 2000-2068.
    short = year.str.len() == 2
    return number.where(~short, number + np.where(number >= 69, 1900, 2000))


# Years a datetime64[ns] holds whole: a year outside is no transaction date (invalid, not
# a crash).
_YEARS = (1678, 2261)


def _assemble(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    """The dates of year, month and day parts (numbers or digit strings, all on one index);
    NaT where a part is missing or the three make no calendar day (month 13, 31 April,
    29 February of a common year). What ``pd.to_datetime`` of the three columns gives
    (errors coerced), computed with numpy: ``to_datetime`` costs ~4 ms a call even on a
    small column, and reading one column assembles three times."""
    y, m, d = (pd.to_numeric(part, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
               for part in (year, month, day))
    with np.errstate(invalid="ignore"):  # NaN parts compare False: not a day
        whole = (y == np.floor(y)) & (m == np.floor(m)) & (d == np.floor(d))
        known = whole & (y >= _YEARS[0]) & (y <= _YEARS[1]) & (m >= 1) & (m <= 12) & (d >= 1)
    months = np.where(known, (y - 1970) * 12 + m - 1, 0).astype("int64").astype("datetime64[M]")
    first = months.astype("datetime64[D]")
    known &= d <= ((months + 1).astype("datetime64[D]") - first).astype("int64")
    days = first + np.where(known, d - 1, 0).astype("int64")
    return pd.Series(np.where(known, days.astype("datetime64[ns]"), np.datetime64("NaT", "ns")),
                     index=year.index)


def _date_readings(text: pd.Series, date_format: str | None, month_language: str | None
                   ) -> dict:
    """Every reading of distinct date strings: ISO, numeric day-first and month-first,
    month names; and the evidence for the day/month order."""
    missing = text.isna()
    if date_format:
        if "%b" in date_format or "%B" in date_format:  # month names of any language
            text = _english_months(text, month_language)[0]
        fixed = pd.to_datetime(text, format=date_format, errors="coerce").astype("datetime64[ns]")
        return {"missing": missing, "fixed": fixed}
    day = text.str.strip("'\" ").str.replace(_TIME_OF_DAY, "", regex=True).str.replace(
        _CLOSING_DOT, r"\1", regex=True)
    if day.str.contains("[月월]", regex=True, na=False).any():
        day = day.str.replace(_EAST_ASIAN_DATE, _east_asian, regex=True)
    other = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    iso = day.str.extract(_ISO_DATE)
    is_iso = iso["year"].notna()
    if is_iso.any():
        other[is_iso] = _assemble(iso["year"], iso["month"], iso["day"])[is_iso]
    numeric = day.str.extract(_NUMERIC_DATE)
    is_numeric = numeric["first"].notna() & ~is_iso
    # (no numeric value: nothing to assemble, both readings are NaT)
    readings = {order: pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
                for order in (True, False)}
    if is_numeric.any():
        year = _two_digit_year(numeric["year"].fillna(""))
        for first_is_day in (True, False):
            d, m = (numeric["first"], numeric["second"]) if first_is_day else (
                numeric["second"], numeric["first"])
            readings[first_is_day] = _assemble(year, m, d).where(is_numeric)
    todo = ~missing & ~is_iso & ~is_numeric
    ambiguous_months: dict[str, tuple[int, ...]] = {}
    if todo.any():  # a month named in any language reads as its English abbreviation
        named, ambiguous_months = _english_months(day[todo], month_language)
        day = day.where(~todo, named)
    for fmt in _TEXT_DATE_FORMATS:
        if not todo.any():
            break
        attempt = pd.to_datetime(day[todo], format=fmt, errors="coerce").astype("datetime64[ns]")
        other[attempt.index] = other[attempt.index].fillna(attempt)
        todo = todo & other.isna()
    # how many (distinct) values were ISO and numeric day/month: an all-ISO column has no
    # day/month order to tell a person about
    evidence = {**_date_order_evidence(numeric[is_numeric]), "iso_values": int(is_iso.sum()),
                "numeric_values": int(is_numeric.sum()),
                **({"ambiguous_month_words": ambiguous_months} if ambiguous_months else {})}
    return {"missing": missing, "other": other, "is_numeric": is_numeric,
            "readings": readings, "evidence": evidence}


# The lines prove a day/month order when under it the dates step at least this many times
# and never against the file's direction, while under the other order some step goes back.
ROW_ORDER_STEPS = 3


def _order_in_date_order(readings: dict[bool, pd.Series]) -> bool | None:
    """The day/month order (True: day first) under which the lines, as written, run in
    date order (all forward or all backward, `ROW_ORDER_STEPS` steps at least) while under
    the other order they do not; None when the rows do not tell."""
    steps = {}
    for order, dates in readings.items():
        days = dates.dropna().diff().dt.days.dropna()
        days = days[days != 0]
        steps[order] = (len(days), int(min((days < 0).sum(), (days > 0).sum())))
    proven = [order for order in readings if steps[order][0] >= ROW_ORDER_STEPS
              and steps[order][1] == 0 and steps[not order][1] > 0]
    return proven[0] if len(proven) == 1 else None


def _year_first(text: pd.Series) -> pd.Series:
    parts = text.str.replace(_TIME_OF_DAY, "", regex=True).str.extract(_SHORT_YEAR_FIRST)
    return _assemble(_two_digit_year(parts["year"].fillna("")), parts["month"], parts["day"])


# A date without a year (``01 Mrt``, ``4.3.``) takes the year that puts it within the
# statement period the file writes, widened by this many days on each side (a booking a few
# days after the period's last day).
PERIOD_SLACK_DAYS = 7
_DAY_MONTH = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2?$")


def _with_year(text: str, year: int) -> str:
    numeric = _DAY_MONTH.match(text)
    if numeric:
        return f"{numeric.group(1)}{numeric.group(2)}{numeric.group(3)}{numeric.group(2)}{year}"
    return f"{text} {year}"


def _order_in_period(readings: dict[bool, pd.Series], period: tuple[str, str] | None
                     ) -> bool | None:
    """The day/month order (True: day first) under which every date falls within the
    statement period written above the table (± `PERIOD_SLACK_DAYS`) while under the other
    order one does not; None without a period, or when it does not tell."""
    if period is None:
        return None
    slack = pd.Timedelta(days=PERIOD_SLACK_DAYS)
    start, end = pd.Timestamp(period[0]) - slack, pd.Timestamp(period[1]) + slack
    fits = [order for order, dates in readings.items()
            if len(dates) and dates.notna().all() and dates.between(start, end).all()]
    return fits[0] if len(fits) == 1 else None


def _dated_in_period(text: pd.Series, period: tuple[str, str], day_first: bool) -> pd.Series:
    """Dates for values written without a year: the one year (of the period's) that puts
    each within the period (± `PERIOD_SLACK_DAYS`); NaT when none or several do."""
    start, end = (pd.Timestamp(p) for p in period)
    low, high = (start - pd.Timedelta(days=PERIOD_SLACK_DAYS),
                 end + pd.Timedelta(days=PERIOD_SLACK_DAYS))
    fits = []
    for year in range(low.year, high.year + 1):  # the slack may cross a new year
        dated = read_dates(text.map(lambda t, y=year: _with_year(t, y)),
                           day_first=day_first).values
        fits.append(dated.where((dated >= low) & (dated <= high)))
    stacked = pd.concat(fits, axis=1)
    return stacked.bfill(axis=1).iloc[:, 0].where(stacked.notna().sum(axis=1) == 1)


def read_dates(values: pd.Series, day_first: bool | None = None, day_first_hint: bool = False,
               date_format: str | None = None, period: tuple[str, str] | None = None,
               month_language: str | None = None) -> ParsedDates:
    """Parse a whole date column: ISO (``2024-03-12``, ``20240312``, with a time or not),
    numeric day/month orders with ``/ . -`` and 2- or 4-digit years, and English month
    names (``12 Mar 2024``, ``Mar 12, 2024``); a time and a time-zone suffix after the date
    (``2017-04-01+02:00``, ``2024-01-02T10:30:00-05:00``, OFX's ``20240102120000.000[-5:EST]``)
    are dropped: the day written is the day.

    Day-first vs month-first is one decision for the column (`infer_day_first`) unless
    ``day_first`` declares it; ``date_format`` (strftime codes) declares the format
    outright. Each distinct value is parsed once. Missing values are NaT but not invalid.
    ``period`` (the statement's first and last day, from the lines above the table) dates
    the values written without a year (`_dated_in_period`). Month names are read in any
    language (`month_names`), in ``month_language`` alone when it is given; a value whose
    month word names different months in the languages that could have written the column
    is invalid (``evidence["ambiguous_month_words"]``), never read one way silently.
    """
    codes, uniques = _distinct(values)
    # (read once per file for every order, hint and period asked of it: `file_memo`)
    found = remembered(values_key(uniques, "dates", date_format, month_language),
                       lambda: _date_readings(clean_strings(uniques), date_format, month_language))
    missing = _spread(found["missing"], codes, True, values.index).astype(bool)
    if date_format:
        parsed = _spread(found["fixed"], codes, pd.NaT, values.index).astype("datetime64[ns]")
        return ParsedDates(parsed.dt.normalize(), ~missing & parsed.isna(), bool(day_first),
                           False, {})
    evidence: dict[str, int | str] = dict(found["evidence"])
    declared = day_first is not None
    if not declared:
        day_first = day_first_hint if evidence["day_first_values"] == evidence[
            "month_first_values"] else evidence["day_first_values"] > evidence["month_first_values"]
    ambiguous = not declared and evidence["either_way_values"] > 0 and (
        evidence["day_first_values"] == evidence["month_first_values"]
        or min(evidence["day_first_values"], evidence["month_first_values"]) > 0)

    def reading(first_is_day: bool) -> pd.Series:
        distinct = found["readings"][first_is_day].fillna(found["other"])
        return _spread(distinct, codes, pd.NaT, values.index).astype("datetime64[ns]")

    evidence["decided_by"] = "declared" if declared else "values"
    if ambiguous and evidence["day_first_values"] == evidence["month_first_values"]:
        # No value tells. The period written above the table may (only one order puts every
        # date in it). A statement is written in date order (either way): when only one
        # order of day and month puts the lines in date order, the lines prove it. Else its
        # consecutive lines are days apart, not months, so the reading whose lines lie
        # closer together wins (still reported ambiguous); else the file's hint.
        numeric = _spread(found["is_numeric"], codes, False, values.index).astype(bool)
        readings = {order: reading(order)[numeric] for order in (True, False)}
        in_period, in_order = _order_in_period(readings, period), _order_in_date_order(readings)
        gaps = {order: readings[order].diff().abs().dt.days.median() for order in (True, False)}
        if in_period is not None:  # the statement's period above the table tells
            day_first, ambiguous = in_period, False
            evidence["decided_by"] = "period"
        elif in_order is not None:
            day_first, ambiguous = in_order, False
            evidence["decided_by"] = "row_order"
        elif gaps[True] != gaps[False] and not pd.isna(gaps[True]) and not pd.isna(gaps[False]):
            day_first = bool(gaps[True] < gaps[False])
            evidence["decided_by"] = "row_spacing"
        else:
            evidence["decided_by"] = "hint"
    parsed = reading(bool(day_first))
    invalid = ~missing & parsed.isna()
    if invalid.any() and not declared:
        # values no day/month order can read (``13/3/3``): a two-digit year written first
        # is the reading when it reads every value of the column
        year_first = _spread(remembered(values_key(uniques, "year first"),
                                        lambda: _year_first(clean_strings(uniques))),
                             codes, pd.NaT, values.index).astype("datetime64[ns]")
        if (year_first.notna() | missing).all():
            parsed, invalid = year_first, ~missing & year_first.isna()
            evidence["decided_by"] = "year_first"
    if invalid.any() and period is not None:
        texts = clean_strings(values)[invalid].str.strip("'\" ")
        dated = _dated_in_period(texts, period, bool(day_first))
        parsed, invalid = parsed.fillna(dated), invalid & ~dated.reindex(values.index).notna()
        evidence["year_from_period"] = int(dated.notna().sum())
    return ParsedDates(parsed.dt.normalize(), invalid, bool(day_first), bool(ambiguous), evidence)


def parse_dates(values: pd.Series, day_first: bool | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse a date column; returns ``(datetime64[ns] at midnight, invalid mask)``.

    The public parser of the project (ingestion and the service use it);
    ``day_first=None`` infers the order from the column (see `read_dates`).
    """
    parsed = read_dates(values, day_first=day_first)
    return parsed.values, parsed.invalid


def _separators(values: pd.Series) -> set[str]:
    return set("".join(clean_strings(values).dropna().str.replace(
        _TIME_OF_DAY, "", regex=True).str.replace(r"[\d\s]", "", regex=True).tolist()))


def order_from_sibling(dates: ParsedDates, text: pd.Series, sibling: pd.Series) -> ParsedDates:
    """A date column whose values leave the day/month order ambiguous, read in the order
    its file's other date column proves (a value date ``13/02/2024`` beside a booking date
    ``12/02/2024``): one export writes its dates one way. Only when that column's values
    tell the order themselves and are written with the same separators; else ``dates``."""
    if not dates.ambiguous or not clean_strings(sibling).notna().any():
        return dates
    other = read_dates(sibling)
    told = other.evidence.get("day_first_values", 0) != other.evidence.get(
        "month_first_values", 0)
    if other.ambiguous or not told or _separators(text) != _separators(sibling):
        return dates
    again = read_dates(text, day_first=other.day_first)
    evidence = {**dates.evidence, "decided_by": "value_date_column"}
    return ParsedDates(again.values, again.invalid, other.day_first, False, evidence)
