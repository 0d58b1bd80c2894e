"""Drift, feedback, reload and the prediction gauges over HTTP, in-process (`client`,
`admin`, `service`: BentoML's ASGI app with the security middleware)."""

import concurrent.futures
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from tests.serving.conftest import METRICS_KEY
from tests.serving.test_service import MORE, TX


def test_drift_endpoint_compares_a_batch_with_the_training_data(client):
    shifted = [{**t, "amount": t["amount"] * 40, "payment_method": "cash"} for t in MORE * 60]
    body = client.post("/monitor/drift", json={"transactions": shifted}).json()
    assert body["verdict"] == "drift" and body["n_batch"] == len(shifted)
    verdicts = {f["feature"]: f["verdict"] for f in body["features"]}
    assert verdicts["log_abs_amount"] == "drift" and verdicts["payment_method_code"] == "drift"
    small = client.post("/monitor/drift", json={"transactions": [TX]}).json()
    assert small["reliable"] is False and "noisy" in small["note"]


def test_feedback_is_appended_and_bad_feedback_names_the_field(client, corrections_path):
    ok = client.post("/feedback", json={"reference": "INV-7", "category": "Office Supplies",
                                        "date": "2025-03-14", "amount": -49.0,
                                        "predicted_category": "software"})
    assert ok.status_code == 200 and ok.json()["correction"]["category"] == "office_supplies"
    missing = client.post("/feedback", json={"category": "fuel", "description": "Shell"})
    assert missing.status_code == 400 and "reference" in missing.text
    bad = client.post("/feedback", json={"reference": "INV-8", "category": "fuel!!",
                                         "date": "2025-03-14", "amount": -49.0})
    assert bad.status_code == 400 and "category" in bad.text
    rows = pd.read_csv(corrections_path, dtype=str, keep_default_na=False)
    assert rows[rows["reference"] == "INV-7"]["category"].tolist() == ["office_supplies"]
    assert "INV-8" not in set(rows["reference"])


def test_concurrent_feedback_loses_nothing(client, corrections_path):
    def send(i: int) -> int:
        return client.post("/feedback", json={
            "date": "2025-03-14", "description": f"Parallel correction {i}",
            "amount": -10.5, "category": "meals"}).status_code

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(send, range(64)))
    assert statuses == [200] * 64
    rows = pd.read_csv(corrections_path, dtype=str, keep_default_na=False)
    parallel = rows[rows["description"].str.startswith("Parallel correction")]
    assert sorted(parallel["description"]) == sorted(f"Parallel correction {i}" for i in range(64))


def test_prometheus_gauges_follow_predictions(client, service):
    client.post("/predict/batch", json={"transactions": MORE})
    text = service.get("/metrics", headers={"Authorization": f"Bearer {METRICS_KEY}"}).text
    assert 'titans_category_predictions_total{category="fuel"' in text
    assert "titans_category_abstention_rate" in text and "titans_anomaly_mean_score" in text
    assert "titans_anomaly_flags_total" in text


def test_reload_serves_what_the_manifest_names_without_restart(client, admin, service,
                                                               bentoml_home, kedro_project,
                                                               manifest_path):
    import json

    assert service.post("/models/reload").status_code == 401
    before = client.get("/models").json()
    env = {**os.environ, "BENTOML_HOME": str(bentoml_home), "KEDRO_DISABLE_TELEMETRY": "true",
           "MLFLOW_TRACKING_URI": kedro_project.tracking_uri}
    subprocess.run([str(Path(sys.executable).parent / "kedro"), "run", "--pipelines", "package"],
                   cwd=kedro_project.root, env=env, check=True, capture_output=True)
    body = admin.post("/models/reload").json()
    assert body["reloaded"] and "category" in body["changed"]
    after = client.get("/models").json()
    old = {m["name"]: m["version"] for m in before["models"]}
    new = {m["name"]: m["version"] for m in after["models"]}
    assert all(new[name] != old[name] for name in old)
    assert new == {name: tag for name, tag in json.loads(manifest_path.read_text())["tags"].items()
                   if name in new}
    assert client.post("/predict/category", json=TX).json()["model_version"] == new["category"]
