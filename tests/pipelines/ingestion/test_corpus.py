"""Every real export of the corpus (tests/data/exports, sources in SOURCES.md) goes through
the ingestion pipeline with every transaction kept at the right date and signed amount."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from titans_finance.core.readers import detect_format
from tests.pipelines.ingestion.corpus import CORPUS_MAPPINGS, EXPORTS, run_ingestion

EXPECTED = yaml.safe_load((EXPORTS / "expected.yml").read_text())


def test_corpus_has_at_least_20_files_in_12_formats():
    dialects = {name.rsplit(".", 1)[0] if name.endswith(".csv") else name.rsplit(".", 1)[1]
                for name in EXPECTED}
    assert len(EXPECTED) >= 20 and len(dialects) >= 12
    on_disk = {p.name for p in EXPORTS.iterdir()} - {"SOURCES.md", "expected.yml",
                                                      "export_mappings.yml"}
    assert on_disk == set(EXPECTED), "every file has expected values, and only real files"
    sources = (EXPORTS / "SOURCES.md").read_text()
    assert all(f"`{name}`" in sources for name in EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_keeps_every_transaction(name):
    expected = EXPECTED[name]
    path = EXPORTS / name
    assert detect_format(path.read_bytes()) == expected["format"]
    out = run_ingestion(path, mapping_files=[str(CORPUS_MAPPINGS)], reference_date="2026-01-01")
    clean, quality = out["clean_transactions"], out["data_quality"]
    assert quality["rows_quarantined"] == 0 and quality["rows_duplicate"] == 0, (
        out["quarantined_transactions"].to_dict("records"))
    assert len(clean) == expected["transactions"] == quality["rows_read"]
    assert clean["amount"].sum() == pytest.approx(expected["sum"], abs=1e-6)
    assert sorted(clean["amount"].round(4)) == pytest.approx(sorted(expected["amounts"]))
    assert clean["date"].min() == pd.Timestamp(expected["first"])
    assert clean["date"].max() == pd.Timestamp(expected["last"])
    assert ((clean["amount"] < 0) == (clean["type"] == "expense")).all()
    if "accounts" in expected:
        assert sorted(clean["account"].unique()) == sorted(expected["accounts"])
    if "balances" in expected:
        assert sorted(clean["balance"]) == pytest.approx(sorted(expected["balances"]))
    source = quality["source"]
    if "day_first" in expected:
        assert source["day_first"] is expected["day_first"]
    assert source["date_order_ambiguous"] is expected.get("ambiguous", False)
    assert (clean["source_file"] == name).all() and clean["account"].notna().all()
    assert clean["original_description"].notna().sum() >= len(clean) - 1
