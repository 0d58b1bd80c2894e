"""Company words are built by rule from cleanco's terms (read as data, never run) and the
project's trade words: single words of at least three letters or written with a dot, none
the lexicon names as a keyword."""

import pytest

from titans_finance.knowledge.build_company_words import (
    company_words_table,
    legal_forms,
    lexicon_keywords,
    trade_words,
)

TERMDATA = '''terms_by_type = {
   'Limited': ['pty. ltd.', 'Ltd', 'ag', 'ohg', 's.a.', 'vat', 'kg.'],
}

terms_by_country = {
   'Austria': ['gmbh', 'e.u.', 'og'],
}
'''


def test_single_words_of_three_letters_or_a_dot_are_kept():
    assert legal_forms(TERMDATA, frozenset()) == ["e.u.", "gmbh", "kg.", "ltd", "ohg", "s.a.",
                                                  "vat"]


def test_two_bare_letters_and_phrases_are_not_kept():
    kept = legal_forms(TERMDATA, frozenset())
    assert "ag" not in kept and "og" not in kept and "pty. ltd." not in kept


def test_a_keyword_of_the_lexicon_stays_evidence():
    assert "vat" not in legal_forms(TERMDATA, frozenset({"vat", "income tax"}))


def test_termdata_without_its_tables_is_refused():
    with pytest.raises(ValueError, match="terms_by_country"):
        legal_forms("terms_by_type = {'Limited': ['ltd']}\n", frozenset())


def test_the_table_names_each_word_once_with_its_source():
    table = company_words_table(TERMDATA, ["trading", "ltd"], frozenset({"vat"}), "2.3")
    assert list(table.columns) == ["word", "kind", "source"]
    assert table["word"].is_unique and table["word"].is_monotonic_increasing
    rows = table.set_index("word")
    assert tuple(rows.loc["ltd"]) == ("legal_form", "cleanco:2.3")
    assert tuple(rows.loc["trading"]) == ("trade", "titans-finance")


def test_trade_words_and_keywords_are_read_or_refused():
    assert trade_words({"trade_words": ["Trading ", "holdings"]}, "t.yml") == ["holdings",
                                                                             "trading"]
    with pytest.raises(ValueError, match="t.yml: 'trade_words' must be a list of words"):
        trade_words({"trade_words": "trading"}, "t.yml")
    assert lexicon_keywords({"keywords": {"taxes": ["VAT", "income tax"]}}, "l.yml") == \
        frozenset({"vat", "income tax"})
    with pytest.raises(ValueError, match="l.yml: no 'keywords'"):
        lexicon_keywords({}, "l.yml")


def test_the_shipped_file_is_the_pinned_cleanco_with_its_licence():
    """company_words.csv names the cleanco version the Makefile pins, ships its notice, keeps
    the lexicon's keywords as evidence and holds only single lower-case words."""
    import re
    from pathlib import Path

    import pandas as pd
    import yaml

    from titans_finance.models.category.company_words import company_words

    root = Path(__file__).resolve().parents[2]
    knowledge = root / "conf/base/knowledge"
    table = pd.read_csv(knowledge / "company_words.csv", dtype=str, keep_default_na=False)
    pinned = re.search(r"^CLEANCO_VERSION := (\S+)$", (root / "Makefile").read_text(), re.M)
    legal = table[table["kind"] == "legal_form"]
    assert len(legal) and set(legal["source"]) == {f"cleanco:{pinned.group(1)}"}
    assert "MIT" in (knowledge / "LICENSE-cleanco.md").read_text()
    keywords = lexicon_keywords(yaml.safe_load((root / "conf/base/category_lexicon.yml")
                                               .read_text()), "category_lexicon.yml")
    assert keywords.isdisjoint(legal["word"]) and {"ltd", "gmbh", "trading"} <= set(table["word"])
    company_words(table)  # single lower-case words, or it raises
