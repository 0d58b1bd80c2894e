"""Column roles read from the values (core/readers/column_roles.py), step by step on small
samples of raw strings: each step of the role inference and `infer_roles` itself, without
reading a file (test_readers_column_roles.py reads the same rules through whole files, at
seconds a test). Each threshold is tested on its value and on each side."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from titans_finance.core.readers.base import PARSE_ERROR_COLUMN
from titans_finance.core.readers.column_evidence import column_evidence
from titans_finance.core.readers.column_roles import (
    AMOUNT_ROLES,
    BALANCE_RATE,
    SAMPLE_ROWS,
    _RoleInference,
    infer_roles,
)
from titans_finance.core.readers.mapping import UnsureReading


def _frame(columns: dict[str, list]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(v, dtype="object") for c, v in columns.items()})


def _inference(columns: dict[str, list], roles: dict | None = None, *, declared=(),
               hint: str = ".", name: str = "in/x.csv", direction=None,
               headerless: bool = False) -> _RoleInference:
    """An inference over a sample of raw strings (None: an empty field)."""
    return _RoleInference(_frame(columns), roles or {}, set(declared), hint, name, direction,
                          headerless)


def test_the_constants():
    assert SAMPLE_ROWS == 2000 and BALANCE_RATE == 0.5
    assert AMOUNT_ROLES == ("Amount", "Money In", "Money Out", "Balance")


# --------------------------------------------------------------------- the inference's state

def test_an_inference_starts_from_a_copy_of_the_roles_and_every_columns_evidence():
    roles = {"Amount": ["A"]}
    columns = {"A": ["1.234", "2.345"], "T": ["Shop", None]}
    inference = _inference(columns, roles, declared={"Amount"}, hint=",",
                           name="in/dir/bank.csv", direction={"D": -1.0}, headerless=True)
    inference.roles["Amount"].append("T")
    assert roles == {"Amount": ["A"]}  # the caller's roles untouched
    assert inference.name == "bank.csv" and inference.headerless is True
    assert inference.declared == {"Amount"} and inference.decimal_hint == ","
    assert inference.declared_direction == {"D": -1.0}
    sample = _frame(columns)
    assert inference.evidence == {c: column_evidence(sample[c], ",") for c in columns}
    assert inference.evidence["A"]["decimal_mark"] == ","  # (the hint reached the evidence)
    assert (inference.notes, inference.direction, inference.unsigned_sign,
            inference.balance_before, inference.unfilled, inference.why, inference.flag_sides,
            inference.rates) == ([], None, None, False, {}, {}, {}, None)


def test_an_inference_has_a_header_unless_told():
    inference = _RoleInference(_frame({"A": ["1"]}), {}, set(), ".", "x.csv", None)
    assert inference.headerless is False


def test_assigned_and_free_columns_in_file_order():
    inference = _inference({"C": ["x"], "A": ["1"], "B": ["2"], "D": ["y"]},
                           {"Amount": ["B"], "Date": ["D", "A"]})
    assert inference.assigned() == {"A", "B", "D"}
    assert inference.free() == ["C"]
    inference.assign("Amount", "C", "why not")
    assert inference.roles["Amount"] == ["B", "C"] and inference.why == {"C": "why not"}
    assert inference.free() == []


def test_numbers_read_under_the_decimal_mark_of_the_amount_columns_so_far():
    inference = _inference({"A": ["1.234,50", "2,00"], "X": ["1.234", "2.345"]})
    assert inference.numbers("X").tolist() == [1.234, 2.345]  # no amount column yet
    for role in AMOUNT_ROLES:
        inference.roles = {role: ["A"]}
        assert inference.numbers("X").tolist() == [1234.0, 2345.0], role
    inference.roles = {"Description": ["A"]}  # no amount role
    assert inference.numbers("X").tolist() == [1.234, 2.345]


def test_numbers_use_the_files_decimal_hint():
    inference = _inference({"X": ["1.234", "2.345"]}, hint=",")
    assert inference.numbers("X").tolist() == [1234.0, 2345.0]


def test_numbers_are_kept_per_column_and_amount_columns():
    inference = _inference({"A": ["1.234,50"], "X": ["1.234"], "Y": ["7"]})
    first = inference.numbers("X")
    assert inference.numbers("X") is first
    assert inference.numbers("Y").tolist() == [7.0]
    inference.roles = {"Amount": ["A"]}
    assert inference.numbers("X") is not first and inference.numbers("X").tolist() == [1234.0]
    assert set(inference._numbers) == {("X", ()), ("Y", ()), ("X", ("A",))}


def test_numbers_of_every_amount_column_decide_the_mark_together():
    # one column alone ("1.500" x3) reads a thousands point; beside "2,50" the comma is the
    # decimal mark of both
    inference = _inference({"In": ["1.500", "1.500", "1.500"], "Out": ["2,50", None, None],
                            "X": ["1.500", None, None]}, {"Money In": ["In"], "Money Out": ["Out"]})
    assert inference.numbers("X").tolist()[0] == 1500.0


# --------------------------------------------------------------------- header roles checked

def test_a_header_amount_or_balance_no_line_fills_is_set_aside_for_the_values():
    inference = _inference({"Amt": [None, None], "Bal": ["", " "], "X": ["1.00", "2.00"]},
                           {"Amount": ["Amt"], "Balance": ["Bal"]})
    inference.check_header_roles()
    assert inference.roles == {} and inference.unfilled == {"Amount": "Amt", "Balance": "Bal"}
    assert inference.notes == []


def test_a_declared_amount_no_line_fills_stays():
    inference = _inference({"Amt": [None, None]}, {"Amount": ["Amt"]}, declared={"Amount"})
    inference.check_header_roles()
    assert inference.roles == {"Amount": ["Amt"]} and inference.unfilled == {}


def test_an_empty_sample_sets_no_header_role_aside():
    inference = _inference({"Amt": [], "Bal": []}, {"Amount": ["Amt"], "Balance": ["Bal"]})
    inference.check_header_roles()
    assert inference.roles == {"Amount": ["Amt"], "Balance": ["Bal"]}
    assert inference.unfilled == {}


def test_one_of_two_header_amounts_set_aside_leaves_the_other():
    inference = _inference({"A1": [None, None], "A2": ["1.00", "2.00"]}, {"Amount": ["A1", "A2"]})
    inference.check_header_roles()
    assert inference.roles == {"Amount": ["A2"]} and inference.unfilled == {"Amount": "A1"}


@pytest.mark.parametrize("role", ["Amount", "Balance"])
def test_a_header_money_column_of_no_amount_is_set_aside_and_noted(role):
    inference = _inference({"C": ["USD", "USD", "EUR"]}, {role: ["C"]})
    inference.check_header_roles()
    assert inference.roles == {} and inference.unfilled == {role: "C"}
    assert inference.notes == [f"column 'C': the header says {role} but none of its values is "
                               "an amount (EUR / USD)"]


def test_the_note_on_a_column_of_no_amount_shows_sixty_characters_of_its_values():
    values = [f"word{n:02d}" for n in range(12)]  # "word00 / word01 / ..." is 105 characters
    inference = _inference({"C": values}, {"Balance": ["C"]})
    inference.check_header_roles()
    shown = " / ".join(values)
    assert inference.notes == [f"column 'C': the header says Balance but none of its values is "
                               f"an amount ({shown[:60]})"]


@pytest.mark.parametrize("role", ["Money In", "Money Out"])
def test_a_side_of_no_amount_without_a_signing_other_side_stays(role):
    inference = _inference({"C": ["x", "y"]}, {role: ["C"]})
    inference.check_header_roles()
    assert inference.roles == {role: ["C"]} and inference.notes == []


def test_a_side_of_no_amount_beside_a_side_signing_every_value_leaves_that_the_amount():
    inference = _inference({"In": ["-", "-", "-"], "Out": ["0.80Dr", "1.00Cr", "2.00Dr"]},
                           {"Money In": ["In"], "Money Out": ["Out"]})
    assert inference.evidence["Out"]["signed_rate"] == 1.0
    inference.check_header_roles()
    assert inference.roles == {"Amount": ["Out"]}
    assert inference.why == {"Out": "the header says money in/out, but 'In' holds no amount and "
                                    "this column signs every value itself"}
    assert inference.unfilled == {}  # (a side is not set aside as unfilled)
    assert inference.notes == ["column 'In': the header says Money In but none of its values is "
                               "an amount (-)"]


def test_a_side_of_no_amount_beside_a_side_signing_all_but_one_value_stays():
    inference = _inference({"In": ["-", "-", "-"], "Out": ["0.80Dr", "1.00", "2.00Dr"]},
                           {"Money In": ["In"], "Money Out": ["Out"]})
    inference.check_header_roles()
    assert inference.roles == {"Money In": ["In"], "Money Out": ["Out"]}
    assert inference.notes == []


def test_a_side_of_no_amount_beside_two_columns_of_the_other_side_stays():
    inference = _inference({"In": ["-", "-"], "O1": ["-1.00", "+2.00"], "O2": ["-1.00", "+2.00"]},
                           {"Money In": ["In"], "Money Out": ["O1", "O2"]})
    inference.check_header_roles()
    assert inference.roles["Money In"] == ["In"] and "Amount" not in inference.roles


def test_a_money_out_of_no_amount_beside_a_signing_money_in():
    inference = _inference({"In": ["-1.00", "+2.00"], "Out": ["n/a", "n/a"]},
                           {"Money In": ["In"], "Money Out": ["Out"]})
    inference.check_header_roles()
    assert inference.roles == {"Amount": ["In"]}


def test_a_side_of_no_amount_moves_to_a_free_column_named_the_same_side():
    inference = _inference({"交易金额(收入)": ["-", "-"], "记账金额(收入)": ["10.00", "20.00"]},
                           {"Money In": ["交易金额(收入)"]})
    inference.check_header_roles()
    assert inference.roles == {"Money In": ["记账金额(收入)"]}
    assert inference.why == {"记账金额(收入)": "the header names Money In and the values are "
                                             "amounts ('交易金额(收入)', named so first, holds none)"}
    assert len(inference.notes) == 1


@pytest.mark.parametrize("values", [["1.00", "x"], ["0", "1", "0"], [None, None]])
def test_a_column_with_an_amount_a_flag_or_no_value_is_no_moneyless_column(values):
    inference = _inference({"C": values, "O": ["-1.00", "+2.00", "-3.00"][:len(values)]},
                           {"Money In": ["C"], "Money Out": ["O"]})
    assert inference._no_money_column("Money In", "C") is False


@pytest.mark.parametrize("role, side", [("Money Out", -1.0), ("Money In", 1.0)])
def test_a_side_of_zero_one_flags_is_no_money_and_says_which_side_its_one_means(role, side):
    inference = _inference({"F": ["0", "1", "0"]}, {role: ["F"]})
    inference.check_header_roles()
    assert inference.roles == {} and inference.flag_sides == {"F": side}
    assert inference.notes == [f"column 'F': the header says {role} but its values are flags "
                               "(0 / 1), not money"]


def test_an_amount_of_flags_is_no_money_and_no_side():
    inference = _inference({"F": ["0", "1", "0"], "B": ["1", "1", "0"]},
                           {"Amount": ["F"], "Balance": ["B"]})
    inference.check_header_roles()
    assert inference.roles == {} and inference.flag_sides == {}
    assert inference.unfilled == {}
    assert [n.split(":")[0] for n in inference.notes] == ["column 'F'", "column 'B'"]


def test_a_declared_role_of_flags_or_no_amount_stays():
    inference = _inference({"F": ["0", "1"], "C": ["USD", "EUR"]},
                           {"Money Out": ["F"], "Balance": ["C"]},
                           declared={"Money Out", "Balance"})
    inference.check_header_roles()
    assert inference.roles == {"Money Out": ["F"], "Balance": ["C"]} and inference.notes == []


def test_header_money_of_amounts_stays():
    inference = _inference({"A": ["1.00", "-2.00"], "B": ["10.00", "8.00"]},
                           {"Amount": ["A"], "Balance": ["B"]})
    inference.check_header_roles()
    assert inference.roles == {"Amount": ["A"], "Balance": ["B"]}
    assert inference.notes == [] and inference.unfilled == {}


def test_a_money_role_named_without_columns_is_dropped():
    inference = _inference({"A": ["1.00"]}, {"Money In": [], "Amount": ["A"]})
    inference.check_header_roles()
    assert inference.roles == {"Amount": ["A"]}


# --------------------------------------------------------------------- unfilled roles settled

def test_an_unfilled_role_comes_back_when_no_column_took_it():
    inference = _inference({"Amt": [None, None], "T": ["x", "y"]}, {"Amount": ["Amt"]})
    inference.check_header_roles()
    inference.settle_unfilled()
    assert inference.roles == {"Amount": ["Amt"]} and inference.notes == []


@pytest.mark.parametrize("column, said", [
    ([None, None, None], "no line fills it with an amount"),
    (["USD", "USD", "EUR"], "a column named so too fills more lines with an amount"),
    (["0.00", "0.00", "0.00"], "no line fills it with money"),
])
def test_an_unfilled_role_another_column_took_is_noted(column, said):
    inference = _inference({"Amt": column, "X": ["1.00", "2.00", "3.00"]})
    inference.unfilled = {"Amount": "Amt"}
    inference.roles = {"Amount": ["X"]}
    inference.settle_unfilled()
    assert inference.roles == {"Amount": ["X"]}
    assert inference.notes == [f"column 'Amt': the header says Amount but {said}; the values "
                               "say 'X' is"]


def test_zeros_on_one_line_are_no_column_without_money():
    # (MONEYLESS_LINES: one line of 0.00 may be a balance)
    inference = _inference({"Amt": ["0.00", None], "X": ["1.00", "2.00"]})
    inference.unfilled = {"Balance": "Amt"}
    inference.roles = {"Balance": ["X"]}
    inference.settle_unfilled()
    assert "a column named so too fills more lines" in inference.notes[0]


# --------------------------------------------------------------------- dates

def test_dates_are_filled_from_the_first_two_free_columns_of_dates():
    inference = _inference({"T": ["x", "y"], "D1": ["01.02.2024", "02.02.2024"],
                            "D2": ["03.02.2024", "04.02.2024"],
                            "D3": ["05.02.2024", "06.02.2024"]})
    inference.fill_dates()
    assert inference.roles == {"Date": ["D1"], "Value Date": ["D2"]}
    assert inference.why == {"D1": "values parse as dates", "D2": "second column of dates"}


def test_one_column_of_dates_is_the_date_only():
    inference = _inference({"D1": ["01.02.2024", "02.02.2024"], "T": ["x", "y"]})
    inference.fill_dates()
    assert inference.roles == {"Date": ["D1"]}


def test_a_named_value_date_keeps_its_column():
    inference = _inference({"D1": ["01.02.2024"], "D2": ["03.02.2024"], "V": ["03.02.2024"]},
                           {"Value Date": ["V"]})
    inference.fill_dates()
    assert inference.roles == {"Value Date": ["V"], "Date": ["D1"]}


def test_a_named_date_is_not_filled_again():
    inference = _inference({"D1": ["01.02.2024"], "D2": ["03.02.2024"]}, {"Date": ["D2"]})
    inference.fill_dates()
    assert inference.roles == {"Date": ["D2"]} and inference.why == {}


def test_no_column_of_dates_leaves_the_date_unfilled():
    inference = _inference({"T": ["x", "y"], "A": ["1.00", "2.00"]})
    inference.fill_dates()
    assert inference.roles == {}


# --------------------------------------------------------------------- amounts

DATES = ["01.02.2024", "02.02.2024", "03.02.2024", "04.02.2024"]
# four moves, and the balance after each of them from 100.00 (oldest first)
MOVES, CARRIED = ["-5.00", "-5.00", "10.00", "-2.50"], ["95.00", "90.00", "100.00", "97.50"]


def test_amounts_named_by_the_header_are_not_filled():
    for role in ("Amount", "Money In", "Money Out"):
        inference = _inference({"A": ["1.00", "2.00"], "B": ["3.00", "4.00"]}, {role: ["A"]})
        inference.fill_amounts()
        assert inference.roles == {role: ["A"]}, role


def test_no_column_of_amounts_fills_none():
    inference = _inference({"T": ["x", "y"]})
    inference.fill_amounts()
    assert inference.roles == {}


def test_the_only_column_of_amounts_is_the_amount():
    inference = _inference({"T": ["x", "y"], "A": ["1.00", "-2.00"]})
    inference.fill_amounts()
    assert inference.roles == {"Amount": ["A"]} and inference.why == {
        "A": "the only column of amounts"}


def test_the_running_balance_tells_the_amount_from_the_balance():
    inference = _inference({"Date": DATES, "Bal": ["100.00", "95.00", "105.00", "102.50"],
                            "Amt": ["-5.00", "-5.00", "10.00", "-2.50"]}, {"Date": ["Date"]})
    inference.fill_amounts()
    why = "running balance (3 of 3 lines reconcile, oldest first)"
    assert inference.roles == {"Date": ["Date"], "Amount": ["Amt"], "Balance": ["Bal"]}
    assert inference.why == {"Amt": f"its values carry the {why}", "Bal": why}
    assert inference.direction is None


def test_the_running_balance_of_a_newest_first_file():
    inference = _inference({"Amt": ["-2.50", "10.00", "-5.00", "-5.00"],
                            "Bal": ["102.50", "105.00", "95.00", "100.00"]})
    inference.fill_amounts()
    assert inference.roles == {"Amount": ["Amt"], "Balance": ["Bal"]}
    assert inference.why["Bal"] == "running balance (3 of 3 lines reconcile, newest first)"


def test_a_balance_the_header_named_is_not_assigned_again():
    inference = _inference({"Amt": ["-5.00", "-5.00", "10.00", "-2.50"],
                            "X": ["7.00", "8.00", "9.00", "1.00"],
                            "Bal": ["100.00", "95.00", "105.00", "102.50"]}, {"Balance": ["Bal"]})
    inference.fill_amounts()
    assert inference.roles == {"Balance": ["Bal"], "Amount": ["Amt"]}
    assert "Bal" not in inference.why


def test_the_balance_signs_unsigned_amounts_by_a_direction_column():
    inference = _inference({"Amt": ["5.00", "5.00", "10.00", "2.50"],
                            "DC": ["D", "D", "C", "D"],
                            "Bal": ["100.00", "95.00", "105.00", "102.50"],
                            "X": ["1.00", "1.00", "1.00", "3.00"]})
    inference.fill_amounts()
    assert inference.roles["Amount"] == ["Amt"] and inference.roles["Balance"] == ["Bal"]
    why = "running balance (3 of 3 lines reconcile, oldest first)"
    assert inference.direction == {"column": "DC", "values": {"D": -1.0, "C": 1.0},
                                   "decided_by": why}
    assert inference.why["DC"] == f"direction of the amounts, decided by {why}"


def test_two_columns_never_filled_together_are_money_in_and_out_by_the_balance():
    inference = _inference({"In": [None, None, "10.00", None],
                            "Out": ["5.00", "5.00", None, "2.50"],
                            "Bal": ["100.00", "95.00", "105.00", "102.50"]})
    inference.fill_amounts()
    why = "running balance (3 of 3 lines reconcile, oldest first)"
    assert inference.roles == {"Money In": ["In"], "Money Out": ["Out"], "Balance": ["Bal"]}
    assert inference.why == {"In": f"money in: {why}", "Out": f"money out: {why}", "Bal": why}


def test_a_split_against_the_balance_the_header_named():
    # (columns named by no word: the balance decides, not the header)
    inference = _inference({"Q": ["5.00", "5.00", None, "2.50"],
                            "P": [None, None, "10.00", None],
                            "Bal": ["100.00", "95.00", "105.00", "102.50"]},
                           {"Balance": ["Bal"]})
    inference.fill_amounts()
    assert inference.roles == {"Balance": ["Bal"], "Money In": ["P"], "Money Out": ["Q"]}
    why = "running balance (3 of 3 lines reconcile, oldest first)"
    assert inference.why == {"P": f"money in: {why}", "Q": f"money out: {why}"}


def test_a_split_is_looked_for_past_a_pair_filled_together():
    # (S, P) and (S, Q) are both written on a line: not a split, and the pair (P, Q) after
    # them is; S is its balance
    inference = _inference({"S": ["100.00", "95.00", "105.00", "102.50"],
                            "P": [None, None, "10.00", None],
                            "Q": ["5.00", "5.00", None, "2.50"]})
    inference.fill_amounts()
    assert inference.roles == {"Money In": ["P"], "Money Out": ["Q"], "Balance": ["S"]}


def test_two_columns_of_the_same_money_are_read_once_and_noted():
    inference = _inference({"Gross": ["-5.00", "7.00", "-2.00"],
                            "Net": ["-5.00", "7.00", "-2.00"]})
    inference.fill_amounts()
    assert inference.roles == {"Amount": ["Gross"]}
    assert inference.notes == [f"column 'Net': left aside, 'Gross' is the amount: "
                               f"{inference.why['Gross']}"]


def test_amounts_the_values_leave_undecided_stop_the_file():
    inference = _inference({"A": ["5.00", "7.00", "2.00"], "B": ["1.00", "3.00", "9.00"]},
                           name="in/unsure.csv")
    with pytest.raises(UnsureReading, match="unsure.csv"):
        inference.fill_amounts()


# --------------------------------------------------------------------- balance

def test_the_balance_is_found_for_a_known_amount():
    inference = _inference({"Amt": ["-5.00", "-5.00", "10.00", "-2.50"],
                            "X": ["7.00", "8.00", "9.00", "1.00"],
                            "Bal": ["100.00", "95.00", "105.00", "102.50"]}, {"Amount": ["Amt"]})
    inference.fill_balance()
    assert inference.roles == {"Amount": ["Amt"], "Balance": ["Bal"]}
    assert inference.why == {"Bal": "running balance (3 of 3 lines reconcile, oldest first)"}
    assert inference.balance_before is False


def test_no_balance_is_looked_for_without_an_amount_or_beside_a_named_one():
    columns = {"Amt": ["-5.00", "-5.00", "10.00", "-2.50"],
               "Bal": ["100.00", "95.00", "105.00", "102.50"],
               "B2": ["100.00", "95.00", "105.00", "102.50"]}
    inference = _inference(columns, {"Balance": ["B2"], "Amount": ["Amt"]})
    inference.fill_balance()
    assert inference.roles == {"Balance": ["B2"], "Amount": ["Amt"]}
    inference = _inference(columns, {"Money In": ["Amt"]})
    inference.fill_balance()
    assert inference.roles == {"Money In": ["Amt"]}


def test_a_balance_signs_unsigned_amounts_unless_the_direction_was_declared():
    columns = {"Amt": ["5.00", "5.00", "10.00", "2.50"], "DC": ["D", "D", "C", "D"],
               "Bal": ["100.00", "95.00", "105.00", "102.50"]}
    inference = _inference(columns, {"Amount": ["Amt"]})
    inference.fill_balance()
    assert inference.roles["Balance"] == ["Bal"]
    why = "running balance (3 of 3 lines reconcile, oldest first)"
    assert inference.direction == {"column": "DC", "values": {"D": -1.0, "C": 1.0},
                                   "decided_by": why}
    assert inference.why == {"Bal": why, "DC": f"direction of the amounts, decided by {why}"}
    inference = _inference(columns, {"Amount": ["Amt"]}, direction={"D": -1.0, "C": 1.0})
    inference.fill_balance()
    assert inference.roles["Balance"] == ["Bal"] and inference.direction is None


def test_a_balance_written_before_each_line():
    inference = _inference({"Date": DATES, "Amt": ["-5.00", "-5.00", "10.00", "-2.50"],
                            "Bal": ["105.00", "100.00", "95.00", "105.00"]},
                           {"Date": ["Date"], "Amount": ["Amt"]})
    inference.fill_balance()
    assert inference.roles["Balance"] == ["Bal"] and inference.balance_before is True
    assert inference.notes == [f"column 'Bal': {inference.why['Bal']}"]


def test_no_balance_among_unrelated_numbers():
    inference = _inference({"Amt": ["-5.00", "-5.00", "10.00", "-2.50"],
                            "X": ["7.00", "8.00", "9.00", "1.00"]}, {"Amount": ["Amt"]})
    inference.fill_balance()
    assert inference.roles == {"Amount": ["Amt"]} and inference.notes == []


# --------------------------------------------------------------------- decisions

def _decide(amounts: list[float], balances: list[float], **more):
    inference = _inference({"A": ["1"] * len(amounts)})
    readings = {"r": (np.array(amounts), np.array(balances), None)}
    readings.update(more)
    return inference._decide(readings, "because")


@pytest.mark.parametrize("balances, decided", [
    # 4 steps: 2 reconcile (half: proven), 1 (not)
    ([100.0, 101.0, 103.0, 0.0, 0.0], "because (2 of 4 lines reconcile, oldest first)"),
    ([100.0, 101.0, 0.0, 50.0, 0.0], None),
])
def test_the_balance_decides_when_half_the_steps_reconcile(balances, decided):
    result = _decide([0.0, 1.0, 2.0, 7.0, 9.0], balances)
    assert (result and result[1]) == decided
    if decided:
        assert result[0] == "r"


def test_readings_alike_are_one_reading_and_a_tie_decides_nothing():
    amounts, balances = [0.0, 1.0, 2.0], [100.0, 101.0, 103.0]
    same = (np.array(amounts), np.array(balances), None)
    assert _decide(amounts, balances, same=same)[0] == "r"  # the first name of alike readings
    other = (np.array([0.0, 1.0, 2.0]), np.array([100.0, 101.0, 103.0]) + 1.0, None)
    assert _decide(amounts, balances, other=other) is None  # two as good: no decision


def test_a_tie_is_decided_by_the_reading_that_gives_every_line_an_amount():
    balances = np.array([100.0, 95.0, 105.0, 102.5])
    whole = (np.array([0.0, -5.0, 10.0, -2.5]), balances, None)
    side = (np.array([np.nan, -5.0, 10.0, -2.5]), balances, None)
    inference = _inference({"A": ["1"] * 4})
    assert inference._decide({"side": side, "whole": whole}, "b")[0] == "whole"


def test_readings_differing_only_by_a_missing_balance_are_two():
    inference = _inference({"A": ["1"] * 3})
    a = np.array([0.0, 1.0, 2.0])
    readings = {"x": (a, np.array([100.0, 101.0, 103.0]), None),
                "y": (a, np.array([100.0, 101.0, np.nan]), None)}
    assert inference._decide(readings, "b")[0] == "x"


# --------------------------------------------------------------------- group, dates, signs

def test_the_group_is_the_account_and_the_currency_when_the_file_holds_several():
    columns = {"Acc": ["A1", "A2", "A1"], "Cur": ["EUR", "EUR", "USD"], "One": ["X", "X", "X"]}
    inference = _inference(columns, {"Account": ["Acc"], "Currency": ["Cur"]})
    assert inference.group().tolist() == ["A1|EUR", "A2|EUR", "A1|USD"]
    assert _inference(columns, {"Account": ["Acc"]}).group().tolist() == ["A1", "A2", "A1"]
    assert _inference(columns, {"Currency": ["Cur"]}).group().tolist() == ["EUR", "EUR", "USD"]
    assert _inference(columns, {"Account": ["One"]}).group() is None  # one account
    assert _inference(columns, {"Account": ["One"], "Currency": ["Cur"]}).group().tolist() == [
        "EUR", "EUR", "USD"]
    assert _inference(columns).group() is None


def test_the_group_reads_an_empty_field_as_a_group_of_its_own():
    inference = _inference({"Acc": ["A1", None, "A2"]}, {"Account": ["Acc"]})
    assert inference.group().tolist() == ["A1", "", "A2"]
    # (one account written, the other lines empty: one account)
    assert _inference({"Acc": ["A1", None, "A1"]}, {"Account": ["Acc"]}).group() is None


def test_the_sampled_dates_once_a_date_column_is_known():
    inference = _inference({"D": ["13.02.2024", "x"]})
    assert inference.dates() is None
    inference.roles = {"Date": ["D"]}
    assert inference.dates().tolist()[0] == pd.Timestamp("2024-02-13")
    assert pd.isna(inference.dates().tolist()[1])


def test_signed_amounts_as_the_reading_signs_them():
    inference = _inference({"A": ["5.00", "-7.00", "2.00"], "DC": ["D", "C", "C"],
                            "In": ["1.00", None, None], "Out": [None, "2.00", None]})
    assert inference.signed_amounts() is None
    inference.roles = {"Amount": ["A"]}
    assert inference.signed_amounts().tolist() == [5.0, -7.0, 2.0]
    inference.roles = {"Amount": ["A"], "Debit/Credit": ["DC"]}
    assert inference.signed_amounts().tolist() == [5.0, -7.0, 2.0]  # no direction read yet
    inference.direction = {"column": "DC", "values": {"D": -1.0, "C": 1.0}}
    assert inference.signed_amounts().tolist() == [-5.0, 7.0, 2.0]
    inference.roles = {"Amount": ["A"]}  # a direction whose column is no Debit/Credit role
    assert inference.signed_amounts().tolist() == [5.0, -7.0, 2.0]
    inference.roles = {"Money In": ["In"], "Money Out": ["Out"]}
    assert inference.signed_amounts().tolist()[:2] == [1.0, -2.0]
    assert np.isnan(inference.signed_amounts().tolist()[2])
    inference.roles = {"Money In": ["In"]}
    assert inference.signed_amounts().tolist() == [1.0, 0.0, 0.0]
    inference.roles = {"Money Out": ["Out"]}
    assert inference.signed_amounts().tolist() == [0.0, -2.0, 0.0]


def test_money_out_written_with_a_minus_is_still_out():
    inference = _inference({"In": [None, "3.00"], "Out": ["-2.00", None]},
                           {"Money In": ["In"], "Money Out": ["Out"]})
    assert inference.signed_amounts().tolist() == [-2.0, 3.0]


# --------------------------------------------------------------------- date order

def _dated(dates: list[str], amounts: list[str], balances: list[str], **more):
    inference = _inference({"D": dates, "A": amounts, "B": balances, **more.pop("columns", {})},
                           more.pop("roles", {"Date": ["D"], "Amount": ["A"], "Balance": ["B"]}),
                           **more)
    inference.decide_date_order()
    return inference.date_order


def test_the_balance_decides_the_date_order_no_date_tells():
    # oldest first by the balance, and dates that run forward only one way
    dates = ["02/01/2024", "01/02/2024", "03/02/2024", "02/03/2024"]
    order = _dated(dates, MOVES, CARRIED)
    # day first: 2 Jan, 1 Feb, 3 Feb, 2 Mar (forward); month first: 1 Feb, 2 Jan, 2 Mar, 3 Feb
    assert order == {"day_first": True, "decided_by": "balance", "row_order": "oldest first",
                     "dates_against_row_order": 0, "other_order_against": 2}


def test_the_balance_decides_month_first_dates():
    dates = ["01/02/2024", "02/01/2024", "02/03/2024", "03/02/2024"]
    order = _dated(dates, MOVES, CARRIED)
    assert order == {"day_first": False, "decided_by": "balance", "row_order": "oldest first",
                     "dates_against_row_order": 0, "other_order_against": 2}


def test_a_newest_first_file_decides_the_order_the_other_way():
    dates = ["02/03/2024", "03/02/2024", "01/02/2024", "02/01/2024"]
    order = _dated(dates, ["-2.50", "10.00", "-5.00", "-5.00"],
                   ["97.50", "100.00", "90.00", "95.00"])
    assert order == {"day_first": True, "decided_by": "balance", "row_order": "newest first",
                     "dates_against_row_order": 0, "other_order_against": 2}


def test_no_date_order_without_date_balance_or_when_the_date_is_declared():
    dates = ["02/01/2024", "01/02/2024", "03/02/2024", "02/03/2024"]
    amounts, balances = MOVES, CARRIED
    assert _dated(dates, amounts, balances, roles={"Amount": ["A"], "Balance": ["B"]}) is None
    assert _dated(dates, amounts, balances, roles={"Date": ["D"], "Amount": ["A"]}) is None
    assert _dated(dates, amounts, balances, declared={"Date"}) is None
    assert _dated(dates, amounts, balances, roles={"Date": ["D"], "Balance": ["B"]}) is None


def test_dates_that_tell_their_order_leave_it_to_them():
    dates = ["13/01/2024", "01/02/2024", "03/02/2024", "02/03/2024"]  # 13: day first
    assert _dated(dates, MOVES, CARRIED) is None


def test_an_order_that_changes_no_date_decides_nothing():
    dates = ["01/01/2024", "02/02/2024", "03/03/2024", "04/04/2024"]
    assert _dated(dates, MOVES, CARRIED) is None


@pytest.mark.parametrize("balances, order", [
    (["95.00", "90.00", "100.00", "0.00"], True),     # 2 of 3 steps reconcile: more than half
    (["95.00", "90.00", "0.00", "0.00"], None),       # 1 of 3: less than half
])
def test_the_balance_decides_the_order_only_when_it_runs(balances, order):
    dates = ["02/01/2024", "01/02/2024", "03/02/2024", "02/03/2024"]
    result = _dated(dates, MOVES, balances)
    assert (result and result["day_first"]) == order


def test_half_the_steps_reconciling_is_enough_to_decide_the_order():
    dates = ["02/01/2024", "01/02/2024", "03/02/2024", "02/03/2024", "01/04/2024"]
    result = _dated(dates, ["-5.00", "-5.00", "10.00", "-2.50", "1.00"],
                    ["95.00", "90.00", "100.00", "0.00", "0.00"])
    assert result["day_first"] is True  # 2 of 4 steps


def test_both_orders_as_much_against_the_rows_decide_nothing():
    dates = ["02/01/2024", "01/02/2024", "01/02/2024", "02/01/2024"]
    assert _dated(dates, MOVES, CARRIED) is None


def test_dates_run_forward_within_each_account():
    # two accounts one after another: each runs forward day first; across them the dates
    # go back (the first account's last day to the second's first), which is no step
    dates = ["02/01/2024", "01/02/2024", "03/02/2024", "02/01/2024", "01/02/2024",
             "03/02/2024"]
    order = _dated(dates, ["-5.00", "-5.00", "10.00", "-1.00", "-1.00", "2.00"],
                   ["95.00", "90.00", "100.00", "49.00", "48.00", "50.00"],
                   columns={"Acc": ["X", "X", "X", "Y", "Y", "Y"]},
                   roles={"Date": ["D"], "Amount": ["A"], "Balance": ["B"],
                          "Account": ["Acc"]})
    assert order == {"day_first": True, "decided_by": "balance", "row_order": "oldest first",
                     "dates_against_row_order": 0, "other_order_against": 2}


# --------------------------------------------------------------------- the rest

def test_currency_account_and_counterparty_columns():
    inference = _inference({"Cur": ["EUR", "EUR", "USD"],
                            "Own": ["NL91ABNA0417164300"] * 3,
                            "Other": ["DE89370400440532013000", "GB29NWBK60161331926819",
                                      "DE89370400440532013000"],
                            "T": ["Coffee shop", "Bus ticket", "Rent paid"]})
    inference.fill_rest()
    assert inference.roles == {"Currency": ["Cur"], "Account": ["Own"], "Description": ["T"]}
    assert inference.why == {"Cur": "values are currency codes or symbols",
                             "Own": "one IBAN on every line: the account",
                             "Other": "IBANs that vary: the counterparty's account",
                             "T": "free text"}


def test_a_second_column_of_one_iban_is_a_counterparty_when_the_account_is_known():
    inference = _inference({"Own": ["NL91ABNA0417164300"] * 2, "T": ["Shop one", "Bus"]},
                           {"Account": ["A"], "Description": ["T"]})
    inference.fill_rest()
    assert "Own" not in inference.assigned()
    assert inference.why["Own"] == "IBANs that vary: the counterparty's account"


def test_a_second_currency_column_is_left():
    inference = _inference({"C2": ["EUR", "USD"]}, {"Currency": ["C1"]})
    inference.fill_rest()
    assert inference.roles == {"Currency": ["C1"]}
    assert inference.why == {"C2": "free text"}  # (words, no description: codes)


@pytest.mark.parametrize("currencies, currency_role", [
    (9, True),    # 9 of 10 currency codes: the rate
    (8, False),   # 8 of 10: not
])
def test_a_currency_column_at_the_parse_rate(currencies, currency_role):
    values = ["EUR"] * currencies + ["x1"] * (10 - currencies)
    inference = _inference({"C": values})
    inference.fill_rest()
    assert ("Currency" in inference.roles) is currency_role


@pytest.mark.parametrize("ibans, account", [(9, True), (8, False)])
def test_an_account_column_at_the_parse_rate(ibans, account):
    values = ["NL91ABNA0417164300"] * ibans + ["x1"] * (10 - ibans)
    inference = _inference({"C": values, "T": ["Shop"] * 10}, {"Description": ["T"]})
    assert inference.evidence["C"]["distinct"] == 2
    inference.fill_rest()
    assert "Account" not in inference.roles  # two distinct values: never the account
    assert (inference.why["C"] == "IBANs that vary: the counterparty's account") is account


def test_the_description_is_the_most_varied_text_column():
    inference = _inference({"Kind": ["Card", "Card", "Transfer", "Card"],
                            "Payee": ["Shop one", "Shop two", "Rent", "Shop one"],
                            "Memo": ["Weekly food", "Bus ticket", "Rent paid", "More food"],
                            "Cur": ["EUR", "EUR", "EUR", "EUR"]})
    inference.fill_rest()
    assert inference.roles["Description"] == ["Memo"]
    assert inference.why["Payee"] == "free text" and inference.why["Kind"] == "free text"


def test_of_text_columns_as_varied_the_first_is_the_description():
    inference = _inference({"A": ["Shop one", "Shop two"], "B": ["Memo one", "Memo two"]})
    inference.fill_rest()
    assert inference.roles == {"Description": ["A"]}


def test_a_text_column_of_tokens_is_the_description_only_when_no_other_is_text():
    inference = _inference({"Free": ["Shop one", "Shop one", "Shop one"],
                            "Tok": ["Debit", "Credit", "Debit"]})
    assert "tokens" in inference.evidence["Tok"]
    inference.fill_rest()
    assert inference.roles == {"Description": ["Free"]}
    inference = _inference({"Tok": ["Debit", "Credit", "Debit"]})
    inference.fill_rest()
    assert inference.roles == {"Description": ["Tok"]}


@pytest.mark.parametrize("texts, described", [
    (["Shop one", "x1"], True),           # half the values text: the rate
    (["Shop one", "x1", "x2"], False),    # a third: not
])
def test_a_description_is_text_on_half_the_lines(texts, described):
    inference = _inference({"T": texts})
    inference.fill_rest()
    assert ("Description" in inference.roles) is described
    assert inference.why["T"] == ("free text" if described else "not used")


def test_free_text_not_taken_is_said_so():
    inference = _inference({"T": ["Shop one", "Bus ticket"], "N": ["12", "13"],
                            "X": ["Memo", "Memo two"]}, {"Description": ["X"]})
    inference.fill_rest()
    assert inference.why == {"T": "free text", "N": "not used"}


def test_a_column_of_currency_words_is_no_description():
    inference = _inference({"C": ["EUR", "USD", "GBP"]}, {"Currency": ["X"]})
    inference.fill_rest()
    assert "Description" not in inference.roles


def test_empty_descriptions_filled_by_another_text_column():
    inference = _inference({"Zweck": ["Miete Mai", None, "Strom", None],
                            "Text": ["Dauerauftrag", "Kartenzahlung Shop", None, "Gehalt Mai"],
                            "Other": [None, "Notiz eins", None, None]},
                           {"Description": ["Zweck"]})
    inference.fill_rest()
    assert inference.roles == {"Description": ["Zweck", "Text"]}
    assert inference.why["Text"] == "free text where the description is empty"


def test_no_filler_for_descriptions_filled_everywhere_or_declared():
    columns = {"Zweck": ["Miete Mai", "Strom"], "Text": ["Dauerauftrag", "Kartenzahlung"]}
    inference = _inference(columns, {"Description": ["Zweck"]})
    inference.fill_rest()
    assert inference.roles == {"Description": ["Zweck"]}
    columns = {"Zweck": ["Miete Mai", None], "Text": ["Dauerauftrag", "Kartenzahlung"]}
    inference = _inference(columns, {"Description": ["Zweck"]}, declared={"Description"})
    inference.fill_rest()
    assert inference.roles == {"Description": ["Zweck"]}


def test_a_filler_must_write_text_where_the_description_is_empty():
    columns = {"Zweck": ["Miete Mai", None, "Strom"], "Text": ["Dauerauftrag", None, "Gehalt"]}
    inference = _inference(columns, {"Description": ["Zweck"]})
    inference.fill_rest()
    assert inference.roles == {"Description": ["Zweck"]}


def test_of_two_descriptions_a_line_either_fills_is_filled():
    columns = {"D1": ["Miete", None], "D2": [None, "Strom"], "Text": ["Dauerauftrag", "Gehalt"]}
    inference = _inference(columns, {"Description": ["D1", "D2"]})
    inference.fill_rest()
    assert inference.roles == {"Description": ["D1", "D2"]}


def test_the_filler_filling_most_empty_descriptions_and_on_a_tie_the_first():
    columns = {"Zweck": ["Miete", None, None], "A": [None, "Kartenzahlung", None],
               "B": [None, "Kartenzahlung", "Gehalt Mai"], "C": [None, "Notiz", "Notiz zwei"]}
    inference = _inference(columns, {"Description": ["Zweck"]})
    inference.fill_empty_descriptions()
    assert inference.roles == {"Description": ["Zweck", "B"]}


def test_a_filler_of_tokens_or_little_text_is_none():
    columns = {"Zweck": ["Miete", None, None, None], "Tok": ["Debit", "Credit", "Debit", "Fee"],
               "Num": ["Miete", "12", "13", "14"]}
    inference = _inference(columns, {"Description": ["Zweck"]})
    inference.fill_empty_descriptions()
    assert inference.roles == {"Description": ["Zweck"]}


# --------------------------------------------------------------------- infer_roles

def test_infer_roles_reads_a_headerless_sample_whole():
    frame = _frame({"0": ["01.02.2024", "02.02.2024", "03.02.2024"],
                    "1": ["Shop one", "Bus ticket", "Rent paid"],
                    "2": ["-5.00", "-2.00", "7.00"],
                    PARSE_ERROR_COLUMN: [None, None, None]})
    reading = infer_roles(frame, {}, name="in/x.csv", headerless=True)
    assert reading.roles == {"Date": ["0"], "Amount": ["2"], "Description": ["1"]}
    assert reading.unrecognised == []
    assert list(reading.evidence) == ["0", "1", "2"]  # the parse-error column is none
    assert reading.evidence["2"] == {"decided_by": "the only column of amounts",
                                     **column_evidence(frame["2"])}
    assert reading.direction is None and reading.notes == [] and reading.date_order is None
    assert reading.unsigned_sign is None and reading.balance_before is False


def test_infer_roles_says_what_decided_each_header_column():
    frame = _frame({"Datum": ["01.02.2024", "02.02.2024"], "Betrag": ["-5.00", "x"],
                    "Notiz": ["a", "b"], "Kind": ["AB", "AB"]})
    reading = infer_roles(frame, {"Date": ["Datum"], "Amount": ["Betrag"]}, name="x.csv")
    assert reading.evidence["Datum"]["decided_by"] == "header word"
    assert reading.evidence["Betrag"]["decided_by"] == "header word (values disagree)"
    assert reading.evidence["Notiz"]["decided_by"] == "not used"
    assert reading.unrecognised == ["Notiz", "Kind"]
    # tokens come last in a column's evidence
    assert list(reading.evidence["Kind"])[-1] == "tokens"
    assert reading.evidence["Kind"]["tokens"] == {"AB": 2}


def test_infer_roles_leaves_the_callers_roles_and_takes_the_declared_ones():
    roles = {"Amount": ["A"]}
    frame = _frame({"A": [None, None], "B": ["1.00", "2.00"]})
    reading = infer_roles(frame, roles, name="x.csv", declared={"Amount"})
    assert roles == {"Amount": ["A"]} and reading.roles == {"Amount": ["A"]}


def test_lines_without_a_date_or_a_number_are_no_sample():
    # the title lines say nothing: the column of amounts is read on the other lines only
    frame = _frame({"A": ["Account overview", "-5.00", "2.00", "Totals"],
                    "T": ["", "Shop one", "Bus", ""]})
    reading = infer_roles(frame, {}, name="x.csv")
    assert reading.roles["Amount"] == ["A"]
    assert reading.evidence["A"]["values"] == 2


def test_a_sample_without_any_date_or_number_is_read_whole():
    frame = _frame({"T": ["Shop one", "Bus ticket"]})
    reading = infer_roles(frame, {}, name="x.csv")
    assert reading.evidence["T"]["values"] == 2


def test_the_sample_is_the_first_valued_lines_up_to_its_size(monkeypatch):
    import titans_finance.core.readers.column_roles as column_roles
    monkeypatch.setattr(column_roles, "SAMPLE_ROWS", 3)
    # 2 x 3 lines looked at: title lines among them leave the first 3 valued ones
    frame = _frame({"A": ["Title", "1.00", "Title", "2.00", "3.00", "4.00", "5.00"]})
    reading = infer_roles(frame, {}, name="x.csv")
    assert reading.evidence["A"]["values"] == 3
    assert reading.evidence["A"]["distinct"] == 3
    frame = _frame({"A": ["T1", "T2", "T3", "T4", "T5", "T6", "1.00"]})
    reading = infer_roles(frame, {}, name="x.csv")   # the 7th line lies past 2 x 3
    assert reading.evidence["A"]["values"] == 3       # no valued line: the first 3 lines


def test_a_frame_of_no_columns_reads_no_roles():
    reading = infer_roles(pd.DataFrame(index=range(2)), {}, name="x.csv")
    assert reading.roles == {} and reading.evidence == {}


# --------------------------------------------------------------------- amounts, later steps

BEFORE = {"Date": DATES, "A": ["-5.00", "-5.00", "10.00", "-2.50"],
          "B": ["105.00", "100.00", "95.00", "105.00"]}
BEFORE_WHY = ("'B' is the balance before each line: the next line's in time is it plus 'A' "
              "(3 of 3 lines, dates forward)")


def test_an_amount_and_the_balance_written_before_each_line():
    inference = _inference(BEFORE, {"Date": ["Date"]})
    inference.fill_amounts()
    assert inference.roles == {"Date": ["Date"], "Amount": ["A"], "Balance": ["B"]}
    assert inference.why == {"A": BEFORE_WHY, "B": BEFORE_WHY}
    assert inference.balance_before is True
    assert inference.notes == [f"column 'B': {BEFORE_WHY}"]


def test_an_amount_beside_a_balance_before_it_when_the_header_named_another_balance():
    inference = _inference({**BEFORE, "C": ["x", "y", "z", "w"]},
                           {"Date": ["Date"], "Balance": ["C"]})
    inference.fill_amounts()
    assert inference.roles == {"Date": ["Date"], "Balance": ["C"], "Amount": ["A"]}
    assert inference.why == {"A": BEFORE_WHY} and inference.balance_before is False
    assert inference.notes == [f"column 'B': {BEFORE_WHY}"]


def test_a_balance_before_each_line_needs_the_dates():
    inference = _inference(BEFORE, {})
    with pytest.raises(UnsureReading):
        inference.fill_amounts()


WORDS = {"Partner": ["Shop", "Pay"], "A": ["-350", "1290"], "B": ["2345,56", "1055,56"]}


def test_the_amount_is_the_column_whose_sign_its_direction_words_say():
    inference = _inference({**WORDS, "Irany": ["outflow", "inflow"]})
    inference.fill_amounts()
    assert inference.roles == {"Amount": ["A"]}
    assert inference.why == {"A": "its sign is the side 'Irany' says"} and inference.notes == []


def test_an_amount_signed_against_its_words_on_every_line_is_the_other_view():
    inference = _inference({**WORDS, "Irany": ["inflow", "outflow"]})
    inference.fill_amounts()
    assert inference.roles == {"Amount": ["A"], "Debit/Credit": ["Irany"]}
    assert inference.why["A"] == "its sign is, on every line, the other side than 'Irany' says"


@pytest.mark.parametrize("other", [["1", "2", "1"], ["5.00", "7.00", "2.00"]])
def test_the_only_column_with_both_signs_beside_codes_or_its_size_is_the_amount(other):
    inference = _inference({"A": ["-5.00", "7.00", "-2.00"], "O": other})
    inference.fill_amounts()
    why = ("the only column of amounts with both signs; 'O' whole numbers never negative "
           "(codes, counts) or its size without sign")
    assert inference.roles == {"Amount": ["A"]} and inference.why == {"A": why}
    assert inference.notes == [f"column 'A': {why}"]


def test_the_signs_decide_nothing_beside_a_debit_credit_column():
    inference = _inference({"A": ["-5.00", "7.00", "-2.00"], "O": ["1", "2", "1"],
                            "DC": [None, None, None]}, {"Debit/Credit": ["DC"]})
    with pytest.raises(UnsureReading):
        inference.fill_amounts()


def test_the_refusal_names_the_file_and_the_columns_and_the_split_the_balance_tried():
    inference = _inference({"A": ["5.00", "7.00", "2.00"], "B": ["1.00", "3.00", "9.00"]},
                           name="in/dir/f.csv")
    with pytest.raises(UnsureReading) as refused:
        inference.fill_amounts()
    message = str(refused.value)
    assert message.startswith("f.csv: columns 'A', 'B' all hold amounts and neither a header "
                              "word nor a running balance tells which is the transaction "
                              "amount (their first values: 'A': 5.00, 7.00, 2.00; 'B': 1.00, "
                              "3.00, 9.00).")
    assert 'match: "f.csv"' in message and "in/dir" not in message
    assert 'amount: "A"' in message and 'balance: "B"' in message


# --------------------------------------------------------------------- what infer_roles returns

UNSIGNED = {"Date": ["13.02.2024", "14.02.2024", "15.02.2024"], "Amt": ["5.00", "7.00", "2.00"],
            "Text": ["Shop one", "Bus ticket", "Rent paid"]}


def test_a_headerless_file_of_unsigned_amounts_stops_one_with_a_header_does_not():
    with pytest.raises(UnsureReading, match="the file has no header"):
        infer_roles(_frame(UNSIGNED), {}, name="x.csv", headerless=True)
    assert infer_roles(_frame(UNSIGNED), {}, name="x.csv").roles["Amount"] == ["Amt"]


def test_declared_direction_values_sign_the_amounts():
    frame = _frame({**UNSIGNED, "DC": ["D", "C", "D"]})
    reading = infer_roles(frame, {"Debit/Credit": ["DC"]}, name="x.csv",
                          declared={"Debit/Credit"}, direction_values={"D": 1.0, "C": -1.0})
    assert reading.direction == {"column": "DC", "values": {"D": 1.0, "C": -1.0},
                                 "decided_by": "declared mapping"}
    # the same file undeclared: the known words (D debit, C credit) sign it
    reading = infer_roles(frame, {"Debit/Credit": ["DC"]}, name="x.csv")
    assert reading.direction["values"] == {"D": -1.0, "C": 1.0}


def test_the_reading_carries_the_date_order_the_balance_decided():
    frame = _frame({"D": ["02/01/2024", "01/02/2024", "03/02/2024", "02/03/2024"],
                    "A": ["-5.00", "-5.00", "10.00", "-2.50"],
                    "B": ["95.00", "90.00", "100.00", "97.50"]})
    reading = infer_roles(frame, {"Date": ["D"], "Amount": ["A"], "Balance": ["B"]}, name="x.csv")
    assert reading.date_order == {"day_first": True, "decided_by": "balance",
                                  "row_order": "oldest first", "dates_against_row_order": 0,
                                  "other_order_against": 2}


def test_the_reading_carries_the_sign_of_unsigned_values_beside_plus_marks():
    frame = _frame({**UNSIGNED, "Amt": ["+12.00", "5.00", "7.00"]})
    reading = infer_roles(frame, {}, name="x.csv")
    assert reading.unsigned_sign == -1.0
    assert reading.notes == ["column 'Amt': 1 value(s) written with '+' and 2 without a sign, "
                             "never a minus: the unsigned values are money out"]


def test_the_reading_says_the_balance_is_written_before_each_line():
    reading = infer_roles(_frame(BEFORE), {}, name="x.csv")
    assert reading.roles["Balance"] == ["B"] and reading.balance_before is True


# --------------------------------------------------------------------- the run's survivors

def test_a_side_of_yes_no_flags_beside_a_signing_side_is_a_flag_not_a_moneyless_side():
    inference = _inference({"Out": ["y", "n", "y"], "In": ["-1.00", "+2.00", "-3.00"]},
                           {"Money Out": ["Out"], "Money In": ["In"]})
    assert inference.evidence["Out"]["flag"] is True
    inference.check_header_roles()
    assert inference.roles == {"Money In": ["In"]} and inference.flag_sides == {"Out": -1.0}


def test_two_sides_of_no_amount_stay_as_named():
    # (the other side writes no amount: no sign on every value)
    inference = _inference({"In": ["x", "y"], "Out": ["z", "w"]},
                           {"Money In": ["In"], "Money Out": ["Out"]})
    inference.check_header_roles()
    assert inference.roles == {"Money In": ["In"], "Money Out": ["Out"]}


def test_exactly_two_columns_of_dates_are_the_date_and_the_value_date():
    inference = _inference({"D1": ["01.02.2024", "02.02.2024"],
                            "D2": ["03.02.2024", "04.02.2024"]})
    inference.fill_dates()
    assert inference.roles == {"Date": ["D1"], "Value Date": ["D2"]}


def test_an_empty_free_column_fills_no_description():
    inference = _inference({"Zweck": ["Miete", None], "Empty": [None, None]},
                           {"Description": ["Zweck"]})
    inference.fill_empty_descriptions()
    assert inference.roles == {"Description": ["Zweck"]}


@pytest.mark.parametrize("zweck, values, filler", [
    (["Miete", None], ["12", "Notiz eins"], True),                   # text on half its lines
    (["Miete", "Strom", None], ["12", "13", "Notiz eins"], False),   # a third: not
])
def test_a_filler_of_descriptions_is_text_on_half_its_lines(zweck, values, filler):
    inference = _inference({"Zweck": zweck, "F": values}, {"Description": ["Zweck"]})
    inference.fill_empty_descriptions()
    assert ("F" in inference.roles["Description"]) is filler


def test_a_partial_amount_inside_the_side_pair_stays_aside_and_is_noted():
    # (a card's amount in the foreign currency, written on one of the three lines the
    # pair fills with money)
    inference = _inference({"Importo": [None, "15.00", None], "Out": ["14.80", "12.50", None],
                            "In": [None, None, "3.00"]},
                           {"Amount": ["Importo"], "Money Out": ["Out"], "Money In": ["In"]})
    inference.check_header_roles()
    assert inference.unfilled == {"Amount": "Importo"} and "Amount" not in inference.roles
    inference.settle_unfilled()
    assert inference.roles == {"Money Out": ["Out"], "Money In": ["In"]}
    assert inference.notes == ["column 'Importo': the header says Amount, but it is written on "
                               "fewer lines than money in / money out, and only where they hold "
                               "money: a partial amount (another currency); the pair is the money"]


def test_every_header_column_of_a_role_is_checked():
    # a column of no amount, then one of flags, both named Balance; then an amount and a
    # column of flags named Money Out
    inference = _inference({"C": ["USD", "EUR", "USD"], "F": ["0", "1", "0"],
                            "A": ["1.00", "2.00", "3.00"], "G": ["1", "0", "0"]},
                           {"Balance": ["C", "F"], "Money Out": ["A", "G"]})
    inference.check_header_roles()
    assert inference.roles == {"Money Out": ["A"]}
    assert inference.flag_sides == {"G": -1.0}
    assert [n.split(" but ")[0] for n in inference.notes] == [  # (in AMOUNT_ROLES' order)
        "column 'G': the header says Money Out", "column 'C': the header says Balance",
        "column 'F': the header says Balance"]


def test_an_empty_free_column_is_not_used():
    inference = _inference({"E": [None, " "], "T": ["Shop", "Bus"]}, {"Description": ["T"]})
    inference.fill_rest()
    assert inference.roles == {"Description": ["T"]} and inference.why == {"E": "not used"}
    inference = _inference({"E": [None, " "]})
    inference.fill_rest()
    assert inference.roles == {} and inference.why == {"E": "not used"}


@pytest.mark.parametrize("codes, described", [(9, False), (8, True)])
def test_a_text_column_of_currency_codes_at_the_parse_rate_is_no_description(codes, described):
    values = ["EUR"] * codes + ["Shop one"] * (10 - codes)
    inference = _inference({"C": values}, {"Currency": ["X"]})
    inference.fill_rest()
    assert ("Description" in inference.roles) is described


@pytest.mark.parametrize("values, why", [
    (["Shop one", "12"], "free text"),         # text on half the lines
    (["Shop one", "12", "13"], "not used"),    # a third
])
def test_a_column_left_is_free_text_when_half_its_values_are(values, why):
    inference = _inference({"T": values, "D": ["Memo"] * len(values)}, {"Description": ["D"]})
    inference.fill_rest()
    assert inference.why == {"T": why}


def test_the_amount_columns_mark_is_read_under_the_files_decimal_hint():
    # "1.234" alone could be either; the hint (a decimal comma) makes its point a
    # thousands separator, and the other column is read under that mark
    inference = _inference({"A": ["1.234", "2.345"], "X": ["2.500", "3.750"]},
                           {"Amount": ["A"]}, hint=",")
    assert inference.numbers("X").tolist() == [2500.0, 3750.0]
    inference = _inference({"A": ["1.234", "2.345"], "X": ["2.500", "3.750"]},
                           {"Amount": ["A"]}, hint=".")
    assert inference.numbers("X").tolist() == [2.5, 3.75]


def _noise(k: int) -> list[str]:
    """A column of amounts that is neither the amount nor a balance of the others."""
    return [f"{k}.{d}1" for d in (3, 7, 2, 9)]


RUNNING = ["100.00", "95.00", "105.00", "102.50"]
PAID_IN, PAID_OUT = [None, None, "10.00", None], ["5.00", "5.00", None, "2.50"]


def test_the_amount_is_looked_for_among_the_first_four_columns_of_amounts():
    columns = {"N1": _noise(1), "N2": _noise(2), "N3": _noise(3)}
    inference = _inference({**columns, "Amt": MOVES, "Bal": RUNNING})  # the fourth
    inference.fill_amounts()
    assert inference.roles == {"Amount": ["Amt"], "Balance": ["Bal"]}
    inference = _inference({**columns, "N4": _noise(4), "Amt": MOVES, "Bal": RUNNING})
    with pytest.raises(UnsureReading):  # the fifth: not read as the amount; nothing decides
        inference.fill_amounts()


def test_a_split_is_looked_for_among_the_first_four_columns_and_its_balance_among_all():
    inference = _inference({"N1": _noise(1), "P": PAID_IN, "Q": PAID_OUT, "S": RUNNING})
    inference.fill_amounts()
    assert inference.roles == {"Money In": ["P"], "Money Out": ["Q"], "Balance": ["S"]}
    for others in (2, 3):  # the balance fifth, then sixth (the pair third and fourth)
        columns = {f"N{k}": _noise(k) for k in range(1, others)}
        inference = _inference({**columns, "P": PAID_IN, "Q": PAID_OUT, "N9": _noise(9),
                                "S": RUNNING} if others == 3 else
                               {**columns, "N9": _noise(9), "P": PAID_IN, "Q": PAID_OUT,
                                "S": RUNNING})
        inference.fill_amounts()
        assert inference.roles == {"Money In": ["P"], "Money Out": ["Q"], "Balance": ["S"]}
    # the pair's second side fifth: not looked for; one side alone is no proof (balance_proof)
    inference = _inference({"N1": _noise(1), "N2": _noise(2), "N3": _noise(3), "P": PAID_IN,
                            "Q": PAID_OUT, "S": RUNNING})
    with pytest.raises(UnsureReading):
        inference.fill_amounts()


def test_a_signed_amount_is_never_signed_again_by_a_direction_column():
    # signed as written (one minus), its signs do not carry the balance; read by the D/C
    # column they would: the written signs stand, and no balance is found
    inference = _inference({"A": ["5.00", "5.00", "-10.00", "2.50"], "DC": ["D", "D", "C", "D"],
                            "Bal": RUNNING}, {"Amount": ["A"]})
    inference.fill_balance()
    assert inference.roles == {"Amount": ["A"]} and inference.direction is None


def test_the_balance_the_header_named_is_its_first_column():
    columns = {"N1": _noise(1), "Amt": MOVES}
    inference = _inference({**columns, "Bal": RUNNING, "X": _noise(2)}, {"Balance": ["Bal", "X"]})
    inference.fill_amounts()
    assert inference.roles == {"Balance": ["Bal", "X"], "Amount": ["Amt"]}
    inference = _inference({**columns, "X": _noise(2), "Bal": RUNNING}, {"Balance": ["X", "Bal"]})
    with pytest.raises(UnsureReading):  # a second column named so is not weighed
        inference.fill_amounts()


def test_gross_and_net_apart_by_the_fee_column_are_one_movement():
    columns = {"gross": ["12.00", "-5.00"], "net": ["11.65", "-5.00"]}
    inference = _inference({**columns, "fee": ["0.35", "0.00"]}, {"Fee": ["fee"]})
    inference.fill_amounts()
    assert inference.roles == {"Fee": ["fee"], "Amount": ["gross"]}
    why = "its values less the fee are 'net' on every line (gross and net)"
    assert inference.why == {"gross": why}
    assert inference.notes == [f"column 'net': left aside, 'gross' is the amount: {why}"]
    # without the fee column the two are not the same money: nothing decides
    with pytest.raises(UnsureReading):
        _inference({**columns, "fee": ["0.35", "0.00"]}).fill_amounts()


def test_a_missing_balance_is_not_a_balance_of_zero():
    # (x's chain breaks at 101 -> 0; y's has no third balance: each reconciles one step,
    # a tie the balance cannot decide; read as one reading, x would be proven)
    inference = _inference({"A": ["1"] * 3})
    a = np.array([0.0, 1.0, 2.0])
    readings = {"x": (a, np.array([100.0, 101.0, 0.0]), None),
                "y": (a, np.array([100.0, 101.0, np.nan]), None)}
    assert inference._decide(readings, "b") is None


def test_the_balance_runs_per_account_in_a_file_of_several():
    # two accounts' lines interleaved: each account's balance runs, the rows' do not
    inference = _inference({"Acc": ["X", "Y", "X", "Y"]}, {"Account": ["Acc"]})
    readings = {"r": (np.array([0.0, 0.0, -5.0, 10.0]), np.array([100.0, 50.0, 95.0, 60.0]),
                      None)}
    assert inference._decide(readings, "b") == ("r", "b (2 of 2 lines reconcile, oldest first)")


def test_the_date_order_is_decided_on_the_balance_of_each_account():
    # interleaved accounts, each running forward day first (2 Jan, 1 Feb, 3 Feb)
    dates = ["02/01/2024", "02/01/2024", "01/02/2024", "01/02/2024", "03/02/2024",
             "03/02/2024"]
    order = _dated(dates, ["-5.00", "-1.00", "-5.00", "-1.00", "10.00", "2.00"],
                   ["95.00", "49.00", "90.00", "48.00", "100.00", "50.00"],
                   columns={"Acc": ["X", "Y", "X", "Y", "X", "Y"]},
                   roles={"Date": ["D"], "Amount": ["A"], "Balance": ["B"],
                          "Account": ["Acc"]})
    assert order == {"day_first": True, "decided_by": "balance", "row_order": "oldest first",
                     "dates_against_row_order": 0, "other_order_against": 2}


def test_the_refusal_names_the_exchange_rate_between_two_amounts():
    inference = _inference({"A": ["10.00", "20.00", "5.00"], "R": ["1.1000", "1.2000", "1.3000"],
                            "B": ["11.00", "24.00", "6.50"]})
    with pytest.raises(UnsureReading, match="'R' is the exchange rate between 'A' and 'B': "
                                            "which of them is the booked amount"):
        inference.fill_amounts()
    assert inference.rates == {"R": ("A", "B")}


def test_lines_of_the_same_day_run_neither_way():
    # oldest first, the first two lines on one day: no step against the rows either way
    order = _dated(["02/01/2024", "02/01/2024", "01/02/2024", "03/02/2024", "02/03/2024"],
                   ["-5.00", "-1.00", "-5.00", "10.00", "-2.50"],
                   ["95.00", "94.00", "89.00", "99.00", "96.50"])
    assert order == {"day_first": True, "decided_by": "balance", "row_order": "oldest first",
                     "dates_against_row_order": 0, "other_order_against": 2}
    # newest first alike
    order = _dated(["02/03/2024", "02/03/2024", "03/02/2024", "01/02/2024", "02/01/2024"],
                   ["-2.50", "-1.00", "10.00", "-5.00", "-5.00"],
                   ["96.50", "99.00", "100.00", "90.00", "95.00"])
    assert order == {"day_first": True, "decided_by": "balance", "row_order": "newest first",
                     "dates_against_row_order": 0, "other_order_against": 2}


def test_a_step_of_one_day_against_the_rows_counts():
    # newest first: month first reads 3 Feb -> 4 Feb (one day forward) and 4 Feb -> 1 Mar;
    # day first 2 Mar -> 2 Apr only
    order = _dated(["02/03/2024", "02/04/2024", "03/01/2024"], ["-5.00", "10.00", "-2.50"],
                   ["105.00", "110.00", "100.00"])
    assert order == {"day_first": True, "decided_by": "balance", "row_order": "newest first",
                     "dates_against_row_order": 1, "other_order_against": 2}


def test_the_group_is_the_first_column_of_each_role_and_an_empty_one_is_none():
    columns = {"Acc": ["A1", "A2", "A1"], "Acc2": ["B1", "B1", "B2"], "Empty": [None, None, None]}
    inference = _inference(columns, {"Account": ["Acc", "Acc2"]})
    assert inference.group().tolist() == ["A1", "A2", "A1"]
    assert _inference(columns, {"Account": ["Empty"]}).group() is None
