"""Boundaries of the failure throttle's memory: the table of clients is pruned when a new
client arrives to exactly ``TRACKED_CLIENTS`` entries (one fewer: nothing is forgotten), and
the pruning keeps a client whose lockout ends after now, forgets one whose lockout ends
exactly now (it may try again: its earlier failures no longer double its next wait)."""

from __future__ import annotations

import pytest

from titans_finance.app import access
from titans_finance.app.access import FailureThrottle

TRACKED = 6


def _throttle_after_a_flood(others: int) -> tuple[FailureThrottle, list[float]]:
    """Two locked clients (lockouts ending at 10 and 11), ``others`` clients with one failure
    each, then at 10 one new client fails."""
    now = [0.0]
    throttle = FailureThrottle(2, 10, 1000, clock=lambda: now[0])
    for _ in range(2):
        throttle.failed("ends-now")  # locked until 10
    now[0] = 1.0
    for _ in range(2):
        throttle.failed("ends-later")  # locked until 11
    for i in range(others):
        throttle.failed(f"one-off-{i}")
    now[0] = 10.0
    throttle.failed("newcomer")
    return throttle, now


# the newcomer meets TRACKED - 1 or exactly TRACKED clients (never more: the table is pruned
# whenever a new client meets TRACKED)
@pytest.mark.parametrize("others, pruned", [(TRACKED - 3, False), (TRACKED - 2, True)])
def test_the_table_is_pruned_when_a_new_client_meets_tracked_clients(monkeypatch, others,
                                                                       pruned):
    monkeypatch.setattr(access, "TRACKED_CLIENTS", TRACKED)
    throttle, _ = _throttle_after_a_flood(others)
    # a third failure of a client remembered: locked 20 s; forgotten: its first failure
    throttle.failed("ends-now")
    assert throttle.wait("ends-now") == (0.0 if pruned else 20.0)


def test_pruning_keeps_a_lockout_ending_after_now_and_forgets_one_ending_now(monkeypatch):
    monkeypatch.setattr(access, "TRACKED_CLIENTS", TRACKED)
    throttle, _ = _throttle_after_a_flood(TRACKED - 2)
    assert throttle.wait("ends-later") == 1.0  # still locked at 10: kept
    throttle.failed("ends-later")
    assert throttle.wait("ends-later") == 20.0  # its third failure: doubled
    throttle.failed("ends-now")
    assert throttle.wait("ends-now") == 0.0  # ended exactly at 10: forgotten
