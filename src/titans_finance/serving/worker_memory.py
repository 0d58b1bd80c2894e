"""How `bentoml serve`'s processes keep their memory, set when the service module is imported
(in the supervisor, before it starts the worker, and in the worker, before it builds its app).

- ``ARROW_DEFAULT_MEMORY_POOL=system``: pandas' strings live in Arrow buffers; Arrow's own
  allocator keeps freed memory for reuse, so the worker's RSS would stay at its busiest
  moment; the system allocator hands it back (`batch_thread.return_freed_memory`). Set
  before pandas/pyarrow are imported.
- ``MALLOC_ARENA_MAX=1``: the worker's threads (event loop, scoring, batch) each got a glibc
  malloc arena of their own (up to 8 per core), each keeping its freed memory; two arenas
  held ~10 MiB less with 10,000 accounts recorded than the default. One arena: glibc's
  `malloc_trim` (`batch_thread.return_freed_memory`) gives back the free top of the main
  arena only, never of another, and the batch thread's arena kept what its largest batch
  freed: a real `bentoml serve` after ten 1,000-row batches and one batch of 10,000 new
  accounts, worker RSS 327.6-327.7 -> 320.0-320.1 MiB and 355.9-356.8 -> 340.6-342.4 MiB
  (two runs each); 60 in-process batches took the same CPU (4.4-5.2 s with one arena,
  4.6-5.0 s with two, a loaded machine: the threads allocate under the interpreter's lock).
  glibc reads it when a process starts: set in the supervisor, it reaches the workers it
  starts.
- BentoML's request timeout kept every request's context for its whole length (~4 KB a
  request for 95 s): replaced by one that lets go once answered (serving/backstop_timeout.py).

An operator's own value of either variable wins.
"""

from __future__ import annotations

import os

from titans_finance.serving.backstop_timeout import install as install_backstop_timeout

ALLOCATOR_SETTINGS = {"ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_ARENA_MAX": "1"}


def prepare_process() -> None:
    for name, value in ALLOCATOR_SETTINGS.items():
        os.environ.setdefault(name, value)
    install_backstop_timeout()
