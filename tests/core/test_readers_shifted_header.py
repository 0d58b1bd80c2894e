"""A header drawn one column off its values (core/readers/shifted_header.py): each role goes to
the blank column beside its empty named one when the values are of its kind, one way for the
whole header; at the boundary of the values' rate and on each side of every condition."""

from __future__ import annotations

import pytest

from tests.parameters import parameters
from titans_finance.core.readers import read_export
from titans_finance.core.readers.base import ExportReadError
from titans_finance.core.readers.role_values import CONSISTENT_RATE
from titans_finance.core.readers.shifted_header import blank_name, holds_kind
from titans_finance.pipelines.ingestion.nodes import normalise_transactions

PARAMS = parameters("ingestion", reference_date="2025-06-30")

# ING Romania's layout: every name one column right of its values, a record continued on
# the lines below, the credit written under its own name on a longer line
SHIFTED = (",Data,,Detalii,,Debit,Credit\n"
           "01 octombrie 2020,,Transfer Home'Bank,,\"2.000,00\",,\n"
           ",,Beneficiar:John Doe,,,,\n"
           "02 octombrie 2020,,Cumparare POS,,\"400,00\",,\n"
           "28 octombrie 2020,,Incasare,,,,\"500,00\",\n")


def _read(text: str, name: str = "statement.csv"):
    export = read_export(text.encode("utf-8"), name, None)
    raw = export.frame.assign(**{"Source File": name})
    raw.attrs["source"] = {**export.info, "name": name}
    clean, quarantine, _ = normalise_transactions(raw, PARAMS)
    return clean, quarantine, export.info


def test_a_header_drawn_one_column_right_of_its_values_reads_the_values():
    clean, quarantine, info = _read(SHIFTED)
    assert clean["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2020-10-01", "2020-10-02", "2020-10-28"]
    assert clean["amount"].tolist() == [-2000.0, -400.0, 500.0] and quarantine.empty
    assert info["columns"]["Date"] == [""] and info["columns"]["Money Out"] == [".2"]
    assert info["columns"]["Money In"] == ["Credit"]  # filled: stays under its name
    assert any("drawn off its values" in note for note in info["reading"]["notes"])


def test_a_header_drawn_one_column_left_of_its_values_reads_the_values():
    text = ("Data,,Debit,,Credit,\n"
            ",01.10.2020,,\"2.000,00\",,\n"
            ",02.10.2020,,\"400,00\",,\n")
    clean, _, info = _read(text)
    assert clean["amount"].tolist() == [-2000.0, -400.0]
    assert info["columns"]["Date"] == [""] and info["columns"]["Money Out"] == [".1"]
    assert info["columns"]["Money In"] == ["Credit"]  # no credit line, and none past it


def test_a_named_column_filled_on_some_line_stays_where_the_header_names_it():
    # 'Debit' is filled on one line: it stays (the blank column's amounts are not taken);
    # the empty 'Data' still moves to its dates
    text = (",Data,,Debit\n01.10.2020,,\"2.000,00\",\"3,00\"\n"
            "02.10.2020,,\"400,00\",\n")
    clean, quarantine, info = _read(text)
    assert info["columns"] == {"Date": [""], "Money Out": ["Debit"]}
    assert clean["amount"].tolist() == [-3.0] and len(quarantine) == 1


def _notes(info) -> str:
    return " ".join(info["reading"].get("notes", []))


def test_both_neighbours_of_the_values_kind_leave_the_header_as_it_is():
    # dates left and right of the empty 'Data': which one is unsure, nothing moves and the
    # lines stay quarantined (no date read)
    text = (",Data,,Amount\n01.10.2020,,02.10.2020,\"-5,00\"\n"
            "03.10.2020,,04.10.2020,\"-6,00\"\n")
    clean, quarantine, info = _read(text)
    assert info["columns"]["Date"] == ["Data"] and "drawn off" not in _notes(info)
    assert clean.empty and len(quarantine) == 2


def test_moves_that_disagree_on_the_way_leave_the_header_as_it_is():
    # the dates left of their name, the debits right of theirs: no header is drawn off two
    # ways at once; nothing moves, and the reading whose debits are all empty is refused
    text = ",Data,Debit,\n01.10.2020,,,\"5,00\"\n02.10.2020,,,\"6,00\"\n"
    with pytest.raises(ExportReadError, match="read from 'Debit' are zero on 2 of 2 lines"):
        _read(text)
    # the same file drawn off one way (both values left of their names) is read
    clean, _, info = _read("Data,,Debit\n,01.10.2020,\"5,00\",\n,02.10.2020,\"6,00\",\n")
    assert clean["amount"].tolist() == [-5.0, -6.0] and "drawn off" in _notes(info)


def test_a_neighbour_with_a_name_of_its_own_takes_no_role():
    # the dates stand under 'Notes', a name of its own: 'Data' does not move there
    text = "Notes,Data,,Debit\n01.10.2020,,x,\"5,00\"\n02.10.2020,,y,\"6,00\"\n"
    clean, quarantine, info = _read(text)
    assert info["columns"]["Date"] == ["Data"] and "drawn off" not in _notes(info)
    assert clean.empty and len(quarantine) == 2
    assert blank_name("") and blank_name(".3") and blank_name("  ") and blank_name(" .1")
    assert not blank_name("x.1") and not blank_name("Notes")


@pytest.mark.parametrize("kind, evidence, held", [
    # a date column at the rate a header's role stands: held; just under it: not
    ("dates", {"values": 4, "date_rate": CONSISTENT_RATE}, True),
    ("dates", {"values": 4, "date_rate": CONSISTENT_RATE - 0.01}, False),
    ("amounts", {"values": 4, "amount_rate": CONSISTENT_RATE}, True),
    ("amounts", {"values": 4, "amount_rate": CONSISTENT_RATE - 0.01}, False),
    ("amounts", {"values": 4, "amount_rate": 1.0, "flag": True}, False),  # 0/1 flags
    ("amounts", {"values": 4, "amount_rate": 1.0, "date_rate": 0.9}, False),  # dates
    ("text", {"values": 4, "text_rate": CONSISTENT_RATE}, True),
    ("text", {"values": 4, "text_rate": CONSISTENT_RATE - 0.01}, False),
    ("text", {"values": 4, "text_rate": 1.0, "date_rate": CONSISTENT_RATE}, False),
    ("dates", {"values": 0}, False),  # an empty column holds nothing
])
def test_a_neighbours_values_are_of_the_roles_kind_from_the_consistent_rate(kind, evidence,
                                                                          held):
    assert holds_kind(kind, evidence) is held


def test_a_file_without_a_header_has_no_header_to_shift():
    text = "01.10.2020;Shop;-5,00\n02.10.2020;Rent;-6,00\n"
    clean, _, info = _read(text)
    assert info["headerless"] is True and clean["amount"].tolist() == [-5.0, -6.0]
    assert "drawn off" not in _notes(info)
