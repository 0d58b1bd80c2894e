"""A real Czech bank's transactions (Berka, 638 accounts; ../shared, skipped when absent):
its unsigned amounts and its type words nobody taught us (PRIJEM / VYDAJ / VYBER) are
signed by what the running balance proves, account by account."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from titans_finance.core.readers import parse_mappings, read_export
from tests.parameters import parameters
from titans_finance.pipelines.ingestion.nodes import normalise_transactions

BERKA = Path(__file__).resolve().parents[3].parent / "shared/data/berka/trans_dev.csv.gz"


def read_berka(path: Path = BERKA):
    mapping = parse_mappings({"mappings": [{"match": "*", "date_format": "%y%m%d"}]}, "test")[0]
    export = read_export(gzip.open(path).read(), "trans_dev.csv", mapping)
    raw = export.frame.assign(**{"Source File": "trans_dev.csv"})
    raw.attrs["source"] = {**export.info, "name": "trans_dev.csv"}
    candidates, quarantine, fixes = normalise_transactions(
        raw, parameters("ingestion", reference_date="2026-01-01", min_date="1990-01-01"))
    return export.info, candidates, quarantine, fixes["files"]["trans_dev.csv"]


@pytest.mark.skipif(not BERKA.exists(), reason=f"reference data not found at {BERKA}")
def test_the_balance_signs_a_real_banks_unknown_type_words():
    info, clean, quarantine, decided = read_berka()
    direction = info["reading"]["direction"]
    assert direction["column"] == "type"
    assert direction["values"] == {"PRIJEM": 1.0, "VYDAJ": -1.0, "VYBER": -1.0}  # README
    assert direction["decided_by"].startswith("running balance")
    assert quarantine.empty and len(clean) == 24070
    found = decided["reconciliation"]
    # lines of one day are written in any order; the breaks left are interest lines whose
    # published amount is rounded to 0.1 (11637.0 + 28.2 written as 11665.1, row 78)
    assert found["row_order"] == "lines of one day in any order"
    assert found["steps_reconciled"] / found["steps_checked"] > 0.95
    assert found["status"] == "contradicted" and found["first_break_row"] == 78
