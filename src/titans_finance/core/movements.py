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


def card_payments(description: pd.Series, amount: pd.Series, signed: bool
                  ) -> tuple[pd.Series, bool, dict[str, Any]]:
    """Payments into a card account: ``(rows, negate the file, evidence)``.

    A card account's lines are purchases in one direction and, a few times a month, the
    payments that settle it in the other. Rows worded as a card payment (see `_PAYMENT`)
    are payments when they all go one way, the other way from most of the file's lines,
    and are at most a quarter of them: a checking account's own "ONLINE PAYMENT" lines
    go out with its other spending and are not marked. Such payments are transfers from
    another of the user's accounts (marked, left out of income and spending).

    When these payments are written negative and the purchases positive, the file writes
    the issuer's view (charges as positive amounts): with a signed amount column the whole
    file is negated, so that purchases are money out of the account and payments money in.
    """
    none = pd.Series(False, index=amount.index)
    # (a fast pass over the column first: most lines of a big export name no payment)
    text = description.astype("str")
    maybe = text.str.contains(_PAYMENT_WORD, na=False).to_numpy(dtype=bool)
    worded = none.copy()
    if maybe.any():
        worded[maybe] = _payment_wording(text[maybe]).fillna(False).astype(bool).to_numpy()
    worded &= amount.notna() & (amount != 0)
    written = amount.notna() & (amount != 0)
    if not worded.any() or written.sum() < 4:
        return none, False, {}
    signs = np.sign(amount[worded]).unique()
    others = amount[written & ~worded]
    if len(signs) != 1 or others.empty:
        return none, False, {}
    payment_sign = float(signs[0])
    against = float((np.sign(others) == -payment_sign).mean())
    share = float(worded.sum() / written.sum())
    evidence = {"card_payment_rows": int(worded.sum()), "share_of_rows": round(share, 3),
                "other_rows_the_other_way": round(against, 3)}
    if share > _MOST or against < 0.5:
        return none, False, {**evidence, "decided": "not a card account"}
    negate = signed and payment_sign < 0
    return worded, negate, {**evidence, "decided": "card payments",
                            "charges_written_positive": bool(negate)}


def without_transfers(table: pd.DataFrame) -> pd.DataFrame:
    """The rows that are income or spending: transfers between the user's own accounts
    (card payments included) only move money, they are neither."""
    if "is_transfer" not in table:
        return table
    return table[~table["is_transfer"].fillna(False).astype(bool).to_numpy()]
