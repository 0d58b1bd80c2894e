"""The direction of unsigned amounts, read from the values (core/readers/column_direction.py):
each decision on a small sample of a column-role inference, without reading a whole file
(the CSV reader's tests read them through whole files)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from titans_finance.core.readers.column_direction import COMPLEMENT_MARK_LENGTH, _signed_readings
from titans_finance.core.readers.column_roles import _RoleInference
from titans_finance.core.readers.mapping import UnsureReading


def _inference(roles: dict, *, declared: dict | None = None, headerless: bool = False,
               name: str = "in/x.csv", **columns) -> _RoleInference:
    """An inference over a sample of raw strings (None: an empty field), with the roles the
    steps before the direction left."""
    sample = pd.DataFrame({c: pd.Series(v, dtype="object") for c, v in columns.items()})
    return _RoleInference(sample, roles, set(), ".", name, declared, headerless)


# -- every meaning of a direction column, as a reading against the balance

def test_each_way_of_signing_two_values_is_a_reading_and_signs_the_amounts_sizes():
    readings = _signed_readings(pd.Series([-5.0, 7.0, 2.0]), {"DC": pd.Series(["D", "C", None])},
                                pd.Series([95.0, 102.0, 100.0]))
    assert list(readings) == ["DC: D=-, C=+", "DC: D=+, C=-"]
    signed, balance, meaning = readings["DC: D=-, C=+"]
    np.testing.assert_array_equal(signed, [-5.0, 7.0, np.nan])  # no value: no sign
    np.testing.assert_array_equal(balance, [95.0, 102.0, 100.0])
    assert meaning == {"column": "DC", "values": {"D": -1.0, "C": 1.0}}
    np.testing.assert_array_equal(readings["DC: D=+, C=-"][0], [5.0, -7.0, np.nan])


@pytest.mark.parametrize("tokens, count", [
    (["X", "X"], 2),             # one value: money in or money out on every line
    (["X", "Y"], 2),             # two values: one each way (never both the same side)
    (["X", "Y", "Z"], 6),        # three values: every mix but all alike
    (["W", "X", "Y", "Z"], 0),   # four values are no direction column
    ([None, None], 0),           # no value
])
def test_a_direction_column_has_one_to_three_values(tokens, count):
    readings = _signed_readings(pd.Series([1.0] * len(tokens)), {"T": pd.Series(tokens)},
                                pd.Series([0.0] * len(tokens)))
    assert len(readings) == count
    assert all(len(set(m["values"].values())) == 2 for *_, m in readings.values()) or count <= 2


def test_a_column_of_too_many_values_leaves_the_next_column_its_readings():
    readings = _signed_readings(pd.Series([1.0] * 4), {"Four": pd.Series(["w", "x", "y", "z"]),
                                                       "B": pd.Series(["u", "v", "u", "v"])},
                                pd.Series([0.0] * 4))
    assert list(readings) == ["B: u=-, v=+", "B: u=+, v=-"]


def test_each_column_of_tokens_gives_its_own_readings():
    readings = _signed_readings(pd.Series([1.0, 2.0]), {"A": pd.Series(["x", "y"]),
                                                        "B": pd.Series(["u", "u"])},
                                pd.Series([0.0, 1.0]))
    assert list(readings) == ["A: x=-, y=+", "A: x=+, y=-", "B: u=-", "B: u=+"]


# -- the candidates

def test_the_candidates_are_the_named_column_free_tokens_flags_and_types_of_unknown_words():
    inference = _inference(
        {"Amount": ["Amt"], "Debit/Credit": ["DC"], "Type": ["Typ", "Kind", "Note"],
         "Money Out": ["Expense"]},
        Amt=["5.00", "7.00", "2.00"], Free=["A", "B", "A"], DC=["X", "Y", "X"],
        Text=["Shop one", "Shop two", "Bus ride"], Expense=["0", "1", "0"],
        Typ=["PRIJEM", "VYDAJ", "PRIJEM"], Kind=["Debit", "Credit", "Debit"],
        Note=["Shop one", "Shop two", "Bus ride"])
    inference.check_header_roles()  # a 0/1 column named Money Out: its side, no money
    assert inference.flag_sides == {"Expense": -1.0}
    candidates = inference.direction_candidates()
    # the named column first, then free columns of tokens or flags, then the flags named a
    # side (met already), then types of words no reader knows; no text, no known types
    assert list(candidates) == ["DC", "Free", "Expense", "Typ"]
    assert candidates["Free"].tolist() == ["A", "B", "A"]


def test_a_candidate_s_values_are_cleaned_of_spaces_and_empty_fields():
    inference = _inference({"Amount": ["Amt"]}, Amt=["5.00", "7.00", "1.00"],
                           DC=[" D ", "", "C"])
    assert inference.direction_candidates()["DC"].tolist()[::2] == ["D", "C"]
    assert pd.isna(inference.direction_candidates()["DC"].tolist()[1])


# -- the meaning of a column's values

def _meaning(values, roles=None, column="DC"):
    inference = _inference({"Amount": ["Amt"], **(roles or {})}, Amt=["1.00"] * len(values),
                           **{column: values})
    return inference.alias_meaning(column, pd.Series(values)), inference.notes


def test_known_words_of_both_sides_are_the_meaning_and_an_unknown_third_is_left_out():
    assert _meaning(["Debit", "Credit", "Xq"])[0] == {"Debit": -1.0, "Credit": 1.0}
    assert _meaning(["D", "C"])[0] == {"D": -1.0, "C": 1.0}


@pytest.mark.parametrize("roles, named", [({}, False), ({"Debit/Credit": ["DC"]}, True),
                                          ({"Type": ["DC"]}, True)])
def test_one_side_s_words_are_a_meaning_only_in_a_column_named_for_it(roles, named):
    meaning, _ = _meaning(["Debit", "Debit", "Afschrift"], roles)
    assert meaning is None  # an unknown word beside them: never
    meaning, _ = _meaning(["Debit", "Debit", "Debit"], roles)
    assert meaning == ({"Debit": -1.0} if named else None)


def test_the_other_of_two_short_marks_is_the_other_side_and_the_note_says_so():
    meaning, notes = _meaning(["D", "Zq", "D"])
    assert meaning == {"D": -1.0, "Zq": 1.0}
    assert notes == ["column 'DC': 'Zq' read as money in, the other value of a two-valued "
                     "column whose 'D' is money out"]
    meaning, notes = _meaning(["C", "Q"])
    assert meaning == {"C": 1.0, "Q": -1.0}
    assert notes == ["column 'DC': 'Q' read as money out, the other value of a two-valued "
                     "column whose 'C' is money in"]


def test_the_complement_s_note_is_written_once():
    inference = _inference({"Amount": ["Amt"]}, Amt=["1.00", "2.00"], DC=["D", "Zq"])
    for _ in range(2):
        inference.alias_meaning("DC", pd.Series(["D", "Zq"]))
    assert len(inference.notes) == 1


@pytest.mark.parametrize("other, decided", [("X" * COMPLEMENT_MARK_LENGTH, True),
                                            ("X" * (COMPLEMENT_MARK_LENGTH + 1), False)])
def test_a_complement_is_a_short_mark_only(other, decided):
    meaning, _ = _meaning(["D", other])
    assert (meaning == {"D": -1.0, other: 1.0}) is decided
    assert (meaning is None) is not decided


def test_the_complement_needs_exactly_two_values_one_known():
    assert _meaning(["D", "X", "Y"])[0] is None       # three values
    assert _meaning(["X", "Y"])[0] is None            # neither known
    assert _meaning(["D", "D"])[0] is None            # one value, unnamed column


@pytest.mark.parametrize("side, one, zero", [(-1.0, -1.0, 1.0), (1.0, 1.0, -1.0)])
def test_a_flag_s_true_value_is_the_side_its_header_names(side, one, zero):
    inference = _inference({"Amount": ["Amt"]}, Amt=["1.00"] * 4,
                           F=["1", "0", " Yes ", "no"])
    inference.flag_sides["F"] = side
    assert inference.alias_meaning("F", pd.Series(["1", "0", " Yes ", "no"])) == {
        "1": one, "0": zero, " Yes ": one, "no": zero}


# -- the direction of the amounts (fill_direction)

def test_no_amount_column_or_a_pair_of_sides_has_no_direction_to_find():
    for roles in ({"Money In": ["In"]}, {"Amount": ["Amt"], "Money In": ["In"]},
                  {"Amount": ["Amt"], "Money Out": ["In"]}):
        inference = _inference(roles, Amt=["5.00", "7.00"], In=["1.00", "2.00"],
                               DC=["D", "C"])
        inference.fill_direction()
        assert inference.direction is None and "Debit/Credit" not in inference.roles


def test_a_direction_already_found_is_kept():
    inference = _inference({"Amount": ["Amt"]}, Amt=["5.00", "7.00"], DC=["D", "C"])
    found = {"column": "Other", "values": {}, "decided_by": "before"}
    inference.direction = found
    inference.fill_direction()
    assert inference.direction is found and "Debit/Credit" not in inference.roles


def test_an_amount_column_without_any_amount_needs_no_direction():
    inference = _inference({"Amount": ["Amt"]}, Amt=[None, "n/a", None], DC=["X", "Y", "X"])
    inference.fill_direction()
    assert inference.direction is None and inference.unsigned_sign is None


def test_signed_amounts_take_no_direction_column():
    inference = _inference({"Amount": ["Amt"]}, Amt=["-5.00", "7.00"], DC=["D", "C"])
    inference.fill_direction()
    assert inference.direction is None and inference.unsigned_sign is None


@pytest.mark.parametrize("amounts, moves", [(["0.00", None, "0"], False),
                                            (["1.00", "1.00", "1.00"], True)])
def test_amounts_that_move_no_money_need_no_direction(amounts, moves):
    inference = _inference({"Amount": ["Amt"]}, Amt=amounts, DC=["X", "Y", "X"])
    if moves:  # unknown values and no balance: the file stops
        with pytest.raises(UnsureReading, match="column 'DC' holds 'X' / 'Y'"):
            inference.fill_direction()
    else:
        inference.fill_direction()
        assert inference.direction is None


def test_declared_values_are_read_from_the_named_column():
    inference = _inference({"Amount": ["Amt"], "Debit/Credit": ["DC"]}, declared={
        "Af": -1.0, "Bij": 1.0}, Amt=["5.00", "7.00"], Other=["X", "Y"], DC=["Af", "Bij"])
    inference.fill_direction()
    assert inference.direction == {"column": "DC", "values": {"Af": -1.0, "Bij": 1.0},
                                   "decided_by": "declared mapping"}


def test_declared_values_are_read_from_the_named_column_of_more_than_three_values():
    # four values are no candidate of the values' own, but the header named the column
    inference = _inference({"Amount": ["Amt"], "Debit/Credit": ["DC"]}, declared={
        "D": -1.0, "C": 1.0}, Amt=["5.00", "7.00", "1.00", "2.00"], DC=["D", "C", "X", "Y"])
    inference.fill_direction()
    assert inference.direction["column"] == "DC"


def test_declared_values_without_a_named_column_are_read_from_the_candidate():
    inference = _inference({"Amount": ["Amt"]}, declared={"Af": -1.0, "Bij": 1.0},
                           Amt=["5.00", "7.00"], DC=["Af", "Bij"])
    inference.fill_direction()
    assert inference.direction["column"] == "DC" and inference.roles["Debit/Credit"] == ["DC"]


def test_declared_values_without_any_direction_column_stop_the_file():
    inference = _inference({"Amount": ["Amt"]}, declared={"Af": -1.0, "Bij": 1.0},
                           Amt=["5.00", "7.00"], Text=["Shop one", "Bus two"])
    with pytest.raises(UnsureReading) as refused:
        inference.fill_direction()
    assert str(refused.value) == ("x.csv: debit_credit_values are declared but no "
                                  "debit/credit column is declared or found")


# balance 100 -> 95 -> 102 -> 100: X is money out, Y money in
BALANCED = {"Amt": ["5.00", "7.00", "2.00"], "Bal": ["95.00", "102.00", "100.00"]}


def test_the_running_balance_decides_what_unknown_values_mean():
    inference = _inference({"Amount": ["Amt"], "Balance": ["Bal"]}, DC=["X", "Y", "X"],
                           **BALANCED)
    inference.fill_direction()
    assert inference.direction["values"] == {"X": -1.0, "Y": 1.0}
    assert inference.direction["decided_by"].startswith("running balance (2 of 2 lines")
    assert inference.roles["Debit/Credit"] == ["DC"] and inference.notes == []


def test_the_balance_overrules_known_words_it_contradicts_and_says_so():
    inference = _inference({"Amount": ["Amt"], "Balance": ["Bal"]}, DC=["C", "D", "C"],
                           **BALANCED)
    inference.fill_direction()
    assert inference.direction["values"] == {"C": -1.0, "D": 1.0}
    assert inference.notes == ["column 'DC': the balance overrules the usual meaning of C, D"]


def test_the_balance_agreeing_with_known_words_adds_no_note():
    inference = _inference({"Amount": ["Amt"], "Balance": ["Bal"]}, DC=["D", "C", "D"],
                           **BALANCED)
    inference.fill_direction()
    assert inference.direction["values"] == {"D": -1.0, "C": 1.0} and inference.notes == []


def test_a_balance_that_proves_no_reading_leaves_the_known_words_to_decide():
    inference = _inference({"Amount": ["Amt"], "Balance": ["Bal"]}, DC=["D", "C", "D"],
                           Amt=["5.00", "7.00", "2.00"], Bal=["10.00", "50.00", "90.00"])
    inference.fill_direction()
    assert inference.direction == {"column": "DC", "values": {"D": -1.0, "C": 1.0},
                                   "decided_by": "known debit/credit words"}


def test_known_words_decide_without_a_balance():
    inference = _inference({"Amount": ["Amt"], "Type": ["DC"]}, Amt=["5.00", "7.00"],
                           DC=["D", "C"])
    inference.fill_direction()
    assert inference.direction == {"column": "DC", "values": {"D": -1.0, "C": 1.0},
                                   "decided_by": "known debit/credit words (type column)"}


def test_a_free_column_of_known_words_becomes_the_direction_column():
    inference = _inference({"Amount": ["Amt"]}, Amt=["5.00", "7.00"], DC=["D", "C"])
    inference.fill_direction()
    assert inference.direction == {"column": "DC", "values": {"D": -1.0, "C": 1.0},
                                   "decided_by": "known debit/credit words"}
    assert inference.roles == {"Amount": ["Amt"], "Debit/Credit": ["DC"]}
    assert inference.why["DC"] == "direction of the amounts, decided by known debit/credit words"


def test_of_two_columns_of_known_words_the_named_one_decides():
    inference = _inference({"Amount": ["Amt"], "Debit/Credit": ["Named"]}, Amt=["5.00", "7.00"],
                           Free=["C", "D"], Named=["D", "C"])
    inference.fill_direction()
    assert inference.direction["column"] == "Named"
    assert inference.direction["values"] == {"D": -1.0, "C": 1.0}


def test_two_unnamed_columns_of_known_words_stop_the_file():
    inference = _inference({"Amount": ["Amt"]}, Amt=["5.00", "7.00"], A=["C", "D"],
                           B=["D", "C"])
    with pytest.raises(UnsureReading) as refused:
        inference.fill_direction()
    assert str(refused.value) == (
        "x.csv: the amounts carry no sign and columns 'A', 'B' could each give their "
        "direction; declare which in conf/base/export_mappings.yml (or conf/local/), e.g.:\n"
        'mappings:\n  - match: "x.csv"\n    columns:\n      debit_credit: "A"\n')


@pytest.mark.parametrize("role, side", [("Money Out", "out"), ("Money In", "in")])
def test_a_flag_named_for_one_side_gives_the_direction(role, side):
    inference = _inference({"Amount": ["Amt"], role: ["Flag"]}, Amt=["5.00", "7.00", "1.00"],
                           Flag=["1", "0", "1"])
    inference.check_header_roles()
    inference.fill_direction()
    sign = -1.0 if side == "out" else 1.0
    assert inference.direction == {
        "column": "Flag", "values": {"1": sign, "0": -sign},
        "decided_by": f"the header 'Flag' and its 0/1 values (1 = money {side})"}


def test_a_type_column_of_known_words_directs_the_amounts_and_stays_the_type():
    inference = _inference({"Amount": ["Amt"], "Type": ["Text", "Typ"]}, Amt=["5.00", "7.00"],
                           Text=["Shop one", "Bus two"], Typ=["Debit", "Credit"])
    inference.fill_direction()
    assert inference.direction == {"column": "Typ", "values": {"Debit": -1.0, "Credit": 1.0},
                                   "decided_by": "known debit/credit words (type column)"}
    assert inference.roles == {"Amount": ["Amt"], "Type": ["Text", "Typ"]}


def test_one_known_word_down_a_whole_column_signs_every_amount():
    inference = _inference({"Amount": ["Amt"]}, Amt=["5.00", "7.00", None], DC=["D", "D", None])
    inference.fill_direction()
    assert inference.direction == {
        "column": "DC", "values": {"D": -1.0},
        "decided_by": "a known debit/credit word, the only value of its column"}


def test_one_known_word_missing_on_a_line_with_an_amount_signs_nothing():
    inference = _inference({"Amount": ["Amt"]}, Amt=["5.00", "7.00", "1.00"],
                           DC=["D", "D", None])
    inference.fill_direction()
    assert inference.direction is None


def test_one_value_that_is_no_known_word_signs_nothing():
    inference = _inference({"Amount": ["Amt"]}, Amt=["5.00", "7.00"], DC=["X", "X"])
    inference.fill_direction()
    assert inference.direction is None


def test_a_flag_s_one_value_is_no_direction_word():
    inference = _inference({"Amount": ["Amt"], "Money Out": ["Flag"]}, Amt=["5.00", "7.00"],
                           Flag=["1", "0"], Y=["yes", "yes"])
    inference.check_header_roles()
    inference.flag_sides["Y"] = 1.0  # as if its header named a side too
    inference.single_direction_word({"Y": pd.Series(["yes", "yes"])})
    assert inference.direction is None


def test_two_columns_each_of_one_known_word_stop_the_file():
    inference = _inference({"Amount": ["Amt"]}, Amt=["5.00", "7.00"], A=["D", "D"],
                           B=["K", "K"])
    with pytest.raises(UnsureReading) as refused:
        inference.fill_direction()
    assert str(refused.value) == (
        "x.csv: the amounts carry no sign and columns 'A' (D), 'B' (K) each hold one "
        "debit/credit word on every line; declare which gives the direction in "
        "conf/base/export_mappings.yml (or conf/local/), e.g.:\n"
        'mappings:\n  - match: "x.csv"\n    columns:\n      debit_credit: "A"\n'
        '    debit_credit_values: {debit: "D", credit: "<value meaning money in>"}  # debit: '
        "the value meaning money out (swap them if it is the other)\n")


def test_unknown_values_without_a_balance_stop_the_file_with_the_mapping_to_declare():
    inference = _inference({"Amount": ["Amt"]}, Amt=["5.00", "7.00", "1.00"],
                           DC=["X", "Y", "X"])
    with pytest.raises(UnsureReading) as refused:
        inference.fill_direction()
    assert str(refused.value) == (
        "x.csv: the amounts carry no sign and column 'DC' holds 'X' / 'Y', which may say "
        "money in or out; no known debit/credit word and no running balance tells which. "
        "Settle it in conf/base/export_mappings.yml (or conf/local/):\n"
        'mappings:\n  - match: "x.csv"\n    columns:\n      debit_credit: "DC"\n'
        '    debit_credit_values: {debit: "X", credit: "Y"}  # debit: the value meaning '
        "money out (swap them if it is the other)\n")


def test_one_unknown_value_in_the_named_column_asks_for_the_other():
    inference = _inference({"Amount": ["Amt"], "Debit/Credit": ["DC"]}, Amt=["5.00", "7.00"],
                           DC=["X", "X"])
    with pytest.raises(UnsureReading, match='debit: "X", credit: "<value meaning money in>"'):
        inference.fill_direction()


def test_one_unknown_value_in_a_free_column_or_an_unnamed_flag_stops_nothing():
    for column in (["X", "X"], ["0", "1"]):
        inference = _inference({"Amount": ["Amt"]}, Amt=["5.00", "7.00"], DC=column)
        inference.fill_direction()
        assert inference.direction is None


@pytest.mark.parametrize("headerless, balance, refused", [
    (True, False, True), (False, False, False), (True, True, False)])
def test_unsigned_amounts_of_a_file_without_header_or_balance_stop_the_file(headerless,
                                                                            balance, refused):
    roles = {"Amount": ["column 2"], **({"Balance": ["column 3"]} if balance else {})}
    inference = _inference(roles, headerless=headerless, **{
        "column 1": ["Shop", "Bus"], "column 2": ["7.80", "3.10"],
        "column 3": ["1.00", "50.00"]})
    if not refused:
        inference.fill_direction()
        assert inference.direction is None
        return
    with pytest.raises(UnsureReading) as stop:
        inference.fill_direction()
    assert str(stop.value) == (
        "x.csv: the file has no header and its amounts (column 'column 2') carry no sign; no "
        "direction column and no running balance tells money in from money out. Declare it "
        "in conf/base/export_mappings.yml (or conf/local/), e.g.:\n"
        'mappings:\n  - match: "x.csv"\n    columns:\n      amount: "column 2"\n'
        "    sign: negate  # the amounts are money out (as_written if they are money in)\n")


# -- '+' on some amounts, none on the others

@pytest.mark.parametrize("amounts, marked", [
    (["+5.00", "7.00", "2.00", "+0.00"], (1, 2)),  # a zero written with '+' is no credit
    (["+5.00", "+7.00"], None),                   # every value signed: no unsigned ones
    (["+5.00", "-7.00", "2.00"], None),           # a minus: the signs are written
    (["+5.00", "0.00", None], None),              # nothing unsigned moves money
    (["+0.50", "7.00"], (1, 1)),                  # a credit under 1 is a credit
])
def test_a_plus_on_some_amounts_and_never_a_minus_marks_the_credits(amounts, marked):
    inference = _inference({"Amount": ["Amt"]}, Amt=amounts)
    inference.fill_direction()
    if marked is None:
        assert inference.unsigned_sign is None and inference.notes == []
        return
    assert inference.unsigned_sign == -1.0 and inference.direction is None
    assert inference.notes == [
        f"column 'Amt': {marked[0]} value(s) written with '+' and {marked[1]} without a sign, "
        "never a minus: the unsigned values are money out"]


# -- the direction column taken

def test_the_direction_column_leaves_its_other_roles_and_replaces_the_named_one():
    inference = _inference({"Amount": ["Amt"], "Type": ["DC", "Other"], "Reference": ["DC"],
                            "Debit/Credit": ["Old"]}, Amt=["1.00"], DC=["D"], Other=["x"],
                           Old=["y"])
    inference.use_direction("DC", {1: -1, "C": 1}, "a test")
    assert inference.roles == {"Amount": ["Amt"], "Type": ["Other"], "Debit/Credit": ["DC"]}
    assert inference.direction == {"column": "DC", "values": {"1": -1.0, "C": 1.0},
                                   "decided_by": "a test"}
    assert isinstance(inference.direction["values"]["1"], float)
    assert inference.why == {"DC": "direction of the amounts, decided by a test"}


# -- the amount whose sign its direction words say

SIGNED = {"Dir": ["outflow", "inflow", "outflow"]}


@pytest.mark.parametrize("a, b, found", [
    (["-350", "1290", "-5"], ["350", "1290", "5"],
     ("A", "its sign is the side 'Dir' says", None)),
    (["350", "-1290", "5"], ["350", "1290", "5"],
     ("A", "its sign is, on every line, the other side than 'Dir' says", "Dir")),
    (["-350", "1290", "-5"], ["-350", "1290", "-5"], None),  # both agree: none singled out
    (["-350", "1290", "-5"], ["-350", "1290", "-5"][::-1], None),
    (["-350", "1290", "5"], ["350", "1290", "5"], None),  # one line against the words
])
def test_the_amount_is_the_one_column_whose_signs_the_words_say(a, b, found):
    inference = _inference({}, A=a, B=b, **SIGNED)
    assert inference.signed_as_directed(["A", "B"]) == found


@pytest.mark.parametrize("a", [["-350", "0", "-5"], ["-350", None, "-5"]])
def test_words_of_one_side_on_the_usable_lines_single_out_nothing(a):
    # the only money-in line moves nothing (or is empty): the signs never meet both words,
    # and the next column is weighed
    inference = _inference({}, A=a, B=["-350", "1290", "-5"], **SIGNED)
    assert inference.signed_as_directed(["A", "B"]) == (
        "B", "its sign is the side 'Dir' says", None)


@pytest.mark.parametrize("a, words", [
    (["-350", "1290", "0", "-5"], ["outflow", "inflow", "inflow", "outflow"]),
    (["-350", "1290", None, "-5"], ["outflow", "inflow", "inflow", "outflow"]),
    (["-350", "1290", "7", "-5"], ["outflow", "inflow", None, "outflow"])])
def test_a_line_without_money_or_without_a_word_says_nothing(a, words):
    inference = _inference({}, A=a, B=["350", "1290", "7", "5"], Dir=words)
    assert inference.signed_as_directed(["A", "B"]) == (
        "A", "its sign is the side 'Dir' says", None)


@pytest.mark.parametrize("words", [["outflow", "outflow", "outflow", "outflow"],
                                   ["outflow", "inflow", "Gift", "Gift"]])
def test_words_of_one_side_or_an_unknown_word_single_out_nothing(words):
    inference = _inference({}, A=["-350", "1290", "-5", "-7"], B=["350", "1290", "5", "7"],
                           Dir=words)
    assert "tokens" in inference.evidence["Dir"]  # a direction column, weighed
    assert inference.signed_as_directed(["A", "B"]) is None


def test_the_amount_the_words_single_out_is_assigned_with_the_words_of_the_other_view():
    inference = _inference({}, A=["350", "-1290", "5"], B=["350", "1290", "5"], **SIGNED)
    assert inference.take_signed_as_directed(["A", "B"]) is True
    assert inference.roles == {"Amount": ["A"], "Debit/Credit": ["Dir"]}
    assert inference.why["Dir"] == ("its words say the other side than the signs of 'A' on "
                                    "every line: the other party's view")


def test_the_words_agreeing_with_the_signs_are_no_direction_column():
    inference = _inference({}, A=["-350", "1290", "-5"], B=["350", "1290", "5"], **SIGNED)
    assert inference.take_signed_as_directed(["A", "B"]) is True
    assert inference.roles == {"Amount": ["A"]}
    assert inference.why == {"A": "its sign is the side 'Dir' says"}


def test_a_named_direction_column_is_not_replaced_by_the_other_view():
    inference = _inference({"Debit/Credit": ["Named"]}, A=["350", "-1290", "5"],
                           B=["350", "1290", "5"], Named=["x", "y", "x"], **SIGNED)
    assert inference.take_signed_as_directed(["A", "B"]) is True
    assert inference.roles == {"Debit/Credit": ["Named"], "Amount": ["A"]}


def test_nothing_singled_out_assigns_nothing():
    inference = _inference({}, A=["-350", "1290", "-5"], B=["-350", "1290", "-5"], **SIGNED)
    assert inference.take_signed_as_directed(["A", "B"]) is False
    assert inference.roles == {}


def test_a_type_column_of_one_known_word_directs_every_amount():
    inference = _inference({"Amount": ["Amt"], "Type": ["Typ"]}, Amt=["5.00", "7.00"],
                           Typ=["Debit", "Debit"])
    inference.fill_direction()
    assert inference.direction == {"column": "Typ", "values": {"Debit": -1.0},
                                   "decided_by": "known debit/credit words (type column)"}


def test_a_type_column_of_more_than_three_words_is_no_direction_column():
    # four known words are no tokens of a direction column (the normaliser reads them)
    inference = _inference({"Amount": ["Amt"], "Type": ["Typ"]},
                           Amt=["5.00", "7.00", "1.00", "2.00"],
                           Typ=["Debit", "Credit", "Lastschrift", "Gutschrift"])
    inference.fill_direction()
    assert inference.direction is None
