import json
import re

import plotly.io as pio

from titans_finance.pipelines.reporting.nodes import SECTIONS


def test_report_is_a_self_contained_page_with_every_chart(kedro_project):
    kedro_project.run("ingestion", "features", "category", "amount", "anomaly", "cashflow",
                      "reporting")
    page = kedro_project.path("data/08_reporting/report.html").read_text()
    assert page.count("<section>") == len(SECTIONS)
    for _, title, _ in SECTIONS:
        assert f"<h2>{title}</h2>" in page.replace("&#x27;", "'")
    # plotly.js embedded, no script loaded from elsewhere: the page opens offline
    assert page.count("plotly.js v") >= 1
    assert "<script src=" not in page
    quality = json.loads(kedro_project.path("data/08_reporting/data_quality.json").read_text())
    assert f"{quality['rows_clean']:,} clean of {quality['rows_read']:,} rows read" in page
    # how the file was read, as the import page says it: the balance check and the columns
    source = quality["source"]
    reading = next(line for line in re.findall(r'<p class="note">(.*?)</p>', page)
                   if line.startswith(f"How {source['file']} was read"))
    assert "balance check: not possible" in reading and "columns: " in reading
    # the generated export states no currency: no dollar sign is invented
    text = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    assert "states no currency" in text and "$" not in text
    for chart in kedro_project.path("data/08_reporting/charts").glob("*.json"):
        assert "$" not in chart.read_text(), chart.name  # nor in the charts' axes
    # the generated export has no balance column: the report does not pretend to know it
    assert "The account balance is not known" in page
    assert "stays above the alert threshold" not in page
    for name, _, _ in SECTIONS:
        path = kedro_project.path(f"data/08_reporting/charts/{name.replace('report_', '')}.json")
        figure = pio.from_json(path.read_text())
        # a chart, or (drift before any check) a message saying how to make one
        assert figure.layout.title.text and (len(figure.data) >= 1 or figure.layout.annotations)


def test_recurring_table_lists_what_the_forecast_projects(kedro_project):
    kedro_project.run("ingestion", "features", "cashflow", "category", "amount", "anomaly",
                      "reporting")
    metrics = json.loads(kedro_project.path("data/08_reporting/metrics_cashflow.json").read_text())
    figure = pio.from_json(kedro_project.path(
        "data/08_reporting/charts/recurring_payments.json").read_text())
    merchants = set(figure.data[0].cells.values[0])
    # named as the export writes them: the same merchants, in the export's case
    assert {m.casefold() for m in merchants} == {r["merchant"] for r in metrics["recurring_details"]}
    assert "Property Management" in merchants


def test_categorised_transactions_csv_carries_the_models_predictions(kedro_project):
    import pandas as pd

    kedro_project.run("ingestion", "features", "category", "amount", "anomaly", "cashflow",
                      "reporting")
    table = pd.read_csv(kedro_project.path("data/08_reporting/categorised_transactions.csv"),
                        encoding="utf-8-sig")
    clean = pd.read_parquet(kedro_project.path("data/03_primary/clean_transactions.parquet"))
    assert len(table) == len(clean) and table.columns[0] == "date"
    predictions = pd.read_parquet(kedro_project.path(
        "data/07_model_output/category_predictions.parquet"))
    unlabelled = predictions[(predictions["split"] == "unlabelled")
                             & (predictions["predicted_category"] != "uncertain")]
    assert len(unlabelled) > 0  # the generator leaves some expenses uncategorised
    predicted = table[table["category_source"] == "predicted"].set_index("transaction_id")
    assert set(predicted.index) == set(unlabelled["transaction_id"])
    import yaml

    from titans_finance.reporting.categorised import group_label

    taxonomy = yaml.safe_load(kedro_project.path("conf/base/category_taxonomy.yml").read_text())
    # a group answer shows as the group's name ("Food and drink (group)"), a leaf as its id
    expected = unlabelled.set_index("transaction_id").apply(
        lambda row: group_label(row["predicted_category"], taxonomy)
        if row.get("level") == "group" else row["predicted_category"], axis=1)
    assert (predicted["category"] == expected.reindex(predicted.index)).all()
    page = kedro_project.path("data/08_reporting/report.html").read_text()
    expenses = (predicted["type"] == "expense").sum()
    assert f"{expenses:,} expenses categorised by the model" in page


def test_drift_section_shows_only_a_check_against_this_runs_training_data(kedro_project):
    import pandas as pd

    from titans_finance.core.fingerprint import data_hash

    kedro_project.run("ingestion", "features", "category", "amount", "anomaly", "cashflow",
                      "reporting")
    clean = pd.read_parquet(kedro_project.path("data/03_primary/clean_transactions.parquet"))
    drift_path = kedro_project.path("data/08_reporting/drift.json")
    check = {"verdict": "drift", "n_batch": 400, "batch_period": ["2026-01-01", "2026-03-31"],
             "features": [{"feature": "kw_fuel", "psi": 0.6, "ks": 0.3, "verdict": "drift"}],
             "category_mix": {"psi": 0.01, "verdict": "ok"},
             "anomaly_rate": {"batch": 0.05, "reference": 0.01, "verdict": "drift"},
             "thresholds": {"psi_warn": 0.1, "psi_drift": 0.25}}
    try:
        # a check made against the training data of an earlier run (other data)
        drift_path.write_text(json.dumps({**check, "reference_data_hash": "0" * 16}))
        kedro_project.run("reporting", force=True)
        page = kedro_project.path("data/08_reporting/report.html").read_text()
        assert "Drift verdict" not in page
        assert "against this run&#x27;s training data: not checked yet" in page or (
            "against this run's training data: not checked yet" in page)
        # the same check made against this run's training data
        drift_path.write_text(json.dumps({**check, "reference_data_hash": data_hash(clean)}))
        kedro_project.run("reporting", force=True)
        page = kedro_project.path("data/08_reporting/report.html").read_text()
        assert "Drift verdict: DRIFT" in page and "population stability index" in page
    finally:
        drift_path.unlink(missing_ok=True)
        kedro_project.run("reporting", force=True)
