"""Names of everyday things in many languages, from Unicode CLDR's emoji names.

Unicode CLDR (the Common Locale Data Repository) gives every emoji a short name in each of
its locales, written by native speakers for screen readers: 🍌 "banana" (``de`` "Banane",
``pl`` "banan"), 📠 "fax machine" (``hr`` "faks"), 🥻 "sari", 💊 "pill" (``pt``
"comprimido"), 🍛 "curry rice", 🔨 "hammer" (``hi-Latn`` "hathouda"). Unicode's emoji list puts each emoji in a *subgroup*
of like things (``food-fruit``, ``food-vegetable``, ``phone``, ``clothing``, ``medical``,
``tool`` …); ``emoji_to_taxonomy.yml`` says which subgroup means which taxonomy category,
written from the subgroups' names and members, never from an export. A subgroup whose members
are bought in different categories (``drink``: milk and wine; ``transport-ground``: a bus
ticket, a taxi, a car, a fuel pump; ``food-prepared``: bread and a hamburger) is mapped to
nothing. A note typed in a diary names such things ("bananas", "sari", "pill", "hammer").

Read as the npm packages ship them (versions and licences: conf/base/knowledge/README.md):
the names from ``cldr-annotations-full`` (``annotations/<locale>/annotations.json``: each
emoji's ``tts`` name), the subgroups from ``emojibase-data`` (``en/data.json`` and
``meta/groups.json``, which carry Unicode's groups). Only the short name is kept, not CLDR's
search keywords ("heart", "zodiac", "where"), which name no product. Rows:
``word, category, language, source`` (``source``: ``cldr:<subgroup>``). Nothing here is
read from or written while looking at an export.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from pathlib import Path

# the CLDR locales kept: the project's users' (as the presets'), with Hindi in Latin script
# and Indian English; a locale the package lacks is skipped
LOCALES = ("en", "en-GB", "en-IN", "en-AU", "hi-Latn", "es", "de", "fr", "nl", "pt", "pt-PT",
           "pl", "cs", "hr")
_VARIATION = "\ufe0f"  # the emoji-presentation selector, written in one list and not the other


def subgroups(emojibase: Path) -> dict[str, str]:
    """Each emoji (without its presentation selector) → the name of its Unicode subgroup, from
    ``emojibase-data``'s ``en/data.json`` and ``meta/groups.json``. Skin-tone variants are not
    in the list, and an emoji without a subgroup (a regional indicator) is left out."""
    names = json.loads((emojibase / "meta" / "groups.json").read_text(encoding="utf-8"))
    subgroup_names = {str(k): v for k, v in names["subgroups"].items()}
    emojis = json.loads((emojibase / "en" / "data.json").read_text(encoding="utf-8"))
    return {entry["emoji"].replace(_VARIATION, ""): subgroup_names[str(entry["subgroup"])]
            for entry in emojis if "subgroup" in entry}


def short_name(name: str) -> str | None:
    """A name as a word of the knowledge: lower case, whole, when it has one to `MAX_WORDS`
    words, is in Latin script and holds no digit ("curry rice", "ear of corn", "nut and bolt":
    cut at its joining words, as `build_words.phrases` cuts a title, it would give "ear" and
    "nut", which name other things); ``None`` otherwise ("mobile phone with arrow")."""
    from titans_finance.knowledge.build_words import MAX_WORDS, latin

    text = " ".join(unicodedata.normalize("NFC", str(name)).lower().split())
    if (1 <= len(text.split()) <= MAX_WORDS and len(text) >= 3 and latin(text)
            and not any(ch.isdigit() for ch in text)):
        return text
    return None


def emoji_rows(annotations: Path, emojibase: Path, mapping: dict[str, str | None],
               locales: tuple[str, ...] = LOCALES) -> Iterator[tuple]:
    """``word, category, language, source`` rows: the short name of each emoji of a mapped
    subgroup, in each locale of ``locales`` that the CLDR package has, with the subgroup's
    category. ``annotations``: the package's ``annotations`` folder."""
    subgroup_of = subgroups(emojibase)
    unknown = sorted(set(mapping) - set(subgroup_of.values()))
    if unknown:  # a misspelt subgroup would silently give no words
        raise ValueError(f"emoji_to_taxonomy.yml names subgroups Unicode's emoji list does not "
                         f"have: {unknown} (see {emojibase / 'meta' / 'groups.json'})")
    for locale in locales:
        path = annotations / locale / "annotations.json"
        if not path.exists():
            continue
        entries = json.loads(path.read_text(encoding="utf-8"))["annotations"]["annotations"]
        for emoji, text in sorted(entries.items()):
            subgroup = subgroup_of.get(emoji.replace(_VARIATION, ""))
            category = mapping.get(subgroup) if subgroup else None
            if category is None:
                continue
            for name in text.get("tts") or []:
                word = short_name(name)
                if word:
                    yield word, category, locale.lower(), f"cldr:{subgroup}"
