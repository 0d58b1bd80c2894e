"""Every endpoint over HTTP: answers, status codes and schemas in-process (`client`,
`service`: BentoML's ASGI app with the security middleware); limits, fuzzing and
`bentoml build` against the real thing (second tier)."""

import uuid

import httpx
import pytest

from tests.serving.conftest import API_KEY, FUZZ_KEY, METRICS_KEY, RATE_LIMITED_KEY

TX = {"description": "SHELL OIL 57444 HOUSTON TX", "amount": -64.2, "date": "2025-03-14",
      "merchant": "Shell", "payment_method": "credit_card"}
MORE = [TX, {"description": "Office Rent", "amount": -1200.0, "date": "2025-03-01",
             "merchant": "Property Management", "payment_method": "bank_transfer",
             "category": "rent"},
        {"description": "SQ *STARBUCKS 1234", "amount": -950.0, "date": "2025-03-15",
         "merchant": "Starbucks"},
        {"description": "Monthly Retainer", "amount": 2000.0, "date": "2025-03-01",
         "merchant": "MainClient", "type": "income"}]


def test_health_and_readiness_need_no_key_metrics_need_a_metrics_key(service):
    for path in ("/livez", "/readyz"):
        assert service.get(path).status_code == 200
    assert service.get("/metrics").status_code == 401
    assert service.get("/metrics",
                       headers={"Authorization": f"Bearer {API_KEY}"}).status_code == 403
    metrics = service.get("/metrics", headers={"Authorization": f"Bearer {METRICS_KEY}"})
    assert metrics.status_code == 200 and "titans_http_requests_total" in metrics.text


def test_predictions_need_a_valid_key(service):
    assert service.post("/predict/category", json=TX).status_code == 401
    wrong = service.post("/predict/category", json=TX,
                         headers={"Authorization": "Bearer not-a-valid-key"})
    assert wrong.status_code == 403


def test_category(client, kedro_project):
    from titans_finance.core.features import build_features
    from titans_finance.serving.schemas import Transaction, transactions_frame

    body = client.post("/predict/category", json=TX).json()
    assert body["category"] == "fuel" and body["model_version"].startswith("titans_category:")
    # the served answer is the trained model's answer on the packaged history, to the digit:
    # confidence, source and the whole top-k (a served value drifting from the model fails)
    catalog = kedro_project.catalog()
    frame = transactions_frame([Transaction(**TX)])
    features = build_features(frame, catalog.load("history_state"), independent=True)
    expected = catalog.load("category_model").predict(frame, features).iloc[0]
    assert body["source"] == expected["source"]
    assert (body["level"], body["reason"]) == (expected["level"], expected["reason"])
    assert body["confidence"] == pytest.approx(expected["confidence"], rel=1e-9)
    assert [(k["category"], pytest.approx(k["probability"], rel=1e-9)) for k in body["top_k"]] \
        == [(k["category"], k["probability"]) for k in expected["top_k"]]
    # an answer (not "uncertain") is at or above the model's own threshold
    threshold = catalog.load("params:category")["confidence_threshold"]
    assert body["confidence"] >= threshold and body["top_k"][0]["category"] == "fuel"


def test_amount_interval_contains_the_point(client):
    body = client.post("/predict/amount", json=TX).json()
    low, high = body["interval"]
    assert low <= body["predicted_amount"] <= high < 0


def test_anomaly_explains_a_spike_and_states_its_threshold(client):
    spike = client.post("/predict/anomaly", json=MORE[2]).json()
    assert spike["is_anomaly"] and any("median" in r for r in spike["reasons"])
    normal = client.post("/predict/anomaly", json=TX).json()
    assert 0 <= normal["score"] < spike["score"]
    served = {m["name"]: m for m in client.get("/models").json()["models"]}["anomaly"]
    assert spike["threshold"] == normal["threshold"] == served["threshold"]
    assert spike["score"] >= spike["threshold"] > normal["score"]


def test_cashflow_forecast_says_as_of_when_and_rounds(client):
    import datetime as dt

    body = client.post("/forecast/cashflow", json={"horizon_days": 45}).json()
    assert len(body["days"]) == 45 and body["horizon_days"] == 45
    assert all(d["lower"] <= d["point"] <= d["upper"] for d in body["days"])
    assert set(body["summary"]) >= {"total_inflow", "total_outflow", "net", "first_low_balance_day"}
    # the generated export has no balance and none is declared: none is invented; the
    # running change is given, and ends on the summary's net change
    assert body["summary"]["balance_source"] == "unknown"
    assert body["summary"]["opening_balance"] is None and body["summary"]["balance_note"]
    assert all(d["balance"] is None and d["change"] is not None for d in body["days"])
    assert body["days"][-1]["change"] == pytest.approx(body["summary"]["net"], abs=0.01)
    assert body["summary"]["net_lower"] <= body["summary"]["net"] <= body["summary"]["net_upper"]
    as_of = dt.date.fromisoformat(body["as_of"])
    assert body["days"][0]["date"] == str(as_of + dt.timedelta(days=1))
    assert body["data_age_days"] == (dt.date.today() - as_of).days
    served = {m["name"]: m for m in client.get("/models").json()["models"]}["cashflow"]
    assert served["as_of"] == body["as_of"]
    for value in body["summary"].values():
        if isinstance(value, float):
            assert value == round(value, 2)
    # no balance known: no chance of running short is made up, and the answer says why
    assert body["summary"]["shortfall"]["probability"] == {}
    assert body["summary"]["shortfall"]["note"] and body["summary"]["shortfall"]["as_of"] == \
        body["as_of"]
    given = client.post("/forecast/cashflow", json={"horizon_days": 30,
                                                    "opening_balance": -1.0}).json()
    assert given["summary"]["shortfall"]["balance_source"] == "request"
    # already below 0 at the end of as_of: short already
    assert given["summary"]["shortfall"]["probability"]["30"] == 1.0
    assert given["summary"]["shortfall"]["first_day"] == body["as_of"]
    too_far = client.post("/forecast/cashflow", json={"horizon_days": 91})
    assert too_far.status_code == 400 and too_far.json()["detail"][0]["loc"] == ["horizon_days"]


def test_batch_equals_single_requests(client):
    # Dated in the training period, these are older than the default account's window
    # (scored, not recorded): each transaction of a batch gets the answer it gets alone.
    # (Recorded transactions: tests/serving/test_rolling_history.py.)
    batch_items = [*MORE, TX, {**TX, "date": "2025-03-15"}]
    batch = client.post("/predict/batch", json={"transactions": batch_items}).json()["results"]
    for item, result in zip(batch_items, batch, strict=True):
        assert result["category"] == client.post("/predict/category", json=item).json()
        assert result["amount"] == client.post("/predict/amount", json=item).json()
        assert result["anomaly"] == client.post("/predict/anomaly", json=item).json()


def test_concurrent_single_requests_are_answered_like_lone_ones(client):
    import concurrent.futures
    import uuid

    items = [{**TX, "amount": -10.0 - i, "description": f"SHELL OIL {i} HOUSTON TX",
              "date": "2026-01-05"} for i in range(48)] + MORE
    run = uuid.uuid4().hex[:8]
    # each request recorded in an account of its own, new in each round: micro-batching
    # (requests of several accounts scored together) must not change an answer
    alone = [client.post("/predict/anomaly", json={**item, "account": f"alone-{run}-{i}"}
                         ).json() for i, item in enumerate(items)]
    items = [{**item, "account": f"together-{run}-{i}"} for i, item in enumerate(items)]

    def send(item):
        return client.post("/predict/anomaly", json=item).json()

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        together = list(pool.map(send, items))
    assert together == alone


def test_oversized_batch_is_413_in_the_one_error_shape(client):
    response = client.post("/predict/batch", json={"transactions": [TX] * 10_001})
    assert response.status_code == 413
    assert response.json() == {"error": "payload_too_large", "detail": [],
                               "message": "at most 10000 transactions per request, got 10001"}


@pytest.mark.parametrize("body, field", [
    ({**TX, "description": ""}, "description"),
    ({**TX, "amount": "abc"}, "amount"),
    ({**TX, "date": "1900-01-01"}, "date"),
    ({key: value for key, value in TX.items() if key != "amount"}, "amount"),
    ({**TX, "type": "refund?"}, "type"),
    ({**TX, "unexpected": 1}, "unexpected"),
])
def test_invalid_input_is_400_naming_the_field(client, body, field):
    response = client.post("/predict/category", json=body)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_input" and field in response.json()["message"]
    assert any(field in detail["loc"] for detail in response.json()["detail"])
    assert "TransactionInput" not in response.text and "pydantic" not in response.text


def test_nan_and_malformed_json_are_400(client):
    for content in ('{"description": "x", "amount": NaN, "date": "2025-01-01"}', "{not json"):
        response = client.post("/predict/category", content=content,
                               headers={"Content-Type": "application/json"})
        assert response.status_code == 400


def test_a_wrong_key_never_runs_the_endpoint(service, corrections_path):
    """Issue #18 planted a missing `return` after the 403: the /feedback handler ran."""
    reference = f"WRONG-KEY-{uuid.uuid4()}"
    for authorization in ("Bearer not-a-valid-key-123456", "Bearer", "Basic x", None):
        headers = {"Authorization": authorization} if authorization else {}
        response = service.post("/feedback", headers=headers,
                                json={"reference": reference, "category": "fuel"})
        assert response.status_code in (401, 403)
    # (no file at all: nothing was ever recorded)
    assert not corrections_path.exists() or reference not in corrections_path.read_text()


def test_error_bodies_have_one_shape_and_name_no_internals(service):
    auth = {"Authorization": f"Bearer {API_KEY}"}
    cases = [
        ("POST", "/predict/category", {}, None),                                       # 401
        ("POST", "/predict/category", {"Authorization": "Bearer wrong-key-12345678"}, None),
        ("POST", "/models/reload", auth, None),                                        # 403
        ("GET", "/nothing-here", auth, None),                                          # 404
        ("GET", "/predict/category", auth, None),                                      # 405
        ("POST", "/predict/category", auth, {**TX, "amount": "abc"}),                  # 400
        ("POST", "/predict/batch", auth, {"transactions": [TX] * 10_001}),             # 413
        ("POST", "/predict/batch", auth, {"transactions": "no"}),                      # 400
        ("POST", "/feedback", auth, {"category": "fuel"}),                             # 400
        ("POST", "/forecast/cashflow", auth, {"horizon_days": 1000}),                  # 400
    ]
    seen = set()
    for method, path, headers, body in cases:
        response = service.request(method, path, headers=headers, json=body)
        seen.add(response.status_code)
        payload = response.json()
        assert set(payload) == {"error", "message", "detail"}, (path, response.text[:300])
        assert isinstance(payload["detail"], list) and payload["message"]
        for internal in ("TransactionInput", "BatchInput", "ValidationError", "Exception",
                         "bentoml", "Traceback", "/tmp/", "pydantic"):
            assert internal not in response.text, (path, internal, response.text[:300])
    assert seen == {400, 401, 403, 404, 405, 413}


def test_validate_reports_per_item_errors(client):
    body = client.post("/validate", json={"transactions": [TX, {"description": "", "amount": "x",
                                                                "date": "2024-13-45"}]}).json()
    assert body["valid"] is False and body["items"][0]["valid"] is True
    fields = {e["field"] for e in body["items"][1]["errors"]}
    assert fields == {"description", "amount", "date"}


def test_models_lists_versions_and_metrics_by_get_or_post(client, manifest_path):
    import json

    listed = client.get("/models")
    assert listed.status_code == 200 and listed.json() == client.post("/models").json()
    models = {m["name"]: m for m in listed.json()["models"]}
    assert set(models) == {"category", "amount", "anomaly", "cashflow"}
    assert "holdout_accuracy" in models["category"]["metrics"]
    assert all(m["trained_at"] for m in models.values())
    manifest = json.loads(manifest_path.read_text())
    assert listed.json()["data_hash"] == manifest["data_hash"]


def test_rate_limit_429_with_retry_after(service_url):
    import concurrent.futures
    import time

    from tests.serving.conftest import RATE_BURST, RATE_PER_SEC

    headers = {"Authorization": f"Bearer {RATE_LIMITED_KEY}"}
    count = 2 * RATE_BURST
    with httpx.Client(base_url=service_url, headers=headers, timeout=30) as http:
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            responses = list(pool.map(lambda _: http.get("/models"), range(count)))
        elapsed = time.monotonic() - started
    limited = [r for r in responses if r.status_code == 429]
    allowed = RATE_BURST + RATE_PER_SEC * elapsed
    assert len(responses) - len(limited) <= allowed + 1
    assert limited and int(limited[0].headers["retry-after"]) >= 1
    assert limited[0].json()["error"] == "rate_limited"


def test_no_input_produces_a_server_error(service_url):
    """Fuzz every operation of the OpenAPI spec (bounded examples): never a 5xx."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings

    schema = schemathesis.openapi.from_url(f"{service_url}/docs.json")
    headers = {"Authorization": f"Bearer {FUZZ_KEY}"}
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def never_a_server_error(case):
            response = case.call(base_url=service_url, headers=headers)
            assert response.status_code < 500, (
                f"{case.method} {case.path} -> {response.status_code}: {response.text[:300]}")

        never_a_server_error()
        checked.append(operation.label)
    assert len(checked) >= 8  # every endpoint of the service, plus the probes


@pytest.mark.e2e  # `bentoml build` in a subprocess
def test_bentoml_build_packs_the_manifest_versions_and_the_lean_requirements(bentoml_home,
                                                                             manifest_path,
                                                                             tmp_path):
    import json
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    from tests.conftest import PROJECT_ROOT

    # a checkout after `make run`: the project's files and the manifest of its packaged models
    context = tmp_path / "checkout"
    shutil.copytree(PROJECT_ROOT / "src" / "titans_finance", context / "src" / "titans_finance",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("bentofile.yaml", "requirements-serve.txt"):
        shutil.copy(PROJECT_ROOT / name, context / name)
    (context / "data" / "08_reporting").mkdir(parents=True)
    shutil.copy(manifest_path, context / "data" / "08_reporting" / "packaged_models.json")
    env = {key: value for key, value in os.environ.items() if not key.startswith("TITANS_")}
    env.update({"BENTOML_HOME": str(bentoml_home), "BENTOML_DO_NOT_TRACK": "true"})
    subprocess.run([str(Path(sys.executable).parent / "bentoml"), "build", "."], cwd=context,
                   env=env, check=True, capture_output=True)
    (bento,) = (Path(bentoml_home) / "bentos" / "titans_finance").glob("*/bento.yaml")
    described = bento.read_text()
    for tag in json.loads(manifest_path.read_text())["tags"].values():
        assert f"tag: {tag}" in described  # exactly the manifest's versions
    assert (bento.parent / "src" / "data" / "08_reporting" / "packaged_models.json").is_file()
    assert "libgomp1" in (bento.parent / "env" / "docker" / "Dockerfile").read_text()
    assert (bento.parent / "src" / "src" / "titans_finance" / "serving" / "service.py").is_file()
    requirements = (bento.parent / "env" / "python" / "requirements.txt").read_text().lower()
    assert "lightgbm==" in requirements and "scikit-learn==" in requirements
    for heavy in ("kedro", "mlflow", "dvc", "jupyterlab", "pytest", "gunicorn"):
        assert f"\n{heavy}==" not in requirements, heavy


def test_the_serving_requirements_are_the_closure_of_the_serving_packages():
    from tests.conftest import PROJECT_ROOT
    from titans_finance.serving.requirements import serving_requirements

    assert (PROJECT_ROOT / "requirements-serve.txt").read_text() == serving_requirements(
        PROJECT_ROOT / "requirements.lock"), (
        "requirements-serve.txt is out of date: .venv/bin/python -m "
        "titans_finance.serving.requirements > requirements-serve.txt")


def test_each_account_is_scored_against_its_own_history(client, kedro_project):
    """The training export has one account: a request without ``account`` is that
    account's; the same charge again the next day is a duplicate in that account's history
    and not in another account's (which has never paid that payee)."""
    import pandas as pd

    catalog = kedro_project.catalog()
    trained = catalog.load("history_state").default_account
    clean = catalog.load("clean_transactions")
    expenses = clean[(clean["amount"] < 0) & clean["reference"].notna()].sort_values("date")
    found = None
    for row in expenses.tail(15).itertuples():
        # dry runs: recorded, the first send would make the repeats below duplicates of it
        item = {"description": row.description, "amount": float(row.amount),
                "date": str((pd.Timestamp(row.date) + pd.Timedelta(days=1)).date()),
                "merchant": row.reference, "record": False}
        answer = client.post("/predict/anomaly", json=item).json()
        if any(r.startswith("same amount to the same payee") for r in answer["reasons"]):
            found = item, answer
            break
    assert found, "no repeat of a recent charge was seen as a duplicate"
    item, answer = found
    assert client.post("/predict/anomaly", json={**item, "account": trained}).json() == answer
    elsewhere = client.post("/predict/anomaly", json={**item, "account": "another-card"}).json()
    assert not any(r.startswith("same amount") for r in elsewhere["reasons"])
    assert elsewhere["score"] < answer["score"]
    batch = client.post("/predict/batch", json={"transactions": [
        item, {**item, "account": "another-card"}]}).json()["results"]
    assert [b["anomaly"] for b in batch] == [answer, elsewhere]
    refused = client.post("/predict/amount", json={**TX, "account": "x" * 101})
    assert refused.status_code == 400 and "account" in refused.text


def test_real_bank_descriptions_over_http_are_sensible_or_uncertain(client):
    # The lines of issue #13 and of other countries' banks, as a client sends them (amount
    # and date as strings, no merchant), through the running service and the models the
    # pipelines trained: a right category or "uncertain", never confidently wrong.
    from tests.models.category.test_real_descriptions import REQUESTS

    wrong, answered = [], 0
    for description, amount, right in REQUESTS:
        response = client.post("/predict/category", json={
            "description": description, "amount": f"{amount:.2f}", "date": "02/06/2025"})
        assert response.status_code == 200, (description, response.text)
        body = response.json()
        if body["category"] == "uncertain":
            continue
        answered += 1
        if body["category"] not in right:
            wrong.append((description, body["category"], body["confidence"]))
    assert not [w for w in wrong if w[2] > 0.9], f"confidently wrong: {wrong}"
    assert len(wrong) <= 3, wrong
    assert answered >= 12, answered  # the default model knows most of these merchants


@pytest.mark.parametrize("rows, trims", [(499, 0), (500, 1)])
def test_a_large_batch_hands_memory_back_after_it_never_between_batches(
        client, monkeypatch, rows, trims):
    """Between two batches in a row a trim only made the next one fault in again the pages
    the last one freed (9-18 ms a 1,000-row batch): the batch thread never trims; a batch of
    at least TRIM_AFTER_ROWS (500) rows asks for one trim on a timer, after it."""
    import ctypes
    import threading
    import time

    from titans_finance.serving import batch_thread

    assert batch_thread.TRIM_AFTER_ROWS == 500
    calls = []  # the thread of each malloc_trim, whoever asked for it

    class Libc:
        def __init__(self, name):
            self.name = name

        def malloc_trim(self, pad):
            calls.append(threading.current_thread())

    monkeypatch.setattr(ctypes, "CDLL", Libc)
    items = [{**TX, "date": "2025-03-14"} for _ in range(rows)]  # the training period
    assert client.post("/predict/batch", json={"transactions": items}).status_code == 200
    assert calls == []  # none while the batch was scored
    time.sleep(batch_thread.TRIM_DELAY_SECONDS + 0.5)
    assert len(calls) == trims
    assert all(isinstance(thread, threading.Timer) for thread in calls)
