"""The place a card line ends with is no category evidence: a city followed by its state or
country is read out of a line's part when a word stays before it, and never a name that is
also a place (`models.category.place_words`)."""

import numpy as np
import pandas as pd
import pytest

from titans_finance.models.category.place_words import PlaceWords, place_words

TABLE = pd.DataFrame(
    [("phoenix", "city", "US"), ("orange", "city", "US"), ("bell", "city", "US"),
     ("paris", "city", "FR"), ("san luis obispo", "city", "US"), ("san francisco", "city", "US"),
     ("lynbrook", "city", "US"), ("york", "city", "US"), ("billund", "city", "DK"),
     ("of", "city", "TR"), ("post", "city", "US"), ("oran", "city", "DZ"),
     ("az", "state", "US"), ("ca", "state", "US"), ("ny", "state", "US"), ("in", "state", "US"),
     ("michigan", "state_name", "US"), ("us", "country_code", "US"),
     ("ag", "country_code", "AG"), ("dnk", "country_code", "DK"), ("ge", "country_code", "GE"),
     ("denmark", "country", "DK")], columns=["place", "kind", "country"])
PLACES = place_words(TABLE)


@pytest.mark.parametrize(("line", "read"), [
    ("subway 1234 phoenix az", "subway 1234"),
    ("TARGET 00012 ORANGE CA", "TARGET 00012"),
    ("starbucks san francisco ca us", "starbucks"),
    ("cafeen billund dnk 0", "cafeen 0"),
    ("cafeen billund denmark", "cafeen"),
    ("d 0 slo cafe san luis obispo ca 0 | slo cafe", "d 0 slo cafe 0 | slo cafe"),
])
def test_a_city_with_its_state_or_country_is_read_out(line, read):
    assert PLACES.line(line) == read


@pytest.mark.parametrize("line", [
    "subway", "target", "paris baguette", "taco bell", "orange theory fitness",
    "subway phoenix",  # a city without a state: the name's own word, perhaps
    "phoenix az",  # only a place: nothing would be left to read
    "x phoenix az",  # one letter is no word to read
    "post ag", "deutsche post ag",  # a country's two letters alone: a word's end, a legal form
    "university of michigan",  # a town of two letters ("Of") is no city read here
])
def test_a_name_that_is_also_a_place_is_read_whole(line):
    assert PLACES.line(line) == line


def test_a_word_of_two_letters_before_the_place_is_enough():
    assert PLACES.line("ab phoenix az") == "ab"
    assert PLACES.line("a phoenix az") == "a phoenix az"


def test_a_country_two_letters_are_read_after_a_state():
    assert PLACES.line("shop phoenix az us") == "shop"
    assert PLACES.line("shop phoenix us") == "shop phoenix us"


def test_each_part_of_a_line_is_read_on_its_own():
    assert PLACES.line("pos 1 joes phoenix az | phoenix az") == "pos 1 joes | phoenix az"


@pytest.mark.parametrize(("line", "read"), [
    ("slo cafe san luis obi ca", "slo cafe"),  # cut to three letters: still the city
    ("slo cafe san luis ob ca", "slo cafe san luis ob ca"),  # two: not read as it
    ("slo cafe san fran ca", "slo cafe"),
])
def test_a_city_cut_at_the_card_field_is_read_to_three_letters(line, read):
    assert PLACES.line(line) == read


def test_a_cut_city_of_one_word_is_not_a_city():
    assert PLACES.line("joes phoeni az") == "joes phoeni az"


@pytest.mark.parametrize(("line", "read"), [
    ("regal stadium lynbrookny 0", "regal stadium 0"),  # a US city of 8 letters and NY
    ("tick tock diner yorkny", "tick tock diner yorkny"),  # a city of 4 letters: too short
    ("big orange", "big orange"),  # "oran"+"ge": a country's code, a city of another country
    ("cafe billunddnk", "cafe billunddnk"),  # a country's code is not read glued
])
def test_a_city_glued_to_its_state_is_read_for_cities_of_five_letters(line, read):
    assert PLACES.line(line) == read


def test_accents_and_capitals_are_read_as_the_places_are_written():
    places = place_words(pd.concat([TABLE, pd.DataFrame(
        [("sao paulo", "city", "BR"), ("bra", "country_code", "BR")],
        columns=["place", "kind", "country"])]))
    assert places.line("PADARIA SÃO PAULO BRA") == "PADARIA"


def test_a_batch_keeps_its_order_and_what_is_not_text():
    lines = np.array(["a1 phoenix az", None, "a1 phoenix az", "subway"], dtype=object)
    assert PLACES.drop(lines).tolist() == ["a1 phoenix az", None, "a1 phoenix az", "subway"]
    lines = np.array(["ab phoenix az", None, "ab phoenix az"], dtype=object)
    assert PLACES.drop(lines).tolist() == ["ab", None, "ab"]


def test_no_place_drops_nothing():
    empty = place_words(TABLE.iloc[:0])
    assert empty.line("subway phoenix az") == "subway phoenix az"


@pytest.mark.parametrize("bad", ["Phoenix", "st. louis", ""])
def test_places_not_written_as_words_are_refused(bad):
    with pytest.raises(ValueError, match="lower-case letters and spaces"):
        PlaceWords({"city": {bad}, "state": set(), "country": set()}, set())


def test_a_table_without_its_columns_or_with_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match=r"place_words.csv has no \['country'\] column"):
        place_words(TABLE.drop(columns="country"))
    with pytest.raises(ValueError, match="unknown kinds \\['county'\\]"):
        place_words(TABLE.assign(kind="county"))
    with pytest.raises(ValueError, match="no places of kind \\['state'\\]"):
        PlaceWords({"city": set(), "country": set()}, set())
