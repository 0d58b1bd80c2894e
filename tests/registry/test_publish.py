"""Publishing: one function for the package and retrain pipelines; the manifest names each
new version with the digest of its bytes and keeps the entries it did not replace."""

import bentoml
import pandas as pd
import pytest

from titans_finance.registry.publish import publish, store_metadata, training_data_metadata
from titans_finance.registry.store import ARTEFACT_FORMAT, StaleArtefact, artefact_digest, load


def test_publish_replaces_only_the_keys_it_saves_and_records_their_digests():
    before = {"tags": {"category": "titans_category:old", "amount": "titans_amount:old"},
              "sha256": {"category": "c" * 64, "amount": "a" * 64}, "data_hash": "x",
              "artefact_format": ARTEFACT_FORMAT}
    after = publish({"amount": ({"model": 1}, {"note": None, "n": 3})}, before,
                    labels={"stage": "champion"})
    assert after["tags"]["category"] == "titans_category:old"
    assert after["sha256"]["category"] == "c" * 64 and after["data_hash"] == "x"
    tag = after["tags"]["amount"]
    assert tag.startswith("titans_amount:") and tag != "titans_amount:old"
    assert after["sha256"]["amount"] == artefact_digest(tag)
    stored = bentoml.models.get(tag)
    assert load(stored.path, after["sha256"]["amount"]) == {"model": 1}
    assert stored.info.labels == {"project": "titans-finance", "stage": "champion"}
    assert stored.info.metadata == {"n": 3}  # nulls dropped: BentoML accepts none
    assert before["tags"]["amount"] == "titans_amount:old"  # the caller's manifest untouched


def test_publish_records_the_artefact_format_and_never_mixes_formats():
    assert publish({"amount": ({"model": 1}, {})})["artefact_format"] == ARTEFACT_FORMAT
    old = {"tags": {"category": "titans_category:old"}, "sha256": {"category": "c" * 64},
           "artefact_format": ARTEFACT_FORMAT - 1}
    with pytest.raises(StaleArtefact, match=r"\(category\) were saved by an older version"):
        publish({"amount": ({"model": 1}, {})}, old)
    # replacing every artefact the old manifest named is a fresh start
    assert publish({"category": ({"model": 2}, {})}, old)["artefact_format"] == ARTEFACT_FORMAT


def test_publish_refuses_a_key_without_a_store_name():
    with pytest.raises(ValueError, match=r"no store name for \['weights'\]"):
        publish({"weights": ({}, {})})


def test_metadata_is_json_without_nulls_and_names_the_training_data():
    assert store_metadata({"a": None, "b": [1, None, {"c": None, "d": pd.Timestamp("2024-01-02")}]}
                          ) == {"b": [1, {"d": "2024-01-02 00:00:00"}]}
    meta = training_data_metadata(pd.DataFrame({"amount": [1.0, -2.0]}))
    assert meta["n_transactions"] == 2 and len(meta["data_hash"]) >= 8 and meta["packaged_at"]
