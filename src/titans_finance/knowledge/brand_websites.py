"""Brand names as their web address writes them: ``cvs`` of cvs.com, ``heb`` of heb.com.

A card statement and an online merchant's billing line often carry a brand by its web
address or the short name the address is made of ("CVS/PHARMACY", "AMAZON.COM",
"HEB #123"), which is not always a name the name-suggestion-index lists for it ("CVS
Pharmacy", "H-E-B"). The index ships, beside its brands, each brand's Wikidata entry with
its official websites (``dist/wikidata/wikidata.json`` of the same pinned npm package;
Wikidata's content is CC0). `website_label` reads the name a web address is registered
under; `website_rows` writes it as one more name of each brand of a mapped tag, with that
brand's category and countries, unless it is an English word (WordNet's nouns and verbs:
``order``, ``panda`` and ``group`` are words before they are addresses) or shorter than the
shortest brand name kept (three characters).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_LABEL = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# a registry's second level under a country code ("co.uk", "com.au", "co.za")
_SECOND_LEVEL = {"co", "com", "net", "org", "gov", "ac", "or", "ne", "gob", "gv"}
MIN_LABEL_LENGTH = 3


def website_label(url: str) -> str | None:
    """The name ``url`` is registered under, lower case: ``https://www.cvs.com/store`` →
    ``cvs``, ``https://www.tesco.co.uk`` → ``tesco``; None for an address with no such name
    (an IP address, a bare host, a label of other characters)."""
    host = _SCHEME.sub("", str(url).strip().lower()).split("/", 1)[0].split(":", 1)[0]
    parts = [p for p in host.split(".") if p]
    if len(parts) < 2 or parts[-1].isdigit():
        return None
    under_country = len(parts) >= 3 and len(parts[-1]) == 2 and parts[-2] in _SECOND_LEVEL
    label = parts[-3] if under_country else parts[-2]
    return label if _LABEL.match(label) else None


def website_rows(items: Iterator[tuple[str, str, dict]], wikidata: dict[str, dict],
                 dictionary: frozenset[str], countries_of) -> Iterator[tuple]:
    """``(name, category, country, tag)`` for the web-address name of each brand item
    (``(tag, category, item)`` of a mapped tag) whose ``brand:wikidata`` entry lists official
    websites: each address's `website_label`, when it is not a word of ``dictionary`` and at
    least `MIN_LABEL_LENGTH` characters long. ``countries_of``: an item's countries."""
    for tag, category, item in items:
        entry = wikidata.get(item.get("tags", {}).get("brand:wikidata") or "")
        if not entry:
            continue
        sites = [*entry.get("officialWebsites", []), entry.get("identities", {}).get("website")]
        labels = {website_label(site) for site in sites if site}
        for label in sorted(label for label in labels if label is not None
                            and len(label) >= MIN_LABEL_LENGTH and label not in dictionary):
            for country in countries_of(item):
                yield label, category, country, tag
