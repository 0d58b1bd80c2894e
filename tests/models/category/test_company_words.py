"""Company legal forms and trade words are no category evidence: a line is read without them,
whole words only, in training and serving alike (`models.category.company_words`)."""

import numpy as np
import pandas as pd
import pytest

from titans_finance.models.category.company_words import CompanyWords, company_words

WORDS = CompanyWords(["ltd", "limited", "gmbh", "s.a.", "trading"])


def test_a_made_up_company_keeps_no_known_word():
    assert WORDS.line("zx trading ltd 0 |") == "zx 0 |"


def test_a_brand_of_a_legal_form_and_a_real_word_keeps_the_real_word():
    assert WORDS.line("tesco stores ltd |") == "tesco stores |"
    assert WORDS.line("rewe markt gmbh berlin | rewe") == "rewe markt berlin | rewe"


def test_a_line_in_capitals_as_banks_print_it_is_read_the_same():
    assert WORDS.line("ZX TRADING LTD 884422") == "ZX 884422"
    assert WORDS.line("EE Limited LEEDS") == "EE LEEDS"


def test_a_legal_form_alone_leaves_nothing():
    assert WORDS.line("ltd") == ""
    assert WORDS.line("ltd |") == "|"


@pytest.mark.parametrize("word", ["ltdx", "coltd", "ltdltd", "xltd.", "gmbhs", "s.a.x", "trade"])
def test_a_word_that_merely_contains_a_legal_form_is_kept(word):
    assert WORDS.line(f"acme {word} |") == f"acme {word} |"


@pytest.mark.parametrize("word", ["ltd.", "ltd,", "s.a.", "s.a", "gmbh,"])
def test_a_legal_form_with_its_trailing_dot_or_comma_is_dropped(word):
    assert WORDS.line(f"acme {word} |") == "acme |"


def test_a_batch_keeps_its_order_and_what_is_not_text():
    lines = np.array(["a ltd", None, "a ltd", "b gmbh"], dtype=object)
    assert WORDS.drop(lines).tolist() == ["a", None, "a", "b"]


def test_training_lines_left_without_a_word_are_not_learnt():
    lines = np.array(["ltd |", "tesco ltd |", "0 |", "LTD 0 |", "ab"], dtype=object)
    kept = CompanyWords.kept(lines, WORDS.drop(lines))
    # a legal form alone: dropped; a real word left: kept; no word before either: kept as it was
    assert kept.tolist() == [False, True, True, False, True]


@pytest.mark.parametrize("bad", [["Ltd"], ["pty ltd"], [""], [" ltd"]])
def test_words_not_single_lower_case_words_are_refused(bad):
    with pytest.raises(ValueError, match="single lower-case words"):
        CompanyWords(bad)


def test_the_table_without_a_word_column_is_refused():
    with pytest.raises(ValueError, match="company_words.csv has no 'word' column"):
        company_words(pd.DataFrame({"term": ["ltd"]}))


def test_the_default_model_learns_no_legal_form(small_default_category_model):
    """The lexicon writes "ee limited", "square inc", "hifi corp": the model's words hold
    the real words and none of the shipped company words."""
    model = small_default_category_model
    assert {"limited", "inc", "corp"}.isdisjoint(model.known_words)
    assert {"square", "hifi"} <= model.known_words
    assert model.lines_read(np.array(["zx trading ltd 0 |"], dtype=object)).tolist() == ["zx 0 |"]
