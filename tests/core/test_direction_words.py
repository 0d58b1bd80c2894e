"""Direction words of other scripts and languages (core/direction_words.py): the key keeps
letters of every script, and only the exact words say a side."""

from __future__ import annotations

import pytest

from titans_finance.core.direction_words import column_word_sign, key, word_sign


@pytest.mark.parametrize("token, expected", [
    ("支出", "支出"), ("收入", "收入"), ("Débit.", "debit"), ("Jóváírás", "jovairas"),
    ("Расход", "расход"), ("- ", "-"), ("収/支", "収支"), ("_x_", "x"),
])
def test_the_key_keeps_letters_of_every_script(token, expected):
    assert key(token) == expected


@pytest.mark.parametrize("token, sign", [
    ("支出", -1.0), ("收入", 1.0),            # WeChat / Alipay 收/支 column
    ("借", -1.0), ("贷", 1.0), ("貸方", 1.0),  # Chinese/Japanese book-keeping sides
    ("出金", -1.0), ("入金", 1.0),            # Japanese bank statements
    ("Расход", -1.0), ("Приход", 1.0), ("Terhelés", -1.0), ("Jóváírás", 1.0),
    ("Uttag", -1.0), ("Insättning", 1.0), ("Borç", -1.0), ("Alacak", 1.0),
    ("مدين", -1.0), ("دائن", 1.0),
])
def test_known_words_of_other_languages_say_their_side(token, sign):
    assert word_sign(token) == sign
    assert column_word_sign(token) == sign


@pytest.mark.parametrize("token", [
    "支出金额",   # a longer word that contains one: exact words only
    "收",         # one character of the pair alone is no word here
    "中性交易",   # WeChat's neutral line: neither side
    "出",
    "€", "",
])
def test_words_that_are_not_exactly_a_direction_say_nothing(token):
    assert word_sign(token) is None
    assert column_word_sign(token) is None


@pytest.mark.parametrize(("token", "expected"), [("Außen", "aussen"), ("GROẞ", "gross"),
                                                 ("Soll", "soll")])
def test_the_key_writes_a_sharp_s_as_two_lowercase_s(token, expected):
    assert key(token) == expected


@pytest.mark.parametrize("value, sign", [
    ("借 Dr", -1.0), ("贷 Cr", 1.0), ("Debit  Soll", -1.0),   # each word the same side
    ("借 Cr", None),                                         # words of both sides
    ("借 Xyz", None), ("Debit card", None),                  # one unknown word
    ("借", -1.0), ("Cr", 1.0),                               # one word as before
])
def test_a_direction_value_in_two_languages_names_the_side_both_words_name(value, sign):
    from titans_finance.core.direction_words import column_word_sign, word_sign
    assert column_word_sign(value) == sign
    if " " in value:  # never as a mark written with an amount
        assert word_sign(value) is None
