"""WordNet senses become spending words by rule: a named sense maps the senses below it, the
nearest named sense wins, a word counts only in its most frequent sense, a verb gives its
-ing form. Read from a small database in WordNet's own file format."""

import pytest

from titans_finance.knowledge.wordnet_words import (
    categories_below,
    gerund,
    plural,
    read_index,
    read_senses,
    sense_offset,
    wordnet_rows,
)

LICENCE = "  1 This software and database is being provided to you, the LICENSEE\n"


def _data_line(offset: str, words: list[str], below: list[str], above: list[str] = ()) -> str:
    pointers = [f"@ {o} n 0000" for o in above] + [f"~ {o} n 0000" for o in below]
    listed = " ".join(f"{w} 0" for w in words)
    return (f"{offset} 13 n {len(words):02x} {listed} {len(pointers):03d} "
            f"{' '.join(pointers)} | a gloss; \"an example\"  \n")


def _database(folder):
    """meal (00000100) → lunch (00000200) → business lunch (00000300); cheese
    (00000400) under dairy (00000500); 'plastic' is first a material (00000600), then a
    credit card (00000700); 'tortilla' sits under meal and under dairy, two steps from each."""
    nouns = [
        ("00000100", ["meal", "repast"], ["00000200", "00000800"]),
        ("00000200", ["lunch", "luncheon"], ["00000300"]),
        ("00000300", ["business_lunch"], []),
        ("00000500", ["dairy_product"], ["00000400", "00000900"]),
        ("00000400", ["cheese", "Brie"], []),
        ("00000600", ["plastic"], []),
        ("00000700", ["credit_card", "plastic"], []),
        ("00000800", ["supper_dish"], ["00001000"]),
        ("00000900", ["dairy_dish"], ["00001000"]),
        ("00001000", ["tortilla"], []),
        ("00001100", ["fee"], ["00001200"]),
        ("00001200", ["admission_fee", "B12"], []),
    ]
    (folder / "data.noun").write_text(LICENCE + "".join(_data_line(*n) for n in nouns))
    index = {"meal": ["00000100"], "repast": ["00000100"], "lunch": ["00000200"],
             "luncheon": ["00000200"], "business_lunch": ["00000300"],
             "dairy_product": ["00000500"], "cheese": ["00000400"], "brie": ["00000400"],
             "plastic": ["00000600", "00000700"], "credit_card": ["00000700"],
             "supper_dish": ["00000800"], "dairy_dish": ["00000900"], "tortilla": ["00001000"],
             "fee": ["00001100"], "admission_fee": ["00001200"], "b12": ["00001200"]}
    (folder / "index.noun").write_text(LICENCE + "".join(
        f"{word} n {len(offsets)} 1 @ {len(offsets)} 0 {' '.join(offsets)}  \n"
        for word, offsets in sorted(index.items())))
    (folder / "data.verb").write_text(LICENCE + _data_line("00002000", ["eat_out", "dine_out"],
                                                           []).replace(" 13 n ", " 34 v "))
    (folder / "index.verb").write_text(LICENCE + "dine_out v 1 0 1 0 00002000  \n"
                                       "eat_out v 1 0 1 0 00002000  \n")
    return folder


def test_reading_the_database_files(tmp_path):
    senses = read_senses(_database(tmp_path), "n")
    assert senses["00000100"] == (["meal", "repast"], ["00000200", "00000800"])
    assert senses["00000300"] == (["business_lunch"], [])
    index = read_index(tmp_path, "n")
    assert index["plastic"] == ["00000600", "00000700"]
    assert sense_offset("plastic.n.02", index) == "00000700"
    assert sense_offset("meal.n.01", index) == "00000100"


@pytest.mark.parametrize("name", ["meal.n.02", "nothing.n.01", "meal", "meal.x.01"])
def test_a_sense_wordnet_does_not_have_is_a_clear_error(tmp_path, name):
    index = read_index(_database(tmp_path), "n")
    with pytest.raises(ValueError, match="wordnet_to_taxonomy.yml"):
        sense_offset(name, index)


def test_the_nearest_named_sense_wins_and_a_tie_of_two_categories_names_nothing(tmp_path):
    senses = read_senses(_database(tmp_path), "n")
    roots = {"00000100": "restaurants", "00000200": "salary", "00000500": "groceries"}
    below = categories_below(roots, senses)
    assert below["00000300"] == ("salary", "00000200")  # lunch is nearer than meal
    assert below["00000800"] == ("restaurants", "00000100")
    assert below["00000400"] == ("groceries", "00000500")
    assert "00001000" not in below  # two steps from meal and two from dairy: torn
    # the same category from both sides is no conflict
    same = categories_below({"00000100": "restaurants", "00000500": "restaurants"}, senses)
    assert same["00001000"][0] == "restaurants"


@pytest.mark.parametrize(("verb", "form"), [
    ("eat out", "eating out"), ("dine out", "dining out"), ("shop", "shopping"),
    ("tie", "tying"), ("see", "seeing"), ("commute", "commuting"), ("pay", "paying"),
    ("travel", "traveling"), ("go", "going")])
def test_gerund(verb, form):
    assert gerund(verb) == form


@pytest.mark.parametrize(("noun", "form"), [
    ("capital gain", "capital gains"), ("fee", "fees"), ("grocery", "groceries"),
    ("business lunch", "business lunches"), ("tax", "taxes"), ("day", "days"),
    ("savings", "savings"), ("bus", "bus")])
def test_plural(noun, form):
    assert plural(noun) == form


def test_rows_keep_words_in_their_most_frequent_sense_only(tmp_path):
    mapping = {"meal.n.01": "restaurants", "plastic.n.02": "transfer",
               "dairy_product.n.01": "groceries", "fee.n.01": "bank_fees",
               "eat_out.v.01": "restaurants"}
    rows = set(wordnet_rows(_database(tmp_path), mapping))
    words = {(word, category) for word, category, _, _ in rows}
    assert {("meal", "restaurants"), ("repast", "restaurants"), ("lunch", "restaurants"),
            ("business lunch", "restaurants"), ("cheese", "groceries"),
            ("credit card", "transfer"), ("fee", "bank_fees"),
            ("admission fee", "bank_fees"), ("eat out", "restaurants"),
            ("eating out", "restaurants"), ("dine out", "restaurants"),
            ("dining out", "restaurants"), ("credit cards", "transfer"), ("fees", "bank_fees"),
            ("business lunches", "restaurants")} <= words
    assert ("eat outs", "restaurants") not in words  # a verb has no plural
    # 'plastic' is first a material: not a word of the credit card; digits are no word;
    # a proper name ('Brie': WordNet capitalises it) is a place or a brand, no word
    assert not {w for w, _ in words} & {"plastic", "b12", "tortilla", "brie", "bries"}
    assert ("credit card", "transfer", "en", "wordnet:plastic.n.02") in rows
    assert {language for _, _, language, _ in rows} == {"en"}
