"""Month names of every language, from the Unicode CLDR (through ``babel``): which month a
written word names, decided for a date column as a whole.

The names are every locale's wide and abbreviated month names, in their format
(``octombrie``, ``października``) and stand-alone forms, keyed lowercase without accents and
without a closing dot (``lug.`` and ``lug`` are one key; ``März``, ``marz`` and ``MARZ`` are
one key). Only languages official somewhere (CLDR's territory data) count: an export is
written in the language of a bank's country, and the others' abbreviations (Teso's ``Mar``
is May) would make ordinary words of every file ambiguous.

One word may name different months in two languages (``lis``: November in Polish and Czech,
October in Croatian; ``Jan``: January in English, June in Sesotho). The column's other dates
decide: only the languages that name every month word of the column are candidates (``lis``
beside ``sty``, Polish January, is November), and of those only the ones whose CLDR date
patterns write day, month and year in the order the column does, when some do (``22 Jan
2025``: English writes ``d MMM y``, Sesotho only ``y MMM d``). A word the candidates still
read as different months is *ambiguous*: never read, and the reader says so, naming the
mapping that settles it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from babel import localedata
from babel.core import get_global

# What a date column's month words mean: the resolved ones as month numbers, the ambiguous
# ones with the months they may name.
MonthWords = tuple[dict[str, int], dict[str, tuple[int, ...]]]


def month_key(word: str) -> str:
    """The key a written month word is looked up by: lowercase, no accents, no closing dot."""
    key = unicodedata.normalize("NFKD", word.rstrip(".").lower())
    return "".join(c for c in key if not unicodedata.combining(c))


def _official_languages() -> set[str]:
    return {language.split("_")[0] for languages in get_global("territory_languages").values()
            for language, info in languages.items() if info.get("official_status")}


def _names(months: dict, context: str, width: str) -> dict[int, str]:
    """One locale's month names of a context and width, its aliases (``stand-alone`` →
    ``format``) followed by hand: babel's `Locale.months` resolves them by writing into data
    other locales share, so reading every locale through it mixes their names up."""
    value, overrides = months[context][width], {}
    while not isinstance(value, dict):
        if isinstance(value, tuple):  # an alias, and the names this locale writes otherwise
            value, extra = value
            overrides = {**extra, **overrides}
        else:
            _, context, width = value.keys
            value = months[context][width]
    return {**value, **overrides}


def _order(pattern: str) -> str | None:
    """``"dMy"``, ``"Mdy"``, ``"yMd"``...: the order a CLDR date pattern writes the day, a
    month word (``MMM``, ``LLLL``) and the year in; None without a month word."""
    pattern = re.sub(r"'[^']*'", "", pattern)  # quoted literals ('de')
    month = re.search(r"[ML]{3,}", pattern)
    day, year = pattern.find("d"), pattern.find("y")
    if month is None or day < 0 or year < 0:
        return None
    return "".join(part for _, part in sorted([(day, "d"), (month.start(), "M"), (year, "y")]))


@lru_cache(maxsize=1)
def _from_cldr() -> tuple[dict[str, dict[int, frozenset[str]]], dict[str, frozenset[str]]]:
    """`month_names` and `date_orders`, read from every locale once. babel keeps each locale
    it loads (~190 MB for all of them): what is kept here is a few hundred kB, so its cache
    is emptied after."""
    official = _official_languages()
    names: dict[str, dict[int, set[str]]] = {}
    orders: dict[str, set[str]] = {}
    for identifier in localedata.locale_identifiers():
        language = identifier.split("_")[0]
        if language not in official:
            continue
        data = localedata.load(identifier)
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for month, name in _names(data["months"], context, width).items():
                    key = month_key(name)
                    if key.isalpha():
                        names.setdefault(key, {}).setdefault(month, set()).add(language)
        for width in ("medium", "long", "full"):
            order = _order(getattr(data.get("date_formats", {}).get(width), "pattern", ""))
            if order:
                orders.setdefault(language, set()).add(order)
    getattr(localedata, "_cache", {}).clear()
    return ({key: {month: frozenset(langs) for month, langs in months.items()}
             for key, months in names.items()},
            {language: frozenset(found) for language, found in orders.items()})


def month_names() -> dict[str, dict[int, frozenset[str]]]:
    """``{key: {month: languages naming it so}}`` for every single-word month name (no
    digits: ``1月`` is read as a number elsewhere). Built once per process from CLDR."""
    return _from_cldr()[0]


def date_orders() -> dict[str, frozenset[str]]:
    """``{language: orders its locales write dates with a month word in}`` (CLDR)."""
    return _from_cldr()[1]


@lru_cache(maxsize=1)
def month_languages() -> frozenset[str]:
    """The languages whose month names are read (a mapping may declare one)."""
    return frozenset().union(*(langs for months in month_names().values()
                               for langs in months.values()))


def read_month_words(words: set[str], language: str | None = None,
                     orders: frozenset[str] = frozenset()) -> MonthWords:
    """The months the (distinct) words of one date column name, decided together (module
    docstring), or in ``language`` alone when a mapping declares it; ``orders``: how the
    column's values write the day, month word and year (``"dMy"``). Words that name no
    month are left out."""
    table = month_names()
    found = {word: table[month_key(word)] for word in words if month_key(word) in table}
    if language is not None:
        found = {word: {month: langs for month, langs in months.items() if language in langs}
                 for word, months in found.items()}
        found = {word: months for word, months in found.items() if months}
    languages = [frozenset().union(*months.values()) for months in found.values()]
    candidates = frozenset.intersection(*languages) if languages else frozenset()
    written_so = frozenset(lang for lang in candidates if orders <= date_orders().get(lang, set()))
    candidates = written_so or candidates  # (no candidate writes so: the order tells nothing)
    resolved: dict[str, int] = {}
    ambiguous: dict[str, tuple[int, ...]] = {}
    for word, months in found.items():
        # with no language naming all of them (a column mixing two), each word alone
        named = {month for month, langs in months.items() if not candidates or langs & candidates}
        if len(named) == 1:
            resolved[word] = named.pop()
        else:
            ambiguous[word] = tuple(sorted(named))
    return resolved, ambiguous
