"""Latin letters for words written in another script, so that a value of an enum column
(status, category, type, payment method) becomes a token the clean table accepts
(``^[a-z0-9]+(_[a-z0-9]+)*$``) instead of failing its schema: ``Исполнено`` → ``ispolneno``,
``Τρόφιμα`` → ``trofima``. Cyrillic and Greek by their usual romanisation; a letter of
any other script by its code point (``中`` → ``u4e2d``), so distinct values stay distinct.
Accents are dropped first (``é`` → ``e``); Latin letters that have no accent to drop
(``ß``, ``ø``, ``æ``, ``ł``) by their usual spelling. Plain module."""

from __future__ import annotations

import unicodedata

_CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґўђјљњћџ",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p",
     "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
     "i", "i", "ye", "g", "u", "dj", "j", "lj", "nj", "c", "dz"]))
_GREEK = dict(zip("αβγδεζηθικλμνξοπρσςτυφχψω",
                  ["a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o",
                   "p", "r", "s", "s", "t", "y", "f", "ch", "ps", "o"]))
# Latin letters NFKD leaves whole (no base letter plus accent)
_LATIN = {"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d", "ð": "d",
          "þ": "th", "ı": "i", "ŋ": "ng"}


def latin(text: str) -> str:
    """``text`` lowercased, in Latin letters (module docstring); ASCII stays as it is."""
    lowered = str(text).lower()
    # (й and ё keep their letter: decompose only what is no Cyrillic letter of the table)
    out = []
    for char in lowered:
        if char in _CYRILLIC or char in _LATIN:
            out.append(_CYRILLIC.get(char) or _LATIN[char])
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char)
                       if not unicodedata.combining(c))
        for c in base:
            if c.isascii() or not c.isalnum():
                out.append(c)
            elif c in _GREEK:
                out.append(_GREEK[c])
            else:
                out.append(f" u{ord(c):x} ")
    return "".join(out)
