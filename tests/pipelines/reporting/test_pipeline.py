import json

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
    for name, _, _ in SECTIONS:
        path = kedro_project.path(f"data/08_reporting/charts/{name.replace('report_', '')}.json")
        figure = pio.from_json(path.read_text())
        assert figure.layout.title.text and len(figure.data) >= 1


def test_recurring_table_lists_what_the_forecast_projects(kedro_project):
    kedro_project.run("ingestion", "features", "cashflow", "category", "amount", "anomaly",
                      "reporting")
    metrics = json.loads(kedro_project.path("data/08_reporting/metrics_cashflow.json").read_text())
    figure = pio.from_json(kedro_project.path(
        "data/08_reporting/charts/recurring_payments.json").read_text())
    merchants = set(figure.data[0].cells.values[0])
    assert merchants == {r["merchant"] for r in metrics["recurring_details"]}
    assert "property management" in merchants
