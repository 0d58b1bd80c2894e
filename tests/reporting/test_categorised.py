import io

import pandas as pd

from titans_finance.reporting.categorised import categorise, for_spreadsheet, group_label


def _clean():
    return pd.DataFrame({
        "transaction_id": ["t1", "t2", "t3", "t4", "t5"],
        "date": pd.to_datetime(["2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08",
                                "2024-01-09"]),
        "type": ["expense", "expense", "expense", "income", "expense"],
        "description": ["Shell", "=HYPERLINK(\"http://x\")", "Mystery shop", "Client", "Adobe"],
        "amount": [-50.0, -12.5, -9.99, 2000.0, -55.98],
        "category": ["fuel", None, None, None, "software"],
        "reference": ["", "", "", "", "INV-9"],
    })


def _predictions():
    return pd.DataFrame({
        "transaction_id": ["t2", "t3", "t5"], "predicted_category": ["software", "uncertain",
                                                                     "software"],
        "confidence": [0.91, 0.31, 0.99], "source": ["model", "model", "model"],
        "top_k": ["software 0.91; fuel 0.05", "food 0.31; fuel 0.30", "software 0.99"],
        "split": ["unlabelled", "unlabelled", "holdout"]})


def test_uncategorised_expenses_get_the_models_category_marked_as_predicted():
    table = categorise(_clean(), _predictions())
    assert table["category"].fillna("-").tolist() == ["fuel", "software", "-", "-", "software"]
    assert list(table["category_source"]) == ["export", "predicted", "model unsure", "none",
                                              "export"]
    assert table["model_confidence"].iloc[1] == 0.91 and pd.isna(table["model_confidence"].iloc[4])


def test_a_users_correction_wins_over_export_and_model():
    corrections = pd.DataFrame({"reference": ["INV-9"], "date": [""], "description": [""],
                                "amount": [""], "category": ["subscriptions"]})
    table = categorise(_clean(), _predictions(), corrections)
    assert table.loc[4, "category"] == "subscriptions"
    assert table.loc[4, "category_source"] == "your correction"


def test_the_csv_opens_in_a_spreadsheet_as_written():
    table = for_spreadsheet(categorise(_clean(), _predictions()))
    assert list(table.columns[:9]) == ["date", "type", "description", "amount", "category",
                                       "category_source", "category_reason",
                                       "model_confidence", "model_top_3"]
    assert table["date"].iloc[0] == "2024-01-05"
    # a description a spreadsheet would run as a formula is written as text
    assert table["description"].iloc[1] == "'=HYPERLINK(\"http://x\")"
    text = table.to_csv(index=False)
    again = pd.read_csv(io.StringIO(text))
    assert again["amount"].tolist() == [-50.0, -12.5, -9.99, 2000.0, -55.98]


def test_uncategorised_income_gets_the_models_income_category_too():
    predictions = pd.concat([_predictions(), pd.DataFrame({
        "transaction_id": ["t4"], "predicted_category": ["sales_revenue"], "confidence": [0.88],
        "source": ["model"], "top_k": ["sales_revenue 0.88"], "split": ["unlabelled"]})])
    table = categorise(_clean(), predictions)
    assert table.loc[3, "category"] == "sales_revenue"
    assert table.loc[3, "category_source"] == "predicted"
    assert table.loc[3, "model_confidence"] == 0.88


TAXONOMY = {"groups": {"food": "Food and drink"}, "categories": [{"id": "groceries"}]}


def _answered(level, reason, category="food"):
    return pd.DataFrame({
        "transaction_id": ["t2", "t3"], "predicted_category": [category, "uncertain"],
        "confidence": [0.8, 0.2], "source": ["model", "model"], "top_k": ["", ""],
        "split": ["unlabelled", "unlabelled"], "level": [level, "uncertain"],
        "reason": [reason, "no known word in 'Mystery shop'"]})


def test_a_group_answer_shows_as_the_groups_name_with_its_reason():
    table = categorise(_clean(), _answered("group", "between groceries and restaurants"),
                       taxonomy=TAXONOMY)
    assert table.loc[1, "category"] == "Food and drink (group)"
    assert table.loc[1, "category_source"] == "predicted"
    assert table.loc[1, "category_reason"] == "between groceries and restaurants"
    # the unsure row says why; a row the model did not answer for says nothing
    assert table.loc[2, "category_reason"] == "no known word in 'Mystery shop'"
    assert table.loc[0, "category_reason"] == "" and table.loc[3, "category_reason"] == ""


def test_a_leaf_answer_of_the_same_id_as_a_group_stays_the_leaf():
    # only the level says group: an answer "food" at the category level is kept as written
    table = categorise(_clean(), _answered("category", ""), taxonomy=TAXONOMY)
    assert table.loc[1, "category"] == "food"


def test_a_group_the_taxonomy_does_not_name_is_shown_readable():
    assert group_label("home_and_garden", None) == "Home and garden (group)"
    assert group_label("food", TAXONOMY) == "Food and drink (group)"
