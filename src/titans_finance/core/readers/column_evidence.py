"""Evidence from the values of a CSV column: what its values *are*, whatever its header.

Measured on a sample of rows, one vectorised pass per parser: the parse rate as a date
(and the day/month order the values say), as an amount (decimal mark, whether a sign is
written), whether the column holds a few short tokens (a direction indicator: ``D/C``,
``DR/CR``, ``Af/Bij``, ``S/H``, ``+/-``) or a 0/1 flag, IBANs, ISO currency codes, free
text. `column_roles` decides the roles from this evidence (where the rows of a file
start, with or without a header, is `csv_rows.locate_table`).
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from titans_finance.core.currency_codes import currency_share
from titans_finance.core.direction_words import column_word_sign
from titans_finance.core.normalise import (
    by_distinct_value,
    clean_strings,
    read_amounts,
    read_dates,
)

# A column holds dates / amounts / IBANs / currency codes when at least this share of its
# non-empty sampled values parse as such (a few broken lines are quarantined later,
# one line in ten is not what the column is).
PARSE_RATE = 0.9
# Direction tokens are short words or marks; a column has at most three of them
# (debit, credit, and a reversal mark such as RD).
_TOKEN_MAX_LENGTH = 12
MAX_TOKENS = 3
# Shapes of what `read_dates` and `read_amounts` can read (supersets): ISO and numeric dates,
# dates with month names; numbers with at most two short words (a currency, DR/CR).
_DATE_SHAPE = (r"^\s*(?:\d{4}[-/.:]?\d{1,2}[-/.:]?\d{1,2}|\d{1,2}[/.\-]\s?\d{1,2}[/.\-]"
               r"|\d{1,2}\.?[ .\-/][^\W\d_]|[^\W\d_]{3,}\.?\s+\d)")
_NUMBER_SHAPE = r"^(?=.*\d)[^A-Za-z]*(?:[A-Za-z]{1,3}\.?[^A-Za-z]*){0,2}$"
_IBAN = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")
# A flag column holds both values of one of these pairs (one value alone proves nothing:
# an amount column of zeros in the sample may hold money further down).
_FLAG_PAIRS = ({"0", "1"}, {"true", "false"}, {"yes", "no"}, {"y", "n"})
FLAG_TRUE = {"1", "true", "yes", "y"}
# Whole numbers all written with the same count of digits, at least this many, are account
# numbers (Norwegian 11-digit ``Til konto``/``Fra konto``), not money: amounts of ten
# million and more on every line, all of one length, are no bank statement's.
ACCOUNT_DIGITS = 8


# --------------------------------------------------------------------------- evidence

def token_sign(token: str) -> float | None:
    """-1 (money out) or +1 (money in) for a direction word of any language (or ``O``/``I``
    in a direction column), else None."""
    return column_word_sign(token)


@by_distinct_value
def direction_signs(values: pd.Series, meaning: dict[str, float]) -> tuple[pd.Series, pd.Series]:
    """Sign of each value of a debit/credit column under the reading's ``meaning`` (value
    as written -> -1/+1; case and surrounding spaces aside). Returns ``(float sign with NaN
    where missing or not one of the values, unknown mask)``."""
    text = clean_strings(values)
    folded = {str(k).strip().casefold(): float(v) for k, v in meaning.items()}
    sign = text.str.casefold().map(folded).astype("float64")
    return sign, text.notna() & sign.isna()


def column_evidence(values: pd.Series, decimal_hint: str = ".") -> dict[str, Any]:
    """What a column's sampled values are: rates of dates, amounts, IBANs, currency codes
    and free text among its non-empty values, and its tokens when it has only a few."""
    text = clean_strings(values).dropna()
    n = len(text)
    evidence: dict[str, Any] = {"values": n}
    if n == 0:
        return evidence
    distinct = text.unique()
    evidence["distinct"] = int(len(distinct))
    # Each parser runs only on the values of its shape (a superset of what it reads): the
    # rates stay exact and a column of free text costs two regex passes, not two parsers.
    dated = text[text.str.match(_DATE_SHAPE)]
    plausible = 0
    if len(dated):
        dates = read_dates(dated, day_first_hint=decimal_hint == ",")
        plausible = int((dates.values.notna() & dates.values.dt.year.between(1970, 2100)).sum())
    evidence["date_rate"] = round(plausible / n, 4)
    if evidence["date_rate"] >= PARSE_RATE:
        evidence["day_first"] = dates.day_first
    numeric = text[text.str.match(_NUMBER_SHAPE)]
    count = 0
    if len(numeric):
        amounts = read_amounts(numeric, decimal_hint=decimal_hint)
        number = amounts.values.notna() & ~amounts.invalid
        count = int(number.sum())
    evidence["amount_rate"] = round(count / n, 4)
    if count:
        evidence["signed_rate"] = round(float(amounts.explicit_sign[number].mean()), 4)
        evidence["decimal_mark"] = amounts.decimal_mark
        integral = numeric[number].str.fullmatch(r"[+-]?\d+")
        evidence["integers_only"] = bool(integral.all())
        digits = numeric[number].str.len()
        evidence["identifier_like"] = bool(integral.all() and (
            (len(distinct) == 1 and n >= 3) or (len(distinct) == n and digits.min() >= 6)
            or (digits.nunique() == 1 and digits.min() >= ACCOUNT_DIGITS)))
    compact = text.str.replace(" ", "", regex=False).str.upper()
    evidence["iban_rate"] = round(float(compact.str.fullmatch(_IBAN.pattern).mean()), 4)
    evidence["currency_rate"] = round(currency_share(text), 4)
    # (letters of every script: Python's regex engine, whose \w is Unicode; the arrow string
    # engine's is ASCII only and counted no Chinese or Cyrillic text as text)
    letters = text.astype(object).str.count(r"[^\W\d_]")
    evidence["text_rate"] = round(float(letters.ge(3).mean()), 4)
    lowered = {str(v).strip().lower() for v in distinct}
    if lowered in _FLAG_PAIRS:
        evidence["flag"] = True
    # Tokens: a few short words or marks without digits or spaces (but for direction words
    # in two languages, ``借 Dr``), repeated down the column or all known direction words
    # (three lines of three payees are text, not tokens).
    if len(distinct) <= MAX_TOKENS and all(
            len(str(v)) <= _TOKEN_MAX_LENGTH and not re.search(r"\d", str(v))
            and (not re.search(r"\s", str(v)) or token_sign(str(v)) is not None)
            for v in distinct) and (n > len(distinct) or all(
                token_sign(str(v)) is not None for v in distinct)):
        counts = text.value_counts()
        evidence["tokens"] = {str(k): int(v) for k, v in counts.items()}
    return evidence


def is_date_column(e: dict[str, Any]) -> bool:
    return e.get("date_rate", 0) >= PARSE_RATE


def is_amount_column(e: dict[str, Any]) -> bool:
    return (e.get("amount_rate", 0) >= PARSE_RATE and not is_date_column(e) and not e.get("flag")
            and not e.get("identifier_like"))
