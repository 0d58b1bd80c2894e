"""A fee written in its own column beside the transaction's amount, found by its header
words and proven by its values.

App and transfer exports write what the provider charged beside the amount it moved
(Wise's ``Betrag der Ausgangsgebühr`` beside ``Ausgangsbetrag (nach Gebühren)``; a
``Source fee amount`` beside ``Source amount (after fees)``). A header that names the fee
only in a compound word or among other words (`header_names.word_roles`) is no header
synonym of the whole, so without this the column is left unused and the fee silently
drops out of the money that moved. A free column becomes the ``Fee`` when:

- the words of its name, outside a parenthesised qualifier, name a fee and no side or
  balance (``Amount (after fees)`` is an amount, not a fee);
- its values are amounts, and on every line where both are written the fee is no larger
  than the amount (a fee is a part of what moved, never more than it);
- no fee it writes is the amount of another line (to the cent): a fee booked on its own
  line as well (Wise's older export: ``Total fees`` 11.35 beside the transfer, and a line
  ``TransferWise Charges`` of −11.35) would be counted twice;
- it is the only such column.

The normaliser then charges it on top of the amount unless a running balance proves the
amount already includes it (`core.movements.apply_fees`).

A broker's trade line proves it without a balance: when two other columns of numbers
(quantity and price) multiply to the amount plus or minus the fee, to the cent, on every
line that pays a fee (Schwab: 100 × $18.05 = $1,805.00, amount $1,792.02, fees $12.98),
the amount is net of the fee, which is then no money of its own (`fee_in_the_price`).
Plain module (no Kedro).
"""

from __future__ import annotations

import numpy as np

from titans_finance.core.header_names import unqualified, word_roles
from titans_finance.core.readers.column_evidence import is_amount_column
from titans_finance.core.readers.reconcile import CENT_TOLERANCE

_MONEY_ROLES = ("Amount", "Money In", "Money Out")
_NOT_A_FEE = frozenset({"Money In", "Money Out", "Balance"})
# half a cent: a fee and another line's amount written to the cent are the same money
_CENT = CENT_TOLERANCE


def fee_booked_as_a_line(fee, amount) -> bool:
    """Whether some non-zero fee equals, to the cent, the amount of another line (sorted
    amounts searched once per fee: a 2,000-line sample costs no pairwise loop)."""
    values = np.sort(amount.abs().dropna().to_numpy(dtype="float64"))
    charged = fee.abs().to_numpy(dtype="float64")
    own = amount.abs().reindex(fee.index).to_numpy(dtype="float64")
    lines = np.isfinite(charged) & (charged > 0)
    if not lines.any() or not len(values):
        return False
    near = (np.searchsorted(values, charged[lines] + _CENT, side="right")
            - np.searchsorted(values, charged[lines] - _CENT, side="left"))
    # a fee equal to its own line's amount is no other line's
    near = near - (np.abs(own[lines] - charged[lines]) <= _CENT)
    return bool((near > 0).any())


def fee_within_amount(fee, amount) -> bool:
    """Whether ``|fee| <= |amount|`` on every line where both are written (and there is
    such a line)."""
    both = fee.notna() & amount.notna()
    return bool(both.any()) and bool((fee[both].abs() <= amount[both].abs()).all())


# a quantity × price and an amount written to the cent agree within a cent
_PRICE_CENT = 0.01


def fee_in_the_price(fee, amount, numbers: dict) -> tuple[str, str] | None:
    """``(quantity, price)``: two columns of ``numbers`` whose product is, on every line
    paying a fee (at least one, each with both written), the amount's size plus or minus
    the fee to the cent, and not the amount itself: the amount is net of the fee."""
    paid = fee.abs().fillna(0.0) > 0
    if not paid.any():
        return None
    names = list(numbers)
    for i, quantity in enumerate(names):
        for price in names[i + 1:]:
            gross = (numbers[quantity] * numbers[price]).abs()
            lines = paid & gross.notna() & amount.notna()
            if lines.sum() < paid.sum():
                continue
            gap = (gross[lines] - amount[lines].abs()).abs()
            if (np.abs(gap - fee[lines].abs()) <= _PRICE_CENT).all() and (gap > _PRICE_CENT).all():
                return quantity, price
    return None


class FeeColumns:
    """Mixin of `column_roles._RoleInference`: `fill_fee`."""

    def fill_fee(self) -> None:
        set_aside = None
        if "Fee" in self.roles and "Fee" not in self.declared:
            set_aside = self.roles["Fee"][0]
            self.fee_already_in_amount()
        if "Fee" in self.roles or "Fee" in self.declared or not any(
                r in self.roles for r in _MONEY_ROLES):
            return
        amount = self.signed_amounts()
        if amount is None:
            return
        found = []
        for column in self.free():
            words = word_roles(unqualified(column))
            # (a named fee just set aside is in the price: found again, it was noted twice)
            if column == set_aside or "Fee" not in words or words & _NOT_A_FEE:
                continue
            fee = self.numbers(column)
            if (is_amount_column(self.evidence[column]) and fee_within_amount(fee, amount)
                    and not fee_booked_as_a_line(fee, amount)):
                found.append(column)
        if len(found) == 1:
            self.assign("Fee", found[0], "header words name a fee; its values are amounts, "
                        "none larger than the line's amount")
            self.fee_already_in_amount()

    def fee_already_in_amount(self) -> None:
        """Set the fee column aside when quantity × price proves the amount net of it."""
        amount = self.signed_amounts()
        column = self.roles["Fee"][0]
        numeric = [c for c in self.free() if self.evidence[c].get("amount_rate", 0) > 0]
        found = None if amount is None else fee_in_the_price(
            self.numbers(column), amount, {c: self.numbers(c) for c in numeric})
        if found is None:
            return
        self.roles.pop("Fee")
        self.notes.append(f"column {column!r}: already in the amount ({found[0]!r} × "
                          f"{found[1]!r} is the amount plus or minus it on every line with a fee)")
