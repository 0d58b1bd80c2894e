"""A memo of computed values bounded by the bytes it holds, not by its number of entries.

A memo keyed by text a client sends (a description, a word of it) grows with every
distinct text: bounded by a count of entries, its size still depends on how long the
texts are (a 500-character word's n-gram columns take ~100 times a short word's), so a
stream of long distinct texts grew the service's worker by hundreds of MB within its
count. `BoundedMemo` counts what each entry holds (`sys.getsizeof` of key and value —
a numpy array's own buffer included — plus the dictionary's slot) and, when the next
entry would pass ``max_bytes``, forgets the older half of its entries (insertion order:
the texts seen recently stay). An entry larger than the whole cap is computed and never
kept. Reads take no lock (a dict read is atomic); writes are locked (the service's
scoring and batch threads share a memo).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Hashable
from typing import Any

# a dict entry (hash, key and value pointers, in a table kept at most 2/3 full), about
ENTRY_BYTES = 100
MiB = 2**20


def entry_bytes(key: Any, value: Any) -> int:
    """The bytes one entry of ``key`` → ``value`` holds, as the memo counts them."""
    return sys.getsizeof(key) + sys.getsizeof(value) + ENTRY_BYTES


class BoundedMemo:
    """``key`` → value computed once, within ``max_bytes`` (see the module docstring)."""

    def __init__(self, max_bytes: int):
        self._values: dict[Hashable, Any] = {}
        self._sizes: dict[Hashable, int] = {}
        self.nbytes = 0
        self._lock = threading.Lock()
        self.max_bytes = 0
        self.resize(max_bytes)

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: Hashable, compute: Callable[[Any], Any]) -> Any:
        """The value of ``key``, from the memo or ``compute(key)`` (then remembered)."""
        found = self._values.get(key, _MISSING)
        if found is _MISSING:
            found = compute(key)
            self.put(key, found)
        return found

    def reader(self) -> Callable[[Hashable], Any]:
        """A fast look-up (``dict.get``: None when absent) for a loop of reads. It reads
        the entries as they are now: one forgotten later is still found by it, with the
        value it had (a memo's values never change)."""
        return self._values.get

    def get_all(self, keys: list, compute: Callable[[Any], Any]) -> list:
        """`get` of each of ``keys`` (a list): the remembered ones read in one pass
        (~0.1 µs each against ~0.4 for a `get` call through a lambda), the others
        computed and remembered one by one. No value may be None."""
        read = self._values.get
        values = [read(key) for key in keys]
        for position in [k for k, value in enumerate(values) if value is None]:
            values[position] = self.get(keys[position], compute)
        return values

    def put(self, key: Hashable, value: Any) -> None:
        size = entry_bytes(key, value)
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._values:
                return
            if self.nbytes + size > self.max_bytes:
                self._forget_older_half(self.max_bytes - size)
            self._values[key], self._sizes[key] = value, size
            self.nbytes += size

    def resize(self, max_bytes: int) -> None:
        """A new cap (at least 1 byte: 0 would keep nothing and is refused as a mistake);
        entries beyond it are forgotten at once."""
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
            raise ValueError(f"a memo's cap must be a whole number of bytes of at least 1, "
                             f"got {max_bytes!r}")
        with self._lock:
            self.max_bytes = max_bytes
            if self.nbytes > max_bytes:
                self._forget_older_half(max_bytes)

    def clear(self) -> None:
        with self._lock:
            self._values, self._sizes, self.nbytes = {}, {}, 0

    def _forget_older_half(self, room: int) -> None:
        """Keep the newer entries, at most half the cap and at most ``room`` bytes (the
        lock is held). New dictionaries: a dict emptied in place keeps its table."""
        budget, kept = min(self.max_bytes // 2, room), []
        for key in reversed(self._values):
            size = self._sizes[key]
            if size > budget:
                break
            budget -= size
            kept.append(key)
        values, sizes = self._values, self._sizes
        self._values = {key: values[key] for key in reversed(kept)}
        self._sizes = {key: sizes[key] for key in reversed(kept)}
        self.nbytes = sum(self._sizes.values())


_MISSING = object()
