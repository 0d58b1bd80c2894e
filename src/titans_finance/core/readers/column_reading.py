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
