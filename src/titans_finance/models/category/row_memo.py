"""What the category models compute from a line alone, remembered across calls.

The lines of bank exports repeat from one request to the next (a customer's merchants, the
card wording of their bank), and what the category models compute from a line alone is
the same every time, to the bit (every step row by row): the default model's probabilities
of a line and direction (its n-grams, the product with ~50 categories' coefficients, the
temperature, the direction mask: ~4 ms of a 1,000-line batch of ~300 distinct lines when
they are all known), the personal model's weighted n-gram columns of a line (~2.5 ms),
the share of a line's words the personal model knows (`CategoryModel.familiar`), the line
itself (`taxonomy.category_text`).

One memo for all of them, bounded by the bytes it holds (`core.bounded_memo`: keys are
texts a client sends; past the cap the older half is forgotten) — ``ROW_MEMO_BYTES``,
which the service sets from ``TITANS_TEXT_MEMO_BYTES`` (`bound_row_memos`): the worker's
memory grows by one cap, whatever the number of models and kinds of values. Each owner
(a model object) has a token of its own, never reused, at the head of its keys: a model
reloaded or fitted again (`forget_rows`) never reads another's numbers. Only texts
(``str``) are remembered: another value is computed every time.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from titans_finance.core.bounded_memo import MiB, BoundedMemo

ROW_MEMO_BYTES = 8 * MiB

_MEMO = BoundedMemo(ROW_MEMO_BYTES)
_TOKENS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_NUMBERS = itertools.count()
_CREATING = threading.Lock()


def bound_row_memos(max_bytes: int) -> None:
    """At most ``max_bytes`` remembered in this process from now on."""
    global ROW_MEMO_BYTES
    _MEMO.resize(max_bytes)  # refuses a cap below 1 byte (nothing changed then)
    ROW_MEMO_BYTES = max_bytes


def memo_nbytes() -> int:
    """The bytes the memo holds now."""
    return _MEMO.nbytes


def forget_rows(owner: Any) -> None:
    """``owner``'s values forgotten: it gets a new token (a model fitted again computes
    other numbers; its old entries are never read again and age out)."""
    with _CREATING:
        _TOKENS[owner] = f"{next(_NUMBERS)}\x00"


def _token(owner: Any) -> str:
    found = _TOKENS.get(owner)
    if found is not None:
        return found
    with _CREATING:
        return _TOKENS.setdefault(owner, f"{next(_NUMBERS)}\x00")


def remembered_count(owner: Any) -> int:
    """How many of the entries held now are ``owner``'s (for tests and diagnostics)."""
    token = _token(owner)
    return sum(1 for key in list(_MEMO._values) if key.startswith(token))


def remembered(owner: Any, keys: list[Any], compute: Callable[[np.ndarray], Any]
               ) -> list[Any]:
    """The value of each of ``keys`` for ``owner`` (a numpy array, bytes or a str each),
    from the memo when the key was seen, else from ``compute(positions)`` (the positions
    of the keys not found, ascending: it answers their values in that order). A key that
    is not a ``str`` (None) is computed and not remembered."""
    token = _token(owner)
    known = _MEMO.reader()
    full = [token + key if type(key) is str else None for key in keys]
    found = list(map(known, full))  # (None is never a key: not found)
    missing = np.array([i for i, value in enumerate(found) if value is None], dtype=np.int64)
    if len(missing):
        computed = compute(missing)
        for i, value in zip(missing.tolist(), computed, strict=True):
            if isinstance(value, np.ndarray):  # its own buffer: the memo counts this only
                value = value.copy()
            if full[i] is not None:
                _MEMO.put(full[i], value)
            found[i] = value
    return found


def remembered_rows(owner: Any, keys: list[Any], compute: Callable[[np.ndarray], np.ndarray]
                    ) -> np.ndarray:
    """`remembered` of rows of one width, as a float matrix (row i: ``keys[i]``'s).

    Each row is held as its bytes and a call's rows joined in one copy (stacking ~1,000
    small arrays cost ~0.2 ms, copying each into the memo ~0.15 ms more); a row holds
    ~80 bytes less in the memo than an array."""
    if not keys:
        return np.asarray(compute(np.zeros(0, dtype=np.int64)), dtype=np.float64)
    width = []

    def computed(rows: np.ndarray) -> list[bytes]:
        matrix = np.ascontiguousarray(compute(rows), dtype=np.float64)
        width.append(matrix.shape[1])
        return [row.tobytes() for row in matrix]

    found = remembered(owner, keys, computed)
    columns = width[0] if width else len(found[0]) // 8
    return np.frombuffer(bytearray().join(found), dtype=np.float64).reshape(len(keys), columns)
