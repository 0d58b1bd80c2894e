"""What moved on the account: fees written beside the amount, and payments into a card
account (transfers from another of the user's accounts, not income).

Plain module: the ingestion normaliser calls it once per file, on parsed columns.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from titans_finance.core.normalise import by_distinct_value

_CENT = 0.005


# --------------------------------------------------------------------------- fees

def _reconciled(movement: np.ndarray, balance: np.ndarray) -> int:
    """Rows whose balance is the previous (or, newest first, the next) row's balance plus
    the row's movement, to the cent: the better of the two file orders."""
    if len(balance) < 2:
        return 0
    ascending = np.abs(balance[:-1] + movement[1:] - balance[1:]) <= _CENT
    descending = np.abs(balance[1:] + movement[:-1] - balance[:-1]) <= _CENT
    return int(max(np.nansum(ascending), np.nansum(descending)))


def apply_fees(amount: pd.Series, fee: pd.Series, balance: pd.Series
               ) -> tuple[pd.Series, dict[str, Any]]:
    """The account's movement of each row when the file writes a fee beside the amount.

    A fee is money the account paid, whatever sign the file writes it with (Revolut
    writes ``0.50``, PayPal ``-0.50``). Either the amount already includes it (the
    movement is the amount) or it is charged on top (the movement is amount − |fee|):
    the running balance decides, taking the reading under which more rows carry the
    balance on (``fee_included_in_amount`` or ``fee_charged_on_top``). Without a
    balance, or when both readings reconcile equally, the fee is charged on top: an app
    export's Amount column is the price of what was bought, its Fee column what the app
    took for it (Revolut: balance = previous + Amount − Fee). One row stays one movement,
    so the row's balance reconciles line by line and conservation counts lines.
    """
    charged = fee.abs().fillna(0.0)
    if not (charged > 0).any():
        return amount, {}
    on_top = amount - charged
    values = balance.to_numpy(dtype="float64")
    evidence = {"rows_with_fee": int((charged > 0).sum())}
    if np.isfinite(values).sum() >= 2:
        top = _reconciled(on_top.to_numpy(dtype="float64"), values)
        included = _reconciled(amount.to_numpy(dtype="float64"), values)
        evidence.update(rows_reconciled_fee_on_top=top, rows_reconciled_fee_included=included)
        if included > top:
            return amount, {**evidence, "fee": "fee_included_in_amount", "decided_by": "balance"}
        return on_top, {**evidence, "fee": "fee_charged_on_top",
                        "decided_by": "balance" if top > included else "default"}
    return on_top, {**evidence, "fee": "fee_charged_on_top", "decided_by": "default"}


# --------------------------------------------------------------------------- card payments

# A payment received by a card issuer, as card statements word it ("Payment Thank You -
# Web", "AUTOPAY PAYMENT - THANK YOU", "INTERNET PAYMENT - THANK YOU", "ONLINE PAYMENT,
# THANK YOU", "DIRECTPAY FULL BALANCE", "BA ELECTRONIC PAYMENT", "PAYMENT RECEIVED",
# "CAPITAL ONE AUTOPAY PYMT", "Zahlung erhalten", "Paiement reçu", "Pago recibido"). Not
# zh 还款 (repayment): a card statement's payment in ("（还款）云闪付") and a bank account's
# repayment out ("自动还款", "正常还款") are worded alike.
# "Payment received" in each language: the payment word and the payee's received word.
# Both patterns below are built from this one table, so they cannot drift apart.
_PAYMENT_RECEIVED = (("payment", "received"), ("zahlung", "erhalten"),
                     ("paiement", "re[cç]u"), ("pago", "recibido"),
                     ("betaling", "ontvangen"), ("pagamento", "ricevuto"),
                     ("pagamento", "recebido"))
_PAYMENT_WORDS = ("pymt", "pmt", *dict.fromkeys(paid for paid, _ in _PAYMENT_RECEIVED))
_PAYMENT = re.compile(
    r"(?i)\b(?:" + "|".join(_PAYMENT_WORDS) + r")\b.*\b(?:thank|thanks)\b"
    r"|\b(?:auto ?pay|auto-pmt|automatic payment|directpay|direct pay|electronic payment|"
    r"internet payment|online payment|mobile payment|payment - thank|"
    + "|".join(f"{paid} {received}" for paid, received in _PAYMENT_RECEIVED) + r")\b")
_PAYMENT_WORD = re.compile(r"(?i)pay|pymt|pmt|paie|zahlung|pag|betaling")
# A payment from someone (a client, a friend) names them: not a card being paid off.
_FROM_SOMEONE = re.compile(
    r"(?i)\b(?:from|von|de|van)\b(?!\s+(?:chk|checking|acct|account|sav|savings|bank|"
    r"your|ending|x+\d))")
_MOST = 0.25  # payments are at most this share of a card account's lines
# A payment in its payee's words: thanked for or received ("INTERNET PAYMENT - THANK YOU",
# "PAYMENT RECEIVED", "Zahlung erhalten"). Only the account paid writes it, so the line is
# money in for the file's account whatever account that is: written negative, it proves
# the file writes money in negative (a card issuer's view), however many such lines.
_PAYEES_WORDS = re.compile(r"(?i)\b(?:thank|thanks|"
                           + "|".join(dict.fromkeys(r for _, r in _PAYMENT_RECEIVED)) + r")\b")


def _payees_words(text: pd.Series, worded: pd.Series) -> np.ndarray:
    """Which payment-worded lines are in the payee's words (only those lines are searched)."""
    found = np.zeros(len(text), dtype=bool)
    rows = worded.to_numpy(dtype=bool)
    found[rows] = text[rows].str.contains(_PAYEES_WORDS, na=False).to_numpy(dtype=bool)
    return found


@by_distinct_value
def _payment_wording(description: pd.Series) -> pd.Series:
    text = description.fillna("").astype("str")
    return text.str.contains(_PAYMENT) & ~text.str.contains(_FROM_SOMEONE)


def card_payments(description: pd.Series, amount: pd.Series, signed: bool,
                  accounts: pd.Series | None = None
                  ) -> tuple[pd.Series, pd.Series, dict[str, Any]]:
    """Payments into a card account: ``(rows, rows to negate, evidence)``, per account of
    the file (``accounts``: the account written on each row, if any).

    A card account's lines are purchases in one direction and, a few times a month, the
    payments that settle it in the other. Rows worded as a card payment (see `_PAYMENT`)
    are payments when they all go one way, the other way from at least half of the
    account's other lines, and are at most a quarter of its lines (and it has four or
    more): a checking account's own "ONLINE PAYMENT" lines go out with its other spending
    and are not marked. Such payments are transfers from another of the user's accounts
    (marked, left out of income and spending).

    When these payments are written negative and the purchases positive, the account is
    written in the issuer's view (charges as positive amounts): with a signed amount
    column all its rows are negated, so that purchases are money out and payments in. A
    payment in its payee's words (`_PAYEES_WORDS`: thanked for, received) written negative
    while more than half of the other lines are positive proves that view on its own,
    whatever the number of lines or the payments' share (Discover's two payments in five).
    """
    index = amount.index
    none = pd.Series(False, index=index)
    # (a fast pass over the column first: most lines of a big export name no payment)
    text = description.astype("str")
    maybe = text.str.contains(_PAYMENT_WORD, na=False).to_numpy(dtype=bool)
    if not maybe.any():
        return none, none, {}
    worded = none.copy()
    worded[maybe] = _payment_wording(text[maybe]).fillna(False).astype(bool).to_numpy()
    written = amount.notna() & (amount != 0)
    worded &= written
    if not worded.any():
        return none, none, {}
    key = (accounts.fillna("").astype("str") if accounts is not None
           else pd.Series("", index=index, dtype="str"))
    sign = np.sign(amount.fillna(0.0))
    counts = pd.DataFrame({
        "key": key.to_numpy(), "written": written.to_numpy(), "worded": worded.to_numpy(),
        "thanked": _payees_words(text, worded),
        "worded_in": (worded & (sign > 0)).to_numpy(),
        "worded_out": (worded & (sign < 0)).to_numpy(),
        "other_in": (written & ~worded & (sign > 0)).to_numpy(),
        "other_out": (written & ~worded & (sign < 0)).to_numpy()}).groupby("key").sum()
    counts = counts[counts["worded"] > 0]
    payment_sign = np.where((counts["worded_in"] > 0) & (counts["worded_out"] == 0), 1,
                            np.where((counts["worded_out"] > 0) & (counts["worded_in"] == 0),
                                     -1, 0))
    others = counts["other_in"] + counts["other_out"]
    against = pd.Series(np.where(payment_sign > 0, counts["other_out"], counts["other_in"])
                        / np.maximum(others.to_numpy(), 1), index=counts.index)
    share = counts["worded"] / counts["written"]
    # a payment thanked or received written as money out while most other lines (a card's
    # charges) are written as money in: the payee's words prove the issuer's view, with no
    # count of lines or share needed (half the others in is a bank account's salary and
    # refunds beside its purchases as well)
    thanked_out = (payment_sign < 0) & (counts["thanked"] > 0) & (against > 0.5)
    few = (counts["written"] >= 4) & (share <= _MOST)
    card = (payment_sign != 0) & (others > 0) & (against >= 0.5) & (few | thanked_out)
    negate = card & signed & (payment_sign < 0)
    rows = worded & key.map(card).fillna(False).astype(bool)
    negated = key.map(negate).fillna(False).astype(bool)
    evidence = {"accounts_with_card_payments": int(card.sum()),
                "card_payment_rows": int(rows.sum()),
                "accounts_written_in_the_issuers_view": int(negate.sum())}
    if len(counts) == 1:  # one account: the figures that decided
        evidence.update(share_of_rows=round(float(share.iloc[0]), 3),
                        other_rows_the_other_way=round(float(against.iloc[0]), 3),
                        decided=("not a card account" if not bool(card.iloc[0]) else
                                 "card payments" if bool(few.iloc[0]) else
                                 "card payments: a payment in its payee's words written as "
                                 "money out"))
    return rows.astype(bool), negated, evidence


def without_transfers(table: pd.DataFrame) -> pd.DataFrame:
    """The rows that are income or spending: transfers between the user's own accounts
    (card payments included) only move money, they are neither."""
    if "is_transfer" not in table:
        return table
    return table[~table["is_transfer"].fillna(False).astype(bool).to_numpy()]


# --------------------------------------------------------------------------- unproven sign

# An account's lines are mostly money going out (purchases, bills) and a few coming in
# (salary, refunds, a card's payments). A reading that no balance proves and that makes
# more than this share of the lines money in may have every sign backwards (a card
# statement writing its charges positive): the reading says so.
# From the first line with money: a short file proves no more than a long one (a card
# statement of three charges written positive was read as money in without a word when
# this rule waited for five lines; no file of the corpus or of readers7 read right is
# mostly money in with fewer).
MOSTLY_IN_SHARE = 2 / 3
MOSTLY_IN_MIN_LINES = 1
WORDS_MIN_LINES = 2  # lines whose debit/credit words all contradict the written signs
def words_against_signs(amount: pd.Series, indicator: pd.Series, signed: bool
                        ) -> tuple[pd.Series, dict[str, Any]]:
    """A signed amount column beside a column of debit/credit words (``indicator``: -1/+1 per
    line, NaN where none): when the word of every line with money says the other side than
    its written sign — debits written positive and credits negative, both words present, at
    least `WORDS_MIN_LINES` lines — the file is written in the other party's view (a card
    issuer's, charges as positive amounts) and the words prove it: every amount is negated.
    Anything less (one word only, or some lines agreeing) is left as written; the lines whose
    word contradicts their sign are then counted and said (`sign_unproven`)."""
    moved = (amount.notna() & (amount != 0) & indicator.notna()).to_numpy(dtype=bool)
    if not signed or moved.sum() < WORDS_MIN_LINES:
        return amount, {}
    sign, side = np.sign(amount.to_numpy()[moved]), indicator.to_numpy()[moved]
    if (sign != side).all() and len(set(side)) == 2:
        return -amount, {"negated_by_debit_credit_words": int(moved.sum())}
    return amount, {}


# What a format says of the written sign (`sign_unproven`'s ``format_sign``; None: a CSV
# column, whose number without a minus means nothing by itself): in a format that defines it
# (OFX, QIF, CAMT, MT940) such a number is money in; the format's sign is the account
# holder's and proven for a bank statement (OFX `STMTRS`, a CAMT or MT940 entry's own C/D),
# and the one issuers get backwards for a card statement.
SIGNED_BY_FORMAT = "signed_by_format"
BANK_STATEMENT, CARD_STATEMENT = "bank_statement", "card_statement"

_SETTLE = ("declare `sign: negate` for this file in conf/local/export_mappings.yml if it is a "
           "card statement whose charges are written positive (or map its direction column)")


# A card's payment or repayment in any language (`_PAYMENT`, and zh 还款/還款, which
# `card_payments` may not take: 8ce1fc2) and a purchase. Neither word gives a line its side:
# a bank account pays a card (out) with its purchases (out); a card account takes the
# payment (in) against its purchases (out). Only a payment read out against purchases read
# in fits neither account (`payments_against_purchases`).
_REPAYMENT = re.compile(r"还款|還款")
_PURCHASE = re.compile(r"(?i)消费|消費|\bpurchase\b|\bachat\b|\bcompra\b|покупка")


def payments_against_purchases(description: pd.Series, amount: pd.Series, share: float
                               ) -> dict[str, Any] | None:
    """Lines worded as a card payment or repayment that all read as money out while more
    than ``share`` of the purchase-worded lines (else, when no line is worded as a purchase,
    of all the file's lines with money, the payments among them) read as money in: the signs
    contradict each other in any account (see `_REPAYMENT`) — the evidence, else None. (The
    payments count against a majority: a bank account's repayment out beside a deposit and
    its interest in is no majority in — two of four.) Nothing is flipped: which side
    is wrong only a balance, a side column or a declared sign can say (`sign_unproven`)."""
    text = description.fillna("").astype("str")
    moved = (amount.notna() & (amount != 0)).to_numpy(dtype=bool)
    maybe = text.str.contains(_PAYMENT_WORD, na=False).to_numpy(dtype=bool)
    paid = text.str.contains(_REPAYMENT, na=False).to_numpy(dtype=bool) & moved
    if (maybe & moved).any():
        paid[maybe & moved] |= _payment_wording(text[maybe & moved]).fillna(False).to_numpy(
            dtype=bool)
    if not paid.any() or (amount.to_numpy()[paid] > 0).any():
        return None
    bought = text.str.contains(_PURCHASE, na=False).to_numpy(dtype=bool) & moved & ~paid
    against = bought if bought.any() else moved
    if not against.any():
        return None
    money_in = int((amount.to_numpy()[against] > 0).sum())
    if money_in / int(against.sum()) <= share:
        return None
    return {"lines_payment_worded_out": int(paid.sum()),
            "lines_against": int(against.sum()), "lines_against_money_in": money_in,
            "against": "purchase-worded lines" if bought.any() else "lines of the file"}


def sign_unproven(amount: pd.Series, proven_otherwise: bool, *, directed: bool = False,
                  unsigned_lines: int = 0, format_sign: str | None = None,
                  type_disagrees: int = 0, payments_against: dict[str, Any] | None = None
                  ) -> dict[str, Any] | None:
    """Evidence that the signs of a file's amounts are unproven and perhaps backwards; None
    when there is nothing to say.

    ``proven_otherwise``: a balance checked the amounts (proven, or contradicted: its own
    complaint) or a declared mapping settled the sign — nothing to say. Else, in order:
    - ``type_disagrees``: lines whose written sign the file's own debit/credit type
      contradicts (OFX ``TRNTYPE`` DEBIT written positive, CREDIT written negative);
    - ``unsigned_lines``: amounts of a CSV column with no sign anywhere that nothing gave a
      side (no direction column, no type, no money in/out column): read as money in as
      written, whatever their number — one line is as unproven as a thousand;
    - mostly money in: more than `MOSTLY_IN_SHARE` of the lines with money (at least
      `MOSTLY_IN_MIN_LINES`) when no direction column, money in/out columns or card
      payments (``directed``) decided them and the format does not prove the sign of a
      bank statement (OFX ``STMTRS``: the spec's sign is the account holder's; CAMT and
      MT940 write each entry's side);
    - ``payments_against``: card payments read as money out against purchases (or most
      of the file's lines) read as money in (`payments_against_purchases`), under the same proofs;
    """
    moved = amount[amount.notna() & (amount != 0)]
    money_in = int((moved > 0).sum())
    found = {"lines_money_in": money_in, "lines": int(len(moved))}
    if proven_otherwise:
        return None
    if type_disagrees > 0:
        return {**found, "lines_type_disagrees": int(type_disagrees),
                "message": (f"{int(type_disagrees)} lines carry a sign that their own debit/"
                            "credit type or word (OFX TRNTYPE, a debit/credit column) "
                            "contradicts and no balance proves either: "
                            f"{_SETTLE}")}
    if unsigned_lines > 0 and format_sign is None:
        return {**found, "lines_unsigned": int(unsigned_lines),
                "message": (f"{int(unsigned_lines)} amounts carry no sign and nothing in the "
                            "file (a balance, a direction column, a type, a minus on any line, "
                            "money in/out columns) tells their side: read as money in; "
                            f"{_SETTLE}")}
    if directed or format_sign == BANK_STATEMENT or len(moved) < MOSTLY_IN_MIN_LINES:
        return None
    if payments_against:
        paid, against = payments_against["lines_payment_worded_out"], payments_against["against"]
        return {**found, **payments_against, "message": (
            f"{paid} lines worded as a card payment or repayment read as money out while "
            f"{payments_against['lines_against_money_in']} of "
            f"{payments_against['lines_against']} {against} read as money in: no account "
            "pays a card out and takes its purchases in (a bank account pays out with its "
            "purchases, a card account takes the payment in against them), and no balance "
            f"or side column proves either: {_SETTLE}")}
    if float((moved > 0).mean()) <= MOSTLY_IN_SHARE:
        return None
    kind = "card statement" if format_sign == CARD_STATEMENT else "file"
    return {**found, "message": (f"{money_in} of {len(moved)} lines of this {kind} read as "
                                 f"money in and no balance proves the signs: {_SETTLE}")}
