"""A correction sent to /feedback acts on the caller's next category answers for the same
merchant at once (in-process service), never on another tenant's; a revert from the
command line undoes it within a second; a rule that would change more known transactions
than the cap is held. The cap's boundary is tested on `LiveCorrections` with a real
history state."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from tests.serving.conftest import FEEDBACK_RULE_MAX_ROWS, FUZZ_KEY, KeyedClient
from titans_finance.core.correction_rules import ACTIVE, HELD, read_rules
from titans_finance.core.history_state import HistoryState
from titans_finance.serving.corrections_live import LiveCorrections, tenant_of
from titans_finance.serving.security import Caller

# a merchant the training data never saw: the model's answer for it is its own guess
FIRST = {"description": "ZORBLAX GADGETS 4411 AUSTIN TX", "amount": -41.3,
         "date": "2025-03-10"}
OTHER = {"description": "ZORBLAX GADGETS 9902 DALLAS TX", "amount": -17.95,
         "date": "2025-03-12"}


def _category(client, transaction: dict) -> dict:
    response = client.post("/predict/category", json=transaction)
    assert response.status_code == 200, response.text
    return response.json()


def _until(check, seconds: float = 1.0) -> float:
    """Seconds until ``check()`` is true; fails after ``seconds``."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, f"not within {seconds} s"
        time.sleep(0.02)
    return time.monotonic() - started


def test_a_correction_changes_the_callers_answers_for_the_merchant_at_once_and_reverts(
        client, service, corrections_path):
    from titans_finance.command_line import main

    other_tenant = KeyedClient(service, FUZZ_KEY)
    before = _category(client, OTHER)
    before_other_tenant = _category(other_tenant, OTHER)
    chosen = "office_supplies" if before["category"] != "office_supplies" else "software"
    sent = client.post("/feedback", json={**FIRST, "category": chosen})
    sent_at = time.monotonic()
    assert sent.status_code == 200, sent.text
    rule = sent.json()["rule"]
    assert (rule["status"], rule["merchant_key"], rule["category"]) == (
        ACTIVE, "zorblax gadgets", chosen)
    # the next answer for another transaction of the merchant, within a second
    after = _category(client, OTHER)
    assert time.monotonic() - sent_at < 1.0
    assert (after["category"], after["source"], after["confidence"]) == (
        chosen, "your correction", 1.0)
    batch = client.post("/predict/batch", json={"transactions": [
        {**OTHER, "record": False}, {**FIRST, "description": "SHELL OIL 57444 HOUSTON TX",
                                     "record": False}]}).json()["results"]
    assert batch[0]["category"]["category"] == chosen
    assert batch[1]["category"]["source"] != "your correction"
    # another tenant's answer is unchanged (its own batch too)
    assert _category(other_tenant, OTHER) == before_other_tenant
    theirs = other_tenant.post("/predict/batch", json={"transactions": [
        {**OTHER, "record": False}]}).json()["results"][0]["category"]
    assert theirs["source"] != "your correction"
    # the rule and its correction are on file, and the command line undoes both
    assert rule["rule_id"] in set(read_rules(corrections_path.with_name(
        "category_corrections_rules.csv"))["rule_id"])
    assert main(["corrections", "revert", "--id", rule["rule_id"], "--path",
                 str(corrections_path)]) == 0
    _until(lambda: _category(client, OTHER)["source"] != "your correction")
    assert _category(client, OTHER) == before
    lines = pd.read_csv(corrections_path, dtype=str, keep_default_na=False)
    assert not (lines["description"] == FIRST["description"]).any()


def test_a_correction_of_a_merchant_with_more_known_transactions_than_the_cap_is_held(
        client, corrections_path):
    starbucks = {"description": "Starbucks", "date": "2025-03-15", "amount": -4.5}
    preview = client.post("/feedback", json={**starbucks, "category": "travel",
                                             "dry_run": True}).json()["rule"]
    assert preview["known_transactions"] > FEEDBACK_RULE_MAX_ROWS  # the generated data's largest
    assert preview["status"] == HELD and preview["max_transactions"] == FEEDBACK_RULE_MAX_ROWS
    answer = client.post("/feedback", json={**starbucks, "category": "travel"}).json()
    held = answer["rule"]
    assert held["status"] == HELD and "review" in held["note"]
    assert answer["accepted"] is False  # kept for review: neither applied nor trained on
    answer = _category(client, {"description": "SQ *STARBUCKS 1234", "amount": -5.1,
                                "date": "2025-03-16", "merchant": "Starbucks"})
    assert answer["source"] != "your correction"
    # not in the corrections file either: no training learns from it before a review
    if corrections_path.exists():
        lines = pd.read_csv(corrections_path, dtype=str, keep_default_na=False)
        assert not ((lines["reference"] == "Starbucks") & (lines["category"] == "travel")).any()


def _history(merchant_rows: int) -> HistoryState:
    n = merchant_rows + 1
    return HistoryState.from_frame(pd.DataFrame({
        "transaction_id": [f"t{i}" for i in range(n)], "source_row": range(n),
        "date": pd.date_range("2025-01-01", periods=n),
        "description": [f"ZORBLAX GADGETS {1000 + i}" for i in range(merchant_rows)] + ["X"],
        "amount": [-10.0] * n, "reference": [None] * n, "type": ["expense"] * n}))


@pytest.mark.parametrize(("known", "status"), [(4, ACTIVE), (5, ACTIVE), (6, HELD)])
def test_the_cap_counts_the_known_transactions_of_the_merchant(tmp_path, known, status):
    live = LiveCorrections(tmp_path / "category_corrections.csv", max_rows=5)
    record = {**FIRST, "category": "shopping", "submitted_at": "2026-01-01T00:00:00+00:00",
              "submitted_by": "key-a"}
    rule = live.rule_for(record, "key-a", _history(known))
    assert (rule["rows"], rule["status"]) == (known, status)
    live.save(rule)
    applies = live.book.current().lookup("key-a", "zorblax gadgets") is not None
    assert applies == (status == ACTIVE)


def test_no_rule_without_a_tenant_or_a_merchant_name(tmp_path):
    live = LiveCorrections(tmp_path / "c.csv", max_rows=5)
    record = {**FIRST, "category": "shopping", "submitted_at": "2026-01-01T00:00:00+00:00"}
    assert live.rule_for(record, "", _history(1)) is None
    assert live.rule_for({**record, "description": "4411"}, "key-a", _history(1)) is None
    assert live.describe(None)["status"] == "none"


def test_a_keys_tenant_is_its_key_id_until_keys_belong_to_tenants():
    caller = Caller("key-0123", "prediction", frozenset())
    assert tenant_of(caller) == "key-0123" and tenant_of(None) == ""


def test_settle_applies_the_callers_rule_to_one_answer_but_never_to_a_transfer(tmp_path):
    live = LiveCorrections(tmp_path / "category_corrections.csv", max_rows=5)
    record = {**FIRST, "category": "shopping", "submitted_at": "2026-01-01T00:00:00+00:00",
              "submitted_by": "key-a"}
    live.save(live.rule_for(record, "key-a", _history(0)))
    frame = pd.DataFrame({"account": [None, "card", None]})
    features = pd.DataFrame({"merchant_key": ["zorblax gadgets", "zorblax gadgets", "shell"]})
    answers = [{"category": "fuel", "confidence": 0.4, "source": "model"},
               {"category": "transfer", "confidence": 1.0, "source": "transfer"},
               {"category": "fuel", "confidence": 0.9, "source": "model"}]
    live.tag(answers, frame, features)
    settled = [live.settle(dict(answer), "key-a") for answer in answers]
    assert [a["category"] for a in settled] == ["shopping", "transfer", "fuel"]
    assert all("_rule_scope" not in a for a in settled)
    assert live.settle(dict(answers[0]), "key-b")["category"] == "fuel"


def test_held_corrections_of_one_key_are_capped_too(tmp_path):
    from titans_finance.core.corrections import CorrectionsCapReached

    live = LiveCorrections(tmp_path / "category_corrections.csv", max_rows=5)
    history = _history(6)  # every rule on this merchant is held

    def held(i: int) -> dict:
        record = {**FIRST, "category": "shopping", "submitted_by": "key-a",
                  "submitted_at": f"2026-01-01T00:00:0{i}+00:00"}
        return live.rule_for(record, "key-a", history)

    live.save(held(0), max_held_per_key=2)
    live.save(held(1), max_held_per_key=2)  # the second: at the cap, allowed
    with pytest.raises(CorrectionsCapReached, match="waiting for review"):
        live.save(held(2), max_held_per_key=2)
    active = live.rule_for({**FIRST, "category": "fuel", "submitted_by": "key-a",
                            "submitted_at": "2026-01-01T00:00:09+00:00"}, "key-a", _history(1))
    live.save(active, max_held_per_key=2)  # active rules are capped with their corrections
    assert live.book.held_by("key-a") == 2


def test_a_correction_naming_its_transaction_by_reference_alone_makes_no_rule(tmp_path):
    """reference + date + amount names one transaction for training; no merchant is named,
    so no rule (an invoice number as a 'merchant' would relabel nothing real)."""
    from titans_finance.serving.corrections_live import LiveCorrections

    live = LiveCorrections(tmp_path / "corrections.csv", 5)
    record = {"reference": "INV-2025-0042", "date": "2025-03-14", "amount": -49.0,
              "category": "software", "submitted_at": "2026-01-01T00:00:00+00:00"}
    assert live.rule_for(record, "tenant-a", _history(1)) is None
    assert live.describe(None)["status"] == "none"
