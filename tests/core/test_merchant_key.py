"""Merchant keys of real-world card and bank descriptors (core/merchant_key.py): the words
and numbers that are the name stay; processors' prefixes, bank words, order ids, store,
phone and card numbers, dates, web paths, cities' states and countries go."""

from __future__ import annotations

import pandas as pd
import pytest

from titans_finance.core.feature_text import normalise_merchant
from titans_finance.core.merchant_key import merchant_from_description

DESCRIPTORS = [
    # names that are or hold numbers
    ("99 RANCH #1769", "99 ranch"),
    ("7-ELEVEN 19235", "7-eleven"),
    ("7-ELEVEN 35412 SAN DIEGO CA", "7-eleven"),
    ("FOREVER 21 #123", "forever 21"),
    ("PIER 1 IMPORTS #1045", "pier 1 imports"),
    ("76 - STATION 0293", "76 station"),
    ("1-800-FLOWERS.COM", "1-800-flowers.com"),
    # web names keep their dot; a web path or a second address after the name goes
    ("Amazon.com", "amazon.com"),
    ("AMAZON.COM*MK1AB2C3 AMZN.COM/BILL WA", "amazon.com"),
    ("AMZN Mktp US*2K4TR", "amzn mktp"),
    ("APPLE.COM/BILL 866-712-7753 CA", "apple.com"),
    ("NETFLIX.COM 866-579-7172 CA", "netflix.com"),
    ("UBER *TRIP HELP.UBER.COM", "uber"),
    ("LYFT   *RIDE WED 5PM", "lyft"),
    # processors' prefixes
    ("SQ *BLUE BOTTLE 0412", "blue bottle"),
    ("SQ *BLUE BOTTLE COFFEE OAKLAND CA", "blue bottle coffee"),
    ("TST* JOES PIZZA - 123 MAIN", "joes pizza"),
    ("TST*SWEETGREEN 0071", "sweetgreen"),
    ("PAYPAL *ADOBE", "adobe"),
    ("PAYPAL *NETFLIX.COM 402-935-7733 CA", "netflix.com"),
    ("PP*EBAY ITEM 12345", "ebay item"),
    ("GOOGLE *YouTube Music", "youtube music"),
    ("IC* INSTACART", "instacart"),
    ("CKO*PATREON* MEMBERSHIP", "patreon"),
    ("DD *DOORDASH BURGERKING", "doordash burgerking"),
    ("SP * ALLBIRDS", "allbirds"),
    # bank words before the descriptor, and what comes after the name
    ("PURCHASE AUTHORIZED ON 01/02 SHELL OIL 57444 HOUSTON TX S384002 CARD 1234", "shell oil"),
    ("RECURRING PAYMENT AUTHORIZED ON 12/28 SPOTIFY USA", "spotify"),
    ("CHECKCARD 0105 STARBUCKS STORE 12345 SEATTLE WA", "starbucks store"),
    ("POS DEBIT 1234 TARGET T-1234 AUSTIN TX", "target"),
    ("POS PURCHASE WHOLEFDS MKT 10234", "wholefds mkt"),
    ("DEBIT CARD PURCHASE XXXXX1234 COSTCO WHSE #0123", "costco whse"),
    ("SHELL OIL 57444 HOUSTON TX", "shell oil"),
    ("STARBUCKS 01/02", "starbucks"),
    ("STARBUCKS SEATTLE WA 98101", "starbucks seattle"),
    ("TARGET        00012345", "target"),
    ("WAL-MART #1234", "wal-mart"),
    ("WM SUPERCENTER #5678", "wm supercenter"),
    ("MCDONALD'S F12345", "mcdonald's"),
    ("CHICK-FIL-A #02345", "chick-fil-a"),
    ("XXXX1234 STARBUCKS", "starbucks"),
    ("CVS/PHARMACY #07812", "cvs/pharmacy"),
    ("TRADER JOE S #552 QPS", "trader joe s"),
    # entities, ampersands, accents, plain names
    ("A&amp;A GAS", "a&a gas"),
    ("AT&T *PAYMENT", "at&t"),
    ("BARNES & NOBLE #2841", "barnes & noble"),
    ("CAFÉ DE FLORE PARIS", "café de flore"),
    ("Payment Thank You - Web", "payment thank you"),
    ("Office Rent", "office rent"),
    ("12345", ""),
    # a name that is a state's code on its own (Veterans Affairs) is the name, not a region
    ("VA", "va"),
    ("VA 1234", "va"),
]


@pytest.mark.parametrize("descriptor, key", DESCRIPTORS)
def test_merchant_key_of_real_world_descriptors(descriptor, key):
    assert merchant_from_description(descriptor) == key


def test_one_merchant_written_many_ways_has_one_key():
    written = ["SQ *STARBUCKS 9825", "STARBUCKS #1234 SEATTLE WA", "Starbucks",
               "CHECKCARD 0105 STARBUCKS 12345", "PURCHASE AUTHORIZED ON 01/02 STARBUCKS 0412"]
    assert {merchant_from_description(d) for d in written} == {"starbucks"}


def test_a_reference_is_the_name_as_written_and_wins():
    keys = normalise_merchant(pd.Series(["anything", "SQ *BLUE BOTTLE 0412", "12345", "x"]),
                              pd.Series(["  Whole Foods ", None, None, "Shop 4711 / A&amp;B"]))
    assert keys.tolist() == ["whole foods", "blue bottle", "__none__", "shop 4711 a&b"]
