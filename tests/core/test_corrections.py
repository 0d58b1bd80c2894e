import csv
import multiprocessing
import threading

import pandas as pd
import pytest

from titans_finance.core.corrections import (
    CORRECTION_COLUMNS,
    CorrectionsFileError,
    append_correction,
    apply_corrections,
    validate_corrections,
)


def _transactions() -> pd.DataFrame:
    return pd.DataFrame({
        "date": pd.to_datetime(["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04"]),
        "description": ["Fuel Stop", "Lunch  with client", "Office Rent", "AWS"],
        "amount": [-60.0, -42.5, -1200.0, -99.0],
        "category": ["fuel", "meals", "rent", None],
        "reference": ["REF-1", None, "REF-3", None],
    })


def _corrections(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows).reindex(columns=CORRECTION_COLUMNS).fillna("")


def test_corrections_match_by_reference_or_by_content_and_the_last_line_wins():
    corrections = _corrections([
        {"reference": "ref-1", "category": "travel"},
        {"date": "2024-03-02", "description": "lunch with CLIENT", "amount": "42.50",
         "category": "client_meals"},
        {"date": "2024-03-04", "description": "AWS", "amount": "-99", "category": "software"},
        {"reference": "REF-1", "category": "vehicle"},  # later line: wins over the first
        {"reference": "REF-404", "category": "travel"},  # matches nothing (kept in the file)
    ])
    corrected, summary = apply_corrections(_transactions(), corrections)
    assert corrected["category"].tolist() == ["vehicle", "client_meals", "rent", "software"]
    assert corrected["corrected"].tolist() == [True, True, False, True]
    assert summary["matched_lines"] == 4 and summary["unmatched_lines"] == 1
    assert summary["labels_changed"] == 3 and summary["invalid"] == []


def test_unusable_lines_are_reported_with_their_line_number_and_the_rest_applies():
    corrections = _corrections([
        {"reference": "REF-3", "category": "Office Rent"},
        {"description": "no date", "category": "rent"},
        {"date": "03/04/2024", "description": "AWS", "amount": "99", "category": "software"},
        {"date": "2024-03-04", "description": "AWS", "amount": "lots", "category": "software"},
        {"reference": "REF-3", "category": "office"},
    ])
    _, errors = validate_corrections(corrections)
    assert [e["line"] for e in errors] == [2, 3, 4, 5]
    assert "category" in errors[0]["error"] and "date" in errors[2]["error"]
    assert "amount" in errors[3]["error"]
    corrected, summary = apply_corrections(_transactions(), corrections)
    assert corrected["category"].tolist()[2] == "office" and summary["usable"] == 1


def test_appends_write_a_header_once_and_repair_a_missing_final_newline(tmp_path):
    path = tmp_path / "corrections.csv"
    append_correction(path, {"reference": "REF-1", "category": "travel"})
    path.write_text(path.read_text().rstrip("\n"))  # someone edited it by hand
    append_correction(path, {"description": 'a "quoted", text', "date": "2024-01-02",
                             "amount": -5, "category": "meals"})
    rows = list(csv.DictReader(path.open()))
    assert [r["category"] for r in rows] == ["travel", "meals"]
    assert rows[1]["description"] == 'a "quoted", text' and rows[0]["submitted_at"]


def test_a_foreign_file_is_never_appended_to(tmp_path):
    path = tmp_path / "corrections.csv"
    path.write_text("something,else\n1,2\n")
    with pytest.raises(CorrectionsFileError, match="unexpected header"):
        append_correction(path, {"reference": "R", "category": "travel"})
    assert path.read_text() == "something,else\n1,2\n"


def _append_many(path, worker: int, count: int) -> None:
    for i in range(count):
        append_correction(path, {"reference": f"W{worker}-{i}", "category": "travel",
                                 "description": "x" * 300})


def test_concurrent_writers_lose_nothing(tmp_path):
    path = tmp_path / "corrections.csv"
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_append_many, args=(path, w, 100)) for w in range(4)]
    threads = [threading.Thread(target=_append_many, args=(path, 10 + w, 100)) for w in range(4)]
    for worker in (*processes, *threads):
        worker.start()
    for worker in (*processes, *threads):
        worker.join()
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(frame.columns) == CORRECTION_COLUMNS
    assert len(frame) == 800 and frame["reference"].nunique() == 800
    assert (frame["description"] == "x" * 300).all()


# ----------------------------------------------------------------- spreadsheet safety, keys

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from titans_finance.core.corrections import (  # noqa: E402
    CorrectionsCapReached,
    corrections_by_key,
    neutralise_formula,
    remove_corrections_by,
    restore_formula,
)


@given(st.text(alphabet=st.sampled_from("=+-@'\t\rab1 "), max_size=8) | st.text(max_size=20))
def test_formula_neutralising_round_trips_exactly(text):
    written = neutralise_formula(text)
    assert restore_formula(written) == text
    assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_formula_cells_are_written_inert_and_read_back_unchanged(tmp_path):
    path = tmp_path / "corrections.csv"
    text = '=HYPERLINK("http://evil.example","x")'
    append_correction(path, {"date": "2024-03-04", "description": text, "amount": -99,
                             "category": "software", "reference": "@SUM(1)"})
    cells = list(csv.DictReader(path.open()))[0]
    assert cells["description"] == "'" + text and cells["reference"] == "'@SUM(1)"
    usable, errors = validate_corrections(pd.read_csv(path, dtype=str, keep_default_na=False))
    assert errors == [] and usable["description"].tolist() == [text]
    assert usable["reference"].tolist() == ["@SUM(1)"]


def test_a_nul_byte_is_refused_on_write_and_reported_on_read(tmp_path):
    with pytest.raises(ValueError, match="NUL"):
        append_correction(tmp_path / "c.csv", {"reference": "A\x00B", "category": "fuel"})
    frame = _corrections([{"reference": "A\x00B", "category": "fuel"}])
    _, errors = validate_corrections(frame)
    assert "NUL" in errors[0]["error"]


def test_a_spreadsheet_byte_order_mark_does_not_block_appends_or_reading(tmp_path):
    path = tmp_path / "corrections.csv"
    path.write_bytes(("\ufeff" + ",".join(CORRECTION_COLUMNS) + "\nREF-1,,,,travel,,,\n")
                     .encode("utf-8"))
    append_correction(path, {"reference": "REF-3", "category": "office"})
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)  # as the catalog reads it
    usable, errors = validate_corrections(frame)
    assert errors == [] and usable["reference"].tolist() == ["REF-1", "REF-3"]


def test_a_file_from_before_submitted_by_is_upgraded_with_a_backup(tmp_path):
    path = tmp_path / "corrections.csv"
    legacy = ",".join(CORRECTION_COLUMNS[:-1]) + "\nREF-1,,,,travel,,2024-01-01T00:00:00+00:00"
    path.write_text(legacy)
    append_correction(path, {"reference": "REF-2", "category": "fuel", "submitted_by": "key-1"})
    rows = list(csv.DictReader(path.open()))
    assert [r["reference"] for r in rows] == ["REF-1", "REF-2"]
    assert rows[0]["submitted_by"] in ("", None) and rows[1]["submitted_by"] == "key-1"
    assert (tmp_path / "corrections.csv.bak").read_text() == legacy


def test_a_key_is_capped_and_its_corrections_can_be_listed_and_reverted(tmp_path):
    path = tmp_path / "corrections.csv"
    for i in range(3):
        append_correction(path, {"reference": f"P-{i}", "category": "owner_draw",
                                 "submitted_by": "key-bad"}, max_per_key=3)
    append_correction(path, {"reference": "OK-1", "category": "fuel", "submitted_by": "key-good"},
                      max_per_key=3)
    with pytest.raises(CorrectionsCapReached, match="3 corrections"):
        append_correction(path, {"reference": "P-4", "category": "owner_draw",
                                 "submitted_by": "key-bad"}, max_per_key=3)
    summary = corrections_by_key(path).set_index("submitted_by")["corrections"].to_dict()
    assert summary == {"key-bad": 3, "key-good": 1}
    assert remove_corrections_by(path, "key-bad") == 3
    assert [r["reference"] for r in csv.DictReader(path.open())] == ["OK-1"]
    assert remove_corrections_by(path, "key-bad") == 0


def test_every_transaction_a_line_names_is_corrected_and_the_summary_counts_them():
    # two identical coffees (one line names both), a reference line written before a content
    # line naming the same transaction (the later line wins, whichever way it matches), an
    # index that is not 0..n-1 (positions, not labels, are corrected)
    transactions = pd.DataFrame({
        "date": pd.to_datetime(["2024-03-05", "2024-03-05", "2024-03-06", "2024-03-07"]),
        "description": ["Coffee", "COFFEE ", "Book shop", "Train"],
        "amount": [-3.2, -3.2, -20.0, -15.0],
        "category": ["meals", "meals", None, "travel"],
        "reference": [None, None, "B-1", "T-9"],
    }, index=[40, 30, 20, 10])
    corrections = _corrections([
        {"date": "2024-03-05", "description": "coffee", "amount": "3.20", "category": "coffee"},
        {"reference": "b-1", "category": "books"},
        {"date": "2024-03-06", "description": "book SHOP", "amount": "-20", "category": "office"},
        {"reference": "T-9", "category": "travel"},  # the label it already has
        {"date": "2024-03-09", "description": "Coffee", "amount": "-3.2", "category": "coffee"},
    ])
    corrected, summary = apply_corrections(transactions, corrections)
    assert corrected.index.tolist() == [40, 30, 20, 10]
    assert corrected["category"].tolist() == ["coffee", "coffee", "office", "travel"]
    assert corrected["corrected"].tolist() == [True, True, True, True]
    assert summary == {"lines": 5, "usable": 5, "invalid": [], "matched_lines": 4,
                       "unmatched_lines": 1, "transactions_corrected": 4, "labels_changed": 3}
    # the input is left as it was
    assert transactions["category"].fillna("-").tolist() == ["meals", "meals", "-", "travel"]
    assert "corrected" not in transactions


def test_no_usable_line_corrects_nothing():
    corrected, summary = apply_corrections(_transactions(), _corrections([
        {"reference": "REF-1", "category": "Not Snake"}]))
    assert corrected["category"].fillna("-").tolist() == ["fuel", "meals", "rent", "-"]
    assert not corrected["corrected"].any()
    assert summary["lines"] == 1 and summary["usable"] == 0 and summary["matched_lines"] == 0
    assert summary["unmatched_lines"] == 0 and summary["transactions_corrected"] == 0
    assert [e["line"] for e in summary["invalid"]] == [2]


def test_the_result_is_the_transactions_with_one_corrected_column_added():
    transactions = _transactions()
    corrected, _ = apply_corrections(transactions, _corrections([
        {"reference": "REF-3", "category": "office"}]))
    assert corrected.columns.tolist() == transactions.columns.tolist() + ["corrected"]
    assert corrected["corrected"].dtype == bool
    assert corrected["corrected"].tolist() == [False, False, True, False]


@pytest.mark.parametrize("reference", ["nan", "None", "<NA>", "XXXX", "null"])
def test_a_transaction_without_a_reference_is_never_named_by_a_reference(reference):
    # a missing reference is no reference at all, whatever a placeholder would print as
    corrected, summary = apply_corrections(_transactions(), _corrections([
        {"reference": reference, "category": "travel"}]))
    assert not corrected["corrected"].any() and summary["matched_lines"] == 0
    assert corrected["category"].fillna("-").tolist() == ["fuel", "meals", "rent", "-"]


def test_a_line_without_a_reference_names_only_the_transaction_with_its_description():
    # same day, same amount, neither with a reference: the description tells them apart
    transactions = pd.DataFrame({
        "date": pd.to_datetime(["2024-03-05", "2024-03-05"]),
        "description": ["Coffee", "Parking"], "amount": [-3.2, -3.2],
        "category": ["meals", "travel"], "reference": [None, None]})
    corrected, summary = apply_corrections(transactions, _corrections([
        {"date": "2024-03-05", "description": "coffee", "amount": "-3.20", "category": "coffee"}]))
    assert corrected["category"].tolist() == ["coffee", "travel"]
    assert corrected["corrected"].tolist() == [True, False]
    assert summary["transactions_corrected"] == 1


@pytest.mark.parametrize("date, amount, named", [
    ("2024-03-01", "-10", [True, False, False]),   # date and amount: one transaction
    ("2024-03-01", "", [True, False, True]),       # the date alone: that day's lines
    ("", "10.00", [True, True, False]),            # the amount alone: that amount's lines
    ("", "", [True, True, True]),                  # the reference alone: all of them
    ("2024-03-02", "-12", [False, False, False]),  # each matches some line, none both
])
def test_a_reference_line_names_only_the_transactions_its_date_and_amount_name(
        date, amount, named):
    # a subscription's reference repeats on every line of the merchant
    transactions = pd.DataFrame({
        "date": pd.to_datetime(["2024-03-01", "2024-03-02", "2024-03-01"]),
        "description": ["Stream", "Stream", "Stream"], "amount": [-10.0, -10.0, -12.0],
        "category": ["fun", "fun", "fun"], "reference": ["SUB-1", "SUB-1", "SUB-1"]})
    corrected, summary = apply_corrections(transactions, _corrections([
        {"reference": "sub-1", "date": date, "amount": amount, "category": "subscriptions"}]))
    assert corrected["corrected"].tolist() == named
    assert summary["matched_lines"] == int(any(named))
