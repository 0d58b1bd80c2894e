"""The batch endpoint's answer body (`batch_thread.json_answer`); the worker's garbage
collector once the models are loaded (`freeze_loaded_objects`) and while an answer is built
(`collections_paused`)."""

from __future__ import annotations

import gc
import json

import numpy as np

from titans_finance.serving.batch_thread import (
    YOUNG_COLLECTION_THRESHOLD,
    collections_paused,
    freeze_loaded_objects,
    json_answer,
)


def test_answer_is_the_results_as_json():
    results = [{"category": {"category": "café", "confidence": 0.1 + 0.2, "top_k": [
                   {"category": "groceries", "probability": 1e-7}], "reason": ""},
                "amount": {"predicted_amount": -12.5, "interval": [-20.0, 1e22]},
                "anomaly": {"score": 0.5, "is_anomaly": False, "reasons": []}}] * 3
    response = json_answer(results)
    assert response.media_type == "application/json"
    assert json.loads(response.body) == {"results": results}  # the same values, to the bit
    assert "café".encode() in response.body  # UTF-8, not \\u escapes


def test_non_finite_numbers_answer_null_and_numpy_scalars_their_values():
    response = json_answer([{"score": float("nan"), "interval": [float("-inf"), float("inf")],
                             "count": np.int64(3), "share": np.float64(0.25), "ok": 1.0}])
    assert json.loads(response.body) == {"results": [
        {"score": None, "interval": [None, None], "count": 3, "share": 0.25, "ok": 1.0}]}


def test_freed_memory_is_returned_once_shortly_after_the_last_of_close_batches(monkeypatch):
    """Each large batch asks for a trim ``delay`` after it; batches closer than that trim
    once, after the last (what their requests held is freed only once answered)."""
    import threading
    import time

    from titans_finance.serving import batch_thread

    trims = []
    done = threading.Event()
    monkeypatch.setattr(batch_thread, "return_freed_memory",
                        lambda: (trims.append(time.monotonic()), done.set()))
    started = time.monotonic()
    for _ in range(3):
        batch_thread.return_freed_memory_soon(delay=0.2)
    assert not trims  # not at once
    assert done.wait(5)
    time.sleep(0.3)
    assert len(trims) == 1 and trims[0] - started >= 0.2


def test_once_loaded_the_youngest_objects_are_collected_past_the_threshold_not_before(
        monkeypatch):
    """A batch's thousands of short-lived lists and dicts no longer set off a collection
    every 700: none below the threshold, one past it."""
    before = gc.get_threshold()
    monkeypatch.setattr(gc, "freeze", lambda: None)  # this process's objects stay as they are
    started = []

    def seen(phase, info):
        if phase == "start":
            started.append(info["generation"])

    try:
        freeze_loaded_objects()
        assert gc.get_threshold() == (YOUNG_COLLECTION_THRESHOLD, *before[1:])
        gc.collect()  # the counts start from nothing
        gc.callbacks.append(seen)
        kept = [[] for _ in range(YOUNG_COLLECTION_THRESHOLD - 100)]
        assert started == []
        kept += [[] for _ in range(200)]
        assert started, "no collection past the threshold"
    finally:
        if seen in gc.callbacks:
            gc.callbacks.remove(seen)
        gc.set_threshold(*before)
    assert len(kept) == YOUNG_COLLECTION_THRESHOLD + 100


def _collections_started(work, threshold: int = 1_000) -> list[int]:
    """The generations of the collections started while ``work(started)`` runs (the list,
    filled as they start), the youngest objects' threshold at ``threshold`` and the counts
    from nothing."""
    before, started = gc.get_threshold(), []

    def seen(phase, info):
        if phase == "start":
            started.append(info["generation"])

    gc.set_threshold(threshold, *before[1:])
    try:
        gc.collect()
        gc.callbacks.append(seen)
        work(started)
    finally:
        if seen in gc.callbacks:
            gc.callbacks.remove(seen)
        gc.set_threshold(*before)
    return started


def test_an_answer_built_and_freed_while_paused_is_collected_once_at_the_end():
    """Many containers made and freed inside: no collection inside however many, one of
    the youngest objects at the end (as the same work set off at least one before)."""
    inside = []

    def answer(started):
        with collections_paused():
            built = [{"a": [i], "b": {}} for i in range(5_000)]  # 15,000 containers
            inside.append(len(started))
            assert gc.isenabled() is False
            del built
        assert gc.isenabled()

    started = _collections_started(answer)
    assert inside == [0] and started == [0]
    # without the pause the same work sets off a collection every 1,000 containers
    assert len(_collections_started(lambda _: [{"a": [i], "b": {}} for i in range(5_000)])) >= 10


def test_collections_paused_restores_the_collector_as_it_found_it():
    with collections_paused():  # nested: the outer one enables it again
        with collections_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
    try:
        with collections_paused():
            raise KeyError("boom")
    except KeyError:
        pass
    assert gc.isenabled()
    gc.disable()
    try:
        with collections_paused():
            pass
        assert not gc.isenabled()  # disabled by someone else: left so
    finally:
        gc.enable()


def test_a_cycle_made_while_paused_is_collected_at_its_end():
    import weakref

    class Node:
        pass

    gc.collect()
    with collections_paused():
        node = Node()
        node.self = node
        alive = weakref.ref(node)
        del node
        assert alive() is not None
    assert alive() is None  # no later than the end: not left for a later collection
