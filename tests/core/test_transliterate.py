"""Latin tokens for enum values of other scripts (core/transliterate.py, used by
`normalise.snake_token`): the clean table's schema accepts them, distinct stays distinct."""

from __future__ import annotations

import pandas as pd

from titans_finance.core.normalise import snake_token
from titans_finance.core.transliterate import latin


def test_cyrillic_greek_and_other_scripts_become_latin_tokens():
    assert latin("Исполнено") == "ispolneno" and latin("Ёлка") == "elka"
    assert latin("Τρόφιμα") == "trofima"
    assert latin("中文") == " u4e2d  u6587 "
    assert latin("Credit Card") == "credit card"  # ASCII as it is, lowercased


def test_snake_tokens_of_other_scripts_fit_the_schema_and_latin_ones_do_not_change():
    tokens = snake_token(pd.Series(["Исполнено", "В обработке", "中文", "Credit Card", "???",
                                    "Zahlung ok", None]))
    assert tokens.tolist()[:6] == ["ispolneno", "v_obrabotke", "u4e2d_u6587", "credit_card",
                                   "???", "zahlung_ok"]
    assert pd.isna(tokens.iloc[6])
    assert tokens.iloc[:4].str.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*").all()


def test_accented_latin_words_keep_their_letters_in_tokens():
    tokens = snake_token(pd.Series(["Débit", "Crédit", "Überweisung", "Straße", "Øre",
                                    "Opłata", "Debit", "€"]))
    assert tokens.tolist() == ["debit", "credit", "uberweisung", "strasse", "ore", "oplata",
                               "debit", "€"]


def test_one_non_ascii_letter_is_enough_and_ascii_values_are_left_alone():
    # the boundary: a value with a single letter beyond ASCII goes through `latin`, the
    # plain ASCII value beside it keeps its own spelling (lowercased only)
    tokens = snake_token(pd.Series(["Cafe Bar", "Café Bar", "CAFÉ-BAR"]))
    assert tokens.tolist() == ["cafe_bar", "cafe_bar", "cafe_bar"]
    assert latin("ß") == "ss" and latin("æ") == "ae" and latin("ı") == "i"
