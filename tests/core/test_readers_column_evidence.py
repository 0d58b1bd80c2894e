"""Column evidence reads values of every script: a month-first date whose month name has a
letter outside ASCII (``Déc. 12, 2023``) is date-shaped like ``Dec. 12, 2023``."""

from __future__ import annotations

import pandas as pd
import pytest

from titans_finance.core.readers.column_evidence import PARSE_RATE, column_evidence


@pytest.mark.parametrize("values", [
    ["Déc. 12, 2023", "Févr. 3, 2024", "Déc. 20, 2023", "Août 1, 2024"],
    ["Dec. 12, 2023", "Feb. 3, 2024", "Dec. 20, 2023", "Aug. 1, 2024"],
])
def test_month_first_dates_are_dates_whatever_the_month_names_letters(values):
    assert column_evidence(pd.Series(values, dtype="str"))["date_rate"] >= PARSE_RATE


@pytest.mark.parametrize("text", ["微信支付 消费", "Кафе Пушкин", "Καφέ Αθήνα", "スーパー 購入"])
def test_text_of_other_scripts_is_text(text):
    assert column_evidence(pd.Series([text] * 3, dtype="str"))["text_rate"] == 1.0
