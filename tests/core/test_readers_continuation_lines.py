"""Text-only lines under a transaction continue its description (banks wrap narratives)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from titans_finance.core.readers import read_export
from titans_finance.core.readers.continuation_lines import (
    continuation_anchors,
    join_continuations,
)
from tests.core.test_readers_summary_lines import _normalised

HEADER = "Reference,Description,Date,Credit,Debit,Balance"


def _statement(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def _read(text: str):
    export = read_export(text.encode("utf-8"), "wrapped.csv")
    return export.frame, export.info


def test_a_text_only_line_under_a_transaction_ends_its_description_and_is_counted():
    frame, info = _read(_statement(
        "R1,TRX 416964 Pur Advance Fee-,15 Dec 2023,,0.15,162.03",
        ",(International)13 12 2023 VISATerm,,,,",
        "R2,COMMISSIONS,14 Dec 2023,,35.00,162.18"))
    assert frame["Description"].tolist() == [
        "TRX 416964 Pur Advance Fee- (International)13 12 2023 VISATerm", "COMMISSIONS"]
    assert (frame["_parse_error"] == "").all()
    assert info["reading"]["continuation_lines_joined"] == 1
    assert any("joined" in note for note in info["reading"]["notes"])


def test_two_continuation_lines_in_a_row_are_both_joined_in_order():
    frame, info = _read(_statement(
        "R1,CONGO ENERGY SPRL,12 Dec 2023,485.00,,441.93",
        ",Q INDUSTRIEL,,,,",
        ",LUBUMBASHI,,,,",
        "R2,TVA,11 Dec 2023,,5.60,-43.07"))
    assert frame["Description"].tolist() == ["CONGO ENERGY SPRL Q INDUSTRIEL LUBUMBASHI", "TVA"]
    assert info["reading"]["continuation_lines_joined"] == 2


def test_a_text_line_with_an_amount_written_is_no_continuation():
    frame, info = _read(_statement(
        "R1,CONGO ENERGY SPRL,12 Dec 2023,485.00,,441.93",
        ",Q INDUSTRIEL,,,1.00,",
        "R2,TVA,11 Dec 2023,,5.60,-43.07"))
    assert len(frame) == 3 and frame["Description"].iloc[0] == "CONGO ENERGY SPRL"
    assert "continuation_lines_joined" not in info["reading"]


def test_a_text_line_with_any_other_field_written_is_no_continuation():
    frame, _ = _read(_statement(
        "R1,CONGO ENERGY SPRL,12 Dec 2023,485.00,,441.93",
        "R9,Q INDUSTRIEL,,,,",
        "R2,TVA,11 Dec 2023,,5.60,-43.07"))
    assert len(frame) == 3


def test_a_text_line_under_a_summary_line_or_before_the_table_stays_quarantined():
    text = ("Date,Description,Amount\n"
            ",opening notes,\n"
            "01/02/2024,RENT,-500.00\n"
            "02/02/2024,SALARY,2000.00\n"
            ",Closing balance,1500.00\n"
            ",printed on request,\n")
    clean, quarantine, _ = _normalised(text, "after_summary.csv")
    assert clean["description"].tolist() == ["RENT", "SALARY"]
    assert len(quarantine) == 3  # the note above, the summary and the note under it
    assert quarantine["reasons"].tolist()[0] != "summary_line"


def test_joined_lines_leave_the_amounts_and_the_reconciliation_as_they_were():
    clean, quarantine, decided = _normalised(_statement(
        "R1,SALARY,01 Feb 2024,2000.00,,2000.00",
        ",ACME LTD FEBRUARY,,,,",
        "R2,RENT,02 Feb 2024,,500.00,1500.00",
        ",FLAT 4,,,,"), "wrapped.csv")
    assert clean["amount"].round(2).tolist() == [2000.00, -500.00]
    assert clean["description"].tolist() == ["SALARY ACME LTD FEBRUARY", "RENT FLAT 4"]
    assert quarantine.empty
    assert decided["reconciliation"]["status"] == "proven"


def test_anchors_skip_quarantined_lines_and_join_keeps_other_columns():
    frame = pd.DataFrame({"Date": ["01.02.2024", "", "", "03.02.2024", ""],
                          "Text": ["A", "a2", "a3", "B", "b2"],
                          "Amount": ["1,00", "", "", "2,00", ""]})
    roles = {"Date": ["Date"], "Description": ["Text"], "Amount": ["Amount"]}
    errors = pd.Series(["", "", "", "summary_line", ""])
    anchors = continuation_anchors(frame, roles, errors)
    assert anchors.tolist() == [-1, 0, 0, -1, -1]
    out = {"Description": frame["Text"], "Amount": frame["Amount"]}
    joined, kept = join_continuations(out, anchors)
    assert kept.tolist() == [True, False, False, True, True]
    assert joined["Description"].tolist() == ["A a2 a3", "B", "b2"]
    assert joined["Amount"].tolist() == ["1,00", "2,00", ""]
    assert np.array_equal(continuation_anchors(frame, {"Date": ["Date"]}, errors),
                          np.full(5, -1))


def test_the_joined_lines_note_stands_beside_the_reading_notes():
    # a card export whose '+' marks only the credits (a reading note) and whose first
    # narrative wraps onto a second line: both notes are in the report
    frame, info = _read('Date,Description,Amount\n28-Mar-2020,AMAZON,£9.99\n,Marketplace EU,\n'
                        '21-Apr-2020,PAYMENT,"+ £12.00"\n')
    assert frame["Description"].tolist() == ["AMAZON Marketplace EU", "PAYMENT"]
    notes = info["reading"]["notes"]
    assert any("the unsigned values are money out" in note for note in notes)
    assert any("joined" in note for note in notes)


def test_balance_lines_are_placed_in_the_rows_left_after_the_joining():
    # the closing balance line is the file's fifth line, the fourth row once the wrapped
    # narrative above it is joined: the reconciliation reads it there
    text = _statement(
        ",Opening balance,31 Jan 2024,,,1000.00",
        "R1,SALARY,01 Feb 2024,2000.00,,3000.00",
        ",ACME LTD FEBRUARY,,,,",
        "R2,RENT,02 Feb 2024,,500.00,2500.00",
        ",Closing balance,29 Feb 2024,,,2500.00")
    frame, info = _read(text)
    assert info["reading"]["continuation_lines_joined"] == 1
    assert info["hints"]["balance_lines"] == {"opening": 0, "closing": 3}
    assert frame["_parse_error"].tolist() == ["summary_line", "", "", "summary_line"]
    clean, _, decided = _normalised(text, "wrapped.csv")
    assert clean["amount"].round(2).tolist() == [2000.00, -500.00]
    assert decided["reconciliation"]["status"] == "proven"


def test_missing_fields_are_unwritten_and_a_line_before_any_transaction_has_no_anchor():
    # a field missing altogether (None, as a short row reads) is as empty as "": the note
    # above the table has no transaction to continue (-1), the line under R1 continues it
    frame = pd.DataFrame({"Date": [None, "01.02.2024", None, None],
                          "Text": ["note", "A", "a2", "a3"],
                          "Amount": [None, "1,00", None, "5,00"]})
    roles = {"Date": ["Date"], "Description": ["Text"], "Amount": ["Amount"]}
    anchors = continuation_anchors(frame, roles, pd.Series(["", "", "", ""]))
    assert anchors.tolist() == [-1, -1, 1, -1]


def test_without_a_date_column_no_line_is_a_continuation():
    # text-only lines under amounts, but nothing tells a transaction: nothing is joined
    frame = pd.DataFrame({"Text": ["A", "a2"], "Amount": ["1,00", ""]})
    anchors = continuation_anchors(frame, {"Description": ["Text"], "Amount": ["Amount"]},
                                   pd.Series(["", ""]))
    assert anchors.tolist() == [-1, -1]


@pytest.mark.parametrize("head", ["", None, "SALARY ", "SALARY"])
def test_a_continuation_is_joined_with_one_space_and_none_before_an_empty_description(head):
    out = {"Description": pd.Series([head, " ACME LTD"], dtype="str"),
           "Amount": pd.Series(["1,00", ""], dtype="str")}
    joined, kept = join_continuations(out, np.array([-1, 0]))
    assert joined["Description"].tolist() == ["SALARY ACME LTD" if head else "ACME LTD"]
    assert kept.tolist() == [True, False]


def test_joined_descriptions_keep_the_type_of_the_descriptions_read():
    # a file with a wrapped narrative reads its descriptions as the same text type as one
    # without: what follows never sees a different column because a line was joined
    wrapped, _ = _read(_statement("R1,SALARY,01 Feb 2024,2000.00,,2000.00",
                                  ",ACME LTD FEBRUARY,,,,"))
    plain, _ = _read(_statement("R1,SALARY ACME LTD FEBRUARY,01 Feb 2024,2000.00,,2000.00"))
    assert wrapped["Description"].tolist() == plain["Description"].tolist()
    assert wrapped["Description"].dtype == plain["Description"].dtype == "str"
