"""Columns that hold no money: every value they write reads as zero.

A card export writes its amount twice, in a foreign currency and in the account's, and
fills the foreign one (and its exchange rate) with ``0`` when the purchase was at home
(C6 Bank's ``Valor (em US$)``, ``Cotação``, ``Valor (em R$)``); a wallet writes money in
and money out in two columns and its export may hold only payments (ePay.bg's ``Приход``
of ``0.00`` on every line beside ``Разход``). A header word that names such a column reads
every amount as zero: no complaint follows (nothing is malformed, zero is an amount), so
the money is lost silently. Three rules, read from the values:

- `moneyless_amount`: a header's amount column that holds no money on any sampled line,
  while a free column of amounts does, is set aside: the values decide among the columns
  that hold money (`column_roles` then reads them as for a file without a header word);
  a single zero is enough when the column is blank on a line where the other holds money
  on every line (`blank_where_money_moves`: a blank is no running balance's zero);
- `complete_side_pair`: a header that names one side of money (in or out) and not the
  other: the one free column of amounts that holds money only on lines the named side
  leaves without (zero or empty), its values all of one sign, is the other side — each
  line fills one of the two (a balance holds money beside the side's own lines; two such
  columns decide nothing);
- `refuse_moneyless_reading`: whatever decided the columns, a reading whose amounts are
  zero on at least `NEARLY_ALL_ZERO` of its lines, while a column it does not read holds
  money on those lines, stops the file, naming that column and the mapping that settles it.

`MoneylessColumns` is a part of `column_roles._RoleInference` (it works on its sample,
roles, evidence and numbers). Plain module (no Kedro).
"""

from __future__ import annotations

import pandas as pd

from titans_finance.core.column_values import clean_strings
from titans_finance.core.readers.amount_links import exchange_rate_columns
from titans_finance.core.readers.amount_words import money_written
from titans_finance.core.readers.column_evidence import PARSE_RATE, is_amount_column
from titans_finance.core.readers.mapping import UnsureReading, mapping_lines

# A reading is wrong when its amounts are zero on at least this share of the lines that
# write one while another column holds money there (a file may write a few zero lines:
# a waived fee, a card check; one in ten holding money is no reading of the money).
NEARLY_ALL_ZERO = 0.9
# A column holds no money when it writes zero on at least this many lines: a running
# balance can be zero after one line, never after two that move money (a one-line sample's
# zero may be the balance).
MONEYLESS_LINES = 2
_SIDES = {"Money In": "Money Out", "Money Out": "Money In"}


class MoneylessColumns:
    """The rules of the module docstring (mixed into `column_roles._RoleInference`)."""

    def money_lines(self, column: str) -> pd.Series:
        """The sampled lines where ``column`` writes an amount that is not zero."""
        return money_written(self.sample[column], self.numbers(column))

    def holds_no_money(self, column: str) -> bool:
        """Whether ``column`` writes amounts on `MONEYLESS_LINES` lines or more and every one
        reads as zero."""
        e = self.evidence[column]
        return (e.get("amount_rate", 0) >= PARSE_RATE and e.get("values", 0) >= MONEYLESS_LINES
                and not self.money_lines(column).any())

    def columns_with_money(self) -> list[str]:
        """Free columns of amounts that hold money on some sampled line."""
        return [c for c in self.free() if is_amount_column(self.evidence[c])
                and self.money_lines(c).any()]

    def money_candidates(self) -> list[str]:
        """Free columns of amounts, less those whose values are an exchange rate between
        two others (`amount_links.exchange_rate_columns`: never money, never a balance) and,
        when another holds money, those that hold none (`holds_no_money`,
        `blank_where_money_moves`)."""
        candidates = [c for c in self.free() if is_amount_column(self.evidence[c])]
        if len(candidates) >= 3 and self.rates is None:
            self.rates = exchange_rate_columns({c: self.numbers(c) for c in candidates},
                                               {c: self.sample[c] for c in candidates})
            for rate, (source, target) in self.rates.items():
                self.why[rate] = (f"exchange rate: {source!r} × its value = {target!r} on "
                                  "every line")
                self.notes.append(f"column {rate!r}: {self.why[rate]}")
        candidates = [c for c in candidates if c not in (self.rates or {})]
        with_money = [c for c in candidates
                      if not (self.holds_no_money(c) or self.blank_where_money_moves(c))]
        return with_money if with_money else candidates

    def moneyless_amount(self, column: str) -> bool:
        """Whether the header's amount ``column`` holds no money while a free column of
        amounts does: set aside for the values to decide."""
        return ((self.holds_no_money(column) or self.blank_where_money_moves(column))
                and bool(self.columns_with_money()))

    def blank_where_money_moves(self, column: str) -> bool:
        """Whether ``column`` writes no money on any sampled line and leaves a line blank
        where a free column of amounts holds money, that column holding money on every line:
        a transaction's amount is written on each of its lines (a blank is no zero balance),
        so a column that is empty where money moved is not it (PayPal's ``Shipping and
        Handling Amount``, ``0`` on one line and blank on the others, beside ``Gross``)."""
        if self.money_lines(column).any():
            return False
        blank = clean_strings(self.sample[column]).isna()
        if not blank.any():
            return False
        return any(self.money_lines(c).all() for c in self.columns_with_money())

    def complete_side_pair(self) -> None:
        """A header's one side of money without the other (module docstring): the free
        column that fills every line the side leaves without money becomes the other side."""
        named = [r for r in _SIDES if self.roles.get(r)]
        if len(named) != 1 or "Amount" in self.roles or set(_SIDES) & self.declared:
            return
        side, other_side = named[0], _SIDES[named[0]]
        column = self.roles[side][0]
        filled = self.money_lines(column)
        found = []
        for other in self.columns_with_money():
            theirs, numbers = self.money_lines(other), self.numbers(other)
            if (filled & theirs).any():
                continue
            # one sign: a side's values are never mixed (money out may carry its minus)
            if (numbers[theirs] > 0).all() or (other_side == "Money Out"
                                               and (numbers[theirs] < 0).all()):
                found.append(other)
        if len(found) != 1:
            return
        why = (f"holds money on every line {column!r} ({side}, header word) leaves without, "
               f"and on none it fills: the other side, {other_side.lower()}")
        self.assign(other_side, found[0], why)
        self.notes.append(f"column {found[0]!r}: {why}")

    def refuse_moneyless_reading(self) -> None:
        """Stop the file when its amounts read zero on `NEARLY_ALL_ZERO` of their lines while
        a column the reading does not use holds money on those lines (module docstring)."""
        if {"Amount", "Money In", "Money Out"} & self.declared:
            return
        amounts = self.signed_amounts()
        if amounts is None or not amounts.notna().any():
            return
        zero = amounts.eq(0)
        if zero.sum() < NEARLY_ALL_ZERO * amounts.notna().sum():
            return
        money = [c for c in self.columns_with_money() if self.money_lines(c)[zero].any()]
        if not money:
            return
        read = [c for r in ("Amount", "Money In", "Money Out") for c in self.roles.get(r, [])]
        raise UnsureReading(
            f"{self.name}: the amounts read from {', '.join(map(repr, read))} are zero on "
            f"{int(zero.sum())} of {int(amounts.notna().sum())} lines, while "
            f"{', '.join(map(repr, money))} holds money on those lines: the reading would "
            "lose the money. Declare the amount column, e.g.\n"
            + mapping_lines(self.name, {"amount": money[0]}))
