"""A user's category rule is a Python regular expression: ``\\b`` and ``\\w`` read words of
every script (the rules run on pandas' arrow-backed strings, whose engine reads them as
ASCII only)."""

from __future__ import annotations

import pandas as pd
import pytest

from titans_finance.models.category.rules import CategoryRule, apply_rules


@pytest.mark.parametrize("pattern, description", [
    (r"\bкафе\b", "Кафе Пушкин"),
    (r"\bκαφέ\b", "Καφέ Αθήνα"),
    (r"\bcafé\b", "Grand Café Paris"),
    (r"^\w+超市", "永辉超市 上海"),
    (r"\bスーパー", "スーパー 購入"),
])
def test_a_word_rule_matches_words_of_every_script(pattern, description):
    rules = [CategoryRule(pattern=pattern, category="eating_out")]
    text = pd.Series([description, "ABC STORE"], dtype="str")
    assert apply_rules(rules, text, text).tolist() == ["eating_out", None]
