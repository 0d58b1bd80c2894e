"""Regexes over text columns read ``\\w``, ``\\b`` and ``\\s`` as Python does, in every
script, also on pandas' arrow-backed string dtype (whose RE2 engine reads them as ASCII
only); rows of ASCII text keep the arrow engine."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from titans_finance.core.unicode_regex import str_call

# text of five scripts, each with a word of letters outside ASCII
SCRIPTS = {
    "chinese": "微信支付 消费",
    "cyrillic": "Кафе Пушкин",
    "greek": "Καφέ Αθήνα",
    "accented latin": "Grand Café Crème",
    "japanese": "スーパー 購入",
}


def _arrow(values) -> pd.Series:
    return pd.Series(values, dtype="string[pyarrow]")


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_letter_is_a_word_character(script):
    text = SCRIPTS[script]
    letters = sum(c.isalpha() for c in text)
    assert str_call(_arrow([text]), "count", r"[^\W\d_]").tolist() == [letters]
    assert str_call(_arrow([text]), "fullmatch", r"\w+(?:\s\w+)+").tolist() == [True]


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_word_boundary_stands_before_and_after_every_word(script):
    word = SCRIPTS[script].split()[-1]
    pattern = re.compile(r"\b" + re.escape(word.lower()) + r"\b", re.IGNORECASE)
    hits = str_call(_arrow([SCRIPTS[script], word + "x", "abc", None]), "contains", pattern,
                    na=False)
    assert hits.tolist() == [True, False, False, False]


@pytest.mark.parametrize("space", ["\u00a0", "\u3000", "\u202f"])
def test_no_break_and_ideographic_spaces_are_whitespace(space):
    replaced = str_call(_arrow([f"微信{space}{space}支付", "a  b", None]), "replace", r"\s+", " ",
                        regex=True)
    assert replaced.tolist()[:2] == ["微信 支付", "a b"] and pd.isna(replaced.iloc[2])


def test_ascii_rows_and_object_columns_read_alike():
    values = ["Grand Café", "Cafe Rouge", "КАФЕ", None]
    pattern = re.compile(r"\bcaf\w\b", re.IGNORECASE)
    arrow = str_call(_arrow(values), "contains", pattern, na=False).tolist()
    plain = str_call(pd.Series(values, dtype=object), "contains", pattern, na=False).tolist()
    assert arrow == plain == [True, True, False, False]
