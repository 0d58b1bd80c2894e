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
# "CAPITAL ONE AUTOPAY PYMT", "Zahlung erhalten", "Paiement reçu", "Pago recibido").
_PAYMENT = re.compile(
    r"(?i)\b(?:payment|pymt|pmt|paiement|zahlung|pago|betaling|pagamento)\b.*\b(?:thank|thanks)\b"
    r"|\b(?:auto ?pay|auto-pmt|automatic payment|directpay|direct pay|electronic payment|"
    r"internet payment|online payment|mobile payment|payment received|payment - thank|"
    r"zahlung erhalten|paiement re[cç]u|pago recibido|betaling ontvangen)\b")
_PAYMENT_WORD = re.compile(r"(?i)pay|pymt|pmt|zahlung|pago|betaling")
# A payment from someone (a client, a friend) names them: not a card being paid off.
_FROM_SOMEONE = re.compile(
    r"(?i)\b(?:from|von|de|van)\b(?!\s+(?:chk|checking|acct|account|sav|savings|bank|"
    r"your|ending|x+\d))")
_MOST = 0.25  # payments are at most this share of a card account's lines


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
    column all its rows are negated, so that purchases are money out and payments in.
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
    card = ((payment_sign != 0) & (counts["written"] >= 4) & (others > 0) & (share <= _MOST)
            & (against >= 0.5))
    negate = card & signed & (payment_sign < 0)
    rows = worded & key.map(card).fillna(False).astype(bool)
    negated = key.map(negate).fillna(False).astype(bool)
    evidence = {"accounts_with_card_payments": int(card.sum()),
                "card_payment_rows": int(rows.sum()),
                "accounts_written_in_the_issuers_view": int(negate.sum())}
    if len(counts) == 1:  # one account: the figures that decided
        evidence.update(share_of_rows=round(float(share.iloc[0]), 3),
                        other_rows_the_other_way=round(float(against.iloc[0]), 3),
                        decided="card payments" if bool(card.iloc[0]) else "not a card account")
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
MOSTLY_IN_SHARE = 2 / 3
MOSTLY_IN_MIN_LINES = 5


def sign_unproven(amount: pd.Series, proven_otherwise: bool) -> dict[str, Any] | None:
    """Evidence that the signs of a file's amounts are unproven and perhaps backwards:
    more than `MOSTLY_IN_SHARE` of its lines (at least `MOSTLY_IN_MIN_LINES` with money)
    are money in, and nothing proved the reading (``proven_otherwise``: a balance, a
    direction column, money in/out columns, a declared sign or card payments decided it).
    None when there is nothing to say."""
    moved = amount[amount.notna() & (amount != 0)]
    if proven_otherwise or len(moved) < MOSTLY_IN_MIN_LINES:
        return None
    share = float((moved > 0).mean())
    if share <= MOSTLY_IN_SHARE:
        return None
    return {"lines_money_in": int((moved > 0).sum()), "lines": int(len(moved)),
            "message": (f"{int((moved > 0).sum())} of {len(moved)} lines read as money in and "
                        "no balance proves the signs: if this is a card statement whose "
                        "charges are written positive, declare `sign: negate` for this file "
                        "in conf/local/export_mappings.yml")}
