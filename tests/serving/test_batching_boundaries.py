"""Boundary of the micro-batcher's cap: a queue of exactly ``max_batch`` requests is one
batch, one more starts the next; and a cap below one is refused."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from titans_finance.serving.batching import MicroBatcher


def _batches(waiting: int, max_batch: int) -> list[int]:
    sizes: list[int] = []

    def score(items):
        sizes.append(len(items))
        return [item * 2 for item in items]

    async def main():
        with ThreadPoolExecutor(max_workers=1) as executor:
            batcher = MicroBatcher(score, max_batch=max_batch, executor=executor)
            # every request is queued before the consumer first runs
            results = await asyncio.gather(*(batcher.submit(i) for i in range(waiting)))
        assert results == [i * 2 for i in range(waiting)]

    asyncio.run(main())
    return sizes


@pytest.mark.parametrize("waiting, sizes", [(2, [2]), (3, [3]), (4, [3, 1]), (7, [3, 3, 1])])
def test_a_batch_holds_at_most_max_batch_requests(waiting, sizes):
    assert _batches(waiting, max_batch=3) == sizes


def test_a_cap_of_one_is_allowed_zero_is_refused():
    assert _batches(2, max_batch=1) == [1, 1]
    with pytest.raises(ValueError, match="max_batch"):
        MicroBatcher(lambda items: items, max_batch=0)
