"""Corrections as rules: scoped to the merchant and the tenant, applied at once, revertible."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from titans_finance.core.correction_rules import (
    ACTIVE,
    HELD,
    RULE_COLUMNS,
    RuleBook,
    RuleSet,
    append_rule,
    apply_to_answers,
    approve,
    new_rule,
    read_rules,
    revert,
    rows_of_merchant,
    rules_path,
    status_for,
    usable_key,
)
from titans_finance.core.corrections import append_correction, apply_corrections
from titans_finance.core.feature_params import ACCOUNT_SEPARATOR, MISSING_KEY
from titans_finance.core.history_state import HistoryState


def _correction(category: str, description: str = "JET.COM 1234", who: str = "key-a",
                at: str = "2026-01-02T10:00:00+00:00") -> dict:
    return {"reference": "", "date": "2026-01-02", "description": description,
            "amount": -12.5, "category": category, "predicted_category": "fuel",
            "submitted_at": at, "submitted_by": who}


def _save(tmp_path, correction: dict, key: str, tenant: str, **kwargs) -> dict:
    corrections = tmp_path / "category_corrections.csv"
    append_correction(corrections, correction)
    rule = new_rule(correction, key, tenant, **kwargs)
    append_rule(rules_path(corrections), rule)
    return rule


def test_the_rules_file_sits_beside_the_corrections_file():
    assert rules_path("data/01_raw/category_corrections.csv").as_posix() == (
        "data/01_raw/category_corrections_rules.csv")


@pytest.mark.parametrize(("rows", "cap", "status"), [
    (49, 50, ACTIVE), (50, 50, ACTIVE), (51, 50, HELD), (0, 0, ACTIVE), (1, 0, HELD),
    (None, 50, ACTIVE), (10_000, None, ACTIVE)])
def test_a_rule_changing_more_known_rows_than_the_cap_is_held(rows, cap, status):
    assert status_for(rows, cap) == status


def test_no_rule_without_a_merchant_name():
    assert not usable_key("") and not usable_key("  ") and not usable_key(MISSING_KEY)
    assert usable_key("jet.com")
    with pytest.raises(ValueError, match="no merchant name"):
        new_rule(_correction("shopping"), MISSING_KEY, "key-a")


def test_rules_round_trip_with_formula_text_neutralised(tmp_path):
    correction = _correction("shopping", description="=HYPERLINK(\"x\") JET")
    rule = _save(tmp_path, correction, "=jet", "key-a", rows=3, max_rows=10)
    path = rules_path(tmp_path / "category_corrections.csv")
    raw = path.read_text()
    assert "'=HYPERLINK" in raw and ",'=jet," in raw
    frame = read_rules(path)
    assert list(frame.columns) == RULE_COLUMNS and len(frame) == 1
    line = frame.iloc[0]
    assert (line["rule_id"], line["merchant_key"], line["description"], line["status"],
            line["rows"]) == (rule["rule_id"], "=jet", correction["description"], ACTIVE, "3")


def test_the_latest_rule_wins_an_accounts_own_rule_first_and_tenants_never_mix():
    rules = pd.DataFrame([
        {"rule_id": "r1", "tenant": "a", "account": "", "merchant_key": "jet.com",
         "category": "fuel", "status": ACTIVE},
        {"rule_id": "r2", "tenant": "a", "account": "", "merchant_key": "jet.com",
         "category": "shopping", "status": ACTIVE},           # later: wins over r1
        {"rule_id": "r3", "tenant": "a", "account": "card", "merchant_key": "jet.com",
         "category": "groceries", "status": ACTIVE},          # the card's own
        {"rule_id": "r4", "tenant": "a", "account": "", "merchant_key": "cvs",
         "category": "health", "status": HELD},               # held: never applied
        {"rule_id": "r5", "tenant": "b", "account": "", "merchant_key": "cvs",
         "category": "pharmacy", "status": ACTIVE}]).reindex(columns=RULE_COLUMNS)
    book = RuleSet.of(rules)
    assert len(book) == 3 and book.held == 1
    keys = ["jet.com", "jet.com", "cvs", "shell", "jet.com"]
    accounts = ["current", "card", "current", "card", None]
    category, ids = book.categories("a", keys, accounts)
    assert category.tolist() == ["shopping", "groceries", None, None, "shopping"]
    assert ids.tolist() == ["r2", "r3", None, None, "r2"]
    assert book.categories("b", keys, accounts)[0].tolist() == [None, None, "pharmacy",
                                                                 None, None]
    assert book.categories("c", keys)[0].tolist() == [None] * 5
    assert book.lookup("a", "jet.com", "card") == ("groceries", "r3")
    assert book.lookup("a", "jet.com") == ("shopping", "r2")
    assert book.lookup("b", "jet.com") is None


def test_rules_answer_with_your_correction_and_full_confidence():
    rules = RuleSet.of(pd.DataFrame([{"rule_id": "r1", "tenant": "a", "account": "",
                                      "merchant_key": "jet.com", "category": "shopping",
                                      "status": ACTIVE}]).reindex(columns=RULE_COLUMNS))
    answers = pd.DataFrame({"category": ["fuel", "uncertain", "transfer"],
                            "confidence": [0.7, 0.2, 1.0], "top_k": [[], [], []],
                            "source": ["model", "default", "transfer"],
                            "reason": ["", "no known word", ""]}, index=[10, 11, 12])
    ruled = apply_to_answers(answers, rules, "a", ["shell", "jet.com", "jet.com"])
    # a transfer between the user's own accounts stays one
    assert ruled["category"].tolist() == ["fuel", "shopping", "transfer"]
    assert ruled["confidence"].tolist() == [0.7, 1.0, 1.0]
    assert ruled["source"].tolist() == ["model", "your correction", "transfer"]
    assert ruled.loc[11, "reason"].startswith("you corrected")
    assert answers["category"].tolist() == ["fuel", "uncertain", "transfer"]  # not changed
    assert apply_to_answers(answers, rules, "b", ["shell", "jet.com", "jet.com"]) is answers


def test_a_rule_book_sees_a_rule_written_here_at_once_and_a_revert_elsewhere_within_a_second(
        tmp_path):
    corrections = tmp_path / "category_corrections.csv"
    book = RuleBook(rules_path(corrections), check_every=0.2)
    assert book.current().lookup("key-a", "jet.com") is None
    rule = _save(tmp_path, _correction("shopping"), "jet.com", "key-a")
    book.reload()
    assert book.current().lookup("key-a", "jet.com") == ("shopping", rule["rule_id"])
    # another process (the command line) reverts it: seen within a second, no reload
    assert revert(rules_path(corrections), corrections, rule_id=rule["rule_id"]) == {
        "rules": 1, "corrections": 1}
    started = time.monotonic()
    while book.current().lookup("key-a", "jet.com") is not None:
        assert time.monotonic() - started < 1.0
        time.sleep(0.02)


def test_revert_by_id_removes_that_rule_and_its_correction_only(tmp_path):
    corrections = tmp_path / "category_corrections.csv"
    first = _save(tmp_path, _correction("shopping"), "jet.com", "key-a")
    second = _save(tmp_path, _correction("health", "CVS 0042",
                                         at="2026-01-02T10:00:01+00:00"), "cvs", "key-a")
    assert revert(rules_path(corrections), corrections, rule_id=first["rule_id"]) == {
        "rules": 1, "corrections": 1}
    assert read_rules(rules_path(corrections))["rule_id"].tolist() == [second["rule_id"]]
    left = pd.read_csv(corrections, dtype="str", keep_default_na=False)
    assert left["description"].tolist() == ["CVS 0042"]
    assert (tmp_path / "category_corrections.csv.bak").is_file()
    assert revert(rules_path(corrections), corrections, rule_id="rule-unknown") == {
        "rules": 0, "corrections": 0}


def test_revert_by_who_removes_every_rule_and_correction_of_that_key(tmp_path):
    corrections = tmp_path / "category_corrections.csv"
    _save(tmp_path, _correction("shopping"), "jet.com", "key-a")
    _save(tmp_path, _correction("health", "CVS 1", at="2026-01-02T10:00:01+00:00"), "cvs",
          "key-a")
    kept = _save(tmp_path, _correction("fuel", "SHELL 9", who="key-b"), "shell", "key-b")
    append_correction(corrections, _correction("rent", "RENT", at="2026-01-03T00:00:00+00:00"))
    assert revert(rules_path(corrections), corrections, submitted_by="key-a") == {
        "rules": 2, "corrections": 3}
    assert read_rules(rules_path(corrections))["rule_id"].tolist() == [kept["rule_id"]]
    with pytest.raises(ValueError, match="either"):
        revert(rules_path(corrections), corrections)


def test_rows_of_merchant_counts_the_known_transactions_of_the_key():
    history = HistoryState.from_frame(pd.DataFrame({
        "transaction_id": [f"t{i}" for i in range(6)], "source_row": range(6),
        "date": pd.date_range("2026-01-01", periods=6),
        "description": ["JET.COM 1001", "JET.COM 1002", "JET.COM 1003", "CVS 1004", "JET.COM 1005",
                        "X"],
        "amount": [-1.0, -2.0, -3.0, -4.0, -5.0, -6.0],
        "reference": [None] * 6, "type": ["expense"] * 6,
        "account": ["a", "a", "b", "a", "b", "a"]}))
    assert rows_of_merchant(history.merchant, "jet.com") == 4
    assert rows_of_merchant(history.merchant, "jet.com", ["a"]) == 2
    assert rows_of_merchant(history.merchant, "nothing") == 0
    assert f"a{ACCOUNT_SEPARATOR}jet.com" in set(history.merchant.index)


def test_a_reference_with_date_and_amount_corrects_one_transaction_not_the_merchant():
    clean = pd.DataFrame({
        "transaction_id": ["t1", "t2", "t3"], "reference": ["ACME", "ACME", "ACME"],
        "date": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-02"]),
        "description": ["a", "b", "c"], "amount": [-5.0, -5.0, -7.0],
        "category": ["fuel"] * 3})
    one = pd.DataFrame([{"reference": "acme", "date": "2026-01-02", "amount": "-5",
                         "category": "office"}])
    corrected, summary = apply_corrections(clean, one)
    assert corrected["corrected"].tolist() == [False, True, False]
    every = pd.DataFrame([{"reference": "ACME", "category": "office"}])
    assert apply_corrections(clean, every)[0]["corrected"].tolist() == [True, True, True]
    bad = pd.DataFrame([{"reference": "ACME", "date": "02/01/2026", "category": "office"}])
    corrected, summary = apply_corrections(clean, bad)
    assert not corrected["corrected"].any() and "date" in summary["invalid"][0]["error"]
    assert np.isfinite(summary["usable"])


def test_a_held_rule_acts_and_trains_only_once_an_operator_approves_it(tmp_path):
    corrections = tmp_path / "category_corrections.csv"
    correction = _correction("shopping")
    held = new_rule(correction, "jet.com", "key-a", rows=11, max_rows=10)
    append_rule(rules_path(corrections), held)  # as the service does: no correction line
    book = RuleBook(rules_path(corrections), check_every=0.0)
    assert held["status"] == HELD and book.current().lookup("key-a", "jet.com") is None
    assert not corrections.exists()
    assert not approve(rules_path(corrections), corrections, "rule-unknown")
    assert approve(rules_path(corrections), corrections, held["rule_id"])
    assert book.current().lookup("key-a", "jet.com") == ("shopping", held["rule_id"])
    lines = pd.read_csv(corrections, dtype=str, keep_default_na=False)
    assert lines[["description", "category", "submitted_by", "submitted_at"]].values.tolist() == [
        [correction["description"], "shopping", "key-a", correction["submitted_at"]]]
    # approved once: a second approval changes nothing, and revert removes both again
    assert not approve(rules_path(corrections), corrections, held["rule_id"])
    assert revert(rules_path(corrections), corrections, rule_id=held["rule_id"]) == {
        "rules": 1, "corrections": 1}
