"""Normalisation of raw export values: headers, dates, amounts, enums, text.

Every function here is vectorised over a pandas Series (loops run only over the
handful of *distinct* enum values, never over rows) and returns the parsed
values together with a mask of what could not be parsed, so the caller decides
between "clean" and "quarantine". Plain module: used by the ingestion pipeline
and by the serving layer's input validation.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from titans_finance.core.schema import (
    PAYMENT_METHODS,
    RAW_COLUMNS,
    STATUSES,
    TRANSACTION_TYPES,
)

# --------------------------------------------------------------------------- headers

# Alternative spellings seen in bank / accounting exports, keyed by canonical raw name.
# Keys are compared after `_header_key` (lowercase, no punctuation or spaces).
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "Date": ("date", "transactiondate", "txndate", "postingdate", "posteddate", "bookingdate",
             "valuedate"),
    "Type": ("type", "transactiontype", "txntype", "kind", "direction"),
    "Description": ("description", "desc", "details", "memo", "narrative", "transactiondescription",
                    "name"),
    "Amount": ("amount", "amountusd", "value", "transactionamount", "sum"),
    "Category": ("category", "categories", "expensecategory"),
    "Payment Method": ("paymentmethod", "paymenttype", "method", "payment", "paidwith"),
    "Status": ("status", "state"),
    "Reference": ("reference", "ref", "merchant", "payee", "vendor", "counterparty", "client"),
    "Receipt URL": ("receipturl", "receipt", "receiptlink", "attachment", "url"),
}
_HEADER_LOOKUP = {alias: canonical for canonical, aliases in HEADER_SYNONYMS.items()
                  for alias in aliases}


def _header_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).replace("\ufeff", "").lower())


def map_headers(columns: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """Map the file's header names onto the canonical raw column names.

    Returns ``(mapping original -> canonical, unrecognised original names)``.
    The first column that maps onto a canonical name wins; a later duplicate
    is reported as unrecognised rather than silently merged.
    """
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    taken: set[str] = set()
    for original in columns:
        canonical = _HEADER_LOOKUP.get(_header_key(original))
        if canonical is None or canonical in taken:
            unknown.append(str(original))
            continue
        mapping[original] = canonical
        taken.add(canonical)
    return mapping, unknown


# --------------------------------------------------------------------------- text

def clean_strings(values: pd.Series) -> pd.Series:
    """Strip, collapse inner whitespace, and turn empty strings into missing values."""
    text = values.astype("str").str.replace(r"\s+", " ", regex=True).str.strip()
    return text.mask(values.isna() | (text == "") | (text.str.lower().isin(["nan", "none", "null"])))


# --------------------------------------------------------------------------- amounts

_CURRENCY = re.compile(r"(?i)(usd|eur|gbp|cad|aud|chf|us\$|[$€£¥])")


def parse_amounts(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse amount strings such as ``$1,234.56``, ``1.234,56``, ``(12.00)``, ``12.00-``.

    Returns ``(amount float64 with NaN where unparseable, invalid mask)``; a
    missing value is NaN but *not* invalid (the caller reports it separately).
    Non-finite results (``inf``, ``nan`` written as text) are invalid.
    """
    text = clean_strings(values)
    missing = text.isna()
    s = text.fillna("").str.replace(_CURRENCY, "", regex=True).str.replace(r"[\s']", "", regex=True)

    negative = s.str.match(r"^\(.*\)$") | s.str.endswith("-") | s.str.startswith("-")
    s = s.str.replace(r"^\((.*)\)$", r"\1", regex=True).str.strip("+-")

    # Decimal separator: with both ',' and '.', the last one is decimal; with only
    # ',' it is decimal when followed by exactly 1-2 digits at the end (1.234,56 /
    # 12,5) and a thousands separator otherwise (1,234).
    has_comma = s.str.contains(",", regex=False)
    has_dot = s.str.contains(".", regex=False)
    comma_decimal = (has_comma & has_dot & (s.str.rfind(",") > s.str.rfind("."))) | (
        has_comma & ~has_dot & s.str.match(r"^\d+,\d{1,2}$")
    )
    s = s.mask(comma_decimal, s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    s = s.mask(~comma_decimal, s.str.replace(",", "", regex=False))

    well_formed = s.str.fullmatch(r"\d+(\.\d+)?|\.\d+")
    number = pd.to_numeric(s.where(well_formed), errors="coerce").astype("float64")
    number = number.where(~negative, -number)
    invalid = ~missing & (number.isna() | ~np.isfinite(number.fillna(0.0)))
    return number.where(~invalid), invalid


# --------------------------------------------------------------------------- dates

_DATE_FORMATS_ISO = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y-%m-%dT%H:%M:%S",
                     "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%SZ")
_DATE_FORMATS_TEXT = ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%d-%b-%Y",
                      "%d-%b-%y")
_DATE_FORMATS_MDY = ("%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y")
_DATE_FORMATS_DMY = ("%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y")


def infer_day_first(values: pd.Series) -> bool:
    """Decide day-first vs month-first for a whole file from unambiguous values.

    A slash/dot/dash date whose first part exceeds 12 can only be day-first; one
    whose second part exceeds 12 can only be month-first. The majority wins and
    a tie (or no evidence) means month-first, the convention of US exports.
    """
    parts = clean_strings(values).str.extract(r"^(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}$")
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce")
    return int((first > 12).sum()) > int((second > 12).sum())


def parse_dates(values: pd.Series, day_first: bool | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse dates written in the common export formats, each value by the first format that fits.

    ``day_first=None`` infers the convention from the file (see `infer_day_first`).
    Returns ``(datetime64[ns] normalised to the day, invalid mask)``; missing
    values are NaT but not invalid.
    """
    text = clean_strings(values)
    missing = text.isna()
    if day_first is None:
        day_first = infer_day_first(text)
    numeric_formats = _DATE_FORMATS_DMY + _DATE_FORMATS_MDY if day_first else (
        _DATE_FORMATS_MDY + _DATE_FORMATS_DMY)
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    todo = ~missing
    for fmt in _DATE_FORMATS_ISO + numeric_formats + _DATE_FORMATS_TEXT:
        if not todo.any():
            break
        attempt = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        parsed.loc[attempt.index] = parsed.loc[attempt.index].fillna(attempt.astype("datetime64[ns]"))
        todo = todo & parsed.isna()
    invalid = ~missing & parsed.isna()
    return parsed.dt.normalize(), invalid


# --------------------------------------------------------------------------- enums

PAYMENT_METHOD_ALIASES: dict[str, str] = {
    "card": "credit_card", "cc": "credit_card", "credit": "credit_card", "visa": "credit_card",
    "mastercard": "credit_card", "amex": "credit_card", "creditcard": "credit_card",
    "debit": "debit_card", "debitcard": "debit_card", "ec": "debit_card",
    "transfer": "bank_transfer", "bank": "bank_transfer", "wire": "bank_transfer",
    "ach": "bank_transfer", "banktransfer": "bank_transfer", "sepa": "bank_transfer",
    "direct_debit": "bank_transfer", "cheque": "check", "pay_pal": "paypal",
}
TYPE_ALIASES: dict[str, str] = {
    "credit": "income", "deposit": "income", "revenue": "income", "in": "income",
    "inflow": "income", "receipt": "income",
    "debit": "expense", "withdrawal": "expense", "payment": "expense", "out": "expense",
    "outflow": "expense", "purchase": "expense", "spend": "expense", "cost": "expense",
}
STATUS_ALIASES: dict[str, str] = {
    "complete": "paid", "completed": "paid", "cleared": "paid", "posted": "paid",
    "settled": "paid", "writtenoff": "written_off", "write_off": "written_off",
    "refund": "refunded", "canceled": "cancelled", "void": "cancelled",
}


def snake_token(values: pd.Series) -> pd.Series:
    """Lowercase snake_case token (``Credit Card`` → ``credit_card``); missing stays missing."""
    text = clean_strings(values)
    token = text.str.lower().str.replace(r"[^a-z0-9]+", "_", regex=True).str.strip("_")
    # Pure punctuation ("???") is a value, not a missing one: keep it so it is reported.
    return token.mask(token == "", text.str.lower())


def correct_enum(
    values: pd.Series,
    vocabulary: Iterable[str],
    aliases: dict[str, str] | None = None,
    cutoff: float = 0.8,
) -> tuple[pd.Series, pd.Series]:
    """Map messy enum values onto a vocabulary: exact, alias, then closest spelling.

    Typos such as ``credit_car`` or ``expence`` are corrected by string
    similarity (difflib ratio >= ``cutoff``), decided once per distinct value.
    Returns ``(corrected values, unknown mask)`` where unknown marks non-missing
    values that matched nothing; those keep their snake_case token.
    """
    vocabulary = tuple(vocabulary)
    aliases = aliases or {}
    tokens = snake_token(values)
    lookup: dict[str, str] = {}
    for token in tokens.dropna().unique():
        if token in vocabulary:
            lookup[token] = token
        elif token in aliases:
            lookup[token] = aliases[token]
        elif token.replace("_", "") in aliases:
            lookup[token] = aliases[token.replace("_", "")]
        else:
            close = difflib.get_close_matches(token, vocabulary, n=1, cutoff=cutoff)
            if close:
                lookup[token] = close[0]
    corrected = tokens.map(lookup)
    unknown = tokens.notna() & corrected.isna()
    return corrected.where(~unknown, tokens), unknown


def correct_types(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    return correct_enum(values, TRANSACTION_TYPES, TYPE_ALIASES, cutoff=0.7)


def correct_payment_methods(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    return correct_enum(values, PAYMENT_METHODS, PAYMENT_METHOD_ALIASES)


def correct_statuses(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    return correct_enum(values, STATUSES, STATUS_ALIASES)


def raw_columns_present(columns: Iterable[str]) -> list[str]:
    """Canonical raw columns present in ``columns``, in export order."""
    present = set(columns)
    return [c for c in RAW_COLUMNS if c in present]


# --------------------------------------------------------------------------- limits

# Latest plausible transaction date, in days after today: ingestion quarantines later
# rows (`max_future_days` in parameters_ingestion.yml must equal it; a test checks) and
# the REST service refuses them.
MAX_FUTURE_DAYS = 31
