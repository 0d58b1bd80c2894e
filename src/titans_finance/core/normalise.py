"""Normalisation of raw export values: headers, dates, amounts, enums, text.

Every function here is vectorised over a pandas Series (loops run only over the
handful of *distinct* enum values, never over rows) and returns the parsed
values together with a mask of what could not be parsed, so the caller decides
between "clean" and "quarantine". Amounts and dates are decided per *column*
(decimal mark, day/month order) from all of its values, never value by value.
Plain module: used by the readers, the ingestion pipeline and the serving
layer's input validation.
"""

from __future__ import annotations

import difflib
import functools
import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from titans_finance.core.direction_words import word_sign
from titans_finance.core.schema import (
    PAYMENT_METHODS,
    RAW_COLUMNS,
    READ_COLUMNS,
    STATUSES,
    TRANSACTION_TYPES,
)

# --------------------------------------------------------------------------- headers

# Header names seen in bank and app exports (English, German, French, Spanish, Dutch,
# Italian, Portuguese), keyed by the column of the raw table they fill. Names are
# compared after `header_key` (accents removed, lowercase, letters and digits only),
# so "Date de valeur", "date_de_valeur" and "DATE DE VALEUR" are one key.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "Date": (
        "date", "transactiondate", "txndate", "postingdate", "posteddate", "bookingdate",
        "completeddate", "transdate", "dateposted", "postdate", "tradedate", "datum", "buchungstag",
        "buchungsdatum", "belegdatum", "umsatzdatum", "fecha", "fechaoperacion",
        "fechacontable", "fechadeoperacion", "transactiedatum", "boekdatum", "boekingsdatum",
        "dateoperation", "datedoperation", "datedeloperation", "datecomptable",
        "datedelaoperation", "data",
        "dataoperazione", "datacontabile", "startdate", "starteddate", "created", "createdutc",
        "createddate",
    ),
    "Value Date": (
        "valuedate", "wertstellung", "wertstellungsdatum", "valutadatum", "datedevaleur",
        "datevaleur", "fechavalor", "fechadevalor", "rentedatum", "datavaluta",
    ),
    "Type": (
        "type", "transactiontype", "txntype", "kind", "direction", "typ", "umsatzart",
        "tipo", "tipodeoperacion", "typeoperation", "typedoperation", "mutatiesoort",
    ),
    "Description": (
        "description", "desc", "details", "memo", "narrative", "transactiondescription",
        "transactiondetails", "particulars", "paymentreference", "reason", "purpose",
        "verwendungszweck", "beschreibung", "buchungstext", "umsatztext", "vorgang",
        "libelle", "libelleoperation", "libellesimplifie", "detail", "concepto",
        "descripcion", "omschrijving", "naamomschrijving", "mededelingen", "causale",
        "descrizione", "descricao", "transaction", "textoverwendungszweck",
    ),
    "Amount": (
        "amount", "value", "transactionamount", "sum", "betrag", "umsatz",
        "montant", "importe", "cantidad", "bedrag", "importo", "valor", "amountinaccountcurrency",
        "transactionamt", "netamount",
    ),
    "Money In": (
        "moneyin", "paidin", "deposit", "deposits", "credit", "credits", "creditamount",
        "amountcredit", "credit+", "in", "inflow", "received", "income", "haben", "gutschrift",
        "eingang", "einnahmen", "credito", "ingreso", "ingresos", "abono", "haber", "entrada",
        "bij", "creditbedrag", "avere", "entrate",
    ),
    "Money Out": (
        "moneyout", "paidout", "withdrawal", "withdrawals", "debit", "debits", "debitamount",
        "amountdebit", "out", "outflow", "spent", "expense", "soll",
        "lastschrift", "ausgang", "ausgaben", "debito", "cargo", "cargos", "gasto", "gastos",
        "debe", "salida", "af", "debetbedrag", "dare", "uscite",
    ),
    "Debit/Credit": (
        "debitcredit", "creditdebit", "drcr", "crdr", "dc", "cd", "sh", "sollhaben",
        "afbij", "bijaf", "creditdebitindicator", "cdtdbtind", "debitcreditindicator",
        "indicator", "sens", "debetcredit", "cargoabono",
    ),
    "Category": ("category", "categories", "expensecategory", "kategorie", "categorie",
                 "categoria", "rubrik"),
    "Payment Method": ("paymentmethod", "paymenttype", "method", "paidwith", "zahlungsart",
                       "moyendepaiement", "mediodepago", "betaalwijze"),
    "Status": ("status", "state", "estado", "statut"),
    "Reference": (
        "reference", "ref", "merchant", "merchantname", "payee", "payeename", "vendor",
        "counterparty", "counterpartyname", "client", "name", "partnername", "recipient",
        "beneficiary", "auftraggeberempfanger", "beguenstigterzahlungspflichtiger",
        "begunstigterzahlungspflichtiger", "empfanger", "zahlungsempfanger", "auftraggeber",
        "nameauftraggeberempfanger", "tiers", "beneficiaire", "beneficiario",
        "tegenpartij", "naamtegenpartij", "ordenante",
    ),
    "Receipt URL": ("receipturl", "receipt", "receiptlink", "attachment", "url"),
    "Account": (
        "account", "accountnumber", "accountno", "accountid", "accountname", "iban",
        "cardno", "cardnumber", "cardused", "cardusedfortransaction", "konto", "kontonummer",
        "auftragskonto", "ibanauftragskonto", "compte", "numerodecompte", "cuenta",
        "numerodecuenta", "rekening", "rekeningnummer", "conto",
        "produit",
    ),
    "Balance": (
        "balance", "runningbalance", "balanceafter", "accountbalance", "availablebalance",
        "saldo", "kontostand", "saldonachbuchung", "solde", "saldodisponible",
        "saldonamutatie", "saldocontabile",
    ),
    "Currency": ("currency", "ccy", "curr", "currencycode", "wahrung", "devise", "monnaie",
                 "monn", "moneda", "divisa", "valuta", "munt", "waehrung"),
    "Fee": ("fee", "fees", "commission", "commissions", "gebuhr", "gebuhren", "entgelt",
            "frais", "comision", "comisiones", "commissione", "commissioni", "provisie"),
    "Bank Transaction ID": (
        "transactionid", "fitid", "transactionnumber", "transactionreference", "bankreference",
        "ndetransaction", "numerodetransaction", "referencenumber", "transactionref",
        "id", "referencia", "transaktionsnummer",
    ),
}
_HEADER_LOOKUP = {alias: canonical for canonical, aliases in HEADER_SYNONYMS.items()
                  for alias in aliases}
# "Amount (EUR)", "Betrag (EUR)", "Paid out GBP": an ISO code after a known name.
_CODE_SUFFIX = re.compile(r"^(?P<name>[a-z0-9+]+?)(?:in)?(?P<code>[a-z]{3})$")


def header_key(name: str) -> str:
    """Accent-free lowercase letters and digits of a header name (``Débit`` → ``debit``)."""
    text = unicodedata.normalize("NFKD", str(name).replace("\ufeff", ""))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("ß", "ss")
    return re.sub(r"[^a-z0-9+]", "", text)


def header_role(name: str) -> tuple[str | None, str | None]:
    """The raw column a header fills and the currency code written in it, if any."""
    key = header_key(name)
    if key in _HEADER_LOOKUP:
        return _HEADER_LOOKUP[key], None
    match = _CODE_SUFFIX.match(key)
    if match and match["code"].upper() in _CURRENCY_CODES and match["name"] in _HEADER_LOOKUP:
        role = _HEADER_LOOKUP[match["name"]]
        if role in ("Amount", "Money In", "Money Out", "Balance"):
            return role, match["code"].upper()
    return None, None


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
        canonical, _ = header_role(original)
        if canonical is None or canonical in taken:
            unknown.append(str(original))
            continue
        mapping[original] = canonical
        taken.add(canonical)
    return mapping, unknown


# --------------------------------------------------------------------------- text

def by_distinct_value(function):
    """Run an elementwise ``function`` of a string column once per distinct value.

    ``function(values, ...)`` must compute each row from that row's value alone; it then
    runs on the column's distinct values (a missing value is one of them) and its
    Series result (or each Series of a tuple) is spread back to every row. A
    million-row export has a handful of types, statuses and categories and a few
    hundred thousand descriptions: each is cleaned once, not once per row. Columns
    that are not strings (objects of mixed types may compare equal yet print
    differently: ``1`` and ``1.0``) are passed to ``function`` as they are.
    """

    @functools.wraps(function)
    def per_distinct(values: pd.Series, *args, **kwargs):
        if not isinstance(values.dtype, pd.StringDtype):
            return function(values, *args, **kwargs)
        codes, distinct = pd.factorize(values, use_na_sentinel=False)
        result = function(pd.Series(distinct, name=values.name), *args, **kwargs)

        def spread(part: pd.Series) -> pd.Series:
            return pd.Series(part.array.take(codes), index=values.index, name=part.name)

        return tuple(spread(part) for part in result) if isinstance(result, tuple) else (
            spread(result))

    return per_distinct


@by_distinct_value
def clean_strings(values: pd.Series) -> pd.Series:
    """Strip, collapse inner whitespace, and turn empty strings into missing values."""
    if len(values) > 1000 and pd.api.types.is_string_dtype(values) and not (
            values.str.len() > 0).any():
        # An absent optional column of a big export: nothing to clean (a pass, not ten).
        return pd.Series(np.nan, index=values.index, dtype="str")
    text = values.astype("str").str.replace(r"\s+", " ", regex=True).str.strip()
    return text.mask(values.isna() | (text == "") | (text.str.lower().isin(["nan", "none", "null"])))


# Character references exports leave in their text (``A&amp;A GAS``, ``Caf&#233;``).
HTML_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,30});")


def decode_entities(values: pd.Series) -> pd.Series:
    """HTML character references decoded (``A&amp;A GAS`` → ``A&A GAS``); other text as is.
    Only the values holding an ``&`` are looked at (once per distinct value)."""
    if not pd.api.types.is_string_dtype(values):
        return _decode_entities(values)
    ampersand = np.asarray(values.str.contains("&", regex=False, na=False), dtype=bool)
    if not ampersand.any():
        return values
    decoded = values.to_numpy(dtype=object, copy=True)
    decoded[ampersand] = _decode_entities(values[ampersand]).to_numpy(dtype=object)
    return pd.Series(decoded, index=values.index, dtype=values.dtype)


@by_distinct_value
def _decode_entities(values: pd.Series) -> pd.Series:
    text = values.astype("str")
    coded = np.asarray(text.str.contains(HTML_ENTITY, na=False), dtype=bool)
    if not coded.any():
        return values
    decoded = text.to_numpy(dtype=object, copy=True)
    decoded[coded] = [html.unescape(value) for value in decoded[coded]]
    return pd.Series(decoded, index=values.index, dtype=values.dtype).where(values.notna())


# --------------------------------------------------------------------------- amounts

# Currency codes and symbols that exports write beside a number, before or after it.
_CURRENCY_CODES = (
    "USD", "EUR", "GBP", "CHF", "CAD", "AUD", "NZD", "JPY", "CNY", "HKD", "SGD", "INR", "SEK",
    "NOK", "DKK", "PLN", "CZK", "HUF", "RON", "BGN", "ISK", "TRY", "ZAR", "BRL", "MXN", "ARS",
    "CLP", "COP", "ILS", "RUB", "UAH", "KRW", "THB", "MYR", "IDR", "PHP", "AED", "SAR", "SFR",
)
_CURRENCY = re.compile(
    r"(?i)(?<![a-z])(?:" + "|".join(_CURRENCY_CODES) + r"|kr|fr|zł)\.?(?![a-z])"
    r"|(?:US|A|C|NZ|HK|S|R)?\$|[€£¥₹₽₩₺₪¢]"
)
# Minus signs other than the ASCII hyphen (Unicode minus, dashes, full-width hyphen).
_MINUS_SIGNS = re.compile("[\u2212\u2010\u2011\u2012\u2013\u2014\ufe63\uff0d]")
# Grouping marks that are never a decimal mark: spaces of every width and apostrophes
# (Swiss 11'373.94, French 1 234,56 with a non-breaking or narrow space).
_GROUPING = re.compile(r"[\s\u00a0\u202f\u2007\u2009'’`´]")
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


def _distinct(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(codes, distinct values): a column is parsed once per distinct value, then spread
    back with `_spread` (a million-row export has a few thousand distinct dates)."""
    if not isinstance(values.dtype, pd.StringDtype):
        values = values.astype("object")
    # (a string column is factorised as it is: the same codes and values, without first
    # making a million Python strings)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, pd.Series(np.asarray(uniques, dtype=object), dtype="object")


def _spread(values: pd.Series, codes: np.ndarray, missing, index: pd.Index) -> pd.Series:
    array = values.to_numpy()
    if array.dtype.kind == "M":
        missing = np.datetime64("NaT", "ns")
    array = np.append(array, np.array([missing], dtype=array.dtype))
    return pd.Series(array[codes], index=index)  # code -1 (missing) takes the last element


def read_amounts(values: pd.Series, decimal: str | None = None,
                 decimal_hint: str = ".") -> ParsedAmounts:
    """Parse a whole amount column (see `_read_distinct_amounts`), once per distinct value."""
    codes, uniques = _distinct(values)
    parsed = _read_distinct_amounts(uniques, decimal, decimal_hint)
    return ParsedAmounts(_spread(parsed.values, codes, np.nan, values.index).astype("float64"),
                         _spread(parsed.invalid, codes, False, values.index).astype(bool),
                         _spread(parsed.explicit_sign, codes, False, values.index).astype(bool),
                         parsed.decimal_mark, parsed.decimal_mark_decided_by)


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
    text = clean_strings(values)
    missing = text.isna()
    s = text.fillna("").str.replace(_MINUS_SIGNS, "-", regex=True)
    s = s.str.replace(_CURRENCY, "", regex=True).str.strip()
    marked = s.str.extract(_MARK_AFTER)
    before = s.str.extract(_MARK_BEFORE)
    marked = marked.where(marked["mark"].notna(), before)
    mark_sign = marked["mark"].map(word_sign, na_action="ignore").astype("float64")
    debit_word, credit_word = mark_sign.eq(-1.0), mark_sign.eq(1.0)
    s = marked["number"].where(debit_word | credit_word, s)
    s = s.str.replace(_GROUPING, "", regex=True)

    parenthesised = s.str.fullmatch(r"\(.*\)")
    s = s.str.replace(r"^\((.*)\)$", r"\1", regex=True)
    leading_minus, trailing_minus = s.str.startswith("-"), s.str.endswith("-")
    plus = s.str.startswith("+") | s.str.endswith("+")
    s = s.str.replace(r"^[+-]|[+-]$", "", regex=True)
    negative = parenthesised | leading_minus | trailing_minus | debit_word
    positive = plus | credit_word
    contradictory = (negative & positive) | (leading_minus & trailing_minus)

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
    return ParsedAmounts(number.where(~invalid), invalid, ~missing & (negative | positive),
                         decimal, decided_by)


def parse_amounts(values: pd.Series, decimal: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse an amount column; returns ``(float64 with NaN where unparseable, invalid mask)``.

    The public parser of the project (ingestion and the service use it): see
    `read_amounts` for the formats, the per-column decimal mark and signs.
    """
    parsed = read_amounts(values, decimal=decimal)
    return parsed.values, parsed.invalid


# --------------------------------------------------------------------------- dates

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
# (a year first may be followed by colons too: "2012:03:01", as some banks and EXIF write)
_ISO_DATE = r"^(?P<year>\d{4})[-/.:]?(?P<month>\d{1,2})[-/.:]?(?P<day>\d{1,2})$"
_NUMERIC_DATE = r"^(?P<first>\d{1,2})(?P<sep>[/.\-])\s?(?P<second>\d{1,2})(?P=sep)\s?(?P<year>\d{4}|\d{2})$"
_TEXT_DATE_FORMATS = ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y",
                      "%d-%b-%Y", "%d-%b-%y", "%d %b %y", "%d/%b/%Y", "%d.%b.%Y", "%d. %B %Y")


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


def _assemble(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    frame = pd.DataFrame({"year": pd.to_numeric(year, errors="coerce"),
                          "month": pd.to_numeric(month, errors="coerce"),
                          "day": pd.to_numeric(day, errors="coerce")})
    # Years a datetime64[ns] cannot hold are no transaction date: invalid, not a crash.
    frame["year"] = frame["year"].where(frame["year"].between(1678, 2261))
    return pd.to_datetime(frame, errors="coerce").astype("datetime64[ns]")


def _date_readings(text: pd.Series, date_format: str | None) -> dict:
    """Every reading of distinct date strings: ISO, numeric day-first and month-first,
    month names; and the evidence for the day/month order."""
    missing = text.isna()
    if date_format:
        fixed = pd.to_datetime(text, format=date_format, errors="coerce").astype("datetime64[ns]")
        return {"missing": missing, "fixed": fixed}
    day = text.str.replace(_TIME_OF_DAY, "", regex=True)
    other = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    iso = day.str.extract(_ISO_DATE)
    is_iso = iso["year"].notna()
    if is_iso.any():
        other[is_iso] = _assemble(iso["year"], iso["month"], iso["day"])[is_iso]
    numeric = day.str.extract(_NUMERIC_DATE)
    is_numeric = numeric["first"].notna() & ~is_iso
    readings = {}
    year = _two_digit_year(numeric["year"].fillna(""))
    for first_is_day in (True, False):
        d, m = (numeric["first"], numeric["second"]) if first_is_day else (
            numeric["second"], numeric["first"])
        readings[first_is_day] = _assemble(year, m, d).where(is_numeric)
    todo = ~missing & ~is_iso & ~is_numeric
    for fmt in _TEXT_DATE_FORMATS:
        if not todo.any():
            break
        attempt = pd.to_datetime(day[todo], format=fmt, errors="coerce").astype("datetime64[ns]")
        other[attempt.index] = other[attempt.index].fillna(attempt)
        todo = todo & other.isna()
    # how many (distinct) values were ISO and numeric day/month: an all-ISO column has no
    # day/month order to tell a person about
    evidence = {**_date_order_evidence(numeric[is_numeric]), "iso_values": int(is_iso.sum()),
                "numeric_values": int(is_numeric.sum())}
    return {"missing": missing, "other": other, "is_numeric": is_numeric,
            "readings": readings, "evidence": evidence}


def read_dates(values: pd.Series, day_first: bool | None = None, day_first_hint: bool = False,
               date_format: str | None = None) -> ParsedDates:
    """Parse a whole date column: ISO (``2024-03-12``, ``20240312``, with a time or not),
    numeric day/month orders with ``/ . -`` and 2- or 4-digit years, and English month
    names (``12 Mar 2024``, ``Mar 12, 2024``); a time and a time-zone suffix after the date
    (``2017-04-01+02:00``, ``2024-01-02T10:30:00-05:00``, OFX's ``20240102120000.000[-5:EST]``)
    are dropped: the day written is the day.

    Day-first vs month-first is one decision for the column (`infer_day_first`) unless
    ``day_first`` declares it; ``date_format`` (strftime codes) declares the format
    outright. Each distinct value is parsed once. Missing values are NaT but not invalid.
    """
    codes, uniques = _distinct(values)
    found = _date_readings(clean_strings(uniques), date_format)
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
        # No value tells: a statement's consecutive lines are days apart, not months,
        # so the reading whose lines lie closer together wins; else the file's hint.
        numeric = _spread(found["is_numeric"], codes, False, values.index).astype(bool)
        gaps = {order: reading(order)[numeric].diff().abs().dt.days.median()
                for order in (True, False)}
        if gaps[True] != gaps[False] and not pd.isna(gaps[True]) and not pd.isna(gaps[False]):
            day_first = bool(gaps[True] < gaps[False])
            evidence["decided_by"] = "row_spacing"
        else:
            evidence["decided_by"] = "hint"
    parsed = reading(bool(day_first))
    invalid = ~missing & parsed.isna()
    return ParsedDates(parsed.dt.normalize(), invalid, bool(day_first), bool(ambiguous), evidence)


def parse_dates(values: pd.Series, day_first: bool | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse a date column; returns ``(datetime64[ns] at midnight, invalid mask)``.

    The public parser of the project (ingestion and the service use it);
    ``day_first=None`` infers the order from the column (see `read_dates`).
    """
    parsed = read_dates(values, day_first=day_first)
    return parsed.values, parsed.invalid


# --------------------------------------------------------------------------- enums

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
    token = text.str.lower().str.replace(r"[^a-z0-9]+", "_", regex=True).str.strip("_")
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
