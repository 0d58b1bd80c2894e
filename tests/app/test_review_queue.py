"""The review queue's logic on small hand-made frames: order by money settled, no
pre-selected guess when the model was unsure, corrections acting at once as rules."""

from __future__ import annotations

import pandas as pd
import pytest

from titans_finance.app import review_queue
from titans_finance.core.correction_rules import RULE_COLUMNS, RuleSet
from titans_finance.core.feature_params import MISSING_KEY


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame({
        "transaction_id": ["a", "b", "c", "d", "e", "f", "g"],
        "account": ["cheque", "cheque", "card", "card", "cheque", "card", "cheque"],
        "merchant_key": ["tesco", "shell", "tesco", "acme", "netflix", "tesco", "shell"],
        "amount": [-40.0, -60.5, -12.0, 2500.0, -9.99, -3.0, 20.0],
        "category": ["groceries", None, None, "salary", "subscriptions", "fuel", None],
        "category_source": ["export", "none", "model unsure", "export", "predicted",
                            "your correction", "model unsure"],
    })


def _queue(*rows: tuple[str, str, str, float]) -> pd.DataFrame:
    return pd.DataFrame([{"transaction_id": t, "merchant_key": k, "predicted_category": p,
                          "confidence": c, "transactions_of_merchant": 2,
                          "date": "2025-01-01", "description": t, "amount": -1.0}
                         for t, k, p, c in rows])


def _rules(*rows: tuple[str, str, str]) -> RuleSet:
    return RuleSet.of(pd.DataFrame([
        {"rule_id": f"r{i}", "tenant": tenant, "account": "", "merchant_key": key,
         "category": category, "status": "active"}
        for i, (tenant, key, category) in enumerate(rows)]).reindex(columns=RULE_COLUMNS))


def test_the_queue_puts_the_decision_that_settles_the_most_money_first(table):
    queue = _queue(("e", "netflix", "subscriptions", 0.6), ("c", "tesco", "uncertain", 0.2),
                   ("b", "shell", "uncertain", 0.1), ("d", "acme", "salary", 0.9))
    items = review_queue.review_items(queue, None, table)
    # shell: |-60.5| + |20| open; tesco: only c's 12 (a is the export's, f the user's own)
    assert items["transaction_id"].tolist() == ["b", "c", "e", "d"]
    assert items["settles"].tolist() == pytest.approx([80.5, 12.0, 9.99, 0.0])
    # equal money: the pipeline's order stays
    same = review_queue.review_items(_queue(("x", "none1", "fuel", 0.5),
                                            ("y", "none2", "fuel", 0.5)), None, table)
    assert same["transaction_id"].tolist() == ["x", "y"]
    assert review_queue.review_items(None, None, table).empty


def test_an_unsure_guess_is_never_pre_selected():
    choices = {"fuel": "Fuel", "groceries": "Groceries"}
    item = pd.Series({"predicted_category": "uncertain", "top_k": "fuel 0.45; groceries 0.4"})
    assert review_queue.preselected(item, choices) is None
    assert review_queue.preselected(pd.Series({"predicted_category": "fuel"}), choices) == "fuel"
    # an answer the user cannot choose (a group, a category outside the taxonomy): none
    assert review_queue.preselected(pd.Series({"predicted_category": "food"}), choices) is None
    assert review_queue.preselected(pd.Series({"predicted_category": None}), choices) is None
    # a group answer is never preselected, even when an export uses its id as a category
    both = {**choices, "food": "food"}
    group = pd.Series({"predicted_category": "food", "level": "group"})
    assert review_queue.preselected(group, both) is None
    assert review_queue.preselected(pd.Series({"predicted_category": "food",
                                               "level": "category"}), both) == "food"


def test_the_model_answer_names_a_group_and_says_why():
    taxonomy = {"groups": {"food": "Food and drink"}}
    group = pd.Series({"predicted_category": "food", "level": "group",
                       "reason": "between groceries and restaurants"})
    assert review_queue.model_answer(group, taxonomy) == \
        "Food and drink (group): between groceries and restaurants"
    unsure = pd.Series({"predicted_category": "uncertain", "level": "uncertain",
                        "reason": "no known word in 'XQZ 4411'"})
    assert review_queue.model_answer(unsure, taxonomy) == "unsure: no known word in 'XQZ 4411'"
    leaf = pd.Series({"predicted_category": "fuel", "level": "category", "reason": ""})
    assert review_queue.model_answer(leaf, taxonomy) == "fuel"


def test_a_rule_changes_the_merchants_open_rows_only_and_only_for_its_tenant(table):
    rules = _rules(("app", "tesco", "household"), ("someone-else", "shell", "fuel"))
    ruled = review_queue.with_rules(table, rules)
    assert ruled["category"].fillna("-").tolist() == ["groceries", "-", "household", "salary",
                                                      "subscriptions", "fuel", "-"]
    assert ruled["category_source"].tolist()[:3] == ["export", "none", "your correction"]
    assert ruled["rule_id"].fillna("-").tolist() == ["-", "-", "r0", "-", "-", "-", "-"]
    assert pd.isna(table["category"].iloc[2])  # the input table is unchanged
    nothing = review_queue.with_rules(table, _rules(("app", "nobody", "x")))
    assert nothing["category"].equals(table["category"])


def test_merchant_impact_counts_what_a_correction_changes_at_once(table):
    impact = review_queue.merchant_impact(table, "tesco", "c", "groceries")
    # a (the export's, already groceries) and f (your own, fuel): nothing open to change
    assert impact == {"others": 2, "others_different": 1, "changed_now": 0}
    assert review_queue.merchant_impact(table, "shell", "b", "fuel") == {
        "others": 1, "others_different": 1, "changed_now": 1}
    assert review_queue.merchant_impact(table, "", "a", "x") == {
        "others": 0, "others_different": 0, "changed_now": 0}


def test_the_app_makes_no_rule_without_a_merchant_name():
    record = {"category": "fuel", "date": "2025-01-01", "description": "x", "amount": -1,
              "submitted_at": "2026-01-01T00:00:00+00:00", "submitted_by": "app"}
    assert review_queue.app_rule(record, MISSING_KEY) is None
    rule = review_queue.app_rule(record, "shell")
    assert (rule["tenant"], rule["merchant_key"], rule["category"]) == ("app", "shell", "fuel")


def test_taxonomy_choices_include_categories_in_use(table):
    taxonomy = {"categories": [{"id": "groceries", "label": "Groceries"},
                               {"id": "rent", "label": "Rent"}]}
    choices = review_queue.taxonomy_categories(taxonomy, table.assign(
        category=table["category"].fillna("uncertain")))
    assert choices["groceries"] == "Groceries" and "subscriptions" in choices
    assert "uncertain" not in choices and list(choices) == sorted(choices)


def test_a_group_answers_name_in_the_table_is_not_offered_as_a_category():
    """The table shows a group answer as "Income (group)": no correction can name it; an
    export's own capitalised category ("Restaurants") can, as the service takes it."""
    table = pd.DataFrame({"category": ["Income (group)", "Restaurants", "office_supplies",
                                       "uncertain"]})
    choices = review_queue.taxonomy_categories({"categories": []}, table)
    assert set(choices) == {"Restaurants", "office_supplies"}
