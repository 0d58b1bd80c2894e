"""A user's statement wording: the words their bank writes on most lines of an account.

A bank or card statement writes its channel on every line before the merchant ("MOBILE
PURCHASE SIGN BASED 06/12 … CAMPUS MARKET", "POS PURCHASE … * 12 OCT"). Each bank has
its own wording, and no knowledge lists them all: read as content, a channel word decides
for the merchant ("mobile" is a phone, electronics, on every line of a debit card; the
merchant then stays unanswered between electronics and what it sells). A word on at least
a share of an account's distinct descriptions cannot say what any one of them bought,
whatever it means elsewhere.

`StatementWording` learns those words at training, from the user's own lines (labels not
read: every line of the export counts), account by account (a card and a current account
word their lines otherwise; data without an account column is one account), and is kept
with the fitted default model (`with_statement_wording`): the default model then reads
every line without them (`read`), whoever scores it — pipeline, app or service — and
whatever else is in the batch. What one account's wording holds is taken out of every line
the model reads: a line's reading depends on its text alone (a request need not name its
account, and another tenant's accounts are named otherwise; `serving.tenants`).
"""

from __future__ import annotations

import copy
import functools
import re
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from titans_finance.models.category.taxonomy import category_text

_WORD = re.compile(r"[^\W\d_]{2,}")


def _description(line: str) -> str:
    """The description part of a `category_text` line (``description | merchant``)."""
    return line.split(" | ", 1)[0]


def wording_of(lines: np.ndarray, share: float, min_lines: int) -> frozenset[str]:
    """The words (two letters or more) on at least ``share`` of the distinct descriptions of
    ``lines`` (`category_text` lines of one account), when there are at least ``min_lines``
    distinct descriptions; else none (a merchant bought often could fill half of a handful
    of lines)."""
    if not 0 < share <= 1:
        raise ValueError(f"statement wording: share must be in (0, 1], got {share}")
    distinct = pd.unique(np.fromiter((_description(str(t)) for t in lines), dtype=object,
                                     count=len(lines)))
    if len(distinct) < min_lines:
        return frozenset()
    counts = Counter(w for line in distinct for w in set(_WORD.findall(line)))
    return frozenset(w for w, k in counts.items() if k >= share * len(distinct))


def without_wording(lines: np.ndarray, wording: frozenset[str]) -> np.ndarray:
    """``lines`` with the words of ``wording`` taken out (whole words, both parts of the
    line). A line whose description would keep no word of two letters is left whole: a
    line that is only wording ("POS PURCHASE") says no less with it."""
    if not wording:
        return lines
    pattern = _pattern(wording)
    out = np.empty(len(lines), dtype=object)
    done: dict[Any, Any] = {}
    for i, line in enumerate(lines.tolist()):
        read = done.get(line)
        if read is None:
            if type(line) is str:
                kept = " ".join(pattern.sub(" ", line).split())
                read = kept if _WORD.search(_description(kept)) else line
            else:  # not a text (a missing line): as it came
                read = line
            done[line] = read
        out[i] = read
    return out


@functools.lru_cache(maxsize=64)
def _pattern(wording: frozenset[str]) -> re.Pattern:
    """The words of ``wording`` as whole words (built once per set: a request reads them)."""
    return re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(wording))) + r")\b")


class StatementWording:
    """Words on at least ``share`` of an account's distinct descriptions, for accounts of at
    least ``min_lines`` of them (`wording_of`), learnt by `fit`; `read` takes the words of
    every account out of lines. ``share`` and ``min_lines``: ``category.statement_wording``
    of conf/base/parameters_category.yml, stored as given and checked by `fit`."""

    def __init__(self, share: float, min_lines: int):
        self.share = share
        self.min_lines = min_lines
        self.by_account: dict[str, tuple[str, ...]] = {}
        self.words: frozenset[str] = frozenset()

    def fit(self, descriptions: Any, accounts: Any = None) -> StatementWording:
        """``descriptions``: the user's lines as exported (every line, labelled or not);
        ``accounts``: each line's account (None: all one account)."""
        share, min_lines = float(self.share), int(self.min_lines)
        if min_lines < 1:
            raise ValueError(f"statement wording: min_lines must be at least 1, got {min_lines}")
        descriptions = np.asarray(descriptions, dtype=object)
        lines = category_text(descriptions, np.full(len(descriptions), "__none__", dtype=object))
        accounts = (np.full(len(lines), "", dtype=object) if accounts is None
                    else np.asarray(accounts, dtype=object))
        if len(accounts) != len(lines):
            raise ValueError(f"statement wording: {len(accounts)} accounts for {len(lines)} "
                             "descriptions")
        keys = pd.Series(accounts).astype(str).to_numpy()
        self.by_account = {}
        for account in sorted(set(keys.tolist())):
            words = wording_of(lines[keys == account], share, min_lines)
            if words:
                self.by_account[account] = tuple(sorted(words))
        self.words = frozenset(w for words in self.by_account.values() for w in words)
        return self

    def read(self, lines: np.ndarray) -> np.ndarray:
        """``lines`` (`category_text` lines) as the default model reads them: without the
        learnt words (`without_wording`), each line by its text alone."""
        return without_wording(lines, self.words)


def with_statement_wording(default_model: Any, descriptions: Any, accounts: Any,
                           params: dict[str, Any]) -> Any:
    """A copy of ``default_model`` (the knowledge model, unchanged) that reads lines without
    the statement wording learnt from the user's ``descriptions`` by ``accounts`` (``params``:
    ``category.statement_wording``: ``share``, ``min_lines``). Its metadata lists the words
    by account (metrics_category.json shows what was taken out)."""
    missing = [name for name in ("share", "min_lines") if name not in params]
    if missing:
        raise ValueError(f"statement wording: missing {', '.join(missing)} (the values of "
                         "category.statement_wording in conf/base/parameters_category.yml)")
    wording = StatementWording(params["share"], params["min_lines"]).fit(descriptions, accounts)
    model = copy.copy(default_model)
    model.statement_wording = wording
    model.metadata = {**default_model.metadata,
                      "statement_wording": {k: list(v) for k, v in wording.by_account.items()}}
    return model
