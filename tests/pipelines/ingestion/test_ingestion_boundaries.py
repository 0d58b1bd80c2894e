"""Boundaries of ingestion, in-process (reader → normaliser → de-duplication → transfers, no
Kedro session): the sign of every debit/credit mark of every structured format and of a CSV
indicator column, the plausible-date and amount limits on their value and one step either
side, de-duplication and transaction ids to the cent, and transfers: the window's last day, the
amount to the cent, the sign of each side, one pair per line (closest day first)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from tests.core.test_readers_fields import CAMT, OFX_SGML, QIF
from titans_finance.core.schema import CLEAN_COLUMNS
from titans_finance.datasets.raw_export_dataset import read_export_files
from titans_finance.pipelines.ingestion.nodes import (
    deduplicate_transactions,
    mark_transfers,
    normalise_transactions,
)

ROOT = Path(__file__).resolve().parents[3]
PARAMS = {**yaml.safe_load((ROOT / "conf/base/parameters_ingestion.yml").read_text())[
    "ingestion"], "reference_date": "2024-06-30"}


def _ingest(tmp_path: Path, files: dict[str, str], **overrides):
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    raw = read_export_files(str(tmp_path), [])
    params = {**PARAMS, **overrides}
    candidates, quarantine, _ = normalise_transactions(raw, params)
    return candidates, quarantine, params


# ------------------------------------------------------------------ signs, every format

MT940_MARKS = """:20:STARTUMSE
:25:10020030/1234567
:28C:00000/001
:60F:C240101EUR1000,00
:61:240102D7,00NTRFREF1
:86:Fee
:61:240103C9,00NTRFREF2
:86:Interest
:61:240104RC12,50NTRFREF3
:86:Reversal of a credit
:61:240105RD100,00NTRFREF4
:86:Reversal of a debit
:62F:C240105EUR1089,50
-
"""


def test_mt940_marks_d_and_rc_are_money_out_c_and_rd_money_in(tmp_path):
    candidates, quarantine, _ = _ingest(tmp_path, {"statement.sta": MT940_MARKS})
    assert quarantine.empty
    # RC reverses a credit: the money leaves the account again; RD gives a debit back
    assert candidates["amount"].tolist() == [-7.0, 9.0, -12.5, 100.0]


def test_camt_dbit_is_money_out_and_crdt_money_in(tmp_path):
    candidates, _, _ = _ingest(tmp_path, {"statement.xml": CAMT})
    assert candidates["amount"].tolist() == [-12.5, 100.0, -3.0]
    assert candidates["type"].tolist() == ["expense", "income", "expense"]


def test_ofx_and_qif_amounts_keep_the_sign_written(tmp_path):
    candidates, _, _ = _ingest(tmp_path, {"all.ofx": OFX_SGML})
    assert candidates["amount"].tolist() == [-12.5, 100.0, -1.0, -7.25, 50.0]
    qif_dir = tmp_path / "qif"
    qif_dir.mkdir()
    candidates, _, _ = _ingest(qif_dir, {"bank.qif": QIF})
    assert sorted(candidates["amount"].tolist()) == [-1234.5, -20.0, -3.0, 40.0]


INDICATORS = [("D", -1), ("C", 1), ("DR", -1), ("CR", 1), ("Debit", -1), ("Credit", 1),
              ("S", -1), ("H", 1), ("Af", -1), ("Bij", 1), ("-", -1), ("+", 1),
              ("DBIT", -1), ("CRDT", 1), ("RC", -1), ("RD", 1)]


def test_an_unsigned_csv_amount_takes_the_sign_of_every_indicator_alias(tmp_path):
    lines = ["Date,Description,Amount,Debit/Credit"] + [
        f"2024-01-{k + 1:02d},Line {k},10.{k:02d},{mark}" for k, (mark, _) in
        enumerate(INDICATORS)]
    candidates, quarantine, _ = _ingest(tmp_path, {"export.csv": "\n".join(lines) + "\n"})
    assert quarantine.empty
    expected = [sign * (10 + k / 100) for k, (_, sign) in enumerate(INDICATORS)]
    np.testing.assert_allclose(candidates["amount"].to_numpy(), expected)


# ------------------------------------------------------------------ plausible values

def _csv(*rows: tuple[str, str]) -> str:
    return "Date,Description,Amount\n" + "".join(f"{d},Line,{a}\n" for d, a in rows)


def test_dates_from_min_date_to_max_future_days_after_the_reference_day_inclusive(tmp_path):
    # reference 2024-06-30 + 31 days = 2024-07-31
    candidates, quarantine, _ = _ingest(tmp_path, {"export.csv": _csv(
        ("1969-12-31", "-1"), ("1970-01-01", "-2"), ("2024-07-31", "-3"), ("2024-08-01", "-4"))})
    assert candidates["amount"].tolist() == [-2.0, -3.0]
    assert quarantine["reasons"].str.contains("implausible_date").tolist() == [True, True]


def test_amounts_up_to_max_abs_amount_inclusive(tmp_path):
    candidates, quarantine, _ = _ingest(tmp_path, {"export.csv": _csv(
        ("2024-01-01", "-1000.00"), ("2024-01-02", "1000.00"), ("2024-01-03", "-1000.01"),
        ("2024-01-04", "1000.01"))}, max_abs_amount=1000.0)
    assert candidates["amount"].tolist() == [-1000.0, 1000.0]
    assert quarantine["reasons"].str.contains("implausible_amount").all() and len(quarantine) == 2


# ------------------------------------------------------------------ duplicates and ids

def _two_statements(tmp_path, second_amount: str):
    return _ingest(tmp_path, {"jan.csv": _csv(("2024-01-05", "-12.34")),
                              "jan-again.csv": _csv(("2024-01-05", second_amount))})


@pytest.mark.parametrize("second, duplicate", [("-12.34", True), ("-12.340", True),
                                               ("-12.35", False), ("-12.33", False)])
def test_a_line_in_two_statements_is_one_transaction_only_to_the_cent(tmp_path, second,
                                                                       duplicate):
    candidates, _, params = _two_statements(tmp_path, second)
    clean, duplicates = deduplicate_transactions(candidates, params)
    assert len(duplicates) == int(duplicate) and len(clean) == 2 - int(duplicate)
    ids = deduplicate_transactions(candidates, {**params, "identical_lines_in_one_file":
                                                "keep"})[0]["transaction_id"]
    assert ids.is_unique


def test_duplicates_do_not_depend_on_the_row_labels_of_the_candidates(tmp_path):
    # two coffees in one file and one of them again in the next statement: one duplicate,
    # whatever labels the candidate rows carry (a filtered or shuffled table)
    candidates, _, params = _ingest(tmp_path, {
        "jan.csv": _csv(("2024-01-05", "-3.50"), ("2024-01-05", "-3.50"), ("2024-01-06", "-9")),
        "jan-again.csv": _csv(("2024-01-05", "-3.50"), ("2024-01-06", "-9"))})
    expected = deduplicate_transactions(candidates, params)
    assert len(expected[1]) == 2 and len(expected[0]) == 3
    for labels in (np.arange(len(candidates))[::-1], np.arange(len(candidates)) * 7 + 100):
        clean, duplicates = deduplicate_transactions(candidates.set_axis(labels), params)
        pd.testing.assert_frame_equal(clean, expected[0])
        pd.testing.assert_frame_equal(duplicates, expected[1])


def test_the_duplicate_table_is_the_clean_columns_and_the_whole_source_row_it_repeats(
        tmp_path):
    # written to parquet beside the clean table: no helper column, no old row label, and the
    # row it repeats a whole number (a float would be written "2.0")
    candidates, _, params = _ingest(tmp_path, {
        "jan.csv": _csv(("2024-01-04", "-9"), ("2024-01-05", "-3.50")),
        "jan-again.csv": _csv(("2024-01-05", "-3.50"), ("2024-01-04", "-9"))})
    clean, duplicates = deduplicate_transactions(candidates.set_axis(range(10, 14)), params)
    assert list(clean.columns) == list(CLEAN_COLUMNS)
    assert list(duplicates.columns) == [*CLEAN_COLUMNS, "duplicate_of_source_row"]
    assert duplicates["duplicate_of_source_row"].dtype == "int64"
    assert duplicates["duplicate_of_source_row"].tolist() == [2, 1]
    assert duplicates.index.tolist() == [0, 1] and clean.index.tolist() == [0, 1]


def test_rows_without_a_source_file_are_deduplicated_as_one_file(tmp_path):
    # a table built in memory names no file: its rows are the lines of one file, none lost
    candidates, _, params = _ingest(tmp_path, {"jan.csv": _csv(
        ("2024-01-05", "-3.50"), ("2024-01-05", "-3.50"), ("2024-01-06", "-9"))})
    named = deduplicate_transactions(candidates, params)
    clean, duplicates = deduplicate_transactions(candidates.assign(source_file=None), params)
    assert len(clean) == len(named[0]) == 3 and duplicates.empty
    assert clean["transaction_id"].tolist() == named[0]["transaction_id"].tolist()


def test_transaction_ids_differ_by_a_cent_and_repeat_for_the_same_line(tmp_path):
    first, _, params = _ingest(tmp_path, {"a.csv": _csv(("2024-01-05", "-12.34"),
                                                              ("2024-01-05", "-12.35"))})
    clean, _ = deduplicate_transactions(first, params)
    assert clean["transaction_id"].nunique() == 2
    again = tmp_path / "again"
    again.mkdir()
    second, _, _ = _ingest(again, {"a.csv": _csv(("2024-01-05", "-12.34"),
                                                 ("2024-01-05", "-12.35"))})
    assert deduplicate_transactions(second, params)[0]["transaction_id"].tolist() == clean[
        "transaction_id"].tolist()


def _accounts(days_apart: int, amount_in: float = 250.0, amount_out: float = -250.0):
    return pd.DataFrame({
        "date": pd.to_datetime(["2024-03-01", "2024-03-01"]) + pd.to_timedelta(
            [0, days_apart], unit="D"),
        "account": ["checking", "savings"], "amount": [amount_out, amount_in]})


@pytest.mark.parametrize("days, transfer", [(2, True), (3, True), (4, False)])
def test_a_transfer_pairs_within_transfer_window_days_inclusive(days, transfer):
    marked = mark_transfers(_accounts(days), {**PARAMS, "transfer_window_days": 3})
    assert marked["is_transfer"].tolist() == [transfer, transfer]


@pytest.mark.parametrize("amount_in, transfer", [(250.0, True), (250.01, False),
                                                 (249.99, False)])
def test_a_transfer_is_the_same_amount_to_the_cent(amount_in, transfer):
    marked = mark_transfers(_accounts(1, amount_in=amount_in), {**PARAMS, "transfer_window_days": 3})
    assert marked["is_transfer"].tolist() == [transfer, transfer]


def test_transfer_cents_are_rounded_not_truncated():
    # 0.29 * 100 is 28.999999999999996 in binary floating point
    marked = mark_transfers(_accounts(0, amount_in=0.29, amount_out=-0.29),
                            {**PARAMS, "transfer_window_days": 3})
    assert marked["is_transfer"].all()
    marked = mark_transfers(_accounts(0, amount_in=0.28, amount_out=-0.29),
                            {**PARAMS, "transfer_window_days": 3})
    assert not marked["is_transfer"].any()


def test_lowercase_mt940_marks_sign_like_uppercase(tmp_path):
    text = MT940_MARKS.replace("240102D7", "240102d7").replace("240103C9", "240103c9")
    candidates, quarantine, _ = _ingest(tmp_path, {"statement.sta": text})
    assert quarantine.empty
    assert candidates["amount"].tolist()[:2] == [-7.0, 9.0]


@pytest.mark.parametrize("uses, corrected", [(2, False), (3, True), (4, True)])
def test_a_files_own_category_is_learnt_from_category_vocabulary_min_count_uses(
        tmp_path, uses, corrected):
    # category_vocabulary_min_count is 3: a category written that often is the file's own
    # word, and a typo of it is corrected to it; written less often it is not learnt
    assert PARAMS["category_vocabulary_min_count"] == 3
    rows = [f"2024-01-{d:02d},Line {d},-{d}.00,Zither lessons\n" for d in range(1, uses + 1)]
    text = ("Date,Description,Amount,Category\n" + "".join(rows)
            + "2024-01-20,Line,-9.00,Zither lesons\n")
    candidates, _, _ = _ingest(tmp_path, {"export.csv": text})
    typo = candidates.loc[candidates["amount"] == -9.0, "category"].iloc[0]
    assert typo == ("zither_lessons" if corrected else "zither_lesons")


def _lines(*lines: tuple[str, str, float]) -> pd.DataFrame:
    """Clean lines ``(day, account, amount)``, sorted by date as `deduplicate_transactions`
    leaves them."""
    return pd.DataFrame({"date": pd.to_datetime([day for day, _, _ in lines]),
                         "account": [account for _, account, _ in lines],
                         "amount": [amount for _, _, amount in lines]})


def _marked(clean: pd.DataFrame, window_days: int = 3) -> list[bool]:
    marked = mark_transfers(clean, {**PARAMS, "transfer_window_days": window_days})
    # a boolean column whatever the input held (1.0 == True would hide a float column)
    assert marked["is_transfer"].dtype == bool
    return marked["is_transfer"].tolist()


@pytest.mark.parametrize("amount_in, transfer", [(12.344, True), (12.336, True),
                                                 (12.346, False), (12.334, False)])
def test_a_transfer_amount_is_compared_to_the_cent_a_sub_cent_digit_rounds(amount_in, transfer):
    # a line written to the mill (fuel, a three-decimal export) pairs with the same amount to
    # the cent: less than half a cent apart pairs, more does not
    assert _marked(_lines(("2024-03-01", "checking", -12.34),
                          ("2024-03-01", "savings", amount_in))) == [transfer, transfer]


@pytest.mark.parametrize("first, second, transfer", [
    (-0.004, 0.004, True),   # out of one account, into another: a transfer to the cent
    (0.0, 0.004, False),     # a line of no money is not money out...
    (-0.004, 0.0, False),    # ...nor money in, even against a line that rounds to no cents
    (0.40, 0.40, False),     # interest into both accounts the same day: two credits
    (-7.5, -7.5, False)])    # a fee out of both: two debits
def test_a_transfer_pairs_money_out_of_one_account_with_money_in_to_another(first, second,
                                                                          transfer):
    assert _marked(_lines(("2024-03-01", "checking", first),
                          ("2024-03-01", "savings", second))) == [transfer, transfer]


def test_a_transfer_pairs_each_line_once_with_the_closest_day_though_an_earlier_one_fits():
    # 100 out of checking on the 10th; 100 into savings on the 7th (3 days, inside the
    # window, and first in the table) and on the 11th (1 day): the 11th is the transfer, the
    # 7th stays income, and the 100 out is not paired twice
    clean = _lines(("2024-03-07", "savings", 100.0), ("2024-03-10", "checking", -100.0),
                   ("2024-03-11", "savings", 100.0))
    assert _marked(clean) == [False, True, True]
    # two outs and two ins: each pairs with its own closest line, one to one
    clean = _lines(("2024-03-07", "savings", 100.0), ("2024-03-08", "checking", -100.0),
                   ("2024-03-10", "checking", -100.0), ("2024-03-11", "savings", 100.0))
    assert _marked(clean) == [True, True, True, True]


@pytest.mark.parametrize("marks", [
    pd.Series([True, np.nan, False], dtype=object),  # tables concatenated with and without it
    pd.Series([True, None, False], dtype="boolean")])  # read back from Parquet
@pytest.mark.parametrize("accounts", [["card"], ["card", "checking"]])
def test_a_line_marked_while_normalising_stays_a_transfer_and_a_missing_mark_is_none(
        accounts, marks):
    # a card payment marked by the normaliser keeps its mark without a counterpart, whether
    # the table holds one account or several; a missing mark is no transfer
    clean = _lines(("2024-03-01", "card", 420.0), ("2024-03-02", accounts[-1], -12.0),
                   ("2024-03-03", "card", -30.0)).assign(is_transfer=marks)
    assert _marked(clean) == [True, False, False]
    assert _marked(clean.drop(columns="is_transfer")) == [False, False, False]
