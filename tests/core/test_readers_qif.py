"""QIF dates as Quicken writes them (core/readers/qif.py): an apostrophe before the year marks
a year of this century, written in one or two digits and space-padded; a three-digit year is
the years since 1900 (the Y2K bug)."""

from __future__ import annotations

import pytest

from titans_finance.core.readers.qif import _qif_date, read_qif_export


@pytest.mark.parametrize("written, read", [
    ("5/15' 0", "5/15/2000"),   # the lowest apostrophe year: 2000, not a day or 1900
    ("5/15'0", "5/15/2000"),
    ("5/ 9' 5", "5/9/2005"),    # padded day and one-digit year
    ("1/ 2'24", "1/2/2024"),
    ("12/31'99", "12/31/2099"),  # the highest two-digit apostrophe year
    ("1/2'2024", "1/2/2024"),    # four digits after an apostrophe: as written
    ("1/2/99", "1/2/99"),        # a slash year is left to the date rules (1999)
    ("01/03/2024", "01/03/2024"),
    # three digits: years since 1900 (the Y2K bug), from 000 to 199
    ("03/25/099", "03/25/1999"), ("1/3/100", "1/3/2000"), ("1/3/101", "1/3/2001"),
    ("3/25/000", "3/25/1900"), ("12/31/199", "12/31/2099"),
    ("12/31/200", "12/31/200"),  # 2100 is no bank's year: left as written (no date)
    ("25.03.099", "25.03.1999"), ("3/25/1999", "3/25/1999"), ("3/25/99", "3/25/99"),
    # the payee run on after the date: the date alone
    ("03/25/099Share Withdrawal", "03/25/1999"), ("3/25/1999Check 200", "3/25/1999"),
    ("5/15' 0ATM", "5/15/2000"), ("3/25/99POS", "3/25/99"),
    ("15 Jan 2024", "15Jan2024"),  # a month by name is no run-on text (as before)
])
def test_an_apostrophe_year_is_this_century_whatever_its_padding(written, read):
    assert _qif_date(written) == read


def test_records_dated_in_years_since_1900_are_read_on_either_side_of_2000():
    text = ("!Type:Bank\nD12/31/099Point of Sale Transaction\nT-99.99\nPPOS\n^\n"
            "D1/1/100Direct Deposit\nT99.99\nPDirect Deposit\n^\n")
    frame = read_qif_export(text, "web.qif").frame
    assert frame["Date"].tolist() == ["12/31/1999", "1/1/2000"]
    assert frame["Description"].tolist() == ["POS", "Direct Deposit"]


def test_records_dated_with_apostrophe_years_are_all_read():
    text = ("!Type:Bank\nD5/15' 0\nT-101.00\nPATM\n^\nD5/ 9' 5\nT-20.00\nPCheck\n^\n"
            "D4/15'20\nT2,964.91\nPSalary\n^\n")
    frame = read_qif_export(text, "bank.qif").frame
    assert frame["Date"].tolist() == ["5/15/2000", "5/9/2005", "4/15/2020"]


# Quicken's full export: the list of every account between !Option:AutoSwitch and
# !Clear:AutoSwitch (D is the account's description, T its type, B its balance), then one
# !Account header per register and its records.
_ACCOUNT_LIST = ("!Option:AutoSwitch\n!Account\nN.joint checking\nD64954751\nTBank\nB14,066.96\n^\n"
                 "NAsset - 370 CPW\nD\nTOth A\nB850,000.00\n^\n"
                 "Ndp Amazon Visa\nDL0.00\nTCCard\nB4,206.98\n^\n")


def test_the_records_of_quickens_account_list_are_accounts_not_movements():
    text = (_ACCOUNT_LIST + "!Clear:AutoSwitch\n!Account\nNdp Amazon Visa\nTCCard\n^\n"
            "!Type:CCard\nD1.12.08\nPSmart Home\nT-28.98\n^\nD6.12.08\nPKagi\nT9.95\n^\n")
    export = read_qif_export(text, "autoswitch.qif")
    assert export.frame["Amount"].tolist() == ["-28.98", "9.95"]
    assert export.frame["Account"].tolist() == ["dp Amazon Visa"] * 2
    assert export.info["not_read"] == {"account_list": 3}


def test_the_account_list_ends_at_clear_autoswitch():
    # the first record after the list is read again, in a register with no !Account header
    text = _ACCOUNT_LIST + "!Clear:AutoSwitch\n!Type:Bank\nD01/02/2008\nPSalary\nT1,000.00\n^\n"
    export = read_qif_export(text, "list-then-bank.qif")
    assert export.frame["Amount"].tolist() == ["1,000.00"]
    assert export.info["not_read"] == {"account_list": 3}


def test_an_account_list_never_cleared_holds_no_movement():
    export = read_qif_export(_ACCOUNT_LIST, "list-only.qif")
    assert len(export.frame) == 0
    assert export.info["not_read"] == {"account_list": 3}


def test_an_account_header_without_the_list_still_names_its_register():
    text = "!Account\nNChecking\nTBank\n^\n!Type:Bank\nD01/02/2008\nPRent\nT-500.00\n^\n"
    export = read_qif_export(text, "one-account.qif")
    assert export.frame["Account"].tolist() == ["Checking"]
    assert export.frame["Amount"].tolist() == ["-500.00"]
    assert "not_read" not in export.info


def test_records_after_autoswitch_but_before_an_account_block_stay_transactions():
    # the list is the !Account block inside AutoSwitch, not every record after the option line
    text = ("!Option:AutoSwitch\nD01/02/2024\nT-5.00\nPShop\n^\n"
            "!Account\nNChecking\nTBank\n^\n!Type:Bank\nD01/03/2024\nT7.00\nPRefund\n^\n")
    export = read_qif_export(text, "option-then-records.qif")
    assert export.frame["Amount"].tolist() == ["-5.00", "7.00"]
    assert export.info["not_read"] == {"account_list": 1}
