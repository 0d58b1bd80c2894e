"""Every real export of the corpus (tests/data/exports, sources in SOURCES.md) goes through
the ingestion pipeline with every transaction at the right date and signed amount: the
sidecar expected/<file>.csv lists them, read independently of our reader and checked by hand.
And each is proven by its balances, or says why not: the files with a running balance or
opening/closing statement balances, and what their amounts do."""

from __future__ import annotations

import functools

import pandas as pd
import pytest
import yaml

from titans_finance.core.readers import detect_format
from tests.pipelines.ingestion.corpus import CORPUS_MAPPINGS, EXPORTS, run_ingestion

EXPECTED = yaml.safe_load((EXPORTS / "expected.yml").read_text())
SIDECARS = EXPORTS / "expected"
NOT_EXPORTS = {"SOURCES.md", "expected.yml", "export_mappings.yml", "expected"}


@functools.cache
def ingested(name: str) -> dict:
    """The ingestion pipeline's outputs for corpus file ``name``: run once per test process,
    read by both tests of the file (neither changes them)."""
    return run_ingestion(EXPORTS / name, mapping_files=[str(CORPUS_MAPPINGS)],
                         reference_date="2026-01-01")


def sidecar(name: str) -> list[tuple[pd.Timestamp, float]]:
    """(date, signed amount) of every transaction of ``name``, sorted."""
    rows = pd.read_csv(SIDECARS / f"{name}.csv", dtype={"date": "str", "amount": "float64"})
    return sorted(zip(pd.to_datetime(rows["date"]), rows["amount"].round(4)))


def test_corpus_has_at_least_60_files_from_20_countries():
    assert len(EXPECTED) >= 60
    assert len({entry["country"] for entry in EXPECTED.values()}) >= 20
    on_disk = {p.name for p in EXPORTS.iterdir()} - NOT_EXPORTS
    assert on_disk == set(EXPECTED), "every file has expected values, and only real files"
    assert {p.name for p in SIDECARS.iterdir()} == {f"{name}.csv" for name in EXPECTED}
    sources = (EXPORTS / "SOURCES.md").read_text()
    assert all(f"`{name}`" in sources for name in EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_keeps_every_transaction(name):
    expected, transactions = EXPECTED[name], sidecar(name)
    path = EXPORTS / name
    assert detect_format(path.read_bytes()) == expected["format"]
    out = ingested(name)
    clean, quality = out["clean_transactions"], out["data_quality"]
    quarantined = out["quarantined_transactions"]
    assert quarantined["reasons"].value_counts().to_dict() == expected.get("quarantined", {}), (
        quarantined.to_dict("records"))
    kept = pd.concat([clean, out["duplicate_transactions"]], ignore_index=True)
    assert len(out["duplicate_transactions"]) == expected.get("duplicates", 0)
    assert sorted(zip(kept["date"], kept["amount"].round(4))) == transactions
    assert quality["rows_read"] == len(transactions) + len(quarantined)
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


# `reconciliation` in expected.yml was checked by hand: adding each statement's lines to its
# opening balance. The contradicted ones are library fixtures whose balances were invented
# or anonymised apart from their lines (ABN AMRO: 3236.28 - 321.44 is not the closing 876.84).
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_reconciliation(name):
    source = ingested(name)["data_quality"]["source"]  # the file's entry: one file read
    found = source["reconciliation"]
    expected = EXPECTED[name]["reconciliation"]
    assert found["status"] == expected, found
    if expected == "contradicted":
        assert found.get("first_break_row") or found.get("first_break")
    assert source["reading"]["sign_convention"]
