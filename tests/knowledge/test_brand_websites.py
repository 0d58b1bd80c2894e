"""A brand's web address gives it one more name: the label the address is registered under,
unless it is an English word or shorter than three characters."""

import csv
import json

import pytest

from titans_finance.knowledge.brand_websites import (
    MIN_LABEL_LENGTH,
    website_label,
    website_rows,
)
from titans_finance.knowledge.build_brands import build


@pytest.mark.parametrize(("url", "label"), [
    ("https://www.cvs.com/", "cvs"),
    ("https://www.cvs.com/store-locator?x=1", "cvs"),
    ("http://heb.com", "heb"),
    ("https://www.tesco.co.uk", "tesco"),  # under a country's second level
    ("https://shop.tesco.com.au/", "tesco"),
    ("https://www.bbc.co", "bbc"),  # "co" alone is a country's top level, not a second level
    ("https://orders.sheetz.com", "sheetz"),  # a sub-domain is not the name
    ("https://www.7-eleven.com:443/", "7-eleven"),
    ("https://192.168.0.1/", None),
    ("https://localhost/", None),
    ("https://www.caf\u00e9.fr", None),
])
def test_the_label_an_address_is_registered_under(url, label):
    assert website_label(url) == label


def _item(qid, country="us"):
    return {"locationSet": {"include": [country]}, "tags": {"brand:wikidata": qid}}


def _rows(label, dictionary=frozenset()):
    wikidata = {"Q1": {"officialWebsites": [f"https://www.{label}.com"]}}
    return list(website_rows(iter([("amenity/pharmacy", "health", _item("Q1"))]), wikidata,
                             dictionary, lambda item: ["US"]))


def test_a_label_at_the_shortest_length_is_kept_and_one_letter_shorter_is_not():
    assert MIN_LABEL_LENGTH == 3
    assert _rows("cvs") == [("cvs", "health", "US", "amenity/pharmacy")]
    assert _rows("hm") == []
    assert _rows("bjss") == [("bjss", "health", "US", "amenity/pharmacy")]


def test_an_english_word_is_not_a_brand_s_name_and_another_label_is():
    assert _rows("panda", frozenset({"panda", "order"})) == []
    assert _rows("pandas", frozenset({"panda", "order"})) == [
        ("pandas", "health", "US", "amenity/pharmacy")]


def test_an_item_without_a_wikidata_entry_or_websites_gives_no_name():
    items = [("amenity/pharmacy", "health", _item("Q9")),
             ("amenity/pharmacy", "health", {"locationSet": {}, "tags": {}})]
    wikidata = {"Q9": {"label": "No site"}}
    assert list(website_rows(iter(items), wikidata, frozenset(), lambda item: ["US"])) == []


INDEX = {"nsi": {"brands/amenity/pharmacy": {"items": [
    {"displayName": "CVS Pharmacy", "locationSet": {"include": ["us"]},
     "tags": {"brand": "CVS Pharmacy", "brand:wikidata": "Q2078880", "amenity": "pharmacy"}},
    {"displayName": "Panda Pharmacy", "locationSet": {"include": ["ca"]},
     "tags": {"brand": "Panda Pharmacy", "brand:wikidata": "Q5", "amenity": "pharmacy"}}]}}}
WIKIDATA = {"wikidata": {"Q2078880": {"officialWebsites": ["https://www.cvs.com"]},
                         "Q5": {"identities": {"website": "https://panda.ca"}}}}


def _built(tmp_path, with_websites):
    (tmp_path / "nsi.json").write_text(json.dumps(INDEX))
    (tmp_path / "tags.yml").write_text("amenity/pharmacy: health\n")
    (tmp_path / "wikidata.json").write_text(json.dumps(WIKIDATA))
    wordnet = tmp_path / "dict"
    wordnet.mkdir(exist_ok=True)
    # index.<pos> lines: lemma pos synset_cnt p_cnt [ptr...] sense_cnt tagsense_cnt offsets
    (wordnet / "index.noun").write_text("  licence header line\npanda n 1 0 1 0 02510455\n")
    (wordnet / "index.verb").write_text("")
    build(tmp_path / "nsi.json", tmp_path / "tags.yml", None, tmp_path / "out.csv",
          *((tmp_path / "wikidata.json", wordnet) if with_websites else (None, None)))
    with open(tmp_path / "out.csv", newline="") as handle:
        return {(r[0], r[1], r[2]) for r in list(csv.reader(handle))[1:]}


def test_the_build_adds_web_address_names_only_when_given_wikidata_and_wordnet(tmp_path):
    plain = _built(tmp_path, with_websites=False)
    assert ("cvs", "health", "US") not in plain
    rows = _built(tmp_path, with_websites=True)
    assert rows - plain == {("cvs", "health", "US")}  # "panda" is an English word


def test_wikidata_without_wordnet_is_refused_naming_both(tmp_path):
    (tmp_path / "nsi.json").write_text(json.dumps(INDEX))
    (tmp_path / "tags.yml").write_text("amenity/pharmacy: health\n")
    with pytest.raises(ValueError, match="--wikidata and --wordnet"):
        build(tmp_path / "nsi.json", tmp_path / "tags.yml", None, tmp_path / "out.csv",
              tmp_path / "wikidata.json", None)
