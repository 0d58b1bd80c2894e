"""The currency of the report's amounts: the export's, else a declared one, else unknown.

A report must never invent a currency: a file with a ``currency`` column says what its
amounts are; without one the user may declare it (``reporting.currency`` in
``conf/base/parameters_reporting.yml``); otherwise the amounts are shown as written,
without a sign, and the report says the currency is not known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

# Currencies written with a sign before the number; every other code is written after it.
PREFIX_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}
_ISO_CODE = re.compile(r"^[A-Z]{3}$")
DECLARE = "reporting.currency in conf/base/parameters_reporting.yml"


class CurrencyConfigError(ValueError):
    """The declared currency is not an ISO 4217 code."""


@dataclass(frozen=True)
class Money:
    """How amounts are labelled and formatted; ``codes`` lists every currency of the export."""

    code: str | None
    source: str  # "export", "declared", "unknown" or "mixed"
    codes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """What an axis or a column of amounts is in."""
        if self.code:
            return self.code
        return "mixed currencies" if self.source == "mixed" else "currency not stated"

    def axis(self, title: str) -> dict:
        """Plotly axis settings: ``title (EUR)`` and thousands with the sign of the currency."""
        prefix = PREFIX_SYMBOLS.get(self.code or "", "")
        suffix = f" {self.code}" if self.code and not prefix else ""
        return {"title": f"{title} ({self.label})", "tickformat": ",.0f", "tickprefix": prefix,
                "ticksuffix": suffix}

    def format(self, value: float, decimals: int = 0) -> str:
        """``€1,234`` / ``1,234 CZK`` / ``-1,234`` (unknown currency: the number alone)."""
        number = f"{abs(value):,.{decimals}f}"
        # the sign of what is shown: -0.4 at whole units is "€0", never "-€0"
        sign = "-" if round(value, decimals) < 0 else ""
        prefix = PREFIX_SYMBOLS.get(self.code or "")
        if prefix:
            return f"{sign}{prefix}{number}"
        return f"{sign}{number}" + (f" {self.code}" if self.code else "")

    def note(self) -> str:
        """One sentence for the reader: what the amounts are in and how we know."""
        if self.source == "export":
            return f"Amounts are in {self.code}, as the export's currency column states."
        if self.source == "declared":
            return f"Amounts are in {self.code}, as declared ({DECLARE}); the export states none."
        if self.source == "mixed":
            return (f"The export mixes currencies ({', '.join(self.codes)}): totals add the "
                    "amounts as written, without conversion.")
        return (f"The export states no currency and none is declared ({DECLARE}): amounts are "
                "shown as written, without a currency sign.")


def money_of(transactions: pd.DataFrame, declared: str | None = None) -> Money:
    """The export's currency (its optional ``currency`` column), else ``declared``, else unknown."""
    column = transactions.get("currency")
    codes = ()
    if column is not None:
        written = column.dropna().astype("str").str.strip().str.upper()
        codes = tuple(sorted(set(written[written != ""])))
    if len(codes) == 1:
        return Money(codes[0], "export", codes)
    if len(codes) > 1:
        return Money(None, "mixed", codes)
    if declared is not None and str(declared).strip():
        code = str(declared).strip().upper()
        if not _ISO_CODE.match(code):
            raise CurrencyConfigError(f"{DECLARE}: expected a three-letter ISO 4217 code such as "
                                      f"EUR or USD, got {declared!r}")
        return Money(code, "declared", (code,))
    return Money(None, "unknown")
