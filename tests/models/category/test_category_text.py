"""What the category models read: digit runs as one ``0``, set apart from a word they are
glued to (a store number glued to a name must not hide the name's word)."""

import numpy as np

from titans_finance.models.category.taxonomy import category_text


def _text(description, merchant="__none__"):
    return category_text(np.array([description], dtype=object),
                         np.array([merchant], dtype=object))[0]


def test_a_digit_run_glued_to_a_word_stands_apart_on_each_side():
    assert _text("Zapper1*Yoyo") == "zapper 0 *yoyo |"
    assert _text("PNP0451 Elgin") == "pnp 0 elgin |"
    assert _text("7Eleven") == "0 eleven |"


def test_digits_already_apart_or_between_punctuation_are_left_as_they_were():
    assert _text("WHOLEFDS SOM 10151") == "wholefds som 0 |"
    assert _text("7-Eleven 123", "7-eleven") == "0-eleven 0 | 0-eleven"
    assert _text("CARD 4411/12") == "card 0/0 |"
