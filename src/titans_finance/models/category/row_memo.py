"""A model's rows of numbers remembered by the text they were computed from, across calls.

The lines of bank exports repeat from one request to the next (a customer's merchants, the
card wording of their bank), and what the category models compute from a line alone is
the same every time, to the bit (every step row by row): the default model's probabilities
of a line and direction (its n-grams, the product with ~50 categories' coefficients, the
temperature, the direction mask: ~4 ms of a 1,000-line batch of ~300 distinct lines when
they are all known), the personal model's weighted n-gram columns of a line (~2.5 ms),
the share of a line's words the personal model knows (`CategoryModel.familiar`).

Each model object has its own memo (a model reloaded starts empty: never another
version's numbers), bounded by the bytes it holds (`core.bounded_memo`: keys are texts a
client sends; past the cap the older half is forgotten) — ``ROW_MEMO_BYTES``, which the
service sets from ``TITANS_TEXT_MEMO_BYTES`` (`bound_row_memos`). Only texts (``str``)
are remembered: another value is computed every time.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from titans_finance.core.bounded_memo import MiB, BoundedMemo

ROW_MEMO_BYTES = 8 * MiB

_MEMOS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_CREATING = threading.Lock()


def bound_row_memos(max_bytes: int) -> None:
    """At most ``max_bytes`` per model's memo in this process from now on (the memos of
    the models loaded so far and of those to come)."""
    global ROW_MEMO_BYTES
    BoundedMemo(max_bytes)  # a cap every memo refuses (below 1 byte) changes nothing
    with _CREATING:
        ROW_MEMO_BYTES = max_bytes
        for memo in list(_MEMOS.values()):
            memo.resize(max_bytes)


def forget_rows(owner: Any) -> None:
    """Forget ``owner``'s rows (a model fitted again computes other numbers)."""
    found = _MEMOS.get(owner)
    if found is not None:
        found.clear()


def memo_of(owner: Any) -> BoundedMemo:
    """``owner``'s memo (created on first use; forgotten with ``owner``)."""
    found = _MEMOS.get(owner)
    if found is not None:
        return found
    with _CREATING:
        return _MEMOS.setdefault(owner, BoundedMemo(ROW_MEMO_BYTES))


def remembered(owner: Any, keys: list[Any], compute: Callable[[np.ndarray], Any]
               ) -> list[np.ndarray]:
    """The value of each of ``keys`` (a numpy array each), from ``owner``'s memo when the
    key was seen, else from ``compute(positions)`` (the positions of the keys not found,
    ascending: it answers their values in that order). A key that is not a ``str`` (None)
    is computed and not remembered."""
    memo = memo_of(owner)
    known = memo.reader()
    found = [known(key) if type(key) is str else None for key in keys]
    missing = np.fromiter((i for i, row in enumerate(found) if row is None), dtype=np.int64)
    if len(missing):
        computed = compute(missing)
        for i, row in zip(missing.tolist(), computed, strict=True):
            row = row.copy()  # its own buffer: the memo counts (and keeps) this row only
            if type(keys[i]) is str:
                memo.put(keys[i], row)
            found[i] = row
    return found


def remembered_rows(owner: Any, keys: list[Any], compute: Callable[[np.ndarray], np.ndarray]
                    ) -> np.ndarray:
    """`remembered` of rows of one width, as a matrix (row i: ``keys[i]``'s)."""
    if not keys:
        return compute(np.zeros(0, dtype=np.int64))
    return np.stack(remembered(owner, keys, compute))
