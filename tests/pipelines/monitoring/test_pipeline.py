"""Drift check of new exports against the training data (the on-demand monitoring pipeline)."""

import json

import pandas as pd
import pytest

from titans_finance.synthetic.generator import generate_transactions

TRAINING = ("ingestion", "features", "category", "amount", "anomaly", "cashflow", "package")


@pytest.fixture(scope="module")
def batches(kedro_project, tmp_path_factory):
    """A batch like the training data (same generator, the following months, same density)
    and a deliberately shifted one (amounts ×3, everything paid in cash)."""
    folder = tmp_path_factory.mktemp("batches")
    same, _ = generate_transactions(620, 11, start="2026-01-01", end="2026-10-31")
    shifted = same.copy()
    amount = pd.to_numeric(shifted["Amount"].str.replace(r"[$,]", "", regex=True), errors="coerce")
    shifted["Amount"] = (amount * 3).round(2).astype(str)
    shifted["Payment Method"] = "cash"
    paths = {}
    for name, frame in (("same", same), ("shifted", shifted)):
        paths[name] = folder / f"{name}.csv"
        frame.to_csv(paths[name], index=False)
    return paths


def _drift(kedro_project, path) -> dict:
    kedro_project.run(*TRAINING)
    kedro_project.run("monitoring", params={"raw_path": str(path)}, force=True)
    return json.loads(kedro_project.path("data/08_reporting/drift.json").read_text())


def test_same_distribution_batch_shows_no_drift(kedro_project, batches):
    report = _drift(kedro_project, batches["same"])
    assert report["verdict"] == "ok", json.dumps({
        "features": [f for f in report["features"] if f["verdict"] != "ok"],
        "anomaly_rate": report.get("anomaly_rate"),
        "category_mix": (report.get("category_mix") or {}).get("verdict"),
        "category_confidence": report.get("category_confidence")})
    assert report["reliable"] and report["n_batch"] > 600
    rows = report["batch_rows"]
    assert rows["clean"] + rows["quarantined"] + rows["duplicates"] == 620


def test_shifted_batch_is_flagged_with_the_features_that_moved(kedro_project, batches):
    report = _drift(kedro_project, batches["shifted"])
    verdicts = {f["feature"]: f["verdict"] for f in report["features"]}
    assert report["verdict"] == "drift"
    assert verdicts["log_abs_amount"] == "drift" and verdicts["payment_method_code"] == "drift"
    assert verdicts["day_of_week"] == "ok"  # what did not move is not blamed
    assert report["anomaly_rate"]["verdict"] == "drift"
    assert report["anomaly_rate"]["batch"] > 5 * report["anomaly_rate"]["reference"]
    # the report page shows the drift section of this batch
    page = kedro_project.path("data/08_reporting/report.html").read_text()
    assert "Drift verdict: DRIFT" in page
    # and the training tables were not touched by the batch
    clean = pd.read_parquet(kedro_project.path("data/03_primary/clean_transactions.parquet"))
    assert clean["date"].max() < pd.Timestamp("2026-01-01")
