"""The merchant of a card or bank descriptor: the words and numbers that are its name.

A descriptor is the name as the merchant's terminal sends it, wrapped in what banks and
payment processors add around it: a processor's prefix (``SQ *``, ``TST*``, ``PAYPAL *``),
the bank's words (``PURCHASE AUTHORIZED ON 01/02``, ``CHECKCARD 0105``), an order id after
a ``*`` (``AMZN Mktp US*2K4TR``), then a store number, a phone number, a web address, a
date, a masked card number, the city and the state or country. The name is what comes
first: it is read up to the first store-number-like token, so ``99 RANCH #1769`` is
``99 ranch``, ``7-ELEVEN 19235`` is ``7-eleven``, ``SHELL OIL 57444 HOUSTON TX`` is
``shell oil`` and ``Amazon.com`` stays ``amazon.com``. HTML entities are decoded
(``A&amp;A GAS`` is ``a&a gas``).

One function for every caller (features, cash-flow, the service), computed once per
distinct description (a million-row export has a few hundred thousand) and remembered
within a bound on the bytes held (`core.bounded_memo`): descriptions come from clients in
the service, and a memo counted in entries (2**19 of them) could hold ~400 MB of
500-character descriptions. The service sets its own, smaller bound
(`bound_description_memo`, ``TITANS_TEXT_MEMO_BYTES``).
"""

from __future__ import annotations

import html
import re

from titans_finance.core.bounded_memo import MiB, BoundedMemo

MAX_WORDS = 3
# Processors and wallets that write ``PREFIX *MERCHANT``: the merchant follows.
_PROCESSOR = re.compile(
    r"^(?:sq|tst|sp|pp|paypal|pos|dd|ach|chk|debit|purchase|cko|ic|in|sumup|ztl|iz|izettle|"
    r"zettle|wpy|bt|py|fs|gg|eb|ls|clv|bkg|google|goog|apl|applepay|apple pay|2co|"
    r"paddle\.net|stripe|skr|smp|sq\s?\*\s?sq)\s*\*\s*")
# Words banks put before the descriptor (with the day and card digits they carry).
_BANK_WORDS = re.compile(
    r"^(?:(?:recurring )?(?:purchase|payment) authorized on \d{1,2}/\d{1,2}|"
    r"checkcard \d{4}|check card \d{4}|dbt crd \d+(?: \d{1,2}/\d{1,2})?|"
    r"(?:pos|debit card|debit|visa|card|contactless|point of sale) "
    r"(?:purchase|debit|payment|transaction|withdrawal)(?: with pin)?|pos|"
    r"ach (?:debit|credit)|pre-?authorized debit|\d{1,2}/\d{1,2}(?:/\d{2,4})?)\s+")
_DOMAIN = re.compile(r"^([\w-]+(?:\.[\w-]+)*\.(?:com|net|org|co|io|app|tv|me|de|uk|fr|nl|ca|"
                     r"us|eu|au|es|it|ch|at|be|se|no|dk|pl|lt|ie))(?:/\S*)?$")
# A token that ends the name: a store or reference number (#1769, 19235, T-1234, S384002),
# a phone number, a date, a masked card number.
_AFTER_NAME = re.compile(
    r"^(?:#\S*|no\.?\d+|[a-z]{0,2}-?\d{3,}\S*|\d+[-/.]\d+\S*|x{2,}\d*|\*{2,}\d*|\d{5,})$")
_LEADING_NUMBER = re.compile(r"^\d{3,}$")
_REGIONS = frozenset(
    "al ak az ar ca co ct de dc fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh "
    "nj nm ny nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy ab bc mb nb nl ns on pe qc "
    "sk us usa gb uk".split())
_NOT_IN_WORD = re.compile(r"[^\w&'./\-]+")
_EDGES = "-.'&_/"


# The merchant keys of the descriptions seen, for the pipelines: ~300k distinct
# descriptions of a million-row export (~250 bytes each) are computed once for the
# features and the history state both.
DESCRIPTION_MEMO_BYTES = 128 * MiB
_DESCRIPTION_MERCHANTS = BoundedMemo(DESCRIPTION_MEMO_BYTES)


def bound_description_memo(max_bytes: int) -> None:
    """At most ``max_bytes`` of remembered merchant keys in this process from now on."""
    _DESCRIPTION_MERCHANTS.resize(max_bytes)


def merchant_from_description(description: str) -> str:
    """The merchant key of a descriptor (see the module docstring); "" when none."""
    return _DESCRIPTION_MERCHANTS.get(description, _merchant_from_description)


def merchants_from_descriptions(descriptions: list[str]) -> list[str]:
    """`merchant_from_description` of each (the remembered ones read in one pass)."""
    return _DESCRIPTION_MERCHANTS.get_all(descriptions, _merchant_from_description)


def _merchant_from_description(description: str) -> str:
    text = html.unescape(description).lower().strip() if "&" in description else (
        description.lower().strip())
    for _ in range(3):  # a processor inside the bank's words, or the other way round
        stripped = _PROCESSOR.sub("", _BANK_WORDS.sub("", text))
        if stripped == text:
            break
        text = stripped
    if "*" in text.strip("*"):
        text = text.strip("*").split("*", 1)[0]  # NAME*ORDER-ID: the rest is a reference
    words: list[str] = []
    for position, raw in enumerate(_NOT_IN_WORD.sub(" ", text).split()):
        token = raw if raw == "&" else raw.strip(_EDGES)  # BARNES & NOBLE
        if not token:
            continue
        domain = _DOMAIN.match(token)  # a web address, with a path or not (APPLE.COM/BILL)
        if position == 0 and _LEADING_NUMBER.match(token):
            continue  # a store or terminal number before the name
        if words and (domain or _AFTER_NAME.match(token)):
            break
        if not words and _AFTER_NAME.match(token) and not domain:
            continue
        words.append(domain.group(1) if domain else token)
        if len(words) == MAX_WORDS:
            break
    while len(words) > 1 and (words[-1] in _REGIONS or words[-1] == "&"):
        words.pop()  # the state or country after the name
    return " ".join(words)


def merchant_from_reference(reference: str) -> str:
    """A payee or counterparty written in a column of its own is the name as the user or
    the bank wrote it, numbers included (``Shop 4711`` is not ``Shop 4712``): lowercased,
    entities decoded, punctuation between words dropped (``Amazon.com`` stays one word)."""
    text = html.unescape(reference) if "&" in reference else reference
    words = (token if token == "&" else token.strip(_EDGES)
             for token in _NOT_IN_WORD.sub(" ", text.lower()).split())
    return " ".join(word for word in words if word)
