"""CSV exports in every common dialect.

What a bank writes before the header (account number, IBAN, currency, period),
the delimiter and quoting, the header language, split in/out columns, an
indicator column and several description columns are worked out here; values
stay strings (the normaliser decides decimal marks and date orders per column).
Lines that are not transactions are never dropped silently: blank lines and the
preamble are counted in ``info``; repeated header lines and total/balance lines
become rows marked in ``_parse_error`` (quarantined with that reason). How rows are
cut into fields and where the table starts, read from the values, is `csv_rows`.
"""

from __future__ import annotations

import csv
import functools
import re
from itertools import islice
from pathlib import PurePath
from typing import Any

import numpy as np
import pandas as pd

from titans_finance.core.dates import read_dates
from titans_finance.core.normalise import header_key, header_role
from titans_finance.core.readers.base import (
    PARSE_ERROR_COLUMN,
    ExportReadError,
    RawExport,
    empty_strings,
    normaliser_hints,
    raw_frame,
)
from titans_finance.core.readers.column_roles import UnsureReading, infer_roles
from titans_finance.core.readers.continuation_lines import (
    continuation_anchors,
    join_continuations,
)
from titans_finance.core.readers.csv_rows import (
    DELIMITERS,
    data_follows,
    locate_table,
    parse_rows,
    balance_only_rows,
    trailing_summary_rows,
)
from titans_finance.core.readers.summary_lines import (
    SUMMARY_WORDS,
    balance_carried,
    balance_line_positions,
    bare_labels_kept,
    labelled_summary_rows,
    written_amounts,
)
from titans_finance.core.readers.date_columns import (
    booking_date,
    headerless_dates_unsure,
    refuse_ambiguous_months,
)
from titans_finance.core.readers.table_diagnosis import yearless_dates, yearless_message
from titans_finance.core.readers.mapping import DeclaredMapping, suggested_mapping
from titans_finance.core.unicode_regex import str_call

_HEADER_SEARCH_LINES = 40
_IBAN = re.compile(r"\b([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?)\b")
_ISO_CODE = re.compile(r"^[A-Z]{3}$")
# Headers whose vocabulary belongs to day-first countries (UK "Money in/Paid out", and
# any non-English header): used only when a file's dates cannot tell the order.
_DAY_FIRST_VOCABULARY = {"moneyin", "moneyout", "paidin", "paidout"}
_ENGLISH_KEYS = {
    "date", "transactiondate", "postingdate", "posteddate", "bookingdate", "description",
    "amount", "type", "category", "memo", "payee", "balance", "debit", "credit", "details",
    "reference", "status", "name", "account", "currency", "value", "merchant", "notes",
}
_DESCRIPTION_PART = re.compile(r"^(?:vwz|verwendungszweck|description|libelle|memo|details|"
                               r"omschrijving|concepto|narrative|mededelingen)\d+$")
# where `str.splitlines` cuts a text (its `lines`): besides the CSV line ends, the form
# feed, vertical tab, file/group/record separators, NEL and the Unicode line separators
_LINE_BREAK = re.compile("\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def _fields(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter, skipinitialspace=True))
    except (csv.Error, StopIteration):
        return []


def _roles(fields: list[str]) -> set[str]:
    return {role for role in (header_role(f)[0] for f in fields) if role}


def _is_header(roles: set[str]) -> bool:
    has_date = bool(roles & {"Date", "Value Date"})
    has_amount = bool(roles & {"Amount", "Money In", "Money Out"})
    return has_date and has_amount and len(roles) >= 2


def find_header(lines: list[str], delimiter: str | None) -> tuple[int, str] | None:
    """The first line (within the first 40) that reads as a transaction header, and its delimiter.

    A header names at least a date and an amount (or money in/out) column; among
    delimiters, the one whose fields name the most known columns wins.
    """
    for index, line in enumerate(lines[:_HEADER_SEARCH_LINES]):
        if not line.strip():
            continue
        best: tuple[int, str] | None = None
        for candidate in ([delimiter] if delimiter else DELIMITERS):
            if candidate not in line and len(lines) > 1:
                continue
            roles = _roles(_fields(line, candidate))
            if _is_header(roles) and (best is None or len(roles) > best[0]):
                best = (len(roles), candidate)
        if best:
            return index, best[1]
    return None


def _table_header(lines: list[str], delimiter: str | None) -> tuple[int, str] | None:
    """The header line: the one naming a date and an amount column when data rows follow
    it (within ten records), else the one the values locate (a header in any language
    after any preamble)."""
    by_words = find_header(lines, delimiter)
    located = locate_table(lines, delimiter)
    if by_words is not None:
        index, found_delimiter = by_words
        after = [ln for ln in lines[index + 1:index + 1 + _HEADER_SEARCH_LINES] if ln.strip()]
        if not after or data_follows(after, found_delimiter) or (
                located is None or located.header is None):
            return by_words
    if located is not None and located.header is not None:
        return located.header, located.delimiter
    return by_words


def _preamble_info(lines: list[str], delimiter: str) -> dict[str, str]:
    """Account number / IBAN and currency written in the lines before the header."""
    found: dict[str, str] = {}
    for line in lines:
        fields = [f.strip() for f in _fields(line, delimiter) if f.strip()]
        if len(fields) == 1 and ":" in fields[0]:
            fields = [p.strip() for p in fields[0].split(":", 1)]
        if len(fields) >= 2:
            role, _ = header_role(fields[0].rstrip(":"))
            if role == "Account" and "account" not in found:
                iban = _IBAN.fullmatch(fields[1])
                found["account"] = iban.group(1).replace(" ", "") if iban else fields[1]
            elif role == "Currency" and _ISO_CODE.match(fields[1].upper()):
                found.setdefault("currency", fields[1].upper())
        iban = _IBAN.search(line)
        if iban and "account" not in found:
            found["account"] = iban.group(1).replace(" ", "")
    return found


def _preamble_period(lines: list[str], delimiter: str) -> tuple[str, str] | None:
    """The first and last day written in the lines before the table (a statement's period,
    ``'28 Februarie 2016','28 Maart 2016'``), in any language the dates read: the years that
    date a table written without them (`core.dates.read_dates`). None without a date."""
    fields = [f for line in lines for f in _fields(line, delimiter) if f.strip()]
    if not fields:
        return None
    dated = read_dates(pd.Series(fields)).values.dropna()
    if not len(dated):
        return None
    return dated.min().date().isoformat(), dated.max().date().isoformat()


def _assign_roles(columns: list[str], mapping: DeclaredMapping | None
                  ) -> tuple[dict[str, list[str]], list[str], str | None, set[str]]:
    """Raw column -> file columns; plus unrecognised columns, a currency named in a header
    (``Amount (EUR)``) and the header keys (for the language hint)."""
    declared = mapping.columns if mapping else {}
    roles: dict[str, list[str]] = {}
    for role, names in declared.items():
        missing = [n for n in names if n not in columns]
        if missing:
            raise ExportReadError(
                f"declared column(s) {', '.join(repr(n) for n in missing)} for {role!r} not in "
                f"the file (found {', '.join(repr(c) for c in columns)})")
        roles[role] = list(names)
    used = {n for names in roles.values() for n in names}
    unrecognised: list[str] = []
    header_currency = None
    keys = set()
    for column in columns:
        if column in used:
            continue
        key = header_key(column)
        keys.add(key)
        role, code = header_role(column)
        if role is None and _DESCRIPTION_PART.match(key):
            role = "Description"
        if role is None or role in declared:
            unrecognised.append(column)
            continue
        if role in roles:
            # A numbered description part (VWZ2, Description 3) joins the description;
            # any other second column of a role is reported, never merged.
            if role == "Description" and _DESCRIPTION_PART.match(key):
                roles[role].append(column)
            else:
                unrecognised.append(column)
            continue
        roles[role] = [column]
        header_currency = header_currency or code
    return roles, unrecognised, header_currency, keys


def _blank_lines(lines: list[str], frame: pd.DataFrame, columns: list[str]) -> int:
    """Empty lines between the rows: those inside a quoted text running over several lines
    (``"Standing order⏎⏎Rent"``) belong to the text."""
    empty = sum(1 for line in lines if line == "")
    if empty:
        empty -= sum(int(frame[c].str.count(r"\r?\n(?=\r?\n)").sum()) for c in columns)
    return max(empty, 0)


def _joined(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    if len(columns) == 1:
        return frame[columns[0]]
    parts = frame[columns].apply(lambda c: c.str.strip())
    joined = parts.iloc[:, 0]
    for name in parts.columns[1:]:
        part = parts[name]
        joined = joined.where(part == "", joined.where(joined == "", joined + " ") + part)
    return joined


def _text_from_line(text: str, start: int) -> str:
    """``text`` from its line ``start`` on (counted as `str.splitlines` counts them), every
    character as written: a form feed or line separator inside a field is no line end for
    the CSV parser, so it stays in its field ("" when the text has fewer lines)."""
    if start <= 0:
        return text
    found = next(islice(_LINE_BREAK.finditer(text), start - 1, None), None)
    return text[found.end():] if found else ""


def _decimal_mark(mapping: DeclaredMapping | None, reading: Any,
                  roles: dict[str, list[str]]) -> str | None:
    """The decimal mark declared, or the one the values of the first amount column show."""
    if mapping and mapping.decimal:
        return mapping.decimal
    return next((reading.evidence.get(c, {}).get("decimal_mark")
                 for role in ("Amount", "Money In", "Money Out", "Balance")
                 for c in roles.get(role, [])), None)


def read_csv_export(text: str, name: str, mapping: DeclaredMapping | None = None) -> RawExport:
    """Read a CSV export (decoded text) into the raw table."""
    lines = text.splitlines()
    delimiter = mapping.delimiter if mapping else None
    headerless, first_row = False, 0
    names = mapping.column_names if mapping and not mapping.header else None
    if mapping and mapping.skip_lines is not None:
        header_index = int(mapping.skip_lines)
        if delimiter is None:
            first = lines[header_index] if header_index < len(lines) else ""
            delimiter = max(DELIMITERS, key=first.count)
    else:
        found = None if names else _table_header(lines, delimiter)
        # the first line whose values hold a date and an amount starts the rows (every
        # field counted, empty ones too: a split Money In / Money Out column is often empty)
        # (a located table with a header line is what `_table_header` returns, so a table
        # located here, where it found none, has no header line)
        table = locate_table(lines, delimiter) if found is None and not names else None
        if table is not None:  # no header: the values alone say what each column is
            first_row, delimiter = table.first_row, table.delimiter
            names = [f"column {i + 1}"
                     for i in range(len(_fields(lines[first_row], delimiter)))]
            headerless = True
        if found is None and not names and not (mapping and mapping.columns):
            # the first line with text, cut at the mark it holds most (not a blank line's)
            yearless = yearless_dates(lines, (delimiter,) if delimiter else tuple(DELIMITERS))
            if yearless is not None:  # say what was unsure, not "no header found"
                raise ExportReadError(yearless_message(name, yearless, _preamble_period(
                    lines[:yearless["line"] - 1], yearless["delimiter"])))
            first_line = next((ln for ln in lines if ln.strip()), "")
            columns = _fields(first_line, delimiter or max(DELIMITERS, key=first_line.count))
            raise ExportReadError(
                f"{PurePath(name).name}: no transaction header found (a line naming at least a "
                f"date and an amount column) in the first {_HEADER_SEARCH_LINES} lines, and no "
                f"line whose values hold a date and an amount; first line has columns "
                f"{', '.join(repr(c) for c in columns) or 'none'}. "
                f"Declare a mapping in conf/local/export_mappings.yml, for example:\n"
                + suggested_mapping(name, columns))
        header_index, delimiter = found if found else (0, delimiter or max(DELIMITERS,
                                                                            key=lines[0].count))
    if headerless:
        header_index = first_row - 1
    elif names:
        header_index = (mapping.skip_lines or 0) - 1  # no header line: data starts after it
    start = header_index + 1 if names else header_index
    preamble = lines[:start]
    body_text = _text_from_line(text, start)
    frame, ragged = parse_rows(body_text, delimiter, names)
    columns = [c for c in frame.columns if c != PARSE_ERROR_COLUMN]
    roles, unrecognised, header_currency, keys = _assign_roles(columns, mapping)
    if headerless:
        keys = set()  # generated names say nothing of the file's language
    decimal_hint = "," if delimiter == ";" else "."
    try:
        reading = infer_roles(
            frame, roles, name=name, declared=set(mapping.columns) if mapping else set(),
            decimal_hint=mapping.decimal if mapping and mapping.decimal else decimal_hint,
            direction_values=mapping.debit_credit_values if mapping else None,
            headerless=headerless and mapping is None)
    except UnsureReading as exc:
        raise ExportReadError(str(exc)) from exc
    roles, unrecognised = reading.roles, reading.unrecognised
    if "Date" not in roles and "Value Date" in roles:
        # no other column of dates (by header or by values): the value date is the date
        roles["Date"] = roles.pop("Value Date")
    roles, unrecognised, date_columns = (
        (roles, unrecognised, None) if mapping and "Date" in mapping.columns
        else booking_date(frame, roles, unrecognised))
    if headerless and date_columns:  # no header tells a booking from a value date
        date_columns = headerless_dates_unsure(frame, date_columns, name)
    reading.use_roles(roles, date_columns)  # the report says the roles the lines are read with
    refuse_ambiguous_months(frame, roles.get("Date", columns), name,
                            mapping.month_language if mapping else None)

    amount_roles = {"Amount", "Money In", "Money Out"} & set(roles)
    if "Date" not in roles or not amount_roles:
        missing = [r for r, ok in (("date", "Date" in roles), ("amount", bool(amount_roles)))
                   if not ok]
        raise ExportReadError(
            f"{PurePath(name).name}: no {' or '.join(missing)} column recognised "
            f"(found {', '.join(repr(c) for c in columns) or 'none'}). Declare a mapping in "
            "conf/local/export_mappings.yml, for example:\n" + suggested_mapping(name, columns))

    # Lines that only separate blocks (all fields empty) are not rows. Only lines
    # without a date can be such lines: the rest is not looked at (speed on big files).
    date_column = roles["Date"][0]
    maybe_blank = frame[date_column].str.strip() == ""
    blank = pd.Series(False, index=frame.index)
    if maybe_blank.any():
        blank[maybe_blank] = (frame.loc[maybe_blank, columns].apply(lambda c: c.str.strip())
                              == "").all(axis=1)
    if blank.any():  # (no copy of a big table that has none)
        frame = frame[~blank].reset_index(drop=True)

    out: dict[str, Any] = {role: _joined(frame, cols) for role, cols in roles.items()}
    balance_lines: dict[str, int] = {}
    n = len(frame)
    errors = frame[PARSE_ERROR_COLUMN] if PARSE_ERROR_COLUMN in frame else empty_strings(n)
    errors = errors.reset_index(drop=True)
    # A header line repeated inside the body (exports that page their output).
    if n and columns:
        # Neither a repeated header nor a total line has a digit in its date field: only
        # such lines are examined further.
        dateless = ~frame[date_column].str.contains(r"\d", regex=True)
        if dateless.any():
            suspects = frame[dateless]
            same = sum((suspects[c].str.strip().str.lower() == str(c).strip().lower()).astype(int)
                       for c in columns)
            repeated = (same >= max(2, (len(columns) + 1) // 2)).reindex(frame.index,
                                                                         fill_value=False)
            errors = errors.mask(repeated & (errors == ""), "repeated_header")
            # A total / balance line: after the last dated row, or with a summary word.
            text_cols = [c for c in columns if c != date_column]
            wording = suspects[text_cols].apply(
                lambda c: str_call(c, "contains", SUMMARY_WORDS.pattern, regex=True)).any(axis=1).reindex(
                frame.index, fill_value=False)
            under = trailing_summary_rows(frame[columns], date_column)
            errors = errors.mask((wording | under) & (errors == ""), "summary_line")
        # A balance written on a line without any amount: an opening or closing balance
        # line, dated or not, in any language.
        errors = errors.mask(balance_only_rows(frame, roles) & (errors == ""), "summary_line")
        # A line whose text is only a balance or total label ("SALDO FINALE", "Closing
        # balance"), dated or not, with its amount in the amount columns: no transaction.
        # An opening and a closing balance line prove the lines between (normaliser).
        # Every column but the date is searched, number columns too: a closing line may
        # write its label where the rows hold a balance ("31.01.2024;;97,00;Saldo"), and
        # no transaction's amount, balance or value date is a balance label
        labels = labelled_summary_rows(frame, [c for c in columns
                                               if c != date_column]).reset_index(drop=True)
        # the amounts and balances as written, read once and only when a label asks
        amounts_written = functools.cache(lambda: written_amounts(
            out, _decimal_mark(mapping, reading, roles), decimal_hint,
            reading.direction and reading.direction["values"]))
        if (labels == "bare").any():  # head words alone: a merchant too ("TOTAL 0412")
            dated = frame[date_column].str.contains(r"\d", regex=True).to_numpy(dtype=bool)
            labels = labels.mask(bare_labels_kept(
                labels, dated, (dated & labels.isna() & (errors == "")).to_numpy(dtype=bool),
                (errors == "summary_line").to_numpy(dtype=bool), amounts_written))
        if labels.notna().any() and "Balance" in out:  # words are evidence; the balance proof
            labels = labels.mask(balance_carried(*amounts_written()))
        errors = errors.mask(labels.notna() & (errors == ""), "summary_line")
        balance_lines = balance_line_positions(labels, errors == "")
    out[PARSE_ERROR_COLUMN] = errors
    # Text-only lines under a transaction: the end of its description (banks wrap long
    # narratives); joined, counted in the reading report.
    joined_lines = 0
    if n and columns:
        out, kept = join_continuations(out, continuation_anchors(frame, roles, errors))
        joined_lines = int((~kept).sum())
        if joined_lines:
            before = np.cumsum(~kept)  # lines removed up to each position
            balance_lines = {k: int(p - before[p]) for k, p in balance_lines.items()}
            n = int(kept.sum())

    found_in_preamble = _preamble_info(preamble, delimiter)
    account = (mapping.account if mapping and mapping.account else found_in_preamble.get("account"))
    currency = (mapping.currency if mapping and mapping.currency else
                found_in_preamble.get("currency") or header_currency)
    if account and "Account" not in out:
        out["Account"] = pd.Series([account] * n, dtype="str")
    if currency and "Currency" not in out:
        out["Currency"] = pd.Series([currency] * n, dtype="str")

    non_english = bool(keys - _ENGLISH_KEYS) and not keys & _ENGLISH_KEYS
    # a decimal comma in the amounts is written where the day comes first too
    comma_amounts = any(reading.evidence.get(c, {}).get("decimal_mark") == ","
                        for role in ("Amount", "Money In", "Money Out", "Balance")
                        for c in roles.get(role, []))
    day_first_hint = (delimiter == ";" or non_english or bool(keys & _DAY_FIRST_VOCABULARY)
                      or (currency not in (None, "USD", "CAD")) or comma_amounts)
    info = {
        "format": "csv",
        "delimiter": delimiter,
        # a file read by its values or by declared names has no header line (its
        # header_index is the last line before the rows: a preamble's, not a header)
        "header_line": header_index + 1 if header_index >= 0 and not names else None,
        "preamble_lines": len(preamble),
        "blank_lines": int(blank.sum()) + _blank_lines(lines[header_index + 1:], frame, columns),
        "columns": {role: cols for role, cols in roles.items()},
        "unrecognised_columns": unrecognised,
        **({"ragged_rows": ragged} if ragged else {}),
        **({"date_columns": date_columns} if date_columns else {}),
        "hints": normaliser_hints(
            decimal=mapping.decimal if mapping else None,
            decimal_hint=decimal_hint,
            day_first=mapping.day_first if mapping else None,
            day_first_hint=day_first_hint,
            date_format=mapping.date_format if mapping else None,
            month_language=mapping.month_language if mapping else None,
            sign=mapping.sign if mapping else None,
            summary_rows_possible=True,
            balance_lines=balance_lines or None,
            period=(mapping.period if mapping and mapping.period
                    else _preamble_period(preamble, delimiter)),
        ),
    }
    if found_in_preamble:
        info["preamble_found"] = found_in_preamble
    info["headerless"] = headerless
    info["reading"] = reading.report()
    if joined_lines:
        info["reading"]["continuation_lines_joined"] = joined_lines
        info["reading"]["notes"] = [
            *info["reading"].get("notes", []),
            f"{joined_lines} text-only line(s) under a transaction joined to its description"]
    if reading.unsigned_sign is not None:
        info["hints"]["unsigned_sign"] = reading.unsigned_sign
    if reading.balance_before:
        info["hints"]["balance_before"] = True
    if reading.direction and roles.get("Debit/Credit") == [reading.direction["column"]]:
        info["hints"]["direction_values"] = reading.direction["values"]
    if reading.date_order and info["hints"]["day_first"] is None:
        info["hints"]["day_first"] = reading.date_order["day_first"]
        info["hints"]["date_order_decided_by"] = "balance"
    return RawExport(raw_frame(out, n), info)
