"""Words that name a company's legal form or trade, not what it sells: no category evidence.

"Ltd", "GmbH", "S.A.", "trading" appear in the names of chains of every kind, and a model
that learns them learns whichever category has the most such names in its knowledge (the
transit operators' legal names: the made-up "ZX TRADING LTD 884422" was answered public
transport). The default model reads its lines without them, at training and in the
service, through `CompanyWords.drop` (one code path: `default.DefaultCategoryModel`'s
design). The words come from `conf/base/knowledge/company_words.csv`, built by
`knowledge.build_company_words` from cleanco's legal-form terms.

A line is split on white space; a word is dropped when it, or it without a trailing "."
or "," or with the last dot of an abbreviation ("s.a"), is one of the words, whole: a word
that merely contains one ("ltdx", "coltd") is kept. Plain module: no Kedro import.
"""

from __future__ import annotations

from collections.abc import Iterable

import re

import numpy as np
import pandas as pd

# a word as `category_text` writes lines: two letters or more
_WORD = re.compile(r"[^\W\d_]{2,}")


class CompanyWords:
    """The words a line is read without (given in lower case; a line's in any case)."""

    def __init__(self, words: Iterable[str]):
        self.words = frozenset(words)
        bad = sorted(w for w in self.words if not w or w != w.strip().lower() or " " in w)
        if bad:
            raise ValueError(f"company words must be single lower-case words: {bad[:5]}")

    def is_company_word(self, word: str) -> bool:
        """``word`` (in any case: the knowledge's lines are written as banks print them),
        without a trailing "." or "," or with its last dot ("s.a" of "s.a."), is one of the
        words."""
        words, word = self.words, word.lower()
        return word in words or word.rstrip(".,") in words or f"{word}." in words

    def line(self, text: str) -> str:
        """``text`` without its company words (white space runs as one space)."""
        return " ".join(w for w in text.split() if not self.is_company_word(w))

    def drop(self, lines: np.ndarray) -> np.ndarray:
        """Each line without its company words (a non-text value is kept as it is)."""
        line, read = self.line, {}
        out = np.empty(len(lines), dtype=object)
        for i, text in enumerate(lines):  # each distinct line once: a batch's lines repeat
            if isinstance(text, str):
                found = read.get(text)
                out[i] = read[text] = line(text) if found is None else found
            else:
                out[i] = text
        return out

    @staticmethod
    def kept(lines: np.ndarray, read: np.ndarray) -> np.ndarray:
        """Which training lines to learn from: not those ``drop`` left without a word of
        their own ("ltd" alone, a transit operator's web name, says nothing once read
        without its legal form). A line that had no word before is kept as it was."""
        return np.array([bool(_WORD.search(r)) or not _WORD.search(o)
                         for o, r in zip(lines.tolist(), read.tolist(), strict=True)],
                        dtype=bool)


def company_words(table: pd.DataFrame) -> CompanyWords:
    """The words of ``table`` (conf/base/knowledge/company_words.csv: ``word,kind,source``)."""
    if "word" not in table.columns:
        raise ValueError("company_words.csv has no 'word' column "
                         f"(columns: {list(table.columns)})")
    return CompanyWords(table["word"].astype(str))
