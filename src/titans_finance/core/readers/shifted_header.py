"""A header drawn one column off its values: each role goes where its values are.

A statement turned into CSV from a page layout (ING Romania's two-page statement) can write
its header names one column beside the values they name: ``,Data,,Detalii tranzactie,,,
Debit,Credit`` over ``01 octombrie 2020,,Transfer Home'Bank,,,"2.000,00",,`` — the dates
under a blank header left of ``Data``, the debits under a blank header left of ``Debit``.
Read by its header, every line has no date and no amount (all quarantined, nothing read).

The values decide where each role is; the header word still says which role (a debit is
money out because the header says ``Debit``, not because of its column). A header-named
column that no sampled line fills moves its role to the column beside it when that column:

- has no header name of its own (blank: a header drawn off its values leaves its values'
  columns unnamed), takes no role yet, and
- holds values of the role's kind on at least `CONSISTENT_RATE` of its written values (the
  rate at which a header's role stands against its values: `role_values`) — dates for a
  date, amounts for money, text for a description;

and only when the file says it one way: a header is drawn off as a whole, left or right, so
one way must fit (some role's values found there) with no empty named column's neighbour
that way saying otherwise (named, taken, or holding values of another kind; a blank
neighbour without values, or none past the header's last name, says nothing), and the other way must not fit too (then
which way is unsure: nothing moves, the lines stay quarantined as before). A role whose
column is filled stays where the header names it (ING's ``Credit``, written under its own
name on the page's longer lines).

`ShiftedHeader` is a part of `column_roles._RoleInference` (its sample, roles, evidence).
Plain module (no Kedro).
"""

from __future__ import annotations

import re
from typing import Any

from titans_finance.core.readers.column_evidence import is_date_column
from titans_finance.core.readers.role_values import CONSISTENT_RATE

# the roles a value can place: a date, money, a text (the others are read from the values
# anyway, or named by words the values cannot check)
_KINDS = {"Date": "dates", "Value Date": "dates", "Amount": "amounts", "Money In": "amounts",
          "Money Out": "amounts", "Balance": "amounts", "Description": "text"}
_SUFFIX = re.compile(r"\.\d+$")  # how a repeated header name is made unique ("", ".1")


def blank_name(column: str) -> bool:
    """Whether the header wrote no name over ``column`` (``""``, made unique as ``".1"``)."""
    return _SUFFIX.sub("", str(column)).strip() == ""


def holds_kind(kind: str, e: dict[str, Any]) -> bool:
    """Whether a column's values (``e`` their evidence) are of ``kind`` on at least
    `CONSISTENT_RATE` of its written values."""
    if not e.get("values"):
        return False
    if kind == "dates":
        return e.get("date_rate", 0) >= CONSISTENT_RATE
    if kind == "amounts":
        return (e.get("amount_rate", 0) >= CONSISTENT_RATE and not is_date_column(e)
                and not e.get("flag"))
    return (e.get("text_rate", 0) >= CONSISTENT_RATE and e.get("date_rate", 0) < CONSISTENT_RATE
            and e.get("amount_rate", 0) < CONSISTENT_RATE)


class ShiftedHeader:
    """The rule of the module docstring (mixed into `column_roles._RoleInference`)."""

    def _shifted(self, step: int) -> dict[str, tuple[str, str]] | None:
        """The moves the header drawn ``step`` columns off its values makes (named column ->
        (role, the values' column)); None when a named empty column's neighbour that way
        says otherwise (named, taken, or values of another kind). A blank neighbour with no
        value says nothing (no line of that role in the sample), nor does a name at the
        header's edge (a trailing blank field is often cut from the header line)."""
        columns = [str(c) for c in self.sample.columns]
        taken = self.assigned()
        moves: dict[str, tuple[str, str]] = {}
        for role, kind in _KINDS.items():
            if role in self.declared:
                continue
            for column in self.roles.get(role, []):
                if self.evidence[column].get("values", 0):
                    continue
                at = columns.index(str(column)) + step
                if not 0 <= at < len(columns):
                    continue  # (a blank last field is often cut from the header line)
                if not blank_name(columns[at]) or columns[at] in taken:
                    return None
                if not self.evidence[columns[at]].get("values", 0):
                    continue
                if not holds_kind(kind, self.evidence[columns[at]]):
                    return None
                moves[column] = (role, columns[at])
        return moves

    def follow_shifted_header(self) -> None:
        if self.headerless:
            return
        ways = {step: self._shifted(step) for step in (-1, 1)}
        fitting = [step for step, moves in ways.items() if moves]
        if len(fitting) != 1:  # no way, or both: nothing moves
            return
        step = fitting[0]
        side = "left" if step < 0 else "right"
        for column, (role, target) in (ways[step] or {}).items():
            self.roles[role] = [target if c == column else c for c in self.roles[role]]
            self.why[target] = (f"{role}: the header names it one column to the "
                                f"{'right' if step < 0 else 'left'} ({column!r}, over no "
                                "value), the values are here")
            self.why[column] = f"header word over no value: its values are one column {side}"
            self.notes.append(f"column {column!r}: the header says {role} but no line fills "
                              f"it; the values are one column {side} ({target!r}): the header "
                              "is drawn off its values")
