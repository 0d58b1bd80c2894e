"""The brand knowledge is built from the name-suggestion-index by rule: mapped tags only,
every name a brand is known by, Latin-script names, no generic words, one row per country."""

import csv
import json

from titans_finance.knowledge.build_brands import COLUMNS, build

INDEX = {"nsi": {
    "brands/shop/supermarket": {"items": [
        {"displayName": "Big Bazaar", "locationSet": {"include": ["in"]},
         "matchNames": ["bigbazaar"], "tags": {"brand": "Big Bazaar", "shop": "supermarket"}},
        {"displayName": "Ранчо", "locationSet": {"include": ["ru"]},
         "tags": {"brand": "Ранчо", "shop": "supermarket"}},
        {"displayName": "Supermarket", "locationSet": {"include": ["001"]},
         "tags": {"name": "Supermarket", "shop": "supermarket"}},
        {"displayName": "HEB", "locationSet": {"include": ["us-tx.geojson", "mx"]},
         "tags": {"brand": "H-E-B", "name": "H-E-B", "shop": "supermarket"}},
    ]},
    "brands/amenity/bank": {"items": [
        {"displayName": "Chase", "locationSet": {"include": ["us"]}, "tags": {"amenity": "bank"}}]},
    "transit/route/train": {"items": [
        {"displayName": "NS", "locationSet": {"include": ["nl"]},
         "tags": {"network": "Nederlandse Spoorwegen", "route": "train"}}]},
    "operators/amenity/fuel": {"items": [
        {"displayName": "Town Council", "locationSet": {"include": ["gb"]}, "tags": {}}]},
}}
TAGS = "shop/supermarket: groceries\nroute/train: public_transport\namenity/fuel: fuel\n"
GENERIC = {"genericWords": ["^(super|hyper)?market$"]}


def _rows(tmp_path):
    (tmp_path / "nsi.json").write_text(json.dumps(INDEX))
    (tmp_path / "tags.yml").write_text(TAGS)
    (tmp_path / "generic.json").write_text(json.dumps(GENERIC))
    count = build(tmp_path / "nsi.json", tmp_path / "tags.yml", tmp_path / "generic.json",
                  tmp_path / "out.csv")
    with open(tmp_path / "out.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(COLUMNS) and count == len(rows) - 1
    return rows[1:]


def test_every_name_of_a_mapped_brand_in_each_of_its_countries(tmp_path):
    rows = _rows(tmp_path)
    assert ["big bazaar", "groceries", "IN", "shop/supermarket"] in rows
    assert ["bigbazaar", "groceries", "IN", "shop/supermarket"] in rows
    # a custom area names its country first; every name of the brand, in each country
    assert {(r[0], r[2]) for r in rows if r[0] in {"heb", "h-e-b"}} == {
        ("heb", "US"), ("heb", "MX"), ("h-e-b", "US"), ("h-e-b", "MX")}
    assert ["nederlandse spoorwegen", "public_transport", "NL", "route/train"] in rows


def test_unmapped_tags_operators_other_scripts_short_and_generic_names_are_left_out(tmp_path):
    names = {r[0] for r in _rows(tmp_path)}
    assert "chase" not in names  # amenity/bank is not mapped: fees, transfers or cash
    assert "town council" not in names  # operators are not brands
    assert "ранчо" not in names and "supermarket" not in names
    assert "ns" not in names  # two letters name nothing on a statement


def test_the_same_index_builds_the_same_bytes(tmp_path):
    first = _rows(tmp_path)
    (tmp_path / "out.csv").unlink()
    assert _rows(tmp_path) == first


NETWORKS = {"nsi": {
    "operators/power/line": {"items": [
        {"displayName": "Iberdrola", "locationSet": {"include": ["es"]},
         "tags": {"operator": "Iberdrola", "power": "line"}}]},
    "operators/man_made/mast": {"items": [
        {"displayName": "MEO", "locationSet": {"include": ["pt"]}, "matchNames": ["ptc"],
         "tags": {"operator": "MEO", "man_made": "mast"}}]},
    "operators/amenity/school": {"items": [
        {"displayName": "Lisbon Schools", "locationSet": {"include": ["pt"]},
         "tags": {"operator": "Lisbon Schools", "amenity": "school"}}]},
    "brands/shop/mobile_phone": {"items": [
        {"displayName": "MEO", "locationSet": {"include": ["pt"]},
         "tags": {"brand": "MEO", "shop": "mobile_phone"}},
        {"displayName": "Phone World", "locationSet": {"include": ["gb"]},
         "tags": {"brand": "Phone World", "shop": "mobile_phone"}}]},
    "brands/amenity/charging_station": {"items": [
        {"displayName": "Iberdrola", "locationSet": {"include": ["es"]},
         "tags": {"brand": "Iberdrola", "amenity": "charging_station"}}]},
}}
NETWORK_TAGS = """shop/mobile_phone: electronics
amenity/charging_station: fuel
amenity/school: education
operators/power/line: utilities
operators/man_made/mast: telecom
network_shops:
  shop/mobile_phone: [telecom]
"""


def _network_rows(tmp_path):
    (tmp_path / "nsi.json").write_text(json.dumps(NETWORKS))
    (tmp_path / "tags.yml").write_text(NETWORK_TAGS)
    build(tmp_path / "nsi.json", tmp_path / "tags.yml", None, tmp_path / "out.csv")
    with open(tmp_path / "out.csv", newline="") as handle:
        return list(csv.reader(handle))[1:]


def test_network_operators_are_mapped_by_their_whole_key_only(tmp_path):
    rows = _network_rows(tmp_path)
    assert ["iberdrola", "utilities", "ES", "operators/power/line"] in rows
    assert ["ptc", "telecom", "PT", "operators/man_made/mast"] in rows
    # operators/amenity/school is not mapped, though amenity/school (a brand's tag) is
    assert not any(r[0] == "lisbon schools" for r in rows)


def test_a_network_s_phone_shops_take_its_network_and_other_shops_keep_their_tag(tmp_path):
    rows = _network_rows(tmp_path)
    assert ["meo", "telecom", "PT", "shop/mobile_phone"] in rows
    assert not any(r[0] == "meo" and r[1] == "electronics" for r in rows)
    # a phone shop that runs no network stays a shop
    assert ["phone world", "electronics", "GB", "shop/mobile_phone"] in rows
    # network_shops names the phone shop only: a utility's charging stations stay fuel
    assert ["iberdrola", "fuel", "ES", "amenity/charging_station"] in rows

