import pandas as pd

from titans_finance.core.feature_text import normalise_merchant
from titans_finance.reporting.merchants import merchant_names


def test_merchants_keep_the_case_the_export_writes():
    descriptions = pd.Series(["SQ *STARBUCKS 9825", "SQ *STARBUCKS 0412", "Starbucks",
                              "SHELL OIL 57444 HOUSTON TX", "Office Rent", "iCloud storage"])
    references = pd.Series(["", "", "", "", "Property Management", ""])
    keys = normalise_merchant(descriptions, references)
    names = merchant_names(keys, descriptions, references)
    assert names[keys[0]] == "STARBUCKS"  # its most frequent spelling
    assert names[keys[3]] == "SHELL OIL"
    assert names["property management"] == "Property Management"
    assert names[keys[5]].startswith("iCloud")
