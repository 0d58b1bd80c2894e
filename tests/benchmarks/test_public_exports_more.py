"""The loaders of the exports collected for issue #26 read what their files say: records written
inline in a source file (commented-out code is not data), each file's dates and signs, a line in
two overlapping downloads once, unlabelled lines left out; a label that names a group is scored
at the group. Small inline samples; the real files are read only when present."""

from __future__ import annotations

import pandas as pd
import pytest

from benchmarks.evaluation.personal_holdout import public_sets
from benchmarks.evaluation.public_exports import EXPORTS, PATHS
from benchmarks.evaluation.public_exports_more import (
    CAPITALONE_TO_TAXONOMY,
    GROUP,
    HOUSEHOLD_DIARY_TO_TAXONOMY,
    MORE_EXPORTS,
    OWNER_DEBIT_TO_TAXONOMY,
    PLAID_TO_TAXONOMY,
    SPENDING_DIARY_TO_TAXONOMY,
    WALLET_PL_TO_TAXONOMY,
    load_capitalone,
    load_household_diary,
    load_owner_debit,
    load_plaid_lines,
    load_spending_diary,
    load_wallet_backup,
    read_records,
)
from benchmarks.evaluation.public_exports import TAXONOMY


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_records_are_read_from_code_and_commented_out_records_are_not(tmp_path):
    path = _write(tmp_path, "data.js", """export let data = [
  { "Date": "01/03/22", "Note": "Hospital + ration 1381+180", "Amount": -5000 },
  { name: 'McDonald\\'s', amount: 1.5, pending: false, other: null },
  // { "Date": "02/03/22", "Amount": -1 },
];
/* { "Date": "03/03/22", "Amount": -2 } */
""")
    assert read_records(path) == [
        {"Date": "01/03/22", "Note": "Hospital + ration 1381+180", "Amount": -5000},
        {"name": "McDonald's", "amount": 1.5, "pending": False, "other": None}]


def test_a_file_without_records_is_an_error_naming_it(tmp_path):
    path = _write(tmp_path, "empty.ts", "export const transactions = [];\n")
    with pytest.raises(ValueError, match="empty.ts: no inline record"):
        read_records(path)


def test_records_missing_a_needed_field_are_an_error_naming_it(tmp_path):
    path = _write(tmp_path, "t.ts", '[{"date": "12-12-2025", "amount": -4.75}]')
    with pytest.raises(ValueError, match=r"t.ts: records lack \['description', 'category'\]"):
        load_owner_debit(path)


def test_overlapping_card_downloads_count_a_line_once_and_keep_same_day_repeats(tmp_path):
    folder = tmp_path / "card"
    folder.mkdir()
    line = ('{"Transaction_Date": "2021-12-30", "Description": "ISLAND GRILL", '
            '"Category": "Dining", "Debit": 15.98}')
    _write(folder, "cap_2021.js", f"const a = [{line}, {line}]")
    _write(folder, "cap_2022.js", f"""const b = [{line},
  {{"Transaction_Date": "2022-01-02", "Description": "CAPITAL ONE MOBILE PYMT",
    "Category": "Payment/Credit", "Credit": 300}},
  {{"Transaction_Date": "2022-01-03", "Description": "CONOCO - SEI 37221",
    "Category": "Gas/Automotive", "Debit": 3.12}}]""")
    tx = load_capitalone(folder)
    assert tx["description"].tolist() == ["ISLAND GRILL", "ISLAND GRILL",
                                          "CAPITAL ONE MOBILE PYMT", "CONOCO - SEI 37221"]
    assert tx["amount"].tolist() == [-15.98, -15.98, 300.0, -3.12]
    assert tx["taxonomy"].tolist()[:3] == ["restaurants", "restaurants", "transfer"]
    assert tx["taxonomy_group"].iloc[3] == "transport"


def test_a_label_that_names_a_group_is_scored_at_that_group_in_its_direction(tmp_path):
    path = _write(tmp_path, "t.ts", """[
  {"date": "12-11-2025", "description": "SHELL OIL 57444", "category": "Transportation",
   "amount": -30.0},
  {"date": "12-12-2025", "description": "PAYROLL", "category": "Income", "amount": 900.0},
  {"date": "12-12-2025", "description": "REFUND", "category": "Transportation", "amount": 5.0},
  {"date": "12-13-2025", "description": "CAMPUS MARKET", "category": "N/A", "amount": -3.0}]""")
    tx = load_owner_debit(path)
    assert tx["description"].tolist() == ["SHELL OIL 57444", "PAYROLL", "REFUND"]
    assert tx["taxonomy_group"].tolist()[:2] == ["transport", "income"]
    # money in is never scored against a spending group (its direction check)
    assert tx["taxonomy"].isna().iloc[2] and pd.isna(tx["taxonomy_group"].iloc[2])


def test_a_wallet_backup_is_all_money_out_and_a_line_without_a_note_has_no_text(tmp_path):
    path = _write(tmp_path, "backup.kt", '''private val EXPENSES = """
    [ {
      "expenseId" : 710, "amount" : 18.0, "categoryId" : 20,
      "categoryName" : "Jedzenie na mieście", "date" : "14.08.2022 00:58",
      "description" : "zapiekanka "
    }, {
      "expenseId" : 709, "amount" : 4.28, "categoryId" : 2, "categoryName" : "Zakupy",
      "date" : "13.08.2022 23:56", "description" : "bułki"
    }, {
      "expenseId" : 708, "amount" : 36.04, "categoryId" : 2, "categoryName" : "Zakupy",
      "date" : "13.08.2022 20:27", "description" : ""
    } ]
""".trimIndent()''')
    tx = load_wallet_backup(path)
    assert tx["description"].tolist() == ["bułki", "zapiekanka"]
    assert tx["amount"].tolist() == [-4.28, -18.0]
    assert tx["date"].dt.strftime("%Y-%m-%d").tolist() == ["2022-08-13", "2022-08-14"]
    # "Zakupy" (purchases) says neither groceries nor shopping: unscored
    assert tx["taxonomy"].isna().iloc[0] and tx["taxonomy"].iloc[1] == "restaurants"


def test_a_spending_diary_reads_signed_dollars_and_leaves_out_unlabelled_and_zero_lines(
        tmp_path):
    path = _write(tmp_path, "d.js", """const data = [
  {"Date": "August 29, 2018", "Total": "-$1,363.33", "Category": "RENT || UTILS", "Notes": "rent"},
  {"Date": "September 7, 2018", "Total": "$272.75", "Category": "WORK", "Notes": "paycheck"},
  {"Date": "September 8, 2018", "Total": "-$15.05", "Category": "", "Notes": "gas"},
  {"Date": "September 9, 2018", "Total": "$0.00", "Category": "FOOD", "Notes": "free"}]""")
    tx = load_spending_diary(path)
    assert tx["amount"].tolist() == [-1363.33, 272.75]
    assert tx["taxonomy_group"].iloc[0] == "housing" and tx["taxonomy"].isna().iloc[1]


def test_plaid_lines_are_money_out_and_money_in_labels_stay_unscored(tmp_path):
    path = _write(tmp_path, "p.js", """const purchaseData = [
  {"amount": 9.8, "category": "Food and Drink", "categoryDetailed": "Restaurants",
   "date": "2018-05-15", "name": "KING OF FALAFEL &", "transaction_id": 4},
  {"amount": 1.1, "category": "Food and Drink", "categoryDetailed": "",
   "date": "2018-05-15", "name": "USA*IDEAL VENDING", "transaction_id": 8},
  {"amount": 0.12, "category": "Interest", "categoryDetailed": "Interest Earned",
   "date": "2018-05-16", "name": "INTEREST PAYMENT", "transaction_id": 9}]""")
    tx = load_plaid_lines(path)
    assert tx["category"].tolist() == ["Food and Drink: Restaurants", "Food and Drink",
                                       "Interest: Interest Earned"]
    assert (tx["amount"] < 0).all()
    assert tx["taxonomy"].iloc[0] == "restaurants" and tx["taxonomy_group"].iloc[1] == "food"
    assert tx["taxonomy"].isna().iloc[2]


def test_a_household_diary_reads_day_first_dates(tmp_path):
    path = _write(tmp_path, "h.js", """export let datafile = [[
  {"Date": "04/03/22", "Category": "to mom", "Note": "Hospital + ration", "Amount": -5000},
  {"Date": "11/03/22", "Category": "Bills", "Note": "Electricity bill", "Amount": -717}]]""")
    tx = load_household_diary(path)
    assert tx["date"].dt.strftime("%Y-%m-%d").tolist() == ["2022-03-04", "2022-03-11"]
    assert tx["taxonomy"].iloc[0] == "gifts_donations"
    assert tx["taxonomy_group"].iloc[1] == "housing"


@pytest.mark.parametrize("mapping", [
    CAPITALONE_TO_TAXONOMY, OWNER_DEBIT_TO_TAXONOMY, WALLET_PL_TO_TAXONOMY,
    SPENDING_DIARY_TO_TAXONOMY, PLAID_TO_TAXONOMY, HOUSEHOLD_DIARY_TO_TAXONOMY])
def test_every_mapped_value_is_a_taxonomy_leaf_or_group(mapping):
    for value in mapping.values():
        if value.startswith(GROUP):
            assert value[len(GROUP):] in TAXONOMY.groups
        else:
            assert value in TAXONOMY.categories.index


def test_every_new_export_is_registered_and_in_one_set():
    sets = public_sets()
    for name, (key, _) in MORE_EXPORTS.items():
        assert EXPORTS[name][0] == key and key in PATHS and key in sets


@pytest.mark.parametrize("name", list(MORE_EXPORTS))
def test_each_file_present_here_loads_labelled_money_out_rows(name):
    key, loader = MORE_EXPORTS[name]
    if not PATHS[key]().exists():
        pytest.skip(f"{PATHS[key]()} absent (set TITANS_PUBLIC_DATA)")
    tx = loader()
    expenses = tx["amount"] < 0
    assert expenses.sum() >= 80 and tx["category"].notna().all()
    assert tx["taxonomy"][expenses].notna().mean() > 0.4
    assert tx["date"].is_monotonic_increasing
