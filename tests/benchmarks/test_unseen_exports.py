"""The unseen-exports benchmark puts each file in one class: a reading that differs from the
expected one counts as flagged only when the reading itself complained (here: the date order
reported ambiguous by the normaliser), else as silently wrong."""

from __future__ import annotations

import pandas as pd
import pytest

from benchmarks.evaluation.unseen_exports import score_file
from tests.parameters import parameters

# every date reads either way (06/12): the file's hint decides, and the report says so
AMBIGUOUS = "date,description,amount\n06/12/2021,Bills,-55.00\n06/12/2021,Salary,1280.80\n"
CLEAR = "date,description,amount\n13/12/2021,Bills,-55.00\n14/12/2021,Salary,1280.80\n"
PENDING = ("booking date,value date,description,amount\n2021-12-14,2021-12-13,Bills,-55.00\n"
           ",2021-12-15,Card,-12.00\n")
CARD = ("purchase date,value date,description,amount\n2021-12-13,2021-12-14,Bills,-55.00\n"
        "2021-12-15,2021-12-16,Card,-12.00\n")
# five of six lines money in and no balance: the report says the signs are unproven
MOSTLY_IN = "date,description,amount\n" + "".join(
    f"1{d}/12/2021,Shop {d},{a}\n" for d, a in enumerate(["12.40", "8.15", "61.02", "-20.00",
                                                           "33.10", "4.20"]))


def _expected(dates: list[str], amounts: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"date": dates, "amount": amounts})


@pytest.mark.parametrize("text, dates, amounts, klass", [
    (AMBIGUOUS, ["2021-06-12", "2021-06-12"], [-55.0, 1280.8], "right"),
    (AMBIGUOUS, ["2021-12-06", "2021-12-06"], [-55.0, 1280.8], "wrong_flagged"),
    (CLEAR, ["2021-12-13", "2021-12-14"], [-55.0, 1280.8], "right"),
    (CLEAR, ["2021-12-13", "2021-12-14"], [55.0, -1280.8], "wrong_silent"),
    ("nothing,here\n", ["2021-12-13"], [1.0], "refused"),
    (MOSTLY_IN, [f"2021-12-1{d}" for d in range(6)], [-12.4, -8.15, -61.02, 20.0, -33.1, -4.2],
     "wrong_flagged"),
    # a line with no booking date (pending) is set aside (not_booked), as the expected
    # reading leaves it out: right; an expected reading that keeps it: flagged, as the
    # quarantine says so
    (PENDING, ["2021-12-14"], [-55.0], "right"),
    (PENDING, ["2021-12-14", "2021-12-15"], [-55.0, -12.0], "wrong_flagged"),
    (PENDING.replace("\n,2021", "\n2021-12-16,2021"), ["2021-12-14"], [-55.0], "wrong_silent"),
    # a value date beside a purchase day dates the lines; one before its purchase leaves the
    # reading unsure, and it says so
    (CARD, ["2021-12-14", "2021-12-16"], [-55.0, -12.0], "right"),
    (CARD, ["2021-12-13", "2021-12-15"], [-55.0, -12.0], "wrong_silent"),
    (CARD.replace("2021-12-15,2021-12-16", "2021-12-15,2021-12-14"),
     ["2021-12-13", "2021-12-15"], [-55.0, -12.0], "wrong_flagged"),
])
def test_each_file_lands_in_one_class(tmp_path, text, dates, amounts, klass):
    path = tmp_path / "export.csv"
    path.write_text(text)
    result = score_file(path, _expected(dates, amounts), parameters("ingestion"))
    assert result["class"] == klass, result
