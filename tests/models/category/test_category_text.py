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


def test_each_pair_is_written_once_and_remembered_the_same_as_row_by_row():
    """Pairs of texts go through the memo (one line per distinct pair); a column with a
    missing value goes row by row; both give every row the same line. Two pairs whose
    texts join alike ("ab" + "c", "a" + "bc") are two lines."""
    from titans_finance.models.category import row_memo, taxonomy

    descriptions = ["ab", "a", "ab", "Shell 0412", "Shell 0412", "PNP0451"]
    merchants = ["c", "bc", "c", "__none__", "Shell", "__none__"]
    row_memo.forget_rows(taxonomy._LINES)
    remembered = taxonomy.category_text(descriptions, merchants)
    assert remembered.tolist() == ["ab | c", "a | bc", "ab | c", "shell 0 |", "shell 0 | shell",
                                   "pnp 0 |"]
    assert row_memo.remembered_count(taxonomy._LINES) == 5  # one line per distinct pair
    again = taxonomy.category_text(descriptions[::-1], merchants[::-1])
    assert again.tolist() == remembered.tolist()[::-1]
    # a missing merchant: the rows are written one by one, the same lines
    with_missing = taxonomy.category_text(descriptions + ["ab"], merchants + [None])
    assert with_missing.tolist() == remembered.tolist() + ["ab |"]
