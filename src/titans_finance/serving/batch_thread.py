"""The batch thread: where batches are scored, at a lower priority than single requests, and
how their answers are encoded there in small steps.

Batches (and /validate, /monitor/drift) are scored one at a time on their own thread: the
work holds the GIL (no throughput lost), the worker's memory peaks at one batch, and the
event loop (probes, /models, single predictions) keeps answering meanwhile.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from starlette.responses import Response

from titans_finance.serving.answers import json_response

# The batch thread runs at a lower scheduling priority than the event loop and the scoring
# thread (Linux: a thread's own nice value): on a busy machine every hand-over of the
# interpreter to a single request's thread waited for the OS to schedule it, and behind a
# batch one single request took ~0.5 s instead of ~10 ms. Batches lose nothing on an idle
# machine (nice only orders runnable threads).
BULK_NICENESS = 10


def _lower_priority() -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(),
                       min(os.getpriority(os.PRIO_PROCESS, 0) + BULK_NICENESS, 19))
    except (AttributeError, OSError):  # not Linux, or not allowed: the same, unordered
        pass


BULK_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="titans-bulk",
                                   initializer=_lower_priority)


# The cyclic garbage collector's first threshold in the worker (Python's default: 700). A
# collection of the youngest objects ran each time 700 more container objects were alive
# than at the last one: a 1,000-row batch reached that ~20 times on its way (its rows'
# lists and dicts, freed by reference counting at its end anyway), and every tenth of those
# also went through the older objects, every hundredth (roughly) through every object the
# recorded history holds. In-process, 100 date-ordered 1,000-row batches each into a new
# account: ~13-17 ms of collections a batch with 700, ~1.3 ms with 10,000; the batches
# leave no cyclic garbage (a full collection after each found none), so what waits longer
# for a collection is at most this many young objects.
YOUNG_COLLECTION_THRESHOLD = 10_000


def freeze_loaded_objects(reloaded: bool = False) -> None:
    """Keep the objects alive now (the models, their vocabularies: ~230,000) out of the
    cyclic garbage collector's passes: a full pass over them held the interpreter for
    ~0.1-0.5 s at random moments of a batch (its rows allocate), and a single request
    waited for it. After a reload, the previous set is collected first (unfrozen, so
    that a cycle in it is freed). From then on, the youngest objects are collected after
    `YOUNG_COLLECTION_THRESHOLD` more are alive, not after 700."""
    if reloaded:
        gc.unfreeze()
        gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])


@contextlib.contextmanager
def collections_paused():
    """No cyclic collection starts inside (any thread), and the youngest objects are
    collected once at its end: for work that builds many short-lived containers and frees
    them all before it ends, such as a batch's answer (a 1,000-row answer is ~12,000 dicts
    and lists: alone it reached the youngest objects' threshold, and each batch set off a
    collection that went through all of them, ~1.4 ms, finding nothing to free). At the
    end they are freed and that collection goes through what is left (~0.1 ms): a cycle
    the batch left is found as often as before (once a batch), no later. Nested or
    already disabled: left as it is, nothing collected."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
    gc.collect(0)


def json_answer(results: list[dict[str, Any]]) -> Response:
    """``{"results": [...]}`` as a JSON response, serialised here, on the batch thread
    (BentoML would encode the whole dict on the event loop: ~0.1-0.8 s for 2,000 rows,
    during which no other request moved). orjson (`answers.json_response`) encodes 1,000
    results in about a millisecond, one short hold of the interpreter (the standard
    library's encoder took ~15 ms). A non-finite number (JSON has none) is answered as
    null, as BentoML answers it; numpy scalars as their values."""
    return json_response({"results": results})


def return_freed_memory() -> None:
    """Give memory freed by a large batch back to the OS (glibc keeps freed heap pages
    otherwise, and the worker's RSS would stay at its largest batch). No-op off glibc."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


# after a batch at least this large, `return_freed_memory_soon`
TRIM_AFTER_ROWS = 500
# once no such batch came for this long
TRIM_DELAY_SECONDS = 0.2

_trim_timer: threading.Timer | None = None
_trim_timer_lock = threading.Lock()


def return_freed_memory_soon(delay: float = TRIM_DELAY_SECONDS) -> None:
    """`return_freed_memory` ``delay`` seconds from now, on a timer thread, unless another
    call comes first (then ``delay`` from that one): the memory of large batches is handed
    back once they stop coming, including what a request held until it was answered (its
    parsed body, the answer's bytes). Never between two batches in a row: glibc reuses what
    the last one freed, while a trim hands those pages back and the next batch faults every
    one of them in again (9-18 ms of CPU a 1,000-row batch, measured in process)."""
    global _trim_timer
    with _trim_timer_lock:
        if _trim_timer is not None:
            _trim_timer.cancel()
        _trim_timer = threading.Timer(delay, return_freed_memory)
        _trim_timer.daemon = True
        _trim_timer.start()
