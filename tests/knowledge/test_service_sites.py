"""Online services from the 2FA Directory's entries become brands by rule: the mapped
categories only, the site's name and its addresses' names (no English word alone), in each
region it names, a new category of the directory stopping the build."""

import csv
import json

import pytest

from titans_finance.knowledge.build_brands import COLUMNS, build
from titans_finance.knowledge.service_sites import (
    read_entries,
    service_rows,
    site_countries,
    site_name,
)

MAPPING = {"entertainment": "subscriptions", "investing": "savings_investments",
           "hosting": "software", "cloud": "software", "payments": None}
WORDS = frozenset({"wire", "office", "line"})


def _rows(entries):
    return list(service_rows(iter(entries), MAPPING, WORDS))


def test_a_site_of_a_mapped_category_under_its_name_and_its_address_in_each_region():
    rows = _rows([("Netflix", {"domain": "netflix.com", "categories": ["entertainment"]}),
                  ("DEGIRO", {"domain": "degiro.nl", "categories": ["investing"],
                              "regions": ["pt", "nl"],
                              "additional-domains": ["degiro.co.uk", "trading.degiro.de"]})])
    assert ("netflix", "subscriptions", "001", "2fa/entertainment") in rows
    assert {(r[0], r[2]) for r in rows if r[1] == "savings_investments"} == {
        ("degiro", "NL"), ("degiro", "PT")}
    assert all(r[3] == "2fa/investing" for r in rows if r[0] == "degiro")


def test_an_unmapped_category_is_left_out_and_a_new_one_stops_the_build():
    assert _rows([("PayPal", {"domain": "paypal.com", "categories": ["payments"]})]) == []
    with pytest.raises(ValueError, match="'gaming'.*Steam"):
        _rows([("Steam", {"domain": "steampowered.com", "categories": ["gaming"]})])


def test_one_english_word_is_no_name_but_a_name_of_several_words_is():
    rows = _rows([("Wire", {"domain": "wire.com", "categories": ["hosting"]}),
                  ("Line Cloud", {"domain": "linecloud.io", "categories": ["cloud"]}),
                  ("Microsoft 365", {"domain": "office.com", "categories": ["cloud"],
                                     "additional-domains": ["office365.com"]})])
    names = {r[0] for r in rows}
    assert "wire" not in names and "office" not in names  # the word, not the site
    assert {"line cloud", "linecloud", "microsoft 365", "office365"} <= names


def test_every_category_of_a_site_gives_its_rows():
    rows = _rows([("Hetzner", {"domain": "hetzner.com", "categories": ["cloud", "hosting"]})])
    assert {r[3] for r in rows} == {"2fa/cloud", "2fa/hosting"}
    assert {r[1] for r in rows} == {"software"}


def test_site_name_drops_the_edition_and_countries_read_only_included_regions():
    assert site_name("Vodafone  [UK]") == "vodafone"
    assert site_name("Starbucks [JP] Rewards") == "starbucks rewards"
    assert site_countries({"regions": ["us", "gb"]}) == ["GB", "US"]
    assert site_countries({"regions": ["-ru", "-by"]}) == ["001"]  # only exclusions: everywhere
    assert site_countries({"regions": ["-ru", "de"]}) == ["DE"]
    assert site_countries({}) == ["001"]


def test_entries_are_read_from_the_folder_and_a_bad_file_is_named(tmp_path):
    (tmp_path / "n").mkdir()
    (tmp_path / "n" / "netflix.com.json").write_text(json.dumps(
        {"Netflix": {"domain": "netflix.com", "categories": ["entertainment"]}}))
    assert [name for name, _ in read_entries(tmp_path)] == ["Netflix"]
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "broken.com.json").write_text("{not json")
    with pytest.raises(ValueError, match="broken.com.json"):
        list(read_entries(tmp_path))
    (tmp_path / "b" / "broken.com.json").write_text(json.dumps(["a list"]))
    with pytest.raises(ValueError, match="broken.com.json"):
        list(read_entries(tmp_path))


def test_build_brands_adds_the_services_beside_the_index_s_brands(tmp_path):
    (tmp_path / "nsi.json").write_text(json.dumps({"nsi": {"brands/shop/supermarket": {
        "items": [{"displayName": "Big Bazaar", "locationSet": {"include": ["in"]},
                   "tags": {"brand": "Big Bazaar", "shop": "supermarket"}}]}}}))
    (tmp_path / "tags.yml").write_text("shop/supermarket: groceries\n")
    (tmp_path / "services.yml").write_text("entertainment: subscriptions\n")
    entries = tmp_path / "entries"
    (entries / "n").mkdir(parents=True)
    (entries / "n" / "netflix.com.json").write_text(json.dumps(
        {"Netflix": {"domain": "netflix.com", "categories": ["entertainment"]}}))
    wordnet = tmp_path / "dict"
    wordnet.mkdir()
    for pos in ("noun", "verb"):
        (wordnet / f"index.{pos}").write_text("  1 licence header\nwire n 1 1 @ 1 0 00000001\n")
    count = build(tmp_path / "nsi.json", tmp_path / "tags.yml", None, tmp_path / "out.csv",
                  wordnet=wordnet, services=(entries, tmp_path / "services.yml"))
    with open(tmp_path / "out.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(COLUMNS) and count == len(rows) - 1 == 2
    assert ["netflix", "subscriptions", "001", "2fa/entertainment"] in rows
    assert ["big bazaar", "groceries", "IN", "shop/supermarket"] in rows
    with pytest.raises(ValueError, match="--services needs --wordnet"):
        build(tmp_path / "nsi.json", tmp_path / "tags.yml", None, tmp_path / "out.csv",
              services=(entries, tmp_path / "services.yml"))
