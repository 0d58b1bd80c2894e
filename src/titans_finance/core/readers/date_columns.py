"""Two date columns in one export (``Started Date`` and ``Completed Date``, ``Transaction
Date`` and ``Post Date``): which one is the booking date, decided from the values.

The booking (completed, posted) date is the day the money moved on the account: it is
never before the day the transaction started, and the running balance follows it. The
other column is kept as the value date (a line that has no booking date yet, such as a
pending card payment, is set aside as ``not_booked`` by the normaliser).

A line carries the day the money moved on its account: the booking date; without one, the
value date (the day the account was charged or credited); the day of a purchase or voucher
(``Belegdatum``, ``Purchase date``) only when neither is written. A column whose header names
a booking, transaction or operation date outranks a value date (the bank's own day for the
line), whatever the values say: a value date one or two days after the booking is the rule
in German and Swiss statements, not a later booking.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

import numpy as np
import pandas as pd

from titans_finance.core.header_names import header_roles, names_purchase_day, word_roles
from titans_finance.core.month_names import month_key, month_names
from titans_finance.core.normalise import clean_strings, header_role, read_dates
from titans_finance.core.readers.base import ExportReadError
from titans_finance.core.readers.column_evidence import PARSE_RATE
from titans_finance.core.readers.column_roles import SAMPLE_ROWS
from titans_finance.core.readers.role_values import CONSISTENT_RATE


def _inversions(days: pd.Series) -> int:
    """Steps against the file's order (a statement is in date order, either way)."""
    steps = np.sign(days.dropna().diff().dt.days.dropna().to_numpy())
    return int(min((steps < 0).sum(), (steps > 0).sum()))


def _dated(values: pd.Series, rate: float = CONSISTENT_RATE) -> bool:
    """At least ``rate`` of the written values are dates, on the rows the roles are read
    from (a second column a header names a date but that holds text is no booking date:
    the values decide)."""
    written = clean_strings(values.head(SAMPLE_ROWS).astype("str")).dropna()
    return bool(len(written)) and read_dates(written).values.notna().mean() >= rate


def _unnamed_dates(frame: pd.DataFrame, date: str, unrecognised: list[str]) -> list[str]:
    """Columns no header word names (``Booked``) whose values are dates (`PARSE_RATE`) on
    the lines the date column dates: a total line under the table, without a date, writes
    its sum there and is no evidence (UBS's card statement). Only against a date column
    whose header does not name a date as a whole (``Purchase date``, or none): a header that
    does (Stripe's ``created_utc``) outweighs a column of dates no header names
    (``available_on_utc``)."""
    if header_role(date)[0] == "Date":
        return []
    dated = read_dates(frame[date].astype("str")).values.notna().to_numpy(dtype=bool)
    return [c for c in unrecognised if header_role(c)[0] is None and not word_roles(c)
            and _dated(frame[c][dated], PARSE_RATE)]


def booking_date(frame: pd.DataFrame, roles: dict[str, list[str]], unrecognised: list[str]
                 ) -> tuple[dict[str, list[str]], list[str], dict[str, Any] | None]:
    """``(roles, unrecognised, evidence)`` with the booking date as the ``Date`` column.

    Among the columns whose header names a date, the one never before the other on any
    row (and after it on some) is the booking date; when neither is, the one whose days
    step against the file's order least often; else the first, as today. A second column
    of dates that only its values made the value date (a header in no known language,
    ``Datum verrekening``, or no header), or that no header word names but whose values are
    dates on the dated lines (``Booked``: taken only when its days prove it the booking
    date, else left as it was), is weighed the same way; one whose header names
    a value date (``Valutadatum``, ``Értéknap``, or ``Valuta`` of dates: a word naming
    the currency in one language and the value date in another) stays the value date —
    unless the date column's header names the day of a purchase (``Belegdatum``) and no
    other column names a booking date: then the value date dates the lines
    (`value_date_beside_purchase_day`). When the values tell neither column the booking
    date, a purchase day yields to the other column.
    """
    if "Date" not in roles or len(roles["Date"]) != 1:
        return roles, unrecognised, None
    # a header naming a date as a whole (``Buchungstag``) or by one of its words (``Дата
    # обработки``: processing date), its values dates
    by_header = [c for c in unrecognised if (header_role(c)[0] == "Date" or "Date" in
                                             word_roles(c)) and _dated(frame[c])]
    by_values = [c for c in roles.get("Value Date", []) if "Value Date" not in header_roles(c)]
    unnamed = [] if by_header or by_values else _unnamed_dates(frame, roles["Date"][0],
                                                                unrecognised)
    others = by_header or by_values or unnamed
    first = roles["Date"][0]
    named_value = [c for c in roles.get("Value Date", []) if "Value Date" in header_roles(c)]
    if not by_header and named_value and names_purchase_day(first):
        return value_date_beside_purchase_day(frame, roles, unrecognised, named_value[0])
    if not others:
        return roles, unrecognised, None
    before = roles, unrecognised
    second = others[0]
    if second in by_values:
        roles = {role: columns for role, columns in roles.items() if role != "Value Date"}
    days = {c: read_dates(frame[c].astype("str")).values for c in (first, second)}
    both = days[first].notna() & days[second].notna()
    first_earlier = int((days[first] < days[second])[both].sum())
    second_earlier = int((days[second] < days[first])[both].sum())
    evidence: dict[str, Any] = {"columns": [first, second],
                                f"{first} before {second}": first_earlier,
                                f"{second} before {first}": second_earlier}
    if second_earlier == 0 and first_earlier > 0:
        booking, decided_by = second, "never_before_the_other"
    elif first_earlier == 0 and second_earlier > 0:
        booking, decided_by = first, "never_before_the_other"
    else:
        order = {c: _inversions(days[c]) for c in (first, second)}
        evidence["steps_against_file_order"] = order
        booking, decided_by = ((second, "file_order") if order[second] < order[first]
                               else (first, "first_column"))
        if decided_by == "first_column" and names_purchase_day(first) \
                and not names_purchase_day(second):
            # the values tell nothing: a purchase's day yields to the account's own day
            booking, decided_by = second, "header_purchase_day_yields"
    if unnamed and booking != second:  # a column no header names counts only when it wins
        return *before, None
    other = first if booking == second else second
    roles = {**roles, "Date": [booking]}
    unrecognised = [c for c in unrecognised if c != second]
    if "Value Date" not in roles:
        roles["Value Date"] = [other]
    elif other not in unrecognised:
        unrecognised.append(other)
    return roles, unrecognised, {**evidence, "booking_date": booking, "decided_by": decided_by}


def value_date_beside_purchase_day(frame: pd.DataFrame, roles: dict[str, list[str]],
                                   unrecognised: list[str], value: str
                                   ) -> tuple[dict[str, list[str]], list[str], dict[str, Any]]:
    """``(roles, unrecognised, evidence)`` of a file dated by the day of a purchase (the
    ``Date`` column, ``Belegdatum``) beside a column whose header names the value date
    (``Wertstellung``) and no booking date (DKB's card): the value date, the day the card
    account was charged, is the date its lines carry; the purchase day is kept as the value
    date (a line with no value date is not booked yet). The values prove it when the value
    date is never before the purchase on any line; one that is (a charge before the purchase
    cannot be) is counted, and the reading says it is unsure which date is which."""
    purchase = roles["Date"][0]
    # both columns in one reading: one file writes its dates in one day/month order
    both_columns = read_dates(pd.concat([frame[purchase], frame[value]], ignore_index=True)
                              .astype("str")).values
    days = {purchase: both_columns.iloc[:len(frame)].set_axis(frame.index),
            value: both_columns.iloc[len(frame):].set_axis(frame.index)}
    both = days[purchase].notna() & days[value].notna()
    value_earlier = int((days[value] < days[purchase])[both].sum())
    evidence: dict[str, Any] = {
        "columns": [purchase, value], f"{value} before {purchase}": value_earlier,
        f"{purchase} before {value}": int((days[purchase] < days[value])[both].sum()),
        "booking_date": value, "decided_by": "value_date_beside_purchase_day"}
    if value_earlier:
        evidence["unsure"] = (f"{value!r} (value date) is before {purchase!r} (purchase day) on "
                              f"{value_earlier} of {int(both.sum())} lines: dated by {value!r}; "
                              f"declare columns: {{date: ...}} in the file's mapping if wrong")
    set_aside = [c for c in roles["Value Date"] if c != value]  # a third date column
    roles = {**roles, "Date": [value], "Value Date": [purchase]}
    return roles, unrecognised + set_aside, evidence


def headerless_dates_unsure(frame: pd.DataFrame, date_columns: dict[str, Any], name: str
                            ) -> dict[str, Any]:
    """``date_columns`` of a file without a header, marked ``unsure`` when its two date
    columns differ on some line: no header tells a booking date from a value date (a
    value date may run after the booking as a later booking would: Raiffeisen's), so the
    column the values chose is said to be unsure, with how many lines differ and the
    mapping lines that settle it. The same days on every line date every line alike: sure.
    Both columns are read in one day/month order (one file writes its dates one way)."""
    first, second = date_columns["columns"]
    both = read_dates(pd.concat([frame[first], frame[second]], ignore_index=True)
                      .astype("str")).values.to_numpy()
    days = {first: both[:len(frame)], second: both[len(frame):]}
    written = ~pd.isna(days[first]) & ~pd.isna(days[second])
    differ = int((days[first] != days[second])[written].sum())
    if not differ:
        return date_columns
    booking = date_columns["booking_date"]
    other = first if booking == second else second
    file = PurePath(name).name
    return {**date_columns, "lines_differing": differ, "unsure": (
        f"the file has no header to tell the booking date from the value date, and columns "
        f"{first!r} and {second!r} differ on {differ} of {int(written.sum())} lines: dated by "
        f"{booking!r} (decided by {date_columns['decided_by']}). Settle it in "
        f"conf/local/export_mappings.yml:\nmappings:\n  - match: \"{file}\"\n"
        f"    columns: {{date: \"{booking}\", value_date: \"{other}\"}}  # date: the "
        f"booking date (swap them if it is the other)")}


def refuse_ambiguous_months(frame: pd.DataFrame, columns: list[str], name: str,
                            month_language: str | None) -> None:
    """Stop, naming the mapping line that settles it, when a column of dates writes a month
    word that names different months in the languages that could have written the column
    (``lis``: October in Croatian, November in Polish and Czech): its dates are not read one
    way silently, nor quarantined line by line. ``columns``: the date column, or, when no
    column was taken for the dates, every column (one made of such dates is no date column
    only because its months are unsure)."""
    for column in columns:
        # each distinct value once (a million lines carry a few thousand dates)
        written = clean_strings(pd.Series(frame[column].unique()).astype("str")).dropna()
        dates = read_dates(written, month_language=month_language)
        unsure = dates.evidence.get("ambiguous_month_words")
        if not unsure or (len(columns) > 1 and dates.invalid.mean() < CONSISTENT_RATE):
            continue
        names = month_names()
        word, months = min(unsure.items())
        example = min(names[month_key(word)][months[0]])  # a language the mapping may name
        words = "; ".join(f"{word!r}: " + ", ".join(
            f"month {month} in {' '.join(sorted(names[month_key(word)][month]))}"
            for month in months) for word, months in sorted(unsure.items()))
        raise ExportReadError(
            f"{PurePath(name).name}: column {column!r} writes a month name that names "
            f"different months in different languages ({words}), and the column's other "
            f"month names do not tell which language. Declare the language in "
            f"conf/local/export_mappings.yml:\n"
            f"mappings:\n  - match: \"{PurePath(name).name}\"\n"
            f"    month_language: {example}   # the language of the month names (CLDR code)")
