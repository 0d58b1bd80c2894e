"""Whether a column's values allow the role its header word names: the values decide, the
header word only chooses among the roles they allow.

A header word is evidence in one language and can mean another thing in the next
(``Valuta`` is the currency in Swedish and the value date in German and Italian exports).
So every role a header named (not one a mapping declared) is checked against what the
column's values are: a currency needs currency codes, symbols or names; a date, dates; a
money column, amounts (not dates); a debit/credit indicator, two or three short values or
known debit/credit words (not amounts, not dates); a text column (description, type,
category, status, payment method), no column of dates and none of amounts with decimals;
an account, no column of dates and no number that changes on most lines (a counterparty's).
A role the values contradict is dropped with a note; the column goes to a role its header
word also names when the values allow that one, to the value date when its values are
dates, else to whatever the values say later (`column_roles`). References, transaction ids
and receipt links are left as named: they can hold numbers, codes or date-like ids.

`RoleValues` is a part of `column_roles._RoleInference` (it works on its sample, roles and
evidence).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from titans_finance.core.column_values import clean_strings
from titans_finance.core.header_names import header_roles
from titans_finance.core.readers.amount_words import amount_inside_side_pair, fuller_amount_twin
from titans_finance.core.readers.column_evidence import (
    MAX_TOKENS,
    PARSE_RATE,
    is_date_column,
    token_sign,
)

# A header's role stands when at least this share of the column's written values are of
# the role's kind (empty cells count for nothing: a value date left empty on pending lines,
# a currency written only on foreign lines); the values alone give a role at `PARSE_RATE`.
CONSISTENT_RATE = 0.5
# An account column with at least this many distinct values, more than one in two lines,
# holds the counterparties' accounts, not the file's.
COUNTERPARTY_DISTINCT = 3
MONEY_ROLES = ("Amount", "Money In", "Money Out", "Balance", "Fee")
TEXT_ROLES = ("Description", "Type", "Category", "Status", "Payment Method")


def values_are(e: dict[str, Any]) -> str:
    """What a column's values are, in words (for the notes)."""
    if is_date_column(e):
        return "dates"
    if e.get("flag"):
        return "0/1 flags"
    if e.get("amount_rate", 0) >= PARSE_RATE:
        return "amounts"
    if e.get("currency_rate", 0) >= PARSE_RATE:
        return "currency codes"
    if "tokens" in e:
        return "a few short values"
    if e.get("date_rate", 0) >= CONSISTENT_RATE:
        return "mostly dates"
    return "text"


def _decimal_amounts(e: dict[str, Any]) -> bool:
    return (e.get("amount_rate", 0) >= PARSE_RATE and not e.get("flag")
            and not e.get("integers_only") and not is_date_column(e))


def contradicts(role: str, e: dict[str, Any], values: pd.Series) -> bool:
    """True when the column's values (``e`` their evidence) cannot hold ``role``. A column
    with no written value contradicts nothing."""
    if not e.get("values"):
        return False
    if role in ("Date", "Value Date"):
        # (whole numbers may be compact dates our parser does not read, ``930103``: the
        # header and a declared date format decide them)
        return e.get("date_rate", 0) < CONSISTENT_RATE and not e.get("integers_only")
    if role == "Currency":
        return e.get("currency_rate", 0) < CONSISTENT_RATE
    if role in MONEY_ROLES:
        # (money columns without one amount among their values are `column_roles`'s check)
        return is_date_column(e) or (role == "Fee" and not e.get("amount_rate")
                                     and not e.get("flag"))
    if role == "Debit/Credit":
        if is_date_column(e) or (e.get("amount_rate", 0) >= PARSE_RATE and not e.get("flag")):
            return True
        distinct = clean_strings(values).dropna().unique()
        return len(distinct) > MAX_TOKENS and any(token_sign(str(v)) is None for v in distinct)
    if role in TEXT_ROLES:
        return is_date_column(e) or _decimal_amounts(e)
    if role == "Account":
        # the file's own accounts repeat down the lines; numbers that change on most lines
        # are the counterparties' (DKB's ``Kontonummer``, an ``IBAN`` of the payee)
        return is_date_column(e) or (e.get("distinct", 0) >= COUNTERPARTY_DISTINCT
                                     and 2 * e["distinct"] > e["values"])
    return False


class RoleValues:
    """The check of header roles against the values (mixed into `_RoleInference`)."""

    def drop_contradicted_roles(self) -> None:
        """Drop every header role the values contradict; give the column a role its header
        word also names, or the value date when its values are dates; give the role to
        another column whose header names it when the values allow (a second ``Währung``
        after a ``Valuta`` of dates)."""
        dropped: dict[str, str] = {}  # column -> the role its header named
        self.dropped = dropped
        for role in list(self.roles):
            if role in self.declared:
                continue
            for column in list(self.roles[role]):
                e = self.evidence[column]
                if not contradicts(role, e, self.sample[column]):
                    continue
                self.roles[role].remove(column)
                dropped[column] = role
                self.notes.append(f"column {column!r}: the header says {role} but its values "
                                  f"are {values_are(e)}: the values decide")
                self.why[column] = f"values are {values_are(e)}, not a {role} (header word)"
            if not self.roles[role]:
                del self.roles[role]
        for column in dropped:
            e = self.evidence[column]
            meanings = [r for r in header_roles(column) if r not in self.roles
                        and not contradicts(r, e, self.sample[column])]
            if meanings:
                self.assign(meanings[0], column, f"the header word can mean {meanings[0]} and "
                            f"the values agree ({values_are(e)})")
            elif is_date_column(e) and "Value Date" not in self.roles and "Date" in self.roles:
                self.assign("Value Date", column, "values are dates: a second column of dates")
        for role in set(dropped.values()) - set(self.roles):
            named = [c for c in self.free() if c not in dropped and role in header_roles(c)
                     and self.evidence[c].get("values")
                     and not contradicts(role, self.evidence[c], self.sample[c])]
            if named:
                self.assign(role, named[0], f"the header names {role} and the values agree "
                            "(the column first named so holds something else)")

    def move_to_namesake(self, role: str, column: str) -> bool:
        """A side of money (in or out) whose header-named column holds no amount, when a free
        column whose header names the same side holds amounts (``交易金额(收入)`` of dashes,
        ``记账金额(收入)`` of the booked amounts): that column takes the side."""
        namesake = next((c for c in self.free() if header_roles(c)[:1] == (role,)
                         and self.evidence[c].get("amount_rate", 0) >= PARSE_RATE), None)
        if namesake is not None:
            self.assign(role, namesake, f"the header names {role} and the values are amounts "
                        f"({column!r}, named so first, holds none)")
        return namesake is not None

    def restore_date(self) -> None:
        """A header's date column whose values are no dates, when no other column holds
        dates: it stays the date, so each line without a readable date is quarantined
        (``invalid_date``) rather than the whole file refused."""
        if "Date" in self.roles:
            return
        column = next((c for c, role in self.dropped.items() if role == "Date"
                       and c not in self.assigned()), None)
        if column is not None:
            self.assign("Date", column, "header word; no column holds dates (lines whose "
                        "date does not read are quarantined)")

    def values_agree(self, column: str) -> bool:
        """Whether a header-named column's values are plainly of its role (for the report:
        a role the values allow at `CONSISTENT_RATE` but not at `PARSE_RATE` stays, marked)."""
        role = next((r for r, cols in self.roles.items() if column in cols), None)
        e = self.evidence[column]
        if e.get("values", 0) == 0 or role is None:
            return True
        if role in ("Date", "Value Date"):
            return is_date_column(e)
        if role in ("Amount", "Money In", "Money Out", "Balance"):
            return e.get("amount_rate", 0) >= PARSE_RATE
        return True

    def partial_amount(self, column: str) -> bool:
        """Whether the header's amount ``column`` holds an amount on fewer lines than another
        column whose header words name an amount too (`amount_words.fuller_amount_twin`):
        a partial amount (foreign currency), set aside for the values to decide; or one
        written only on some of the lines the header's money in / money out pair fills
        (`amount_words.amount_inside_side_pair`): the pair is the money; or one that holds
        no money while another column does (`moneyless_columns`)."""
        return (fuller_amount_twin(self, column) is not None
                or amount_inside_side_pair(self, column) or self.moneyless_amount(column))

    def side_pair_holds_the_money(self, role: str, column: str) -> bool:
        """Whether the header's amount ``column``, set aside as a partial amount, stays aside
        because the header's money in / money out pair holds the money of every line it
        writes and more (`amount_words.amount_inside_side_pair`); noted."""
        if role != "Amount" or not amount_inside_side_pair(self, column):
            return False
        self.notes.append(f"column {column!r}: the header says Amount, but it is written on "
                          "fewer lines than money in / money out, and only where they hold "
                          "money: a partial amount (another currency); the pair is the money")
        return True
