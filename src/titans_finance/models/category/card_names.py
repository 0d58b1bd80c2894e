"""A merchant's name as a card statement writes it (the default model's brand lines).

A card network carries the merchant's name in a short fixed field (22 characters at
Mastercard, 25 at Visa, the store number inside it), so a statement rarely shows a brand's
name as the brand writes it: upper case, punctuation gone ("TRADER JOE S"), short words
run together ("WHOLEFOODS"), a store number appended and the rest cut at the field's end
("SPROUTS FARMERS MAR"). `card_name` writes one such form of a name, drawn with the
caller's generator, so that the model learns what the brand's name looks like cut down,
from the brand knowledge's own names: no merchant of an export is written here.

Words are not cut to their consonants ("FOODS" → "FDS"), though statements do it: taught
so, the model read consonant pieces as brands' ("mrkt": market, groceries) and answered a
made-up code ("XQZ 4411 KT") as food (docs/evaluation.md, 2026-12-07).
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

_PUNCTUATION = re.compile(r"[^\w&\s]")
_SPACES = re.compile(r"\s+")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")
_LETTERS = re.compile(r"[^a-z]+")
# two words are run together when together they are at most this long ("wholefoods")
JOINED_MAX_LETTERS = 10
# a name cut at the field's end drops a last piece shorter than this ("sprouts farmers ma"):
# two letters are what a statement's codes look like ("XQZ 4411 KT"), and a model taught
# them as a brand's would answer every code
MIN_CUT_LETTERS = 3


def card_name(name: str, field_length: int, rng: np.random.Generator) -> str:
    """One card-statement form of ``name`` (lower case in, upper case out) at most
    ``field_length`` characters long, the store number included: punctuation dropped or
    turned to a space (each with even odds), the first two words run together with even
    odds when that stays within `JOINED_MAX_LETTERS`, a store number appended with even
    odds; then cut at the field's end, a last word cut below `MIN_CUT_LETTERS` dropped.
    Accents are dropped and words of other scripts left out (the field is ASCII); a name
    with no such word is ""."""
    if field_length < 1:
        raise ValueError(f"card_name: field_length must be at least 1, got {field_length}")
    gap = " " if rng.random() < 0.5 else ""
    # the field is ASCII: accents go ("café" → "cafe"), a word of another script goes whole
    plain = _ascii(name)
    words = [w for w in _SPACES.sub(" ", _PUNCTUATION.sub(gap, plain)).split()
             if not _NOT_ASCII.search(w)]
    if not words:
        return ""
    if (len(words) > 1 and len(words[0]) + len(words[1]) <= JOINED_MAX_LETTERS
            and rng.random() < 0.5):
        words = [words[0] + words[1], *words[2:]]
    number = f" #{int(rng.integers(1, 9999))}" if rng.random() < 0.5 else ""
    whole = " ".join(words)
    text = whole[:max(field_length - len(number), 1)].rstrip()
    if len(text) < len(whole) and " " in text:  # a last word cut short to a code's length
        head, last = text.rsplit(" ", 1)
        if len(last) < MIN_CUT_LETTERS and not whole.startswith(text + " "):
            text = head
    return (text + number).upper()


def cut_down(name: str, card: str) -> bool:
    """Whether ``card`` (a `card_name` of ``name``) writes the name's words otherwise than
    the name does: two words run together, the name cut short. Capitals, accents, a store
    number or punctuation alone do not count: the name's own line already teaches those."""
    number = card.rfind(" #")
    words = tuple(_LETTERS.sub(" ", (card[:number] if number >= 0 else card).lower()).split())
    plain = _ascii(name)
    return bool(words) and words not in {
        tuple(_LETTERS.sub(" ", _PUNCTUATION.sub(gap, plain)).split()) for gap in (" ", "")}


def _ascii(name: str) -> str:
    """``name`` in lower case without its accents."""
    plain = unicodedata.normalize("NFKD", name.lower())
    return "".join(c for c in plain if not unicodedata.combining(c))
