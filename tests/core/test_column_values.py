"""`clean_strings` collapses whitespace of every kind, as Python reads ``\\s``."""

from __future__ import annotations

import pandas as pd

from titans_finance.core.column_values import clean_strings


def test_no_break_and_ideographic_spaces_collapse_to_one_space():
    values = pd.Series(["微信支付\u3000\u3000消费", "Café\u00a0 Paris", "1\u202f234,50", "plain"])
    assert clean_strings(values).tolist() == ["微信支付 消费", "Café Paris", "1 234,50", "plain"]
