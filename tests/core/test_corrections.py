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
