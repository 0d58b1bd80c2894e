"""Do the amounts read from one export carry its balances? (proven / contradicted / not
possible): the statement balances a reader found (OFX, CAMT, MT940), the opening and closing
lines a CSV statement writes in its table, else a running balance column, one chain per
account (and currency). Plain module (no Kedro): `core.export_rows` calls it per file."""

from __future__ import annotations

from typing import Any

import pandas as pd

from titans_finance.core.normalise import clean_strings
from titans_finance.core.readers.base import PARSE_ERROR_COLUMN
from titans_finance.core.readers.reconcile import (
    NOT_POSSIBLE,
    running_balance_report,
    statement_report,
)


def balance_chain(account: pd.Series, raw: pd.DataFrame) -> pd.Series:
    """The chain each line's running balance belongs to: its account, and its currency when
    the file writes several (a wallet keeps one balance per currency)."""
    currency = clean_strings(raw["Currency"])
    if currency.dropna().nunique() > 1:
        return account.fillna("") + "|" + currency.fillna("")
    return account


def file_reconciliation(amount: pd.Series, balance: pd.Series, account: pd.Series,
                    day: pd.Series, raw: pd.DataFrame, hints: dict[str, Any]) -> dict[str, Any]:
    """Do the amounts read carry the file's balances? (proven / contradicted / not possible)

    The statement balances a reader found (OFX, CAMT, MT940) first, else a running balance
    column; only transaction lines count (not totals or repeated headers)."""
    lines = raw[PARSE_ERROR_COLUMN] == ""
    statements = hints.get("statement_balances") or _balance_line_statement(amount, lines, hints)
    if statements:
        report = statement_report(amount if hints.get("statement_balances") else amount[lines],
                                  statements)
        if report["status"] != NOT_POSSIBLE or not balance.notna().any():
            return report
    if balance.notna().any():
        report = running_balance_report(amount[lines], balance[lines],
                                        account[lines].fillna(""),
                                        pd.Series(raw.index[lines] + 1), day[lines])
        if hints.get("balance_before"):
            report["balance_written"] = "before each line (after it: plus the line's amount)"
        return report
    return {"status": NOT_POSSIBLE,
            "source": "no running balance and no statement balances in the file"}


def _balance_line_statement(amount: pd.Series, lines: pd.Series, hints: dict[str, Any]
                            ) -> list[dict[str, Any]] | None:
    """The opening and closing balance lines a CSV statement writes in its table
    (`readers.summary_lines`) as one statement over its transaction lines, when both are
    written and read."""
    positions = hints.get("balance_lines") or {}
    if "opening" not in positions or "closing" not in positions:
        return None
    opening = amount.iloc[positions["opening"]]
    closing = amount.iloc[positions["closing"]]
    if pd.isna(opening) or pd.isna(closing):
        return None
    return [{"rows": int(lines.sum()), "opening": float(opening), "closing": float(closing)}]
