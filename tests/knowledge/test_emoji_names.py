"""CLDR's emoji names become spending words by rule: each emoji of a mapped Unicode subgroup
gives its short name, whole, in every kept locale, with the subgroup's category; a subgroup
mapped to nothing, a long name and a name not in Latin script give none."""

import json

import pytest

from titans_finance.knowledge.emoji_names import emoji_rows, short_name, subgroups

GROUPS = {"groups": {"0": "food-drink"},
          "subgroups": {"0": "food-fruit", "1": "drink", "2": "phone", "3": "food-vegetable"}}
EMOJIS = [  # as emojibase-data writes them: 📱 with its presentation selector in one list only
    {"emoji": "🥭", "group": 0, "subgroup": 0}, {"emoji": "🍌", "group": 0, "subgroup": 0},
    {"emoji": "🍷", "group": 0, "subgroup": 1},
    {"emoji": "📱\ufe0f", "group": 0, "subgroup": 2},
    {"emoji": "🌽", "group": 0, "subgroup": 3}, {"emoji": "🇮🇳"},  # a flag: no subgroup
]
NAMES = {
    "en": {"🥭": {"default": ["fruit", "mango"], "tts": ["mango"]},
           "🍌": {"tts": ["banana"]}, "🍷": {"tts": ["wine glass"]},
           "📱": {"default": ["cell", "mobile"], "tts": ["mobile phone"]},
           "🌽": {"tts": ["ear of corn"]}},
    "pt": {"🥭": {"tts": ["manga"]}, "📱": {"tts": ["telefone celular com seta"]}},
    "hi-Latn": {"🥭": {"tts": ["aam"]}},
    "hi": {"🥭": {"tts": ["आम"]}},
}


def _sources(tmp_path):
    emojibase = tmp_path / "emojibase-data"
    (emojibase / "meta").mkdir(parents=True)
    (emojibase / "en").mkdir()
    (emojibase / "meta" / "groups.json").write_text(json.dumps(GROUPS))
    (emojibase / "en" / "data.json").write_text(json.dumps(EMOJIS))
    annotations = tmp_path / "annotations"
    for locale, names in NAMES.items():
        (annotations / locale).mkdir(parents=True)
        (annotations / locale / "annotations.json").write_text(json.dumps(
            {"annotations": {"identity": {"language": locale}, "annotations": names}}))
    return annotations, emojibase


def test_subgroups_match_emoji_written_with_or_without_the_presentation_selector(tmp_path):
    _, emojibase = _sources(tmp_path)
    assert subgroups(emojibase) == {"🥭": "food-fruit", "🍌": "food-fruit", "🍷": "drink",
                                    "📱": "phone", "🌽": "food-vegetable"}


@pytest.mark.parametrize(("name", "word"), [
    ("Curry Rice", "curry rice"), ("ear of corn", "ear of corn"),  # whole, never cut to "ear"
    ("mango", "mango"), ("mobile phone with arrow", None),  # four words: too long
    ("आम", None), ("keycap: 1", None), ("ox", None)])
def test_short_name_keeps_a_latin_name_of_one_to_three_words_whole(name, word):
    assert short_name(name) == word


def test_rows_take_the_subgroup_category_in_each_kept_locale(tmp_path):
    annotations, emojibase = _sources(tmp_path)
    mapping = {"food-fruit": "groceries", "food-vegetable": "groceries", "phone": "telecom",
               "drink": None}
    rows = set(emoji_rows(annotations, emojibase, mapping, ("en", "pt", "hi-Latn", "hi", "fr")))
    assert rows == {("mango", "groceries", "en", "cldr:food-fruit"),
                    ("banana", "groceries", "en", "cldr:food-fruit"),
                    ("mobile phone", "telecom", "en", "cldr:phone"),
                    ("ear of corn", "groceries", "en", "cldr:food-vegetable"),
                    ("manga", "groceries", "pt", "cldr:food-fruit"),
                    ("aam", "groceries", "hi-latn", "cldr:food-fruit")}
    # not the search keywords ("fruit", "cell"), not a drink (mapped to nothing), not the
    # Devanagari name, not the four-word Portuguese name; French is absent: skipped


def test_a_subgroup_unicode_does_not_have_is_a_clear_error(tmp_path):
    annotations, emojibase = _sources(tmp_path)
    with pytest.raises(ValueError, match="emoji_to_taxonomy.yml.*food-fruits"):
        list(emoji_rows(annotations, emojibase, {"food-fruits": "groceries"}))


def test_build_writes_the_emoji_words_beside_the_other_sources(tmp_path):
    from titans_finance.knowledge.build_words import MCC_LISTS, build

    annotations, emojibase = _sources(tmp_path)
    (tmp_path / "coicop.csv").write_text("code,title,includes,alsoIncludes\n")
    (tmp_path / "mcc").mkdir()
    for name in MCC_LISTS:
        (tmp_path / "mcc" / name).write_text("MCC,DESCRIPTION\n")
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    for name in ("coicop_to_taxonomy.yml", "mcc_to_taxonomy.yml", "osm_to_taxonomy.yml"):
        (knowledge / name).write_text("{}\n")
    (knowledge / "emoji_to_taxonomy.yml").write_text("phone: telecom\ndrink: null\n")
    out = tmp_path / "out.csv"
    assert build(tmp_path / "coicop.csv", tmp_path / "mcc", tmp_path / "dist", knowledge, out,
                 emoji=(annotations, emojibase)) == 1
    assert out.read_text().splitlines() == ["word,category,language,source",
                                            "mobile phone,telecom,en,cldr:phone"]
    # without the emoji sources, the same build writes no emoji word
    assert build(tmp_path / "coicop.csv", tmp_path / "mcc", tmp_path / "dist", knowledge,
                 out) == 0
