"""Build ``conf/base/knowledge/osm_brands.csv`` from OpenStreetMap's name-suggestion-index.

    make knowledge     # installs the pinned index (npm) into a temporary folder and runs:
    .venv/bin/python -m titans_finance.knowledge.build_brands --nsi <dist/json/nsi.json> \\
        --tags conf/base/knowledge/osm_to_taxonomy.yml --output conf/base/knowledge/osm_brands.csv

The index (BSD-3-Clause; conf/base/knowledge/README.md) lists tens of thousands of brands,
operators and transit networks with the OSM tags of what they are (``shop=supermarket``,
``amenity=fuel``...) and the countries they trade in. Each brand whose tag is mapped in
``osm_to_taxonomy.yml`` becomes one row per name it is known by (its name, brand and
``matchNames``) and country: ``name,category,country,tag``.

Operators are mapped only by their full key (``operators/power/line: utilities``): the
companies that run a power, water or telecom network are who a household's bill is paid
to (EDP, Iberdrola, Vodafone), while most other operators (schools, police, parks) are not
paid by card. A name that runs a network and also has mobile-phone shops (MEO, Vodafone)
is paid for the network: ``network_shops`` of the mapping file names the shop tags whose
rows take the network's category. Only names written in Latin
letters are kept (bank statements and the notes users type are), and none shorter than
three characters or in the index's list of generic words ("shop", "store"...). Given the
index's Wikidata file and WordNet, each brand is also known by the name of its web address
(`brand_websites`: ``cvs`` of cvs.com). Given the 2FA Directory's entries and their
mapping (``--services``, ``--service-tags``), the online services it lists are brands too
(`service_sites`: streaming, hosting, brokers, utilities' websites), with tags ``2fa/<its
category>``. Same sources, same bytes.
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

from titans_finance.knowledge.brand_websites import website_rows
from titans_finance.knowledge.service_sites import read_entries, service_rows
from titans_finance.knowledge.wordnet_words import PARTS_OF_SPEECH, read_index

COLUMNS = ("name", "category", "country", "tag")
# a name is kept when most of its letters are Latin (e.g. "Café Amazon", "Żabka")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_SPACES = re.compile(r"\s+")


def _tag_key(tree_key: str) -> str:
    """``brands/shop/supermarket`` → ``shop/supermarket``, ``transit/route/bus`` →
    ``route/bus``; an operator keeps its whole key (``operators/power/line``), mapped apart
    from brands."""
    return tree_key if tree_key.startswith("operators/") else tree_key.split("/", 1)[1]


def _country(code: str) -> str | None:
    """ISO 3166 alpha-2 (upper case) of a location-set entry, ``001`` for the world, None
    for what is neither (a custom geojson area names its country first: ``us-tx.geojson``)."""
    code = str(code).lower().removesuffix(".geojson")
    if code == "001":
        return "001"
    head = code.split("-", 1)[0]
    return head.upper() if re.fullmatch(r"[a-z]{2}", head) else None


def _usable(name: str, generic: list[re.Pattern]) -> bool:
    letters = _LETTER.findall(name)
    latin = _LATIN.findall(name)
    return (len(name) >= 3 and bool(letters) and len(latin) >= 0.8 * len(letters)
            and not any(pattern.search(name) for pattern in generic))


def _normal(name: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(name))).strip().lower()


def _mapped_items(index: dict, tag_map: dict[str, str]) -> Iterator[tuple[str, str, dict]]:
    """``(tag, category, item)`` of every item of the index whose tag is mapped."""
    for tree_key, entry in sorted(index["nsi"].items()):
        if not tree_key.startswith(("brands/", "transit/", "operators/")):
            continue
        tag = _tag_key(tree_key)
        category = tag_map.get(tag)
        if isinstance(category, str):
            for item in entry.get("items", []):
                yield tag, category, item


def _countries(item: dict) -> list[str]:
    return sorted({c for c in map(_country, item.get("locationSet", {}).get(
        "include", [])) if c}) or ["001"]


def brand_rows(index: dict, tag_map: dict[str, str], generic: list[re.Pattern]
               ) -> Iterator[tuple]:
    """``(name, category, country, tag)`` for every mapped brand of the index."""
    for tag, category, item in _mapped_items(index, tag_map):
        tags = item.get("tags", {})
        names = {_normal(n) for n in (item.get("displayName"), tags.get("name"),
                                      tags.get("brand"), tags.get("network"),
                                      tags.get("operator"), *item.get("matchNames", []))
                 if n}
        for name in sorted(n for n in names if _usable(n, generic)):
            for country in _countries(item):
                yield name, category, country, tag


def english_words(wordnet: Path) -> frozenset[str]:
    """WordNet's nouns and verbs (lower case, parts joined by a space)."""
    return frozenset(word.replace("_", " ") for pos in PARTS_OF_SPEECH
                     for word in read_index(wordnet, pos))


def _networks_first(rows: set[tuple], network_shops: dict[str, list[str]]) -> list[tuple]:
    """Rows of a name that runs a network (an ``operators/`` row) and has shops of a tag in
    ``network_shops`` (``shop/mobile_phone: [telecom]``) take the network's category instead
    of the shop's: MEO's phone shops sell its contracts, and its bill is telecom."""
    runs: dict[str, set[str]] = {}  # by name alone: a network's area is often a region
    for name, category, _, tag in rows:
        if tag.startswith("operators/"):
            runs.setdefault(name, set()).add(category)
    out = set()
    for name, category, country, tag in rows:
        network = sorted(runs.get(name, set()) & set(network_shops.get(tag, ())))
        out.add((name, network[0] if network else category, country, tag))
    return sorted(out)


def build(nsi_path: Path, tags_path: Path, generic_path: Path | None, output: Path,
          wikidata_path: Path | None = None, wordnet: Path | None = None,
          services: tuple[Path, Path] | None = None) -> int:
    """Write the brand rows to ``output``; with ``wikidata_path`` (the index's
    ``dist/wikidata/wikidata.json``) and ``wordnet`` (WordNet's ``dict`` folder) the names of
    the brands' web addresses as well (`brand_websites`); with ``services`` (the 2FA
    Directory's ``entries`` folder and ``service_sites_to_taxonomy.yml``, needs ``wordnet``)
    its online services (`service_sites`)."""
    if (wikidata_path is None) != (wordnet is None) and services is None:
        raise ValueError("build_brands: --wikidata and --wordnet go together (a web address's "
                         "name is kept only when it is not an English word)")
    if services is not None and wordnet is None:
        raise ValueError("build_brands: --services needs --wordnet (a site's or web "
                         "address's name is kept only when it is not an English word)")
    index = json.loads(nsi_path.read_text(encoding="utf-8"))
    tag_map = yaml.safe_load(tags_path.read_text(encoding="utf-8"))
    generic = []
    if generic_path is not None:
        # the index's regular expressions of names that say what a place is, not whose
        generic = [re.compile(pattern, re.IGNORECASE) for pattern in json.loads(
            generic_path.read_text(encoding="utf-8"))["genericWords"]]
    found = set(brand_rows(index, tag_map, generic))
    if wikidata_path is not None:
        wikidata = json.loads(wikidata_path.read_text(encoding="utf-8"))["wikidata"]
        found |= {row for row in website_rows(_mapped_items(index, tag_map), wikidata,
                                              english_words(wordnet), _countries)
                  if _usable(row[0], generic)}
    if services is not None:
        entries, services_map = services
        found |= {row for row in service_rows(
            read_entries(entries), yaml.safe_load(services_map.read_text(encoding="utf-8")),
            english_words(wordnet)) if _usable(row[0], generic)}
    rows = _networks_first(found, tag_map.get("network_shops") or {})
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return len(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nsi", type=Path, required=True, help="dist/json/nsi.json of the index")
    parser.add_argument("--generic", type=Path, help="dist/json/genericWords.json of the index")
    parser.add_argument("--tags", type=Path, required=True, help="osm_to_taxonomy.yml")
    parser.add_argument("--wikidata", type=Path,
                        help="dist/wikidata/wikidata.json of the index (brands' web addresses)")
    parser.add_argument("--wordnet", type=Path, help="WordNet's dict folder (with --wikidata)")
    parser.add_argument("--services", type=Path,
                        help="the 2FA Directory's entries folder (online services)")
    parser.add_argument("--service-tags", type=Path,
                        help="service_sites_to_taxonomy.yml (with --services)")
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args(argv)
    if (args.services is None) != (args.service_tags is None):
        parser.error("--services and --service-tags go together")
    services = None if args.services is None else (args.services, args.service_tags)
    count = build(args.nsi, args.tags, args.generic, args.output, args.wikidata, args.wordnet,
                  services)
    print(f"{count} brand rows written to {args.output}")


if __name__ == "__main__":
    main()
