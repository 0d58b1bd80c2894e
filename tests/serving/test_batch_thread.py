"""The batch endpoint's answer body (`batch_thread.json_answer`); the worker's garbage
collector once the models are loaded (`freeze_loaded_objects`)."""

from __future__ import annotations

import gc
import json

import numpy as np

from titans_finance.serving.batch_thread import (
    YOUNG_COLLECTION_THRESHOLD,
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
