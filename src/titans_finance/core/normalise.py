"""Normalisation of raw export values: headers, dates, amounts, enums, text.

Every function here is vectorised over a pandas Series (loops run only over the
handful of *distinct* enum values, never over rows) and returns the parsed
values together with a mask of what could not be parsed, so the caller decides
between "clean" and "quarantine". Amounts and dates are decided per *column*
(decimal mark, day/month order) from all of its values, never value by value.
Plain module: used by the readers, the ingestion pipeline and the serving
layer's input validation. Each kind of value has its module (`header_names`,
`column_values`, `amounts`, `dates`); this one holds the enums and names them all.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import pandas as pd

from titans_finance.core.amounts import (  # noqa: F401 (the public names of the normaliser)
    _CURRENCY_CODES,
    ParsedAmounts,
    decide_decimal_mark,
    parse_amounts,
    read_amounts,
)
from titans_finance.core.column_values import (  # noqa: F401
    HTML_ENTITY,
    by_distinct_value,
    clean_strings,
    decode_entities,
)
from titans_finance.core.dates import (  # noqa: F401
    ParsedDates,
    infer_day_first,
    parse_dates,
    read_dates,
)
from titans_finance.core.header_names import (  # noqa: F401
    HEADER_SYNONYMS,
    header_key,
    header_role,
    map_headers,
)
from titans_finance.core.transliterate import latin
from titans_finance.core.schema import (
    PAYMENT_METHODS,
    RAW_COLUMNS,
    STATUSES,
    TRANSACTION_TYPES,
)

PAYMENT_METHOD_ALIASES: dict[str, str] = {
    "card": "credit_card", "cc": "credit_card", "credit": "credit_card", "visa": "credit_card",
    "mastercard": "credit_card", "amex": "credit_card", "creditcard": "credit_card",
    "debit": "debit_card", "debitcard": "debit_card", "ec": "debit_card",
    "transfer": "bank_transfer", "bank": "bank_transfer", "wire": "bank_transfer",
    "ach": "bank_transfer", "banktransfer": "bank_transfer", "sepa": "bank_transfer",
    "direct_debit": "bank_transfer", "cheque": "check", "pay_pal": "paypal",
    # OFX TRNTYPE and common bank booking kinds
    "pos": "debit_card", "atm": "cash", "xfer": "bank_transfer", "directdebit": "bank_transfer",
    "directdep": "bank_transfer", "dep": "bank_transfer",
    "standing_order": "bank_transfer", "repeatpmt": "bank_transfer", "cash_withdrawal": "cash",
    "card_payment": "debit_card", "lastschrift": "bank_transfer", "ueberweisung": "bank_transfer",
    "uberweisung": "bank_transfer", "dauerauftrag": "bank_transfer", "virement": "bank_transfer",
    "prelevement": "bank_transfer", "carte": "debit_card",
}
TYPE_ALIASES: dict[str, str] = {
    "credit": "income", "deposit": "income", "revenue": "income", "in": "income",
    "inflow": "income", "receipt": "income",
    "debit": "expense", "withdrawal": "expense", "payment": "expense", "out": "expense",
    "outflow": "expense", "purchase": "expense", "spend": "expense", "cost": "expense",
    "dr": "expense", "cr": "income", "d": "expense", "c": "income", "dbit": "expense",
    "crdt": "income", "s": "expense", "h": "income", "soll": "expense", "haben": "income",
    "af": "expense", "bij": "income", "debet": "expense", "rd": "income", "rc": "expense",
    "abono": "income", "cargo": "expense", "gutschrift": "income", "belastung": "expense",
    "lastschrift": "expense", "expenses": "expense", "incomes": "income", "-": "expense",
    "+": "income", "debito": "expense", "credito": "income", "ingreso": "income",
    "gasto": "expense",
}
STATUS_ALIASES: dict[str, str] = {
    "complete": "paid", "completed": "paid", "cleared": "paid", "posted": "paid",
    "settled": "paid", "writtenoff": "written_off", "write_off": "written_off",
    "refund": "refunded", "canceled": "cancelled", "void": "cancelled",
}


@by_distinct_value
def snake_token(values: pd.Series) -> pd.Series:
    """Lowercase snake_case token (``Credit Card`` → ``credit_card``); missing stays missing."""
    text = clean_strings(values)
    # Letters beyond ASCII in Latin letters first: an accented word keeps its letters
    # (``Débit`` → ``debit``, not ``d_bit``), a word of another script (``Исполнено``)
    # becomes a token, not a schema error.
    beyond = ~text.map(str.isascii, na_action="ignore").fillna(True).astype(bool)
    lowered = text.str.lower()
    if beyond.any():
        lowered = lowered.mask(beyond, text[beyond].map(latin))
    token = lowered.str.replace(r"[^a-z0-9]+", "_", regex=True).str.strip("_")
    # Pure punctuation ("???") is a value, not a missing one: keep it so it is reported.
    return token.mask(token == "", text.str.lower())


@by_distinct_value
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
    # keep the string dtype: mapping a column with no value at all (an export without
    # categories) would otherwise give float64 and fail the clean table's schema
    corrected = tokens.map(lookup).astype(tokens.dtype)
    unknown = tokens.notna() & corrected.isna()
    return corrected.where(~unknown, tokens), unknown


def correct_types(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    return correct_enum(values, TRANSACTION_TYPES, TYPE_ALIASES, cutoff=0.7)


@by_distinct_value
def indicator_signs(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Sign (+1 money in, -1 money out) of a debit/credit indicator or type column.

    Reads ``D``/``C``, ``DR``/``CR``, ``DBIT``/``CRDT`` (CAMT), ``S``/``H`` (Soll/Haben),
    ``Af``/``Bij`` (Dutch), ``Debit``/``Credit``, ``Expense``/``Income`` and their typos.
    Returns ``(float sign with NaN where missing or unknown, unknown mask)``.
    """
    # "+" and "-" are punctuation to `snake_token`; read them before it.
    text = clean_strings(values)
    kind, unknown = correct_types(text.replace({"+": "income", "-": "expense"}))
    sign = kind.map({"income": 1.0, "expense": -1.0}).astype("float64")
    return sign, unknown


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
