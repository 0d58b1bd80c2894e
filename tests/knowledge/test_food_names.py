"""Food names of the Indian Food Composition Tables and the option names of the presets'
fields become spending words by rule: the English name before its first comma, each local
name tagged with a language of the table, each field option in every language."""

import csv
import json

from titans_finance.knowledge.build_words import field_rows
from titans_finance.knowledge.food_names import ifct_rows, local_names

HEADER = ["Food Code; code", "Food Name; name", "Scientific Name; scie", "Local Name; lang",
          "Food Group; grup"]
FOODS = [
    ["D045", "Parwar", "Trichosanthes dioica",
     "A. Potol; E. Pointed gourd; H. Parwal; Tam. Kovakkai; Tel. Kommu potla.", "Vegetables"],
    ["E053", "Water melon, dark green (sugar baby)", "", "H. Tarbuj, Tarbooz; U. Tarbuja.",
     "Fruits"],
    ["Q001", "Crab", "", "Common. Small shore crab; [Place of collection: Kolkata]", "Fish"],
    ["L001", "Calf, round (leg)", "", "", "Meat"],
]


def test_local_names_keep_the_table_languages_and_skip_other_notes():
    assert list(local_names("H. Tarbuj, Tarbooz; Tam. Darbusani.")) == [
        ("hi", "Tarbuj"), ("hi", "Tarbooz"), ("ta", "Darbusani")]
    assert list(local_names("Common. Large crab; [Place of collection: Chennai]")) == []
    assert list(local_names("")) == [] and list(local_names(None)) == []


def test_every_food_name_is_a_word_of_the_given_category(tmp_path):
    path = tmp_path / "index.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(FOODS)
    rows = set(ifct_rows(path, "groceries"))
    words = {(word, language) for word, _, language, _ in rows}
    assert {("parwar", "en"), ("pointed gourd", "en"), ("parwal", "hi"), ("kovakkai", "ta"),
            ("kommu potla", "te"), ("potol", "as"), ("water melon", "en"), ("tarbuj", "hi"),
            ("tarbooz", "hi"), ("tarbuja", "ur"), ("crab", "en"), ("calf", "en")} == words
    assert {category for _, category, _, _ in rows} == {"groceries"}
    assert ("parwal", "groceries", "hi", "ifct:D045") in rows


def test_field_options_in_each_language_take_the_field_category(tmp_path):
    dist = tmp_path / "translations"
    dist.mkdir()
    fields = {"cuisine": {"label": "Cuisines", "options": {"pizza": "Pizza", "curry": "Curry"}},
              "clothes": {"options": {"men": {"title": "Men's Clothing", "description": "x"}}},
              "surface": {"options": {"asphalt": "Asphalt"}}}
    (dist / "en.json").write_text(json.dumps({"en": {"presets": {"fields": fields}}}))
    (dist / "de.json").write_text(json.dumps({"de": {"presets": {"fields": {
        "cuisine": {"options": {"pizza": "Pizza", "curry": "Currygericht"}}}}}}))
    rows = set(field_rows(tmp_path, {"cuisine": "restaurants", "clothes": "clothing"},
                          ("en", "de", "fr")))
    assert {(w, c, lang) for w, c, lang, _ in rows} == {
        ("pizza", "restaurants", "en"), ("curry", "restaurants", "en"),
        ("men's clothing", "clothing", "en"), ("pizza", "restaurants", "de"),
        ("currygericht", "restaurants", "de")}  # the label and unmapped fields give nothing
