"""The reading of a CSV's columns as the reading report shows it: each column's role
with its evidence, the sign convention, the date order and how the balance is written.
Built by `column_roles.infer_roles`; plain data (no Kedro)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reading:
    """The roles of a file's columns, what decided each and the evidence (`report`)."""

    roles: dict[str, list[str]]
    unrecognised: list[str]
    evidence: dict[str, dict[str, Any]]
    direction: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    date_order: dict[str, Any] | None = None  # when the balance decided day/month order
    unsigned_sign: float | None = None  # the side of the values written without a sign
    # the balance column holds the balance before each line (not after it)
    balance_before: bool = False

    def use_roles(self, roles: dict[str, list[str]],
                  date_columns: dict[str, Any] | None) -> None:
        """The roles the file is read with, once its date columns were weighed
        (`date_columns.booking_date`): the report says the role each column was used in.
        Each column the date rule weighed or moved says what became of it, why, and the role
        its values and header gave it first."""
        before = {c: role for role, cols in self.roles.items() for c in cols}
        self.roles = roles
        if not date_columns:
            return
        after = {c: role for role, cols in roles.items() for c in cols}
        booking, why = date_columns["booking_date"], date_columns["decided_by"]
        moved = [c for c in self.evidence if before.get(c) != after.get(c)]
        for column in dict.fromkeys([*date_columns["columns"], *moved]):
            if column not in self.evidence:
                continue
            role = after.get(column)
            said = ("the date the lines carry" if column == booking else
                    f"the value date beside {booking!r}" if role == "Value Date" else
                    f"a date column set aside: {booking!r} dates the lines")
            self.evidence[column]["decided_by"] = (
                f"{said} (decided by {why}; first read as {before.get(column) or 'unused'}: "
                f"{self.evidence[column].get('decided_by', 'not used')})")

    def report(self) -> dict[str, Any]:
        role_of = {c: role for role, cols in self.roles.items() for c in cols}
        columns = {}
        for column, evidence in self.evidence.items():
            columns[column] = {"role": role_of.get(column), **evidence}
        report: dict[str, Any] = {"columns": columns, "sign_convention": self.sign_convention()}
        if self.unsigned_sign is not None:
            report["unsigned_sign"] = self.unsigned_sign
        if self.direction:
            report["direction"] = self.direction
        if self.notes:
            report["notes"] = self.notes
        if self.date_order:
            report["date_order"] = self.date_order
        if self.balance_before:
            report["balance_written"] = "before each line"
        return report

    def sign_convention(self) -> str:
        if self.unsigned_sign is not None:
            return ("'+' marks money in; amounts written without a sign are money "
                    + ("out" if self.unsigned_sign < 0 else "in"))
        if self.direction:
            tokens = self.direction["values"]
            out = ", ".join(t for t, s in tokens.items() if s < 0)
            inn = ", ".join(t for t, s in tokens.items() if s > 0)
            return (f"unsigned amounts; direction from column {self.direction['column']!r} "
                    f"({out} = money out, {inn} = money in; decided by "
                    f"{self.direction['decided_by']})")
        if "Money In" in self.roles or "Money Out" in self.roles:
            return "split columns: money in and money out"
        return "signed amounts as written"
