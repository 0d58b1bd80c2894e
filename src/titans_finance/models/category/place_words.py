"""Where a card line was paid, not what was bought: the place a line ends with is no evidence.

Card networks write the merchant's city and state (or country) after its name: "SLO CAFE SAN
LUIS OBIS CA", "SUBWAY 1234 PHOENIX AZ", "CAFEEN BILLUND DNK". Those words name no kind of
spending, and a model that reads them learns whichever category its knowledge holds most
such names of (and dilutes the few words a local merchant's line has). The default model
reads its lines without them, at training and in the service, through `PlaceWords.drop`
(one code path: `default.DefaultCategoryModel.lines_read`, after `company_words`). The
places come from `conf/base/knowledge/place_words.csv`, built by
`knowledge.build_place_words` from GeoNames (cities of at least 5,000 people, US states,
countries and their ISO codes).

A place word may also be a name ("Subway", "Target", "Orange", "Phoenix", "Paris" of
"Paris Baguette", "Bell" of "Taco Bell"), so a place is dropped only as a card writes one,
by this rule: the *tail* of a part of the line (the text either side of "|") is a city
followed by a state or a country, or by both ("phoenix az", "billund dnk", "san francisco
ca us"; a country's two letters only after a state), or one word written as a US city and
its state's code without a space ("lynbrookny"); words without a letter (numbers, "#0")
between them or after them are skipped and kept. The tail is dropped only when a word of
two letters or more stays before it in that part: a line that is only a place ("PHOENIX
AZ") or a lone name ("SUBWAY", "TACO BELL", a city without a state) is read whole. A
city's last word may be cut short where the card's field ends ("san luis obis" of San Luis
Obispo), to three letters, for a city of several words (one cut word alone is too often
another word). Plain module: no Kedro import.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

_NOT_LETTERS = re.compile(r"[^a-z]+")
KINDS = {"city": "city", "state": "state", "state_name": "state", "country": "country",
         "country_code": "country"}
# a cut city word keeps this many letters at least (cities of several words only); a city of
# one word has as many (the town "Of" would read "university of michigan" as a place)
_CUT_LETTERS = 3
# a city glued to a code ("lynbrookny") keeps this many letters at least: a shorter one
# reads common words as a city and a code ("cine"+"ma" of "cinema", "boo"+"ks")
_GLUED_CITY_LETTERS = 5


def _key(token: str) -> str:
    """A line's word as the places are written: its letters, lower case, without accents
    ("café" → "cafe", as `knowledge.build_place_words.place_key`)."""
    folded = unicodedata.normalize("NFKD", token.lower()).encode("ascii", "ignore").decode()
    return _NOT_LETTERS.sub("", folded)


class PlaceWords:
    """The places a line's tail is read without (see module docstring). ``places``: kind
    ("city", "state", "country") → place names, each its words in lower case joined by one
    space; ``state_cities``: the cities of the countries whose states ``places`` names (a
    city glued to a state's code is one of them)."""

    def __init__(self, places: dict[str, set[str]], state_cities: set[str]):
        missing = sorted(set(KINDS.values()) - set(places))
        if missing:
            raise ValueError(f"place words: no places of kind {missing}")
        self.places = {kind: frozenset(names) for kind, names in places.items()}
        bad = sorted(n for names in self.places.values() for n in names
                     if not n or n != " ".join(_key(w) for w in n.split()))
        if bad:
            raise ValueError(f"place words must be lower-case letters and spaces: {bad[:5]}")
        self.state_cities = frozenset(state_cities)
        self.longest = max((len(n.split()) for names in self.places.values() for n in names),
                           default=0)
        self.cut_cities = frozenset(
            f"{head} {last[:n]}" for head, _, last in
            (name.rpartition(" ") for name in self.places["city"] if " " in name)
            for n in range(_CUT_LETTERS, len(last)))

    def _phrase(self, words: list[str], end: int, kind: str) -> int:
        """How many words of ``words[:end]`` end in a place of ``kind`` (the most; 0: none)."""
        names = self.places[kind]
        for n in range(min(self.longest, end), 0, -1):
            phrase = " ".join(words[end - n:end])
            if kind == "city" and n == 1 and len(phrase) < _CUT_LETTERS:
                continue
            if phrase in names or (kind == "city" and n > 1 and phrase in self.cut_cities):
                return n
        return 0

    def _glued(self, word: str) -> bool:
        """``word`` is a city of a country with states and a state's two letters written
        without a space ("lynbrookny"; a country's code glued to a word's end was too often
        the word: "berga"+"mo" of "bergamo", "oran"+"ge" of "orange")."""
        return (len(word) - 2 >= _GLUED_CITY_LETTERS and word[:-2] in self.state_cities
                and word[-2:] in self.places["state"])

    def tail(self, words: list[str]) -> int:
        """How many of ``words`` (a part's words with letters, as `_key` writes them) end
        the part as a place a card writes (0: none, or nothing would stay before it)."""
        end = len(words)
        country = self._phrase(words, end, "country")
        if country == 1 and len(words[-1]) < 3 and not self._phrase(words, end - 1, "state"):
            country = 0  # a country's two letters only after a state: "ag" of "post ag"
        end -= country
        end -= self._phrase(words, end, "state")
        parts = int(end < len(words))
        city = self._phrase(words, end, "city") if parts else 0
        if city:
            end -= city
        elif end and self._glued(words[end - 1]):
            end, city = end - 1, 1
        if not city or not any(len(w) >= 2 for w in words[:end]):
            return 0
        return len(words) - end

    def line(self, text: str) -> str:
        """``text`` without the place each part ends with (white space runs as one space)."""
        tokens, kept, part = text.split(), [], []
        for token in tokens + ["|"]:
            if token != "|":
                part.append(token)
                continue
            lettered = [i for i, t in enumerate(part) if _key(t)]
            dropped = set(lettered[len(lettered) - self.tail([_key(part[i]) for i in lettered]):]
                          if lettered else [])
            kept += [t for i, t in enumerate(part) if i not in dropped] + [token]
            part = []
        return " ".join(kept[:-1])

    def drop(self, lines: np.ndarray) -> np.ndarray:
        """Each line without its places (a non-text value is kept as it is)."""
        line, read = self.line, {}
        out = np.empty(len(lines), dtype=object)
        for i, text in enumerate(lines):  # each distinct line once: a batch's lines repeat
            if isinstance(text, str):
                found = read.get(text)
                out[i] = read[text] = line(text) if found is None else found
            else:
                out[i] = text
        return out


def place_words(table: pd.DataFrame) -> PlaceWords:
    """The places of ``table`` (conf/base/knowledge/place_words.csv: ``place,kind,source``)."""
    missing = [c for c in ("place", "kind", "country") if c not in table.columns]
    if missing:
        raise ValueError(f"place_words.csv has no {missing} column "
                         f"(columns: {list(table.columns)})")
    unknown = sorted(set(table["kind"].astype(str)) - set(KINDS))
    if unknown:
        raise ValueError(f"place_words.csv: unknown kinds {unknown} (known: {sorted(KINDS)})")
    places: dict[str, set[str]] = {kind: set() for kind in KINDS.values()}
    for place, kind in zip(table["place"].astype(str), table["kind"].astype(str), strict=True):
        places[KINDS[kind]].add(place)
    kinds = table["kind"].astype(str).map(KINDS)
    with_states = set(table.loc[kinds == "state", "country"].astype(str))
    cities = table[(kinds == "city") & table["country"].astype(str).isin(with_states)]
    return PlaceWords(places, set(cities["place"].astype(str)))
