"""Fair work between tenants on a real `bentoml serve` on loopback (second tier).

Issue 27's findings over the socket: while one key sends a batch in reverse date order (the
largest one request may carry: the issue's 2,000 rows now take ~0.2 s, too short for the
other tenant's probe to overlap it), another tenant's ``/predict/category`` answers within
3 s; under a sustained flood of date-sorted 1,000-row batches from several connections it
keeps answering (the benchmark `benchmarks.performance.serving_tenants_flood` measures the
99th percentile against the 1 s target; here a looser bound, which a batch holding the
other tenant's requests up for its whole length still fails); and 10,000 accounts recorded keep the
service (supervisor and worker) under 500 MB. The server is this module's own: every per-key budget lifted, so the
flood is bounded by the server's work alone (the worst case for the other tenant).
"""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from benchmarks.performance.serving_tenants_flood import (
    SteadyProbe,
    flood,
    reverse_batch,
    sorted_batches,
    summary,
)
from titans_finance.serving.schemas import MAX_BATCH
from tests.serving.conftest import API_KEY, BULK_KEYS, start_server

FLOODER, OTHER = BULK_KEYS[4], API_KEY  # two tenants (an undeclared key; the owner)
REVERSE_BOUND_S = 3.0  # issue 27: "answers within 3 s" beside a reverse-order batch
# under the flood: the target is under 1 s at the 99th percentile (measured by the
# benchmark); a test on a shared machine bounds the 90th percentile and the worst
FLOOD_P90_BOUND_S, FLOOD_MAX_BOUND_S = 1.0, 3.0
# ... and, whatever the machine's speed, what fairness means: the other tenant waits a
# fraction of one batch's work, not the batch (a request queued behind a batch, or a batch
# holding the interpreter through its work, waits ~half a batch on average, most of one
# at the 90th percentile)
SHARE_OF_A_BATCH = 0.5
FLOOD_SECONDS, FLOOD_CONNECTIONS, BATCH_ROWS = 15, 3, 1_000
ACCOUNTS, RSS_BOUND_MB = 10_000, 500


@pytest.fixture(scope="module")
def fair_server(serve_env, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fair-server")
    lifted = "100000000"
    env = {**serve_env, "TITANS_HISTORY_DB": str(folder / "history.sqlite3"),
           "TITANS_RATE_LIMIT_PER_SEC": lifted, "TITANS_RATE_LIMIT_BURST": lifted,
           "TITANS_ROW_LIMIT_PER_SEC": lifted, "TITANS_ROW_LIMIT_BURST": lifted,
           "TITANS_MAX_PENDING_BATCHES": str(FLOOD_CONNECTIONS + 1),
           # A's connections all admitted: the flood measures fair work, not the slot cap
           "TITANS_MAX_PENDING_BATCHES_PER_TENANT": str(FLOOD_CONNECTIONS),
           "TITANS_HISTORY_MAX_ACCOUNTS": str(2 * ACCOUNTS)}
    server = start_server(env, folder / "bentoml.log")
    yield server
    server.stop()


def _service_rss_mb(server) -> float:
    return sum(p.memory_info().rss for p in server.processes()) / 1e6


def test_ten_thousand_accounts_recorded_keep_the_service_under_500_mb(fair_server):
    """First of the module: the service with 10,000 accounts recorded, nothing else (the
    benchmark measures it after a flood too). Issue 27's bound is the service's: its
    supervisor (~78 MB) and its worker, read as the answer arrives (before the service
    hands the batch's freed memory back)."""
    rss_before = _service_rss_mb(fair_server)
    row = {"description": "CORNER BOOKSHOP 0412", "amount": -23.45, "date": "2026-01-05",
           "merchant": "Corner Bookshop", "payment_method": "debit_card"}
    with httpx.Client(base_url=fair_server.url, timeout=300,
                      headers={"Authorization": f"Bearer {FLOODER}"}) as http:
        answer = http.post("/predict/batch", json={"transactions": [
            {**row, "account": f"rss-{i}"} for i in range(ACCOUNTS)]})
        assert answer.status_code == 200
        recorded = http.get("/models").json()["rolling_history"]
    assert recorded["accounts"] >= ACCOUNTS and recorded["forgotten_accounts"] == 0
    rss_mb = _service_rss_mb(fair_server)
    print(f"service RSS {rss_before:.0f} -> {rss_mb:.0f} MB with {recorded}")
    assert rss_mb < RSS_BOUND_MB, f"service RSS {rss_mb:.0f} MB with {ACCOUNTS:,} accounts"


def test_a_reverse_order_batch_leaves_another_tenant_answered_within_3_s(fair_server):
    batch_done, answer = threading.Event(), {}

    def send_batch() -> None:
        with httpx.Client(base_url=fair_server.url, timeout=300,
                          headers={"Authorization": f"Bearer {FLOODER}"}) as http:
            # 30 a day: the whole batch within the dates the service accepts (not the future)
            answer["status"] = http.post("/predict/batch", json=reverse_batch(
                "reverse-served", rows=MAX_BATCH, per_day=30)).status_code
        batch_done.set()

    probe = SteadyProbe(fair_server.url, OTHER, rate=10)
    probe.phase = "beside"
    probe.start()
    sender = threading.Thread(target=send_batch)
    started = time.monotonic()
    sender.start()
    batch_done.wait(300)
    probe.stopped.set()
    probe.join()
    seconds = time.monotonic() - started
    waits = probe.latencies["beside"]
    print(f"reverse batch {seconds:.2f} s; beside it: {summary(waits)}")
    assert answer["status"] == 200
    assert probe.statuses["beside"] == {200: len(waits)}
    assert len(waits) >= 3, f"the batch took {seconds:.2f} s: too few requests beside it"
    assert max(waits) < min(REVERSE_BOUND_S, SHARE_OF_A_BATCH * seconds), (
        f"another tenant's /predict/category waited {max(waits):.2f} s beside a "
        f"{MAX_BATCH:,}-row batch in reverse date order ({seconds:.2f} s): {summary(waits)}")


def test_a_sustained_flood_of_sorted_batches_leaves_another_tenant_answered(
        fair_server, kedro_project):
    bodies = sorted_batches(kedro_project.path("data/03_primary/clean_transactions.parquet"),
                            BATCH_ROWS)
    probe = SteadyProbe(fair_server.url, OTHER, rate=5)
    probe.phase = "beside"
    probe.start()
    try:
        flooded = flood(fair_server.url, FLOODER, bodies, FLOOD_CONNECTIONS, FLOOD_SECONDS)
    finally:
        probe.stopped.set()
        probe.join()
    waits = summary(probe.latencies["beside"])
    print(f"flood {flooded}; beside it: {waits}")
    assert flooded["statuses"] == {200: flooded["rows_answered"] // BATCH_ROWS}
    assert flooded["rows_answered"] >= 5 * BATCH_ROWS, f"no flood to speak of: {flooded}"
    assert probe.statuses["beside"] == {200: waits["requests"]}
    # the batch thread takes one batch at a time: its work per batch, queueing aside
    batch_s = flooded["seconds"] * 1e3 / (flooded["rows_answered"] // BATCH_ROWS)
    assert waits["p90_ms"] < min(FLOOD_P90_BOUND_S * 1e3, SHARE_OF_A_BATCH * batch_s) and \
        waits["max_ms"] < FLOOD_MAX_BOUND_S * 1e3, (
            f"another tenant's /predict/category under a flood of sorted batches: {waits} "
            f"({batch_s:.0f} ms of work a batch; flood: {flooded})")
