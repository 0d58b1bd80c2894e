"""The default category taxonomy and the merchant/keyword lexicon (data in conf/base).

Plain functions on the parsed YAML (no Kedro, no I/O): validation with errors that
say where, the direction rules of each kind of category, the text the category
models read, and the synthetic bank lines the default model learns from. See
docs/categories.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from titans_finance.core.distinct_rows import distinct_rows
from titans_finance.models.category.card_names import card_name, cut_down
from titans_finance.models.category.row_memo import remembered

# How each kind of category may be used: money out (-1), money in (+1).
KIND_DIRECTIONS: dict[str, tuple[int, ...]] = {
    "expense": (-1,), "fee": (-1,), "income": (1,), "refund": (1,), "transfer": (-1, 1)}
CATEGORY_KEYS = frozenset({"id", "group", "kind", "label", "coicop", "schedule_c"})
_SNAKE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")
_DIGITS = re.compile(r"\d+")
# a digit run glued to a word ("zapper1*", "pnp0451", "7eleven"): the word stands apart.
# The "0" first, its neighbours checked after (the letter before it by a look-behind that
# ends on it): the engine then scans for the literal, not a look-behind at every position
# (~4x faster on a 1,000-line batch of new lines); the same matches as
# r"(?<=[^\W\d_])0|0(?=[^\W\d_])", tested
_GLUED = re.compile(r"0(?:(?<=[^\W\d_]0)|(?=[^\W\d_]))")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[^\W\d_]{2,}")


class TaxonomyError(ValueError):
    """The taxonomy or lexicon file is malformed."""


def category_text(description: Any, merchant: Any) -> np.ndarray:
    """What the category models read: ``description | merchant``, lowercased, digit runs as
    ``0`` (store numbers, dates and references say nothing about the category), set apart
    from a word they are glued to (``zapper1*yoyo`` → ``zapper 0 *yoyo``: the word is a word).

    Each distinct (description, merchant) pair is written once, and a pair written in an
    earlier call is remembered (`row_memo`: the lines of exports repeat)."""
    description = np.asarray(description, dtype=object)
    merchant = np.asarray(merchant, dtype=object)
    distinct = distinct_rows(description, merchant) if len(description) else None
    if distinct is not None:  # texts only: each pair once, through the memo
        pairs = list(zip(distinct.take(description).tolist(), distinct.take(merchant).tolist(),
                         strict=True))
        # the length of the description first: no two pairs share a key
        lines = remembered(_LINES, [f"{len(d)}:{d}{m}" for d, m in pairs],
                           lambda rows: [_line(*pairs[i]) for i in rows.tolist()])
        return distinct.spread(np.array(lines, dtype=object))
    out = np.empty(len(description), dtype=object)
    cache: dict[tuple[str, str], str] = {}
    for i, (d, m) in enumerate(zip(description, merchant, strict=True)):
        key = ("" if d is None or d != d else str(d), "" if m is None or m != m else str(m))
        text = cache.get(key)
        if text is None:
            text = cache[key] = _line(*key)
        out[i] = text
    return out


def _line(description: str, merchant: str) -> str:
    merchant_part = "" if merchant == "__none__" else merchant
    text = _DIGITS.sub("0", f"{description} | {merchant_part}".lower())
    # whitespace runs as one space, none at the ends: split() splits on what \s matches
    # (both: str.isspace), ~4x faster than the regex substitution and strip
    return " ".join(_GLUED.sub(" 0 ", text).split())


class _Lines:
    """Whose the remembered lines are (`row_memo`: within the bytes allowed, as every memo
    of request text)."""


_LINES = _Lines()


def content_words(text: str, noise: frozenset[str]) -> list[str]:
    """Words of two letters or more that are not statement noise (processors, channels)."""
    return [w for w in _WORD.findall(text.lower()) if w not in noise]


@dataclass(frozen=True)
class Taxonomy:
    """Leaves with their group, kind and standard codes; the generator's categories mapped."""

    categories: pd.DataFrame  # index id; columns group, kind, label, coicop, schedule_c
    groups: dict[str, str]
    generator: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, raw: Any) -> Taxonomy:
        where = "category_taxonomy.yml"
        if not isinstance(raw, dict) or not isinstance(raw.get("categories"), list):
            raise TaxonomyError(f"{where}: expected a mapping with a 'categories' list")
        groups = raw.get("groups") or {}
        rows = []
        for number, item in enumerate(raw["categories"], start=1):
            if not isinstance(item, dict):
                raise TaxonomyError(f"{where}: category #{number} is not a mapping")
            ident, kind, group = item.get("id"), item.get("kind"), item.get("group")
            unknown = sorted(str(k) for k in set(item) - CATEGORY_KEYS)
            if unknown:  # e.g. an unquoted comma in a flow mapping's label splits it
                raise TaxonomyError(f"{where}: category #{number} ({ident!r}): unknown keys "
                                    f"{unknown} (known: {sorted(CATEGORY_KEYS)}; quote a "
                                    "label that holds a comma)")
            if not isinstance(ident, str) or not _SNAKE.match(ident):
                raise TaxonomyError(f"{where}: category #{number}: 'id' must be snake_case, "
                                    f"got {ident!r}")
            if kind not in KIND_DIRECTIONS:
                raise TaxonomyError(f"{where}: category {ident!r}: 'kind' must be one of "
                                    f"{sorted(KIND_DIRECTIONS)}, got {kind!r}")
            if group not in groups:
                raise TaxonomyError(f"{where}: category {ident!r}: unknown group {group!r}")
            rows.append({"id": ident, "group": group, "kind": kind,
                         "label": str(item.get("label", ident)),
                         "coicop": item.get("coicop"), "schedule_c": item.get("schedule_c")})
        table = pd.DataFrame(rows).set_index("id")
        if table.index.duplicated().any():
            raise TaxonomyError(f"{where}: duplicate ids "
                                f"{sorted(table.index[table.index.duplicated()])}")
        generator = {str(k): str(v) for k, v in (raw.get("generator") or {}).items()}
        unknown = sorted(set(generator.values()) - set(table.index))
        if unknown:
            raise TaxonomyError(f"{where}: 'generator' maps to unknown categories {unknown}")
        return cls(categories=table, groups=dict(groups), generator=generator)

    @property
    def ids(self) -> list[str]:
        return list(self.categories.index)

    @cached_property
    def _kinds(self) -> dict[str, str]:
        # a plain dict: the knowledge's ~90,000 lines each ask (a Series look-up each cost
        # ~5 CPU s of the default model's fit)
        return self.categories["kind"].to_dict()

    def kind(self, category: str) -> str | None:
        return self._kinds.get(category)

    def directions(self, category: str) -> tuple[int, ...]:
        kind = self.kind(category)
        return KIND_DIRECTIONS[kind] if kind else (-1, 1)


@dataclass(frozen=True)
class Lexicon:
    """Merchants per category and country, keywords per category, statement templates."""

    merchants: pd.DataFrame  # columns name, category, country
    keywords: pd.DataFrame  # columns name, category
    templates: dict[str, list[str]]
    cities: dict[str, list[tuple[str, str]]]
    noise: frozenset[str]

    @classmethod
    def from_dict(cls, raw: Any, taxonomy: Taxonomy) -> Lexicon:
        where = "category_lexicon.yml"
        if not isinstance(raw, dict):
            raise TaxonomyError(f"{where}: expected a mapping")
        known = set(taxonomy.ids)
        merchants, keywords = [], []
        for category, by_country in (raw.get("merchants") or {}).items():
            if category not in known:
                raise TaxonomyError(f"{where}: merchants: unknown category {category!r}")
            for country, names in (by_country or {}).items():
                merchants += [{"name": str(n).strip().lower(), "category": category,
                               "country": str(country)} for n in names or []]
        for category, words in (raw.get("keywords") or {}).items():
            if category not in known:
                raise TaxonomyError(f"{where}: keywords: unknown category {category!r}")
            keywords += [{"name": str(w).strip().lower(), "category": category}
                         for w in words or []]
        templates = {str(k): [str(t) for t in v] for k, v in (raw.get("templates") or {}).items()}
        cities = {str(k): [(str(c[0]), str(c[1])) for c in v]
                  for k, v in (raw.get("cities") or {}).items()}
        missing = sorted({m["country"] for m in merchants} - set(templates))
        if missing:
            raise TaxonomyError(f"{where}: no templates for countries {missing}")
        return cls(merchants=pd.DataFrame(merchants, columns=["name", "category", "country"]),
                   keywords=pd.DataFrame(keywords, columns=["name", "category"]),
                   templates=templates, cities=cities,
                   noise=frozenset(str(w).lower() for w in raw.get("noise") or []))


_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


def _fill(template: str, name: str, country: str, lexicon: Lexicon,
          rng: np.random.Generator) -> str:
    city, region = (lexicon.cities.get(country) or [("", "")])[
        int(rng.integers(len(lexicon.cities.get(country) or [("", "")])))]
    shown = name.upper() if rng.random() < 0.7 else name.title()
    day, month = int(rng.integers(1, 29)), int(rng.integers(1, 13))
    date = (f"{month:02d}/{day:02d}" if country in ("US", "CA") else
            f"{day:02d} {_MONTHS[month - 1]}" if country == "ZA" else f"{day:02d}/{month:02d}")
    reference = "".join(rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"), 10))
    values = {"m": shown, "n": str(int(rng.integers(10, 99999))), "city": city.title()
              if rng.random() < 0.3 else city, "region": region, "ref": reference,
              "card": f"{int(rng.integers(0, 10_000)):04d}", "date": date}
    return _SPACES.sub(" ", template.format(**values)).strip()


def lexicon_examples(lexicon: Lexicon, taxonomy: Taxonomy, variants: int, refund_share: float,
                     seed: int) -> pd.DataFrame:
    """Bank lines written from the lexicon: each merchant in ``variants`` statement styles of
    its country, each keyword alone and inside lines of random countries, and refunds (a
    merchant's name on money coming in). Columns: description, sign, category, group (the
    lexicon entry: the unit held out together when calibrating)."""
    rng = np.random.default_rng(seed)
    rows = []
    countries = sorted(lexicon.templates)
    for entry in lexicon.merchants.itertuples(index=False):
        templates = lexicon.templates[entry.country]
        directions = taxonomy.directions(entry.category)
        for _ in range(variants):
            template = templates[int(rng.integers(len(templates)))]
            rows.append((_fill(template, entry.name, entry.country, lexicon, rng),
                         int(directions[int(rng.integers(len(directions)))]),
                         entry.category, f"m:{entry.name}"))
        if taxonomy.kind(entry.category) == "expense" and rng.random() < refund_share:
            rows.append((_fill("{m} REFUND" if rng.random() < 0.5 else "{m}", entry.name,
                               entry.country, lexicon, rng), 1, "refund", f"m:{entry.name}"))
    for entry in lexicon.keywords.itertuples(index=False):
        directions = taxonomy.directions(entry.category)
        for variant in range(max(2, variants - 1)):
            country = countries[int(rng.integers(len(countries)))]
            templates = lexicon.templates[country]
            template = "{m}" if variant == 0 else templates[int(rng.integers(len(templates)))]
            rows.append((_fill(template, entry.name, country, lexicon, rng),
                         int(directions[int(rng.integers(len(directions)))]),
                         entry.category, f"k:{entry.name}"))
    return pd.DataFrame(rows, columns=["description", "sign", "category", "group"])


def _knowledge_lines(entries: pd.DataFrame, lexicon: Lexicon, taxonomy: Taxonomy,
                     variants: int, rng: np.random.Generator, prefix: str) -> pd.DataFrame:
    """``variants`` bank lines per entry (``name, category, country``; a country without
    templates of the lexicon's gets a random one of them): the name alone first, then the
    name inside statement styles. Same columns as `lexicon_examples`; an entry's name is its
    calibration group (``prefix:name``), whatever its categories."""
    countries = sorted(lexicon.templates)
    rows = []
    for entry in entries.itertuples(index=False):
        country = (entry.country if entry.country in lexicon.templates
                   else countries[int(rng.integers(len(countries)))])
        templates = lexicon.templates[country]
        directions = taxonomy.directions(entry.category)
        for variant in range(variants):
            template = "{m}" if variant == 0 else templates[int(rng.integers(len(templates)))]
            rows.append((_fill(template, entry.name, country, lexicon, rng),
                         int(directions[int(rng.integers(len(directions)))]),
                         entry.category, f"{prefix}:{entry.name}"))
    return pd.DataFrame(rows, columns=["description", "sign", "category", "group"])


def _check_categories(table: pd.DataFrame, taxonomy: Taxonomy, where: str) -> None:
    unknown = sorted(set(table["category"]) - set(taxonomy.ids))
    if unknown:
        raise TaxonomyError(f"{where}: unknown categories {unknown}")


def _brand_entries(brands: pd.DataFrame, lexicon: Lexicon, taxonomy: Taxonomy
                   ) -> pd.DataFrame:
    """One entry (``name, category, country``) per brand name and category: a brand in forty
    countries is not forty brands; a country with templates of the lexicon's first."""
    _check_categories(brands, taxonomy, "osm_brands.csv")
    countries = sorted(lexicon.templates)
    return (brands.assign(templated=brands["country"].isin(countries))
            .sort_values(["name", "category", "templated", "country"],
                         ascending=[True, True, False, True])
            .drop_duplicates(["name", "category"]))[["name", "category", "country"]]


def brand_examples(brands: pd.DataFrame, lexicon: Lexicon, taxonomy: Taxonomy, variants: int,
                   seed: int) -> pd.DataFrame:
    """Bank lines written from open brand knowledge (``name, category, country`` rows,
    conf/base/knowledge/osm_brands.csv): each brand name and category it trades in,
    ``variants`` times, in the statement styles of one of its countries (a random country
    of the lexicon's where the brand's has no templates). Same columns as
    `lexicon_examples`; a brand is one calibration group whatever its categories."""
    return _knowledge_lines(_brand_entries(brands, lexicon, taxonomy), lexicon, taxonomy,
                            variants, np.random.default_rng(seed), "m")


def card_examples(brands: pd.DataFrame, lexicon: Lexicon, taxonomy: Taxonomy,
                  card_length: int, seed: int) -> pd.DataFrame:
    """Each brand name and category of `brand_examples` once as a card statement's name
    field of ``card_length`` characters writes it (`card_names.card_name`: "WHOLEFDS",
    "SPROUTS FARMERS MAR"), where that cuts the name down (`card_names.cut_down`); none
    for ``card_length`` 0. Same columns as `lexicon_examples`, in the brand's calibration
    group (a brand held out is held out in every writing)."""
    entries = _brand_entries(brands, lexicon, taxonomy)
    rng = np.random.default_rng([seed, card_length])
    # a card pays: money out where the category allows it (every expense; a transfer both)
    cards = [] if card_length <= 0 else [
        (card, int(taxonomy.directions(category)[0]), category, f"m:{name}")
        for name, category in zip(entries["name"].tolist(), entries["category"].tolist(),
                                  strict=True)
        if cut_down(name, card := card_name(name, card_length, rng))]
    return pd.DataFrame(cards, columns=["description", "sign", "category", "group"])


def word_examples(words: pd.DataFrame, lexicon: Lexicon, taxonomy: Taxonomy, variants: int,
                  seed: int) -> pd.DataFrame:
    """Lines written from the everyday spending words of open classifications (``word,
    category, language, source`` rows, conf/base/knowledge/spending_words.csv): each word
    and category once whatever its languages, alone (a note as a person types it: "milk",
    "petrol") and then in the statement styles of random countries (a card line names the
    kind of shop). Same columns as `lexicon_examples`; a word is one calibration group."""
    _check_categories(words, taxonomy, "spending_words.csv")
    entries = (words.drop_duplicates(["word", "category"])
               .rename(columns={"word": "name"}).assign(country=""))
    return _knowledge_lines(entries[["name", "category", "country"]], lexicon, taxonomy,
                            variants, np.random.default_rng(seed), "w")


_LABEL_PARTS = re.compile(r",|\band\b|\(|\)")


def label_examples(taxonomy: Taxonomy, lexicon: Lexicon, variants: int,
                   seed: int) -> pd.DataFrame:
    """Lines written from the taxonomy's own labels, its definition of each category: the
    label and each of its parts ("Phone and internet" → "phone and internet", "phone",
    "internet"; "Rent"; "Transfers between own accounts and card payments" → "card
    payments"), like the spending words (`word_examples`). What an owner types for a
    category is often its name."""
    entries = []
    for category, label in taxonomy.categories["label"].items():
        label = _SPACES.sub(" ", str(label).lower()).strip()
        parts = [label, *(p.strip() for p in _LABEL_PARTS.split(label))]
        entries += [(name, category) for name in dict.fromkeys(parts) if len(name) >= 3]
    table = pd.DataFrame(entries, columns=["name", "category"]).assign(country="")
    return _knowledge_lines(table, lexicon, taxonomy, variants,
                            np.random.default_rng(seed), "t")
