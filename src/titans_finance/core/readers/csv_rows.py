"""CSV records from text, read by what the values are: where the table starts, how wide
its rows are, and which lines at its end are not transactions.

Banks write more around a transaction table than a header and rows: account lines
before the header (in any language), quoted texts running over several lines (often
after a space that follows the delimiter), a delimiter after every row, a notice row
with extra text fields, totals and closing balances under the last row. None of these
is recognised by its words here: a value is a date, a number, text or empty, and the
shape of the rows decides (`value_kinds`).

- `parse_rows`: every record after the header as strings. Rows as long as the header,
  or shorter (padded), are read as they are; trailing empty fields are no fields; when
  most rows are longer than the header, the header lacks names for their last columns
  (``Column 5``...); a row longer than the others is aligned by its values (its extra
  fields are the end of a text written with an unquoted delimiter, or extra trailing
  fields), and marked ``malformed_line`` only when no single reading fits the columns.
- `locate_table`: where the table starts, found from the values (the only table
  locator of the readers): the first run of rows holding a date and an amount, its
  header the line of words just before it, or no header at all.
- `trailing_summary_rows`: rows after the last dated row (totals, closing balances).
- `repeated_totals`: dated rows at the start or end whose amount repeats a total of
  the others (turnover, opening or closing balance).
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections import Counter
from typing import NamedTuple

import numpy as np
import pandas as pd

from titans_finance.core.readers.base import PARSE_ERROR_COLUMN, empty_strings
from titans_finance.core.readers.header_line import header_before
from titans_finance.core.readers.mirror_line import undoes_one_row

# The delimiters a CSV may use. Where two read a file equally well (a header naming as many
# columns, a table as wide), the first wins: the rarer in free text first. A tab or a pipe
# inside a bank text is almost never written, a comma often is (in texts, in amounts): a
# tab-separated file whose texts hold ", <date>, <amount>" read at its commas put every
# amount in the wrong row, without a warning.
DELIMITERS = ("\t", "|", ";", ",")
MALFORMED = "malformed_line"
# How far into a file the table is looked for, and how many rows at each end of a
# table may be totals.
_LOCATE_LINES = 200
_RUN = 3
_SUMMARY_ROWS = 4
# A few lines adding up to another happen in real statements (two purchases and their
# refund): a line repeats a sum only when the sum is of at least this many rows.
_SUMMED_ROWS = 5
_MONTH = r"[A-Za-zÀ-ÿ]{3,10}\.?"
_DATE_LIKE = re.compile(
    r"^(?:\d{4}[-/.:]\d{1,2}[-/.:]\d{1,2}|\d{1,2}[-/.] ?\d{1,2}[-/.] ?(?:\d{4}|\d{2})"
    r"|(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    rf"|\d{{1,2}}[ .-]{_MONTH}[ .-]\d{{2,4}}"
    rf"|{_MONTH} \d{{1,2}},? \d{{4}})"
    r"(?:[ T,]+\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\S*(?: ?[AP]M)?)?\S*$", re.I)
_NUMBER_LIKE = re.compile(
    r"^[+\-\u2212(]?\s?(?:[A-Z]{3}\s?|[$€£¥₹])?\s?[+\-\u2212]?\d[\d.,'\u00a0\u202f ]*\)?"
    r"(?:\s?(?:[A-Z]{1,3}\.?|[$€£¥₹]))?[+\-]?$", re.I)
_SPACED_DIGITS = re.compile(r"\d[ \u00a0\u202f]+\d")
_SPACE_GROUPED = re.compile(r"^\D*\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?\D*$")


# --------------------------------------------------------------------------- values

def value_kinds(values: pd.Series) -> pd.Series:
    """``empty``, ``date``, ``number`` or ``text`` for each value (once per distinct value)."""
    codes, distinct = pd.factorize(values.fillna("").astype("str"))
    kinds = np.array([_kind(v) for v in distinct], dtype=object)
    return pd.Series(kinds[codes] if len(distinct) else np.array([], dtype=object),
                     index=values.index, dtype="object")


def _kind(value: str) -> str:
    text = value.strip()
    if not text:
        return "empty"
    if _DATE_LIKE.match(text):
        return "date"
    if _NUMBER_LIKE.match(text):
        # digits apart by spaces are a number only in groups of three (1 234,56), not a
        # card or account number (4111 1111)
        if _SPACED_DIGITS.search(text) and not _SPACE_GROUPED.match(text):
            return "text"
        return "number"
    return "text"


def _is_data(kinds: list[str]) -> bool:
    """A transaction row: a date and, in another field, a number."""
    return "date" in kinds and "number" in kinds and sum(k != "empty" for k in kinds) >= 2


# --------------------------------------------------------------------------- table start

def _records(lines: list[str], delimiter: str, trim: bool = True
             ) -> list[tuple[int, list[str]]]:
    """(first line index, fields) of each record of the first lines (quotes may span lines);
    ``trim``: without the empty fields after the last written one."""
    reader = csv.reader(io.StringIO("\n".join(lines[:_LOCATE_LINES])), delimiter=delimiter,
                        skipinitialspace=True)
    records, start = [], 0
    try:
        for fields in reader:
            records.append((start, _trimmed(fields) if trim else fields))
            start = reader.line_num
    except csv.Error:
        pass
    return records


def _trimmed(fields: list[str]) -> list[str]:
    """Fields without the empty ones after the last written field (a trailing delimiter)."""
    end = len(fields)
    while end > 0 and not fields[end - 1].strip():
        end -= 1
    return fields[:end]


def data_follows(lines: list[str], delimiter: str, within: int = 10) -> bool:
    """One of the first ``within`` records of ``lines`` (quotes may span lines) holds a date
    and a number."""
    records = [fields for _, fields in _records(lines[:within * 4], delimiter) if fields]
    return any(_is_data([_kind(f) for f in fields]) for fields in records[:within])


class TableStart(NamedTuple):
    """Where a CSV's transaction table starts: its header line (None: the file has none),
    its first data line and the delimiter."""

    header: int | None
    first_row: int
    delimiter: str


def _rows_just_before(records: list[tuple[int, list[str]]], kinds: list[list[str]],
                      i: int) -> int:
    """The first of the rows holding a date and a number that run, line after line with no
    blank or other line between, up to the table's first steady row ``i``: a row with more or
    fewer fields (a note written in extra fields) among the first rows stops the run of equal
    widths, but it and the rows before it are rows of the table, never its preamble."""
    while i > 0 and len(kinds[i - 1]) >= 2 and _is_data(kinds[i - 1]):
        start, fields = records[i - 1]
        if records[i][0] - start != 1 + sum(f.count("\n") for f in fields):
            break
        i -= 1
    return i


def _continuations(records: list[tuple[int, list[str]]], kinds: list[list[str]]) -> list[bool]:
    """For each record: it only continues the text of the row above (text and empty fields,
    no date, no number, about as wide, on the next line) under a row of dates and numbers or
    under another such line; `continuation_lines` joins it to that row's text later."""
    out = [False] * len(records)
    for j in range(1, len(records)):
        above, fields = records[j - 1][1], records[j][1]
        out[j] = ("date" not in kinds[j] and "number" not in kinds[j] and "text" in kinds[j]
                  and abs(len(fields) - len(above)) <= 1
                  and (out[j - 1] or _is_data(kinds[j - 1]))
                  and records[j][0] - records[j - 1][0] == 1 + sum(f.count("\n") for f in above))
    return out


def locate_table(lines: list[str], delimiter: str | None = None) -> TableStart | None:
    """Where the transaction table of a CSV starts, found from the values alone.

    The table starts at the first run of rows that each hold a date and a number with
    the same number of fields; a tab giving such a table wins, else among delimiters the
    one giving the widest such table (a line that only continues the text of the row above
    breaks no run). When no run is found (rows of varying width), the first row holding a date and
    a number starts it, under the delimiter that makes most rows such rows. Its header
    is the record just before it when that record is words (`header_line.header_before`); account
    lines, titles and periods before it are the preamble, in whatever language.
    None: no row holds a date and a number.
    """
    best: tuple[int, TableStart] | None = None
    single: tuple[int, TableStart] | None = None  # (rows that are data, first of them)
    for candidate in ([delimiter] if delimiter else DELIMITERS):
        if not any(candidate in line for line in lines[:_LOCATE_LINES]):
            continue
        records = [(start, fields) for start, fields in _records(lines, candidate, trim=False)
                   if _trimmed(fields)]
        kinds = [[_kind(f) for f in _trimmed(fields)] for _, fields in records]
        data = [i for i, k in enumerate(kinds) if len(k) >= 2 and _is_data(k)]
        continued = _continuations(records, kinds)
        if data and (single is None or len(data) > single[0]):
            i = data[0]
            single = (len(data), TableStart(
                header_before(records, kinds, i, len(records[i][1])), records[i][0], candidate))
        for i in data:
            width = len(records[i][1])
            # (fields as written, empty ones included: a row whose last columns are empty
            # is as wide as the others; one trailing delimiter more or less is tolerated)
            rows = [j for j in range(i, len(records)) if not continued[j]][:_RUN]
            run = [j for j in rows if abs(len(records[j][1]) - width) <= 1 and _is_data(kinds[j])]
            if len(run) < len(rows):
                continue
            i = _rows_just_before(records, kinds, i)
            if best is None or width > best[0]:
                # the header names the columns of the widest of these rows (a row whose
                # last fields are empty may leave them unwritten)
                widest = max(len(records[j][1]) for j in run)
                best = (width, TableStart(header_before(records, kinds, i, widest),
                                          records[i][0], candidate))
            break
        if best is not None and best[1].delimiter == "\t":
            # a table cut at tabs is the table, however wide the others: bank texts hold
            # commas, semicolons and pipes, almost never a tab (a tab file whose texts hold
            # ", <date>, <amount>, more" cut at its commas is a wider table of dates and
            # numbers, every amount read from the text)
            break
    if best is not None:
        return best[1]
    return single[1] if single is not None else None


# --------------------------------------------------------------------------- rows

def _unique(names: list[str]) -> list[str]:
    """Header names made unique the way pandas does ("Name", "Name.1"), never merged."""
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        count = seen.get(name, 0)
        unique.append(name if count == 0 else f"{name}.{count}")
        seen[name] = count + 1
    return unique


def parse_rows(text: str, delimiter: str, names: list[str] | None = None
               ) -> tuple[pd.DataFrame, dict[str, int]]:
    """Every record of ``text`` after its header line (or all, with ``names``) as strings,
    plus ``_parse_error``; and counts of what was done to ragged rows.

    The fast parser reads one spare column: when no row fills it, the file is regular
    (the usual case, and the only one read at C speed). Otherwise the rows are read one
    by one (see the module docstring).
    """
    # Quotes after a space that follows the delimiter (``a, "b"``) open a quoted field
    # only if leading spaces are skipped; otherwise every field is kept exactly as written.
    spaced = re.search(re.escape(delimiter) + r' +"', text) is not None
    if names is None:
        first = next(csv.reader(io.StringIO(text, newline=None), delimiter=delimiter,
                                skipinitialspace=spaced), [])
        header, skip = _unique([str(n) for n in _trimmed(first)] or [str(n) for n in first]), 1
    else:
        header, skip = _unique([str(n) for n in names]), 0
    spare = "\x00spare"
    try:
        with warnings.catch_warnings():
            # a line longer than header + spare column: pandas warns and cuts it; the spare
            # column is then filled and the rows are read one by one below
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype="str",
                                keep_default_na=False, na_filter=False, skip_blank_lines=True,
                                engine="c", header=None, names=[*header, spare], skiprows=skip,
                                index_col=False, skipinitialspace=spaced)
        if not (frame[spare] != "").any():
            frame = frame.drop(columns=spare)
            frame[PARSE_ERROR_COLUMN] = empty_strings(len(frame)).array
            return frame, {}
    except pd.errors.EmptyDataError:
        return pd.DataFrame({n: pd.Series(dtype="str") for n in header}), {}
    except pd.errors.ParserError:
        pass
    return _ragged_rows(text, delimiter, header, skip, spaced)


def _ragged_rows(text: str, delimiter: str, header: list[str], skip: int, spaced: bool
                 ) -> tuple[pd.DataFrame, dict[str, int]]:
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter,
                        skipinitialspace=spaced)
    for _ in range(skip):
        next(reader, None)
    records = [fields for fields in reader if fields]  # blank lines: counted by the caller
    trimmed = [_trimmed(fields) for fields in records]
    widths = Counter(len(fields) for fields in trimmed if fields)
    common = max(widths, key=lambda w: (widths[w], -w)) if widths else len(header)
    # most rows longer than the header: the header lacks names for the last columns
    width = common if common > len(header) and widths[common] > len(trimmed) / 2 else len(
        header)
    # a row is long when it has more fields than the file's rows usually have (a
    # delimiter after every row is the file's habit, not an extra field)
    written = Counter(len(fields) for fields in records)
    usual = max(width, max(written, key=lambda w: (written[w], -w)))
    long = [len(fields) > usual or len(short) > width
            for fields, short in zip(records, trimmed, strict=True)]
    regular = [short for short, is_long in zip(trimmed, long, strict=True)
               if not is_long and len(short) >= width - 1] or trimmed
    kinds = _column_kinds(regular, width)
    # the longest texts are the likeliest to hold an unquoted delimiter (descriptions)
    sample = regular[:2000]
    text_order = sorted(range(width), key=lambda c: -sum(len(r[c]) for r in sample
                                                          if c < len(r)))
    rows, errors = [], []
    counts = {"rows_with_extra_fields": 0, "rows_aligned": 0,
              "columns_without_header": width - len(header)}
    for fields, short, is_long in zip(records, trimmed, long, strict=True):
        error = ""
        if is_long:
            counts["rows_with_extra_fields"] += 1
            extra = max(len(fields) - usual, len(short) - width)
            row, aligned = _aligned(fields, width, extra, kinds, text_order, delimiter)
            if row is None:
                error = (f"{MALFORMED}: {len(short)} fields, {width} columns, and no single "
                         "reading of the extra fields fits the columns' values")
            else:
                short = _trimmed(row)
                counts["rows_aligned"] += aligned is not None
        errors.append(error)
        rows.append(short)
    # extra trailing fields are kept, in columns of their own after the named ones
    full = max([width, *(len(row) for row in rows)])
    columns = _unique([*header, *(f"Column {i + 1}" for i in range(len(header), full))])
    rows = [(row + [""] * full)[:full] for row in rows]
    frame = pd.DataFrame(rows, columns=columns, dtype="str")
    frame[PARSE_ERROR_COLUMN] = errors
    return frame, {k: v for k, v in counts.items() if v}


def _column_kinds(rows: list[list[str]], width: int) -> list[set[str]]:
    """What each column holds in the rows of the usual width: the kinds seen in at least
    a tenth of its written values ({"text"} also accepts anything)."""
    sample = rows[:2000]
    kinds = []
    for column in range(width):
        seen = Counter(_kind(row[column]) for row in sample if column < len(row))
        written = sum(n for k, n in seen.items() if k != "empty")
        kinds.append({k for k, n in seen.items() if k != "empty" and n >= 0.1 * written}
                     or {"text"})
    return kinds


def _fits(fields: list[str], kinds: list[set[str]]) -> bool:
    for value, allowed in zip(fields, kinds, strict=True):
        kind = _kind(value)
        if kind != "empty" and "text" not in allowed and kind not in allowed:
            return False
    return True


def _aligned(fields: list[str], width: int, extra: int, kinds: list[set[str]],
             text_order: list[int], delimiter: str
             ) -> tuple[list[str] | None, list[str] | None]:
    """A row longer than the columns, read so that each column gets a value of its kind.

    Readings: the extra fields are extra trailing fields (kept in columns of their own
    after the named ones), or a text column's value written with unquoted delimiters
    (joined back; the columns of longest texts first). The readings that fit the columns'
    kinds must agree on every column that holds no text (dates, amounts: the roles'
    values; a column of reference numbers some written with letters or spaces is text,
    and the extra field may be its end or a field of its own); then the first such
    reading is taken. Returns
    ``(row, None)`` for the trailing reading, ``(row, row)`` for a joined text, and
    ``(None, fields)`` when no single reading fits.
    """
    readings: list[tuple[list[str], bool]] = [(fields, False)]
    for column in text_order:
        if kinds[column] == {"text"}:
            joined = delimiter.join(fields[column:column + extra + 1])
            readings.append(([*fields[:column], joined, *fields[column + extra + 1:]], True))
    fitting = [(row, joined) for row, joined in readings if _fits(row[:width], kinds)]
    typed = [i for i, allowed in enumerate(kinds) if "text" not in allowed]
    if not fitting or len({tuple(row[i] for i in typed) for row, _ in fitting}) > 1:
        return None, fields
    row, joined = fitting[0]
    return row, (row if joined else None)


# --------------------------------------------------------------------------- summaries

def balance_only_rows(frame: pd.DataFrame, roles: dict[str, list[str]]) -> pd.Series:
    """Rows whose balance holds a number while every amount column is empty: an opening or
    closing balance written as a line of the table (never money that moved)."""
    found = pd.Series(False, index=frame.index)
    balance = roles.get("Balance", [])
    amounts = [c for r in ("Amount", "Money In", "Money Out") for c in roles.get(r, [])]
    if not balance or not amounts:
        return found
    empty = pd.concat([frame[c].fillna("").str.strip() == "" for c in amounts], axis=1).all(axis=1)
    return empty & (value_kinds(frame[balance[0]].fillna("")) == "number")


def trailing_summary_rows(frame: pd.DataFrame, date_column: str) -> pd.Series:
    """Rows after the last row with a date that hold a number but no date: totals,
    closing balances and turnover lines under the table, whatever their words. (A row
    with neither is no summary: it is quarantined for what it lacks.)"""
    dates = frame[date_column].fillna("")
    found = pd.Series(False, index=frame.index)
    has_date = value_kinds(dates) == "date"
    if not has_date.any():
        return found
    last = int(np.flatnonzero(has_date.to_numpy())[-1])
    under = frame.iloc[last + 1:]
    if under.empty:
        return found
    kinds = under.apply(value_kinds)
    # (the number may stand in the date column itself: "Debits,600.00" under the table)
    found.iloc[last + 1:] = ((kinds == "number").any(axis=1)
                             & (kinds != "date").all(axis=1)).to_numpy()
    return found


def _totals(values: np.ndarray, balances: np.ndarray) -> tuple[list[float], list[float]]:
    """What a summary line may repeat about the transaction rows ``values``: sums of
    them, and balances written on them."""
    sums, written_balances = [], []
    written = values[~np.isnan(values)]
    if len(written) >= _SUMMED_ROWS:
        # signed as the money is: the turnover and the money in above zero, the money out
        # below, the net either way
        sums += [np.abs(written).sum(), written[written > 0].sum(),
                 written[written < 0].sum(), written.sum()]
    with_balance = np.flatnonzero(~np.isnan(balances) & ~np.isnan(values))
    if len(with_balance):
        written_balances.append(abs(balances[with_balance[-1]]))
    return [t for t in sums if t != 0], [t for t in written_balances if t > 0]


def _repeats_sum(value: float, sums: list[float], tolerance: float) -> bool:
    """Whether a line's amount repeats one of the ``sums`` (signed). A total may be written
    unsigned (``Total debits 18.00``), but a minus written on it says money out: it repeats
    the money out or a net below zero, never the money in, the turnover or a net above
    zero — a line taking out exactly what came in so far is a transaction (a transfer that
    empties the account), not its total."""
    return not np.isnan(value) and any(abs(abs(value) - abs(t)) <= tolerance
                                       and (value >= 0 or t < 0) for t in sums)


def _repeats(value: float, totals: list[float], tolerance: float) -> bool:
    return not np.isnan(value) and any(abs(abs(value) - t) <= tolerance for t in totals)


def repeated_totals(amounts: pd.Series, balances: pd.Series | None = None,
                    tolerance: float = 0.005) -> pd.Series:
    """Rows at the end of a statement whose amount repeats a total of the rows above.

    ``amounts`` are the signed amounts in the file's order (NaN where unread). The last
    few rows are totals when each one's absolute amount equals, to the cent, a total of
    the rows above: the sum of their absolute amounts, their money in, their money out
    or their net (with at least five rows in the sum), or the balance written on the
    last of them (a closing balance line: its own balance, if written, is its amount).
    A row whose balance carries on the running balance is a transaction, and so is one
    written with a minus that repeats a total above zero (`_repeats_sum`), and one that undoes
    the one line the net comes from (`mirror_line`). The most rows
    that all repeat a total win. (An opening balance line with a date cannot be told
    from a first deposit by its values: the net of all rows is the closing balance
    either way, so it stays a row; without a date it is a summary under or above.)
    """
    values = amounts.to_numpy(dtype="float64")
    balance_values = (balances.to_numpy(dtype="float64") if balances is not None
                      else np.full(len(values), np.nan))
    n = len(values)
    found = np.zeros(n, dtype=bool)
    if n < 4:
        return pd.Series(found, index=amounts.index)

    def carries_balance(row: int) -> bool:
        return row > 0 and abs(balance_values[row - 1] + values[row]
                               - balance_values[row]) <= tolerance

    def is_total(row: int, sums: list[float], written: list[float]) -> bool:
        if carries_balance(row) or undoes_one_row(values[:end], values[row], tolerance):
            return False
        own = balance_values[row]
        return _repeats_sum(values[row], sums, tolerance) or (
            _repeats(values[row], written, tolerance)
            and (np.isnan(own) or abs(abs(own) - abs(values[row])) <= tolerance))

    for tail in range(min(_SUMMARY_ROWS, n - 3), 0, -1):
        end = n - tail
        sums, written = _totals(values[:end], balance_values[:end])
        if all(is_total(row, sums, written) for row in range(end, n)):
            found[end:] = True
            break
    return pd.Series(found, index=amounts.index)
