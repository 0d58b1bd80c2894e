"""Online services with what they are: the 2FA Directory's websites and their categories.

A card line for a streaming service, a cloud host, a domain registrar or a broker names a
website ("NETFLIX.COM", "HETZNER ONLINE", "DEGIRO"), and the name-suggestion-index lists
only brands with shops or places on a map. The 2FA Directory (github.com/2factorauth/
twofactorauth, MIT; conf/base/knowledge/README.md) lists some 2,500 websites people sign in
to, each in its own JSON file (``entries/<letter>/<domain>.json``: ``{"Netflix": {"domain":
"netflix.com", "categories": ["entertainment"], "regions": ["us", ...]}}``), in about forty
categories of what the site is ("entertainment", "hosting", "investing", "utilities",
"retail", "postal" ...). ``service_sites_to_taxonomy.yml`` says which of those categories
means which taxonomy category; a category that names no one kind of spending ("banking",
"payments", "social", "other") maps to nothing and its sites are left out.

`service_rows` writes, for each site of a mapped category, the rows
`build_brands` writes for a brand (``name, category, country, tag``; tag ``2fa/<category>``):
under its name (``Netflix``; a country or edition in brackets dropped: ``Vodafone [UK]`` →
``vodafone``) unless that is one English word (``Wire``, ``Line``, ``Tab``, ``Railway``: on a
bank line or in a note the word, not the site; the lexicon names the few such services
people pay for, ``zoom``, ``slack``) and under the name each of its web addresses is registered under
(`brand_websites.website_label`: ``netflix`` of netflix.com, ``trading212`` of
trading212.com) unless that is an English word (``office`` of office.com), in each of its
regions (``001`` when it names none or only excludes some).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from titans_finance.knowledge.brand_websites import MIN_LABEL_LENGTH, website_label

TAG_PREFIX = "2fa/"
# "Vodafone [UK]", "Starbucks [JP]": the directory's edition of a site, not its name
_EDITION = re.compile(r"\s*\[[^\]]*\]\s*")
_REGION = re.compile(r"[a-z]{2}")


def read_entries(folder: Path) -> Iterator[tuple[str, dict]]:
    """``(name, entry)`` of every site of the directory's ``entries`` folder, in file order.
    A file that is not a JSON object of sites raises ValueError naming the file."""
    for path in sorted(folder.glob("*/*.json")):
        try:
            sites = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ValueError(f"2FA Directory entry {path}: not JSON ({error})") from error
        if not isinstance(sites, dict) or not all(isinstance(v, dict) for v in sites.values()):
            raise ValueError(f"2FA Directory entry {path}: expected an object of sites")
        yield from sorted(sites.items())


def site_name(name: str) -> str:
    """The site's name without its edition, lower case, single spaces."""
    return " ".join(_EDITION.sub(" ", str(name)).split()).lower()


def site_countries(entry: dict) -> list[str]:
    """The regions a site names (ISO 3166 alpha-2, upper case), ``["001"]`` for a site of
    every region: one that names none, or only the regions it excludes (``-ru``)."""
    regions = {str(r).lower() for r in entry.get("regions", []) or []}
    return sorted(r.upper() for r in regions if _REGION.fullmatch(r)) or ["001"]


def service_rows(entries: Iterator[tuple[str, dict]], category_map: dict[str, str | None],
                 dictionary: frozenset[str]) -> Iterator[tuple[str, str, str, str]]:
    """``(name, category, country, tag)`` for each site whose directory category
    ``category_map`` maps to a taxonomy category: its `site_name` unless that is one word
    of ``dictionary`` (English words: a name of several words is kept), and the labels of its web
    addresses (``domain`` and ``additional-domains``) that are not words of ``dictionary``
    and at least `brand_websites.MIN_LABEL_LENGTH` long, in each of its `site_countries`.
    A directory category missing from ``category_map`` raises ValueError: a new category
    of the directory is mapped (or mapped to nothing) on purpose, never by default."""
    for name, entry in entries:
        for kind in entry.get("categories", []) or []:
            if kind not in category_map:
                raise ValueError(f"2FA Directory category {kind!r} (site {name!r}) is not in "
                                 "service_sites_to_taxonomy.yml: map it, or map it to null")
            category = category_map[kind]
            if category is None:
                continue
            own = site_name(name)
            names = {own} if " " in own or own not in dictionary else set()
            for domain in [entry.get("domain"), *(entry.get("additional-domains") or [])]:
                label = website_label(domain) if domain else None
                if label and len(label) >= MIN_LABEL_LENGTH and label not in dictionary:
                    names.add(label)
            for each in sorted(n for n in names if n):
                for country in site_countries(entry):
                    yield each, category, country, TAG_PREFIX + kind
