"""What each structured reader puts in each raw column, field by field, on small statements
written by hand: the fields the property tests do not compare (reference, status, value
date, payment method, bank id, currency, split lines, blocks that are not transactions)."""

from __future__ import annotations

from titans_finance.core.readers import read_export

QIF = """!Account
NChecking 1
TBank
^
!Type:Bank
D1/ 2'24
T-1,234.50
PSHELL 123
MFuel
N1001
CX
LAuto:Fuel
^
D01/03/2024
U40.00
MSalary advance
C*
^
D01/04/2024
T-20.00
PSplit shop
SGroceries
$-15.00
EFood
SHousehold
$-5.00
^
!Type:Memorized
PA memorised payee
T-1.00
^
!Type:Cash
D01/05/2024
T-3.00
PCoffee
"""


def test_qif_fields_splits_and_blocks_that_are_not_transactions():
    export = read_export(QIF.encode(), "checking.qif")
    frame = export.frame
    assert frame["Date"].tolist() == ["1/2/24", "01/03/2024", "01/04/2024", "01/05/2024"]
    # T, else U; a split's S/E/$ lines are detail of the T total, not transactions
    assert frame["Amount"].tolist() == ["-1,234.50", "40.00", "-20.00", "-3.00"]
    # payee, else memo; the memo is the reference when it adds something
    assert frame["Description"].tolist() == ["SHELL 123", "Salary advance", "Split shop",
                                             "Coffee"]
    assert frame["Reference"].tolist() == ["Fuel", "", "", ""]
    assert frame["Category"].tolist() == ["Auto:Fuel", "", "", ""]
    # cleared (X, *) or reconciled (R): paid
    assert frame["Status"].tolist() == ["paid", "paid", "", ""]
    assert frame["Bank Transaction ID"].tolist() == ["1001", "", "", ""]
    # the account header's name; the last record lacks its "^" and still counts
    assert frame["Account"].tolist() == ["Checking 1"] * 4
    assert export.info["format"] == "qif"
    assert export.info["not_read"] == {"memorized": 1}
