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


def key(token: str) -> str:
    """Accent-free lowercase letters and digits of a token, of any script (``Débit.`` →
    ``debit``, ``支出`` stays ``支出``); the marks ``+`` and ``-`` stay themselves."""
    stripped = str(token).strip()
    if stripped in ("+", "-"):
        return stripped
    text = unicodedata.normalize("NFKD", stripped)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("ß", "ss")
    return re.sub(r"[\W_]", "", text)


DEBIT_WORDS = frozenset(key(word) for word in {
    "d", "dr", "db", "deb", "debit", "debet", "dbit", "dt", "s", "soll", "af", "cargo",
    "debito", "addebito", "lastschrift", "belastung", "out", "expense", "withdrawal", "rc",
    "uit", "debitering", "obciazenie", "debetas", "outflow", "-",
    # other scripts and languages (stored by their key: accents and marks dropped, letters
    # of every script kept): zh 支出 (expenditure), 借/借方 (debit side); ja 出金
    # (withdrawal), 支払 (payment); ru расход/дебет; bg разход/дебит; hu terhelés; sv uttag;
    # tr borç; ar مدين
    "支出", "借", "借方", "出金", "支払", "расход", "дебет", "разход", "дебит", "terhelés",
    "uttag", "borç", "مدين",
})
CREDIT_WORDS = frozenset(key(word) for word in {
    "c", "cr", "cred", "credit", "crdt", "k", "kt", "kredit", "kreditas", "h", "haben",
    "bij", "abono", "credito", "accredito", "gutschrift", "in", "income", "deposit", "rd",
    "creditering", "uznanie", "inflow", "+",
    # zh 收入 (income), 贷/貸/贷方/貸方 (credit side); ja 入金 (deposit); ru приход/кредит;
    # hu jóváírás; sv insättning; tr alacak; ar دائن (creditor)
    "收入", "贷", "貸", "贷方", "貸方", "入金", "приход", "кредит", "jóváírás", "insättning",
    "alacak", "دائن",
})
# Letters that say out and in only as the values of a direction column (``O``/``I``: the
# "Inflow or Outflow Indicator" of some exports), never as a mark written with an amount
# (``12,5O`` is a mistyped zero, not money out).
COLUMN_ONLY_WORDS = {"o": -1.0, "i": 1.0}


def word_sign(token: str) -> float | None:
    """-1 (money out) or +1 (money in) for a direction word or mark, else None."""
    k = key(token)
    return -1.0 if k in DEBIT_WORDS else 1.0 if k in CREDIT_WORDS else None


def column_word_sign(token: str) -> float | None:
    """`word_sign` for the value of a direction column, which may also be ``O``/``I``, or
    several words apart by spaces that each name the same side (a value written in two
    languages: ``借 Dr``, ``贷 Cr``, ``Debit Soll``); one unknown word, or words of both
    sides, name none."""
    sign = word_sign(token)
    words = str(token).split()
    if sign is None and len(words) >= 2:
        signs = {word_sign(word) for word in words}
        sign = signs.pop() if len(signs) == 1 else None
    return sign if sign is not None else COLUMN_ONLY_WORDS.get(key(token))
