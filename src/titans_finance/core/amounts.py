"""Amount columns read as a whole: decimal mark decided per column, the sign written in
any of its forms (minus before or after, parentheses, a debit/credit mark), currencies
before or after the number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from titans_finance.core.column_values import _distinct, _spread, clean_strings
from titans_finance.core.direction_words import word_sign
from titans_finance.core.file_memo import remembered, values_key

# Currency codes and symbols that exports write beside a number, before or after it.
_CURRENCY_CODES = (
    "USD", "EUR", "GBP", "CHF", "CAD", "AUD", "NZD", "JPY", "CNY", "HKD", "SGD", "INR", "SEK",
    "NOK", "DKK", "PLN", "CZK", "HUF", "RON", "BGN", "ISK", "TRY", "ZAR", "BRL", "MXN", "ARS",
    "CLP", "COP", "ILS", "RUB", "UAH", "KRW", "THB", "MYR", "IDR", "PHP", "AED", "SAR", "SFR",
)
# A currency word in a non-Latin script: at most `_SCRIPT_CURRENCY_LETTERS` letters in all,
# in dotted parts (``د.ا.``, ``лв.``, ``руб.``, ``рублей``, ``บาท``, ``元``).
_SCRIPT_CURRENCY_LETTERS = 6
_SCRIPT_LETTER = r"[^\W\d_A-Za-z\u00c0-\u024f]"
_SCRIPT_CURRENCY = (rf"(?=(?:{_SCRIPT_LETTER}\.?){{1,{_SCRIPT_CURRENCY_LETTERS}}}(?!{_SCRIPT_LETTER}))"
                    rf"(?:{_SCRIPT_LETTER}+\.?)+")
_CURRENCY = re.compile(
    r"(?i)(?<![a-z])(?:" + "|".join(_CURRENCY_CODES) + r"|kr|fr|zł|kč|ft|kn|lei|rp|rs)\.?(?![a-z])"
    r"|(?:US|A|C|NZ|HK|S|R)?\$|[€£¥¢¤฿֏﷼\u20a0-\u20cf]"
    # a currency written in a non-Latin script, with its dots (د.ا. dinar, ر.س riyal,
    # лв. lev, руб., рублей): letters of no Latin alphabet are never a number, a sign or a
    # mark; a currency is a short word (`_SCRIPT_CURRENCY`): a longer one is text
    # (``Описание 1``, description 1, is no amount)
    r"|^" + _SCRIPT_CURRENCY + r"(?![^\W\d_])|(?<![^\W\d_])" + _SCRIPT_CURRENCY + "$"
)
# Invisible format marks (right-to-left and left-to-right marks, embeddings, isolates,
# zero-width spaces, a byte-order mark) that right-to-left locales write around numbers.
_FORMAT_MARKS = re.compile("[\u200b-\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]")
# Minus signs other than the ASCII hyphen (Unicode minus, dashes, full-width hyphen).
_MINUS_SIGNS = re.compile("[\u2212\u2010\u2011\u2012\u2013\u2014\ufe63\uff0d]")
# Grouping marks that are never a decimal mark: spaces of every width and apostrophes
# (Swiss 11'373.94, French 1 234,56 with a non-breaking or narrow space).
_GROUPING = re.compile(r"[\s\u00a0\u202f\u2007\u2009'’`´]")
# A grouping mark between digits parts groups of three: ``250 000,00``, ``11'373.94``. Digits
# parted otherwise (``12345 12345 12345 12345``, a reference in groups of five; ``1234 5678``,
# a card or account number) are no amount: more than three digits before a grouping mark, or
# other than three after one.
_MISGROUPED = re.compile(r"\d{4,}" + _GROUPING.pattern + r"+\d|\d" + _GROUPING.pattern
                         + r"+(?:\d{1,2}|\d{4,})(?!\d)")
# Groups of three digits parted by U+FFFD, then a decimal mark and decimals (`read_amounts`).
_UNREADABLE_GROUPING = "\\d{1,3}(?:\ufffd\\d{3})+[.,]\\d+"
# A debit/credit word or mark written with the number, glued or spaced, in any case, after
# it or before it: "1200.00DR", "1200.00 Dr.", "12,50S" (Soll), "7 H" (Haben), "5Bij", "D 12.00".
# Which words are marks is `direction_words` (a word that is none stays and makes the value
# invalid: never guessed).
_MARK_AFTER = re.compile(r"^(?P<number>.*?(?:\d[.,]?|\)))\s*(?P<mark>[^\W\d_]{1,12}\.?)$")
_MARK_BEFORE = re.compile(r"^(?P<mark>[^\W\d_]{1,12}\.?)\s*(?P<number>[(+-]?\s*[\d.,].*)$")


@dataclass(frozen=True)
class ParsedAmounts:
    """An amount column parsed as a whole (see `read_amounts`)."""

    values: pd.Series  # float64, NaN where missing or invalid
    invalid: pd.Series  # bool: written but not a number
    explicit_sign: pd.Series  # bool: the value itself says in or out (-, +, (..), DR/CR)
    decimal_mark: str  # "." or ","
    decimal_mark_decided_by: str  # "values", "declared" or "hint" (no value could tell)
    # bool: read through a repair (an unreadable byte between groups of three digits read as
    # a grouping mark); the reading report counts them per file
    repaired: pd.Series | None = None


def decide_decimal_mark(numbers: pd.Series, hint: str = ".") -> tuple[str, str]:
    """The decimal mark of a whole column, from every value in it.

    ``numbers`` holds the values with sign, currency and spaces already removed.
    A value votes ``,`` when it has both marks and ``,`` comes last, when it has a
    single ``,`` not followed by exactly three digits (``12,50``), or when it repeats
    ``.`` (``1.234.567``); and symmetrically for ``.``. A value like ``1.200`` or
    ``1,200`` casts no vote: it reads as 1200 or 1.2 depending on the column, which is
    why the column decides (``-1.200`` beside ``-12,50`` is minus one thousand two
    hundred). The majority wins; with no vote at all, ``hint`` (the file's convention:
    ``,`` for a semicolon-separated or non-English export) decides.
    """
    commas = numbers.str.count(",")
    dots = numbers.str.count(r"\.")
    comma_last = numbers.str.rfind(",") > numbers.str.rfind(".")
    after_comma = numbers.str.extract(r",(\d*)$", expand=False).str.len()
    after_dot = numbers.str.extract(r"\.(\d*)$", expand=False).str.len()
    votes_comma = (((commas > 0) & (dots > 0) & comma_last)
                   | ((commas == 1) & (dots == 0) & (after_comma != 3))
                   | ((dots > 1) & (commas == 0)))
    votes_dot = (((commas > 0) & (dots > 0) & ~comma_last)
                 | ((dots == 1) & (commas == 0) & (after_dot != 3))
                 | ((commas > 1) & (dots == 0)))
    comma, dot = int(votes_comma.sum()), int(votes_dot.sum())
    if comma == dot:
        return hint, "hint"
    return ("," if comma > dot else "."), "values"


def read_amounts(values: pd.Series, decimal: str | None = None,
                 decimal_hint: str = ".") -> ParsedAmounts:
    """Parse a whole amount column (see `_read_distinct_amounts`), once per distinct value."""
    codes, uniques = _distinct(values)
    # (read once per file for each mark asked of it: `file_memo`)
    parsed = remembered(values_key(uniques, "amounts", decimal, decimal_hint),
                        lambda: _read_distinct_amounts(uniques, decimal, decimal_hint))
    return ParsedAmounts(_spread(parsed.values, codes, np.nan, values.index).astype("float64"),
                         _spread(parsed.invalid, codes, False, values.index).astype(bool),
                         _spread(parsed.explicit_sign, codes, False, values.index).astype(bool),
                         parsed.decimal_mark, parsed.decimal_mark_decided_by,
                         _spread(parsed.repaired, codes, False, values.index).astype(bool))


def _read_distinct_amounts(values: pd.Series, decimal: str | None = None,
                           decimal_hint: str = ".") -> ParsedAmounts:
    """Parse a whole amount column: ``$1,234.56``, ``1.234,56``, ``-1.200``, ``11'373.94``,
    ``1 234,56``, ``(12.00)``, ``12.00-``, ``−12`` (Unicode minus), ``1200.00 DR``, ``$-12``,
    ``USD -5``.

    The currency is removed *before* the sign is read, so a sign on either side of
    a symbol or code counts. The decimal mark is decided once for the column
    (`decide_decimal_mark`) unless ``decimal`` declares it; a value whose grouping
    contradicts that mark (``12.50`` in a decimal-comma column) is invalid rather
    than silently a hundred times too large. Missing values are NaN but not invalid.
    """
    # what every decimal mark reads alike, once per file for the marks asked (`file_memo`)
    bare = remembered(values_key(values, "bare amounts"), lambda: _bare_numbers(values))
    s, missing = bare.text, bare.missing
    negative, positive, contradictory = bare.negative, bare.positive, bare.contradictory
    unreadable_grouping = bare.unreadable_grouping

    decided_by = "declared"
    if decimal is None:
        decimal, decided_by = decide_decimal_mark(s[~missing], decimal_hint)
    if decimal not in (".", ","):
        raise ValueError(f"decimal mark must be '.' or ',', got {decimal!r}")
    group = "," if decimal == "." else "."
    g, d = re.escape(group), re.escape(decimal)
    well_formed = s.str.fullmatch(rf"(?:\d{{1,3}}(?:{g}\d{{3}})+|\d+)(?:{d}\d*)?|{d}\d+")
    plain = s.where(well_formed).str.replace(group, "", regex=False).str.replace(
        decimal, ".", regex=False)
    # Zero padding ("00000000000115.8331", OFX) costs pandas' fast parser digits of precision.
    plain = plain.str.replace(r"^0+(?=\d)", "", regex=True)
    number = pd.to_numeric(plain, errors="coerce").astype("float64")
    number = number.where(~negative, -number)
    invalid = ~missing & (number.isna() | ~np.isfinite(number.fillna(0.0)) | contradictory)
    repaired = unreadable_grouping.fillna(False).astype(bool) & ~invalid
    return ParsedAmounts(number.where(~invalid), invalid, ~missing & (negative | positive),
                         decimal, decided_by, repaired)


@dataclass(frozen=True)
class _BareNumbers:
    """A column's values with their format marks, currency, debit/credit word, grouping and
    sign taken off (`_bare_numbers`): what every decimal mark reads alike."""

    text: pd.Series  # the bare number of each value ("" where missing)
    missing: pd.Series
    negative: pd.Series  # written negative: a minus on either side, parentheses, a debit word
    positive: pd.Series  # written positive: a plus on either side, a credit word
    # both, a minus on both sides, or digits grouped otherwise than by three (`_MISGROUPED`)
    contradictory: pd.Series
    unreadable_grouping: pd.Series  # U+FFFD read as a grouping mark (`_UNREADABLE_GROUPING`)


def _bare_numbers(values: pd.Series) -> _BareNumbers:
    """The first half of `_read_distinct_amounts`: everything that does not depend on the
    decimal mark."""
    text = clean_strings(values)
    missing = text.isna()
    s = text.fillna("").str.replace(_FORMAT_MARKS, "", regex=True)
    s = s.str.replace(_MINUS_SIGNS, "-", regex=True)
    s = s.str.strip().str.replace(_CURRENCY, "", regex=True).str.strip()
    marked = s.str.extract(_MARK_AFTER)
    before = s.str.extract(_MARK_BEFORE)
    marked = marked.where(marked["mark"].notna(), before)
    mark_sign = marked["mark"].map(word_sign, na_action="ignore").astype("float64")
    debit_word, credit_word = mark_sign.eq(-1.0), mark_sign.eq(1.0)
    s = marked["number"].where(debit_word | credit_word, s)
    misgrouped = s.str.contains(_MISGROUPED, regex=True)
    s = s.str.replace(_GROUPING, "", regex=True)

    parenthesised = s.str.fullmatch(r"\(.*\)")
    s = s.str.replace(r"^\((.*)\)$", r"\1", regex=True)
    leading_minus, trailing_minus = s.str.startswith("-"), s.str.endswith("-")
    plus = s.str.startswith("+") | s.str.endswith("+")
    s = s.str.replace(r"^[+-]|[+-]$", "", regex=True)
    # U+FFFD (a byte the file's decoder could not read) between groups of three digits, with
    # the decimal mark written after them, can only be a grouping mark (Intesa's
    # ``-1\ufffd000.00``): digits are never unreadable, a number has one decimal mark, and
    # a minus stands at the edge. Anywhere else (``\ufffd12.50``: a € or a Windows-1252 dash
    # used as a minus?) or without the decimal mark (``1\ufffd000``: 1000 or 1.000?) the
    # value stays invalid: never guessed.
    unreadable_grouping = s.str.fullmatch(_UNREADABLE_GROUPING)
    s = s.where(~unreadable_grouping, s.str.replace("\ufffd", "", regex=False))
    negative = parenthesised | leading_minus | trailing_minus | debit_word
    positive = plus | credit_word
    contradictory = (negative & positive) | (leading_minus & trailing_minus) | misgrouped

    return _BareNumbers(s, missing, negative, positive, contradictory, unreadable_grouping)


def parse_amounts(values: pd.Series, decimal: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse an amount column; returns ``(float64 with NaN where unparseable, invalid mask)``.

    The public parser of the project (ingestion and the service use it): see
    `read_amounts` for the formats, the per-column decimal mark and signs.
    """
    parsed = read_amounts(values, decimal=decimal)
    return parsed.values, parsed.invalid
