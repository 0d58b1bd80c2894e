"""Words and marks that say money out (debit) or money in (credit), in any language.

Used twice: a mark written with an amount (``1200.00DR``, ``12,50 S``, ``5Bij``, ``D 12.00``)
and the values of a debit/credit column (`readers.column_evidence`). Compared after
`key` (accents, case, punctuation and a trailing dot removed). Exact words only: a token
that is none of these is decided by the balance, by the other value of a two-valued column,
or by the user, never by resemblance.
"""

from __future__ import annotations

import re
import unicodedata

DEBIT_WORDS = frozenset({
    "d", "dr", "db", "deb", "debit", "debet", "dbit", "dt", "s", "soll", "af", "cargo",
    "debito", "addebito", "lastschrift", "belastung", "out", "expense", "withdrawal", "rc",
    "uit", "debitering", "obciazenie", "debetas", "outflow", "-",
})
CREDIT_WORDS = frozenset({
    "c", "cr", "cred", "credit", "crdt", "k", "kt", "kredit", "kreditas", "h", "haben",
    "bij", "abono", "credito", "accredito", "gutschrift", "in", "income", "deposit", "rd",
    "creditering", "uznanie", "inflow", "+",
})
# Letters that say out and in only as the values of a direction column (``O``/``I``: the
# "Inflow or Outflow Indicator" of some exports), never as a mark written with an amount
# (``12,5O`` is a mistyped zero, not money out).
COLUMN_ONLY_WORDS = {"o": -1.0, "i": 1.0}


def key(token: str) -> str:
    """Accent-free lowercase letters and digits of a token (``Débit.`` → ``debit``); the
    marks ``+`` and ``-`` stay themselves."""
    stripped = str(token).strip()
    if stripped in ("+", "-"):
        return stripped
    text = unicodedata.normalize("NFKD", stripped)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("ß", "ss")
    return re.sub(r"[^a-z0-9]", "", text)


def word_sign(token: str) -> float | None:
    """-1 (money out) or +1 (money in) for a direction word or mark, else None."""
    k = key(token)
    return -1.0 if k in DEBIT_WORDS else 1.0 if k in CREDIT_WORDS else None


def column_word_sign(token: str) -> float | None:
    """`word_sign` for the value of a direction column, which may also be ``O``/``I``."""
    sign = word_sign(token)
    return sign if sign is not None else COLUMN_ONLY_WORDS.get(key(token))
