"""Why a CSV's table was not found, for the refusal to say: a line whose header words name a
date column, whose dates below it are all written without a year (``4月30日``, ``01 Mrt``,
``30.4.``) while no statement period is written above the table to give one. The refusal
names that line, what was unsure and the mapping lines that settle it (`period`, the columns
the header words named), instead of "no transaction header found".
"""

from __future__ import annotations

import csv
import re
from pathlib import PurePath

import pandas as pd

from titans_finance.core.dates import read_dates
from titans_finance.core.normalise import header_role
from titans_finance.core.readers.mapping import ROLE_NAMES

SEARCH_LINES = 40  # as the header search (csv_reader)
SAMPLE_ROWS = 20  # the lines below a header line whose dates are looked at
_NUMBER = re.compile(r"\d+")
_LETTER = re.compile(r"[^\W\d_]")
_KEY_OF_ROLE = {role: key for key, role in reversed(ROLE_NAMES.items())}


def written_without_year(value: str) -> bool:
    """A day and a month and nothing that can be a year: two numbers of at most 31
    (``30.4.``, ``4月30日``, ``04/30``) or one beside a month's name (``01 Mrt``)."""
    numbers = [int(n) for n in _NUMBER.findall(value)]
    if not numbers or len(numbers) > 2 or max(numbers) > 31:
        return False
    return len(numbers) == 2 or bool(_LETTER.search(value))


def _fields(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter, skipinitialspace=True))
    except (csv.Error, StopIteration):
        return []


def _dates_below(lines: list[str], index: int, delimiter: str, column: int) -> list[str]:
    rows = (_fields(line, delimiter) for line in lines[index + 1:index + 1 + SAMPLE_ROWS]
            if line.strip())
    return [row[column].strip() for row in rows if len(row) > column and row[column].strip()]


def yearless_dates(lines: list[str], delimiters: tuple[str, ...]) -> dict | None:
    """The first line (within `SEARCH_LINES`) naming a date column whose values below it
    (up to `SAMPLE_ROWS`, at least one) no date order reads and are all written without a
    year: ``{"line", "column", "examples", "named", "delimiter"}`` (``named``: mapping key ->
    column for each role the header words name, first column of each), else None."""
    for index, line in enumerate(lines[:SEARCH_LINES]):
        for mark in delimiters:
            fields = _fields(line, mark) if mark in line else []
            roles = [header_role(f)[0] for f in fields]
            column = next((i for i, r in enumerate(roles) if r in ("Date", "Value Date")), None)
            if column is None:
                continue
            values = _dates_below(lines, index, mark, column)
            if not values or not read_dates(pd.Series(values, dtype="str")).invalid.all():
                continue
            if all(map(written_without_year, values)):
                named: dict[str, str] = {}
                for field, role in zip(fields, roles):
                    if role in _KEY_OF_ROLE and role != "Date":
                        named.setdefault(_KEY_OF_ROLE[role], field)
                return {"line": index + 1, "column": fields[column], "named": named,
                        "examples": list(dict.fromkeys(values))[:3], "delimiter": mark}
    return None


def yearless_message(name: str, found: dict, period_above: tuple[str, str] | None) -> str:
    """The refusal for `yearless_dates`' finding: what was unsure, and what to declare
    (``period_above``: the period written above the table, which dates them already)."""
    named = found["named"]
    money = {"amount", "money_in", "money_out"} & set(named)
    lines = ["mappings:", f"  - match: \"{PurePath(name).name}\"",
             "    period: [\"YYYY-MM-DD\", \"YYYY-MM-DD\"]  # the statement's first and last "
             "day: each date takes the year that puts it in this period",
             "    columns:", f"      date: \"{found['column']}\""]
    if period_above is not None:
        lines = lines[:2] + lines[3:]
    year = ("no statement period is written above the table to give them one"
            if period_above is None else
            f"the period written above the table ({period_above[0]} to {period_above[1]}) "
            "gives them one")
    lines += [f"      {key}: \"{column}\"" for key, column in named.items()]
    if not money:
        lines.append("      amount: \"<the column of the amounts>\"  # or money_in: / money_out:")
    return (f"{PurePath(name).name}: line {found['line']} names the date column "
            f"{found['column']!r}, but its dates ({', '.join(map(repr, found['examples']))}) "
            f"are written without a year and {year}" + (
                "" if money else "; no header word of that line names the amount column")
            + ". Declare it in conf/base/export_mappings.yml (or conf/local/), e.g.:\n"
            + "\n".join(lines) + "\n")
