"""The report and the app name the export and run they describe, and warn when their
inputs come from different runs (one pipeline run alone on another export)."""

import re

import pandas as pd

from titans_finance.app.views import run_provenance
from titans_finance.core.fingerprint import computed_from, data_hash
from titans_finance.reporting.provenance import provenance_lines

CLEAN = pd.DataFrame({"date": pd.to_datetime(["2025-01-01", "2025-01-02"]),
                      "amount": [10.0, -4.0]})
NEW_EXPORT = CLEAN.assign(amount=[10.0, -5.0])


def _quality(clean, name="card_2025.csv"):
    return {"rows_read": 3, "source": {"file": name}, "export_fingerprint": "00ab",
            "computed_from": computed_from(clean)}


def test_one_run_is_named_and_not_warned_about():
    stamp = {"computed_from": computed_from(CLEAN)}
    lines = provenance_lines(_quality(CLEAN), data_hash(CLEAN),
                             {"cashflow": stamp, "amount": stamp})
    assert len(lines) == 1
    assert "card_2025.csv" in lines[0] and "fingerprint 00ab" in lines[0]
    assert "3 rows" in lines[0] and data_hash(CLEAN) in lines[0]
    assert computed_from(CLEAN)["at"][:10] in lines[0]
    # the ingestion stage's report carries no time (DVC rebuilds it byte for byte): the
    # line then names no time rather than a placeholder
    timeless = {**_quality(CLEAN), "computed_from": computed_from(CLEAN, when=False)}
    line = provenance_lines(timeless, data_hash(CLEAN), {"amount": stamp})[0]
    assert " read at" not in line and "?" not in line and data_hash(CLEAN) in line


def test_models_of_another_export_are_named_in_a_warning():
    # ingestion rerun on a new export; the cash-flow model is still the old export's
    old = {"computed_from": computed_from(CLEAN)}
    new = {"computed_from": computed_from(NEW_EXPORT)}
    lines = provenance_lines(_quality(NEW_EXPORT), data_hash(NEW_EXPORT),
                             {"cashflow": old, "amount": new, "category": {"accuracy": 0.9}})
    assert len(lines) == 2 and lines[1].startswith("Warning: this report mixes runs")
    assert "the cash-flow model" in lines[1] and data_hash(CLEAN) in lines[1]
    assert "the category model: says nothing of the data" in lines[1]
    assert "the amount model" not in lines[1]


def test_the_app_says_the_same_as_markdown_safe_text():
    quality = _quality(CLEAN, name="my_card*export.csv")
    lines = run_provenance(quality, data_hash(NEW_EXPORT),
                           {"cashflow": {"computed_from": computed_from(CLEAN)}, "amount": None})
    assert r"my\_card\*export\.csv" in lines[0]
    # every line escaped as the app escapes user text (app/text.as_text), read back as written
    shown = [re.sub(r"\\(.)", r"\1", line) for line in lines]
    assert len(shown) == 2 and "the app's data mixes runs" in shown[1]
    assert "the data-quality report" in shown[1]  # its own stamp is of other data too
    assert shown[0] == provenance_lines(quality, data_hash(NEW_EXPORT), {
        "cashflow": {"computed_from": computed_from(CLEAN)}})[0]


def test_tables_of_another_export_stop_the_report_with_a_clear_error():
    import pytest

    from titans_finance.reporting.provenance import MixedRunsError, require_rows_of

    clean = CLEAN.assign(transaction_id=["t1", "t2"])
    lines = provenance_lines(_quality(clean), data_hash(clean), {})
    same = pd.DataFrame({"transaction_id": ["t2", "t1"]})  # any order: the same rows
    require_rows_of(clean, {"the feature table": same}, lines)
    for other in (pd.DataFrame({"transaction_id": ["t1", "t3"]}),  # as many rows, others
                  pd.DataFrame({"transaction_id": ["t1", "t2", "t3"]})):  # one more
        with pytest.raises(MixedRunsError, match=r"the feature table \(\d rows\) do not "
                                                 r"describe the 2 rows of the clean table\. "
                                                 r"Export: card_2025\.csv"):
            require_rows_of(clean, {"the feature table": other, "the scores": same}, lines)
