"""Declared mappings: what a user writes when detection is not enough.

Like hledger's CSV rules or Firefly III's importer configurations, a mapping
names, for the files it matches (glob on the file name or path), the columns and
the conventions of the export. Every key is optional; what is declared wins over
detection. Example (``conf/local/export_mappings.yml``)::

    mappings:
      - match: "barclays-*.csv"       # glob(s) on the file name or its path
        encoding: cp1252
        delimiter: ","
        skip_lines: 3                 # lines before the header line
        columns:                      # raw column -> header name(s) in the file
          date: "Posting Date"
          description: ["Memo", "Details"]   # several columns are joined with a space
          money_in: "Paid in"
          money_out: "Paid out"
          balance: "Balance"
        date_format: "%d/%m/%Y"       # or day_first: true
        month_language: hr            # month names read in this language (CLDR code), when
                                      # a word names two months (``lis``: Oct/Nov)
        decimal: "."                  # decimal mark of every amount column
        sign: as_written              # or negate (card statements: charges written positive)
        account: "Barclays current"   # account of every row
        currency: GBP
        debit_credit_values: {debit: "Af", credit: "Bij"}  # which value of the debit_credit
                                      # column is money out / in (when no known word says)
        period: ["2024-04-01", "2024-04-30"]  # the statement's first and last day: dates
                                      # written without a year (4月30日, 01 Mrt) take its year

A file without a header has its columns named ``column 1``, ``column 2``... in the order
they are written: a mapping names them that way.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from typing import Any

from titans_finance.core.month_names import month_languages
from titans_finance.core.readers.base import ExportReadError

# Keys of ``columns`` -> column of the raw table.
ROLE_NAMES: dict[str, str] = {
    "date": "Date", "value_date": "Value Date", "type": "Type", "description": "Description",
    "amount": "Amount", "money_in": "Money In", "money_out": "Money Out",
    "debit_credit": "Debit/Credit", "category": "Category", "payment_method": "Payment Method",
    "status": "Status", "reference": "Reference", "payee": "Reference",
    "receipt_url": "Receipt URL", "account": "Account", "balance": "Balance",
    "currency": "Currency", "bank_transaction_id": "Bank Transaction ID", "fee": "Fee",
}
FORMATS = ("csv", "ofx", "qif", "camt053", "mt940")
SIGNS = ("as_written", "negate")
_KEYS = {"match", "format", "encoding", "delimiter", "skip_lines", "header", "column_names",
         "columns", "date_format", "day_first", "decimal", "sign", "account", "currency",
         "debit_credit_values", "period", "month_language"}


@dataclass
class DeclaredMapping:
    match: list[str]
    format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    skip_lines: int | None = None
    header: bool = True
    column_names: list[str] | None = None
    columns: dict[str, list[str]] = field(default_factory=dict)  # raw column -> header names
    date_format: str | None = None
    day_first: bool | None = None
    decimal: str | None = None
    sign: str = "as_written"
    account: str | None = None
    currency: str | None = None
    # value of the debit/credit column as written -> -1.0 (money out) or +1.0 (money in)
    debit_credit_values: dict[str, float] | None = None
    # the statement's first and last day (ISO), when the file writes its dates without a year
    period: tuple[str, str] | None = None
    # the language (CLDR code) whose month names the dates are written with
    month_language: str | None = None

    def matches(self, path: str) -> bool:
        name = PurePath(path).name
        return any(fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(str(path), pattern)
                   for pattern in self.match)


def _fail(where: str, message: str) -> ExportReadError:
    return ExportReadError(f"declared mapping {where}: {message}")


def parse_mapping(entry: dict[str, Any], where: str) -> DeclaredMapping:
    """Validate one mapping entry; a wrong key or value fails with where and what."""
    if not isinstance(entry, dict):
        raise _fail(where, f"expected a mapping of keys, got {type(entry).__name__}")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise _fail(where, f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_KEYS))}")
    match = entry.get("match")
    if not match:
        raise _fail(where, "needs `match:` (a glob such as \"statement-*.csv\", or a list of them)")
    columns: dict[str, list[str]] = {}
    for role, names in (entry.get("columns") or {}).items():
        if role not in ROLE_NAMES:
            raise _fail(where, f"unknown column role {role!r}; allowed: {', '.join(ROLE_NAMES)}")
        columns[ROLE_NAMES[role]] = [str(n) for n in (names if isinstance(names, list) else [names])]
    mapping = DeclaredMapping(
        debit_credit_values=_direction_values(entry.get("debit_credit_values"), where),
        match=[str(m) for m in (match if isinstance(match, list) else [match])],
        format=entry.get("format"), encoding=entry.get("encoding"),
        delimiter=entry.get("delimiter"), skip_lines=entry.get("skip_lines"),
        header=bool(entry.get("header", True)), column_names=entry.get("column_names"),
        columns=columns, date_format=entry.get("date_format"), day_first=entry.get("day_first"),
        decimal=None if entry.get("decimal") is None else str(entry["decimal"]),
        sign=entry.get("sign", "as_written"), account=entry.get("account"),
        currency=entry.get("currency"), period=_period(entry.get("period"), where),
        month_language=_month_language(entry.get("month_language"), where),
    )
    if mapping.format is not None and mapping.format not in FORMATS:
        raise _fail(where, f"format {mapping.format!r} is not one of {', '.join(FORMATS)}")
    if mapping.decimal not in (None, ".", ","):
        raise _fail(where, f"decimal must be \".\" or \",\", got {mapping.decimal!r}")
    if mapping.sign not in SIGNS:
        raise _fail(where, f"sign must be one of {', '.join(SIGNS)}, got {mapping.sign!r}")
    if mapping.delimiter is not None and mapping.delimiter not in (",", ";", "\t", "|", "tab"):
        raise _fail(where, f"delimiter must be one of , ; | tab, got {mapping.delimiter!r}")
    if mapping.delimiter == "tab":
        mapping.delimiter = "\t"
    if mapping.skip_lines is not None and (isinstance(mapping.skip_lines, bool) or not isinstance(
            mapping.skip_lines, int) or mapping.skip_lines < 0):
        raise _fail(where, f"skip_lines must be a whole number of lines, 0 or more, got "
                    f"{mapping.skip_lines!r}")
    if not mapping.header and not mapping.column_names:
        raise _fail(where, "header: false needs column_names: [...] (one name per column)")
    return mapping


def _period(declared: Any, where: str) -> tuple[str, str] | None:
    """``[first day, last day]`` as ISO dates, the first not after the last."""
    if declared is None:
        return None
    days = [str(d) for d in declared] if isinstance(declared, list) else []
    try:
        first, last = (date.fromisoformat(d) for d in days) if len(days) == 2 else (None, None)
    except ValueError:
        first = last = None
    if first is None or last is None or first > last:
        raise _fail(where, "period must be [first day, last day] as YYYY-MM-DD, the first not "
                    f"after the last, got {declared!r}")
    return first.isoformat(), last.isoformat()


def _month_language(declared: Any, where: str) -> str | None:
    """A language CLDR has month names for (``pl``, ``hr``, ``en``)."""
    if declared is None:
        return None
    if str(declared) not in month_languages():
        raise _fail(where, f"month_language must be a language code CLDR names months in "
                    f"(such as en, de, pl, hr), got {declared!r}")
    return str(declared)


def _direction_values(declared: Any, where: str) -> dict[str, float] | None:
    """``{debit: "Af", credit: ["Bij", "B"]}`` -> ``{"Af": -1.0, "Bij": 1.0, "B": 1.0}``."""
    if declared is None:
        return None
    if not isinstance(declared, dict) or set(declared) != {"debit", "credit"}:
        raise _fail(where, "debit_credit_values needs both `debit:` and `credit:` (the values "
                    "of the debit_credit column meaning money out and money in)")
    values: dict[str, float] = {}
    for side, sign in (("debit", -1.0), ("credit", 1.0)):
        written = declared[side] if isinstance(declared[side], list) else [declared[side]]
        for value in written:
            if str(value).strip() in values or str(value).strip() == "":
                raise _fail(where, f"debit_credit_values: {value!r} is empty or named twice")
            values[str(value).strip()] = sign
    return values


def parse_mappings(document: dict[str, Any] | None, source: str) -> list[DeclaredMapping]:
    entries = (document or {}).get("mappings") or []
    if not isinstance(entries, list):
        raise _fail(source, "`mappings:` must be a list")
    return [parse_mapping(entry, f"{source} #{i + 1}") for i, entry in enumerate(entries)]


def mapping_for(path: str, mappings: list[DeclaredMapping]) -> DeclaredMapping | None:
    """The last declared mapping that matches ``path`` (local files come after base ones)."""
    found = [m for m in mappings if m.matches(path)]
    return found[-1] if found else None


def suggested_mapping(name: str, columns: list[str]) -> str:
    """A mapping to paste, filled in with the file's own column names."""
    shown = columns or ["<first column>", "<second column>", "<third column>"]
    pick = (lambda i: shown[i] if i < len(shown) else shown[-1])
    return (
        "mappings:\n"
        f"  - match: \"{PurePath(name).name}\"\n"
        "    columns:\n"
        f"      date: \"{pick(0)}\"\n"
        f"      description: \"{pick(1)}\"\n"
        f"      amount: \"{pick(2)}\"          # or money_in: / money_out:\n"
        "    day_first: true              # or date_format: \"%d/%m/%Y\"\n"
        "    decimal: \",\"                 # decimal mark of the amounts\n"
    )


class UnsureReading(ValueError):
    """The values do not decide a reading that moves money (the message says what to declare)."""



def mapping_lines(name: str, columns: dict[str, str],
                  direction: dict[str, str] | None = None) -> str:
    """The lines of a declared mapping that settle a reading, with the file's own names."""
    lines = ["mappings:", f"  - match: \"{PurePath(name).name}\"", "    columns:"]
    lines += [f"      {role}: \"{column}\"" for role, column in columns.items()]
    if direction:
        lines.append(f"    debit_credit_values: {{debit: \"{direction['debit']}\", "
                     f"credit: \"{direction['credit']}\"}}  # debit: the value meaning money "
                     "out (swap them if it is the other)")
    return "\n".join(lines) + "\n"



def unsure_amount_message(name: str, values: dict[str, Any], split: list[str] | None,
                          converted: tuple[str, tuple[str, str]] | None) -> str:
    """The refusal when several columns hold amounts and nothing tells the transaction's:
    each column with what it holds (its first values), why it is unsure, and a mapping to
    paste. ``values``: each candidate column's written values (a pandas Series, in order);
    ``split``: two columns never filled on one line; ``converted``: an exchange rate and the
    two amounts it links. In the example a column that holds one value on every line (a
    limit) or no value with cents (a card's last digits, a branch code) comes after the
    others, and is never suggested as the balance."""
    candidates = list(values)
    same = [c for c in candidates if values[c].nunique() <= 1 < len(values[c])]
    whole = [c for c in candidates
             if not values[c].astype("str").str.contains(r"\d[.,]\d", regex=True).any()]
    ranked = sorted(candidates, key=lambda c: (c in same, c in whole))
    example = ({"money_in": split[0], "money_out": split[1]} if split else
               {"amount": max(converted[1], key=candidates.index)} if converted else
               {"amount": ranked[0], "balance": ranked[1]} if ranked[1] not in same + whole
               else {"amount": ranked[0]})
    shown = "; ".join(f"{c!r}: {', '.join(map(str, values[c].iloc[:3]))}" for c in candidates)
    return (
        f"{name}: columns {', '.join(map(repr, candidates))} all hold amounts and neither a "
        "header word nor a running "
        "balance tells which is the transaction amount" + (
            " (two of them are never filled on the same line: money in and money out, but "
            "which is which?)" if split else
            f" ({converted[0]!r} is the exchange rate between {converted[1][0]!r} and "
            f"{converted[1][1]!r}: which of them is the booked amount?)" if converted else "")
        + f" (their first values: {shown})"
        + "".join(f"; {c!r} holds one and the same value on every line" for c in same)
        + ". Declare it in conf/base/export_mappings.yml (or conf/local/), e.g.:\n"
        + mapping_lines(name, example))
