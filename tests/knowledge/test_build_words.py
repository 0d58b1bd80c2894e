"""The spending words are built from the open classifications by rule: a class's words take
the category of the longest mapped code (COICOP), of the code or its range (ISO 18245), of
the preset's tag or the nearest tag above it (OSM presets); phrases are short, Latin-script
and name something."""

import csv
import json

import pytest

from titans_finance.knowledge.build_words import COLUMNS, MAX_WORDS, build, phrases

COICOP = [
    {"code": "01.1.1.1", "title": "Cereals (ND)", "intro": "",
     "includes": "* wheat\n* rice, including parboiled rice\n* maize (corn)", "alsoIncludes": "",
     "excludes": "* beer (02.1.3)"},
    {"code": "07.3.2.2", "title": "Passenger transport by taxi and hired vehicle with driver (S)",
     "intro": "", "includes": "", "alsoIncludes": "", "excludes": ""},
    {"code": "07.3.2.1", "title": "Passenger transport by bus and coach (S)", "intro": "",
     "includes": "", "alsoIncludes": "", "excludes": ""},
    {"code": "14.2.1", "title": "Pharmaceutical products (ND)", "intro": "", "includes": "",
     "alsoIncludes": "", "excludes": ""},
]
COICOP_MAP = ('"01": groceries\n"07.3": public_transport\n"07.3.2.2": taxi_rideshare\n'
              '"14": null\n')
MCC = {"5411": "Grocery Stores, Supermarkets", "4121": "Taxicabs/Limousines",
       "3005": "British Airways", "3300": "Azul Brazilian Airlines", "6011": "Automated Cash"}
MCC_MAP = '"5411": groceries\n"3000-3299": travel\n"4121": taxi_rideshare\n'
PRESETS = {
    "en": {"amenity/fuel": {"name": "Petrol Station", "terms": ["petrol", "diesel", "cng"]},
           "amenity/taxi/auto_rickshaw": {"name": "Auto Rickshaw Stand", "terms": ["tuk tuk"]},
           "amenity/bank": {"name": "Bank", "terms": ["money"]}},
    "de": {"amenity/fuel": {"name": "Tankstelle", "terms": ["tanke"]}},
    "hi": {"amenity/fuel": {"name": "पेट्रोल पंप", "terms": ["petrol pump"]}},
}
TAGS = "amenity/fuel: fuel\namenity/taxi: taxi_rideshare\n"


@pytest.fixture
def rows(tmp_path):
    with open(tmp_path / "coicop.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COICOP[0]))
        writer.writeheader()
        writer.writerows(COICOP)
    mcc = tmp_path / "mcc"
    mcc.mkdir()
    from titans_finance.knowledge.build_words import MCC_LISTS
    for name in MCC_LISTS:
        (mcc / name).write_text("MCC,DESCRIPTION\n" + "".join(
            f'{code},"{text}"\n' for code, text in MCC.items()))
    dist = tmp_path / "dist" / "translations"
    dist.mkdir(parents=True)
    for language, presets in PRESETS.items():
        (dist / f"{language}.json").write_text(json.dumps(
            {language: {"presets": {"presets": presets}}}))
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    (knowledge / "coicop_to_taxonomy.yml").write_text(COICOP_MAP)
    (knowledge / "mcc_to_taxonomy.yml").write_text(MCC_MAP)
    (knowledge / "osm_to_taxonomy.yml").write_text(TAGS)
    count = build(tmp_path / "coicop.csv", mcc, tmp_path / "dist", knowledge, tmp_path / "out.csv")
    with open(tmp_path / "out.csv", newline="") as handle:
        out = list(csv.reader(handle))
    assert out[0] == list(COLUMNS) and count == len(out) - 1
    return {(r[0], r[1], r[2]) for r in out[1:]}


def test_coicop_words_take_the_longest_mapped_code_and_skip_null_subtrees(rows):
    assert {("wheat", "groceries", "en"), ("rice", "groceries", "en"),
            ("parboiled rice", "groceries", "en"), ("maize", "groceries", "en"),
            ("corn", "groceries", "en"), ("cereals", "groceries", "en")} <= rows
    assert ("taxi", "taxi_rideshare", "en") in rows  # 07.3.2.2 beats 07.3
    assert ("bus", "public_transport", "en") in rows  # 07.3.2.1 falls back to 07.3
    assert not any(word == "beer" for word, _, _ in rows)  # excluded goods belong elsewhere
    assert not any(word.startswith("pharmaceutical") for word, _, _ in rows)  # 14: null


def test_mcc_words_take_their_code_or_its_range_inclusive(rows):
    assert {("grocery stores", "groceries", "en"), ("supermarkets", "groceries", "en"),
            ("taxicabs", "taxi_rideshare", "en"), ("limousines", "taxi_rideshare", "en"),
            ("british airways", "travel", "en")} <= rows
    words = {word for word, _, _ in rows}
    assert "azul brazilian airlines" not in words  # 3300: one past the range's end
    assert "automated cash" not in words  # 6011 is not mapped


def test_preset_words_per_language_from_the_nearest_mapped_tag(rows):
    assert {("petrol station", "fuel", "en"), ("petrol", "fuel", "en"), ("cng", "fuel", "en"),
            ("tankstelle", "fuel", "de"), ("tanke", "fuel", "de"),
            ("petrol pump", "fuel", "hi"),
            ("auto rickshaw stand", "taxi_rideshare", "en"),
            ("tuk tuk", "taxi_rideshare", "en")} <= rows
    words = {word for word, _, _ in rows}
    assert "पेट्रोल पंप" not in words  # Latin script only
    assert "money" not in words and "bank" not in words  # amenity/bank is not mapped


def test_phrases_are_short_and_name_something():
    assert phrases("Other services n.e.c. (S)") == []
    assert phrases("Rice, including parboiled rice") == ["rice", "parboiled rice"]
    long = "transport of persons and accompanied luggage through private arrangements"
    assert all(len(p.split()) <= MAX_WORDS for p in phrases(long))
    assert phrases("one two three") == ["one two three"]
    assert phrases("one two three four") == []  # one word past the limit
    assert phrases("ab") == [] and phrases("abc") == ["abc"]  # three letters at least


def test_a_single_mcc_wins_over_the_range_it_lies_in_and_ranges_are_inclusive():
    from titans_finance.knowledge.build_words import _mcc_category

    codes = {"3000-3299": "travel", "3100": "fuel"}
    assert _mcc_category("3100", codes) == "fuel"
    assert [_mcc_category(c, codes) for c in ("2999", "3000", "3299", "3300")] == [
        None, "travel", "travel", None]


def test_other_languages_wordnets_need_wordnet_and_the_index_together(tmp_path):
    with pytest.raises(ValueError, match="--omw needs --wordnet"):
        build(tmp_path / "coicop.csv", tmp_path, tmp_path, tmp_path, tmp_path / "out.csv",
              omw=([tmp_path / "wn-data-pol.tab"], tmp_path / "a", tmp_path / "b"))
    from titans_finance.knowledge.build_words import main
    for given in (["--omw", "wn-data-pol.tab"], ["--ili", "a.tab", "b.tab"]):
        with pytest.raises(SystemExit):
            main(["--coicop", "c", "--mcc", "m", "--presets", "p", "--knowledge", "k",
                  "--output", str(tmp_path / "out.csv"), *given])
