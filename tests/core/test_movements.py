"""Fees beside the amount and payments into a card account (core/movements.py), at the
boundaries of each decision."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from titans_finance.core.movements import apply_fees, card_payments, without_transfers


def _s(*values):
    return pd.Series(values, dtype="float64")


def test_the_balance_says_whether_the_fee_is_on_top_or_included():
    amount, fee = _s(100, -50, -20), _s(0, 0.5, 1)
    on_top = _s(100, 49.5, 28.5)  # 100 - 50 - 0.5, then - 20 - 1
    moved, decided = apply_fees(amount, fee, on_top)
    assert moved.tolist() == [100, -50.5, -21] and decided["fee"] == "fee_charged_on_top"
    included = _s(100, 50, 30)
    moved, decided = apply_fees(amount, fee, included)
    assert moved.tolist() == [100, -50, -20] and decided["fee"] == "fee_included_in_amount"
    # newest first: the same decision
    moved, decided = apply_fees(amount[::-1].reset_index(drop=True),
                                fee[::-1].reset_index(drop=True),
                                included[::-1].reset_index(drop=True))
    assert decided["fee"] == "fee_included_in_amount"


def test_a_fee_written_negative_is_still_paid_and_no_balance_means_on_top():
    moved, decided = apply_fees(_s(100, -50), _s(-3.2, np.nan), _s(np.nan, np.nan))
    assert moved.tolist() == [96.8, -50] and decided["decided_by"] == "default"


def test_no_fee_leaves_the_amounts_alone():
    amount = _s(1, -2)
    moved, decided = apply_fees(amount, _s(0, np.nan), _s(1, -1))
    assert moved is amount and decided == {}


@pytest.mark.parametrize("balances, moved, decided", [
    # two balances are one step: enough for the balance to decide (fee included)
    ((100.0, 50.0), [100, -50, -20], {"rows_reconciled_fee_on_top": 0,
                                      "rows_reconciled_fee_included": 1,
                                      "fee": "fee_included_in_amount", "decided_by": "balance"}),
    # two balances, the step carries the fee on top
    ((100.0, 49.5), [100, -50.5, -21], {"rows_reconciled_fee_on_top": 1,
                                        "rows_reconciled_fee_included": 0,
                                        "fee": "fee_charged_on_top", "decided_by": "balance"}),
    # two balances that carry neither reading: a tie, the default (on top)
    ((100.0, 10.0), [100, -50.5, -21], {"rows_reconciled_fee_on_top": 0,
                                        "rows_reconciled_fee_included": 0,
                                        "fee": "fee_charged_on_top", "decided_by": "default"}),
])
def test_two_written_balances_decide_a_fee_and_a_tie_is_the_default(balances, moved, decided):
    amount, fee = _s(100, -50, -20), _s(0, 0.5, 1)
    balance = _s(*balances, np.nan)
    result, evidence = apply_fees(amount, fee, balance)
    assert result.tolist() == moved
    assert evidence == {"rows_with_fee": 2, **decided}


def test_one_written_balance_decides_nothing_and_rows_without_fee_are_not_counted():
    amount, fee = _s(100, -50, -20), _s(0, 0.5, 0)
    result, evidence = apply_fees(amount, fee, _s(100, np.nan, np.nan))
    assert result.tolist() == [100, -50.5, -20]
    assert evidence == {"rows_with_fee": 1, "fee": "fee_charged_on_top",
                        "decided_by": "default"}


def test_a_row_not_known_to_be_a_transfer_stays_in_income_and_spending():
    table = pd.DataFrame({"amount": [-5.0, 7.0, -100.0],
                          "is_transfer": pd.Series([False, None, True], dtype=object)})
    assert without_transfers(table)["amount"].tolist() == [-5.0, 7.0]


def _card(payments: int, purchases: int, refunds: int = 0, payment_sign: float = 1.0):
    text = (["Payment Thank You - Web"] * payments + ["SHOP #1"] * purchases
            + ["SHOP #1 REFUND"] * refunds)
    amount = ([payment_sign * 100.0] * payments + [-payment_sign * 10.0] * purchases
              + [payment_sign * 5.0] * refunds)
    return pd.Series(text, dtype="str"), pd.Series(amount, dtype="float64")


@pytest.mark.parametrize("payments, purchases, refunds, marked", [
    (1, 3, 0, True),    # a quarter of the lines: still a card's payments
    (2, 5, 0, False),   # 2 of 7 (29 %): too many to be a card's payments
    (1, 1, 1, False),   # fewer than four lines: nothing to tell
    (1, 2, 2, True),    # half the other lines the other way: a card
    (1, 1, 3, False),   # most other lines go the payments' way: not a card
])
def test_card_payments_at_their_boundaries(payments, purchases, refunds, marked):
    text, amount = _card(payments, purchases, refunds)
    rows, negate, _ = card_payments(text, amount, signed=True)
    assert rows.sum() == (payments if marked else 0) and not negate.any()


def test_payments_written_negative_beside_positive_charges_negate_the_account():
    text, amount = _card(1, 5, payment_sign=-1.0)
    rows, negate, evidence = card_payments(text, amount, signed=True)
    assert rows.tolist() == [True] + [False] * 5 and negate.all()
    assert evidence["accounts_written_in_the_issuers_view"] == 1
    _, negate, _ = card_payments(text, amount, signed=False)  # sign from an indicator: kept
    assert not negate.any()


def test_each_account_of_a_file_is_decided_on_its_own():
    card_text, card_amount = _card(1, 5)
    checking_text = pd.Series(["ONLINE PAYMENT TO CITY WATER", "PAYROLL", "RENT", "SHOP"],
                              dtype="str")
    checking_amount = _s(-64.1, 3000, -1500, -20)
    text = pd.concat([card_text, checking_text], ignore_index=True)
    amount = pd.concat([card_amount, checking_amount], ignore_index=True)
    accounts = pd.Series(["card"] * 6 + ["checking"] * 4, dtype="str")
    rows, _, evidence = card_payments(text, amount, signed=True, accounts=accounts)
    assert rows[rows].index.tolist() == [0] and evidence["accounts_with_card_payments"] == 1
    # two accounts with payment wording: no one account's figures
    assert set(evidence) == {"accounts_with_card_payments", "card_payment_rows",
                             "accounts_written_in_the_issuers_view"}


@pytest.mark.parametrize("payments, purchases, refunds, share, against, decided", [
    (1, 3, 0, 0.25, 1.0, "card payments"),
    (1, 2, 2, 0.2, 0.5, "card payments"),
    # 1 of 3 others the payments' way round: 0.667 (three places), not a card
    (1, 1, 2, 0.25, 0.333, "not a card account"),
    (2, 5, 0, 0.286, 1.0, "not a card account"),  # 2 of 7
])
def test_one_accounts_evidence_names_the_figures_that_decided(payments, purchases, refunds,
                                                             share, against, decided):
    text, amount = _card(payments, purchases, refunds)
    rows, _, evidence = card_payments(text, amount, signed=True)
    marked = decided == "card payments"
    assert evidence == {"accounts_with_card_payments": int(marked),
                        "card_payment_rows": payments if marked else 0,
                        "accounts_written_in_the_issuers_view": 0,
                        "share_of_rows": share, "other_rows_the_other_way": against,
                        "decided": decided}


def test_one_other_line_is_divided_by_itself_in_the_evidence():
    # 1 payment and 1 purchase: too few lines, but the one other line goes the other way
    text, amount = _card(1, 1)
    _, _, evidence = card_payments(text, amount, signed=True)
    assert evidence["other_rows_the_other_way"] == 1.0
    assert evidence["decided"] == "not a card account"


def test_payment_lines_going_both_ways_are_no_card_payments():
    # "Payment Thank You" in and "AUTOPAY PAYMENT" out: the wording alone cannot say which
    # way a card's payments go, so neither is marked — whichever way they are taken, half
    # the other lines go against them
    text = pd.Series(["Payment Thank You - Web", "AUTOPAY PAYMENT - THANK YOU"]
                     + ["SHOP #1"] * 8, dtype="str")
    amount = _s(100, -100, *([-10] * 4), *([5] * 4))
    rows, negate, evidence = card_payments(text, amount, signed=True)
    assert not rows.any() and not negate.any()
    assert evidence["decided"] == "not a card account"
    # the evidence: the other lines going into the account (1 of 4)
    _, _, evidence = card_payments(text[:6], _s(100, -100, -10, -10, -10, 5), signed=True)
    assert evidence["other_rows_the_other_way"] == 0.25


@pytest.mark.parametrize("last, marked", [
    (0.0, False),  # a line of no money is no line: 3 lines, too few to tell
    (1.0, True),  # a refund of 1.00 is a line like any other: 4 lines, a card
])
def test_lines_of_no_money_do_not_count_towards_a_card(last, marked):
    text = pd.Series(["Payment Thank You - Web", "SHOP #1", "SHOP #1", "SHOP #1 REFUND"],
                     dtype="str")
    rows, _, _ = card_payments(text, _s(100, -10, -10, last), signed=True)
    assert rows.tolist() == [marked, False, False, False]


def test_an_account_without_payment_wording_is_never_negated_or_marked():
    card_text, card_amount = _card(1, 5, payment_sign=-1.0)  # the issuer's view: negated
    other_text = pd.Series(["PAYROLL", "RENT", "SHOP"], dtype="str")
    text = pd.concat([card_text, other_text], ignore_index=True)
    amount = pd.concat([card_amount, _s(3000, -1500, -20)], ignore_index=True)
    accounts = pd.Series(["card"] * 6 + ["checking"] * 3, dtype="str")
    rows, negate, evidence = card_payments(text, amount, signed=True, accounts=accounts)
    assert negate.tolist() == [True] * 6 + [False] * 3
    assert rows.tolist() == [True] + [False] * 8
    assert negate.dtype == bool and rows.dtype == bool
    # the one account with payment wording: its figures
    assert evidence["decided"] == "card payments" and evidence["share_of_rows"] == 0.167


@pytest.mark.parametrize("text", ["ZELLE PAYMENT FROM JOHN SMITH - THANK YOU",
                                  "CLIENT PAYMENT", "PAYMENT TO LANDLORD"])
def test_payments_from_someone_or_without_card_wording_are_not_card_payments(text):
    texts = pd.Series([text] + ["SHOP #1"] * 5, dtype="str")
    rows, _, _ = card_payments(texts, _s(100, -1, -2, -3, -4, -5), signed=True)
    assert not rows.any()


def test_transfers_are_left_out_of_income_and_spending():
    table = pd.DataFrame({"amount": [-5.0, 100.0, -100.0], "is_transfer": [False, True, True]})
    assert without_transfers(table)["amount"].tolist() == [-5.0]
    assert without_transfers(table.drop(columns="is_transfer")).shape[0] == 3


@pytest.mark.parametrize("fee, off, decided", [
    # a one-cent fee still tells the readings apart; a balance written within half a cent
    # (float noise of an export) still carries on; a cent off does not
    (0.01, 0.0, "fee_included_in_amount"), (0.01, 0.004, "fee_included_in_amount"),
    (0.01, -0.004, "fee_included_in_amount"), (0.50, 0.0, "fee_included_in_amount")])
def test_fees_are_told_apart_to_the_cent(fee, off, decided):
    amount = _s(100.0, -10.0, -20.0, -5.0)
    balance = amount.cumsum() + off * np.array([0, 1, 0, 1])  # fee included in the amount
    moved, evidence = apply_fees(amount, _s(0, fee, fee, fee), balance)
    assert evidence["fee"] == decided and evidence["decided_by"] == "balance"
    assert moved.tolist() == amount.tolist()
    assert evidence["rows_reconciled_fee_included"] == 3
    assert evidence["rows_reconciled_fee_on_top"] == 0


def test_a_balance_a_cent_off_does_not_carry_on():
    amount = _s(100.0, -10.0, -20.0)
    balance = amount.cumsum() + np.array([0, 0.01, 0.01])  # one line a cent off
    _, evidence = apply_fees(amount, _s(0, 0.2, 0.3), balance)
    assert evidence["rows_reconciled_fee_included"] == 1


# ------------------------------------------------------------------ unproven signs

def test_mostly_money_in_with_nothing_proving_it_is_reported_from_its_boundary():
    from titans_finance.core.movements import MOSTLY_IN_MIN_LINES, MOSTLY_IN_SHARE, sign_unproven
    assert MOSTLY_IN_SHARE == pytest.approx(2 / 3) and MOSTLY_IN_MIN_LINES == 1
    # 4 of 6 lines in: exactly two thirds, nothing to say
    assert sign_unproven(pd.Series([29.0, 10.0, 12.9, 58.45, -80.0, -105.7]), False) is None
    # 5 of 6 in: more than two thirds
    found = sign_unproven(pd.Series([29.0, 10.0, 12.9, 58.45, 3.0, -105.7]), False)
    assert (found["lines_money_in"], found["lines"]) == (5, 6)
    assert "sign: negate" in found["message"]
    # a short file proves nothing either: 3 of 4 in is said, 2 of 3 (two thirds) is not
    assert sign_unproven(pd.Series([1.0, 2.0, 3.0, -4.0]), False)["lines"] == 4
    assert sign_unproven(pd.Series([1.0, 2.0, -3.0]), False) is None
    # one line with money is enough to say it; none (zeros and gaps) says nothing
    assert sign_unproven(pd.Series([0.0, 7.5, float("nan")]), False)["lines_money_in"] == 1
    assert sign_unproven(pd.Series([0.0, -7.5]), False) is None
    assert sign_unproven(pd.Series([0.0, float("nan")]), False) is None
    # a proof (a balance checked them, a declared sign) says it all
    assert sign_unproven(pd.Series([1.0, 2.0, 3.0, 4.0, 5.0]), True) is None


def test_a_direction_the_file_gives_or_the_format_proves_settles_mostly_money_in():
    from titans_finance.core.movements import (
        BANK_STATEMENT, CARD_STATEMENT, SIGNED_BY_FORMAT, sign_unproven)
    mostly_in = pd.Series([10.0, 20.0, 30.0, -5.0])
    assert sign_unproven(mostly_in, False, directed=True) is None
    assert sign_unproven(mostly_in, False, format_sign=BANK_STATEMENT) is None
    # a card statement's or a QIF account's sign is the format's, but issuers get it backwards
    card = sign_unproven(mostly_in, False, format_sign=CARD_STATEMENT)
    assert "3 of 4 lines of this card statement" in card["message"]
    assert sign_unproven(mostly_in, False, format_sign=SIGNED_BY_FORMAT)["lines"] == 4


def test_unsigned_amounts_that_nothing_directs_are_unproven_from_one_line():
    from titans_finance.core.movements import BANK_STATEMENT, SIGNED_BY_FORMAT, sign_unproven
    # one unsigned line beside lines a direction column signed (out): said, whatever the share
    mixed = pd.Series([-12.0, -30.0, 100.0])
    found = sign_unproven(mixed, False, directed=True, unsigned_lines=1)
    assert found["lines_unsigned"] == 1 and "read as money in" in found["message"]
    assert sign_unproven(mixed, False, directed=True, unsigned_lines=0) is None
    # a format that defines a number without a minus (money in) reads it so
    assert sign_unproven(mixed, False, unsigned_lines=1, format_sign=SIGNED_BY_FORMAT) is None
    assert sign_unproven(mixed, False, unsigned_lines=1, format_sign=BANK_STATEMENT) is None
    # a balance that checked them, or a declared sign, proves them
    assert sign_unproven(pd.Series([36.33]), True, unsigned_lines=1) is None


def test_a_type_contradicting_the_written_sign_is_unproven_from_one_line():
    from titans_finance.core.movements import BANK_STATEMENT, sign_unproven
    mostly_out = pd.Series([-10.0, -20.0, 30.0])
    found = sign_unproven(mostly_out, False, format_sign=BANK_STATEMENT, type_disagrees=1)
    assert found["lines_type_disagrees"] == 1 and "TRNTYPE" in found["message"]
    assert sign_unproven(mostly_out, False, format_sign=BANK_STATEMENT, type_disagrees=0) is None
    assert sign_unproven(mostly_out, True, format_sign=BANK_STATEMENT, type_disagrees=3) is None


def test_each_unproven_sign_says_what_was_unsure_in_full():
    from titans_finance.core.movements import BANK_STATEMENT, sign_unproven
    settle = ("declare `sign: negate` for this file in conf/local/export_mappings.yml if it is "
              "a card statement whose charges are written positive (or map its direction "
              "column)")
    found = sign_unproven(pd.Series([-1.0, 0.5]), False, format_sign=BANK_STATEMENT,
                          type_disagrees=2)
    assert found == {"lines_money_in": 1, "lines": 2, "lines_type_disagrees": 2, "message": (
        "2 lines carry a sign that their own debit/credit type or word (OFX TRNTYPE, a "
        f"debit/credit column) contradicts and no balance proves either: {settle}")}
    found = sign_unproven(pd.Series([0.5, 3.0]), False, unsigned_lines=2)
    assert found == {"lines_money_in": 2, "lines": 2, "lines_unsigned": 2, "message": (
        "2 amounts carry no sign and nothing in the file (a balance, a direction column, a "
        "type, a minus on any line, money in/out columns) tells their side: read as money in; "
        f"{settle}")}
    found = sign_unproven(pd.Series([0.5, 0.25, -1.0, 2.0]), False)
    assert found == {"lines_money_in": 3, "lines": 4, "message": (
        f"3 of 4 lines of this file read as money in and no balance proves the signs: {settle}")}


# ------------------------------------------------------------- debit/credit words
from titans_finance.core.movements import WORDS_MIN_LINES, words_against_signs  # noqa: E402


@pytest.mark.parametrize("amounts, words, negated", [
    ([189.0, -40.0], [-1, 1], True),          # a debit written +, a credit written -: both
    ([189.0, -40.0, 56.5], [-1, 1, -1], True),
    ([189.0], [-1], False),                    # one line: under WORDS_MIN_LINES
    ([189.0, 56.5], [-1, -1], False),          # one word only: nothing tells the view
    ([189.0, -40.0, -56.5], [-1, 1, -1], False),  # one line agrees: not the file's view
    ([-189.0, 40.0], [-1, 1], False),          # the words agree with the signs
    ([189.0, -40.0, 0.0], [-1, 1, 1], True),   # a zero has no side and does not count
])
def test_debit_credit_words_that_contradict_every_sign_negate_the_file(amounts, words,
                                                                       negated):
    amount = pd.Series(amounts)
    out, evidence = words_against_signs(amount, pd.Series(words, dtype="float64"), signed=True)
    assert out.tolist() == ([-a for a in amounts] if negated else amounts)
    assert bool(evidence) is negated
    assert WORDS_MIN_LINES == 2


def test_unsigned_amounts_or_lines_without_a_word_are_not_read_by_the_words():
    amount = pd.Series([189.0, -40.0, 5.0])
    out, _ = words_against_signs(amount, pd.Series([-1, 1, 1], dtype="float64"), signed=False)
    assert out.tolist() == [189.0, -40.0, 5.0]
    # the line without a word is no evidence either way; the two with one contradict
    out, _ = words_against_signs(amount, pd.Series([-1, 1, np.nan]), signed=True)
    assert out.tolist() == [-189.0, 40.0, -5.0]


def test_a_repayment_worded_in_chinese_names_no_card_payment():
    # 还款 (repayment) words a card statement's payment in and a bank account's repayment
    # out alike (ABC's 正常还款 beside a deposit and interest): it tells no side
    for description, amount in (
            (["（消费）示例商户A", "（退款）示例商户B", "（分期）银联分期", "（还款）云闪付"],
             [15.90, -97.20, 387.42, -1130.68]),
            (["转存", "财付通", "正常还款", "结息"], [10000.0, -10.0, -12345.89, 0.01])):
        rows, negate, _ = card_payments(pd.Series(description), pd.Series(amount), signed=True)
        assert not rows.any() and not negate.any()


# ------------------------------------------------- card payments against purchases

def _against(descriptions, amounts, share=0.5):
    from titans_finance.core.movements import payments_against_purchases
    return payments_against_purchases(pd.Series(descriptions, dtype="str"),
                                      pd.Series(amounts, dtype="float64"), share)


def test_a_payment_out_against_purchases_in_is_a_contradiction_in_any_language():
    # a zh card statement in the issuer's view: the repayment negative, the purchase positive
    found = _against(["（消费）商户A", "（退款）商户B", "（还款）云闪付"], [15.9, -97.2, -1130.68])
    assert found == {"lines_payment_worded_out": 1, "lines_against": 1,
                     "lines_against_money_in": 1, "against": "purchase-worded lines"}
    assert _against(["（消費）商户", "（還款）"], [8.0, -8.0])["lines_payment_worded_out"] == 1
    # an English card statement with no purchase word: the file's lines decide
    found = _against(["AMAZON MKTPLACE", "INTERNET PAYMENT - THANK YOU", "COMCAST"],
                     [12.3, -678.28, 44.75])
    assert (found["against"], found["lines_against_money_in"], found["lines_against"]) == (
        "lines of the file", 2, 3)


def test_the_word_alone_decides_no_side_bank_and_holder_view_exports_are_not_contradictions():
    # a bank account: the card repayment goes out with the purchases, a salary comes in
    assert _against(["正常还款", "消费 超市", "工资"], [-1234.0, -20.0, 5000.0]) is None
    # a bank account without purchase words: a deposit and interest in, a payment and a
    # repayment out — the repayment counts against the majority: 2 of 4 in is none
    assert _against(["转存", "财付通", "正常还款", "结息"],
                    [10000.0, -10.0, -12345.89, 0.01]) is None
    assert _against(["ONLINE PAYMENT THANK YOU", "POS PURCHASE SHOP", "SALARY"],
                    [-500.0, -20.0, 3000.0]) is None
    # a card export in the holder's view: the payment in, the charges out
    assert _against(["Payment Thank You - Web", "SUNNYVALE MING TASTY", "DELI"],
                    [2655.83, -70.6, -86.01]) is None
    # payments read both ways say nothing; nothing worded as a payment says nothing
    assert _against(["AUTOPAY PAYMENT", "AUTOPAY PAYMENT", "SHOP"], [-5.0, 5.0, 9.0]) is None
    assert _against(["SHOP", "SHOP"], [5.0, 9.0]) is None
    # a payment to someone named is no card payment
    assert _against(["PAYMENT RECEIVED FROM JOHN", "SHOP"], [-5.0, 9.0]) is None
    # a payment with no other line to compare says nothing
    assert _against(["INTERNET PAYMENT - THANK YOU", "SHOP"], [-5.0, 0.0]) is None


def test_payments_against_purchases_from_the_boundary_of_its_share():
    from titans_finance.parameters import IngestionSettings
    from tests.parameters import parameters
    share = IngestionSettings.of(parameters("ingestion")).payment_against_purchases_share
    assert share == 0.5
    # the purchase-worded lines decide when any: 1 of 2 in is the share itself, not above it
    lines = ["INTERNET PAYMENT - THANK YOU", "POS PURCHASE A", "POS PURCHASE B", "SALARY"]
    assert _against(lines, [-9.0, 5.0, -6.0, 100.0], share) is None
    assert _against(lines, [-9.0, 5.0, 6.0, -100.0], share)["lines_against_money_in"] == 2
    assert _against(lines, [-9.0, -5.0, -6.0, 100.0], share) is None
    # else all the file's lines, the payment among them: 2 of 4 in is not above a half,
    # 3 of 4 is, 1 of 4 is not
    lines = ["INTERNET PAYMENT - THANK YOU", "A", "B", "C"]
    assert _against(lines, [-9.0, 1.0, 2.0, -3.0], share) is None
    assert _against(lines, [-9.0, 1.0, 2.0, 3.0], share)["lines_against_money_in"] == 3
    assert _against(lines, [-9.0, 1.0, -2.0, -3.0], share) is None
    # the share is the setting's: 3 of 4 is not above three quarters
    assert _against(lines, [-9.0, 1.0, 2.0, 3.0], 0.75) is None


def test_payments_against_purchases_are_said_unless_something_proves_the_signs():
    from titans_finance.core.movements import BANK_STATEMENT, sign_unproven
    amount = pd.Series([15.9, -97.2, 387.42, -1130.68])  # two of four in: no mostly-in
    against = _against(["（消费）A", "（退款）B", "（分期）C", "（还款）D"], amount.tolist())
    found = sign_unproven(amount, False, payments_against=against)
    assert found["lines_payment_worded_out"] == 1 and found["against"] == "purchase-worded lines"
    assert found["message"].startswith(
        "1 lines worded as a card payment or repayment read as money out while 1 of 1 "
        "purchase-worded lines read as money in")
    assert "declare `sign: negate` for this file in conf/local/export_mappings.yml" in (
        found["message"])
    assert sign_unproven(amount, False) is None
    # a balance or a declared sign, a side column, a bank statement's format: proven
    assert sign_unproven(amount, True, payments_against=against) is None
    assert sign_unproven(amount, False, directed=True, payments_against=against) is None
    assert sign_unproven(amount, False, format_sign=BANK_STATEMENT,
                         payments_against=against) is None


# ------------------------------------------------- a payment in its payee's words

_DISCOVER = ["AMAZON MKTPLACE PMTS", "DIRECTPAY FULL BALANCE", "COMCAST CALIFORNIA",
             "INTERNET PAYMENT - THANK YOU", "AMAZON MKTPLACE PMTS"]


def test_a_payment_thanked_written_negative_proves_the_issuers_view_whatever_its_share():
    # two payments in five lines (40 %, above the quarter a card's payments usually are)
    amount = _s(12.3, -227.84, 44.75, -678.28, 6.56)
    rows, negate, evidence = card_payments(pd.Series(_DISCOVER), amount, signed=True)
    assert negate.all() and rows.tolist() == [False, True, False, True, False]
    assert evidence["decided"] == ("card payments: a payment in its payee's words written "
                                   "as money out")
    # the same payments without the payee's words ("THANK YOU"): nothing proves the view
    text = pd.Series([t.replace(" - THANK YOU", "") for t in _DISCOVER])
    rows, negate, evidence = card_payments(text, amount, signed=True)
    assert not negate.any() and not rows.any() and evidence["decided"] == "not a card account"
    # sign from an indicator column (not signed): nothing negated
    _, negate, _ = card_payments(pd.Series(_DISCOVER), amount, signed=False)
    assert not negate.any()


@pytest.mark.parametrize("wording", ["PAYMENT RECEIVED THANK YOU", "INTERNET PAYMENT RECEIVED",
                                     "Zahlung erhalten", "Paiement reçu", "Pago recibido",
                                     "Pagamento ricevuto"])
def test_a_payment_received_in_any_language_is_the_payees_words(wording):
    rows, negate, _ = card_payments(pd.Series([wording, "SHOP", "SHOP"]), _s(-500, 30, 4.6),
                                    signed=True)
    assert negate.all() and rows.tolist() == [True, False, False]


@pytest.mark.parametrize("others, negated", [
    ((30.0, 4.6, -2.0), True),    # 2 of 3 other lines in: more than half, the issuer's view
    ((30.0, -4.6), False),        # 1 of 2: half (a bank account's salary beside a purchase)
    ((30.0, -4.6, -2.0), False),  # 1 of 3: most other lines out, as in the holder's view
    ((), False),                  # no other line to compare
])
def test_the_payees_words_prove_the_view_only_against_most_other_lines_in(others, negated):
    text = pd.Series(["ONLINE PAYMENT THANK YOU"] + ["SHOP"] * len(others))
    _, negate, _ = card_payments(text, _s(-500, *others), signed=True)
    assert negate.all() == negated and (negate.any() == negated)


def test_a_payment_thanked_written_positive_keeps_the_count_and_share_rule():
    # the holder's view: a payment in beside charges out is no proof of anything to negate;
    # two of five is too many for the card rule, so nothing is marked either
    text = pd.Series(["Payment Thank You - Web", "SHOP", "Payment Thank You - Web", "SHOP",
                      "SHOP"])
    rows, negate, _ = card_payments(text, _s(100, -10, 100, -20, -30), signed=True)
    assert not rows.any() and not negate.any()
    # payments thanked both ways: no side
    rows, negate, _ = card_payments(text, _s(100, 10, -100, 20, 30), signed=True)
    assert not rows.any() and not negate.any()


def test_every_payment_received_wording_passes_the_fast_pass_and_both_patterns():
    # the fast pass runs first: a payment word it missed would never reach `_PAYMENT`
    from titans_finance.core import movements

    for paid, received in movements._PAYMENT_RECEIVED:
        wording = f"{paid} {received}".replace("re[cç]u", "reçu")
        assert movements._PAYMENT_WORD.search(wording), wording
        assert movements._PAYMENT.search(wording.upper()), wording
        assert movements._PAYEES_WORDS.search(wording), wording
    for paid in movements._PAYMENT_WORDS:
        assert movements._PAYMENT_WORD.search(paid), paid
        assert movements._PAYMENT.search(f"{paid} - thank you"), paid
