"""Honest scoring of the public exports: a label is scored only against a taxonomy category
the row's direction allows (money out never against an income category)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmarks.evaluation.public_exports import _scored_labels, load_ledger, named_group


@pytest.mark.parametrize("label, amount, scored", [
    ("salary", -0.01, False), ("salary", 0.0, False), ("salary", 0.01, True),
    ("groceries", -0.01, True), ("groceries", 0.0, False), ("groceries", 0.01, False),
    ("refund", -0.01, False), ("refund", 0.01, True),
    ("transfer", -0.01, True), ("transfer", 0.01, True)])
def test_a_label_is_scored_only_in_the_direction_its_kind_allows(label, amount, scored):
    out = _scored_labels(pd.Series([label], dtype=object), np.array([amount]))
    assert bool(out.iloc[0] == label) == scored and bool(out.isna().iloc[0]) == (not scored)


def test_an_unmapped_label_stays_unscored():
    out = _scored_labels(pd.Series([None, np.nan], dtype=object), np.array([-5.0, 5.0]))
    assert out.isna().all()


def test_payroll_paid_out_is_never_scored_as_salary(tmp_path):
    path = tmp_path / "main.ledger"
    path.write_text("2016/03/01 Gusto\n    Expenses:Operating:Staff:Salary    $2,500.00\n"
                    "    Assets:Bank\n\n"
                    "2016/03/02 Lyft\n    Expenses:Operating:Transportation:Ground    $12.00\n"
                    "    Assets:Bank\n")
    tx = load_ledger(path)
    assert tx["amount"].tolist() == [-2500.0, -12.0]
    assert tx["taxonomy"].isna().iloc[0]
    assert tx["taxonomy"].iloc[1] == "taxi_rideshare"


@pytest.mark.parametrize("label, group", [
    ("food", "food"), ("Expenses:Operating:Food", "food"), ("Food and drink", "food"),
    ("Food & Drink", "food"), ("Transport", "transport"), ("Groceries", None),
    ("Food & Dining", None), ("Expenses:Operating:Food:Snacks", None), (None, None)])
def test_a_label_that_names_a_taxonomy_group_is_scored_at_the_group(label, group):
    assert named_group(label) == group
