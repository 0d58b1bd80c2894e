import asyncio
import threading

import pytest

from titans_finance.serving.batching import MicroBatcher


def test_concurrent_requests_are_scored_together_in_order():
    calls: list[list[int]] = []
    release = threading.Event()

    def score(items):
        calls.append(list(items))
        release.wait(5)  # the first batch is slow: everything else queues behind it
        return [item * 10 for item in items]

    async def main():
        batcher = MicroBatcher(score, max_batch=100)
        first = asyncio.ensure_future(batcher.submit(0))
        await asyncio.sleep(0.05)
        rest = [asyncio.ensure_future(batcher.submit(i)) for i in range(1, 21)]
        await asyncio.sleep(0.05)
        release.set()
        return await first, await asyncio.gather(*rest), batcher.stats()

    first, rest, stats = asyncio.run(main())
    assert first == 0 and rest == [i * 10 for i in range(1, 21)]
    assert calls == [[0], list(range(1, 21))]  # one call for the 20 that waited
    assert stats == {"batches": 2, "items": 21, "mean_batch": 10.5}


def test_a_failing_batch_fails_its_requests_and_the_batcher_keeps_working():
    def score(items):
        if "bad" in items:
            raise RuntimeError("model exploded")
        return [item.upper() for item in items]

    async def main():
        batcher = MicroBatcher(score)
        with pytest.raises(RuntimeError, match="model exploded"):
            await batcher.submit("bad")
        return await batcher.submit("good")

    assert asyncio.run(main()) == "GOOD"


def test_max_batch_must_be_positive():
    with pytest.raises(ValueError, match="max_batch"):
        MicroBatcher(lambda items: items, max_batch=0)
