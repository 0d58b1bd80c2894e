"""Every real export of the corpus is proven by its balances, or says why not: the files
with a running balance or opening/closing statement balances, and what their amounts do."""

from __future__ import annotations

import pytest
import yaml

from tests.pipelines.ingestion.corpus import CORPUS_MAPPINGS, EXPORTS
from titans_finance.datasets.raw_export_dataset import load_mappings, read_export_files
from tests.parameters import parameters
from titans_finance.pipelines.ingestion.nodes import normalise_transactions

EXPECTED = yaml.safe_load((EXPORTS / "expected.yml").read_text())
# `reconciliation` in expected.yml was checked by hand: adding each statement's lines to its
# opening balance. The contradicted ones are library fixtures whose balances were invented
# or anonymised apart from their lines (ABN AMRO: 3236.28 - 321.44 is not the closing 876.84).


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_reconciliation(name):
    raw = read_export_files(str(EXPORTS / name), load_mappings([str(CORPUS_MAPPINGS)]))
    _, _, fixes = normalise_transactions(raw, parameters("ingestion", reference_date="2026-01-01"))
    found = fixes["files"][name]["reconciliation"]
    expected = EXPECTED[name]["reconciliation"]
    assert found["status"] == expected, found
    if expected == "contradicted":
        assert found.get("first_break_row") or found.get("first_break")
    assert raw.attrs["source"]["reading"]["sign_convention"]
