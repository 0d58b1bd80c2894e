"""Continuous micro-batching of single-transaction requests (pure asyncio, in-process).

Each single-prediction request awaits a future; one consumer task takes every request
waiting in the queue (up to ``max_batch``), scores them with one vectorised call in a
worker thread, and resolves the futures. When idle, a request is scored at once (no
added latency); under load, requests arriving while a batch is being scored form the
next batch, so the fixed cost of a model call (building a DataFrame, the sparse text
design) is paid once per batch instead of once per request. A batch's requests are scored
against each account's rolling history (core/rolling.py) per account in date order, then
arrival order: the answers are those of the same requests scored one at a time in that
order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# One scoring thread for every batcher of the process: the models' work mostly holds the
# GIL, so more threads would not score faster — they would only add malloc arenas (RSS).
SCORING_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="titans-scoring")


class MicroBatcher(Generic[Item, Result]):
    def __init__(self, score: Callable[[Sequence[Item]], Sequence[Result]],
                 max_batch: int = 256, executor: Executor | None = None) -> None:
        if max_batch < 1:
            raise ValueError(f"max_batch must be at least 1, got {max_batch}")
        self._score = score
        self._executor = executor or SCORING_EXECUTOR
        self._max_batch = max_batch
        self._queue: asyncio.Queue[tuple[Item, asyncio.Future]] | None = None
        self._consumer: asyncio.Task | None = None
        self.batches = 0
        self.items = 0

    async def submit(self, item: Item) -> Result:
        loop = asyncio.get_running_loop()
        if self._queue is None or self._consumer is None or self._consumer.done():
            self._queue = asyncio.Queue()
            self._consumer = loop.create_task(self._consume())
        future: asyncio.Future = loop.create_future()
        self._queue.put_nowait((item, future))
        return await future

    async def _consume(self) -> None:
        queue = self._queue
        while True:
            batch = [await queue.get()]
            while len(batch) < self._max_batch and not queue.empty():
                batch.append(queue.get_nowait())
            live = [(item, future) for item, future in batch if not future.cancelled()]
            if not live:
                continue
            try:
                results = await asyncio.get_running_loop().run_in_executor(
                    self._executor, self._score, [item for item, _ in live])
            except Exception as exc:  # noqa: BLE001 - handed to every waiting request
                for _, future in live:
                    if not future.done():
                        future.set_exception(exc)
                continue
            self.batches += 1
            self.items += len(live)
            for (_, future), result in zip(live, results, strict=True):
                if not future.done():
                    future.set_result(result)

    def stats(self) -> dict[str, Any]:
        return {"batches": self.batches, "items": self.items,
                "mean_batch": self.items / self.batches if self.batches else 0.0}
