"""Everyday words of money in other languages: WordNet's mapped senses as the wordnets of
those languages word them ("podatek", "czynsz", "obiad" in Polish; "porez", "ručak" in Croatian).

The Open Multilingual Wordnet (``omwn/omw-data``; each wordnet's licence:
conf/base/knowledge/README.md) lists, per language, the words of each sense of Princeton
WordNet 3.0, one ``offset-pos<TAB>[lang:]lemma<TAB>word`` line per word, after a header line
``# name<TAB>lang<TAB>url<TAB>licence``. WordNet 3.0's offsets are not 3.1's (the database the
English words come from, `wordnet_words`): the Collaborative Interlingual Index
(``globalwordnet/cili``: ``ili-map-pwn30.tab``, ``ili-map-pwn31.tab``) names each sense once
for both. A word of another language takes the category of the sense ``wordnet_to_taxonomy.yml``
maps it to (`wordnet_words.mapped_senses`), by the same rule as an English word: in its most
frequent sense only. Those wordnets do not count their senses, so a sense is as frequent as
its English words are in WordNet's tagged texts (``index.sense``'s counts); a word whose most
frequent senses are not all of one category, or of none, names nothing ("luz": light, not
electricity; "presente": the present, not a gift). A word that is also an English noun or
word of any part of speech is left to English ("film", "taxi", "interpreter", "but": a
Polish shoe, an English adverb): most lines are English (`english_vocabulary`). Proper names,
digits, other scripts and phrases over `MAX_WORDS` words are left out as for English.
Nothing here is read from or written while looking at an export.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

# the wordnets' ISO 639-3 codes → the two-letter codes of the other sources' languages
LANGUAGES = {"pol": "pl", "hrv": "hr", "por": "pt", "spa": "es", "ita": "it", "fra": "fr",
             "nld": "nl", "deu": "de", "ces": "cs", "cat": "ca", "glg": "gl"}
# WordNet's sense keys name a sense's part of speech by number (1 noun, 2 verb)
_KEY_POS = {"1": "n", "2": "v"}
_INDEXES = ("index.noun", "index.verb", "index.adj", "index.adv")


def english_vocabulary(folder: Path) -> frozenset[str]:
    """Every word of a WordNet database, of any part of speech (lower case, parts joined by
    a space): the words a line in English may hold."""
    words = set()
    for name in _INDEXES:
        with open(folder / name, encoding="utf-8", errors="replace") as handle:
            words.update(line.split(" ", 1)[0].replace("_", " ") for line in handle
                         if not line.startswith("  "))
    return frozenset(words)


def read_ili_map(path: Path) -> dict[str, str]:
    """An ``ili-map-pwn3x.tab`` file: ``offset-pos`` → its interlingual index (``i35545``)."""
    out = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        fields = line.split("\t")
        if len(fields) != 2:
            raise ValueError(f"{path}:{number}: expected 'ili<TAB>offset-pos', got {line!r}")
        out[fields[1].strip()] = fields[0].strip()
    return out


def wordnet30_to_31(map30: dict[str, str], map31: dict[str, str]) -> dict[str, str]:
    """WordNet 3.0's ``offset-pos`` → 3.1's, through the interlingual index both name."""
    by_ili = {ili: sense for sense, ili in map31.items()}
    return {sense: by_ili[ili] for sense, ili in map30.items() if ili in by_ili}


def sense_counts(folder: Path) -> dict[str, int]:
    """``index.sense`` of a WordNet database: each noun and verb sense (``offset-pos``) → how
    often its most often tagged word was met in WordNet's tagged texts in that sense."""
    counts: dict[str, int] = {}
    with open(folder / "index.sense", encoding="utf-8", errors="replace") as handle:
        for line in handle:
            key, offset, _, count = line.split()
            pos = _KEY_POS.get(key.partition("%")[2][:1])
            if pos:
                sense = f"{offset}-{pos}"
                counts[sense] = max(counts.get(sense, 0), int(count))
    return counts


def read_wordnet(path: Path) -> tuple[str, dict[str, set[str]]]:
    """One language's wordnet file: its two-letter language code and each word (as written)
    → the WordNet 3.0 senses (``offset-pos``, nouns and verbs) it words."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t") if lines and lines[0].startswith("#") else []
    if len(header) < 2 or header[1].strip() not in LANGUAGES:
        raise ValueError(f"{path}: the first line should be '# name<TAB>language<TAB>...' "
                         f"with a language of {sorted(LANGUAGES)}; got {lines[:1]!r}")
    words: dict[str, set[str]] = {}
    for line in lines[1:]:
        fields = line.split("\t")
        if (len(fields) >= 3 and fields[1].rpartition(":")[2] == "lemma"
                and fields[0][-2:] in ("-n", "-v")):
            words.setdefault(fields[2].strip(), set()).add(fields[0].strip())
    return LANGUAGES[header[1].strip()], words


def word_category(senses: Iterable[str], mapped: dict[str, tuple[str, str]],
                  counts: dict[str, int]) -> tuple[str, str] | None:
    """(category, named sense) of a word of WordNet 3.1 ``senses``, in its most frequent
    senses: None when those are of no category or of several."""
    senses = list(senses)
    if not senses:
        return None
    top = max(counts.get(sense, 0) for sense in senses)
    found = {mapped.get(sense) for sense in senses if counts.get(sense, 0) == top}
    if None in found or len({category for category, _ in found}) != 1:
        return None
    return min(found)  # one category; the named sense first in sort order cites it


def omw_rows(wordnets: Iterable[Path], to31: dict[str, str],
             mapped: dict[str, tuple[str, str]], counts: dict[str, int],
             english: frozenset[str]) -> Iterator[tuple]:
    """``word, category, language, source`` rows (``source``: ``omw:<named sense>``) of the
    words of each wordnet file (`read_wordnet`) in their most frequent sense (`word_category`),
    WordNet 3.0's senses read as 3.1's (``to31``: `wordnet30_to_31`)."""
    from titans_finance.knowledge.build_words import MAX_WORDS, latin  # one rule for all

    for path in wordnets:
        language, words = read_wordnet(path)
        for written, senses30 in sorted(words.items()):
            if written != written.lower():  # a proper name: a brand or a place
                continue
            text = " ".join(written.replace("_", " ").split())
            if (len(text) < 3 or len(text.split()) > MAX_WORDS or not latin(text)
                    or any(ch.isdigit() for ch in text) or text in english):
                continue
            found = word_category((to31[s] for s in senses30 if s in to31), mapped, counts)
            if found is not None:
                yield text, found[0], language, f"omw:{found[1]}"
