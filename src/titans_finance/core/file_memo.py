"""Readings of one file's columns, computed once while that file is read.

Reading one export asks for the same column's dates and amounts many times (the evidence of
each column, the date order, the balance's chain, the months' language...), each asking
for a decision of its own (day first or not, a decimal mark declared or not). What those
calls share is the expensive part: the reading of each distinct value
(`dates._date_readings`, `amounts._read_distinct_amounts`), which depends only on the
distinct values and on the arguments that change how a value reads. `one_file` opens a
memo of those readings for the call tree of one file; `remembered` looks in it.

Why a memo per call tree and not a module-wide table: a file's readings are worth nothing to
the next file, so a table kept across files would only grow (the service reads uploads for
days); and a table kept in the module is inherited by forked processes, so mutation testing
(mutmut forks a child per mutant) would find a mutant's readings already computed by the
unmutated code and could never kill it. Outside `one_file` nothing is remembered: every call
computes, as before. The memo dies with the ``with`` block, so it is bounded by one file's
columns (its keys hold the distinct values of each, which the file holds anyway).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

# None outside `one_file`: nothing remembered (a context variable, so two files read at
# once by the service's threads never share one)
_MEMO: ContextVar[dict[Hashable, Any] | None] = ContextVar("file_memo", default=None)


@contextmanager
def one_file() -> Iterator[None]:
    """A fresh memo for the readings made within the block (one file's); the memo of an
    enclosing block is set aside and back after it."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def values_key(values, *asked: Hashable) -> tuple | None:
    """A key for reading a column's distinct ``values`` so (``asked``: what is read and
    every argument that changes how a value reads): None, not remembered, unless every
    value is a string (``1``, ``1.0`` and ``True`` are equal keys in Python yet print, and
    so read, differently)."""
    values = tuple(values)
    return (asked, values) if all(type(value) is str for value in values) else None


def remembered(key: Hashable | None, compute: Callable[[], Any]) -> Any:
    """``compute()``, or what it gave for ``key`` earlier in the same `one_file` block.
    ``key`` must hold everything the result depends on; None (or no block open): computed
    and not kept. The value is shared between callers: they must not change it."""
    memo = _MEMO.get()
    if memo is None or key is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]
